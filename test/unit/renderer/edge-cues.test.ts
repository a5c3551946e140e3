// Arrows on the map's edge for urgent alarms out of view: where they sit, where they point, how far.
import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../core/geo/polygon';
import { edgeCues, type CueTarget, type CueView } from '../../../renderer/src/map/edge-cues';

/** 1000×600 px, 1° = 1000 px, centred on (119.3, 26.06); y grows southward */
const view: CueView = {
  width: 1000,
  height: 600,
  center: { lon: 119.3, lat: 26.06 },
  project: (lon, lat) => [500 + (lon - 119.3) * 1000, 300 - (lat - 26.06) * 1000],
};
const t = (id: string, lon: number, lat: number, priority: 1 | 2 = 1): CueTarget => ({ id, lon, lat, priority });

describe('edgeCues', () => {
  it('leaves what is in view alone, and puts the rest on the inset edge toward them', () => {
    const cues = edgeCues([t('in', 119.3, 26.06), t('east', 120.3, 26.06), t('north', 119.3, 26.86), t('se', 120.3, 25.06)], view, 30);
    const by = Object.fromEntries(cues.map((c) => [c.target.id, c]));
    expect(by.in).toBeUndefined();
    expect(by.east).toMatchObject({ x: 970, y: 300, angle: 0 });
    expect(by.north).toMatchObject({ x: 500, y: 30, angle: -90 });
    // towards the south-east, leaving through the bottom edge (the view is wider than tall)
    expect(by.se.y).toBeCloseTo(570);
    expect(by.se.x).toBeCloseTo(770);
    expect(by.se.angle).toBeCloseTo(45);
    expect(by.east.distanceM).toBeCloseTo(distanceMeters(119.3, 26.06, 120.3, 26.06), 3);
  });

  it('puts the most urgent first and moves cues apart along their edge', () => {
    const cues = edgeCues([t('p2', 120.3, 26.0601, 2), t('p1', 120.3, 26.06, 1), t('p1b', 120.3, 26.0599, 1)], view, 30);
    expect(cues.map((c) => c.target.id)).toEqual(['p1', 'p1b', 'p2']);
    expect(new Set(cues.map((c) => c.x))).toEqual(new Set([970]));
    const ys = cues.map((c) => c.y).sort((a, b) => a - b);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(46);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(46);
  });

  it('draws nothing in a view too small for an edge', () => {
    expect(edgeCues([t('east', 120.3, 26.06)], { ...view, width: 40 }, 30)).toEqual([]);
  });
});

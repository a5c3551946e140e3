import { describe, expect, it } from 'vitest';
import type { Incident, Kiosk } from '../../../core/domain';
import type { Layer } from '@deck.gl/core';
import { ageFade, areaLabelsAt, buildLayers as buildCanvases, chooseLabels, incidentColor, kioskColor, type LayerInput, LayerMemo, type MapViewInfo, phaseAt } from '../../../renderer/src/map/layers';
import { KIOSK_COLORS, PRIORITY_COLORS } from '../../../renderer/src/model/colors';
import { gridCatalog, niceBreaks, countOpen } from '../../../renderer/src/model/grids';
import { GRIDS } from './grid-fixture';
import { DEFAULT_LAYERS } from '../../../renderer/src/model/wall';
import { UnitTable } from '../../../renderer/src/model/units';
import { incident, unit } from './fixtures';

function input(over: Partial<LayerInput> = {}): LayerInput {
  const units = new UnitTable();
  units.load([unit('u1', { trail: [[119.3, 26.08, 1], [119.31, 26.08, 2]] }), unit('u2', { kind: 'patrol', heading: 45 })]);
  return {
    incidents: new Map([incident('a', { priority: 1, firstSeen: 50_000 }), incident('b', { acknowledged: true }), incident('c', { status: 'closed' })].map((i) => [i.id, i])),
    kiosks: new Map(),
    cameras: new Map(),
    units,
    unitsVersion: units.version,
    trails: null,
    layers: { ...DEFAULT_LAYERS },
    selectedId: null,
    now: 60_000,
    time: 0,
    scale: 1,
    kindLabel: (k) => `label:${k}`,
    language: 'zh-CN',
    icons: null,
    ...over,
  };
}

const ids = (ls: { id: string }[]) => ls.map((l) => l.id);
/** Both canvases' layers in drawing order, the one below first (a fresh memo unless one is given). */
const buildLayers = (s: LayerInput, memo = new LayerMemo()): Layer[] => {
  const { base, alerts } = buildCanvases(s, memo);
  return [...base, ...alerts];
};

describe('buildLayers', () => {
  it('draws open incidents, pulses the unacknowledged ones, and labels them', () => {
    const layers = buildLayers(input());
    expect(ids(layers)).toEqual(expect.arrayContaining(['units', 'incident-pulse', 'incidents', 'incident-labels', 'kiosks']));
    const incidents = layers.find((l) => l.id === 'incidents')!;
    expect((incidents.props.data as { id: string }[]).map((i) => i.id).sort()).toEqual(['a', 'b']);
    const pulse = layers.find((l) => l.id === 'incident-pulse')!;
    expect((pulse.props.data as { id: string }[]).map((i) => i.id)).toEqual(['a']);
    const labels = layers.find((l) => l.id === 'incident-labels')!;
    expect((labels.props as unknown as { characterSet: string }).characterSet).toBe('auto');
  });

  it('puts everything about alarms on the upper canvas and the rest below', () => {
    const trails = { length: 1, sources: new Float32Array(2), targets: new Float32Array(2), colors: new Uint8Array(4), units: 1 };
    const sos: Kiosk = { id: 'k', name: 'k', lat: 26.08, lon: 119.3, online: true, sos: true };
    const memo = new LayerMemo();
    const { base, alerts } = buildCanvases(input({ trails, selectedId: 'a', kiosks: new Map([['k', sos]]), highlight: { kind: 'unit', id: 'u2', lon: 0, lat: 0 } }), memo);
    expect(ids(alerts)).toEqual(['kiosks-sos', 'search-highlight', 'incident-pulse', 'incident-selected', 'incidents', 'incident-labels']);
    expect(ids(base)).toEqual(['kiosks', 'unit-trails', 'units']);
    // an animation frame (the pulse, the flashing kiosk) changes only what the upper canvas draws
    const later = buildCanvases(input({ trails, selectedId: 'a', kiosks: new Map([['k', sos]]), highlight: { kind: 'unit', id: 'u2', lon: 0, lat: 0 }, time: 800 }), memo);
    for (const [i, l] of later.base.entries()) {
      const a = base[i].props as unknown as Record<string, unknown>;
      const b = l.props as unknown as Record<string, unknown>;
      const differs = Object.keys(b).filter((k) => typeof b[k] !== 'function' && JSON.stringify(b[k]) !== JSON.stringify(a[k]));
      expect(differs, l.id).toEqual([]);
    }
  });

  it('keeps data identities across animation frames, so only uniforms change', () => {
    const s = input();
    const memo = new LayerMemo();
    const a = buildLayers(s, memo);
    const b = buildLayers({ ...s, time: 800 }, memo);
    for (const id of ['incidents', 'units', 'incident-pulse']) {
      expect(b.find((l) => l.id === id)!.props.data).toBe(a.find((l) => l.id === id)!.props.data);
    }
    const ra = a.find((l) => l.id === 'incident-pulse')!.props as unknown as { radiusScale: number };
    const rb = b.find((l) => l.id === 'incident-pulse')!.props as unknown as { radiusScale: number };
    expect(rb.radiusScale).not.toBe(ra.radiusScale);
  });

  it('gives the units layer binary attributes from the unit table', () => {
    const s = input();
    const units = buildLayers(s).find((l) => l.id === 'units')!;
    const data = units.props.data as { length: number; attributes: Record<string, { value: ArrayLike<number> }> };
    expect(data.length).toBe(2);
    expect(data.attributes.getPosition.value).toBeInstanceOf(Float32Array);
    expect(data.attributes.getFillColor.value).toBeInstanceOf(Uint8Array);
  });

  it('honours the layer toggles and adds trails and the selection ring', () => {
    const s = input();
    const trails = { length: 1, sources: new Float32Array(2), targets: new Float32Array(2), colors: new Uint8Array(4), units: 1 };
    const all = ids(buildLayers({ ...s, trails, selectedId: 'a' }));
    expect(all).toEqual(expect.arrayContaining(['unit-trails', 'incident-selected']));
    const none = ids(buildLayers({ ...s, trails, layers: { ...s.layers, incidents: false, units: false, kiosks: false } }));
    expect(none).toEqual([]);
  });
});

/** A flat test projection: 1° = 100,000 px × 2^(zoom-12), origin at (119.3, 26.08) in the middle of a 1000×800 canvas. */
function view(zoom = 12): MapViewInfo {
  const k = 100_000 * 2 ** (zoom - 12);
  return { zoom, width: 1000, height: 800, project: (lon, lat) => [500 + (lon - 119.3) * k, 400 - (lat - 26.08) * k], key: `z${zoom}` };
}

describe('buildLayers, second part', () => {
  it('stops the pulse once the incident is acknowledged (any age)', () => {
    const old = incident('old', { firstSeen: 0, ts: 0 });
    const s = input({ incidents: new Map([['old', old]]), now: 5 * 3600_000 });
    const pulse = buildLayers(s).find((l) => l.id === 'incident-pulse')!;
    expect((pulse.props.data as { id: string }[]).map((p) => p.id)).toEqual(['old']);
    const acked = buildLayers({ ...s, incidents: new Map([['old', { ...old, acknowledged: true }]]) });
    expect(acked.find((l) => l.id === 'incident-pulse')).toBeUndefined();
  });

  it('clusters close incidents when a view is given, and draws a kind icon per single incident', () => {
    const near = [incident('p1', { priority: 1, acknowledged: true, lon: 119.3, lat: 26.08 }), incident('p3', { lon: 119.3001, lat: 26.0801 }), incident('far', { kind: 'fire', lon: 119.4, lat: 26.08 })];
    const icons = { atlas: {} as HTMLCanvasElement, mapping: {} };
    const layers = buildLayers(input({ incidents: new Map(near.map((i) => [i.id, i])), view: view(12), icons }));
    const clusters = layers.find((l) => l.id === 'incident-clusters')!.props.data as { count: number; priority: number }[];
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ count: 2, priority: 1 });
    expect((layers.find((l) => l.id === 'incidents')!.props.data as { id: string }[]).map((i) => i.id)).toEqual(['far']);
    const iconLayer = layers.find((l) => l.id === 'incident-icons')!;
    expect((iconLayer.props as unknown as { getIcon: (i: { kind: string }) => string }).getIcon({ kind: 'fire' })).toBe('kind-fire');
    expect(layers.find((l) => l.id === 'incident-cluster-counts')).toBeDefined();
    // the cluster holds an unacknowledged incident, so it pulses
    const pulse = layers.find((l) => l.id === 'incident-pulse')!.props.data as { id: string }[];
    expect(pulse.map((p) => p.id).sort()).toEqual(['cluster:p1', 'far']);
  });

  it('never clusters an unacknowledged P1 or P2: among P3s it is its own marker with its pictogram, drawn above the clusters', () => {
    const at = (id: string, d: number, o: Partial<Incident> = {}) => incident(id, { lon: 119.3 + d, lat: 26.08 + d, ...o });
    const many = [at('p3-a', 0), at('p3-b', 0.0001), at('p3-c', 0.0002), at('p1-new', 0.00015, { priority: 1, kind: 'sos' }), at('p2-new', 0.00005, { priority: 2 }), at('p1-acked', 0.00012, { priority: 1, acknowledged: true })];
    const icons = { atlas: {} as HTMLCanvasElement, mapping: {} };
    const layers = buildLayers(input({ incidents: new Map(many.map((i) => [i.id, i])), view: view(10), icons }));
    const clusters = layers.find((l) => l.id === 'incident-clusters')!.props.data as { count: number; members: { id: string }[] }[];
    expect(clusters.flatMap((c) => c.members.map((m) => m.id)).sort()).toEqual(['p1-acked', 'p3-a', 'p3-b', 'p3-c']);
    const singles = (layers.find((l) => l.id === 'incidents')!.props.data as { id: string }[]).map((i) => i.id);
    expect(singles.sort()).toEqual(['p1-new', 'p2-new']);
    expect((layers.find((l) => l.id === 'incident-icons')!.props.data as { id: string }[]).map((i) => i.id).sort()).toEqual(['p1-new', 'p2-new']);
    const ids = layers.map((l) => l.id);
    expect(ids.indexOf('incidents')).toBeGreaterThan(ids.indexOf('incident-clusters'));
    expect(ids.indexOf('incident-icons')).toBeGreaterThan(ids.indexOf('incident-cluster-counts'));
  });

  it('fills grids at the given level by the given counts, and outlines the selected one', () => {
    const catalog = gridCatalog(GRIDS);
    const counts = countOpen([incident('a', { grid: { id: 'G1', ids: catalog.byId.get('G1')!.ids, names: catalog.byId.get('G1')!.names } })]);
    const grid = { catalog, level: 'street' as const, values: counts, breaks: niceBreaks(1), version: 1, selectedId: 'S2' };
    const layers = buildLayers(input({ grid }));
    const fill = layers.find((l) => l.id === 'grid-fill')!;
    const features = (fill.props.data as { features: { properties: { id: string } }[] }).features;
    expect(features.map((f) => f.properties.id)).toEqual(['S1', 'S2', 'S3']);
    const color = (fill.props as unknown as { getFillColor: (f: unknown) => number[] }).getFillColor;
    expect(color(features[0])[3]).toBeGreaterThan(0);
    expect(color(features[1])[3]).toBe(0);
    expect(layers.find((l) => l.id === 'grid-selected')).toBeDefined();
    // no measure: no fill; grids toggled off: no fill either
    expect(buildLayers(input({ grid: { ...grid, values: null } })).some((l) => l.id === 'grid-fill')).toBe(false);
    expect(buildLayers(input({ grid, layers: { ...DEFAULT_LAYERS, grids: false } })).some((l) => l.id === 'grid-fill')).toBe(false);
  });

  it('rings a unit found by search where the unit is now', () => {
    const s = input({ highlight: { kind: 'unit', id: 'u2', lon: 0, lat: 0 } });
    const ring = buildLayers(s).find((l) => l.id === 'search-highlight')!;
    expect(ring.props.data).toEqual([[119.3, 26.08]]);
  });
});

describe('labels', () => {
  it('shows district names when zoomed out, streets from 12.5', () => {
    const cat = gridCatalog(GRIDS);
    expect(areaLabelsAt(cat, 11).map((a) => a.id)).toEqual(['D1', 'D2']);
    expect(areaLabelsAt(cat, 13).map((a) => a.id)).toEqual(['D1', 'D2', 'S1', 'S2', 'S3']);
    expect(areaLabelsAt(cat, 15).map((a) => a.id)).toEqual(['S1', 'S2', 'S3']);
  });

  it('gives incident labels precedence over area names and keeps names off the markers', () => {
    const v = view(12);
    const a = incident('a', { priority: 1, lon: 119.3, lat: 26.08, firstSeen: 2 });
    const b = incident('b', { priority: 3, lon: 119.3002, lat: 26.08, firstSeen: 1 }); // 20 px away: labels would overlap
    const area = { id: 'D', name: '鼓楼区', level: 'district' as const, lon: 119.3, lat: 26.08 }; // right on the marker
    const far = { id: 'S', name: '远处街道', level: 'street' as const, lon: 119.303, lat: 26.078 };
    const choice = chooseLabels([b, a], [], [area, far], v, 1, () => '打架斗殴');
    expect(choice.incidents.map((i) => i.id)).toEqual(['a']);
    expect(choice.areas.map((x) => x.id)).toEqual(['S']);
  });
});

describe('styling helpers', () => {
  it('fades incidents with age, keeping their priority colour', () => {
    expect(ageFade(0)).toBe(1);
    expect(ageFade(60 * 60_000)).toBeLessThan(1);
    expect(ageFade(10 * 3600_000)).toBe(0.55);
    for (const p of [1, 2, 3, 4] as const) {
      const fresh = incidentColor(incident('a', { ts: 0, firstSeen: 0, priority: p }), 0);
      const old = incidentColor(incident('a', { ts: 0, firstSeen: 0, priority: p }), 3 * 3600_000);
      expect(fresh).toEqual(PRIORITY_COLORS[p]);
      expect(old.slice(0, 3)).toEqual(PRIORITY_COLORS[p].slice(0, 3));
      expect(old[3]).toBeLessThan(fresh[3]);
    }
  });
  it('colours kiosks by status, SOS first', () => {
    const k = (o: Partial<Kiosk>): Kiosk => ({ id: 'k', name: 'k', lat: 0, lon: 0, online: true, sos: false, ...o });
    expect(kioskColor(k({ sos: true, online: false }))).toEqual(KIOSK_COLORS.sos);
    expect(kioskColor(k({ online: null }))).toEqual(KIOSK_COLORS.unknown);
    expect(kioskColor(k({ online: false }))).not.toEqual(kioskColor(k({ online: true })));
  });
  it('phaseAt wraps', () => {
    expect(phaseAt(0, 1000)).toBe(0);
    expect(phaseAt(1500, 1000)).toBe(0.5);
    expect(phaseAt(-250, 1000)).toBe(0.75);
  });
});

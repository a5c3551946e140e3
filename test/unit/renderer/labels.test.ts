import { describe, expect, it } from 'vitest';
import { pointInPolygon, type Position } from '../../../core/geo/polygon';
import { labelPointOf, labelPoints } from '../../../renderer/src/model/label-points';
import { buildStyle } from '../../../renderer/src/map/style';

const square = (x: number, y: number, s: number): Position[] => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

describe('labelPoints', () => {
  it('gives one point per feature, in its largest part', () => {
    const grids = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'd1', name: '晋安区', level: 'district' }, geometry: { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 3)]] } },
        { type: 'Feature', properties: { id: 'g1', name: 'grid', level: 'grid' }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] } },
      ],
    };
    const pts = labelPoints(grids, ['district']);
    expect(pts.features).toHaveLength(1);
    expect(pts.features[0].properties.name).toBe('晋安区');
    expect(pts.features[0].geometry.coordinates).toEqual([6.5, 6.5]);
    expect(labelPoints(null, ['district']).features).toEqual([]);
  });

  it('keeps the point inside a concave shape', () => {
    // a U shape whose centroid falls in the notch
    const u: Position[] = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]];
    const [x, y] = labelPointOf([u]);
    expect(pointInPolygon(x, y, [u])).toBe(true);
  });
});

describe('buildStyle', () => {
  it('needs no glyph server or tiles, and shows grid levels by zoom', () => {
    const style = buildStyle(null);
    expect(style.glyphs).toBeUndefined();
    expect(Object.values(style.sources).every((s) => s.type === 'geojson')).toBe(true);
    const minzoom = (id: string) => style.layers.find((l) => l.id === id)?.minzoom;
    expect(minzoom('street-line')).toBe(11);
    expect(minzoom('community-line')).toBe(13);
    expect(minzoom('grid-line')).toBe(14.5);
  });
});

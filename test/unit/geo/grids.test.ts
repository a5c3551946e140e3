import { describe, expect, it } from 'vitest';
import { hierarchyProblems, parseGridCollection, type GridFeature } from '../../../core/geo/grids.js';

const ring = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];
const f = (id: string, level: string, ids: string[], names: string[], parentId: string | null, geometry: unknown = { type: 'Polygon', coordinates: [ring] }) => ({
  type: 'Feature',
  properties: { id, name: names[names.length - 1], level, parentId, ids, names },
  geometry,
});
const city = f('350100', 'city', ['350100'], ['福州市'], null);
const district = f('350104', 'district', ['350100', '350104'], ['福州市', '仓山区'], '350100');

describe('parseGridCollection', () => {
  it('rejects a top level that is not a FeatureCollection', () => {
    expect(parseGridCollection(null)).toMatchObject({ ok: false });
    expect(parseGridCollection([])).toMatchObject({ ok: false });
    expect(parseGridCollection({ type: 'Feature' })).toMatchObject({ ok: false, error: expect.stringContaining('FeatureCollection') });
    expect(parseGridCollection({ type: 'FeatureCollection', features: {} })).toMatchObject({ ok: false });
  });

  it('accepts valid features and copies only the known properties', () => {
    const extra = { ...district, properties: { ...district.properties, cp: [1, 2] } };
    const r = parseGridCollection({ type: 'FeatureCollection', features: [city, extra] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skipped).toEqual([]);
    expect(r.features).toHaveLength(2);
    expect(Object.keys(r.features[1].properties).sort()).toEqual(['id', 'ids', 'level', 'name', 'names', 'parentId']);
    expect(hierarchyProblems(r.features)).toEqual([]);
  });

  it('skips malformed features with reasons instead of throwing', () => {
    const bad: [unknown, RegExp][] = [
      [null, /Feature/],
      [{ ...city, type: 'Thing' }, /Feature/],
      [{ ...city, properties: undefined }, /properties/],
      [f('', 'city', [''], ['x'], null), /id/],
      [f('x', 'province', ['x'], ['x'], null), /level/],
      [f('x', 'district', ['x'], ['x'], null), /needs 2/],
      [f('x', 'district', ['350100', 'y'], ['福州市', 'x'], '350100'), /ids does not end/],
      [{ ...district, properties: { ...district.properties, names: ['福州市'] } }, /length/],
      [{ ...district, properties: { ...district.properties, name: '台江区' } }, /names does not end/],
      [{ ...district, properties: { ...district.properties, parentId: 'nope' } }, /parentId/],
      [{ ...district, properties: { ...district.properties, ids: ['350100', 350104] } }, /string arrays/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Point', coordinates: [0, 0] }), /unsupported/],
      [f('a', 'city', ['a'], ['A'], null, null), /geometry/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [ring.slice(0, 3)] }), /< 4/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [[...ring.slice(0, 4), [0, 0.5]]] }), /not closed/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [[[0, 0], [1, 'x'], [1, 1], [0, 0]]] }), /non-numeric/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [[[0, 0], [1, NaN], [1, 1], [0, 0]]] }), /non-numeric/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] }), /range/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'MultiPolygon', coordinates: [] }), /no polygons/],
      [f('a', 'city', ['a'], ['A'], null, { type: 'Polygon', coordinates: [] }), /no rings/],
      [city, /duplicate/],
    ];
    const r = parseGridCollection({ type: 'FeatureCollection', features: [city, district, ...bad.map(([b]) => b)] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.features.map((x) => x.properties.id)).toEqual(['350100', '350104']);
    expect(r.skipped.map((s) => s.index)).toEqual(bad.map((_, i) => i + 2));
    r.skipped.forEach((s, i) => expect(s.reason).toMatch(bad[i][1]));
  });
});

describe('hierarchyProblems', () => {
  it('reports missing ancestors, wrong levels and names, and duplicates', () => {
    const street = f('350104008', 'street', ['350100', '350104', '350104008'], ['福州市', '仓山区', '金山街道'], '350104') as unknown as GridFeature;
    const orphan = f('350199001', 'street', ['350100', '350199', '350199001'], ['福州市', '某区', '某街道'], '350199') as unknown as GridFeature;
    const misnamed = f('350104009', 'street', ['350100', '350104', '350104009'], ['福州市', '台江区', '某街道'], '350104') as unknown as GridFeature;
    const problems = hierarchyProblems([city, district, street, orphan, misnamed, street] as unknown as GridFeature[]);
    expect(problems.some((p) => p.includes('duplicate id 350104008'))).toBe(true);
    expect(problems.some((p) => p.includes('350199 missing'))).toBe(true);
    expect(problems.some((p) => p.includes('named 仓山区'))).toBe(true);
    expect(hierarchyProblems([city, district, street] as unknown as GridFeature[])).toEqual([]);
  });
});

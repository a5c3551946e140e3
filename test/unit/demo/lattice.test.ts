import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellRing, cellsGeometry, cellsOutline, type Cell, type Lattice } from '../../../core/demo/geo/lattice.js';
import { pointInGeometry, pointInPolygon, ringSignedArea } from '../../../core/geo/polygon.js';

const areaOf = (polys: [number, number][][][]): number => polys.reduce((s, p) => s + p.reduce((t, r) => t + ringSignedArea(r), 0), 0);

describe('cell outlines', () => {
  it('merges a block into one square ring with 4 corners', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cells.push([i, j]);
    const out = cellsOutline(cells);
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(1);
    expect(out[0][0]).toHaveLength(5);
    expect(ringSignedArea(out[0][0])).toBe(9);
  });

  it('keeps a hole', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== 1 || j !== 1) cells.push([i, j]);
    const out = cellsOutline(cells);
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(2);
    expect(ringSignedArea(out[0][1])).toBe(-1);
    expect(pointInPolygon(1.5, 1.5, out[0])).toBe(false);
    expect(pointInPolygon(0.5, 1.5, out[0])).toBe(true);
  });

  it('separates cells touching only at a corner', () => {
    const out = cellsOutline([
      [0, 0],
      [1, 1],
    ]);
    expect(out).toHaveLength(2);
    expect(areaOf(out)).toBe(2);
  });

  it('covers exactly the given cells (random sets)', () => {
    const cellArb = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }));
    fc.assert(
      fc.property(fc.uniqueArray(cellArb, { minLength: 1, maxLength: 30, selector: ([i, j]) => `${i},${j}` }), (cells) => {
        const polys = cellsOutline(cells);
        expect(areaOf(polys)).toBe(cells.length);
        const geom = { type: 'MultiPolygon' as const, coordinates: polys };
        const set = new Set(cells.map(([i, j]) => `${i},${j}`));
        for (let i = -1; i <= 7; i++) for (let j = -1; j <= 7; j++) expect(pointInGeometry(i + 0.5, j + 0.5, geom)).toBe(set.has(`${i},${j}`));
      }),
      { numRuns: 200 },
    );
  });

  it('maps to lon/lat with vertices shared between neighbouring cells', () => {
    const l: Lattice = { lon0: 119.15, lat0: 25.9, dLon: 0.0036, dLat: 0.0033, decimals: 6 };
    const a = cellRing(l, 10, 20);
    const b = cellRing(l, 11, 20);
    expect(a[1]).toEqual(b[0]);
    expect(a[2]).toEqual(b[3]);
    const g = cellsGeometry(l, [
      [10, 20],
      [11, 20],
    ]);
    expect(g.type).toBe('Polygon');
    expect(g.coordinates[0 as never]).toEqual([a[0], b[1], b[2], a[3], a[0]]);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  closeRing,
  distanceMeters,
  geometryBBox,
  pointInGeometry,
  pointInPolygon,
  pointInRing,
  rewindPolygon,
  ringSignedArea,
  roundGeometry,
  type MultiPolygonGeometry,
  type PolygonGeometry,
  type Ring,
} from '../../../core/geo/polygon.js';

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// 10×10 square with a 2..4 × 2..4 hole
const withHole: PolygonGeometry = { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(2, 2, 4, 4).reverse()] };
const multi: MultiPolygonGeometry = {
  type: 'MultiPolygon',
  coordinates: [withHole.coordinates, [square(20, 0, 30, 10)], [square(2.5, 2.5, 3.5, 3.5)]], // island inside the hole
};

describe('point in polygon', () => {
  it('handles a plain ring, open or closed, either winding', () => {
    const ring = square(0, 0, 1, 1);
    expect(pointInRing(0.5, 0.5, ring)).toBe(true);
    expect(pointInRing(0.5, 0.5, ring.slice(0, -1))).toBe(true);
    expect(pointInRing(0.5, 0.5, [...ring].reverse())).toBe(true);
    expect(pointInRing(1.5, 0.5, ring)).toBe(false);
    expect(pointInRing(0.5, -0.1, ring)).toBe(false);
    expect(pointInRing(0, 0, [])).toBe(false);
  });

  it('excludes holes', () => {
    expect(pointInPolygon(1, 1, withHole.coordinates)).toBe(true);
    expect(pointInPolygon(3, 3, withHole.coordinates)).toBe(false);
    expect(pointInPolygon(5, 5, withHole.coordinates)).toBe(true);
    expect(pointInPolygon(11, 5, withHole.coordinates)).toBe(false);
    expect(pointInPolygon(1, 1, [])).toBe(false);
  });

  it('handles MultiPolygon members, including an island inside another member’s hole', () => {
    expect(pointInGeometry(1, 1, multi)).toBe(true);
    expect(pointInGeometry(25, 5, multi)).toBe(true);
    expect(pointInGeometry(15, 5, multi)).toBe(false);
    expect(pointInGeometry(2.2, 2.2, multi)).toBe(false); // in the hole, outside the island
    expect(pointInGeometry(3, 3, multi)).toBe(true); // on the island
  });

  it('handles a concave ring', () => {
    // U shape open to the north
    const u: Ring = [
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ];
    expect(pointInRing(0.5, 2, u)).toBe(true);
    expect(pointInRing(1.5, 2, u)).toBe(false);
    expect(pointInRing(1.5, 0.5, u)).toBe(true);
    expect(pointInRing(2.5, 2.9, u)).toBe(true);
  });

  it('puts a point on an edge shared by two adjacent squares in exactly one of them', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), (t, x) => {
        const a = square(0, 0, 1, 1);
        const b = square(1, 0, 2, 1);
        const c = square(0, 1, 1, 2);
        // vertical shared edge x = 1 and horizontal shared edge y = 1
        expect(Number(pointInRing(1, t * 0.999 + 0.0005, a)) + Number(pointInRing(1, t * 0.999 + 0.0005, b))).toBe(1);
        if (x > 0.0005 && x < 0.9995) expect(Number(pointInRing(x, 1, a)) + Number(pointInRing(x, 1, c))).toBe(1);
      }),
    );
  });
});

describe('geometry helpers', () => {
  it('computes bboxes', () => {
    expect(geometryBBox(withHole)).toEqual([0, 0, 10, 10]);
    expect(geometryBBox(multi)).toEqual([0, 0, 30, 10]);
    expect(geometryBBox({ type: 'MultiPolygon', coordinates: [] }).every(Number.isNaN)).toBe(true);
  });

  it('winds outer rings counter-clockwise and holes clockwise', () => {
    const cw = [...square(0, 0, 10, 10)].reverse();
    const [outer, hole] = rewindPolygon([cw, square(2, 2, 4, 4)]);
    expect(ringSignedArea(outer)).toBeGreaterThan(0);
    expect(ringSignedArea(hole)).toBeLessThan(0);
    expect(ringSignedArea(square(0, 0, 2, 3))).toBe(6);
  });

  it('closes rings and rounds coordinates, dropping the duplicates rounding makes', () => {
    expect(closeRing([[0, 0], [1, 0], [1, 1]])).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
    const g = roundGeometry(
      {
        type: 'Polygon',
        coordinates: [[[0.1234564, 0], [0.1234561, 0], [1, 0], [1, 1], [0.1234564, 0]]],
      },
      6,
    );
    expect(g.coordinates[0]).toEqual([[0.123456, 0], [1, 0], [1, 1], [0.123456, 0]]);
  });

  it('measures distances', () => {
    // one degree of latitude ≈ 111.2 km
    expect(distanceMeters(119, 26, 119, 27)).toBeGreaterThan(111_000);
    expect(distanceMeters(119, 26, 119, 27)).toBeLessThan(111_400);
    expect(distanceMeters(119.2826, 26.0425, 119.2826, 26.0425)).toBe(0);
  });
});

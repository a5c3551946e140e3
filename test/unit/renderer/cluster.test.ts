import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLUSTER_MAX_ZOOM, clusterPoints, expansionZoom, mercatorPx, unmercator, type ClusterPoint } from '../../../renderer/src/model/cluster';

const pt = (id: string, lon: number, lat: number, priority: 1 | 2 | 3 | 4 = 3): ClusterPoint => ({ id, lon, lat, priority });

describe('clusterPoints', () => {
  it('merges points closer than the radius, keeps far ones single', () => {
    const pts = [pt('a', 119.3, 26.08), pt('b', 119.3005, 26.0803), pt('c', 119.3008, 26.0801), pt('far', 119.5, 26.2)];
    const r = clusterPoints(pts, 11, 40);
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0].count).toBe(3);
    expect(r.clusters[0].members.map((m) => m.id).sort()).toEqual(['a', 'b', 'c']);
    expect(r.singles.map((s) => s.id)).toEqual(['far']);
    const [w, s, e, n] = r.clusters[0].bounds;
    expect([w, s, e, n]).toEqual([119.3, 26.08, 119.3008, 26.0803]);
    expect(r.clusters[0].lon).toBeGreaterThan(w);
    expect(r.clusters[0].lon).toBeLessThan(e);
  });

  it('takes the colour of the most urgent incident inside, which also seeds it', () => {
    const r = clusterPoints([pt('a', 119.3, 26.08, 4), pt('b', 119.3002, 26.08, 1), pt('c', 119.3004, 26.08, 3)], 11, 40);
    expect(r.clusters[0].priority).toBe(1);
    expect(r.clusters[0].id).toBe('cluster:b');
  });

  it('does not cluster at or beyond the maximum zoom', () => {
    const pts = [pt('a', 119.3, 26.08), pt('b', 119.30001, 26.08)];
    expect(clusterPoints(pts, CLUSTER_MAX_ZOOM, 40).clusters).toEqual([]);
    expect(clusterPoints(pts, CLUSTER_MAX_ZOOM, 40).singles).toHaveLength(2);
  });

  it('splits as the map zooms in, and says where a cluster opens up', () => {
    const pts = [pt('a', 119.3, 26.08), pt('b', 119.302, 26.08)]; // ~200 m apart
    expect(clusterPoints(pts, 11, 40).clusters).toHaveLength(1);
    const z = expansionZoom(pts, 11, 40);
    expect(z).toBeGreaterThan(11);
    expect(z).toBeLessThan(CLUSTER_MAX_ZOOM);
    expect(clusterPoints(pts, z, 40).clusters).toHaveLength(0);
    expect(clusterPoints(pts, z - 0.25, 40).clusters).toHaveLength(1);
    expect(expansionZoom([pt('a', 1, 1), pt('b', 1, 1)], 11, 40)).toBe(CLUSTER_MAX_ZOOM);
  });

  it('accounts for every point exactly once and does not depend on input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lon: fc.double({ min: 119.2, max: 119.4, noNaN: true }), lat: fc.double({ min: 26.0, max: 26.15, noNaN: true }), priority: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4> }), { maxLength: 60 }),
        fc.double({ min: 8, max: 14.9, noNaN: true }),
        (raw, zoom) => {
          const pts = raw.map((p, i) => pt(`p${i}`, p.lon, p.lat, p.priority));
          const a = clusterPoints(pts, zoom, 30);
          const b = clusterPoints(pts.slice().reverse(), zoom, 30);
          const ids = [...a.singles.map((s) => s.id), ...a.clusters.flatMap((c) => c.members.map((m) => m.id))].sort();
          expect(ids).toEqual(pts.map((p) => p.id).sort());
          const key = (r: typeof a) => [...r.singles.map((s) => s.id).sort(), ...r.clusters.map((c) => `${c.id}:${c.members.map((m) => m.id).sort()}`).sort()];
          expect(key(b)).toEqual(key(a));
          for (const c of a.clusters) expect(c.priority).toBe(Math.min(...c.members.map((m) => m.priority)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('projects to Web Mercator pixels and back', () => {
    const [x, y] = mercatorPx(119.3, 26.08, 12);
    const [lon, lat] = unmercator(x, y, 12);
    expect(lon).toBeCloseTo(119.3, 9);
    expect(lat).toBeCloseTo(26.08, 9);
    expect(mercatorPx(0, 0, 0)).toEqual([256, 256]);
  });
});

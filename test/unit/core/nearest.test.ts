// Who is nearest (core/dispatch): the grid index kept as units move, and the nearest-units
// ranking by ETA, each checked against a brute-force scan of the same units.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Unit, UNIT_KINDS, type UnitKind } from '../../../core/domain.js';
import { etaSeconds, isDispatchable, nearestUnits } from '../../../core/dispatch/nearest.js';
import { SpatialGrid } from '../../../core/dispatch/spatial-grid.js';
import { distanceMeters } from '../../../core/geo/polygon.js';

const unit = (id: string, lon: number, lat: number, over: Partial<Unit> = {}): Unit => ({
  id, kind: 'volunteer', lon, lat, status: 'available', ts: 0, lastSeen: 0, stale: false, source: 'test', trail: [], outOfOrder: 0, ...over,
});

/** What a scan of every unit says. */
function bruteForce(units: Unit[], lon: number, lat: number, limit: number, radiusM: number) {
  return units
    .filter(isDispatchable)
    .map((u) => ({ u, d: distanceMeters(lon, lat, u.lon, u.lat) }))
    .filter((x) => x.d <= radiusM)
    .map(({ u, d }) => ({ u, d, etaS: etaSeconds(u.kind, d) }))
    .sort((a, b) => a.etaS - b.etaS || a.d - b.d || (a.u.id < b.u.id ? -1 : 1))
    .slice(0, limit)
    .map(({ u, d, etaS }) => ({ unitId: u.id, kind: u.kind, distanceM: Math.round(d), etaS }));
}

describe('spatial grid', () => {
  it('follows a unit as it moves and forgets it when taken out', () => {
    const g = new SpatialGrid<Unit>();
    const u = unit('a', 119.3, 26.08);
    g.set('a', u);
    expect(g.nearest(119.3, 26.08, 5, 100).map((n) => n.item.id)).toEqual(['a']);
    // 2 km east: no longer within 100 m of where it was, found where it is
    const moved = { ...u, lon: 119.32 };
    g.set('a', moved);
    expect(g.nearest(119.3, 26.08, 5, 100)).toEqual([]);
    expect(g.nearest(119.32, 26.08, 5, 100).map((n) => n.item)).toEqual([moved]);
    g.delete('a');
    expect(g.size).toBe(0);
    expect(g.nearest(119.32, 26.08, 5, 10_000)).toEqual([]);
    // a position that is not a number is not indexed
    g.set('b', unit('b', Number.NaN, 26));
    expect(g.size).toBe(0);
  });
});

describe('nearest units', () => {
  it('ranks by ETA: a car further away before a walker nearer, the busy, offline and stale left out', () => {
    const g = new SpatialGrid<Unit>();
    const units = [
      unit('walker', 119.3 + 0.008, 26.08), // ~800 m
      unit('car', 119.3 + 0.02, 26.08, { kind: 'police' }), // ~2 km
      unit('busy', 119.3 + 0.001, 26.08, { status: 'busy' }),
      unit('off', 119.3 + 0.001, 26.08, { status: 'offline' }),
      unit('stale', 119.3 + 0.001, 26.08, { stale: true }),
    ];
    for (const u of units) g.set(u.id, u);
    const near = nearestUnits(g, 119.3, 26.08, { limit: 5, radiusM: 3000 });
    expect(near.map((n) => n.unitId)).toEqual(['car', 'walker']);
    expect(near[0].etaS).toBeLessThan(near[1].etaS);
    expect(nearestUnits(g, 119.3, 26.08, { limit: 5, radiusM: 3000, kinds: ['volunteer'] }).map((n) => n.unitId)).toEqual(['walker']);
  });

  it('keeps the nearer of two units a hair apart at the cut (a property run found it: both 0 m once rounded)', () => {
    const g = new SpatialGrid<Unit>();
    g.set('u0', unit('u0', 119.3 - 7.105427357601002e-15, 26.08, { kind: 'police' }));
    g.set('u1', unit('u1', 119.3, 26.08, { kind: 'police' }));
    expect(nearestUnits(g, 119.3, 26.08, { limit: 1, radiusM: 50 }).map((n) => n.unitId)).toEqual(['u1']);
  });

  it('agrees with a brute-force scan for any units and any query', () => {
    const unitArb = fc.record({
      dx: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
      dy: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
      kind: fc.constantFrom<UnitKind>(...UNIT_KINDS),
      status: fc.constantFrom<Unit['status']>('available', 'available', 'busy', 'offline'),
      stale: fc.boolean(),
      moveTo: fc.option(fc.record({ dx: fc.double({ min: -0.05, max: 0.05, noNaN: true }), dy: fc.double({ min: -0.05, max: 0.05, noNaN: true }) })),
    });
    fc.assert(
      fc.property(fc.array(unitArb, { maxLength: 120 }), fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 50, max: 8000 }), (specs, qx, qy, limit, radius) => {
        const g = new SpatialGrid<Unit>();
        const units = specs.map((s, i) => unit(`u${i}`, 119.3 + s.dx, 26.08 + s.dy, { kind: s.kind, status: s.status, stale: s.stale }));
        for (const u of units) g.set(u.id, u);
        // some move after they were indexed, as units do
        specs.forEach((s, i) => {
          if (!s.moveTo) return;
          units[i] = { ...units[i], lon: 119.3 + s.moveTo.dx, lat: 26.08 + s.moveTo.dy };
          g.set(units[i].id, units[i]);
        });
        expect(nearestUnits(g, 119.3 + qx, 26.08 + qy, { limit, radiusM: radius })).toEqual(bruteForce(units, 119.3 + qx, 26.08 + qy, limit, radius));
      }),
      { numRuns: 300 },
    );
  });
});

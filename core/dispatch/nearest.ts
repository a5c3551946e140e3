// Who can get there first: the available units nearest an incident, with the straight-line
// distance and an estimated time of arrival. The ETA is deliberately simple and documented
// (docs/dispatch.md): distance × a detour factor (streets are not straight lines) ÷ a typical
// speed for the kind of unit, plus a start-up time for those who must get to a vehicle first.
import { type Unit, type UnitKind, UNIT_KINDS } from '../domain.js';
import type { SpatialGrid } from './spatial-grid.js';

/** metres per second a unit of each kind typically covers in the city */
export const SPEED_MPS: Record<UnitKind, number> = {
  // walking briskly
  volunteer: 1.4,
  // a patrol team on foot and electric bikes
  patrol: 3.0,
  // a police car in town traffic, lights on
  police: 8.0,
  vehicle: 7.0,
};

/** seconds before a unit of each kind is moving */
export const START_S: Record<UnitKind, number> = { volunteer: 0, patrol: 15, police: 30, vehicle: 30 };

/** how much longer the way through streets is than the straight line (1.2–1.4 in grid-like Chinese city centres) */
export const DETOUR_FACTOR = 1.3;

export function etaSeconds(kind: UnitKind, distanceM: number): number {
  return Math.round(START_S[kind] + (distanceM * DETOUR_FACTOR) / SPEED_MPS[kind]);
}

/** A unit that can be sent now: not offline, not busy, not silent past its staleness. */
export const isDispatchable = (u: Unit): boolean => u.status === 'available' && !u.stale;

export interface NearbyUnit {
  unitId: string;
  name?: string;
  kind: UnitKind;
  distanceM: number;
  etaS: number;
}

export interface NearestOptions {
  limit: number;
  radiusM: number;
  kinds?: readonly UnitKind[];
}

export const DEFAULT_NEAREST: NearestOptions = { limit: 10, radiusM: 5000 };

/** The nearest dispatchable units to a spot, by ETA (then distance): a car 2 km away beats a walker at 800 m. */
export function nearestUnits(index: SpatialGrid<Unit>, lon: number, lat: number, opts: Partial<NearestOptions> = {}): NearbyUnit[] {
  const o = { ...DEFAULT_NEAREST, ...opts };
  // within one kind the ETA grows with the distance, so each kind's nearest `limit` hold its
  // fastest `limit`: merged by ETA, that is exact (a car 3 km away is not cut for 40 walkers)
  const near = (o.kinds ?? UNIT_KINDS).flatMap((kind) => index.nearest(lon, lat, o.limit, o.radiusM, (u) => u.kind === kind && isDispatchable(u)));
  // ordered by the exact distance, rounded only for the answer: the index picked each kind's
  // nearest by the exact one, and two units a hair apart must not swap places at the cut
  return near
    .map(({ item: u, distanceM }) => ({ u, exact: distanceM, etaS: etaSeconds(u.kind, distanceM) }))
    .sort((a, b) => a.etaS - b.etaS || a.exact - b.exact || (a.u.id < b.u.id ? -1 : 1))
    .slice(0, o.limit)
    .map(({ u, exact, etaS }) => ({ unitId: u.id, ...(u.name ? { name: u.name } : {}), kind: u.kind, distanceM: Math.round(exact), etaS }));
}

// Changed units travel as fixed-order tuples: a delta can carry tens of thousands of them a
// second, and arrays of values serialise and parse at about half the cost of keyed objects.
import type { Unit, UnitKind, UnitStatus } from '../domain.js';

export type UnitView = Omit<Unit, 'trail'>;

/** Field order of a UnitTuple (the wire contract; append only). */
export const UNIT_WIRE_FIELDS = ['id', 'kind', 'lat', 'lon', 'ts', 'lastSeen', 'status', 'stale', 'heading', 'speed', 'accuracy', 'battery', 'name', 'source', 'gridId', 'outOfOrder'] as const;

export type UnitTuple = [
  id: string,
  kind: UnitKind,
  lat: number,
  lon: number,
  ts: number,
  lastSeen: number,
  status: UnitStatus,
  stale: 0 | 1,
  heading: number | null,
  speed: number | null,
  accuracy: number | null,
  battery: number | null,
  name: string | null,
  source: string,
  gridId: string | null,
  outOfOrder: number,
];

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function encodeUnit(u: UnitView): UnitTuple {
  return [u.id, u.kind, u.lat, u.lon, u.ts, u.lastSeen, u.status, u.stale ? 1 : 0, orNull(u.heading), orNull(u.speed), orNull(u.accuracy), orNull(u.battery), orNull(u.name), u.source, orNull(u.gridId), u.outOfOrder];
}

export function decodeUnit(t: UnitTuple): UnitView {
  const view: UnitView = { id: t[0], kind: t[1], lat: t[2], lon: t[3], ts: t[4], lastSeen: t[5], status: t[6], stale: t[7] === 1, source: t[13], outOfOrder: t[15] };
  // Optional fields stay absent rather than undefined, as in the snapshot's objects.
  const heading = orUndefined(t[8]);
  if (heading !== undefined) view.heading = heading;
  const speed = orUndefined(t[9]);
  if (speed !== undefined) view.speed = speed;
  const accuracy = orUndefined(t[10]);
  if (accuracy !== undefined) view.accuracy = accuracy;
  const battery = orUndefined(t[11]);
  if (battery !== undefined) view.battery = battery;
  const name = orUndefined(t[12]);
  if (name !== undefined) view.name = name;
  const gridId = orUndefined(t[14]);
  if (gridId !== undefined) view.gridId = gridId;
  return view;
}

/**
 * Most changes are a unit moving: those travel as a short tuple (position, time, motion, staleness)
 * and the receiver keeps the rest of what it holds. Anything else (kind, name, status, battery,
 * source, grid, out-of-order count) sends the full UnitTuple.
 */
export const UNIT_MOVE_FIELDS = ['id', 'lat', 'lon', 'ts', 'lastSeen', 'heading', 'speed', 'accuracy', 'stale'] as const;

export type UnitMoveTuple = [id: string, lat: number, lon: number, ts: number, lastSeen: number, heading: number | null, speed: number | null, accuracy: number | null, stale: 0 | 1];

export function encodeMove(u: UnitView): UnitMoveTuple {
  return [u.id, u.lat, u.lon, u.ts, u.lastSeen, orNull(u.heading), orNull(u.speed), orNull(u.accuracy), u.stale ? 1 : 0];
}

/** The unit `prev` after the move `m` (a new object; `prev` is not changed). */
export function applyMove(prev: UnitView, m: UnitMoveTuple): UnitView {
  const next: UnitView = { ...prev, lat: m[1], lon: m[2], ts: m[3], lastSeen: m[4], stale: m[8] === 1 };
  if (m[5] === null) delete next.heading;
  else next.heading = m[5];
  if (m[6] === null) delete next.speed;
  else next.speed = m[6];
  if (m[7] === null) delete next.accuracy;
  else next.accuracy = m[7];
  return next;
}

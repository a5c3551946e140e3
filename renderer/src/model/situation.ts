// Pure functions over what the wall holds: applying snapshots and deltas, and the derived views
// the board and header read. The zustand store (store.ts) only wires these together.
import { type Camera, emptyStats, type Incident, type Kiosk, type Priority, type RejectRecord, type SituationStats } from '../../../core/domain';

export { emptyStats };
import { DEFAULT_SITUATION_OPTIONS, type SituationDelta, type SituationLimits, type SituationSnapshot } from '../../../core/situation/situation';
import { UnitTable } from './units';
import { applyMove, decodeUnit, type UnitView } from '../../../core/situation/unit-wire';
import type { Unit } from '../../../core/domain';

const withoutTrail = ({ trail: _trail, ...view }: Unit): UnitView => view;

/** an unacknowledged incident first seen within this long counts as new even if it predates the page */
export const NEW_WINDOW_MS = 10 * 60_000;

export interface SituationData {
  /** server time of the latest snapshot or delta */
  now: number;
  /** what the services keep (each snapshot says): trails and the rejects ring are kept to the same */
  limits: SituationLimits;
  incidents: Map<string, Incident>;
  kiosks: Map<string, Kiosk>;
  cameras: Map<string, Camera>;
  stats: SituationStats;
  rejects: RejectRecord[];
}

export const emptySituation = (): SituationData => ({
  now: 0,
  limits: { trailLength: DEFAULT_SITUATION_OPTIONS.trailLength, rejectsKept: DEFAULT_SITUATION_OPTIONS.rejectsKept, staleAfterMs: DEFAULT_SITUATION_OPTIONS.staleAfterMs },
  incidents: new Map(),
  kiosks: new Map(),
  cameras: new Map(),
  stats: emptyStats(),
  rejects: [],
});

const byId = <T extends { id: string }>(items: T[]): Map<string, T> => new Map(items.map((x) => [x.id, x]));

/** Keeps the last `keep` records. */
export function appendRejects(ring: RejectRecord[], added: RejectRecord[], keep: number): RejectRecord[] {
  if (added.length === 0) return ring;
  const all = ring.concat(added);
  return all.length > keep ? all.slice(all.length - keep) : all;
}

/** A snapshot replaces everything. Units go to the table (mutated in place). */
export function applySnapshot(snapshot: SituationSnapshot, units: UnitTable): SituationData {
  units.load(snapshot.units, snapshot.limits.trailLength);
  return {
    now: snapshot.now,
    limits: snapshot.limits,
    incidents: byId(snapshot.incidents),
    kiosks: byId(snapshot.kiosks),
    cameras: byId(snapshot.cameras),
    stats: snapshot.stats,
    rejects: appendRejects([], snapshot.rejects, snapshot.limits.rejectsKept),
  };
}

/** Applies a delta; maps that changed are new objects (so React sees them), the rest are kept. */
export function applyDelta(data: SituationData, delta: SituationDelta, units: UnitTable): SituationData {
  let incidents = data.incidents;
  if (delta.incidents.length || delta.removedIncidents.length) {
    incidents = new Map(incidents);
    for (const inc of delta.incidents) incidents.set(inc.id, inc);
    for (const id of delta.removedIncidents) incidents.delete(id);
  }
  let kiosks = data.kiosks;
  if (delta.kiosks.length) {
    kiosks = new Map(kiosks);
    for (const k of delta.kiosks) kiosks.set(k.id, k);
  }
  let cameras = data.cameras;
  if (delta.cameras.length) {
    cameras = new Map(cameras);
    for (const c of delta.cameras) cameras.set(c.id, c);
  }
  // removals first: a unit forgotten and back within one delta comes back new, without its old trail
  for (const id of delta.removedUnits) units.remove(id);
  // units whose trail points the delta lists itself: their position is not a point of its own
  const listed = delta.trailPoints.length ? new Set(delta.trailPoints.map((p) => p[0])) : null;
  for (const u of delta.units) units.upsert(decodeUnit(u), !listed?.has(u[0]));
  for (const m of delta.unitMoves) {
    const prev = units.get(m[0]);
    // a move for a unit we do not hold (joined between snapshot and delta) waits for its next full update
    if (prev) units.upsert(applyMove(withoutTrail(prev), m), !listed?.has(m[0]));
  }
  for (const [id, lon, lat, ts] of delta.trailPoints) units.addTrailPoint(id, [lon, lat, ts]);
  return {
    now: Math.max(data.now, delta.now),
    limits: data.limits,
    incidents,
    kiosks,
    cameras,
    stats: delta.stats,
    rejects: appendRejects(data.rejects, delta.rejects, data.limits.rejectsKept),
  };
}

export type IncidentAction = 'incident.ack' | 'incident.close';

/** Whether the wall can see that an operator's action took effect. */
export function actionTookEffect(method: IncidentAction, inc: Incident | undefined): boolean {
  if (method === 'incident.ack') return inc?.acknowledged === true;
  return !inc || inc.status === 'closed';
}

/** An arrival this recent is new even to an operator who has just touched the wall. */
export const NEW_FRESH_MS = 30_000;
/** The newest arrival stands out on the board this long. */
export const NEWEST_MS = 8_000;

/**
 * New: open, unacknowledged, first seen within the window, and either arrived since the operator
 * last touched the wall (`lookedAt`: a key, a click, a wheel) or within the last NEW_FRESH_MS. An
 * incident the operator has had in front of them while working is no longer news: its age and
 * its place on the board say how long it has waited.
 */
export function isNew(inc: Incident, lookedAt: number, now: number, windowMs = NEW_WINDOW_MS, freshMs = NEW_FRESH_MS): boolean {
  if (inc.status !== 'open' || inc.acknowledged) return false;
  const age = now - inc.firstSeen;
  return age <= windowMs && (inc.firstSeen > lookedAt || age <= freshMs);
}

/** The most recent arrival among open incidents, while it is under NEWEST_MS old; else null. */
export function newestArrival(incidents: Iterable<Incident>, now: number): string | null {
  let best: Incident | null = null;
  for (const inc of incidents) if (inc.status === 'open' && (!best || inc.firstSeen > best.firstSeen)) best = inc;
  return best && now - best.firstSeen <= NEWEST_MS ? best.id : null;
}

export interface BoardRow {
  incident: Incident;
  isNew: boolean;
}

/**
 * Open incidents for the board: unacknowledged ones first, each group by priority and then
 * longest waiting first (from when each started). Whether a row is new marks it, but never moves
 * it: touching the wall (which ends newness) must not reshuffle the rows under the pointer.
 */
export function boardRows(incidents: Map<string, Incident>, lookedAt: number, now: number, freshMs = NEW_FRESH_MS): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const inc of incidents.values()) {
    if (inc.status !== 'open') continue;
    rows.push({ incident: inc, isNew: isNew(inc, lookedAt, now, NEW_WINDOW_MS, freshMs) });
  }
  rows.sort((a, b) => {
    const x = a.incident;
    const y = b.incident;
    if (x.acknowledged !== y.acknowledged) return x.acknowledged ? 1 : -1;
    return x.priority - y.priority || x.startedAt - y.startedAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  });
  return rows;
}

export function openCountsByPriority(incidents: Map<string, Incident>): Record<Priority, number> {
  const counts: Record<Priority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const inc of incidents.values()) if (inc.status === 'open') counts[inc.priority]++;
  return counts;
}

export function availableUnits(units: UnitTable): { available: number; total: number } {
  let available = 0;
  let total = 0;
  for (let i = 0; i < units.count; i++) {
    const u = units.units[i];
    if (u.status === 'offline') continue;
    total++;
    if (u.status === 'available' && !u.stale) available++;
  }
  return { available, total };
}

/** The first unacknowledged row after `id` (wrapping round), other than it; null when none. */
export function nextWaiting(rows: readonly BoardRow[], id: string): string | null {
  const at = rows.findIndex((r) => r.incident.id === id);
  for (let k = 1; k <= rows.length; k++) {
    const r = rows[(Math.max(at, -1) + k) % rows.length];
    if (r.incident.id !== id && !r.incident.acknowledged) return r.incident.id;
  }
  return null;
}

/** Moves the selection through the board: +1 next, -1 previous, wrapping; starts at the top. */
export function stepSelection(rows: BoardRow[], selectedId: string | null, step: 1 | -1): string | null {
  if (rows.length === 0) return null;
  const i = selectedId ? rows.findIndex((r) => r.incident.id === selectedId) : -1;
  if (i < 0) return rows[step === 1 ? 0 : rows.length - 1].incident.id;
  return rows[(i + step + rows.length) % rows.length].incident.id;
}

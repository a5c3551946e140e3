// Several deltas as one. A page that has not yet taken in what it was sent is given nothing more
// until it has (main/services/update-flow.ts); what happened meanwhile then goes out as one delta
// that a renderer applies (renderer/src/model/situation.ts applyDelta) to the same result as the
// deltas one after another: each unit's latest state with every trail point it would have gained,
// each incident, kiosk and camera as last sent, the latest figures, every reject. A slow page so
// gets fewer, larger updates of the same situation instead of a backlog.
//
// It relies on what the services guarantee of live and replayed deltas alike: a move is only sent
// for a unit the page holds (a unit new since the last delta travels as a full tuple).
import type { Camera, Incident, Kiosk } from '../domain.js';
import type { SituationDelta } from './situation.js';
import { applyMove, decodeUnit, encodeUnit, type UnitMoveTuple, type UnitTuple, type UnitView } from './unit-wire.js';

type Point = [lon: number, lat: number, ts: number];

/** What a run of deltas does to one unit, in the order a renderer applies it. */
interface UnitOps {
  /** removed first (then, maybe, back as new) */
  removed: boolean;
  /** its full state after the run (a full tuple was sent), or only where it moved to */
  full?: UnitView;
  move?: UnitMoveTuple;
  /** the trail points it gains, in order; null: only the one its tuple implies (its own position) */
  points: Point[] | null;
}

const ownPoint = (ops: UnitOps): Point | null => {
  if (ops.full) return [ops.full.lon, ops.full.lat, ops.full.ts];
  if (ops.move) return [ops.move[2], ops.move[1], ops.move[3]];
  return null;
};

/** The points a unit's ops add, spelt out. */
const pointsOf = (ops: UnitOps): Point[] => {
  if (ops.points) return ops.points;
  const own = ownPoint(ops);
  return own ? [own] : [];
};

function unitOpsOf(delta: SituationDelta): Map<string, UnitOps> {
  const ops = new Map<string, UnitOps>();
  const of = (id: string) => {
    let o = ops.get(id);
    if (!o) ops.set(id, (o = { removed: false, points: null }));
    return o;
  };
  for (const id of delta.removedUnits) of(id).removed = true;
  for (const t of delta.units) of(t[0]).full = decodeUnit(t);
  for (const m of delta.unitMoves) of(m[0]).move = m;
  for (const [id, lon, lat, ts] of delta.trailPoints) (of(id).points ??= []).push([lon, lat, ts]);
  return ops;
}

/** `a` then `b`, for one unit. */
function composeUnit(a: UnitOps, b: UnitOps): UnitOps {
  // a removal forgets everything before it
  if (b.removed) return b;
  const out: UnitOps = { removed: a.removed, points: [...pointsOf(a), ...pointsOf(b)] };
  if (b.full) out.full = b.full;
  else if (b.move && a.full) out.full = applyMove(a.full, b.move);
  else if (b.move) out.move = b.move;
  else if (a.full) out.full = a.full;
  else if (a.move) out.move = a.move;
  // the common case, a unit that moved once in all: its position says it
  const own = ownPoint(out);
  if (out.points!.length === 1 && own && own[0] === out.points![0][0] && own[1] === out.points![0][1] && own[2] === out.points![0][2]) out.points = null;
  return out;
}

/** Last one sent wins; for incidents a removal is the last word too (a delta sets, then removes). */
function lastOps<T extends { id: string }>(deltas: readonly SituationDelta[], sets: (d: SituationDelta) => readonly T[], removes: (d: SituationDelta) => readonly string[]): { set: T[]; removed: string[] } {
  const last = new Map<string, T | null>();
  for (const d of deltas) {
    for (const x of sets(d)) last.set(x.id, x);
    for (const id of removes(d)) last.set(id, null);
  }
  const set: T[] = [];
  const removed: string[] = [];
  for (const [id, x] of last) {
    if (x) set.push(x);
    else removed.push(id);
  }
  return { set, removed };
}

const none = () => [] as string[];

/**
 * A unit's points beyond what its trail keeps: when they only move forward in time, a trail of
 * `keep` points keeps only the last `keep` of them whatever it held before (each later point is
 * newer than every earlier one, so it evicts before it is evicted), and the rest need not travel.
 * Points out of time order are kept whole (where a late point lands depends on what is held).
 */
function trimmed(points: Point[], keep: number): Point[] {
  if (points.length <= keep) return points;
  for (let i = 1; i < points.length; i++) if (!(points[i][2] > points[i - 1][2])) return points;
  return points.slice(points.length - keep);
}

/**
 * One delta that a renderer applies to the same result as `deltas` in order. The deltas are not
 * changed (they are shared with other peers). A single delta is returned as it is. `trailLength`:
 * the points a trail keeps (the snapshot's `limits.trailLength`); without it every point travels.
 */
export function mergeDeltas(deltas: readonly SituationDelta[], trailLength = Infinity): SituationDelta {
  if (deltas.length === 0) throw new Error('mergeDeltas: nothing to merge');
  if (deltas.length === 1) return deltas[0];
  const units = new Map<string, UnitOps>();
  for (const d of deltas) {
    for (const [id, b] of unitOpsOf(d)) {
      const a = units.get(id);
      units.set(id, a ? composeUnit(a, b) : b);
    }
  }
  const out: SituationDelta = { now: -Infinity, incidents: [], removedIncidents: [], units: [], unitMoves: [], removedUnits: [], trailPoints: [], kiosks: [], cameras: [], stats: deltas[deltas.length - 1].stats, rejects: [] };
  for (const d of deltas) {
    out.now = Math.max(out.now, d.now);
    if (d.rejects.length) out.rejects.push(...d.rejects);
  }
  for (const [id, o] of units) {
    if (o.removed) out.removedUnits.push(id);
    if (o.full) out.units.push(encodeUnit(o.full) as UnitTuple);
    else if (o.move) out.unitMoves.push(o.move);
    if (o.points) for (const [lon, lat, ts] of trimmed(o.points, Math.max(1, trailLength))) out.trailPoints.push([id, lon, lat, ts]);
  }
  const incidents = lastOps<Incident>(deltas, (d) => d.incidents, (d) => d.removedIncidents);
  out.incidents = incidents.set;
  out.removedIncidents = incidents.removed;
  out.kiosks = lastOps<Kiosk>(deltas, (d) => d.kiosks, none).set;
  out.cameras = lastOps<Camera>(deltas, (d) => d.cameras, none).set;
  return out;
}

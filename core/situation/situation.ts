// The situation: a deterministic state machine over SituationInput.
//
// Why it mutates in place instead of returning new objects: at 50,000 unit fixes a second,
// copying maps of tens of thousands of units per message is not affordable. Determinism is what
// replay needs, and it holds: apply() reads nothing but its arguments (no clock, no randomness,
// no I/O), so the same inputs in the same order give the same situation. Every change is also
// recorded in `changes`, from which batched deltas for the renderer are cut.
import { type Camera, emptyStats, type GridRef, type Incident, type IncidentReport, type Kiosk, type OperatorAction, type Priority, type RejectReason, type RejectRecord, type SituationStats, type TrailPoint, type Unit, type UnitFix } from '../domain.js';
import type { IngestEvent, SituationInput, UnitReply } from '../inputs.js';
import { ok, type Result } from '../result.js';
import { checkAction, isClosedState, type Refusal } from './lifecycle.js';
import { checkReply, respondersFor } from './responders.js';
import { appendTimeline, reportChanges } from './timeline.js';
import { SpatialGrid } from '../dispatch/spatial-grid.js';
import { encodeMove, encodeUnit, type UnitMoveTuple, type UnitTuple } from './unit-wire.js';
import { unitRecord } from './unit-record.js';

export interface SituationOptions {
  /** a unit silent this long is stale (dimmed) */
  staleAfterMs: number;
  /** fixes kept per unit for trails */
  trailLength: number;
  /** rejected messages kept for the operator panel */
  rejectsKept: number;
  /** closed incidents leave the live situation after this long */
  closedRetentionMs: number;
  /** units silent this long are forgotten (0 = never) */
  forgetUnitsAfterMs: number;
  /** window over which messages per second is measured */
  rateWindowSeconds: number;
  /** incidents held at once; a new one beyond it is rejected (P1 alarms get a tenth more room) */
  maxIncidents: number;
  /** a retained alarm older than this (by its own time) is not raised */
  retainedAlarmMaxAgeMs: number;
  /** how long a closed incident that left the situation is remembered, so replays of its last message do not raise it again */
  tombstoneMs: number;
  /** and how many are remembered at most */
  maxTombstones: number;
  /** an alarm episode silent this long is over, even if its device never said so */
  episodeGapMs: number;
  /** an incident still new this long after it arrived is escalated, per priority (null: never) */
  escalateAfterMs: Record<Priority, number | null>;
  /** action ids remembered so an action applies once however often it arrives */
  actionIdsKept: number;
  /** alarms first raised from these sources are citizen clues (verify / reject) */
  clueSources: readonly string[];
}

export const DEFAULT_SITUATION_OPTIONS: SituationOptions = {
  staleAfterMs: 120_000,
  trailLength: 10,
  rejectsKept: 200,
  closedRetentionMs: 10 * 60_000,
  forgetUnitsAfterMs: 24 * 3600_000,
  rateWindowSeconds: 5,
  maxIncidents: 10_000,
  retainedAlarmMaxAgeMs: 10 * 60_000,
  tombstoneMs: 24 * 3600_000,
  maxTombstones: 100_000,
  episodeGapMs: 30 * 60_000,
  escalateAfterMs: { 1: 30_000, 2: 120_000, 3: 600_000, 4: null },
  actionIdsKept: 10_000,
  clueSources: ['clue'],
};

/** Point → grid; `hintId` is the grid the item was in before (a fast path for moving units). */
export type Locate = (lon: number, lat: number, hintId?: string) => GridRef | undefined;

export interface ReferenceData {
  cameras: Omit<Camera, 'online' | 'lastSeen' | 'gridId'>[];
  kiosks: Omit<Kiosk, 'online' | 'sos' | 'lastSeen' | 'sosIncidentId' | 'gridId'>[];
}

export interface ChangeSet {
  incidents: Set<string>;
  removedIncidents: Set<string>;
  units: Set<string>;
  /** units whose changes go beyond moving (or that are new): sent as full tuples */
  unitMeta: Set<string>;
  removedUnits: Set<string>;
  kiosks: Set<string>;
  cameras: Set<string>;
  rejects: RejectRecord[];
  /** points added to units' trails, in order: the renderer rebuilds the same trails from them */
  trailPoints: Map<string, TrailPoint[]>;
}

export interface SituationState {
  readonly options: SituationOptions;
  readonly locate: Locate;
  now: number;
  incidents: Map<string, Incident>;
  /** canonical text of the last report per incident: an exact repeat is a duplicate */
  incidentKeys: Map<string, string>;
  /** closed incidents that left the situation (oldest first): a hash of their last report and when they closed */
  tombstones: Map<string, Tombstone>;
  /** alarm episodes a device is in: device → alarm → its incident */
  episodes: Map<string, Map<string, EpisodeState>>;
  units: Map<string, Unit>;
  /** the units by where they are, kept as they move: who is nearest (core/dispatch) */
  unitIndex: SpatialGrid<Unit>;
  kiosks: Map<string, Kiosk>;
  cameras: Map<string, Camera>;
  stats: SituationStats;
  rejects: RejectRecord[];
  /** messages per receive-second, for the rate */
  rateSecond: number;
  rateCounts: number[];
  /** ids of the operator actions applied, oldest first (bounded: options.actionIdsKept) */
  actionIds: Set<string>;
  changes: ChangeSet;
}

export interface Tombstone {
  keyHash: number;
  closedAt: number;
}

export interface EpisodeState {
  incidentId: string;
  /** the latest report's time */
  lastTs: number;
}

/** What one event did, for the message's accounting. */
const enum Outcome {
  Duplicate,
  Fresh,
  Rejected,
}

const emptyChanges = (): ChangeSet => ({
  incidents: new Set(),
  removedIncidents: new Set(),
  units: new Set(),
  unitMeta: new Set(),
  removedUnits: new Set(),
  kiosks: new Set(),
  cameras: new Set(),
  rejects: [],
  trailPoints: new Map(),
});

export function createSituation(reference: ReferenceData, locate: Locate, options: Partial<SituationOptions> = {}): SituationState {
  const opts = { ...DEFAULT_SITUATION_OPTIONS, ...options };
  const state: SituationState = {
    options: opts,
    locate,
    now: 0,
    incidents: new Map(),
    incidentKeys: new Map(),
    tombstones: new Map(),
    episodes: new Map(),
    units: new Map(),
    unitIndex: new SpatialGrid<Unit>(),
    kiosks: new Map(),
    cameras: new Map(),
    stats: emptyStats(),
    rejects: [],
    rateSecond: 0,
    rateCounts: new Array<number>(opts.rateWindowSeconds + 1).fill(0),
    actionIds: new Set(),
    changes: emptyChanges(),
  };
  for (const c of reference.cameras) {
    state.cameras.set(c.id, { ...c, online: null, gridId: locate(c.lon, c.lat)?.id });
  }
  for (const k of reference.kiosks) {
    state.kiosks.set(k.id, { ...k, online: null, sos: false, gridId: locate(k.lon, k.lat)?.id });
  }
  return state;
}

// ---- applying inputs ----

export function apply(state: SituationState, input: SituationInput): void {
  if (input.at > state.now) state.now = input.at;
  switch (input.t) {
    case 'events': {
      countMessage(state, input.at);
      const retained = input.retained === true;
      let fresh = false;
      let rejected = 0;
      for (const event of input.events) {
        const outcome = applyEvent(state, event, input.at, input.topic, retained);
        if (outcome === Outcome.Fresh) fresh = true;
        else if (outcome === Outcome.Rejected) rejected++;
      }
      // A broker's replay of its retained messages is neither news nor a duplicate: counted apart.
      if (retained) state.stats.retained++;
      // A message with no events (a legitimate but irrelevant client message) counts as accepted.
      else if (fresh || input.events.length === 0) state.stats.accepted++;
      // all its events refused: counted among the rejected already
      else if (rejected < input.events.length) state.stats.duplicates++;
      state.stats.lastMessageAt = input.at;
      return;
    }
    case 'reject':
      countMessage(state, input.at);
      state.stats.lastMessageAt = input.at;
      recordReject(state, { at: input.at, topic: input.topic, reason: input.reason, message: input.message, excerpt: input.excerpt });
      return;
    case 'tick':
      tick(state, input.at);
      return;
    // the shells' first two actions, kept for what already sends them: no id, so no dedup
    case 'ack':
    case 'close':
      applyAction(state, input.at, { id: '', incidentId: input.incidentId, kind: input.t === 'ack' ? 'ack' : 'resolve', ...(input.by ? { by: input.by } : {}) });
      return;
    case 'action':
      applyAction(state, input.at, input.action);
      return;
  }
}

/**
 * An operator action: applied whole or refused with why (lifecycle.ts). An action whose id was
 * applied before is a duplicate (a retry, the broker's copy of our own): done, nothing changes.
 */
export function applyAction(state: SituationState, at: number, action: OperatorAction): Result<'applied' | 'duplicate', Refusal> {
  if (at > state.now) state.now = at;
  if (action.id && state.actionIds.has(action.id)) return ok('duplicate');
  const inc = state.incidents.get(action.incidentId);
  const into = action.into ? state.incidents.get(action.into) : undefined;
  const checked = checkAction(inc, action, into);
  if (!checked.ok) return checked;
  rememberAction(state, action.id);
  const i = inc!;
  const { to, entry } = checked.value;
  const who = { ...(action.by ? { by: action.by } : {}), ...(action.role ? { role: action.role } : {}) };
  if (i.state === 'new' && to !== 'new') {
    i.acknowledged = true;
    i.acknowledgedAt = at;
    if (action.by) i.acknowledgedBy = action.by;
  }
  if (action.kind === 'reopen') {
    i.status = 'open';
    i.closedAt = undefined;
    i.closedBy = undefined;
  }
  i.state = to;
  if (action.kind === 'verify_clue' || action.kind === 'reject_clue') {
    i.clue = { state: action.kind === 'verify_clue' ? 'verified' : 'rejected', at, ...(action.by ? { by: action.by } : {}), ...(action.kind === 'reject_clue' && action.note ? { reason: action.note } : {}) };
  }
  if (action.kind === 'dispatch' && action.order) i.responders = respondersFor(i, action.order, state.units, at);
  const asked = action.kind === 'dispatch' && action.order ? { asked: action.order.unitIds.length } : {};
  i.timeline = appendTimeline(i.timeline, { at, kind: entry, ...who, ...asked, ...(action.note ? { note: action.note } : {}), ...(action.into ? { other: action.into } : {}) });
  if (isClosedState(to) && i.status !== 'closed') {
    if (action.by) i.closedBy = action.by;
    i.status = 'closed';
    i.closedAt = at;
    releaseKioskSos(state, i.id);
  }
  if (action.kind === 'merge' && into) {
    i.mergedInto = into.id;
    // the one it went into now tells both stories: its cameras and photos, and a line in its timeline
    into.cameraIds = [...new Set([...into.cameraIds, ...i.cameraIds])];
    into.media = [...new Map([...into.media, ...i.media].map((m) => [m.url, m])).values()];
    into.timeline = appendTimeline(into.timeline, { at, kind: 'absorbed', other: i.id, ...who, ...(action.note ? { note: action.note } : {}) });
    state.changes.incidents.add(into.id);
  }
  state.changes.incidents.add(i.id);
  return ok('applied');
}

/**
 * A unit's answer to a dispatch: on its responder entry and in the timeline; the first unit to
 * arrive puts a dispatched incident on scene. One that does not fit is rejected with why.
 */
function applyReply(state: SituationState, reply: UnitReply, at: number, topic: string): Outcome {
  const inc = state.incidents.get(reply.incidentId);
  const checked = checkReply(inc, reply);
  if (!checked.ok) {
    rejectInReducer(state, at, topic, 'unknown_dispatch', checked.error);
    return Outcome.Rejected;
  }
  if (checked.value.outcome === 'duplicate') return Outcome.Duplicate;
  const i = inc!;
  const r = i.responders[checked.value.index];
  i.responders = i.responders.map((x, n) => (n === checked.value.index ? { ...r, answer: reply.answer, at, ...(reply.note ? { note: reply.note } : {}) } : x));
  const by = r.name ?? r.unitId;
  i.timeline = appendTimeline(i.timeline, { at, kind: 'reply', unit: by, answer: reply.answer, ...(reply.note ? { note: reply.note } : {}) });
  if (reply.answer === 'arrived' && (i.state === 'dispatched' || i.state === 'acknowledged')) {
    i.state = 'on_scene';
    i.timeline = appendTimeline(i.timeline, { at, kind: 'on_scene', by });
  }
  state.changes.incidents.add(i.id);
  return Outcome.Fresh;
}

function rememberAction(state: SituationState, id: string): void {
  if (!id) return;
  state.actionIds.add(id);
  // a Set iterates in insertion order: the first is the oldest
  while (state.actionIds.size > state.options.actionIdsKept) state.actionIds.delete(state.actionIds.values().next().value as string);
}

function recordReject(state: SituationState, record: RejectRecord): void {
  state.stats.rejected++;
  state.stats.rejectedByReason[record.reason] = (state.stats.rejectedByReason[record.reason] ?? 0) + 1;
  state.rejects.push(record);
  if (state.rejects.length > state.options.rejectsKept) state.rejects.splice(0, state.rejects.length - state.options.rejectsKept);
  state.changes.rejects.push(record);
}

function rejectInReducer(state: SituationState, at: number, topic: string, reason: RejectReason, message: string): void {
  recordReject(state, { at, topic, reason, message, excerpt: '' });
}

function countMessage(state: SituationState, at: number): void {
  const second = Math.floor(at / 1000);
  if (second > state.rateSecond) rollRate(state, second);
  state.rateCounts[state.rateCounts.length - 1]++;
}

/** Shifts the per-second buckets so the last one is `second`. */
function rollRate(state: SituationState, second: number): void {
  const shift = Math.min(second - state.rateSecond, state.rateCounts.length);
  if (state.rateSecond === 0) {
    state.rateCounts.fill(0);
  } else if (shift > 0) {
    state.rateCounts.splice(0, shift);
    for (let i = 0; i < shift; i++) state.rateCounts.push(0);
  }
  state.rateSecond = second;
}

const fresh = (changed: boolean): Outcome => (changed ? Outcome.Fresh : Outcome.Duplicate);

function applyEvent(state: SituationState, event: IngestEvent, at: number, topic: string, retained: boolean): Outcome {
  switch (event.type) {
    case 'incident':
      return applyIncident(state, event.report, event.source, at, topic, retained);
    case 'unitFix':
      return fresh(applyFix(state, event.fix, event.source, at));
    case 'unitOffline': {
      const unit = state.units.get(event.id);
      if (!unit) return Outcome.Fresh; // nothing held about it: accepted, nothing to change
      if (unit.status === 'offline') return Outcome.Duplicate; // a repeated last will
      unit.status = 'offline';
      unit.lastSeen = at;
      state.changes.units.add(unit.id);
      state.changes.unitMeta.add(unit.id);
      return Outcome.Fresh;
    }
    case 'unitReply':
      return applyReply(state, event.reply, at, topic);
    case 'operatorAction': {
      // another wall's action (or our own, back from the broker): once, at the time it was taken
      const r = applyAction(state, Math.min(event.at, at), event.action);
      if (r.ok) return r.value === 'applied' ? Outcome.Fresh : Outcome.Duplicate;
      rejectInReducer(state, at, topic, 'conflict', `action ${event.action.kind} on ${event.action.incidentId.slice(0, 60)} refused here: ${r.error.message}`);
      return Outcome.Rejected;
    }
    case 'unitNoFix': {
      state.stats.noFix++;
      const unit = state.units.get(event.id);
      if (!unit) return Outcome.Fresh;
      unit.lastSeen = at;
      if (unit.stale) {
        unit.stale = false;
        state.changes.units.add(unit.id);
      }
      return Outcome.Fresh;
    }
    case 'incidentEnd': {
      const inc = state.incidents.get(event.id);
      if (!inc) return Outcome.Fresh; // never raised (below the source's threshold): accepted, nothing to close
      if (inc.status === 'closed') return Outcome.Duplicate;
      closeIncident(state, inc, at);
      return Outcome.Fresh;
    }
    case 'deviceAlarms': {
      const eps = state.episodes.get(event.device);
      if (eps) {
        for (const alarm of [...eps.keys()]) if (!event.alarms.includes(alarm)) eps.delete(alarm);
        if (eps.size === 0) state.episodes.delete(event.device);
      }
      // not news by itself: the position it came with decides
      return Outcome.Duplicate;
    }
    case 'kioskStatus':
      return applyKioskStatus(state, event.status, at, topic);
    case 'cameraStatus': {
      const s = event.status;
      let cam = state.cameras.get(s.id);
      if (!cam) {
        if (s.lat === undefined || s.lon === undefined) {
          rejectInReducer(state, at, topic, 'unknown_device', `camera ${s.id.slice(0, 60)} is not in the registry and sent no position`);
          return Outcome.Rejected;
        }
        cam = { id: s.id, name: s.id, lat: s.lat, lon: s.lon, online: null, gridId: state.locate(s.lon, s.lat)?.id };
        state.cameras.set(cam.id, cam);
      }
      if (cam.online === s.online && cam.lastSeen !== undefined && s.ts <= cam.lastSeen) return Outcome.Duplicate;
      cam.online = s.online;
      cam.lastSeen = Math.max(cam.lastSeen ?? 0, s.ts);
      state.changes.cameras.add(cam.id);
      return Outcome.Fresh;
    }
  }
}

function reportKey(r: IncidentReport, source: string): string {
  return JSON.stringify([source, r.ts, r.kind, r.priority, r.lat, r.lon, r.title, r.detail, r.kioskId, r.cameraIds, r.reporter, r.reporterId, r.category, r.media, r.status, r.positionAt]);
}

/** FNV-1a over the report's canonical text: what a tombstone keeps of it. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The incident a still-running alarm episode raised, and whether this report continues it. */
function runningEpisode(state: SituationState, r: IncidentReport): EpisodeState | undefined {
  if (!r.episode) return undefined;
  const ep = state.episodes.get(r.episode.device)?.get(r.episode.alarm);
  return ep && r.ts - ep.lastTs <= state.options.episodeGapMs ? ep : undefined;
}

function registerEpisode(state: SituationState, r: IncidentReport): void {
  if (!r.episode) return;
  let eps = state.episodes.get(r.episode.device);
  if (!eps) state.episodes.set(r.episode.device, (eps = new Map()));
  eps.set(r.episode.alarm, { incidentId: r.id, lastTs: r.ts });
}

function applyIncident(state: SituationState, report: IncidentReport, source: string, at: number, topic: string, retained: boolean): Outcome {
  let r = report;
  const episode = runningEpisode(state, r);
  if (episode) {
    episode.lastTs = Math.max(episode.lastTs, r.ts);
    const inc = state.incidents.get(episode.incidentId);
    // closed (by an operator or its source) while the device still reports the alarm: the same
    // press, not a new one; a new press comes after the device stops reporting it
    if (!inc || inc.status === 'closed') return Outcome.Duplicate;
    // the episode's incident, updated; it keeps the time it started
    r = { ...r, id: inc.id, ts: inc.ts };
  }
  const key = reportKey(r, source);
  if (state.incidentKeys.get(r.id) === key) return Outcome.Duplicate;
  const existing = state.incidents.get(r.id);
  if (!existing) {
    const tomb = state.tombstones.get(r.id);
    // a replay of the last message of an incident closed and gone (retained, redelivered), or a
    // late close for it: not raised again
    if (tomb && (retained || r.status === 'closed' || tomb.keyHash === keyHash(key))) {
      if (retained) state.stats.retainedIgnored++;
      return Outcome.Duplicate;
    }
    if (retained && at - r.ts > state.options.retainedAlarmMaxAgeMs) {
      state.stats.retainedIgnored++;
      return Outcome.Duplicate;
    }
    const max = state.options.maxIncidents;
    if (state.incidents.size >= (r.priority === 1 ? Math.ceil(max * 1.1) : max)) {
      rejectInReducer(state, at, topic, 'incident_limit', `${state.incidents.size} incidents held (limits.maxIncidents ${max}): ${r.id.slice(0, 80)} not raised`);
      return Outcome.Rejected;
    }
    state.tombstones.delete(r.id);
  } else if (retained && existing.status === 'closed') {
    state.stats.retainedIgnored++;
    return Outcome.Duplicate;
  }
  state.incidentKeys.set(r.id, key);
  const grid = state.locate(r.lon, r.lat);
  if (existing) {
    const wasClosed = existing.status === 'closed';
    const changed = reportChanges(existing, r);
    Object.assign(existing, {
      ...r,
      // an update may say it began earlier (a corrected time), never that it began later
      startedAt: Math.min(existing.startedAt, r.ts),
      cameraIds: r.cameraIds ?? existing.cameraIds,
      media: r.media ?? existing.media,
      detail: r.detail ?? existing.detail,
      reporter: r.reporter ?? existing.reporter,
      reporterId: existing.reporterId ?? r.reporterId,
      category: r.category ?? existing.category,
      kioskId: r.kioskId ?? existing.kioskId,
      lastSeen: at,
      updates: existing.updates + 1,
      grid,
    });
    if (changed.length > 0) existing.timeline = appendTimeline(existing.timeline, { at, kind: 'updated', changed, ...(changed.includes('priority') ? { priority: r.priority } : {}) });
    if (r.status === 'closed' && !wasClosed) closeIncident(state, existing, at);
    if (r.status === 'open' && wasClosed) {
      // raised again by its source: a new alarm as far as the duty room is concerned
      existing.state = 'new';
      existing.mergedInto = undefined;
      existing.escalatedAt = undefined;
      existing.closedAt = undefined;
      existing.closedBy = undefined;
      existing.acknowledged = false;
      existing.acknowledgedAt = undefined;
      existing.acknowledgedBy = undefined;
      existing.timeline = appendTimeline(existing.timeline, { at, kind: 'reopened' });
    }
  } else {
    state.incidents.set(r.id, {
      ...r,
      cameraIds: r.cameraIds ?? [],
      media: r.media ?? [],
      source,
      startedAt: Math.min(r.ts, at),
      firstSeen: at,
      lastSeen: at,
      closedAt: r.status === 'closed' ? at : undefined,
      updates: 0,
      responders: [],
      ...(state.options.clueSources.includes(source) ? { clue: { state: 'pending' as const } } : {}),
      state: r.status === 'closed' ? 'resolved' : 'new',
      acknowledged: false,
      timeline: [{ at, kind: 'reported', priority: r.priority }, ...(r.status === 'closed' ? [{ at, kind: 'closed' as const }] : [])],
      grid,
    });
    state.changes.removedIncidents.delete(r.id);
    registerEpisode(state, r);
  }
  const inc = state.incidents.get(r.id)!;
  // The alarm's kiosk camera belongs with it even when the sender did not list it.
  const kiosk = inc.kioskId ? state.kiosks.get(inc.kioskId) : undefined;
  if (kiosk?.cameraId && !inc.cameraIds.includes(kiosk.cameraId)) inc.cameraIds = [kiosk.cameraId, ...inc.cameraIds];
  state.changes.incidents.add(r.id);
  return Outcome.Fresh;
}

/** Closed by its source: resolved, when, and the kiosk that raised it is free again (operators close through applyAction). */
function closeIncident(state: SituationState, inc: Incident, at: number): void {
  inc.status = 'closed';
  inc.state = 'resolved';
  inc.closedAt = at;
  inc.timeline = appendTimeline(inc.timeline, { at, kind: 'closed' });
  state.changes.incidents.add(inc.id);
  releaseKioskSos(state, inc.id);
}

function applyFix(state: SituationState, fix: UnitFix, source: string, at: number): boolean {
  const unit = state.units.get(fix.id);
  const trailLength = state.options.trailLength;
  if (!unit) {
    const grid = state.locate(fix.lon, fix.lat);
    state.units.set(
      fix.id,
      unitRecord({
        id: fix.id,
        kind: fix.kind,
        name: fix.name,
        lat: fix.lat,
        lon: fix.lon,
        heading: fix.heading,
        speed: fix.speed,
        accuracy: fix.accuracy,
        battery: fix.battery,
        status: fix.status ?? 'available',
        ts: fix.ts,
        lastSeen: at,
        stale: false,
        source,
        gridId: grid?.id,
        trail: trailLength > 0 ? [[fix.lon, fix.lat, fix.ts]] : [],
        outOfOrder: 0,
      }),
    );
    state.unitIndex.set(fix.id, state.units.get(fix.id)!);
    recordTrailPoint(state, fix.id, [fix.lon, fix.lat, fix.ts]);
    // a unit forgotten and back within one delta stays in removedUnits: receivers drop the old one
    // (and its trail) first, then take the new one
    state.changes.units.add(fix.id);
    state.changes.unitMeta.add(fix.id);
    return true;
  }
  if (fix.ts === unit.ts && fix.lat === unit.lat && fix.lon === unit.lon) return false;
  unit.lastSeen = at;
  if (fix.ts < unit.ts) {
    // Late fix: keep it in the trail for the record, but never move the unit back in time.
    unit.outOfOrder++;
    state.stats.outOfOrder++;
    insertTrailPoint(unit.trail, [fix.lon, fix.lat, fix.ts], trailLength);
    recordTrailPoint(state, unit.id, [fix.lon, fix.lat, fix.ts]);
    unit.stale = false;
    state.changes.units.add(unit.id);
    state.changes.unitMeta.add(unit.id);
    return true;
  }
  const moved = fix.lat !== unit.lat || fix.lon !== unit.lon;
  // what the renderer holds as metadata, to tell a move from a change (locals: this runs per fix)
  const kind0 = unit.kind;
  const name0 = unit.name;
  const status0 = unit.status;
  const battery0 = unit.battery;
  const source0 = unit.source;
  const gridId0 = unit.gridId;
  unit.lat = fix.lat;
  unit.lon = fix.lon;
  unit.ts = fix.ts;
  unit.kind = fix.kind;
  if (fix.name !== undefined) unit.name = fix.name;
  unit.heading = fix.heading ?? unit.heading;
  unit.speed = fix.speed;
  unit.accuracy = fix.accuracy;
  if (fix.battery !== undefined) unit.battery = fix.battery;
  unit.status = fix.status ?? (unit.status === 'offline' ? 'available' : unit.status);
  unit.stale = false;
  unit.source = source;
  if (moved) {
    unit.gridId = state.locate(fix.lon, fix.lat, unit.gridId)?.id;
    state.unitIndex.set(unit.id, unit);
  }
  if (trailLength > 0) {
    unit.trail.push([fix.lon, fix.lat, fix.ts]);
    if (unit.trail.length > trailLength) unit.trail.shift();
    recordTrailPoint(state, unit.id, [fix.lon, fix.lat, fix.ts]);
  }
  state.changes.units.add(unit.id);
  if (unit.kind !== kind0 || unit.name !== name0 || unit.status !== status0 || unit.battery !== battery0 || unit.source !== source0 || unit.gridId !== gridId0) {
    state.changes.unitMeta.add(unit.id);
  }
  return true;
}

function recordTrailPoint(state: SituationState, id: string, point: TrailPoint): void {
  if (state.options.trailLength === 0) return;
  const list = state.changes.trailPoints.get(id);
  if (list) list.push(point);
  else state.changes.trailPoints.set(id, [point]);
}

/**
 * Puts a fix into a trail kept in time order: appended when newest, inserted after the points of
 * its time or before otherwise, dropped when older than everything a full trail keeps; the oldest
 * point goes when the trail is over `max`. The renderer applies the same function to the points a
 * delta carries, so the trails it draws are the ones the situation holds.
 */
export function insertTrailPoint(trail: TrailPoint[], point: TrailPoint, max: number): void {
  if (max === 0) return;
  let i = trail.length;
  while (i > 0 && trail[i - 1][2] > point[2]) i--;
  if (i === 0 && trail.length >= max) return; // older than everything we keep
  trail.splice(i, 0, point);
  if (trail.length > max) trail.shift();
}

function applyKioskStatus(state: SituationState, s: { id: string; ts: number; online: boolean; sos?: boolean; lat?: number; lon?: number }, at: number, topic: string): Outcome {
  let kiosk = state.kiosks.get(s.id);
  if (!kiosk) {
    if (s.lat === undefined || s.lon === undefined) {
      rejectInReducer(state, at, topic, 'unknown_device', `kiosk ${s.id.slice(0, 60)} is not in the registry and sent no position`);
      return Outcome.Rejected;
    }
    kiosk = { id: s.id, name: s.id, lat: s.lat, lon: s.lon, online: null, sos: false, gridId: state.locate(s.lon, s.lat)?.id };
    state.kiosks.set(kiosk.id, kiosk);
  }
  const sos = s.sos ?? false;
  if (kiosk.online === s.online && kiosk.sos === sos && kiosk.lastSeen !== undefined && s.ts <= kiosk.lastSeen) return Outcome.Duplicate;
  if (kiosk.lastSeen !== undefined && s.ts < kiosk.lastSeen) {
    // A status older than the one held says nothing about now.
    return Outcome.Duplicate;
  }
  kiosk.online = s.online;
  kiosk.lastSeen = s.ts;
  if (sos && !kiosk.sos) {
    const id = `sos:${kiosk.id}:${s.ts}`;
    const raised = applyIncident(
      state,
      {
        id,
        ts: s.ts,
        kind: 'sos',
        priority: 1,
        lat: kiosk.lat,
        lon: kiosk.lon,
        title: kiosk.name,
        kioskId: kiosk.id,
        cameraIds: kiosk.cameraId ? [kiosk.cameraId] : [],
        status: 'open',
      },
      'kiosk',
      at,
      topic,
      false,
    );
    if (raised !== Outcome.Rejected) kiosk.sosIncidentId = id;
  }
  // Releasing the button clears the kiosk's state; the incident stays open until someone closes it.
  kiosk.sos = sos;
  if (!sos) kiosk.sosIncidentId = undefined;
  state.changes.kiosks.add(kiosk.id);
  return Outcome.Fresh;
}

function releaseKioskSos(state: SituationState, incidentId: string): void {
  for (const k of state.kiosks.values()) {
    if (k.sosIncidentId === incidentId) {
      k.sosIncidentId = undefined;
      state.changes.kiosks.add(k.id);
    }
  }
}

/**
 * Still new past its priority's time: escalated, once. Driven by the clock's input (never a
 * timer), so a replay escalates at the same moments.
 */
function escalateIfDue(state: SituationState, inc: Incident, at: number): void {
  if (inc.state !== 'new' || inc.escalatedAt !== undefined) return;
  const after = state.options.escalateAfterMs[inc.priority];
  if (after === null || after === undefined || at - inc.firstSeen < after) return;
  inc.escalatedAt = at;
  inc.timeline = appendTimeline(inc.timeline, { at, kind: 'escalated' });
  state.changes.incidents.add(inc.id);
}

function tick(state: SituationState, at: number): void {
  const { staleAfterMs, closedRetentionMs, forgetUnitsAfterMs, rateWindowSeconds } = state.options;
  for (const unit of state.units.values()) {
    if (forgetUnitsAfterMs > 0 && at - unit.lastSeen > forgetUnitsAfterMs) {
      state.units.delete(unit.id);
      state.unitIndex.delete(unit.id);
      state.changes.units.delete(unit.id);
      state.changes.unitMeta.delete(unit.id);
      state.changes.trailPoints.delete(unit.id);
      state.changes.removedUnits.add(unit.id);
      continue;
    }
    if (!unit.stale && at - unit.lastSeen > staleAfterMs) {
      unit.stale = true;
      state.changes.units.add(unit.id);
    }
  }
  for (const inc of state.incidents.values()) {
    escalateIfDue(state, inc, at);
    if (inc.status === 'closed' && inc.closedAt !== undefined && at - inc.closedAt > closedRetentionMs) {
      state.incidents.delete(inc.id);
      state.tombstones.delete(inc.id);
      state.tombstones.set(inc.id, { keyHash: keyHash(state.incidentKeys.get(inc.id) ?? ''), closedAt: inc.closedAt });
      state.incidentKeys.delete(inc.id);
      state.changes.incidents.delete(inc.id);
      state.changes.removedIncidents.add(inc.id);
    }
  }
  // oldest first: stop at the first one still young enough (and within the count)
  for (const [id, t] of state.tombstones) {
    if (at - t.closedAt <= state.options.tombstoneMs && state.tombstones.size <= state.options.maxTombstones) break;
    state.tombstones.delete(id);
  }
  const second = Math.floor(at / 1000);
  if (second > state.rateSecond) rollRate(state, second);
  // The current second is still filling: average over the full seconds before it.
  let sum = 0;
  for (let i = 0; i < state.rateCounts.length - 1; i++) sum += state.rateCounts[i];
  const rate = Math.round((sum / rateWindowSeconds) * 10) / 10;
  state.stats.messagesPerSecond = rate;
}

// ---- reading the situation ----

export type { UnitView, UnitTuple, UnitMoveTuple } from './unit-wire.js';

/** The limits a renderer must keep to hold what the situation holds. */
export interface SituationLimits {
  /** points kept per unit trail */
  trailLength: number;
  /** rejected messages kept */
  rejectsKept: number;
  /** a unit silent this long is stale: a page cut off from the services dims units by it itself */
  staleAfterMs: number;
}

/** A point a delta adds to a unit's trail: [unit id, lon, lat, ts]. */
export type TrailPointTuple = [id: string, lon: number, lat: number, ts: number];

export interface SituationSnapshot {
  now: number;
  limits: SituationLimits;
  incidents: Incident[];
  units: Unit[];
  kiosks: Kiosk[];
  cameras: Camera[];
  stats: SituationStats;
  rejects: RejectRecord[];
}

export interface SituationDelta {
  now: number;
  incidents: Incident[];
  removedIncidents: string[];
  /** new units and units changed beyond moving, without trails (the renderer extends trails itself): see unit-wire.ts; applied after removedUnits */
  units: UnitTuple[];
  /** units that only moved (or went stale): position, time, motion */
  unitMoves: UnitMoveTuple[];
  removedUnits: string[];
  /**
   * points added to trails beyond what `units`/`unitMoves` imply (a unit's new position is the
   * one point they imply): late fixes, and several fixes of one unit within one delta, in order
   */
  trailPoints: TrailPointTuple[];
  kiosks: Kiosk[];
  cameras: Camera[];
  stats: SituationStats;
  rejects: RejectRecord[];
}

const clone = <T>(v: T): T => structuredClone(v);

export function snapshotOf(state: SituationState): SituationSnapshot {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    now: state.now,
    limits: { trailLength: state.options.trailLength, rejectsKept: state.options.rejectsKept, staleAfterMs: state.options.staleAfterMs },
    incidents: [...state.incidents.values()].map(clone).sort(byId),
    units: [...state.units.values()].map((u) => ({ ...u, trail: u.trail.map((p) => [...p] as typeof p) })).sort(byId),
    kiosks: [...state.kiosks.values()].map(clone).sort(byId),
    cameras: [...state.cameras.values()].map(clone).sort(byId),
    stats: clone(state.stats),
    rejects: state.rejects.slice(),
  };
}

export function hasChanges(state: SituationState): boolean {
  const c = state.changes;
  return c.incidents.size + c.removedIncidents.size + c.units.size + c.removedUnits.size + c.kiosks.size + c.cameras.size + c.rejects.length + c.trailPoints.size > 0;
}

/** Whether alarms changed since the last delta: incidents, or kiosks (an SOS button is an alarm). */
export function hasAlertChanges(state: SituationState): boolean {
  const c = state.changes;
  return c.incidents.size + c.removedIncidents.size + c.kiosks.size > 0;
}

/**
 * Cuts a delta of the alarms alone — incidents and kiosks changed since the last delta — and
 * leaves everything else (units, cameras, rejects) for the next full one. The alarm lane: an
 * alarm goes out at once instead of waiting for the cadence behind unit moves. Null when no alarm
 * changed. Deltas stay ordered, so applying this one and then the next full one gives what one
 * delta of both would have.
 */
export function takeAlertDelta(state: SituationState): SituationDelta | null {
  if (!hasAlertChanges(state)) return null;
  const c = state.changes;
  const incidents = c.incidents;
  const removedIncidents = c.removedIncidents;
  const kiosks = c.kiosks;
  c.incidents = new Set();
  c.removedIncidents = new Set();
  c.kiosks = new Set();
  return {
    now: state.now,
    incidents: [...incidents].flatMap((id) => {
      const inc = state.incidents.get(id);
      return inc ? [clone(inc)] : [];
    }),
    removedIncidents: [...removedIncidents],
    units: [],
    unitMoves: [],
    removedUnits: [],
    trailPoints: [],
    kiosks: [...kiosks].flatMap((id) => {
      const k = state.kiosks.get(id);
      return k ? [{ ...k }] : [];
    }),
    cameras: [],
    stats: clone(state.stats),
    rejects: [],
  };
}

/** Cuts the delta of everything changed since the last call and starts a new change set. */
export function takeDelta(state: SituationState): SituationDelta {
  const c = state.changes;
  state.changes = emptyChanges();
  const units: UnitTuple[] = [];
  const unitMoves: UnitMoveTuple[] = [];
  for (const id of c.units) {
    const u = state.units.get(id);
    if (!u) continue;
    if (c.unitMeta.has(id)) units.push(encodeUnit(u));
    else unitMoves.push(encodeMove(u));
  }
  const trailPoints: TrailPointTuple[] = [];
  for (const [id, points] of c.trailPoints) {
    const u = state.units.get(id);
    if (!u) continue;
    // the unit's own position is implied by its tuple; only what that does not say travels
    const [p] = points;
    if (points.length === 1 && p[0] === u.lon && p[1] === u.lat && p[2] === u.ts) continue;
    for (const q of points) trailPoints.push([id, q[0], q[1], q[2]]);
  }
  return {
    now: state.now,
    incidents: [...c.incidents].flatMap((id) => {
      const inc = state.incidents.get(id);
      return inc ? [clone(inc)] : [];
    }),
    removedIncidents: [...c.removedIncidents],
    units,
    unitMoves,
    removedUnits: [...c.removedUnits],
    trailPoints,
    kiosks: [...c.kiosks].flatMap((id) => {
      const k = state.kiosks.get(id);
      return k ? [{ ...k }] : [];
    }),
    cameras: [...c.cameras].flatMap((id) => {
      const cam = state.cameras.get(id);
      return cam ? [{ ...cam }] : [];
    }),
    stats: clone(state.stats),
    rejects: c.rejects,
  };
}

// A checkpoint of the situation, so a wall that restarts (an update, a crash, a power cut) comes
// back with its open incidents, their acknowledgements and where every unit was, instead of an
// empty board. Pure: the host decides when to save and where the file lives.
//
// What is kept: incidents (with the canonical text of their last report, so a QoS 1 message the
// broker redelivers after the restart is still recognised as a duplicate), units without their
// trails (trails are minutes long and refill by themselves), and the live status of kiosks and
// cameras. What is not: statistics and the rejected-message list, which describe "since start".
// Grid tags are not trusted from the file: they are looked up again against today's grids.
import { z } from 'zod';
import { CLUE_STATES, DISPATCH_ANSWERS, INCIDENT_KINDS, INCIDENT_STATES, INCIDENT_STATUSES, ROLES, TIMELINE_CHANGES, TIMELINE_KINDS, type Camera, type Incident, type Kiosk, type TrailPoint, type Unit, UNIT_KINDS, UNIT_STATUSES } from '../domain.js';
import { TIMELINE_MAX } from './timeline.js';
import type { SituationState } from './situation.js';
import { unitRecord } from './unit-record.js';

export const CHECKPOINT_FORMAT = 'watchfloor-situation';
export const CHECKPOINT_VERSION = 1;

const id = z.string().min(1).max(128);
const epochMs = z.number();
const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

const incidentSchema = z.object({
  id,
  ts: epochMs,
  kind: z.enum(INCIDENT_KINDS),
  priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  lat,
  lon,
  title: z.string().max(1000),
  detail: z.string().max(4000).optional(),
  kioskId: id.optional(),
  cameraIds: z.array(id).max(32),
  reporter: z.string().max(200).optional(),
  reporterId: id.optional(),
  category: z.string().max(50).optional(),
  clue: z.object({ state: z.enum(CLUE_STATES), at: epochMs.optional(), by: z.string().max(200).optional(), reason: z.string().max(2000).optional() }).optional(),
  media: z.array(z.object({ url: z.string().min(1).max(2048), type: z.string().max(100) })).max(16),
  status: z.enum(INCIDENT_STATUSES),
  source: z.string().max(256),
  /** absent in checkpoints written before it existed: the first report's time is then unknown */
  startedAt: epochMs.optional(),
  firstSeen: epochMs,
  lastSeen: epochMs,
  closedAt: epochMs.optional(),
  updates: z.number().int().min(0),
  acknowledged: z.boolean(),
  /** absent in checkpoints written before the lifecycle: derived from status and acknowledged */
  state: z.enum(INCIDENT_STATES).optional(),
  mergedInto: id.optional(),
  escalatedAt: epochMs.optional(),
  responders: z
    .array(
      z.object({
        unitId: id,
        name: z.string().max(200).optional(),
        dispatchId: id,
        answer: z.enum(['asked', ...DISPATCH_ANSWERS]),
        askedAt: epochMs,
        at: epochMs,
        distanceM: z.number(),
        note: z.string().max(2000).optional(),
      }),
    )
    .max(1000)
    .optional(),
  positionAt: epochMs.optional(),
  acknowledgedAt: epochMs.optional(),
  acknowledgedBy: z.string().max(200).optional(),
  closedBy: z.string().max(200).optional(),
  /** absent in checkpoints written before it existed */
  timeline: z
    .array(
      z.object({
        at: epochMs,
        kind: z.enum(TIMELINE_KINDS),
        by: z.string().max(200).optional(),
        role: z.enum(ROLES).optional(),
        note: z.string().max(2000).optional(),
        other: id.optional(),
        unit: z.string().max(200).optional(),
        answer: z.enum(DISPATCH_ANSWERS).optional(),
        asked: z.number().int().min(0).optional(),
        changed: z.array(z.enum(TIMELINE_CHANGES)).max(TIMELINE_CHANGES.length).optional(),
        priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
      }),
    )
    .max(TIMELINE_MAX)
    .optional(),
  episode: z.object({ device: id, alarm: z.string().min(1).max(128) }).optional(),
  /** canonical text of the last report (duplicate detection) */
  key: z.string().max(20_000).optional(),
});

/** [id, hash of its last report, closedAt] of a closed incident that left the situation */
const tombstoneSchema = z.tuple([id, z.number().int().min(0), epochMs]);

/** [device, alarm, incident id, latest report time] of an alarm episode a device is in (its incident may have left) */
const episodeSchema = z.tuple([id, z.string().min(1).max(128), id, epochMs]);

export const unitSchema = z.object({
  id,
  kind: z.enum(UNIT_KINDS),
  name: z.string().max(200).optional(),
  lat,
  lon,
  heading: z.number().optional(),
  speed: z.number().optional(),
  accuracy: z.number().optional(),
  battery: z.number().optional(),
  status: z.enum(UNIT_STATUSES),
  ts: epochMs,
  lastSeen: epochMs,
  stale: z.boolean(),
  source: z.string().max(256),
  outOfOrder: z.number().int().min(0),
  /** recent fixes, oldest first: only in the journal's snapshots (a replay seeks into them with trails); the checkpoint file leaves them out */
  trail: z.array(z.tuple([lon, lat, epochMs])).max(1000).optional(),
});

const UNIT_KIND_SET = new Set<string>(UNIT_KINDS);
const UNIT_STATUS_SET = new Set<string>(UNIT_STATUSES);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isLat = (v: unknown): v is number => isNum(v) && v >= -90 && v <= 90;
const isLon = (v: unknown): v is number => isNum(v) && v >= -180 && v <= 180;
const optNum = (v: unknown) => v === undefined || isNum(v);

/**
 * unitSchema's check, written out: a journal snapshot holds every unit with its trail (5,000 units
 * × 10 points), and zod took ~80 ms of each seek over them. Accepts exactly what unitSchema accepts
 * and gives the same object (unknown keys left out); anything it does not accept goes to zod, which
 * says why.
 */
export function unitFast(raw: unknown): CheckpointUnit | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const u = raw as Record<string, unknown>;
  if (typeof u.id !== 'string' || u.id.length < 1 || u.id.length > 128 || typeof u.kind !== 'string' || !UNIT_KIND_SET.has(u.kind)) return null;
  if (u.name !== undefined && (typeof u.name !== 'string' || u.name.length > 200)) return null;
  if (!isLat(u.lat) || !isLon(u.lon) || !optNum(u.heading) || !optNum(u.speed) || !optNum(u.accuracy) || !optNum(u.battery)) return null;
  if (typeof u.status !== 'string' || !UNIT_STATUS_SET.has(u.status) || !isNum(u.ts) || !isNum(u.lastSeen) || typeof u.stale !== 'boolean') return null;
  if (typeof u.source !== 'string' || u.source.length > 256 || !Number.isSafeInteger(u.outOfOrder) || (u.outOfOrder as number) < 0) return null;
  let trail: TrailPoint[] | undefined;
  if (u.trail !== undefined) {
    if (!Array.isArray(u.trail) || u.trail.length > 1000) return null;
    for (const p of u.trail as unknown[]) if (!Array.isArray(p) || p.length !== 3 || !isLon(p[0]) || !isLat(p[1]) || !isNum(p[2])) return null;
    // the points as they are (what zod would copy): 50,000 arrays fewer per seek of a city's snapshot
    trail = u.trail as TrailPoint[];
  }
  const out: CheckpointUnit = { id: u.id, kind: u.kind as CheckpointUnit['kind'], lat: u.lat, lon: u.lon, status: u.status as CheckpointUnit['status'], ts: u.ts, lastSeen: u.lastSeen, stale: u.stale, source: u.source, outOfOrder: u.outOfOrder as number };
  if (u.name !== undefined) out.name = u.name as string;
  if (u.heading !== undefined) out.heading = u.heading as number;
  if (u.speed !== undefined) out.speed = u.speed as number;
  if (u.accuracy !== undefined) out.accuracy = u.accuracy as number;
  if (u.battery !== undefined) out.battery = u.battery as number;
  if (trail) out.trail = trail;
  return out;
}

/** unitSchema, the fast way first */
const unitCheck = {
  safeParse(raw: unknown): ReturnType<typeof unitSchema.safeParse> {
    const fast = unitFast(raw);
    return fast ? { success: true, data: fast } : unitSchema.safeParse(raw);
  },
};

/** Live status of a kiosk or camera; name and position matter only for devices the registry lacks. */
const deviceSchema = z.object({
  id,
  name: z.string().max(200),
  lat,
  lon,
  online: z.boolean().nullable(),
  lastSeen: epochMs.optional(),
  sos: z.boolean().optional(),
  sosIncidentId: id.optional(),
});

type CheckpointIncident = z.infer<typeof incidentSchema>;
type CheckpointUnit = z.infer<typeof unitSchema>;
type CheckpointDevice = z.infer<typeof deviceSchema>;

export interface SituationCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** the situation's clock when saved (epoch ms) */
  savedAt: number;
  incidents: CheckpointIncident[];
  units: CheckpointUnit[];
  kiosks: CheckpointDevice[];
  cameras: CheckpointDevice[];
  /** optional: checkpoints written before tombstones were kept lack it */
  tombstones?: [string, number, number][];
  /** ids of the operator actions applied, oldest first: a retry after a restart is still applied once */
  actionIds?: string[];
  /**
   * the alarm episodes devices are in, as the reducer holds them: an episode outlives its incident
   * leaving and ends when its device stops reporting the alarm, so it cannot be told from the
   * incidents. Checkpoints written before it existed lack it (episodes are then derived from them).
   */
  episodes?: [device: string, alarm: string, incidentId: string, lastTs: number][];
}

const envelopeSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  savedAt: epochMs,
  incidents: z.array(z.unknown()),
  units: z.array(z.unknown()),
  kiosks: z.array(z.unknown()),
  cameras: z.array(z.unknown()),
  tombstones: z.array(z.unknown()).optional(),
  actionIds: z.array(z.unknown()).optional(),
  episodes: z.array(z.unknown()).optional(),
});

const definedOnly = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** `trails`: units with their trails (the journal's snapshots); `units: false`: none (the journal writes them as a table). */
export function checkpointOf(state: SituationState, opts: { trails?: boolean; units?: boolean } = {}): SituationCheckpoint {
  const device = (d: Kiosk | Camera): CheckpointDevice =>
    definedOnly({ id: d.id, name: d.name, lat: d.lat, lon: d.lon, online: d.online, lastSeen: d.lastSeen, sos: 'sos' in d ? d.sos : undefined, sosIncidentId: 'sosIncidentId' in d ? d.sosIncidentId : undefined });
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    savedAt: state.now,
    incidents: [...state.incidents.values()].map((i) => {
      const { grid: _grid, ...rest } = i;
      return definedOnly({ ...rest, key: state.incidentKeys.get(i.id) });
    }),
    units: opts.units === false ? [] : [...state.units.values()].map((u) => {
      const { trail, gridId: _gridId, ...rest } = u;
      return definedOnly(opts.trails ? { ...rest, trail: trail.map((p) => [...p] as TrailPoint) } : rest);
    }),
    kiosks: [...state.kiosks.values()].map(device),
    cameras: [...state.cameras.values()].map(device),
    tombstones: [...state.tombstones].map(([tid, t]) => [tid, t.keyHash, t.closedAt]),
    actionIds: [...state.actionIds],
    episodes: [...state.episodes].flatMap(([device, eps]) => [...eps].map(([alarm, e]): [string, string, string, number] => [device, alarm, e.incidentId, e.lastTs])),
  };
}

export interface RestoreReport {
  incidents: number;
  units: number;
  kiosks: number;
  cameras: number;
  /** entries that failed validation and were left out: which list, where, why (first 20) */
  skipped: { list: 'incidents' | 'units' | 'kiosks' | 'cameras'; index: number; reason: string }[];
  skippedCount: number;
  savedAt: number;
}

export type RestoreResult = { ok: true; report: RestoreReport } | { ok: false; error: string };

function issueText(error: z.ZodError): string {
  const first = error.issues[0];
  return `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`;
}

/**
 * Loads a checkpoint into a situation that has taken no input yet. A file of another format or
 * version is refused whole; a bad entry is left out and reported, the rest still loads.
 */
export function restoreCheckpoint(state: SituationState, json: unknown): RestoreResult {
  if (state.incidents.size > 0 || state.units.size > 0) return { ok: false, error: 'the situation already holds data; a checkpoint only loads into a fresh one' };
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: `not a Watchfloor situation checkpoint (version ${CHECKPOINT_VERSION}): ${issueText(envelope.error)}` };
  const cp = envelope.data;
  const report: RestoreReport = { incidents: 0, units: 0, kiosks: 0, cameras: 0, skipped: [], skippedCount: 0, savedAt: cp.savedAt };
  const each = <T>(list: RestoreReport['skipped'][number]['list'], items: unknown[], schema: { safeParse(raw: unknown): z.ZodSafeParseResult<T> }, take: (item: T) => void) => {
    items.forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) take(parsed.data);
      else {
        report.skippedCount++;
        if (report.skipped.length < 20) report.skipped.push({ list, index, reason: issueText(parsed.error) });
      }
    });
  };
  each('incidents', cp.incidents, incidentSchema, (i) => {
    const { key, ...fields } = i;
    const startedAt = i.startedAt ?? Math.min(i.ts, i.firstSeen);
    const timeline = i.timeline ?? [{ at: i.firstSeen, kind: 'reported' as const, priority: i.priority }];
    const lifeState = i.state ?? (i.status === 'closed' ? 'resolved' : i.acknowledged ? 'acknowledged' : 'new');
    const incident: Incident = { ...fields, state: lifeState, startedAt, timeline, responders: i.responders ?? [], grid: state.locate(i.lon, i.lat) };
    state.incidents.set(i.id, incident);
    if (key !== undefined) state.incidentKeys.set(i.id, key);
    // the episode goes on where it was: a repeat of its alarm updates this incident (or, closed, raises
    // nothing). A checkpoint that lists the episodes says exactly which are running (below).
    if (i.episode && cp.episodes === undefined) {
      let eps = state.episodes.get(i.episode.device);
      if (!eps) state.episodes.set(i.episode.device, (eps = new Map()));
      const held = eps.get(i.episode.alarm);
      if (!held || held.lastTs <= i.lastSeen) eps.set(i.episode.alarm, { incidentId: i.id, lastTs: Math.max(i.ts, i.lastSeen) });
    }
    state.changes.incidents.add(i.id);
    report.incidents++;
  });
  for (const raw of cp.tombstones ?? []) {
    const t = tombstoneSchema.safeParse(raw);
    if (t.success && !state.incidents.has(t.data[0])) state.tombstones.set(t.data[0], { keyHash: t.data[1], closedAt: t.data[2] });
  }
  for (const raw of cp.actionIds ?? []) {
    if (typeof raw === 'string' && raw.length > 0 && raw.length <= 128) state.actionIds.add(raw);
  }
  for (const raw of cp.episodes ?? []) {
    const e = episodeSchema.safeParse(raw);
    if (!e.success) continue;
    const [device, alarm, incidentId, lastTs] = e.data;
    let eps = state.episodes.get(device);
    if (!eps) state.episodes.set(device, (eps = new Map()));
    eps.set(alarm, { incidentId, lastTs });
  }
  each('units', cp.units, unitCheck, (u) => {
    // copied field by field, then given its grid and trail: a spread of the checkpoint's unit (whose
    // optional fields make it one of many shapes) took a third of a city's restore
    const unit = unitRecord(u as Unit);
    unit.gridId = state.locate(u.lon, u.lat)?.id;
    unit.trail = state.options.trailLength === 0 ? [] : u.trail ? u.trail.slice(-state.options.trailLength) : [[u.lon, u.lat, u.ts]];
    state.units.set(u.id, unit);
    state.unitIndex.set(u.id, unit);
    state.changes.units.add(u.id);
    state.changes.unitMeta.add(u.id);
    report.units++;
  });
  each('kiosks', cp.kiosks, deviceSchema, (d) => {
    const known = state.kiosks.get(d.id);
    // the registry's name and position win: it may have been corrected since
    const kiosk: Kiosk = known ?? { id: d.id, name: d.name, lat: d.lat, lon: d.lon, online: null, sos: false, gridId: state.locate(d.lon, d.lat)?.id };
    kiosk.online = d.online;
    kiosk.lastSeen = d.lastSeen;
    kiosk.sos = d.sos ?? false;
    kiosk.sosIncidentId = d.sosIncidentId;
    state.kiosks.set(d.id, kiosk);
    state.changes.kiosks.add(d.id);
    report.kiosks++;
  });
  each('cameras', cp.cameras, deviceSchema, (d) => {
    const known = state.cameras.get(d.id);
    const camera: Camera = known ?? { id: d.id, name: d.name, lat: d.lat, lon: d.lon, online: null, gridId: state.locate(d.lon, d.lat)?.id };
    camera.online = d.online;
    camera.lastSeen = d.lastSeen;
    state.cameras.set(d.id, camera);
    state.changes.cameras.add(d.id);
    report.cameras++;
  });
  if (cp.savedAt > state.now) state.now = cp.savedAt;
  return { ok: true, report };
}

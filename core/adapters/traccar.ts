// Traccar's MQTT forwarding: positions (`forward.type=mqtt`, `{position, device}`) and events
// (`event.forward.type=mqtt`, `{event, position?, device, geofence?, maintenance?}`), nulls omitted.
// See docs/adapters.md for the mapping.
import { z } from 'zod';
import { type IncidentReport, UNIT_KINDS, type UnitFix } from '../domain.js';
import type { IngestEvent } from '../inputs.js';
import { accept, type AdaptContext, type AdaptOutcome, type Adapter, isRecord, MAX_ID_LENGTH, readPosition, readTimestamp, plausibleSpeed, reject, schemaRejection } from './common.js';

export interface TraccarAdapterOptions {
  /** Traccar's `forward.topic`; default `positions` */
  positionsTopic?: string;
  /** Traccar's `event.forward.topic`; default `events` */
  eventsTopic?: string;
}

const SOURCE = 'traccar';
export const KNOTS_TO_MS = 0.514444;

const attributesSchema = z.record(z.string(), z.unknown()).nullish();

// Coordinates and times stay `unknown`: readPosition / readTimestamp judge them so the reasons are uniform.
const positionSchema = z.object({
  deviceId: z.number().nullish(),
  latitude: z.unknown().optional(),
  longitude: z.unknown().optional(),
  fixTime: z.unknown().optional(),
  deviceTime: z.unknown().optional(),
  serverTime: z.unknown().optional(),
  valid: z.boolean().nullish(),
  outdated: z.boolean().nullish(),
  speed: z.number().nullish(),
  course: z.number().nullish(),
  accuracy: z.number().nullish(),
  attributes: attributesSchema,
});

const deviceSchema = z.object({
  id: z.number().nullish(),
  name: z.string().nullish(),
  uniqueId: z.string().nullish(),
  category: z.string().nullish(),
});

const positionMessageSchema = z.object({
  position: positionSchema,
  device: deviceSchema.nullish(),
});

const eventMessageSchema = z.object({
  event: z.object({
    type: z.string().min(1),
    eventTime: z.unknown().optional(),
    deviceId: z.number().nullish(),
    attributes: attributesSchema,
  }),
  position: positionSchema.nullish(),
  device: deviceSchema.nullish(),
});

type TraccarPosition = z.infer<typeof positionSchema>;
type TraccarDevice = z.infer<typeof deviceSchema>;

interface DeviceIdent {
  unitId: string;
  key: string;
  name: string;
  category?: string;
}



/** `uniqueId` (the IMEI or identifier the device reports) first, then Traccar's numeric id. */
function identify(device: TraccarDevice | null | undefined, fallbackId: number | null | undefined): DeviceIdent | AdaptOutcome {
  const key = device?.uniqueId || (device?.id ?? fallbackId)?.toString();
  if (!key) return reject('schema', 'Traccar message names no device (device.uniqueId / device.id / deviceId)');
  const unitId = `${SOURCE}:${key}`;
  if (unitId.length > MAX_ID_LENGTH) return reject('schema', `device uniqueId too long for a ${MAX_ID_LENGTH}-char unit id`);
  return { unitId, key, name: device?.name || key, category: device?.category ?? undefined };
}

/** Traccar joins several alarms with commas ("sos,lowBattery"). Non-string values count as one unknown alarm. */
function alarmsOf(value: unknown): string[] {
  if (value === undefined || value === null || value === false || value === '') return [];
  if (typeof value !== 'string') return ['unknown'];
  return [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
}

/** A position whose fix is this much older than the message is a last-known position (Traccar's "outdated"). */
export const LAST_KNOWN_AFTER_MS = 60_000;

type Failure = Extract<AdaptOutcome, { ok: false }>;

/** The unit fix a usable position gives: valid, placed and timed. */
function unitFixOf(p: TraccarPosition, dev: DeviceIdent, ctx: AdaptContext): UnitFix | Failure {
  // fixTime is the GNSS time; older or odd protocols may leave it out, then the device's / server's time.
  const ts = readTimestamp(p.fixTime ?? p.deviceTime ?? p.serverTime, ctx);
  if (!ts.ok) return ts;
  const pos = readPosition(p.latitude, p.longitude, undefined, SOURCE, ctx);
  if (!pos.ok) return pos;
  const kind = ctx.unitKindFor(SOURCE, dev.category);
  if (!(UNIT_KINDS as readonly string[]).includes(kind)) {
    return reject('unknown_kind', `unit kind "${String(kind).slice(0, 40)}" configured for Traccar category ${String(dev.category).slice(0, 40)} is not a unit kind`) as Failure;
  }
  const fix: UnitFix = { id: dev.unitId, ts: ts.ts, lat: pos.lat, lon: pos.lon, kind, name: dev.name };
  if (p.course != null && p.course >= 0 && p.course <= 360) fix.heading = p.course % 360;
  if (p.speed != null) fix.speed = plausibleSpeed(p.speed * KNOTS_TO_MS); // knots → m/s
  // Traccar reports 0 when the protocol has no accuracy.
  if (p.accuracy != null && p.accuracy > 0) fix.accuracy = p.accuracy;
  const battery = p.attributes?.batteryLevel;
  if (typeof battery === 'number' && Number.isFinite(battery) && battery >= 0 && battery <= 100) fix.battery = battery;
  return fix;
}

const isFailure = (v: object): v is Failure => 'ok' in v;

/**
 * Incidents for the alarms a position carries. The alarm happened at `deviceTime` (when the button
 * was pressed): a message without a new GPS fix carries the previous fix's `fixTime` and
 * coordinates (Traccar's outdated-position handling, whose `outdated` flag its JSON leaves out), so
 * the fix time can be minutes old. The incident is dated by the alarm and says how old its position is.
 */
function alarmIncidents(p: TraccarPosition, dev: DeviceIdent, alarms: string[], ctx: AdaptContext): IngestEvent[] | Failure {
  const at = readTimestamp(p.deviceTime ?? p.fixTime ?? p.serverTime, ctx);
  if (!at.ok) return at;
  const pos = readPosition(p.latitude, p.longitude, undefined, SOURCE, ctx);
  if (!pos.ok) {
    return reject('bad_coordinates', `alarm ${alarms.join(',').slice(0, 60)} from ${dev.name.slice(0, 60)} cannot be placed: ${pos.message} (a device that has not had a GPS fix yet)`) as Failure;
  }
  const fixed = readTimestamp(p.fixTime, ctx);
  const invalid = p.valid === false;
  const lastKnown = invalid || (fixed.ok && at.ts - fixed.ts > LAST_KNOWN_AFTER_MS);
  const events: IngestEvent[] = [];
  for (const alarm of alarms) {
    const id = `${SOURCE}:${dev.key}:${alarm}:${at.ts}`;
    if (id.length > MAX_ID_LENGTH) return reject('schema', `alarm "${alarm.slice(0, 40)}" too long for a ${MAX_ID_LENGTH}-char incident id`) as Failure;
    const sos = alarm === 'sos';
    const notes = [`device ${dev.key}`];
    if (lastKnown) {
      const age = fixed.ok ? `, fixed ${Math.round((at.ts - fixed.ts) / 1000)} s before the alarm` : '';
      notes.push(`last known position${age} (no GPS fix when the alarm was raised)`);
    }
    const report: IncidentReport = {
      id,
      ts: at.ts,
      kind: sos ? 'sos' : 'other',
      priority: sos ? 1 : 2,
      lat: pos.lat,
      lon: pos.lon,
      title: `Traccar 报警 ${alarm}: ${dev.name}`,
      detail: notes.join('; '),
      reporter: dev.name,
      status: 'open',
      episode: { device: dev.unitId, alarm },
    };
    if (lastKnown && fixed.ok) report.positionAt = fixed.ts;
    events.push({ type: 'incident', source: SOURCE, report });
  }
  return events;
}

/**
 * What one position says: where the unit is (a `valid: false` position is no new fix: the unit is
 * alive and did not move), its alarms as incidents, and, from the positions topic, which alarms
 * are active at all, so an episode the device no longer reports ends.
 */
function positionEvents(p: TraccarPosition, dev: DeviceIdent, alarms: string[], ctx: AdaptContext, reportsAlarmSet: boolean): AdaptOutcome {
  const events: IngestEvent[] = [];
  if (p.valid === false) events.push({ type: 'unitNoFix', source: SOURCE, id: dev.unitId });
  else {
    const fix = unitFixOf(p, dev, ctx);
    // an alarm is raised even when its position cannot move the unit (an SOS is worth more)
    if (isFailure(fix)) {
      if (alarms.length === 0) return fix;
    } else events.push({ type: 'unitFix', source: SOURCE, fix });
  }
  if (alarms.length > 0) {
    const raised = alarmIncidents(p, dev, alarms, ctx);
    if (isFailure(raised)) return raised;
    events.push(...raised);
  }
  if (reportsAlarmSet) events.push({ type: 'deviceAlarms', source: SOURCE, device: dev.unitId, alarms });
  return accept(...events);
}

export function createTraccarAdapter(opts: TraccarAdapterOptions = {}): Adapter {
  const positionsTopic = opts.positionsTopic ?? 'positions';
  const eventsTopic = opts.eventsTopic ?? 'events';

  function adaptPosition(json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = positionMessageSchema.safeParse(json);
    if (!parsed.success) return schemaRejection(parsed.error, 'position message');
    const { position, device } = parsed.data;
    const dev = identify(device, position.deviceId);
    if ('ok' in dev) return dev;
    return positionEvents(position, dev, alarmsOf(position.attributes?.alarm), ctx, true);
  }

  function adaptEvent(json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = eventMessageSchema.safeParse(json);
    if (!parsed.success) return schemaRejection(parsed.error, 'event message');
    const { event, position, device } = parsed.data;
    const dev = identify(device, event.deviceId ?? position?.deviceId);
    if ('ok' in dev) return dev;

    switch (event.type) {
      case 'alarm': {
        if (!position) return reject('unknown_device', `alarm event from ${dev.name.slice(0, 60)} carries no position to place it`);
        // Traccar raises one alarm event per alarm; the id matches the one the position topic gives,
        // so the same alarm arriving both ways is one incident.
        const fromEvent = alarmsOf(event.attributes?.alarm);
        const alarms = fromEvent.length ? fromEvent : alarmsOf(position.attributes?.alarm);
        // one event per alarm (Traccar already left out repeats): it says nothing of the others
        return positionEvents(position, dev, alarms.length ? alarms : ['unknown'], ctx, false);
      }
      case 'deviceOffline': {
        const ts = event.eventTime === undefined || event.eventTime === null ? { ok: true as const, ts: ctx.receivedAt } : readTimestamp(event.eventTime, ctx);
        if (!ts.ok) return ts;
        return accept({ type: 'unitOffline', source: SOURCE, id: dev.unitId, ts: ts.ts });
      }
      default: {
        // Other events (geofenceEnter, ignitionOn, …) raise nothing; an attached usable position
        // still moves the unit, an unusable one is simply not used.
        if (!position || position.valid === false) return accept();
        const fix = unitFixOf(position, dev, ctx);
        return isFailure(fix) ? accept() : accept({ type: 'unitFix', source: SOURCE, fix });
      }
    }
  }

  function adapt(topic: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const isPositions = topic === positionsTopic;
    const isEvents = topic === eventsTopic;
    if (!isPositions && !isEvents) return reject('unknown_topic', `not a Traccar topic (${positionsTopic}, ${eventsTopic}): ${topic.slice(0, 120)}`);
    // Both may be configured to the same topic: then the payload tells them apart.
    if (isEvents && (!isPositions || (isRecord(json) && 'event' in json))) return adaptEvent(json, ctx);
    return adaptPosition(json, ctx);
  }

  return {
    name: SOURCE,
    filters: positionsTopic === eventsTopic ? [positionsTopic] : [positionsTopic, eventsTopic],
    matches: (topic) => topic === positionsTopic || topic === eventsTopic,
    adapt(topic, json, ctx) {
      try {
        return adapt(topic, json, ctx);
      } catch (e) {
        return reject('schema', `traccar adapter failed: ${String((e as Error)?.message ?? e).slice(0, 120)}`);
      }
    },
  };
}

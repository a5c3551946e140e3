// Watchfloor's own topics: {prefix}/alarms/{source}, {prefix}/units/{id}/location and /reply,
// {prefix}/kiosks/{id}/status, {prefix}/cameras/{id}/status.
import type { z } from 'zod';
import type { OperatorAction, Priority } from '../domain.js';
import { accept, type AdaptContext, type AdaptOutcome, type Adapter, MAX_ID_LENGTH, readPosition, readTimestamp, reject } from './common.js';
import { actionMessageSchema, alarmSchema, deviceStatusSchema, unitLocationSchema, unitReplySchema } from './native-schemas.js';
import { checkUnitLocation } from './unit-location-check.js';

/** Turns zod's issues into one rejection; an unknown enum value on `kind` gets its own reason. */
function schemaReject(error: z.ZodError): AdaptOutcome {
  const first = error.issues[0];
  const path = first?.path.join('.') || '(root)';
  if (first && first.path[0] === 'kind' && first.code === 'invalid_value') {
    return reject('unknown_kind', `unknown kind; expected one of ${(first as { values?: unknown[] }).values?.join(', ')}`);
  }
  if (first && (first.path[0] === 'lat' || first.path[0] === 'lon')) {
    return reject('bad_coordinates', `${path}: ${first.message}`);
  }
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return reject('schema', `${path}: ${first?.message ?? 'invalid'}${more}`);
}

export interface NativeAdapterOptions {
  topicPrefix: string;
}

export function createNativeAdapter({ topicPrefix }: NativeAdapterOptions): Adapter {
  const prefix = topicPrefix.replace(/\/+$/, '');
  const startsWith = `${prefix}/`;

  function adaptAlarm(source: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = alarmSchema.safeParse(json);
    if (!parsed.success) return schemaReject(parsed.error);
    const m = parsed.data;
    const ts = readTimestamp(m.ts, ctx);
    if (!ts.ok) return ts;
    const pos = readPosition(m.lat, m.lon, m.crs, source, ctx);
    if (!pos.ok) return pos;
    return accept({
      type: 'incident',
      source,
      report: {
        id: m.id,
        ts: ts.ts,
        kind: m.kind,
        priority: (m.priority ?? 3) as Priority,
        lat: pos.lat,
        lon: pos.lon,
        title: m.title,
        detail: m.detail,
        kioskId: m.kioskId,
        cameraIds: m.cameraIds,
        reporter: m.reporter,
        reporterId: m.reporterId,
        category: m.category,
        media: m.media?.map((x) => ({ url: x.url, type: x.type })),
        status: m.status ?? 'open',
      },
    });
  }

  function adaptUnit(topicId: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    // the hand-written check takes the flood; zod decides (and explains) the rest
    let m = checkUnitLocation(json);
    if (!m) {
      const parsed = unitLocationSchema.safeParse(json);
      if (!parsed.success) return schemaReject(parsed.error);
      m = parsed.data;
    }
    if (m.id !== topicId) return reject('conflict', `payload id "${m.id.slice(0, 40)}" differs from topic id "${topicId.slice(0, 40)}"`);
    const ts = readTimestamp(m.ts, ctx);
    if (!ts.ok) return ts;
    const pos = readPosition(m.lat, m.lon, m.crs, 'units', ctx);
    if (!pos.ok) return pos;
    return accept({
      type: 'unitFix',
      source: 'units',
      fix: {
        id: m.id,
        ts: ts.ts,
        lat: pos.lat,
        lon: pos.lon,
        kind: m.kind,
        name: m.name,
        heading: m.heading,
        speed: m.speed,
        accuracy: m.accuracy,
        status: m.status,
        battery: m.battery,
      },
    });
  }

  function adaptReply(unitId: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = unitReplySchema.safeParse(json);
    if (!parsed.success) return schemaReject(parsed.error);
    const m = parsed.data;
    const ts = readTimestamp(m.ts, ctx);
    if (!ts.ok) return ts;
    return accept({ type: 'unitReply', source: 'units', reply: { unitId, dispatchId: m.dispatchId, incidentId: m.incidentId, answer: m.answer, ts: ts.ts, ...(m.note ? { note: m.note } : {}) } });
  }

  function adaptAction(incidentId: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = actionMessageSchema.safeParse(json);
    if (!parsed.success) return schemaReject(parsed.error);
    const m = parsed.data;
    if (m.action.incidentId !== incidentId) return reject('conflict', `action for incident "${m.action.incidentId.slice(0, 40)}" on the topic of "${incidentId.slice(0, 40)}"`);
    const at = readTimestamp(m.at, ctx);
    if (!at.ok) return at;
    const a = m.action;
    const action: OperatorAction = {
      id: a.id,
      incidentId: a.incidentId,
      kind: a.kind,
      ...(a.by ? { by: a.by } : {}),
      ...(a.role ? { role: a.role } : {}),
      ...(a.note ? { note: a.note } : {}),
      ...(a.into ? { into: a.into } : {}),
      ...(a.order ? { order: { id: a.order.id, mode: a.order.mode, unitIds: a.order.unitIds, ...(a.order.radiusM !== undefined ? { radiusM: a.order.radiusM } : {}) } } : {}),
    };
    return accept({ type: 'operatorAction', source: 'actions', action, at: at.ts });
  }

  function adaptStatus(what: 'kiosks' | 'cameras', deviceId: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const parsed = deviceStatusSchema.safeParse(json);
    if (!parsed.success) return schemaReject(parsed.error);
    const m = parsed.data;
    const ts = readTimestamp(m.ts, ctx);
    if (!ts.ok) return ts;
    let lat: number | undefined;
    let lon: number | undefined;
    if (m.lat !== undefined || m.lon !== undefined) {
      const pos = readPosition(m.lat, m.lon, m.crs, what, ctx);
      if (!pos.ok) return pos;
      lat = pos.lat;
      lon = pos.lon;
    }
    const status = { id: deviceId, ts: ts.ts, online: m.online, sos: what === 'kiosks' ? (m.sos ?? false) : undefined, lat, lon };
    return accept(what === 'kiosks' ? { type: 'kioskStatus', source: 'kiosks', status } : { type: 'cameraStatus', source: 'cameras', status });
  }

  return {
    name: 'native',
    filters: [`${prefix}/alarms/+`, `${prefix}/units/+/location`, `${prefix}/units/+/reply`, `${prefix}/kiosks/+/status`, `${prefix}/cameras/+/status`, `${prefix}/actions/+`],
    matches: (topic) => topic.startsWith(startsWith),
    adapt(topic, json, ctx) {
      const parts = topic.slice(startsWith.length).split('/');
      const [section, idPart, leaf] = parts;
      if (!idPart || idPart.length > MAX_ID_LENGTH) return reject('unknown_topic', `no usable id segment in ${topic.slice(0, 120)}`);
      if (section === 'alarms' && parts.length === 2) return adaptAlarm(idPart, json, ctx);
      if (section === 'units' && parts.length === 3 && leaf === 'location') return adaptUnit(idPart, json, ctx);
      if (section === 'units' && parts.length === 3 && leaf === 'reply') return adaptReply(idPart, json, ctx);
      if (section === 'actions' && parts.length === 2) return adaptAction(idPart, json, ctx);
      if ((section === 'kiosks' || section === 'cameras') && parts.length === 3 && leaf === 'status') return adaptStatus(section, idPart, json, ctx);
      return reject('unknown_topic', `no handler for ${topic.slice(0, 120)}`);
    },
  };
}

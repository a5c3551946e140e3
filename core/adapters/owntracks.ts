// OwnTracks (iOS / Android) in MQTT mode: owntracks/<user>/<device> carries `location` and `lwt`,
// owntracks/<user>/<device>/event carries `transition` (enter/leave a region, with the position it fired at).
// Payload reference: owntracks booklet, docs/tech/json.md. See docs/adapters.md for the mapping.
import { z } from 'zod';
import { UNIT_KINDS, type UnitFix } from '../domain.js';
import { accept, type AdaptContext, type AdaptOutcome, type Adapter, isRecord, MAX_ID_LENGTH, readPosition, readTimestamp, plausibleSpeed, reject, schemaRejection } from './common.js';

export interface OwnTracksAdapterOptions {
  /** base topic the apps publish under (the app's `pubTopicBase` minus `/%u/%d`); default `owntracks` */
  topicPrefix?: string;
}

const SOURCE = 'owntracks';

/** `_type`s the apps legitimately send that say nothing about where a unit is: accepted, no events. */
const IGNORED_TYPES = new Set([
  'waypoint',
  'waypoints',
  'card',
  'cmd',
  'status',
  'steps',
  'beacon',
  'encrypted',
  'configuration',
  'dump',
  'request',
]);

// Coordinates and times stay `unknown` here: readPosition / readTimestamp judge them so that their
// rejection reasons (bad_coordinates, bad_timestamp, future_timestamp) are the same for every adapter.
// Fields we use are typed strictly; `null` is read as absent; anything else is stripped.
const locationSchema = z.object({
  lat: z.unknown().optional(),
  lon: z.unknown().optional(),
  tst: z.unknown().optional(),
  acc: z.number().nullish(),
  batt: z.number().nullish(),
  cog: z.number().nullish(),
  vel: z.number().nullish(),
  tid: z.string().nullish(),
});

type LocationLike = z.infer<typeof locationSchema>;



export function createOwnTracksAdapter(opts: OwnTracksAdapterOptions = {}): Adapter {
  const prefix = (opts.topicPrefix ?? 'owntracks').replace(/\/+$/, '');
  const startsWith = `${prefix}/`;

  /** `<prefix>/<user>/<device>` or `<prefix>/<user>/<device>/event`; undefined for anything else. */
  function parseTopic(topic: string): { user: string; device: string } | undefined {
    if (!topic.startsWith(startsWith)) return undefined;
    const rest = topic.slice(startsWith.length).split('/');
    if (rest.length !== 2 && !(rest.length === 3 && rest[2] === 'event')) return undefined;
    const [user, device] = rest;
    if (!user || !device) return undefined;
    return { user, device };
  }

  function fixFrom(m: LocationLike, user: string, id: string, ctx: AdaptContext): AdaptOutcome {
    const ts = readTimestamp(m.tst, ctx, 's');
    if (!ts.ok) return ts;
    const pos = readPosition(m.lat, m.lon, undefined, SOURCE, ctx);
    if (!pos.ok) return pos;
    const kind = ctx.unitKindFor(SOURCE, user);
    if (!(UNIT_KINDS as readonly string[]).includes(kind)) {
      return reject('unknown_kind', `unit kind "${String(kind).slice(0, 40)}" configured for owntracks user ${user.slice(0, 40)} is not a unit kind`);
    }
    const fix: UnitFix = { id, ts: ts.ts, lat: pos.lat, lon: pos.lon, kind, name: m.tid || user };
    // The apps leave out acc/cog/vel when zero; iOS may send -1 for "unknown": both read as absent.
    if (m.cog != null && m.cog >= 0 && m.cog <= 360) fix.heading = m.cog % 360;
    if (m.vel != null) fix.speed = plausibleSpeed(m.vel / 3.6); // km/h → m/s
    if (m.acc != null && m.acc >= 0) fix.accuracy = m.acc;
    if (m.batt != null && m.batt >= 0 && m.batt <= 100) fix.battery = m.batt;
    return accept({ type: 'unitFix', source: SOURCE, fix });
  }

  function adapt(topic: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    const t = parseTopic(topic);
    if (!t) return reject('unknown_topic', `not an OwnTracks topic ${prefix}/<user>/<device>[/event]: ${topic.slice(0, 120)}`);
    const id = `${SOURCE}:${t.user}:${t.device}`;
    if (id.length > MAX_ID_LENGTH) return reject('unknown_topic', `user/device in topic too long for a ${MAX_ID_LENGTH}-char unit id`);
    if (!isRecord(json)) return reject('schema', 'OwnTracks payload is not a JSON object');
    const type = json._type;
    if (typeof type !== 'string') return reject('schema', 'OwnTracks payload has no string _type');

    switch (type) {
      case 'location': {
        const parsed = locationSchema.safeParse(json);
        if (!parsed.success) return schemaRejection(parsed.error, 'location');
        return fixFrom(parsed.data, t.user, id, ctx);
      }
      case 'transition': {
        // A transition is a real position report (where the device was when it entered/left a region).
        // lat/lon are optional in the spec: without them there is nothing to place.
        const parsed = locationSchema.safeParse(json);
        if (!parsed.success) return schemaRejection(parsed.error, 'transition');
        if (parsed.data.lat == null && parsed.data.lon == null) return accept();
        return fixFrom(parsed.data, t.user, id, ctx);
      }
      case 'lwt':
        // Published by the broker when the app drops off. Its tst is when the app first connected,
        // not when it dropped: the receive time is the best we know.
        return accept({ type: 'unitOffline', source: SOURCE, id, ts: ctx.receivedAt });
      default:
        if (IGNORED_TYPES.has(type)) return accept();
        return reject('schema', `unknown OwnTracks _type "${type.slice(0, 40)}"`);
    }
  }

  return {
    name: SOURCE,
    filters: [`${prefix}/+/+`, `${prefix}/+/+/event`],
    matches: (topic) => topic.startsWith(startsWith),
    adapt(topic, json, ctx) {
      try {
        return adapt(topic, json, ctx);
      } catch (e) {
        // Never throw: a bug or a throwing context callback becomes a rejection.
        return reject('schema', `owntracks adapter failed: ${String((e as Error)?.message ?? e).slice(0, 120)}`);
      }
    },
  };
}

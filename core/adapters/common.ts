// The contract every adapter keeps, and the checks they share.
// An adapter is a pure function from (topic, parsed JSON, context) to events or one rejection.
import type { Datum, RejectReason } from '../domain.js';
import { convertDatum, parseDatum } from '../geo/datum.js';
import type { IngestEvent } from '../inputs.js';

export type AdaptOutcome = { ok: true; events: IngestEvent[] } | { ok: false; reason: RejectReason; message: string };

export interface AdaptContext {
  /** receive time, epoch ms: the reference for "too far in the future" */
  receivedAt: number;
  mapDatum: Datum;
  /** datum a source sends in when its messages do not say (config `sources.<name>.datum`) */
  sourceDatum(source: string): Datum;
  /** how far ahead of receive time a timestamp may be (clock skew) */
  maxFutureSkewMs: number;
  /** Frigate camera name → registry camera id (identity when absent) */
  cameraAlias(name: string): string | undefined;
  /** registry lookup so device-based adapters can place what they report */
  cameraPosition(id: string): { lat: number; lon: number } | undefined;
  /** the configured unit kind for a Traccar device category or an OwnTracks user */
  unitKindFor(source: string, hint?: string): import('../domain.js').UnitKind;
}

export interface Adapter {
  readonly name: string;
  /** MQTT subscription filters this adapter needs, given its configured topics */
  readonly filters: readonly string[];
  matches(topic: string): boolean;
  adapt(topic: string, json: unknown, ctx: AdaptContext): AdaptOutcome;
}

export const reject = (reason: RejectReason, message: string): AdaptOutcome => ({ ok: false, reason, message });
export const accept = (...events: IngestEvent[]): AdaptOutcome => ({ ok: true, events });

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const EARLIEST_TS = Date.UTC(2000, 0, 1);
const LATEST_SECONDS_TS = Date.UTC(2100, 0, 1);

/**
 * Reads a timestamp given as ISO-8601 with an offset, epoch milliseconds, or (with `unit: 's'`) epoch seconds.
 * ISO strings without an offset are refused: their zone would be a guess.
 */
export function readTimestamp(
  value: unknown,
  ctx: Pick<AdaptContext, 'receivedAt' | 'maxFutureSkewMs'>,
  unit: 'ms' | 's' = 'ms',
): { ok: true; ts: number } | { ok: false; reason: RejectReason; message: string } {
  let ts: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'bad_timestamp', message: 'timestamp is not a finite number' };
    ts = unit === 's' ? value * 1000 : value;
  } else if (typeof value === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
      return { ok: false, reason: 'bad_timestamp', message: `timestamp "${value.slice(0, 40)}" is not ISO-8601 with an offset` };
    }
    ts = Date.parse(value);
    if (Number.isNaN(ts)) return { ok: false, reason: 'bad_timestamp', message: `timestamp "${value.slice(0, 40)}" does not parse` };
  } else {
    return { ok: false, reason: 'bad_timestamp', message: 'timestamp missing or not a string/number' };
  }
  if (ts < EARLIEST_TS) {
    // a number that reads as a date in seconds was likely sent as one; anything else (GPS epoch
    // 1980-01-06, 1970) is a device that has no time yet
    const looksLikeSeconds = typeof value === 'number' && unit === 'ms' && value * 1000 >= EARLIEST_TS && value * 1000 <= LATEST_SECONDS_TS;
    const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value);
    return { ok: false, reason: 'bad_timestamp', message: `timestamp ${shown} is before 2000${looksLikeSeconds ? ' (seconds sent as milliseconds?)' : ' (a device without a clock or fix yet)'}` };
  }
  if (ts > ctx.receivedAt + ctx.maxFutureSkewMs) {
    return { ok: false, reason: 'future_timestamp', message: `timestamp is ${Math.round((ts - ctx.receivedAt) / 1000)} s in the future` };
  }
  return { ok: true, ts };
}

/**
 * Validates a position and converts it into the map datum.
 * `crs` is a per-message override; otherwise the source's configured datum applies.
 */
export function readPosition(
  lat: unknown,
  lon: unknown,
  crs: unknown,
  source: string,
  ctx: Pick<AdaptContext, 'mapDatum' | 'sourceDatum'>,
): { ok: true; lat: number; lon: number } | { ok: false; reason: RejectReason; message: string } {
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return { ok: false, reason: 'bad_coordinates', message: 'lat/lon missing or not finite numbers' };
  }
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    return { ok: false, reason: 'bad_coordinates', message: `lat/lon out of range (${lat}, ${lon})` };
  }
  if (lat === 0 && lon === 0) return { ok: false, reason: 'bad_coordinates', message: 'position 0,0 (no fix)' };
  let from: Datum;
  if (crs === undefined || crs === null) from = ctx.sourceDatum(source);
  else {
    const parsed = typeof crs === 'string' ? parseDatum(crs) : undefined;
    if (!parsed) return { ok: false, reason: 'schema', message: `unknown crs ${JSON.stringify(crs).slice(0, 40)}` };
    from = parsed;
  }
  const [x, y] = convertDatum(lon, lat, from, ctx.mapDatum);
  return { ok: true, lat: round6(y), lon: round6(x) };
}

/** Six decimals is about 0.1 m: finer is noise and makes diffs look like changes. */
export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** One rejection from zod's issues: the first issue's path and message, and how many more there were. */
export function schemaRejection(error: import('zod').ZodError, what?: string): AdaptOutcome {
  const first = error.issues[0];
  const path = first?.path.map(String).join('.') || '(root)';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return reject('schema', `${what ? `${what}: ` : ''}${path}: ${first?.message ?? 'invalid'}${more}`);
}

/** Millimetre-per-second precision for converted speeds. */
export const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Fastest speed kept, m/s (the native schema's limit): beyond it a sensor is wrong, not fast. */
export const MAX_SPEED_MS = 200;

/** A converted speed in m/s, or undefined when it is not a plausible one (the fix itself still counts). */
export function plausibleSpeed(metresPerSecond: number): number | undefined {
  return Number.isFinite(metresPerSecond) && metresPerSecond >= 0 && metresPerSecond <= MAX_SPEED_MS ? round3(metresPerSecond) : undefined;
}

/** Ids are at most 128 chars in the public contract. */
export const MAX_ID_LENGTH = 128;

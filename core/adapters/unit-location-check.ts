// The unit-location schema written out by hand, for the one topic that carries tens of thousands
// of messages a second. zod stays the contract (docs/schemas, error messages): this check only
// answers "valid as it stands?", and anything it does not accept goes through zod, which then
// accepts it or says why not. A property test holds the two to the same verdicts.
import { UNIT_KINDS, UNIT_STATUSES } from '../domain.js';
import type { UnitLocationMessage } from './native-schemas.js';

const KINDS: ReadonlySet<unknown> = new Set(UNIT_KINDS);
const STATUSES: ReadonlySet<unknown> = new Set(UNIT_STATUSES);

const optNumber = (v: unknown, min: number, max: number): boolean =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max);

/** The message itself when it satisfies `unitLocationSchema`, else undefined (ask zod). */
export function checkUnitLocation(json: unknown): UnitLocationMessage | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const m = json as Record<string, unknown>;
  const { id, ts, lat, lon, kind, name, status, crs } = m;
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
  if (typeof ts === 'number' ? !Number.isFinite(ts) : typeof ts !== 'string' || ts.length > 64) return undefined;
  if (typeof lat !== 'number' || !Number.isFinite(lat) || typeof lon !== 'number' || !Number.isFinite(lon)) return undefined;
  if (!KINDS.has(kind)) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > 200)) return undefined;
  if (!optNumber(m.heading, 0, 360) || !optNumber(m.speed, 0, 200) || !optNumber(m.accuracy, 0, Infinity) || !optNumber(m.battery, 0, 100)) return undefined;
  if (status !== undefined && !STATUSES.has(status)) return undefined;
  if (crs !== undefined && (typeof crs !== 'string' || crs.length > 16)) return undefined;
  return m as UnitLocationMessage;
}

// Registry files (cameras, kiosks, places): validated entry by entry, so one bad line skips that
// entry with a reason instead of losing the whole file.
import { z } from 'zod';
import { DATUMS, type Datum } from './domain.js';
import { GENERATED_PLACE_ID, type Place } from './places.js';
import { convertDatum } from './geo/datum.js';
import { round6 } from './adapters/common.js';
import type { ReferenceData } from './situation/situation.js';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

export const cameraEntrySchema = z.looseObject({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(200),
  lat,
  lon,
  bearing: z.number().min(0).max(360).optional(),
  fov: z.number().min(1).max(360).optional(),
  hls: z.string().max(2048).optional(),
  recording: z.string().max(2048).optional(),
  priority: z.number().optional(),
  datum: z.enum(DATUMS).optional(),
});

export const kioskEntrySchema = z.looseObject({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(200),
  lat,
  lon,
  cameraId: z.string().max(128).optional(),
  datum: z.enum(DATUMS).optional(),
});

export interface Skipped {
  index: number;
  reason: string;
}

/** A registry file's entries: the file is a bare array, or an object holding one under `key`. */
function entriesOf(json: unknown, key: string): unknown[] | string {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key])) return (json as Record<string, unknown[]>)[key];
  return `expected an array or an object with a "${key}" array`;
}

/** Why an entry was refused: its first problem, with the field's path (`lat: Too big…`). */
function issueReason(error: z.ZodError): string {
  const i = error.issues[0];
  return `${i?.path.join('.') || '(entry)'}: ${i?.message}`;
}

function parseEntries<S extends z.ZodType<{ id: string; lat: number; lon: number; datum?: Datum }>>(
  json: unknown,
  key: string,
  schema: S,
  mapDatum: Datum,
): { ok: true; items: z.infer<S>[]; skipped: Skipped[] } | { ok: false; error: string } {
  const entries = entriesOf(json, key);
  if (typeof entries === 'string') return { ok: false, error: entries };
  const items: z.infer<S>[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      skipped.push({ index, reason: issueReason(parsed.error) });
      return;
    }
    const item = parsed.data;
    if (seen.has(item.id)) {
      skipped.push({ index, reason: `duplicate id ${item.id}` });
      return;
    }
    seen.add(item.id);
    const [x, y] = convertDatum(item.lon, item.lat, item.datum ?? mapDatum, mapDatum);
    items.push({ ...item, lon: round6(x), lat: round6(y) });
  });
  return { ok: true, items, skipped };
}

export function parseCameras(json: unknown, mapDatum: Datum) {
  return parseEntries(json, 'cameras', cameraEntrySchema, mapDatum);
}

export function parseKiosks(json: unknown, mapDatum: Datum) {
  return parseEntries(json, 'kiosks', kioskEntrySchema, mapDatum);
}

// ---- places: a gazetteer, so ids are optional and names may repeat

const text = z.string().trim().min(1).max(200);

export const placeEntrySchema = z.looseObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .refine((s) => !s.startsWith(GENERATED_PLACE_ID), `must not start with ${GENERATED_PLACE_ID}`)
    .optional(),
  name: text,
  aliases: z.array(text).max(32).optional(),
  kind: z.string().trim().min(1).max(40).optional(),
  lat,
  lon,
  datum: z.enum(DATUMS).optional(),
});

export type PlaceEntry = z.infer<typeof placeEntrySchema>;

export type PlacesParse = { ok: true; items: Place[]; skipped: Skipped[] } | { ok: false; error: string };

/**
 * A places file (an array, or `{ "places": [...] }`) in the map datum. Entries that fail are skipped
 * with their index and reason; an id seen before is skipped too (two landmarks may share a name,
 * never an id). An entry without an id gets `#<index>`, so every result can be told apart.
 */
export function parsePlaces(json: unknown, mapDatum: Datum): PlacesParse {
  const entries = entriesOf(json, 'places');
  if (typeof entries === 'string') return { ok: false, error: entries };
  const items: Place[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const parsed = placeEntrySchema.safeParse(entry);
    if (!parsed.success) {
      skipped.push({ index, reason: issueReason(parsed.error) });
      return;
    }
    const { id: ownId, name, aliases, kind, lat, lon, datum } = parsed.data;
    const id = ownId ?? `${GENERATED_PLACE_ID}${index}`;
    if (seen.has(id)) {
      skipped.push({ index, reason: `duplicate id ${id}` });
      return;
    }
    seen.add(id);
    const [x, y] = convertDatum(lon, lat, datum ?? mapDatum, mapDatum);
    items.push({ id, name, ...(aliases?.length ? { aliases } : {}), ...(kind ? { kind } : {}), lat: round6(y), lon: round6(x) });
  });
  return { ok: true, items, skipped };
}

export function toReferenceData(cameras: z.infer<typeof cameraEntrySchema>[], kiosks: z.infer<typeof kioskEntrySchema>[]): ReferenceData {
  return {
    cameras: cameras.map(({ id, name, lat, lon, bearing, fov, hls, recording, priority }) => ({ id, name, lat, lon, bearing, fov, hls, recording, priority })),
    kiosks: kiosks.map(({ id, name, lat, lon, cameraId }) => ({ id, name, lat, lon, cameraId })),
  };
}

// Registry files (cameras, kiosks): validated entry by entry, so one bad line skips that entry
// with a reason instead of losing the whole file.
import { z } from 'zod';
import { DATUMS, type Datum } from './domain.js';
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

function entriesOf(json: unknown, key: string): unknown[] | string {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key])) return (json as Record<string, unknown[]>)[key];
  return `expected an array or an object with a "${key}" array`;
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
      const i = parsed.error.issues[0];
      skipped.push({ index, reason: `${i?.path.join('.') || '(entry)'}: ${i?.message}` });
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

export function toReferenceData(cameras: z.infer<typeof cameraEntrySchema>[], kiosks: z.infer<typeof kioskEntrySchema>[]): ReferenceData {
  return {
    cameras: cameras.map(({ id, name, lat, lon, bearing, fov, hls, recording, priority }) => ({ id, name, lat, lon, bearing, fov, hls, recording, priority })),
    kiosks: kiosks.map(({ id, name, lat, lon, cameraId }) => ({ id, name, lat, lon, cameraId })),
  };
}

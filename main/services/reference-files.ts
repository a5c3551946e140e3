// Reads the reference files a wall is configured with (grids, cameras, kiosks, places), or the
// demo's generated ones. Each file is optional and none is fatal: a file that cannot be read or
// parsed, and every entry skipped, is listed in `errors` (health's referenceErrors) and the wall
// runs without it. The parsing itself is pure and lives in core.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WatchfloorConfig } from '../../core/config.js';
import type { Datum } from '../../core/domain.js';
import { type GridFeature, parseGridCollection } from '../../core/geo/grids.js';
import type { Place } from '../../core/places.js';
import { parseCameras, parseKiosks, parsePlaces } from '../../core/reference.js';
import type { Result } from '../../core/result.js';

/** Where the demo's generated registry and geography live (npm run build:data writes them). */
export function demoAssetPaths(appRoot: string) {
  const gen = resolve(appRoot, 'assets/generated');
  return {
    grids: resolve(gen, 'geo/fuzhou-grids.geojson'),
    cameras: resolve(gen, 'demo/cameras.json'),
    kiosks: resolve(gen, 'demo/kiosks.json'),
    places: resolve(gen, 'demo/places.json'),
  };
}

function readJson(path: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (e) {
    return { ok: false, error: `${path}: ${(e as Error).message}` };
  }
}

/** Registry loader: a parse of one reference file's JSON in the map datum. */
type RegistryParse<T> = (json: unknown, datum: Datum) => { ok: true; items: T[]; skipped: { index: number; reason: string }[] } | { ok: false; error: string };

/** What a registry parse gives for one entry. */
type RegistryItems<P extends (...a: never[]) => unknown> = Extract<ReturnType<P>, { ok: true }> extends { items: infer I } ? I : never;

export interface Reference {
  /** problems with the files: listed in health, never fatal */
  errors: string[];
  gridFeatures: GridFeature[];
  gridJson: unknown;
  cameras: RegistryItems<typeof parseCameras>;
  kiosks: RegistryItems<typeof parseKiosks>;
  places: Place[];
}

/** Reference data: grids, cameras, kiosks, places. Each file is optional; a broken one is reported and skipped. */
export function loadReference(config: Pick<WatchfloorConfig, 'reference' | 'demo' | 'mapDatum'>, baseDir: string, appRoot: string): Reference {
  const demoPaths = demoAssetPaths(appRoot);
  // a configured file is used (and its absence reported); else the demo's, when the demo runs and it was built
  const pathOf = (configured: string | undefined, demoDefault: string): string | undefined =>
    configured ? resolve(baseDir, configured) : config.demo && existsSync(demoDefault) ? demoDefault : undefined;
  const errors: string[] = [];
  const skippedNote = (path: string, skipped: { index: number; reason: string }[], what: string) =>
    skipped.length ? errors.push(`${path}: skipped ${skipped.length} ${what} (first: #${skipped[0].index} ${skipped[0].reason})`) : 0;
  let gridFeatures: GridFeature[] = [];
  let gridJson: unknown = null;
  const gridsPath = pathOf(config.reference.grids, demoPaths.grids);
  const gridsRead = gridsPath ? readJson(gridsPath) : null;
  if (gridsRead && !gridsRead.ok) errors.push(gridsRead.error);
  else if (gridsRead?.ok) {
    const parsed = parseGridCollection(gridsRead.value);
    if (!parsed.ok) errors.push(`${gridsPath}: ${parsed.error}`);
    else {
      gridFeatures = parsed.features;
      gridJson = { type: 'FeatureCollection', features: parsed.features };
      skippedNote(gridsPath!, parsed.skipped, 'features');
    }
  }
  const loadRegistry = <T>(path: string | undefined, parse: RegistryParse<T>): T[] => {
    if (!path) return [];
    const read = readJson(path);
    const parsed = read.ok ? parse(read.value, config.mapDatum) : null;
    if (!read.ok) errors.push(read.error);
    else if (parsed && !parsed.ok) errors.push(`${path}: ${parsed.error}`);
    if (!parsed?.ok) return [];
    skippedNote(path, parsed.skipped, 'entries');
    return parsed.items;
  };
  const cameras = loadRegistry(pathOf(config.reference.cameras, demoPaths.cameras), parseCameras);
  const kiosks = loadRegistry(pathOf(config.reference.kiosks, demoPaths.kiosks), parseKiosks);
  const places = loadRegistry(pathOf(config.reference.places, demoPaths.places), parsePlaces);
  return { errors, gridFeatures, gridJson, cameras, kiosks, places };
}

// Loads the generated demo data (npm run build:data) the simulator moves its actors around in.
import { existsSync, readFileSync } from 'node:fs';
import type { Datum } from '../../core/domain.js';
import { type GridFeature, parseGridCollection } from '../../core/geo/grids.js';
import { parseCameras, parseKiosks } from '../../core/reference.js';
import type { SimCamera, SimKiosk, SimPlace } from '../../core/demo/sim/kernel.js';
import { demoAssetPaths } from '../services/host.js';

export interface DemoAssets {
  grids: GridFeature[];
  kiosks: SimKiosk[];
  cameras: SimCamera[];
  places: Record<string, SimPlace>;
  /** problems that did not stop loading (skipped entries) */
  warnings: string[];
}

export type LoadResult = { ok: true; assets: DemoAssets } | { ok: false; error: string; missing: string[] };

const isPlace = (v: unknown): v is SimPlace => {
  const p = v as Partial<SimPlace> | null;
  return !!p && typeof p.name === 'string' && typeof p.lat === 'number' && typeof p.lon === 'number' && Number.isFinite(p.lat) && Number.isFinite(p.lon);
};

/**
 * Reads grids, kiosks, cameras and places from `assets/generated` under `appRoot`. Coordinates come
 * back in `mapDatum` (entries that name their own datum are converted), like the wall's registry.
 */
export function loadDemoAssets(appRoot: string, mapDatum: Datum = 'WGS84'): LoadResult {
  const paths = demoAssetPaths(appRoot);
  const missing = Object.values(paths).filter((p) => !existsSync(p));
  if (missing.length) return { ok: false, missing, error: `demo assets missing (run \`npm run build:data\`): ${missing.join(', ')}` };
  const warnings: string[] = [];
  try {
    const gridJson = JSON.parse(readFileSync(paths.grids, 'utf8'));
    const grids = parseGridCollection(gridJson);
    if (!grids.ok) return { ok: false, missing: [], error: `${paths.grids}: ${grids.error}` };
    if (grids.skipped.length) warnings.push(`${paths.grids}: skipped ${grids.skipped.length} features`);
    const kiosks = parseKiosks(JSON.parse(readFileSync(paths.kiosks, 'utf8')), mapDatum);
    if (!kiosks.ok) return { ok: false, missing: [], error: `${paths.kiosks}: ${kiosks.error}` };
    const cameras = parseCameras(JSON.parse(readFileSync(paths.cameras, 'utf8')), mapDatum);
    if (!cameras.ok) return { ok: false, missing: [], error: `${paths.cameras}: ${cameras.error}` };
    for (const [name, r] of [['kiosks', kiosks], ['cameras', cameras]] as const) {
      if (r.skipped.length) warnings.push(`${name}: skipped ${r.skipped.length} entries`);
    }
    const placesJson = JSON.parse(readFileSync(paths.places, 'utf8')) as Record<string, unknown>;
    const places: Record<string, SimPlace> = {};
    for (const [key, v] of Object.entries(placesJson ?? {})) {
      if (isPlace(v)) places[key] = { name: v.name, lat: v.lat, lon: v.lon };
      else warnings.push(`places: skipped ${key}`);
    }
    return {
      ok: true,
      assets: {
        grids: grids.features,
        kiosks: kiosks.items.map(({ id, name, lat, lon, cameraId }) => ({ id, name, lat, lon, cameraId })),
        cameras: cameras.items.map(({ id, name, lat, lon }) => ({ id, name, lat, lon })),
        places,
        warnings,
      },
    };
  } catch (e) {
    return { ok: false, missing: [], error: `demo assets unreadable: ${(e as Error).message}` };
  }
}

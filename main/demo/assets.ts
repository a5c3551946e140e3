// Loads the generated demo data (npm run build:data) the simulator moves its actors around in.
import { existsSync, readFileSync } from 'node:fs';
import type { Datum } from '../../core/domain.js';
import { type GridFeature, parseGridCollection } from '../../core/geo/grids.js';
import { parseCameras, parseKiosks, parsePlaces } from '../../core/reference.js';
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
    // the wall's places registry: stories find their spots in it by id (`wanda`)
    const placeList = parsePlaces(JSON.parse(readFileSync(paths.places, 'utf8')), mapDatum);
    if (!placeList.ok) return { ok: false, missing: [], error: `${paths.places}: ${placeList.error}` };
    for (const [name, r] of [['kiosks', kiosks], ['cameras', cameras], ['places', placeList]] as const) {
      if (r.skipped.length) warnings.push(`${name}: skipped ${r.skipped.length} entries`);
    }
    const places: Record<string, SimPlace> = {};
    for (const { id, name, lat, lon } of placeList.items) places[id] = { name, lat, lon };
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

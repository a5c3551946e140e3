// Shared by the simulator's unit and integration tests: a small synthetic Fuzhou fixture, the real
// generated demo assets when present, and an ingest + situation built the way main/services/host.ts
// builds them, to check that simulated messages are accepted.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdapters } from '../../../core/adapters/index.js';
import { adaptContextFor } from '../../../core/adapters/context.js';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import { GridIndex } from '../../../core/geo/grid-index.js';
import type { GridFeature } from '../../../core/geo/grids.js';
import type { GridLevel } from '../../../core/domain.js';
import { createIngest } from '../../../core/ingest/pipeline.js';
import { toReferenceData } from '../../../core/reference.js';
import { apply, createSituation, type SituationState } from '../../../core/situation/situation.js';
import type { SimCamera, SimKiosk, SimMessage, SimPlace } from '../../../core/demo/sim/kernel.js';
import { demoAssetPaths } from '../../../main/services/host.js';
import { type DemoAssets, loadDemoAssets } from '../../../main/demo/assets.js';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
export const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);

// ---- synthetic fixture: a 6 × 3 lattice of ~360 m cells around Cangshan Wanda Plaza ----
const LON0 = 119.275;
const LAT0 = 26.035;
const DLON = 0.0036;
const DLAT = 0.0033;
const v = (i: number, j: number): [number, number] => [Math.round((LON0 + i * DLON) * 1e6) / 1e6, Math.round((LAT0 + j * DLAT) * 1e6) / 1e6];
const ring = (...ij: [number, number][]): [number, number][] => [...ij.map(([i, j]) => v(i, j)), v(ij[0][0], ij[0][1])];

function feature(level: GridLevel, ids: string[], names: string[], coords: [number, number][]): GridFeature {
  return {
    type: 'Feature',
    properties: { id: ids[ids.length - 1], name: names[names.length - 1], level, parentId: ids.length > 1 ? ids[ids.length - 2] : null, ids, names },
    geometry: { type: 'Polygon', coordinates: [coords] },
  };
}

const CITY = ['350100', '福州市'];
const DIST = ['350104', '仓山区'];
const whole = ring([0, 0], [6, 0], [6, 3], [0, 3]);

/** City, district, two streets (金山街道, 仓前街道), a community each, five grids: two L-shaped (concave). */
export const FIXTURE_GRIDS: GridFeature[] = [
  feature('city', [CITY[0]], [CITY[1]], whole),
  feature('district', [CITY[0], DIST[0]], [CITY[1], DIST[1]], whole),
  feature('street', [CITY[0], DIST[0], 'S1'], [CITY[1], DIST[1], '金山街道'], ring([0, 0], [3, 0], [3, 3], [0, 3])),
  feature('street', [CITY[0], DIST[0], 'S2'], [CITY[1], DIST[1], '仓前街道'], ring([3, 0], [6, 0], [6, 3], [3, 3])),
  feature('community', [CITY[0], DIST[0], 'S1', 'S1C1'], [CITY[1], DIST[1], '金山街道', '湾边社区'], ring([0, 0], [3, 0], [3, 3], [0, 3])),
  feature('community', [CITY[0], DIST[0], 'S2', 'S2C1'], [CITY[1], DIST[1], '仓前街道', '梅坞社区'], ring([3, 0], [6, 0], [6, 3], [3, 3])),
  feature('grid', [CITY[0], DIST[0], 'S1', 'S1C1', 'G-A'], [CITY[1], DIST[1], '金山街道', '湾边社区', '湾边第1网格'], ring([0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2])),
  feature('grid', [CITY[0], DIST[0], 'S1', 'S1C1', 'G-B'], [CITY[1], DIST[1], '金山街道', '湾边社区', '湾边第2网格'], ring([2, 0], [3, 0], [3, 2], [1, 2], [1, 1], [2, 1])),
  feature('grid', [CITY[0], DIST[0], 'S1', 'S1C1', 'G-C'], [CITY[1], DIST[1], '金山街道', '湾边社区', '湾边第3网格'], ring([0, 2], [3, 2], [3, 3], [0, 3])),
  feature('grid', [CITY[0], DIST[0], 'S2', 'S2C1', 'G-D'], [CITY[1], DIST[1], '仓前街道', '梅坞社区', '梅坞第1网格'], ring([3, 0], [6, 0], [6, 2], [3, 2])),
  feature('grid', [CITY[0], DIST[0], 'S2', 'S2C1', 'G-E'], [CITY[1], DIST[1], '仓前街道', '梅坞社区', '梅坞第2网格'], ring([3, 2], [6, 2], [6, 3], [3, 3])),
];

export const FIXTURE_CAMERAS: SimCamera[] = [
  { id: 'C1', name: '万达广场北门球机', lat: 26.0431, lon: 119.2829 },
  { id: 'C2', name: '万达广场南门枪机', lat: 26.0418, lon: 119.2822 },
  { id: 'C3', name: '金山大道路口球机', lat: 26.0402, lon: 119.2795 },
  { id: 'C4', name: '浦上大道路口球机', lat: 26.0385, lon: 119.2901 },
  { id: 'C5', name: '梅坞小学正门球机', lat: 26.0375, lon: 119.2935 },
];

export const FIXTURE_KIOSKS: SimKiosk[] = [
  { id: 'K1', name: '仓山区梅坞小学正门一键报警柱', lat: 26.0376, lon: 119.2934, cameraId: 'C5' },
  { id: 'K2', name: '仓山区金山小学北门一键报警柱', lat: 26.0392, lon: 119.2805 },
  { id: 'K3', name: '仓山区湾边中学东门一键报警柱', lat: 26.0361, lon: 119.2788 },
];

export const FIXTURE_PLACES: Record<string, SimPlace> = {
  wanda: { name: '仓山万达广场', lat: 26.0425, lon: 119.2826 },
  pushang: { name: '浦上大道', lat: 26.0385, lon: 119.29 },
};

export const FIXTURE: DemoAssets = { grids: FIXTURE_GRIDS, kiosks: FIXTURE_KIOSKS, cameras: FIXTURE_CAMERAS, places: FIXTURE_PLACES, warnings: [] };

/** The generated demo assets (npm run build:data), or undefined when they are not there. */
export function realAssets(): DemoAssets | undefined {
  if (!Object.values(demoAssetPaths(REPO_ROOT)).every((p) => existsSync(p))) return undefined;
  const loaded = loadDemoAssets(REPO_ROOT);
  return loaded.ok ? loaded.assets : undefined;
}

// ---- the wall's ingest path, assembled as the host assembles it ----

export interface WallModel {
  config: WatchfloorConfig;
  state: SituationState;
  /** feeds one MQTT message (as the broker delivers it) to ingest + situation */
  receive(topic: string, payload: string | Uint8Array, receivedAt: number): void;
}

export function wallModel(assets: DemoAssets, configJson: unknown = {}): WallModel {
  const parsed = parseConfig(configJson);
  if (!parsed.ok) throw new Error(parsed.error);
  const config = parsed.value;
  const gridIndex = new GridIndex(assets.grids);
  const state = createSituation(
    toReferenceData(
      assets.cameras.map((c) => ({ ...c })),
      assets.kiosks.map((k) => ({ ...k })),
    ),
    (lon, lat) => gridIndex.locate(lon, lat),
    {
      staleAfterMs: config.situation.staleAfterMs,
      trailLength: config.situation.trailLength,
      rejectsKept: config.situation.rejectsKept,
      closedRetentionMs: config.situation.closedRetentionMs,
    },
  );
  const ctx = adaptContextFor(config, (id) => {
    const c = state.cameras.get(id);
    return c ? { lat: c.lat, lon: c.lon } : undefined;
  });
  const ingest = createIngest(buildAdapters(config), ctx, { maxPayloadBytes: config.limits.maxPayloadBytes });
  const enc = new TextEncoder();
  return {
    config,
    state,
    receive(topic, payload, receivedAt) {
      apply(state, ingest(topic, typeof payload === 'string' ? enc.encode(payload) : payload, receivedAt));
    },
  };
}

/** Feeds simulated messages to a wall model, each received at its own timestamp (+ `lagMs`). */
export function feed(wall: WallModel, messages: readonly SimMessage[], lagMs = 5): void {
  for (const m of messages) wall.receive(m.topic, JSON.stringify(m.payload), (m.payload.ts as number) + lagMs);
}

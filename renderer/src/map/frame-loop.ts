// From the model to the two canvases, outside React: at most every FRAME_MS (and at once when
// alarms or the operator's choices change), decide what each canvas depends on, and hand new
// layers only to a canvas whose inputs changed or that animates. Units move at the pace the redraw
// budget allows; everything about alarms is drawn when it happens.
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { Incident, IncidentKind } from '../../../core/domain';
import type { Cluster } from '../model/cluster';
import { gridFillOf } from '../model/selectors';
import { buildTrailSegments, type TrailSegments } from '../model/units';
import type { WallState, WallStore } from '../state/store';
import type { IconAtlas } from './icons';
import { buildLayers, type GridLayerInput, type LayerMemo, type MapViewInfo } from './layers';
import type { Overlays } from './overlays';
import type { RedrawBudget } from './redrawBudget';

export const FRAME_MS = 100;
const TRAIL_REBUILD_MS = 500;

export interface FrameLoopDeps {
  store: WallStore;
  map: MaplibreMap;
  overlays: Overlays;
  budget: RedrawBudget;
  memo: LayerMemo;
  /** 1 at 1920 px wide, 2 at 3840 */
  scale: number;
  icons: IconAtlas | null;
  kindLabel: (k: IncidentKind) => string;
  language: () => string;
  onPickIncident: (id: string) => void;
  onPickCluster: (c: Cluster<Incident>) => void;
  onPickGrid: (id: string, at?: { x: number; y: number }) => void;
}

export interface FrameLoop {
  /** draws what changed since the last frame */
  frame(): void;
  /** forgets what the canvases hold (they were made anew) */
  reset(): void;
}

/** The map's view as the layers need it: zoom, size, projection and a key that changes with it. */
export function viewOf(map: MaplibreMap): MapViewInfo {
  const canvas = map.getCanvas();
  const center = map.getCenter();
  const zoom = map.getZoom();
  return {
    zoom,
    width: canvas.clientWidth,
    height: canvas.clientHeight,
    project: (lon, lat) => {
      const p = map.project([lon, lat]);
      return [p.x, p.y];
    },
    key: `${center.lng.toFixed(6)},${center.lat.toFixed(6)},${zoom.toFixed(4)},${canvas.clientWidth}x${canvas.clientHeight}`,
  };
}

/** Something on the map animates: an unacknowledged alarm pulses, an SOS kiosk flashes, a search ring breathes. */
function animating(s: WallState): boolean {
  for (const inc of s.incidents.values()) if (inc.status === 'open' && !inc.acknowledged) return true;
  for (const k of s.kiosks.values()) if (k.sos) return true;
  return !!s.highlight && s.highlight.kind !== 'grid' && s.highlight.kind !== 'incident';
}

export function createFrameLoop(d: FrameLoopDeps): FrameLoop {
  let trails: TrailSegments | null = null;
  // the unit table version the units layer was last given
  let unitsShown = -1;
  let shownCount = -1;
  let lastDrawAt = 0;
  let trailsBuiltAt = 0;
  let trailsVersion = -1;
  let trailsShowOffline = false;
  let lastKey = '';
  let lastRefs: unknown[] = [];
  let lastAlertKey = '';
  let lastAlertRefs: unknown[] = [];

  /** units: new positions when a routine redraw is due, at once when units came or went */
  const takeUnits = (s: WallState, due: boolean) => {
    const countChanged = s.units.count !== shownCount;
    if (unitsShown !== s.unitsVersion && (due || countChanged)) {
      unitsShown = s.unitsVersion;
      shownCount = s.units.count;
    }
    return countChanged;
  };

  const takeTrails = (s: WallState, now: number, interval: number, countChanged: boolean) => {
    if (!s.layers.units || !s.layers.trails) return;
    const stale = trailsVersion !== unitsShown || trailsShowOffline !== s.layers.offlineUnits;
    if (stale && (trails === null || countChanged || now - trailsBuiltAt >= Math.max(TRAIL_REBUILD_MS, 2 * interval))) {
      trails = buildTrailSegments(s.units, { showOffline: s.layers.offlineUnits });
      trailsVersion = unitsShown;
      trailsShowOffline = s.layers.offlineUnits;
      trailsBuiltAt = now;
    }
  };

  const frame = () => {
    if (!d.overlays.ready()) return;
    const s = d.store.getState();
    const now = Date.now();
    const time = performance.now();
    const interval = d.budget.intervalMs();
    const due = time - lastDrawAt >= interval;
    takeTrails(s, now, interval, takeUnits(s, due));
    const view = viewOf(d.map);
    // the grid fill: the level that fits the zoom, its figures and classes (the model's, the legend's)
    const filled = gridFillOf(s, now);
    const grid: GridLayerInput | null = filled ? { catalog: filled.catalog, level: filled.level, values: filled.counts, breaks: filled.breaks, version: filled.version, selectedId: s.selectedGridId } : null;
    const language = d.language();
    // what each canvas depends on; one repaints without the other
    const key = [unitsShown, trailsVersion, language, view.key, grid?.version, s.selectedGridId].join('|');
    const refs = [s.kiosks, s.cameras, s.layers, s.highlight];
    const alertKey = [s.selectedId, language, Math.floor(now / 60_000), view.key].join('|');
    const alertRefs = [s.incidents, s.kiosks, s.layers, s.highlight];
    const baseChanged = key !== lastKey || !refs.every((r, i) => r === lastRefs[i]);
    const alertsChanged = alertKey !== lastAlertKey || !alertRefs.every((r, i) => r === lastAlertRefs[i]);
    // nothing changed and no animation due: no redraw
    const pulse = due && animating(s);
    if (!baseChanged && !alertsChanged && !pulse) return;
    const { base, alerts } = buildLayers(
      {
        incidents: s.incidents,
        kiosks: s.kiosks,
        cameras: s.cameras,
        units: s.units,
        unitsVersion: unitsShown,
        trails,
        layers: s.layers,
        selectedId: s.selectedId,
        now,
        time,
        scale: d.scale,
        kindLabel: d.kindLabel,
        language,
        icons: d.icons,
        onPickIncident: d.onPickIncident,
        view,
        grid,
        highlight: s.highlight,
        onPickCluster: d.onPickCluster,
        onPickGrid: d.onPickGrid,
      },
      d.memo,
    );
    // a new layer list always repaints its canvas: hand each only what changed
    if (baseChanged) {
      lastKey = key;
      lastRefs = refs;
      lastDrawAt = time;
      d.overlays.setBase(base);
    }
    if (alertsChanged || pulse) {
      lastAlertKey = alertKey;
      lastAlertRefs = alertRefs;
      if (!baseChanged) lastDrawAt = time;
      d.overlays.setAlerts(alerts);
    }
  };

  return {
    frame,
    reset() {
      lastKey = '';
      lastRefs = [];
      lastAlertKey = '';
      lastAlertRefs = [];
    },
  };
}

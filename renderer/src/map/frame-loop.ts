// From the model to the two canvases, outside React: at most every FRAME_MS (and at once when
// alarms or the operator's choices change), decide what each canvas depends on, and hand new
// layers only to a canvas whose inputs changed or that animates. Units move at the pace the redraw
// budget allows; everything about alarms is drawn when it happens. The alarm lane: when alarms
// changed, the alert canvas draws alone first and what the base canvas owes at once (an SOS
// kiosk's new state) follows once it has drawn; the grid fill's figures and the units follow with
// routine redraws, held back for a quiet moment after an alarm — on a software renderer a 4K base
// redraw can cost most of a second, and the next marker must not wait for it.
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { Incident, IncidentKind } from '../../../core/domain';
import type { Cluster } from '../model/cluster';
import { wallClock } from '../model/replay';
import { gridFillOf } from '../model/selectors';
import { buildTrailSegments, type TrailSegments } from '../model/units';
import type { WallState, WallStore } from '../state/store';
import type { IconAtlas } from './icons';
import { hasUnitsComing } from './layers/responders';
import { buildLayers, type GridLayerInput, type LayerMemo, type MapViewInfo } from './layers';
import type { Overlays } from './overlays';
import type { RedrawBudget } from './redrawBudget';

export const FRAME_MS = 100;
const TRAIL_REBUILD_MS = 500;
/** the base canvas waits for an alarm's drawing at most this long (a lost frame must not stall it) */
export const ALERT_FIRST_MS = 1000;
/**
 * After an alarm was drawn, routine base redraws (units moving) wait this long — the next alarm of
 * a burst should not find the renderer busy with units — but never beyond twice their interval.
 */
export const ALARM_QUIET_MS = 1000;

export interface FrameLoopDeps {
  store: WallStore;
  map: MaplibreMap;
  size: MapSize;
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
  onPickCamera: (id: string) => void;
}

export interface FrameLoop {
  /** draws what changed since the last frame */
  frame(): void;
  /** forgets what the canvases hold (they were made anew) */
  reset(): void;
}

/** The map's size in CSS pixels, kept from its resize events: reading it from the DOM each frame would force a layout. */
export interface MapSize {
  width: number;
  height: number;
}

export function trackMapSize(map: MaplibreMap): { size: MapSize; stop(): void } {
  const read = () => {
    const canvas = map.getCanvas();
    size.width = canvas.clientWidth;
    size.height = canvas.clientHeight;
  };
  const size: MapSize = { width: 0, height: 0 };
  read();
  map.on('resize', read);
  return { size, stop: () => map.off('resize', read) };
}

/** The map's view as the layers need it: zoom, size, projection and a key that changes with it. */
export function viewOf(map: MaplibreMap, size: MapSize): MapViewInfo {
  const center = map.getCenter();
  const zoom = map.getZoom();
  return {
    zoom,
    width: size.width,
    height: size.height,
    project: (lon, lat) => {
      const p = map.project([lon, lat]);
      return [p.x, p.y];
    },
    key: `${center.lng.toFixed(6)},${center.lat.toFixed(6)},${zoom.toFixed(4)},${size.width}x${size.height}`,
  };
}

/** Something on the map animates: an unacknowledged alarm pulses, an SOS kiosk flashes, a search ring breathes. */
function animating(s: WallState): boolean {
  for (const inc of s.incidents.values()) if (inc.status === 'open' && !inc.acknowledged) return true;
  for (const k of s.kiosks.values()) if (k.sos) return true;
  return !!s.highlight && s.highlight.kind !== 'grid' && s.highlight.kind !== 'incident';
}

/** What one canvas last drew from: a key of plain values and the model parts it holds by identity. */
class DrawnFrom {
  private key = '';
  private refs: unknown[] = [];
  differs(key: string, refs: unknown[]): boolean {
    return key !== this.key || !refs.every((r, i) => r === this.refs[i]);
  }
  take(key: string, refs: unknown[]): void {
    this.key = key;
    this.refs = refs;
  }
  forget(): void {
    this.take('', []);
  }
}

/** The units and trails the base canvas shows: new positions when a routine redraw is due, at once when units came or went. */
function createUnitFeed() {
  let trails: TrailSegments | null = null;
  // the unit table version the units layer was last given
  let shown = -1;
  let shownCount = -1;
  let trailsBuiltAt = 0;
  let trailsVersion = -1;
  let trailsShowOffline = false;
  return {
    /** moves what is shown forward; says whether units came or went */
    take(s: WallState, due: boolean, now: number, interval: number): boolean {
      const countChanged = s.units.count !== shownCount;
      if (shown !== s.unitsVersion && (due || countChanged)) {
        shown = s.unitsVersion;
        shownCount = s.units.count;
      }
      if (!s.layers.units || !s.layers.trails) return countChanged;
      const stale = trailsVersion !== shown || trailsShowOffline !== s.layers.offlineUnits;
      if (stale && (trails === null || countChanged || now - trailsBuiltAt >= Math.max(TRAIL_REBUILD_MS, 2 * interval))) {
        trails = buildTrailSegments(s.units, { showOffline: s.layers.offlineUnits });
        trailsVersion = shown;
        trailsShowOffline = s.layers.offlineUnits;
        trailsBuiltAt = now;
      }
      return countChanged;
    },
    shown: () => ({ unitsVersion: shown, trails, trailsVersion }),
  };
}

/**
 * The alarm lane: when alarms and the base canvas change in the same frame, the base canvas waits
 * until the alert canvas has drawn (its redraw count moved past the one at the hold), at most
 * ALERT_FIRST_MS. A moved map moves both canvases together.
 */
function createAlarmLane(alertRedraws: () => number) {
  // held since (-1: nothing held)
  let heldSince = -1;
  let heldAt = 0;
  return {
    holdBase(alertsChanged: boolean, viewMoved: boolean, time: number): boolean {
      const drawn = alertRedraws();
      if (heldSince >= 0) {
        if (drawn <= heldAt && time - heldSince < ALERT_FIRST_MS) return true;
        heldSince = -1;
        return false;
      }
      if (!alertsChanged || viewMoved) return false;
      heldSince = time;
      heldAt = drawn;
      return true;
    },
    forget(): void {
      heldSince = -1;
    },
  };
}

/** The grid fill: the level that fits the zoom, its figures and classes (the model's, the legend's). */
function gridInputOf(s: WallState, now: number): GridLayerInput | null {
  const filled = gridFillOf(s, now);
  return filled ? { catalog: filled.catalog, level: filled.level, values: filled.counts, breaks: filled.breaks, version: filled.version, selectedId: s.selectedGridId } : null;
}

export function createFrameLoop(d: FrameLoopDeps): FrameLoop {
  const units = createUnitFeed();
  const lane = createAlarmLane(() => d.overlays.stats().alertRedraws);
  const baseDrawn = new DrawnFrom();
  const alertsDrawn = new DrawnFrom();
  // routine redraws are spaced per canvas: a stream of alarms must not starve the units
  let baseDrawnAt = 0;
  let alertsDrawnAt = 0;
  // when alarms (not a pulse) last changed the alert canvas
  let alarmDrawnAt = -Infinity;
  let lastBaseView = '';
  // the grid fill version the base canvas last drew
  let gridShown: GridLayerInput['version'] | undefined;

  const frame = () => {
    if (!d.overlays.ready()) return;
    const s = d.store.getState();
    const now = Date.now();
    const time = performance.now();
    const interval = d.budget.intervalMs();
    const sinceBase = time - baseDrawnAt;
    const due = sinceBase >= interval && (time - alarmDrawnAt >= ALARM_QUIET_MS || sinceBase >= 2 * interval);
    units.take(s, due, now, interval);
    const shown = units.shown();
    const view = viewOf(d.map, d.size);
    // the wall's clock (the replay's in a replay): the 24 h measure counts back from it
    const clock = wallClock(s, now);
    const grid = gridInputOf(s, clock);
    const language = d.language();
    // what each canvas depends on; one repaints without the other. The grid fill's figures (alarms
    // counted per grid) are routine: they wait for a due redraw, so a stream of alarms does not
    // become a stream of base redraws; the operator's measure and grid show at once
    const gridVersion = due || gridShown === undefined ? grid?.version : gridShown;
    const key = [shown.unitsVersion, shown.trailsVersion, language, view.key, gridVersion, s.gridFill, s.selectedGridId].join('|');
    const refs = [s.kiosks, s.cameras, s.layers, s.highlight];
    // units on their way to the selected incident are drawn on this canvas: it follows them
    const coming = hasUnitsComing(s.selectedId ? s.incidents.get(s.selectedId) : undefined) ? shown.unitsVersion : 0;
    const alertKey = [s.selectedId, language, Math.floor(clock / 60_000), view.key, coming].join('|');
    const alertRefs = [s.incidents, s.kiosks, s.layers, s.highlight];
    const alertsChanged = alertsDrawn.differs(alertKey, alertRefs);
    const baseChanged = baseDrawn.differs(key, refs) && !lane.holdBase(alertsChanged, view.key !== lastBaseView, time);
    // nothing changed and no animation due: no redraw. A pulse goes with a routine base redraw
    // when it can, so the two canvases are composited once
    const pulse = (due || time - alertsDrawnAt >= interval) && animating(s);
    if (!baseChanged && !alertsChanged && !pulse) return;
    const { base, alerts } = buildLayers(
      { ...pick(s), unitsVersion: shown.unitsVersion, trails: shown.trails, now: clock, time, scale: d.scale, kindLabel: d.kindLabel, language, icons: d.icons, onPickIncident: d.onPickIncident, view, grid, onPickCluster: d.onPickCluster, onPickCamera: d.onPickCamera },
      d.memo,
    );
    // a new layer list always repaints its canvas: hand each only what changed
    if (baseChanged) {
      baseDrawn.take(key, refs);
      lastBaseView = view.key;
      gridShown = grid?.version;
      baseDrawnAt = time;
      d.overlays.setBase(base);
    }
    if (alertsChanged || pulse) {
      if (alertsChanged) alarmDrawnAt = time;
      alertsDrawn.take(alertKey, alertRefs);
      alertsDrawnAt = time;
      d.overlays.setAlerts(alerts);
    }
  };

  return {
    frame,
    reset() {
      baseDrawn.forget();
      alertsDrawn.forget();
      lastBaseView = '';
      gridShown = undefined;
      lane.forget();
    },
  };
}

/** What the layers take from the model as it is. */
const pick = (s: WallState) => ({ incidents: s.incidents, kiosks: s.kiosks, cameras: s.cameras, units: s.units, layers: s.layers, selectedId: s.selectedId, highlight: s.highlight });

/**
 * The animation instant of a still picture: a pulse a fifth of the way out (a clear ring around a
 * marker not yet acknowledged), an SOS kiosk in its lit half, a search ring partly grown. Fixed, so
 * a moment's picture is the same whenever it is drawn, not caught at a random phase.
 */
export const STILL_ANIMATION_MS = 320;

/**
 * Both canvases' layers for the model as it stands, all at once, without the live pacing (a
 * picture of the map: map-picture.ts). The same layers the frame loop hands over, their
 * animations stopped at STILL_ANIMATION_MS.
 */
export function stillLayers(s: WallState, d: Pick<FrameLoopDeps, 'map' | 'size' | 'scale' | 'icons' | 'kindLabel' | 'language'>, memo: LayerMemo) {
  const clock = wallClock(s, Date.now());
  const trails = s.layers.units && s.layers.trails ? buildTrailSegments(s.units, { showOffline: s.layers.offlineUnits }) : null;
  const none = () => {};
  return buildLayers(
    { ...pick(s), unitsVersion: s.unitsVersion, trails, now: clock, time: STILL_ANIMATION_MS, scale: d.scale, kindLabel: d.kindLabel, language: d.language(), icons: d.icons, onPickIncident: none, view: viewOf(d.map, d.size), grid: gridInputOf(s, clock), onPickCluster: none, onPickCamera: none },
    memo,
  );
}

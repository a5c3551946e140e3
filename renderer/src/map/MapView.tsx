// The map: maplibre draws the grid basemap, two deck.gl overlays draw the situation on top (alarms
// on a canvas of their own, above the rest).
// Layers are rebuilt from the store at most ~10 times a second outside React, so a stream of
// deltas never re-renders components.
import { MapboxOverlay } from '@deck.gl/mapbox';
import { Map as MaplibreMap, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { attachBasemap } from './basemap';
import { MapNotices } from './MapNotices';
import { overlayContextAttributes, webglProbe } from './webgl';
import type { IncidentKind } from '../../../core/domain';
import { useStore, type WallState } from '../state/store';
import { buildTrailSegments, type TrailSegments } from '../state/units';
import type { Incident } from '../../../core/domain';
import { expansionZoom, type Cluster } from './cluster';
import { gridCatalog, GridMeasures, levelForZoom, maxAtLevel, niceBreaks, type MeasureSources } from './gridStats';
import { sharedIconAtlas } from './icons';
import { RedrawBudget } from './redrawBudget';
import { buildLayers, CLUSTER_RADIUS_PX, type GridLayerInput, type MapViewInfo, splitLayers } from './layers';
import { buildStyle, GRID_LAYER_IDS } from './style';
import { tooltipText } from './tooltip';
import { setDebugHandles } from '../debug';
import { setWallMap } from '../video/map-handle';

setWorkerUrl(workerUrl);

const FRAME_MS = 100;
const TRAIL_REBUILD_MS = 500;


export function uiScale(width: number): number {
  return Math.min(2.2, Math.max(1, width / 1920));
}

export function MapView() {
  const container = useRef<HTMLDivElement>(null);
  const reference = useStore((s) => s.reference);
  const referenceError = useStore((s) => s.referenceError);
  const webgl = useStore((s) => s.webgl);
  const { t, i18n } = useTranslation();
  const tRef = useRef(t);
  tRef.current = t;
  const langRef = useRef(i18n.language);
  langRef.current = i18n.language;
  const ready = reference !== null || referenceError !== null;
  const [basemapError, setBasemapError] = useState<string | null>(null);
  const gpu = webgl === 'ok' ? webglProbe() : null;

  useEffect(() => {
    if (!ready || webgl !== 'ok' || !container.current) return;
    const el = container.current;
    const ref = useStore.getState().reference;
    const view = ref?.view ?? { lon: 119.3, lat: 26.06, zoom: 11.5 };
    const scale = uiScale(window.innerWidth);
    const map = new MaplibreMap({
      container: el,
      style: buildStyle(ref?.grids ?? null, scale),
      center: [view.lon, view.lat],
      // a bigger wall shows the same area in more detail, not more area
      zoom: view.zoom + Math.log2(scale),
      minZoom: 7,
      maxZoom: 19,
      attributionControl: false,
      localIdeographFontFamily: '"Noto Sans CJK SC", "Noto Sans SC", sans-serif',
      fadeDuration: 0,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    // the optional offline basemap goes in under the grid layers once it has opened
    setBasemapError(null);
    const detachBasemap = attachBasemap(map, ref?.basemapUrl, (e) => setBasemapError(e.message));

    const icons = sharedIconAtlas();
    const catalog = gridCatalog(ref?.grids ?? null);
    const measures = new GridMeasures();
    const measureSources = (s: WallState): MeasureSources => ({
      incidents: s.incidents,
      history: s.history,
      historyVersion: s.historyVersion,
      units: s.units,
      unitsVersion: s.unitsVersion,
      now: Date.now(),
    });
    // Two overlays, two canvases: `base` (grids, kiosks, units, labels) below, `alerts` (incidents,
    // SOS kiosks, the search highlight) above, so an alarm or a pulse repaints only the latter.
    let overlay: MapboxOverlay | null = null;
    let alertOverlay: MapboxOverlay | null = null;
    let disposed = false;
    let trails: TrailSegments | null = null;
    // the unit table version the units layer was last given, and when
    let unitsShown = -1;
    let shownCount = -1;
    // routine redraws (units moving, pulses) are spaced by what a redraw costs here
    const budget = new RedrawBudget();
    let lastDrawAt = 0;
    let redraws = 0;
    let alertRedraws = 0;
    /** the debug hook's view of both decks as one (tests and benchmarks read layers and pick) */
    let combined: unknown = null;
    /** the Deck inside an overlay (MapboxOverlay keeps it private) */
    type OverlayDeck = { props: { layers: unknown[] }; pickObject(o: { x: number; y: number; radius?: number }): unknown; redraw(reason?: unknown): void };
    const deckOf = (o: MapboxOverlay | null) => (o as unknown as { _deck?: OverlayDeck } | null)?._deck ?? null;
    let rafId = 0;
    const onRaf = (t: number) => {
      budget.frame(t);
      rafId = requestAnimationFrame(onRaf);
    };
    rafId = requestAnimationFrame(onRaf);
    let trailsBuiltAt = 0;
    let trailsVersion = -1;
    let trailsShowOffline = false;
    let lastKey = '';
    let lastRefs: unknown[] = [];
    let lastAlertKey = '';
    let lastAlertRefs: unknown[] = [];

    const onPickIncident = (id: string) => useStore.getState().select(id, false);
    /** an alarm marker (on the canvas above) at this pixel: it, not what lies below, was meant */
    const alertAt = (x: number, y: number) => {
      try {
        return deckOf(alertOverlay)?.pickObject({ x, y, radius: 2 }) != null;
      } catch {
        return false;
      }
    };
    const onPickGrid = (id: string, at?: { x: number; y: number }) => {
      if (at && alertAt(at.x, at.y)) return;
      useStore.getState().selectGrid(id);
    };
    const onPickCluster = (c: Cluster<Incident>) => {
      // fly to where the cluster opens up (its members no longer all merge)
      const zoom = expansionZoom(c.members, map.getZoom(), CLUSTER_RADIUS_PX * scale) + 0.01;
      const [w, s, e, n] = c.bounds;
      map.flyTo({ center: [(w + e) / 2, (s + n) / 2], zoom, speed: 1.8, essential: true });
    };

    const tooltip = (info: { layer?: { id: string } | null; object?: unknown; index: number }) => {
      const text = tooltipText(info.layer?.id, info.object, info.index, {
        t: (k, o) => tRef.current(k, o),
        language: langRef.current,
        now: Date.now(),
        unitAt: (i) => useStore.getState().units.units[i],
        gridFigures: (id) => measures.figures(id, measureSources(useStore.getState()), catalog),
      });
      return text ? { text, className: 'map-tooltip' } : null;
    };
    const mountOverlay = () => {
      const deviceProps = { webgl: overlayContextAttributes(webglProbe().software) };
      const watchLoss = (mine: MapboxOverlay, device: { lost: Promise<unknown> }) => {
        void device.lost.then(() => {
          if (overlay === mine || alertOverlay === mine) onContextLost();
        });
      };
      const base: MapboxOverlay = new MapboxOverlay({
        interleaved: false,
        deviceProps,
        layers: [],
        // the canvas above answers for its own markers
        getTooltip: (info) => (info.picked && alertAt(info.x, info.y) ? null : tooltip(info)),
        onAfterRender: () => {
          redraws++;
          // routine redraws (units moving) are what the budget spaces out
          budget.rendered(performance.now());
        },
        onDeviceInitialized: (device) => watchLoss(base, device),
      });
      const alerts: MapboxOverlay = new MapboxOverlay({
        interleaved: false,
        deviceProps,
        layers: [],
        getTooltip: tooltip,
        onAfterRender: () => {
          redraws++;
          alertRedraws++;
        },
        onDeviceInitialized: (device) => watchLoss(alerts, device),
      });
      overlay = base;
      alertOverlay = alerts;
      // added second: its canvas lies above the base one
      map.addControl(base);
      map.addControl(alerts);
      lastKey = '';
      lastRefs = [];
      lastAlertKey = '';
      lastAlertRefs = [];
      combined = null;
    };
    const onContextLost = () => {
      // luma.gl does not restore a lost context: throw both decks away and make new ones.
      console.warn('deck.gl WebGL context lost; remounting the overlays');
      const old = [overlay, alertOverlay];
      overlay = null;
      alertOverlay = null;
      for (const o of old) {
        if (!o) continue;
        try {
          map.removeControl(o);
        } catch {
          /* already gone */
        }
      }
      setTimeout(() => {
        if (!disposed && !overlay) mountOverlay();
      }, 250);
    };
    mountOverlay();

    const frame = () => {
      if (!overlay || !alertOverlay) return;
      const s: WallState = useStore.getState();
      const now = Date.now();
      const time = performance.now();
      const interval = budget.intervalMs();
      const due = time - lastDrawAt >= interval;
      // units: new positions when a routine redraw is due, at once when units came or went
      const countChanged = s.units.count !== shownCount;
      if (unitsShown !== s.unitsVersion && (due || countChanged)) {
        unitsShown = s.unitsVersion;
        shownCount = s.units.count;
      }
      if (s.layers.units && s.layers.trails) {
        const stale = trailsVersion !== unitsShown || trailsShowOffline !== s.layers.offlineUnits;
        if (stale && (trails === null || countChanged || now - trailsBuiltAt >= Math.max(TRAIL_REBUILD_MS, 2 * interval))) {
          trails = buildTrailSegments(s.units, { showOffline: s.layers.offlineUnits });
          trailsVersion = unitsShown;
          trailsShowOffline = s.layers.offlineUnits;
          trailsBuiltAt = now;
        }
      }
      // Skip the rebuild when nothing moves: no animation and nothing changed.
      let animating = false;
      for (const inc of s.incidents.values()) if (inc.status === 'open' && !inc.acknowledged) animating = true;
      for (const k of s.kiosks.values()) if (k.sos) animating = true;
      for (const h of [s.highlight]) if (h && h.kind !== 'grid' && h.kind !== 'incident') animating = true;
      // the view: clusters and label choice depend on it
      const canvas = map.getCanvas();
      const center = map.getCenter();
      const zoom = map.getZoom();
      const view: MapViewInfo = {
        zoom,
        width: canvas.clientWidth,
        height: canvas.clientHeight,
        project: (lon, lat) => {
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        },
        key: `${center.lng.toFixed(6)},${center.lat.toFixed(6)},${zoom.toFixed(4)},${canvas.clientWidth}x${canvas.clientHeight}`,
      };
      // the grid fill: the level that fits the zoom, its figures and classes
      const level = levelForZoom(zoom);
      let grid: GridLayerInput | null = null;
      if (catalog.entries.length) {
        const fill = s.gridFill;
        const counted = fill === 'none' ? null : measures.counts(fill, measureSources(s), catalog);
        const max = counted ? maxAtLevel(counted.counts, catalog, level) : 0;
        const breaks = niceBreaks(max);
        grid = { catalog, level, values: counted?.counts ?? null, breaks, version: `${counted?.key}|${level}|${breaks.join(',')}`, selectedId: s.selectedGridId };
        const legend = s.gridLegend;
        if (!legend || legend.fill !== fill || legend.level !== level || legend.max !== max || legend.breaks.join() !== breaks.join()) {
          useStore.getState().setGridLegend({ fill, level, breaks, max });
        }
      }
      // what each canvas depends on; one repaints without the other
      const key = [unitsShown, trailsVersion, langRef.current, view.key, grid?.version, s.selectedGridId].join('|');
      const refs = [s.kiosks, s.cameras, s.layers, s.highlight];
      const alertKey = [s.selectedId, langRef.current, Math.floor(now / 60_000), view.key].join('|');
      const alertRefs = [s.incidents, s.kiosks, s.layers, s.highlight];
      const baseChanged = key !== lastKey || !refs.every((r, i) => r === lastRefs[i]);
      const alertsChanged = alertKey !== lastAlertKey || !alertRefs.every((r, i) => r === lastAlertRefs[i]);
      // nothing changed and no animation due: no redraw
      const pulse = animating && due;
      if (!baseChanged && !alertsChanged && !pulse) return;
      const { base, alerts } = splitLayers(
        buildLayers({
          incidents: s.incidents,
          kiosks: s.kiosks,
          cameras: s.cameras,
          units: s.units,
          unitsVersion: unitsShown,
          trails,
          layers: s.layers,
          selectedId: s.selectedId,
          pageLoadedAt: s.pageLoadedAt,
          now,
          time,
          scale,
          kindLabel: (k: IncidentKind) => tRef.current(`kinds.${k}`),
          language: langRef.current,
          icons,
          onPickIncident,
          view,
          grid,
          highlight: s.highlight,
          onPickCluster,
          onPickGrid,
        }),
      );
      // a new layer list always repaints its canvas: hand each only what changed
      if (baseChanged) {
        lastKey = key;
        lastRefs = refs;
        lastDrawAt = time;
        overlay.setProps({ layers: base });
      }
      if (alertsChanged || pulse) {
        lastAlertKey = alertKey;
        lastAlertRefs = alertRefs;
        if (!baseChanged) lastDrawAt = time;
        alertOverlay.setProps({ layers: alerts });
      }
    };
    const timer = setInterval(frame, FRAME_MS);
    // deltas and selection changes show at once rather than on the next tick
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (
        s.incidents !== prev.incidents ||
        s.selectedId !== prev.selectedId ||
        s.layers !== prev.layers ||
        s.gridFill !== prev.gridFill ||
        s.selectedGridId !== prev.selectedGridId ||
        s.highlight !== prev.highlight
      )
        frame();
      if (s.layers.grids !== prev.layers.grids && map.isStyleLoaded()) {
        for (const id of GRID_LAYER_IDS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', s.layers.grids ? 'visible' : 'none');
      }
      if (s.flyTo && s.flyTo !== prev.flyTo) {
        const f = s.flyTo;
        if (f.bounds) map.fitBounds(f.bounds, { padding: 100 * scale, maxZoom: f.zoom ?? 16, speed: 1.6, essential: true } as never);
        else map.flyTo({ center: [f.lon, f.lat], zoom: f.zoom ?? Math.max(map.getZoom(), 14.5), speed: 1.6, essential: true });
      }
    });
    map.on('load', () => {
      el.dataset.loaded = 'true';
      frame();
    });
    // a finished move re-chooses labels and clusters at once
    map.on('moveend', () => frame());
    setDebugHandles({
      map: () => map,
      // both decks as one: layers in drawing order, picking from the top canvas down
      deck: () => {
        const b = deckOf(overlay);
        const a = deckOf(alertOverlay);
        if (!b || !a) return null;
        combined ??= {
          get props() {
            return { layers: [...(deckOf(overlay)?.props.layers ?? []), ...(deckOf(alertOverlay)?.props.layers ?? [])] };
          },
          pickObject: (o: { x: number; y: number; radius?: number }) => a.pickObject(o) ?? b.pickObject(o),
          redraw: (reason?: unknown) => {
            b.redraw(reason);
            a.redraw(reason);
          },
          base: b,
          alerts: a,
        };
        return combined;
      },
      overlay: () => overlay,
      stats: () => ({ redraws, alertRedraws, redrawCost: budget.cost(), intervalMs: budget.intervalMs() }),
    });
    setWallMap(map);

    return () => {
      disposed = true;
      detachBasemap();
      clearInterval(timer);
      cancelAnimationFrame(rafId);
      unsubscribe();
      setDebugHandles({ map: () => null, deck: () => null, overlay: () => null, stats: () => null });
      setWallMap(null);
      map.remove();
    };
  }, [ready, webgl]);

  return (
    <>
      <div ref={container} className="map" data-testid="map" />
      <MapNotices basemapError={basemapError} softwareRenderer={gpu?.software ? (gpu.renderer ?? 'software') : null} />
    </>
  );
}

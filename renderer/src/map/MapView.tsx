// The map: maplibre draws the grid basemap, two deck.gl overlays draw the situation on top (alarms
// on a canvas of their own, above the rest: overlays.ts). This component is the adapter between
// the wall's model and them: it makes the map, follows what the model asks of the map (fly there,
// show or hide the grid outlines), tells the model the map's zoom, and lets the frame loop
// (frame-loop.ts) turn the model into layers outside React, so a stream of deltas never
// re-renders a component.
import { Map as MaplibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReferencePayload } from '../../../core/contract';
import type { Incident, IncidentKind } from '../../../core/domain';
import { manualGroupId } from '../../../core/video/policy';
import { expansionZoom, type Cluster } from '../model/cluster';
import { wallClock } from '../model/replay';
import { catalogOf, gridFigures } from '../model/selectors';
import type { WallState } from '../state/store';
import { useRuntime, useWall, type WallRuntime } from '../ui/context';
import { attachBasemap } from './basemap';
import { createFrameLoop, FRAME_MS, trackMapSize } from './frame-loop';
import { sharedIconAtlas } from './icons';
import { CLUSTER_RADIUS_PX, LayerMemo } from './layers';
import { MapNotices } from './MapNotices';
import { setMapWorkerUrl } from './map-worker';
import { mountOverlays, type Overlays } from './overlays';
import { RedrawBudget } from './redrawBudget';
import { buildStyle, GRID_LAYER_IDS } from './style';
import { tooltipText } from './tooltip';
import { webglProbe } from './webgl';

setMapWorkerUrl();

/** the performance mark a wall's map is made at */
export const MAP_MADE_MARK = 'watchfloor:map-made';

export function uiScale(width: number): number {
  return Math.min(2.2, Math.max(1, width / 1920));
}

/** What the model asks of the map itself: fly somewhere, show or hide the grid outlines. */
function followModel(map: MaplibreMap, s: WallState, prev: WallState, scale: number): void {
  if (s.layers.grids !== prev.layers.grids && map.isStyleLoaded()) {
    for (const id of GRID_LAYER_IDS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', s.layers.grids ? 'visible' : 'none');
  }
  if (s.flyTo && s.flyTo !== prev.flyTo) {
    const f = s.flyTo;
    if (f.bounds) map.fitBounds(f.bounds, { padding: 100 * scale, maxZoom: f.zoom ?? 16, speed: 1.6, essential: true } as never);
    else map.flyTo({ center: [f.lon, f.lat], zoom: f.zoom ?? Math.max(map.getZoom(), 14.5), speed: 1.6, essential: true });
  }
}

/** Changes that show at once rather than on the next frame tick. */
const drawsAtOnce = (s: WallState, prev: WallState) =>
  s.incidents !== prev.incidents || s.selectedId !== prev.selectedId || s.layers !== prev.layers || s.gridFill !== prev.gridFill || s.selectedGridId !== prev.selectedGridId || s.highlight !== prev.highlight || s.zoom !== prev.zoom;

/** A maplibre map over the grids, at the configured view (a bigger wall shows the same area in more detail, not more area). */
function makeMap(el: HTMLElement, ref: ReferencePayload | null, scale: number): MaplibreMap {
  const view = ref?.view ?? { lon: 119.3, lat: 26.06, zoom: 11.5 };
  // for timing a page's open (docs/performance.md): the map's worker should have started before this
  performance.mark(MAP_MADE_MARK);
  const map = new MaplibreMap({
    container: el,
    style: buildStyle(ref?.grids ?? null, scale),
    center: [view.lon, view.lat],
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
  return map;
}

interface Words {
  t: (key: string, opts?: Record<string, unknown>) => string;
  language: string;
}

/** The map's tooltips, in the operator's language, from what the model holds now. */
function tooltipOf(store: WallRuntime['store'], words: { current: Words }) {
  return (info: { layer?: { id: string } | null; object?: unknown; index: number }) => {
    const text = tooltipText(info.layer?.id, info.object, info.index, {
      t: (k, o) => words.current.t(k, o),
      language: words.current.language,
      now: wallClock(store.getState(), Date.now()),
      unitAt: (i) => store.getState().units.units[i],
      gridFigures: (id) => gridFigures(store.getState(), id, wallClock(store.getState(), Date.now())),
      gridPath: (id) => catalogOf(store.getState()).byId.get(id)?.names.slice(1).join(' › ') ?? null,
    });
    return text ? { text, className: 'map-tooltip' } : null;
  };
}

/** The debug hook's map handles: the map, both decks as one, the redraw figures. */
function debugHandles(map: MaplibreMap, overlays: Overlays, budget: RedrawBudget) {
  return {
    map: () => map,
    deck: () => overlays.deck(),
    overlay: () => overlays.overlay(),
    stats: () => ({ ...overlays.stats(), redrawCost: budget.cost(), intervalMs: budget.intervalMs() }),
  };
}

/**
 * The situation on the map: two overlays fed by the frame loop, the model followed and told the
 * zoom, the debug hook given the map and decks. Returns what undoes it.
 */
function drawModel(map: MaplibreMap, el: HTMLElement, runtime: WallRuntime, words: { current: Words }, scale: number): () => void {
  const { store } = runtime;
  const { dispatch } = store.getState();
  // routine redraws (units moving, pulses) are spaced by what a redraw costs here
  const budget = new RedrawBudget();
  let rafId = requestAnimationFrame(function onRaf(time) {
    budget.frame(time);
    rafId = requestAnimationFrame(onRaf);
  });
  const overlays = mountOverlays(map, {
    budget,
    tooltip: tooltipOf(store, words),
    onRemount: () => {
      loop.reset();
      loop.frame();
    },
  });
  const sized = trackMapSize(map);
  const loop = createFrameLoop({
    store,
    map,
    size: sized.size,
    overlays,
    budget,
    memo: new LayerMemo(),
    scale,
    icons: sharedIconAtlas(),
    kindLabel: (k: IncidentKind) => words.current.t(`kinds.${k}`),
    language: () => words.current.language,
    onPickIncident: (id) => dispatch({ type: 'select', id }),
    // a camera opened by hand: for the incident the operator has open, else beside the camera
    onPickCamera: (id) => dispatch({ type: 'video.open', cameraId: id, incidentId: store.getState().selectedId ?? manualGroupId(id) }),
    // fly to where the cluster opens up (its members no longer all merge)
    onPickCluster: (c: Cluster<Incident>) => {
      const zoom = expansionZoom(c.members, map.getZoom(), CLUSTER_RADIUS_PX * scale) + 0.01;
      const [w, s, e, n] = c.bounds;
      map.flyTo({ center: [(w + e) / 2, (s + n) / 2], zoom, speed: 1.8, essential: true });
    },
  });
  const timer = setInterval(loop.frame, FRAME_MS);
  const unsubscribe = store.subscribe((s, prev) => {
    if (drawsAtOnce(s, prev)) loop.frame();
    followModel(map, s, prev, scale);
  });
  // the model hears the map's zoom (which grid level is filled and counted)
  const reportView = () => dispatch({ type: 'view', zoom: map.getZoom() });
  map.on('load', () => {
    el.dataset.loaded = 'true';
    reportView();
    loop.frame();
  });
  // a grid's figures open on a double click (a single one is too easily made); the map does not
  // zoom for it. An alarm marker on the canvas above at this pixel was meant, not the grid below
  map.on('dblclick', (e) => {
    if (overlays.alertAt(e.point.x, e.point.y)) return;
    const id = overlays.gridAt(e.point.x, e.point.y);
    if (!id) return;
    e.preventDefault();
    dispatch({ type: 'selectGrid', id });
  });
  // a finished move re-chooses labels and clusters at once
  map.on('moveend', () => {
    reportView();
    loop.frame();
  });
  Object.assign(runtime.debug, debugHandles(map, overlays, budget));
  runtime.map.set(map);
  return () => {
    overlays.destroy();
    sized.stop();
    clearInterval(timer);
    cancelAnimationFrame(rafId);
    unsubscribe();
    Object.assign(runtime.debug, { map: () => null, deck: () => null, overlay: () => null, stats: () => null });
    runtime.map.set(null);
  };
}

export function MapView() {
  const container = useRef<HTMLDivElement>(null);
  const runtime = useRuntime();
  const reference = useWall((s) => s.reference);
  const referenceError = useWall((s) => s.referenceError);
  const webgl = useWall((s) => s.webgl);
  const { t, i18n } = useTranslation();
  const words = useRef<Words>({ t, language: i18n.language });
  words.current = { t, language: i18n.language };
  const ready = reference !== null || referenceError !== null;
  const [basemapError, setBasemapError] = useState<string | null>(null);
  const gpu = webgl === 'ok' ? webglProbe() : null;

  useEffect(() => {
    if (!ready || webgl !== 'ok' || !container.current) return;
    const el = container.current;
    const ref = runtime.store.getState().reference;
    const scale = uiScale(window.innerWidth);
    const map = makeMap(el, ref, scale);
    // the optional offline basemap goes in under the grid layers once it has opened
    setBasemapError(null);
    const detachBasemap = attachBasemap(map, ref?.basemapUrl, (e) => setBasemapError(e.message));
    const undraw = drawModel(map, el, runtime, words, scale);
    return () => {
      undraw();
      detachBasemap();
      map.remove();
    };
  }, [ready, webgl, runtime]);

  return (
    <>
      <div ref={container} className="map" data-testid="map" />
      <MapNotices basemapError={basemapError} softwareRenderer={gpu?.software ? (gpu.renderer ?? 'software') : null} />
    </>
  );
}

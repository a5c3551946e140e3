// The video overlay on the map: tiles next to their alarms with leader lines, a strip along the
// bottom for the ones that do not fit, a number badge beside each alarm's marker (the same number
// as on the tile and the board row), and the enlarged tile. React renders what is there; where it
// is follows the map imperatively (maplibre `move`/`resize` → layoutTiles → transforms), so a pan
// never re-renders a component.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uiScale } from '../map/MapView';
import { PRIORITY_CSS } from '../model/colors';
import { useDispatch, useRuntime, useWall } from '../ui/context';
import { videoConfigFromSearch } from './config';
import { installVideoDebug } from './debug';
import { FrameHealth } from './frame-health';
import { FramePool } from './frame-pool';
import { layoutTiles, nearestPointOnRect, type Circle, type LayoutGroup, type Point, type Rect } from './layout';
import { startVideoManager } from './manager';
import { VideoTileView } from './VideoTile';
import './video.css';

/** Panels over the map that tiles keep clear of: every positioned child of the map area but the map, us, modal panels and banners. */
function obstacleRects(root: HTMLElement): Rect[] {
  const area = root.parentElement;
  if (!area) return [];
  const base = root.getBoundingClientRect();
  const out: Rect[] = [];
  for (const el of Array.from(area.children) as HTMLElement[]) {
    if (el === root || el.matches('.map, .panel, .banner, [data-video-ignore]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) out.push({ x: r.left - base.left, y: r.top - base.top, w: r.width, h: r.height });
  }
  return out;
}

export function VideoWall() {
  const { t } = useTranslation();
  const config = useMemo(() => videoConfigFromSearch(window.location.search, window.location), []);
  const runtime = useRuntime();
  const { store } = runtime;
  const tiles = useWall((s) => s.video.tiles);
  const numbers = useWall((s) => s.video.numbers);
  const enlarged = useWall((s) => s.video.enlarged);
  const recording = useWall((s) => s.video.recording);
  const dispatch = useDispatch();
  const enlarge = useMemo(() => (cameraId: string | null) => dispatch({ type: 'video.enlarge', cameraId }), [dispatch]);
  const rootRef = useRef<HTMLDivElement>(null);
  const tileEls = useRef(new Map<string, HTMLElement>()).current;
  const relayoutRef = useRef<() => void>(() => undefined);

  // where players run: frames from the other loopback name, until frames prove unavailable
  const [frameOrigin, setFrameOrigin] = useState(config.frameOrigin);
  const frameHealth = useMemo(
    () =>
      frameOrigin
        ? new FrameHealth((failures) => {
            console.error(`video frames from ${frameOrigin} did not load (${failures} tries, none ever did): players run in the page from now on`);
            setFrameOrigin(null);
          })
        : null,
    [frameOrigin],
  );
  // frames loaded ahead for the next tiles' players
  const framePool = useMemo(() => (config.enabled && frameOrigin && config.framePool > 0 ? new FramePool({ origin: frameOrigin, size: config.framePool, health: frameHealth }) : null), [config, frameOrigin, frameHealth]);
  useEffect(() => {
    framePool?.start();
    return () => framePool?.dispose();
  }, [framePool]);
  const framesRef = useRef({ pool: framePool, origin: frameOrigin });
  framesRef.current = { pool: framePool, origin: frameOrigin };

  // the planner
  useEffect(() => {
    if (!config.enabled) return;
    const manager = startVideoManager(config, store);
    const unhook = installVideoDebug(manager, runtime, () => framesRef.current);
    return () => {
      unhook();
      manager.stop();
      store.getState().dispatch({ type: 'video.reset' });
    };
  }, [config, store, runtime]);

  // Esc restores the enlarged tile (the listener lives only while one is enlarged)
  useEffect(() => {
    if (!enlarged) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') enlarge(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enlarged, enlarge]);

  // the layout engine: follows the map without React
  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    let map: MaplibreMap | null = null;
    let offsets = new Map<string, Point>();
    let obstacles: Rect[] = [];
    let obstaclesAt = -Infinity;
    let raf = 0;

    const relayout = () => {
      raf = 0;
      const s = store.getState();
      const v = s.video;
      const W = root.clientWidth;
      const H = root.clientHeight;
      const svg = root.querySelector<SVGSVGElement>('svg.video-leaders');
      if (W === 0 || H === 0) return;
      const now = performance.now();
      if (now - obstaclesAt > 500) {
        obstacles = obstacleRects(root);
        obstaclesAt = now;
      }
      const k = uiScale(window.innerWidth);
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const rowH = Math.round(rem * 0.8 * 1.7);
      root.style.setProperty('--video-row-h', `${rowH}px`);
      const tileW = Math.round(Math.min(720, Math.max(220, W * 0.2)));
      const chrome = 2 * rowH + 4;
      const tileH = Math.round((tileW * 9) / 16) + chrome;

      const project = (lon: number, lat: number): Point | null => {
        if (!map) return null;
        const p = map.project([lon, lat]);
        return Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : null;
      };
      // markers (with their kind labels and our number badges) to keep clear of
      const markers: Circle[] = [];
      const labels: Rect[] = [];
      if (map && s.layers.incidents) {
        for (const inc of s.incidents.values()) {
          if (inc.status !== 'open') continue;
          const p = project(inc.lon, inc.lat);
          if (!p || p.x < -60 || p.y < -60 || p.x > W + 60 || p.y > H + 60) continue;
          markers.push({ x: p.x, y: p.y, r: 28 * k });
          labels.push({ x: p.x - 45 * k, y: p.y - 48 * k, w: 90 * k, h: 28 * k });
        }
      }
      const groups: LayoutGroup[] = [];
      for (const tile of v.tiles) {
        if (tile.cameraId === v.enlarged) continue;
        let g = groups.find((x) => x.id === tile.incidentId);
        if (!g) {
          const inc = s.incidents.get(tile.incidentId);
          g = { id: tile.incidentId, anchor: inc ? project(inc.lon, inc.lat) : null, tiles: [] };
          groups.push(g);
        }
        (g.tiles as string[]).push(tile.cameraId);
      }
      const result = layoutTiles({
        viewport: { w: W, h: H },
        tile: { w: tileW, h: tileH },
        groups,
        markers,
        obstacles,
        avoid: labels,
        previous: offsets,
        maxFloating: config.maxFloating,
        anchorRadius: 14 * k,
        minDockWidth: Math.max(160, tileW * 0.55),
      });
      const nextOffsets = new Map<string, Point>();
      for (const [key, pl] of result.placements) if (pl.kind === 'float') nextOffsets.set(key, pl.offset);
      offsets = nextOffsets;

      // apply: tiles
      for (const tile of v.tiles) {
        const el = tileEls.get(tile.cameraId);
        if (!el) continue;
        let rect: Rect | undefined;
        let mode: string;
        if (tile.cameraId === v.enlarged) {
          const w = Math.round(Math.min(W * 0.86, ((H * 0.86 - chrome) * 16) / 9));
          const h = Math.round((w * 9) / 16) + chrome;
          rect = { x: Math.round((W - w) / 2), y: Math.round((H - h) / 2), w, h };
          mode = 'enlarged';
        } else {
          const pl = result.placements.get(tile.cameraId);
          rect = pl?.rect;
          mode = pl?.kind ?? 'hidden';
        }
        if (!rect) {
          el.style.visibility = 'hidden';
          continue;
        }
        el.style.visibility = '';
        el.style.transform = `translate(${Math.round(rect.x)}px, ${Math.round(rect.y)}px)`;
        el.style.width = `${Math.round(rect.w)}px`;
        el.style.height = `${Math.round(rect.h)}px`;
        if (el.dataset.layout !== mode) el.dataset.layout = mode;
      }
      // leader lines
      if (svg) {
        for (const line of Array.from(svg.querySelectorAll<SVGLineElement>('line[data-camera-id]'))) {
          const pl = result.placements.get(line.dataset.cameraId as string);
          if (!pl || pl.kind !== 'float' || line.dataset.cameraId === v.enlarged) {
            line.style.display = 'none';
            continue;
          }
          const end = nearestPointOnRect(pl.anchor, pl.rect);
          line.style.display = '';
          line.setAttribute('x1', pl.anchor.x.toFixed(1));
          line.setAttribute('y1', pl.anchor.y.toFixed(1));
          line.setAttribute('x2', end.x.toFixed(1));
          line.setAttribute('y2', end.y.toFixed(1));
        }
      }
      // number badges beside the markers
      for (const el of Array.from(root.querySelectorAll<HTMLElement>('.video-alarm-badge'))) {
        const inc = s.incidents.get(el.dataset.incidentId as string);
        const p = inc ? project(inc.lon, inc.lat) : null;
        if (!p || p.x < 0 || p.y < 0 || p.x > W || p.y > H) {
          el.style.visibility = 'hidden';
          continue;
        }
        el.style.visibility = '';
        el.style.transform = `translate(${Math.round(p.x + 17 * k)}px, ${Math.round(p.y)}px) translate(-50%, -50%)`;
      }
      root.dataset.docked = String([...result.placements.values()].filter((p) => p.kind === 'dock').length);
    };
    const schedule = () => {
      if (raf === 0) raf = requestAnimationFrame(relayout);
    };
    // synchronous on map moves, so tiles and leader lines move in the same frame as the map
    const onMove = () => {
      if (raf !== 0) cancelAnimationFrame(raf);
      relayout();
    };
    const attach = (m: MaplibreMap | null) => {
      if (map) {
        map.off('move', onMove);
        map.off('resize', onMove);
      }
      map = m;
      if (map) {
        map.on('move', onMove);
        map.on('resize', onMove);
      }
      schedule();
    };
    const unMap = runtime.map.watch(attach);
    const unStore = store.subscribe((s, p) => {
      if (s.incidents !== p.incidents || s.layers !== p.layers) schedule();
    });
    const ro = new ResizeObserver(() => {
      obstaclesAt = -Infinity;
      schedule();
    });
    ro.observe(root);
    relayoutRef.current = relayout;
    return () => {
      relayoutRef.current = () => undefined;
      if (raf !== 0) cancelAnimationFrame(raf);
      unMap();
      attach(null);
      unStore();
      ro.disconnect();
    };
  }, [config, tileEls, store, runtime]);

  // after React put tiles in or took them out: place them before the browser paints
  useLayoutEffect(() => {
    relayoutRef.current();
  }, [tiles, enlarged, numbers, recording]);

  const register = useMemo(
    () => (cameraId: string, el: HTMLElement | null) => {
      if (el) tileEls.set(cameraId, el);
      else tileEls.delete(cameraId);
    },
    [tileEls],
  );

  const incidents = useWall((s) => s.incidents);
  const alarmColor = (id: string) => {
    const inc = incidents.get(id);
    return inc ? PRIORITY_CSS[inc.priority] : 'rgb(140,150,160)';
  };
  if (!config.enabled) return null;
  return (
    <div ref={rootRef} className={`video-wall${enlarged ? ' has-enlarged' : ''}`} data-testid="video-wall" data-tiles={tiles.length}>
      <svg className="video-leaders" aria-hidden="true">
        {tiles.map((tile) => (
          <line key={tile.cameraId} data-camera-id={tile.cameraId} stroke={alarmColor(tile.incidentId)} style={{ display: 'none' }} />
        ))}
      </svg>
      {[...numbers].map(([incidentId, n]) => (
        <div
          key={incidentId}
          className="video-alarm-badge"
          data-testid="video-alarm-badge"
          data-incident-id={incidentId}
          style={{ ['--alarm' as string]: alarmColor(incidentId), visibility: 'hidden' }}
          title={t('video.alarmNumber', { n })}
        >
          {n}
        </div>
      ))}
      {enlarged && <div className="video-backdrop" data-testid="video-backdrop" onClick={() => enlarge(null)} />}
      {tiles.map((tile) => (
        <VideoTileView
          key={tile.cameraId}
          tile={tile}
          number={numbers.get(tile.incidentId)}
          enlarged={tile.cameraId === enlarged}
          recording={recording.has(tile.cameraId)}
          register={register}
          frameOrigin={frameOrigin}
          framePool={framePool}
          frameHealth={frameHealth}
        />
      ))}
    </div>
  );
}

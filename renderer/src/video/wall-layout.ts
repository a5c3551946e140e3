// One layout pass of the video wall: read the map area's size and panels, lay the tiles out
// (layoutTiles) and move tiles, leader lines and number badges there. Keeps what one pass hands the
// next (floating offsets, so a pan moves tiles with the map; the panels, read at most every 500 ms).
import type { Map as MaplibreMap } from 'maplibre-gl';
import { uiScale } from '../map/MapView';
import type { WallState, WallStore } from '../state/store';
import { layoutTiles, type LayoutInput, type LayoutResult, type Point, type Rect, type Size } from './layout';
import { drawLeaderLines, obstacleRects, placeAlarmBadges, placeTile, rootFontSize } from './wall-dom';
import { alarmMarkers, dockedCount, floatingOffsets, groupTilesByAlarm, tileBox, tileMetrics, type Project, type TileMetrics } from './wall-geometry';

export interface WallLayout {
  /** lays out and places everything now */
  relayout(): void;
  /** reads the panels again on the next pass (the area changed size) */
  invalidateObstacles(): void;
}

export interface WallLayoutOptions {
  /** the video wall's element, covering the map area */
  root: HTMLElement;
  /** tiles' elements by camera id */
  tileEls: ReadonlyMap<string, HTMLElement>;
  store: WallStore;
  maxFloating: number;
  /** the map now (null before MapView made it) */
  map: () => MaplibreMap | null;
}

function projectOn(map: MaplibreMap | null): Project {
  return (lon, lat) => {
    if (!map) return null;
    const p = map.project([lon, lat]);
    return Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : null;
  };
}

interface Kept {
  obstacles: Rect[];
  previous: Map<string, Point>;
  maxFloating: number;
}

function wallLayoutInput(s: WallState, map: MaplibreMap | null, project: Project, viewport: Size, m: TileMetrics, k: number, kept: Kept): LayoutInput {
  // markers (with their kind labels and our number badges) to keep clear of
  const { markers, labels } = map && s.layers.incidents ? alarmMarkers(s.incidents.values(), project, viewport, k) : { markers: [], labels: [] };
  return {
    viewport,
    tile: { w: m.tileW, h: m.tileH },
    groups: groupTilesByAlarm(s.video.tiles, s.video.enlarged, s.incidents, project, s.cameras),
    markers,
    obstacles: kept.obstacles,
    avoid: labels,
    previous: kept.previous,
    maxFloating: kept.maxFloating,
    anchorRadius: 14 * k,
    minDockWidth: Math.max(160, m.tileW * 0.55),
  };
}

function showLayout(o: WallLayoutOptions, svg: SVGSVGElement | null, s: WallState, result: LayoutResult, project: Project, viewport: Size, chrome: number, k: number): void {
  const v = s.video;
  // tiles
  for (const tile of v.tiles) {
    const el = o.tileEls.get(tile.cameraId);
    if (!el) continue;
    const { rect, mode } = tileBox(tile.cameraId, v.enlarged, result.placements, viewport, chrome);
    placeTile(el, rect, mode);
  }
  // leader lines
  if (svg) drawLeaderLines(svg, result.placements, v.enlarged);
  // number badges beside the markers
  placeAlarmBadges(o.root, s.incidents, project, viewport, k);
  o.root.dataset.docked = String(dockedCount(result.placements));
}

export function createWallLayout(o: WallLayoutOptions): WallLayout {
  const { root, store } = o;
  let offsets = new Map<string, Point>();
  let obstacles: Rect[] = [];
  let obstaclesAt = -Infinity;

  const relayout = () => {
    const s = store.getState();
    const viewport = { w: root.clientWidth, h: root.clientHeight };
    const svg = root.querySelector<SVGSVGElement>('svg.video-leaders');
    if (viewport.w === 0 || viewport.h === 0) return;
    const now = performance.now();
    if (now - obstaclesAt > 500) {
      obstacles = obstacleRects(root);
      obstaclesAt = now;
    }
    const k = uiScale(window.innerWidth);
    const metrics = tileMetrics(viewport.w, rootFontSize());
    root.style.setProperty('--video-row-h', `${metrics.rowH}px`);
    const map = o.map();
    const project = projectOn(map);
    const result = layoutTiles(wallLayoutInput(s, map, project, viewport, metrics, k, { obstacles, previous: offsets, maxFloating: o.maxFloating }));
    offsets = floatingOffsets(result.placements);
    showLayout(o, svg, s, result, project, viewport, metrics.chrome, k);
  };

  return {
    relayout,
    invalidateObstacles: () => {
      obstaclesAt = -Infinity;
    },
  };
}

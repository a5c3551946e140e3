// The video wall's sizes and what it hands to layoutTiles, worked out from the model and the map's
// projection: pure (no DOM), so VideoWall's layout engine only reads the page and writes transforms.
import type { Camera, Incident } from '../../../core/domain';
import { isManualGroup, MANUAL_PREFIX, type VideoTile } from '../../../core/video/policy';
import type { Circle, LayoutGroup, Placement, Point, Rect, Size } from './layout';

/** screen position of a longitude/latitude on the map, null while there is no map or it does not project */
export type Project = (lon: number, lat: number) => Point | null;

export interface TileMetrics {
  /** height of a tile's head and foot rows (CSS px) */
  rowH: number;
  /** a floating tile's width and height, rows included */
  tileW: number;
  tileH: number;
  /** what the rows add to the picture's height */
  chrome: number;
}

/** Tile sizes for a map area `viewportW` wide, with the page's root font size `rem` (px). */
export function tileMetrics(viewportW: number, rem: number): TileMetrics {
  const rowH = Math.round(rem * 0.8 * 1.7);
  const tileW = Math.round(Math.min(720, Math.max(220, viewportW * 0.2)));
  const chrome = 2 * rowH + 4;
  const tileH = Math.round((tileW * 9) / 16) + chrome;
  return { rowH, tileW, tileH, chrome };
}

/** The enlarged tile: 16:9 picture plus its rows, centred, within 86% of the area. */
export function enlargedRect(viewport: Size, chrome: number): Rect {
  const { w: W, h: H } = viewport;
  const w = Math.round(Math.min(W * 0.86, ((H * 0.86 - chrome) * 16) / 9));
  const h = Math.round((w * 9) / 16) + chrome;
  return { x: Math.round((W - w) / 2), y: Math.round((H - h) / 2), w, h };
}

/** Open alarms' markers (with their kind labels and our number badges) to keep clear of; those well off-screen are left out. */
export function alarmMarkers(incidents: Iterable<Incident>, project: Project, viewport: Size, k: number): { markers: Circle[]; labels: Rect[] } {
  const { w: W, h: H } = viewport;
  const markers: Circle[] = [];
  const labels: Rect[] = [];
  for (const inc of incidents) {
    if (inc.status !== 'open') continue;
    const p = project(inc.lon, inc.lat);
    if (!p || p.x < -60 || p.y < -60 || p.x > W + 60 || p.y > H + 60) continue;
    markers.push({ x: p.x, y: p.y, r: 28 * k });
    labels.push({ x: p.x - 45 * k, y: p.y - 48 * k, w: 90 * k, h: 28 * k });
  }
  return { markers, labels };
}

/** The tiles (all but the enlarged one) by alarm, in the order the plan lists them, each alarm anchored where it projects. */
/**
 * The tiles by alarm, in the order they get to choose a place beside their alarm (the layout
 * floats them in this order until it runs out of room, then docks the rest): unacknowledged
 * alarms first, the most urgent first, so a P1's camera never goes to the strip while a P3's
 * floats; otherwise in the video plan's order.
 */
export function groupTilesByAlarm(
  tiles: readonly VideoTile[],
  enlarged: string | null,
  incidents: ReadonlyMap<string, Incident>,
  project: Project,
  cameras: ReadonlyMap<string, Camera> = new Map(),
): LayoutGroup[] {
  const groups = groupsInPlanOrder(tiles, enlarged, incidents, project, cameras);
  const rank = (g: LayoutGroup) => {
    const inc = incidents.get(g.id);
    // a camera opened by hand with no alarm: after the unacknowledged, before the rest
    return inc ? (inc.acknowledged ? 10 : 0) + inc.priority : isManualGroup(g.id) ? 9 : 99;
  };
  const order = new Map(groups.map((g, i) => [g, i]));
  return groups.sort((a, b) => rank(a) - rank(b) || order.get(a)! - order.get(b)!);
}

function groupsInPlanOrder(tiles: readonly VideoTile[], enlarged: string | null, incidents: ReadonlyMap<string, Incident>, project: Project, cameras: ReadonlyMap<string, Camera>): LayoutGroup[] {
  const groups: LayoutGroup[] = [];
  for (const tile of tiles) {
    if (tile.cameraId === enlarged) continue;
    let g = groups.find((x) => x.id === tile.incidentId);
    if (!g) {
      // a camera opened by hand with no alarm stands by the camera
      const at = incidents.get(tile.incidentId) ?? (isManualGroup(tile.incidentId) ? cameras.get(tile.incidentId.slice(MANUAL_PREFIX.length)) : undefined);
      g = { id: tile.incidentId, anchor: at ? project(at.lon, at.lat) : null, tiles: [] };
      groups.push(g);
    }
    (g.tiles as string[]).push(tile.cameraId);
  }
  return groups;
}

/** The floating tiles' offsets from their anchors, for the next layout to keep them where they were. */
export function floatingOffsets(placements: ReadonlyMap<string, Placement>): Map<string, Point> {
  const offsets = new Map<string, Point>();
  for (const [key, pl] of placements) if (pl.kind === 'float') offsets.set(key, pl.offset);
  return offsets;
}

export function dockedCount(placements: ReadonlyMap<string, Placement>): number {
  return [...placements.values()].filter((p) => p.kind === 'dock').length;
}

/** Where a tile goes and how it shows ('enlarged', 'float', 'dock', or 'hidden' with no box). */
export function tileBox(cameraId: string, enlarged: string | null, placements: ReadonlyMap<string, Placement>, viewport: Size, chrome: number): { rect: Rect | undefined; mode: string } {
  if (cameraId === enlarged) return { rect: enlargedRect(viewport, chrome), mode: 'enlarged' };
  const pl = placements.get(cameraId);
  return { rect: pl?.rect, mode: pl?.kind ?? 'hidden' };
}

/** An alarm's number badge shows only while its marker is in the map area. */
export function badgeInView(p: Point | null, viewport: Size): p is Point {
  return !!p && !(p.x < 0 || p.y < 0 || p.x > viewport.w || p.y > viewport.h);
}

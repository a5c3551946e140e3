// What the video wall's layout engine reads from the page and writes back: the panels to keep
// clear of, and the tiles', leader lines' and number badges' positions (transforms and styles, no
// React render).
import type { Incident } from '../../../core/domain';
import { nearestPointOnRect, type Placement, type Rect, type Size } from './layout';
import { badgeInView, type Project } from './wall-geometry';

/** Panels over the map that tiles keep clear of: every positioned child of the map area but the map, us, modal panels and banners. */
export function obstacleRects(root: HTMLElement): Rect[] {
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

/** The page's root font size in px (16 when it cannot be read). */
export function rootFontSize(): number {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

/** Moves a tile to `rect` (hides it without one) and tags it with its layout mode. */
export function placeTile(el: HTMLElement, rect: Rect | undefined, mode: string): void {
  if (!rect) {
    el.style.visibility = 'hidden';
    return;
  }
  el.style.visibility = '';
  el.style.transform = `translate(${Math.round(rect.x)}px, ${Math.round(rect.y)}px)`;
  el.style.width = `${Math.round(rect.w)}px`;
  el.style.height = `${Math.round(rect.h)}px`;
  if (el.dataset.layout !== mode) el.dataset.layout = mode;
}

/** A line from each floating tile's alarm to the nearest point of the tile; the others' lines hidden. */
export function drawLeaderLines(svg: SVGSVGElement, placements: ReadonlyMap<string, Placement>, enlarged: string | null): void {
  for (const line of Array.from(svg.querySelectorAll<SVGLineElement>('line[data-camera-id]'))) {
    const pl = placements.get(line.dataset.cameraId as string);
    if (!pl || pl.kind !== 'float' || line.dataset.cameraId === enlarged) {
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

/** Number badges beside their alarms' markers; hidden while the marker is out of the map area. */
export function placeAlarmBadges(root: HTMLElement, incidents: ReadonlyMap<string, Incident>, project: Project, viewport: Size, k: number): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('.video-alarm-badge'))) {
    const inc = incidents.get(el.dataset.incidentId as string);
    const p = inc ? project(inc.lon, inc.lat) : null;
    if (!badgeInView(p, viewport)) {
      el.style.visibility = 'hidden';
      continue;
    }
    el.style.visibility = '';
    el.style.transform = `translate(${Math.round(p.x + 17 * k)}px, ${Math.round(p.y)}px) translate(-50%, -50%)`;
  }
}

// Where an urgent alarm outside the view is: an arrow on the map's edge pointing at it, with its
// distance from the view's centre. Pure geometry over a projection, so it is tested without a map.
import { distanceMeters } from '../../../core/geo/polygon';
import type { Priority } from '../../../core/domain';

export interface CueTarget {
  id: string;
  lon: number;
  lat: number;
  priority: Priority;
}

export interface EdgeCue<T extends CueTarget = CueTarget> {
  target: T;
  /** where the arrow sits, in the map's pixels */
  x: number;
  y: number;
  /** direction to the target, degrees clockwise from east (CSS rotate) */
  angle: number;
  /** from the view's centre, metres */
  distanceM: number;
}

export interface CueView {
  width: number;
  height: number;
  project(lon: number, lat: number): [number, number];
  center: { lon: number; lat: number };
}

/** Cues closer than this along an edge are pushed apart. */
const SPACING_PX = 46;

/**
 * A cue per target outside the view, on the edge inset by `inset` pixels where the line from the
 * centre to the target leaves it; most urgent first, then nearest; cues on top of one another are
 * moved apart along the edge.
 */
export function edgeCues<T extends CueTarget>(targets: readonly T[], view: CueView, inset = 30): EdgeCue<T>[] {
  const { width: w, height: h } = view;
  if (w <= 2 * inset || h <= 2 * inset) return [];
  const cx = w / 2;
  const cy = h / 2;
  const cues: EdgeCue<T>[] = [];
  for (const t of targets) {
    const [px, py] = view.project(t.lon, t.lat);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    if (px >= 0 && px <= w && py >= 0 && py <= h) continue;
    const dx = px - cx;
    const dy = py - cy;
    // the largest step along (dx, dy) that stays inside the inset rectangle
    const sx = dx === 0 ? Infinity : (cx - inset) / Math.abs(dx);
    const sy = dy === 0 ? Infinity : (cy - inset) / Math.abs(dy);
    const s = Math.min(sx, sy);
    cues.push({ target: t, x: cx + dx * s, y: cy + dy * s, angle: (Math.atan2(dy, dx) * 180) / Math.PI, distanceM: distanceMeters(view.center.lon, view.center.lat, t.lon, t.lat) });
  }
  cues.sort((a, b) => a.target.priority - b.target.priority || a.distanceM - b.distanceM);
  return spread(cues, w, h, inset);
}

/** Moves each cue along its edge until it is SPACING_PX from every cue placed before it. */
function spread<T extends CueTarget>(cues: EdgeCue<T>[], w: number, h: number, inset: number): EdgeCue<T>[] {
  const placed: EdgeCue<T>[] = [];
  for (const c of cues) {
    const horizontal = Math.abs(c.y - inset) < 0.5 || Math.abs(c.y - (h - inset)) < 0.5;
    let { x, y } = c;
    for (let step = 1; step < 40 && placed.some((p) => Math.hypot(p.x - x, p.y - y) < SPACING_PX); step++) {
      const offset = Math.ceil(step / 2) * SPACING_PX * (step % 2 ? 1 : -1);
      if (horizontal) x = Math.min(w - inset, Math.max(inset, c.x + offset));
      else y = Math.min(h - inset, Math.max(inset, c.y + offset));
    }
    placed.push({ ...c, x, y });
  }
  return placed;
}

// Where the video tiles go on the map: next to their alarm, overlapping neither each other nor the
// incident markers, inside the map; the rest docks into a strip along the bottom. Pure and
// deterministic (no DOM), so it runs on every map `move` and is unit-tested for its invariants.
//
// Greedy: alarms in the order they deserve space, each tile tries its previous offset from the
// anchor (so a pan moves tiles with the map instead of reshuffling them), then candidate positions
// on growing elliptical rings around the anchor; the first free rectangle wins. A tile whose alarm
// is off-screen, that finds no free spot, or that exceeds `maxFloating` docks.

export interface Point {
  x: number;
  y: number;
}
export interface Size {
  w: number;
  h: number;
}
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Circle {
  x: number;
  y: number;
  r: number;
}

export interface LayoutGroup {
  /** the alarm (incident) id */
  id: string;
  /** the alarm's projected screen position; null when unknown */
  anchor: Point | null;
  /** tile keys (camera ids), best first */
  tiles: readonly string[];
}

export interface LayoutInput {
  viewport: Size;
  /** size of a floating tile */
  tile: Size;
  /** alarms in priority order */
  groups: readonly LayoutGroup[];
  /** incident markers (and their number badges) to keep clear of */
  markers: readonly Circle[];
  /** panels over the map (layer panel, search box…): floating and docked tiles keep clear of them */
  obstacles?: readonly Rect[];
  /** things on the map (marker labels…) floating tiles keep clear of; the strip may cover them */
  avoid?: readonly Rect[];
  /** last floating offsets (tile top-left minus anchor) by tile key */
  previous?: ReadonlyMap<string, Point>;
  /** gap between tiles, and between a tile and a marker/obstacle; default 8 */
  gap?: number;
  /** distance kept from the viewport's edges; default 8 */
  margin?: number;
  /** at most this many tiles float; the rest dock; default 8 */
  maxFloating?: number;
  /** radius kept clear around each anchor even when it has no marker (closed alarm); default 12 */
  anchorRadius?: number;
  /** docked tiles never get narrower than this (they wrap into another row); default 120 */
  minDockWidth?: number;
  /** the strip never takes more than this share of the height; default 0.45 */
  maxDockShare?: number;
  /** number of candidate rings and directions per ring; defaults 9 and 16 */
  rings?: number;
  directions?: number;
  /** farthest a floating tile's edge may be from its alarm (px); default 1.6 × the tile's longer side */
  maxDistance?: number;
}

export type Placement =
  | { kind: 'float'; rect: Rect; anchor: Point; offset: Point }
  | { kind: 'dock'; rect: Rect; index: number };

export interface LayoutResult {
  placements: Map<string, Placement>;
  /** the strip's bounding box, null when nothing docks */
  dock: Rect | null;
}

export function rectsOverlap(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

/** Distance from a point to a rectangle (0 inside). */
export function pointRectDistance(p: Point, r: Rect): number {
  const dx = Math.max(r.x - p.x, 0, p.x - (r.x + r.w));
  const dy = Math.max(r.y - p.y, 0, p.y - (r.y + r.h));
  return Math.hypot(dx, dy);
}

export function circleOverlapsRect(c: Circle, r: Rect, gap = 0): boolean {
  return pointRectDistance(c, r) < c.r + gap;
}

export function rectInside(r: Rect, area: Rect): boolean {
  return r.x >= area.x && r.y >= area.y && r.x + r.w <= area.x + area.w && r.y + r.h <= area.y + area.h;
}

/** The point of `r` nearest to `p` (where a leader line meets the tile). */
export function nearestPointOnRect(p: Point, r: Rect): Point {
  return { x: Math.min(Math.max(p.x, r.x), r.x + r.w), y: Math.min(Math.max(p.y, r.y), r.y + r.h) };
}

/** Directions, upper-right first, then alternating outward: right-hand and upper positions are preferred. */
function directionList(n: number): number[] {
  const start = -Math.PI / 4;
  const out = [start];
  for (let i = 1; out.length < n; i++) {
    out.push(start + (i * 2 * Math.PI) / n);
    if (out.length < n) out.push(start - (i * 2 * Math.PI) / n);
  }
  return out;
}

/**
 * How far along the unit direction (ux, uy) a box with half-sizes (hw, hh) must be centred so that
 * the origin lies `d` from its nearest edge.
 */
export function centreDistance(ux: number, uy: number, hw: number, hh: number, d: number): number {
  const ax = Math.abs(ux);
  const ay = Math.abs(uy);
  const sx = ax > 1e-9 ? hw / ax : Infinity; // from here on the origin is beside the box in x
  const sy = ay > 1e-9 ? hh / ay : Infinity;
  // one gap opens first and grows linearly; is d reached before the other opens?
  if (sx <= sy) {
    const s = (d + hw) / ax;
    if (s <= sy) return s;
  } else {
    const s = (d + hh) / ay;
    if (s <= sx) return s;
  }
  // both gaps open: (s·ax − hw)² + (s·ay − hh)² = d², with ax² + ay² = 1
  const b = ax * hw + ay * hh;
  const disc = b * b - (hw * hw + hh * hh - d * d);
  return b + Math.sqrt(Math.max(0, disc));
}

interface Ctx {
  tile: Size;
  area: Rect;
  markers: readonly Circle[];
  obstacles: readonly Rect[];
  gap: number;
  placed: Rect[];
}

function free(ctx: Ctx, r: Rect): boolean {
  if (!rectInside(r, ctx.area)) return false;
  for (const p of ctx.placed) if (rectsOverlap(r, p, ctx.gap)) return false;
  for (const o of ctx.obstacles) if (rectsOverlap(r, o, ctx.gap)) return false;
  for (const m of ctx.markers) if (circleOverlapsRect(m, r, ctx.gap)) return false;
  return true;
}

interface Wanted {
  key: string;
  group: number;
  anchor: Point | null;
}

interface FloatPass {
  floats: Map<string, Placement & { kind: 'float' }>;
  docked: Wanted[];
}

function floatPass(wanted: readonly Wanted[], ctx: Ctx, input: LayoutInput, maxFloating: number, dirs: number[], rings: number): FloatPass {
  const floats = new Map<string, Placement & { kind: 'float' }>();
  const docked: Wanted[] = [];
  const { w, h } = ctx.tile;
  const maxDistance = input.maxDistance ?? 1.6 * Math.max(w, h);
  const inside = (a: Point) => a.x >= ctx.area.x && a.y >= ctx.area.y && a.x <= ctx.area.x + ctx.area.w && a.y <= ctx.area.y + ctx.area.h;
  for (const want of wanted) {
    const a = want.anchor;
    if (!a || !Number.isFinite(a.x) || !Number.isFinite(a.y) || !inside(a) || floats.size >= maxFloating) {
      docked.push(want);
      continue;
    }
    let found: Rect | null = null;
    const prev = input.previous?.get(want.key);
    if (prev) {
      const r = { x: a.x + prev.x, y: a.y + prev.y, w, h };
      if (free(ctx, r)) found = r;
    }
    for (let k = 0; !found && k < rings; k++) {
      // rings at growing distances from the anchor to the tile's nearest edge
      const d = 16 + 20 * k + 8 * k * k;
      if (d > maxDistance) break;
      for (const t of dirs) {
        const ux = Math.cos(t);
        const uy = Math.sin(t);
        const sAlong = centreDistance(ux, uy, w / 2, h / 2, d);
        const cx = a.x + ux * sAlong;
        const cy = a.y + uy * sAlong;
        const r = { x: Math.round(cx - w / 2), y: Math.round(cy - h / 2), w, h };
        // whole pixels can push the last ring a fraction past the limit (found by a property run)
        if (pointRectDistance(a, r) <= maxDistance && free(ctx, r)) {
          found = r;
          break;
        }
      }
    }
    if (!found) {
      docked.push(want);
      continue;
    }
    ctx.placed.push(found);
    floats.set(want.key, { kind: 'float', rect: found, anchor: a, offset: { x: found.x - a.x, y: found.y - a.y } });
  }
  return { floats, docked };
}

/** Widest horizontal stretch of the band [y, y+h) inside [x0, x1] that no obstacle crosses. */
function widestFreeSpan(x0: number, x1: number, y: number, h: number, obstacles: readonly Rect[], gap: number): [number, number] {
  const blocked = obstacles
    .filter((o) => o.y < y + h + gap && y < o.y + o.h + gap)
    .map((o) => [o.x - gap, o.x + o.w + gap] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  let best: [number, number] = [x0, x0];
  let cursor = x0;
  for (const [s, e] of blocked) {
    if (s > cursor && Math.min(s, x1) - cursor > best[1] - best[0]) best = [cursor, Math.min(s, x1)];
    cursor = Math.max(cursor, e);
  }
  if (x1 - cursor > best[1] - best[0]) best = [cursor, x1];
  return best;
}

interface Dock {
  rect: Rect;
  slots: Rect[];
}

/**
 * Docked tiles: rows along the bottom, left to right, in the widest stretch no panel crosses;
 * another row (upward) when they would get narrower than `minDockWidth`, but the strip never
 * takes more than `maxDockShare` of the height (the tiles shrink instead).
 */
function dockLayout(n: number, input: LayoutInput, gap: number, margin: number): Dock | null {
  if (n === 0) return null;
  const { viewport, tile } = input;
  const minW = Math.min(tile.w, input.minDockWidth ?? 120);
  const aspect = tile.h / tile.w;
  const obstacles = input.obstacles ?? [];
  const maxBandH = Math.max(tile.h * 0.25, (viewport.h - 2 * margin) * (input.maxDockShare ?? 0.45));
  let best: { cols: number; w: number; h: number; x0: number } | null = null;
  for (let rows = 1; rows <= n; rows++) {
    const cols = Math.ceil(n / rows);
    // panels are looked for in a band as tall as full-size rows would be (capped like the strip)
    const bandGuess = Math.min(maxBandH, rows * tile.h + (rows - 1) * gap);
    const [x0, x1] = widestFreeSpan(margin, viewport.w - margin, viewport.h - margin - bandGuess, bandGuess, obstacles, gap);
    const w = Math.max(1, Math.floor(Math.min(tile.w, (x1 - x0 - (cols - 1) * gap) / cols)));
    const h = Math.max(1, Math.floor(w * aspect));
    if (best && rows * h + (rows - 1) * gap > maxBandH) break;
    best = { cols, w, h, x0 };
    if (w >= minW) break;
  }
  const { cols, w, h, x0 } = best!;
  const slots: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / cols);
    const col = i % cols;
    slots.push({ x: Math.round(x0 + col * (w + gap)), y: Math.round(viewport.h - margin - (row + 1) * h - row * gap), w, h });
  }
  const top = Math.min(...slots.map((sl) => sl.y));
  const right = Math.max(...slots.map((sl) => sl.x + sl.w));
  return { rect: { x: Math.round(x0), y: top, w: right - Math.round(x0), h: viewport.h - margin - top }, slots };
}

export function layoutTiles(input: LayoutInput): LayoutResult {
  const gap = input.gap ?? 8;
  const margin = input.margin ?? 8;
  const maxFloating = Math.max(0, input.maxFloating ?? 8);
  const anchorRadius = input.anchorRadius ?? 12;
  const dirs = directionList(Math.max(4, input.directions ?? 16));
  const rings = Math.max(1, input.rings ?? 9);
  const obstacles = input.obstacles ?? [];

  const wanted: Wanted[] = [];
  input.groups.forEach((g, gi) => {
    for (const key of g.tiles) wanted.push({ key, group: gi, anchor: g.anchor });
  });
  const markers: Circle[] = [...input.markers];
  for (const g of input.groups) if (g.anchor) markers.push({ x: g.anchor.x, y: g.anchor.y, r: anchorRadius });

  const fullArea: Rect = { x: margin, y: margin, w: Math.max(0, input.viewport.w - 2 * margin), h: Math.max(0, input.viewport.h - 2 * margin) };
  const floatObstacles = [...obstacles, ...(input.avoid ?? [])];
  const run = (area: Rect) => floatPass(wanted, { tile: input.tile, area, markers, obstacles: floatObstacles, gap, placed: [] }, input, maxFloating, dirs, rings);

  let pass = run(fullArea);
  let dock = dockLayout(pass.docked.length, input, gap, margin);
  // Floats must stay clear of the strip: lay them out again above it until the strip stops growing.
  for (let i = 0; i < 4 && dock; i++) {
    const area = { ...fullArea, h: Math.max(0, dock.rect.y - gap - fullArea.y) };
    const again = run(area);
    const nextDock = dockLayout(again.docked.length, input, gap, margin);
    pass = again;
    if (!nextDock || nextDock.rect.y >= dock.rect.y) {
      dock = nextDock;
      break;
    }
    dock = nextDock;
  }
  // If the strip still grew past the floats in the last round, dock whatever it covers.
  for (let moved = true; moved && dock; ) {
    moved = false;
    for (const [key, f] of [...pass.floats]) {
      if (rectsOverlap(f.rect, dock.rect, gap)) {
        pass.floats.delete(key);
        pass.docked.push(wanted.find((x) => x.key === key) as Wanted);
        moved = true;
      }
    }
    if (moved) {
      pass.docked.sort((a, b) => wanted.indexOf(a) - wanted.indexOf(b));
      dock = dockLayout(pass.docked.length, input, gap, margin);
    }
  }

  const placements = new Map<string, Placement>();
  for (const w of wanted) {
    const f = pass.floats.get(w.key);
    if (f) placements.set(w.key, f);
  }
  pass.docked.forEach((w, index) => {
    placements.set(w.key, { kind: 'dock', rect: (dock as Dock).slots[index], index });
  });
  return { placements, dock: dock?.rect ?? null };
}

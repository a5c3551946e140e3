// Units held for the map: a Map by id plus typed-array columns (positions, colours, sizes,
// headings) updated in place per delta, so deck.gl layers take binary attributes instead of
// running accessors over tens of thousands of objects on every update.
import type { TrailPoint, Unit } from '../../../core/domain';
import { insertTrailPoint, type UnitView } from '../../../core/situation/situation';
import { UNIT_COLORS } from './colors';

export interface UnitStyleOptions {
  /** offline units are hidden unless this is set */
  showOffline: boolean;
}

export interface UnitStyle {
  fill: [number, number, number, number];
  line: [number, number, number, number];
  /** pixels */
  radius: number;
  /** pixels */
  lineWidth: number;
  visible: boolean;
}

/** How one unit looks: kind sets colour and size; stale dims it; offline hides it (by default). */
export function unitStyle(u: Pick<Unit, 'kind' | 'stale' | 'status'>, opts: UnitStyleOptions): UnitStyle {
  const base = UNIT_COLORS[u.kind] ?? UNIT_COLORS.volunteer;
  const visible = u.status !== 'offline' || opts.showOffline;
  const dim = u.status === 'offline' ? 0.35 : u.stale ? 0.45 : 1;
  const alpha = visible ? Math.round(base[3] * dim) : 0;
  const volunteer = u.kind === 'volunteer';
  return {
    fill: [base[0], base[1], base[2], alpha],
    line: volunteer ? [0, 0, 0, 0] : [255, 255, 255, visible ? Math.round(230 * dim) : 0],
    radius: visible ? (volunteer ? 4 : u.kind === 'vehicle' ? 7 : 6) : 0,
    lineWidth: volunteer ? 0 : 1.5,
    visible,
  };
}

export class UnitTable {
  readonly index = new Map<string, number>();
  units: Unit[] = [];
  count = 0;
  capacity = 0;
  positions = new Float32Array(0);
  fillColors = new Uint8Array(0);
  lineColors = new Uint8Array(0);
  radii = new Float32Array(0);
  lineWidths = new Float32Array(0);
  /** deck.gl icon angle (counter-clockwise degrees) of the heading arrow */
  angles = new Float32Array(0);
  /** heading arrow height in pixels (the arrow icon is a tight crop): 0 when the heading is unknown or the unit hidden */
  arrowSizes = new Float32Array(0);
  /** bumps whenever any column changes: layers compare it */
  version = 0;
  /** points kept per trail: the situation's own limit, which each snapshot carries */
  trailLength = 10;
  private style: UnitStyleOptions;

  constructor(style: UnitStyleOptions = { showOffline: false }) {
    this.style = style;
  }

  get(id: string): Unit | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.units[i];
  }

  clear(): void {
    this.index.clear();
    this.units = [];
    this.count = 0;
    this.version++;
  }

  /** Replaces everything with a snapshot's units (trails included, as the situation holds them). */
  load(units: Unit[], trailLength = this.trailLength): void {
    this.clear();
    this.trailLength = trailLength;
    this.reserve(units.length);
    for (const u of units) this.put({ ...u, trail: u.trail.map((p) => [...p] as TrailPoint) });
    this.version++;
  }

  /**
   * Applies a delta's unit (no trail). `ownPoint`: its position is a trail point (the one a
   * tuple implies); false when the delta lists this unit's trail points itself (addTrailPoint).
   */
  upsert(view: UnitView, ownPoint = true): void {
    const i = this.index.get(view.id);
    if (i === undefined) {
      this.put({ ...view, trail: [] });
      if (ownPoint) this.addTrailPoint(view.id, [view.lon, view.lat, view.ts]);
    } else {
      const prev = this.units[i];
      // tens of thousands of these a second: the delta's own object is taken over and the trail
      // kept in place, rather than copying both (which the garbage collector pays for)
      const u = view as Unit;
      u.trail = prev.trail;
      this.units[i] = u;
      this.write(i);
      if (ownPoint) this.addTrailPoint(view.id, [view.lon, view.lat, view.ts]);
    }
    this.version++;
  }

  /** A point for a unit's trail, placed as the situation placed it (core's insertTrailPoint). */
  addTrailPoint(id: string, point: TrailPoint): void {
    const u = this.get(id);
    if (!u) return;
    const last = u.trail[u.trail.length - 1];
    // a unit re-sent without moving (its status, staleness) says nothing new about where it went
    if (last && last[0] === point[0] && last[1] === point[1] && last[2] === point[2]) return;
    insertTrailPoint(u.trail, point, this.trailLength);
    this.version++;
  }

  remove(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    const last = this.count - 1;
    if (i !== last) {
      // swap the last row into the hole
      const moved = this.units[last];
      this.units[i] = moved;
      this.index.set(moved.id, i);
      this.copyRow(last, i);
    }
    this.units.length = last;
    this.index.delete(id);
    this.count = last;
    this.version++;
  }

  /** Marks stale the units last seen before `cutoff` (the services' clock); how many changed. */
  markStaleBefore(cutoff: number): number {
    let changed = 0;
    for (let i = 0; i < this.count; i++) {
      const u = this.units[i];
      if (u.stale || u.lastSeen >= cutoff) continue;
      u.stale = true;
      this.write(i);
      changed++;
    }
    if (changed) this.version++;
    return changed;
  }

  setStyle(style: UnitStyleOptions): void {
    this.style = style;
    for (let i = 0; i < this.count; i++) this.write(i);
    this.version++;
  }

  private put(u: Unit): void {
    this.reserve(this.count + 1);
    const i = this.count++;
    this.units[i] = u;
    this.index.set(u.id, i);
    this.write(i);
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, Math.ceil(this.capacity * 1.5), 256);
    const grow = <T extends Float32Array | Uint8Array>(old: T, size: number, make: (n: number) => T): T => {
      const next = make(cap * size);
      next.set(old.subarray(0, this.count * size));
      return next;
    };
    this.positions = grow(this.positions, 2, (n) => new Float32Array(n));
    this.fillColors = grow(this.fillColors, 4, (n) => new Uint8Array(n));
    this.lineColors = grow(this.lineColors, 4, (n) => new Uint8Array(n));
    this.radii = grow(this.radii, 1, (n) => new Float32Array(n));
    this.lineWidths = grow(this.lineWidths, 1, (n) => new Float32Array(n));
    this.angles = grow(this.angles, 1, (n) => new Float32Array(n));
    this.arrowSizes = grow(this.arrowSizes, 1, (n) => new Float32Array(n));
    this.capacity = cap;
  }

  private write(i: number): void {
    const u = this.units[i];
    this.positions[i * 2] = u.lon;
    this.positions[i * 2 + 1] = u.lat;
    const s = unitStyle(u, this.style);
    this.fillColors.set(s.fill, i * 4);
    this.lineColors.set(s.line, i * 4);
    this.radii[i] = s.radius;
    this.lineWidths[i] = s.lineWidth;
    const hasHeading = s.visible && typeof u.heading === 'number' && Number.isFinite(u.heading);
    this.angles[i] = hasHeading ? -(u.heading as number) : 0;
    // the arrow icon is a tight 32×16 crop drawn 16 px above the dot's centre (see icons.ts)
    this.arrowSizes[i] = hasHeading ? s.radius : 0;
  }

  private copyRow(from: number, to: number): void {
    this.positions.copyWithin(to * 2, from * 2, from * 2 + 2);
    this.fillColors.copyWithin(to * 4, from * 4, from * 4 + 4);
    this.lineColors.copyWithin(to * 4, from * 4, from * 4 + 4);
    this.radii[to] = this.radii[from];
    this.lineWidths[to] = this.lineWidths[from];
    this.angles[to] = this.angles[from];
    this.arrowSizes[to] = this.arrowSizes[from];
  }
}

/** Trails drawn as separate segments (a LineLayer: one simple quad each, far cheaper to draw than
 * joined paths), for at most `maxUnits` units — patrols, police and vehicles first — and only the
 * last `points` fixes of each: short trails, and a bounded cost however many units there are. */
export interface TrailSegments {
  length: number;
  sources: Float32Array;
  targets: Float32Array;
  colors: Uint8Array;
  /** units whose trails are drawn */
  units: number;
}

export const TRAIL_DRAWN_POINTS = 6;
export const TRAIL_MAX_UNITS = 5_000;

export function buildTrailSegments(table: UnitTable, opts: UnitStyleOptions, maxUnits = TRAIL_MAX_UNITS, points = TRAIL_DRAWN_POINTS): TrailSegments {
  const chosen: number[] = [];
  // two passes: units with a heading-worthy kind first, then volunteers, until the cap
  for (const volunteers of [false, true]) {
    for (let i = 0; i < table.count && chosen.length < maxUnits; i++) {
      const u = table.units[i];
      if ((u.kind === 'volunteer') !== volunteers || u.trail.length < 2) continue;
      if (!unitStyle(u, opts).visible) continue;
      chosen.push(i);
    }
  }
  let segs = 0;
  for (const i of chosen) segs += Math.min(points, table.units[i].trail.length) - 1;
  const sources = new Float32Array(segs * 2);
  const targets = new Float32Array(segs * 2);
  const colors = new Uint8Array(segs * 4);
  let s = 0;
  for (const i of chosen) {
    const u = table.units[i];
    const st = unitStyle(u, opts);
    const from = Math.max(0, u.trail.length - points);
    const n = u.trail.length - from - 1;
    for (let k = 0; k < n; k++) {
      const a = u.trail[from + k];
      const b = u.trail[from + k + 1];
      sources[s * 2] = a[0];
      sources[s * 2 + 1] = a[1];
      targets[s * 2] = b[0];
      targets[s * 2 + 1] = b[1];
      // older segments fade out
      colors[s * 4] = st.fill[0];
      colors[s * 4 + 1] = st.fill[1];
      colors[s * 4 + 2] = st.fill[2];
      colors[s * 4 + 3] = Math.round(st.fill[3] * (0.15 + 0.6 * ((k + 1) / n)));
      s++;
    }
  }
  return { length: segs, sources, targets, colors, units: chosen.length };
}

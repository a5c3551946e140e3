// Where the units are, for "who is nearest": a uniform grid of cells over longitude/latitude,
// updated in place as units move (a move is O(1); a static tree would be rebuilt 20,000 times a
// second). A query walks rings of cells outward from the spot and stops as soon as no unvisited
// cell can hold anything nearer than what it has. Pure, no I/O.
import { distanceMeters } from '../geo/polygon.js';

/** ~550 m of latitude: a few hundred units per cell in a dense city centre */
export const DEFAULT_CELL_DEG = 0.005;
const METRES_PER_DEG_LAT = 111_320;
const OFFSET = 2 ** 20;
/** the farthest a query looks */
export const MAX_RADIUS_M = 100_000;

export interface Located {
  lon: number;
  lat: number;
}

export interface Near<T> {
  id: string;
  item: T;
  distanceM: number;
}

/** nearest first; at equal distance by id, so the answer never depends on insertion order */
const byDistance = <T>(a: Near<T>, b: Near<T>) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class SpatialGrid<T extends Located> {
  private readonly cells = new Map<number, Map<string, T>>();
  private readonly cellOf = new Map<string, number>();

  constructor(private readonly cellDeg = DEFAULT_CELL_DEG) {}

  get size(): number {
    return this.cellOf.size;
  }

  private key(ix: number, iy: number): number {
    return (ix + OFFSET) * 2 ** 21 + (iy + OFFSET);
  }

  private index(v: number): number {
    return Math.floor(v / this.cellDeg);
  }

  /** Puts (or moves) `item` under `id` at its position; a position that is not a number is taken out. */
  set(id: string, item: T): void {
    if (!Number.isFinite(item.lon) || !Number.isFinite(item.lat)) return this.delete(id);
    const k = this.key(this.index(item.lon), this.index(item.lat));
    const was = this.cellOf.get(id);
    if (was !== undefined && was !== k) this.cells.get(was)?.delete(id);
    let cell = this.cells.get(k);
    if (!cell) this.cells.set(k, (cell = new Map()));
    cell.set(id, item);
    this.cellOf.set(id, k);
  }

  delete(id: string): void {
    const was = this.cellOf.get(id);
    if (was === undefined) return;
    const cell = this.cells.get(was);
    cell?.delete(id);
    if (cell && cell.size === 0) this.cells.delete(was);
    this.cellOf.delete(id);
  }

  clear(): void {
    this.cells.clear();
    this.cellOf.clear();
  }

  /**
   * The `limit` nearest items that pass `accept`, within `maxRadiusM` of the spot, nearest first
   * (at equal distance, by id).
   */
  nearest(lon: number, lat: number, limit: number, maxRadiusM: number, accept: (item: T) => boolean = () => true): Near<T>[] {
    if (limit <= 0 || !Number.isFinite(lon) || !Number.isFinite(lat) || !(maxRadiusM >= 0)) return [];
    // a bounded walk: beyond a city's reach nobody is "nearby"
    maxRadiusM = Math.min(maxRadiusM, MAX_RADIUS_M);
    const cx = this.index(lon);
    const cy = this.index(lat);
    // the narrowest a cell is, in metres, anywhere it could be reached: its longitude side at the
    // highest latitude the search can touch
    const latSpan = maxRadiusM / METRES_PER_DEG_LAT;
    const cosMin = Math.cos((Math.min(89, Math.abs(lat) + latSpan) * Math.PI) / 180);
    const cellM = this.cellDeg * METRES_PER_DEG_LAT * Math.max(cosMin, 1e-6);
    const maxRing = Math.ceil(maxRadiusM / cellM) + 1;
    const found: Near<T>[] = [];
    for (let r = 0; r <= maxRing; r++) {
      this.visitRing(cx, cy, r, (id, item) => {
        if (!accept(item)) return;
        const d = distanceMeters(lon, lat, item.lon, item.lat);
        if (d <= maxRadiusM) found.push({ id, item, distanceM: d });
      });
      // everything in ring r+1 and beyond is at least r cells away (strictly nearer wins; a tie
      // could still lose to a smaller id further out)
      if (found.length >= limit) {
        found.sort(byDistance);
        if (found[limit - 1].distanceM < r * cellM) break;
      }
    }
    found.sort(byDistance);
    return found.slice(0, limit);
  }

  /** Everything that passes `accept` within `radiusM`, nearest first. */
  within(lon: number, lat: number, radiusM: number, accept: (item: T) => boolean = () => true): Near<T>[] {
    return this.nearest(lon, lat, Number.MAX_SAFE_INTEGER, radiusM, accept);
  }

  private visitRing(cx: number, cy: number, r: number, fn: (id: string, item: T) => void): void {
    const visit = (ix: number, iy: number) => {
      const cell = this.cells.get(this.key(ix, iy));
      if (cell) for (const [id, item] of cell) fn(id, item);
    };
    if (r === 0) return visit(cx, cy);
    for (let ix = cx - r; ix <= cx + r; ix++) {
      visit(ix, cy - r);
      visit(ix, cy + r);
    }
    for (let iy = cy - r + 1; iy <= cy + r - 1; iy++) {
      visit(cx - r, iy);
      visit(cx + r, iy);
    }
  }
}

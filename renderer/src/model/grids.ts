// Grids filled by a measure: which level fits the zoom, the figures per grid at every level
// (each item counts in its own grid and in every ancestor), nice bins and a dark-friendly ramp.
// Pure: the catalog is built once per grid collection, counts once per change.
import type { GridLevel, Incident } from '../../../core/domain';
import { geometryBBox, type AreaGeometry, type BBox, type Position } from '../../../core/geo/polygon';
import type { RGBA } from './colors';
import type { UnitTable } from './units';
import { labelPointOf } from './label-points';

export const GRID_MEASURES = ['open', 'day', 'units'] as const;
export type GridMeasure = (typeof GRID_MEASURES)[number];
/** what the panel offers: a measure, or no fill */
export type GridFill = GridMeasure | 'none';
export const GRID_FILLS: readonly GridFill[] = ['open', 'day', 'units', 'none'];

export const FILL_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type FillLevel = (typeof FILL_LEVELS)[number];

/** Zoom from which each level is filled (the basemap draws its outlines from the same zooms). */
export const FILL_LEVEL_FROM: Record<FillLevel, number> = { district: -Infinity, street: 11, community: 13, grid: 14.5 };

export function levelForZoom(zoom: number): FillLevel {
  if (zoom >= FILL_LEVEL_FROM.grid) return 'grid';
  if (zoom >= FILL_LEVEL_FROM.community) return 'community';
  if (zoom >= FILL_LEVEL_FROM.street) return 'street';
  return 'district';
}

export interface GridEntry {
  id: string;
  name: string;
  level: GridLevel;
  /** ancestor ids including this one, city first */
  ids: string[];
  names: string[];
  /** a point inside the area, for labels and search */
  center: [number, number];
  bounds: BBox;
}

export interface GridFeatureLike {
  type: 'Feature';
  properties: { id: string; name: string; level: GridLevel; ids?: string[]; names?: string[] };
  geometry: AreaGeometry;
}

export interface GridCatalog {
  byId: Map<string, GridEntry>;
  entries: GridEntry[];
  /** features per fillable level, for the fill layer */
  features: Record<FillLevel, GridFeatureLike[]>;
  featureById: Map<string, GridFeatureLike>;
}

function largestPolygon(g: AreaGeometry): Position[][] | null {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: Position[][] | null = null;
  let area = -1;
  for (const p of polys) {
    const ring = p[0];
    if (!ring) continue;
    let a = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    if (Math.abs(a) > area) {
      area = Math.abs(a);
      best = p;
    }
  }
  return best;
}

const catalogs = new WeakMap<object, GridCatalog>();

/** Index of a grid FeatureCollection (memoised on its identity). */
export function gridCatalog(grids: unknown): GridCatalog {
  if (grids && typeof grids === 'object') {
    const hit = catalogs.get(grids);
    if (hit) return hit;
  }
  const cat: GridCatalog = { byId: new Map(), entries: [], features: { district: [], street: [], community: [], grid: [] }, featureById: new Map() };
  const list = (grids as { features?: unknown[] } | null)?.features;
  if (Array.isArray(list)) {
    for (const raw of list) {
      const f = raw as GridFeatureLike;
      const p = f?.properties;
      if (!p || typeof p.id !== 'string' || !f.geometry) continue;
      const poly = largestPolygon(f.geometry);
      if (!poly) continue;
      const entry: GridEntry = {
        id: p.id,
        name: p.name,
        level: p.level,
        ids: Array.isArray(p.ids) ? p.ids : [p.id],
        names: Array.isArray(p.names) ? p.names : [p.name],
        center: labelPointOf(poly),
        bounds: geometryBBox(f.geometry),
      };
      cat.byId.set(p.id, entry);
      cat.featureById.set(p.id, f);
      cat.entries.push(entry);
      if ((FILL_LEVELS as readonly string[]).includes(p.level)) cat.features[p.level as FillLevel].push(f);
    }
  }
  if (grids && typeof grids === 'object') catalogs.set(grids, cat);
  return cat;
}

export type Counts = Map<string, number>;

function addPath(counts: Counts, ids: readonly string[]): void {
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
}

/** Open incidents per grid, every level (each incident counts in its grid and all ancestors). */
export function countOpen(incidents: Iterable<Incident>): Counts {
  const counts: Counts = new Map();
  for (const inc of incidents) if (inc.status === 'open' && inc.grid) addPath(counts, inc.grid.ids);
  return counts;
}

export interface LoggedIncident {
  ts: number;
  /** the grid path, city first; empty when outside every grid */
  ids: readonly string[];
}

/** Incidents whose report time is at or after `since`, per grid, every level. */
export function countSince(log: Iterable<LoggedIncident>, since: number): Counts {
  const counts: Counts = new Map();
  for (const e of log) if (e.ts >= since) addPath(counts, e.ids);
  return counts;
}

/** Units on duty (available or busy, not offline) per grid, every level, via each unit's grid's ancestors. */
export function countUnits(units: UnitTable, catalog: GridCatalog): Counts {
  // units in the same grid share its path: count per grid first, then spread upwards once
  const perGrid = new Map<string, number>();
  for (let i = 0; i < units.count; i++) {
    const u = units.units[i];
    if (u.status === 'offline' || !u.gridId) continue;
    perGrid.set(u.gridId, (perGrid.get(u.gridId) ?? 0) + 1);
  }
  const counts: Counts = new Map();
  for (const [gridId, n] of perGrid) {
    const ids = catalog.byId.get(gridId)?.ids ?? [gridId];
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + n);
  }
  return counts;
}

/** Largest figure among the grids of one level. */
export function maxAtLevel(counts: Counts, catalog: GridCatalog, level: FillLevel): number {
  let max = 0;
  for (const f of catalog.features[level]) {
    const v = counts.get(f.properties.id) ?? 0;
    if (v > max) max = v;
  }
  return max;
}

const NICE = [1, 2, 3, 5];
function niceAtMost(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  let best = p;
  for (const m of NICE) if (m * p <= v) best = m * p;
  return best;
}

/**
 * Lower bounds of up to `bins` classes for figures 1…max: one class per value when max ≤ bins,
 * even steps up to 25, then roughly geometric steps rounded to 1-2-3-5. Zero is never a class
 * (it is not filled).
 */
export function niceBreaks(max: number, bins = 5): number[] {
  const m = Math.max(0, Math.floor(max));
  if (m === 0) return [];
  if (m <= bins) return Array.from({ length: m }, (_, i) => i + 1);
  if (m <= 25) {
    const step = Math.ceil(m / bins);
    const out: number[] = [];
    for (let lo = 1; lo <= m && out.length < bins; lo += step) out.push(lo);
    return out;
  }
  const out = [1];
  for (let i = 1; i < bins; i++) {
    const b = niceAtMost(m ** (i / bins));
    if (b > out[out.length - 1]) out.push(b);
  }
  return out;
}

/** Class of a figure: -1 for zero/none, else the index into breaks. */
export function binOf(value: number, breaks: readonly number[]): number {
  if (!(value > 0) || breaks.length === 0) return -1;
  let i = -1;
  for (let k = 0; k < breaks.length; k++) if (value >= breaks[k]) i = k;
  return i;
}

/** Sequential, dark-friendly: lightness rises from the basemap's navy to pale cyan, low chroma
 * so the saturated incident and unit colours stay on top. Index 0 = lowest class. */
export const GRID_RAMP: RGBA[] = [
  [34, 64, 96, 150],
  [36, 88, 128, 160],
  [42, 114, 156, 170],
  [60, 144, 182, 180],
  [104, 184, 212, 190],
];
export const GRID_RAMP_CSS = GRID_RAMP.map((c) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] / 255).toFixed(2)})`);

/** Colours for the classes: the ramp spread over however many classes there are. */
export function rampFor(classes: number): RGBA[] {
  if (classes <= 0) return [];
  if (classes === 1) return [GRID_RAMP[2]];
  return Array.from({ length: classes }, (_, i) => GRID_RAMP[Math.round((i * (GRID_RAMP.length - 1)) / (classes - 1))]);
}

const TRANSPARENT: RGBA = [0, 0, 0, 0];

export function fillColorFor(value: number, breaks: readonly number[]): RGBA {
  const b = binOf(value, breaks);
  return b < 0 ? TRANSPARENT : rampFor(breaks.length)[b];
}

/** Legend rows: "1", "2–4", … "≥50". */
export function binLabels(breaks: readonly number[], max: number): string[] {
  return breaks.map((lo, i) => {
    const next = breaks[i + 1];
    const hi = next === undefined ? max : next - 1;
    if (next === undefined) return lo === max ? `${lo}` : `≥${lo}`;
    return hi === lo ? `${lo}` : `${lo}–${hi}`;
  });
}

export interface GridFigures {
  open: number;
  day: number;
  units: number;
}

export interface MeasureSources {
  incidents: Map<string, Incident>;
  history: { values(): Iterable<LoggedIncident> };
  historyVersion: number;
  units: UnitTable;
  unitsVersion: number;
  /** local wall-clock ms */
  now: number;
}

export const DAY_MS = 24 * 3600_000;
/** units move all the time: their counts are refreshed at most this often */
export const UNIT_COUNTS_EVERY_MS = 2000;

/** Counts per measure, recomputed only when what they count changed (units: at most every 2 s). */
export class GridMeasures {
  private open: { src: Map<string, Incident>; counts: Counts } | null = null;
  private day: { version: number; minute: number; counts: Counts } | null = null;
  private unitCounts: { version: number; at: number; counts: Counts; catalog: GridCatalog } | null = null;
  private seq = 0;
  private keys: Record<GridMeasure, number> = { open: 0, day: 0, units: 0 };

  counts(measure: GridMeasure, s: MeasureSources, catalog: GridCatalog): { counts: Counts; key: string } {
    switch (measure) {
      case 'open':
        if (!this.open || this.open.src !== s.incidents) {
          this.open = { src: s.incidents, counts: countOpen(s.incidents.values()) };
          this.keys.open = ++this.seq;
        }
        return { counts: this.open.counts, key: `open:${this.keys.open}` };
      case 'day': {
        const minute = Math.floor(s.now / 60_000);
        if (!this.day || this.day.version !== s.historyVersion || this.day.minute !== minute) {
          this.day = { version: s.historyVersion, minute, counts: countSince(s.history.values(), s.now - DAY_MS) };
          this.keys.day = ++this.seq;
        }
        return { counts: this.day.counts, key: `day:${this.keys.day}` };
      }
      case 'units': {
        const u = this.unitCounts;
        if (!u || u.catalog !== catalog || (u.version !== s.unitsVersion && s.now - u.at >= UNIT_COUNTS_EVERY_MS)) {
          this.unitCounts = { version: s.unitsVersion, at: s.now, counts: countUnits(s.units, catalog), catalog };
          this.keys.units = ++this.seq;
        }
        return { counts: this.unitCounts!.counts, key: `units:${this.keys.units}` };
      }
    }
  }

  figures(id: string, s: MeasureSources, catalog: GridCatalog): GridFigures {
    return {
      open: this.counts('open', s, catalog).counts.get(id) ?? 0,
      day: this.counts('day', s, catalog).counts.get(id) ?? 0,
      units: this.counts('units', s, catalog).counts.get(id) ?? 0,
    };
  }
}

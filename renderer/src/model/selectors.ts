// What the wall derives from its model: pure functions of the model (and the clock, the map's view
// where they depend on them), memoised on the identities they read. Components, the map and the
// video wall read these; none of them stores what it derived back into the model.
import { type Feed, feedsOf, unitFeeds } from './feeds';
import { availableUnits } from './situation';
import type { UnitTable } from './units';
import { gridCatalog, type GridCatalog, type GridFigures, type Counts, levelForZoom, type FillLevel, maxAtLevel, type MeasureSources, niceBreaks, type GridFill } from './grids';
import type { WallModel } from './wall';

export const measureSources = (m: WallModel, now: number): MeasureSources => ({
  incidents: m.incidents,
  history: m.history,
  historyVersion: m.historyVersion,
  units: m.units,
  unitsVersion: m.unitsVersion,
  now,
});

/** The grid catalogue of the reference data (memoised on the collection). */
export const catalogOf = (m: WallModel): GridCatalog => gridCatalog(m.reference?.grids ?? null);

/** The three figures of one grid. */
export function gridFigures(m: WallModel, id: string, now: number): GridFigures {
  return m.measures.figures(id, measureSources(m, now), catalogOf(m));
}

/** How the grids are filled now: the level that fits the zoom, the counts, their classes. */
export interface GridFillState {
  fill: GridFill;
  catalog: GridCatalog;
  level: FillLevel;
  /** null: no fill */
  counts: Counts | null;
  breaks: number[];
  max: number;
  /** changes when counts, level or classes do */
  version: string;
}

/** The default view's zoom stands in until the map reports one. */
const DEFAULT_ZOOM = 11.5;

export function gridFillOf(m: WallModel, now: number): GridFillState | null {
  const catalog = catalogOf(m);
  if (!catalog.entries.length) return null;
  const level = levelForZoom(m.zoom ?? m.reference?.view.zoom ?? DEFAULT_ZOOM);
  const counted = m.gridFill === 'none' ? null : m.measures.counts(m.gridFill, measureSources(m, now), catalog);
  const max = counted ? maxAtLevel(counted.counts, catalog, level) : 0;
  const breaks = niceBreaks(max);
  return { fill: m.gridFill, catalog, level, counts: counted?.counts ?? null, breaks, max, version: `${counted?.key}|${level}|${breaks.join(',')}` };
}

/** How long the header's unit figures may lag the unit table: walking 50,000 units on every alarm and clock tick is not free. */
export const UNIT_FIGURES_MS = 1000;

export interface UnitFigures {
  available: number;
  total: number;
  /** the unit location feeds (feedsOf merges them with the rest) */
  feeds: Feed[];
}

const unitFiguresMemo = new WeakMap<UnitTable, { version: number; at: number; value: UnitFigures }>();

/**
 * Units available and held, and the unit feeds with when each was last heard: walked over the whole
 * unit table when it changed, but at most once per UNIT_FIGURES_MS, so a header that re-renders
 * with every alarm and every second does not walk every unit each time.
 */
export function unitFigures(m: WallModel, now: number): UnitFigures {
  const memo = unitFiguresMemo.get(m.units);
  if (memo && (memo.version === m.unitsVersion || (now >= memo.at && now - memo.at < UNIT_FIGURES_MS))) return memo.value;
  const value = { ...availableUnits(m.units), feeds: unitFeeds(m.units) };
  unitFiguresMemo.set(m.units, { version: m.unitsVersion, at: now, value });
  return value;
}

/** Every feed the wall hears from, the unit feeds as unitFigures last counted them. */
export const feedsNow = (m: WallModel, now: number): Feed[] => feedsOf(m, unitFigures(m, now).feeds);

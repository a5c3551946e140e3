// What the wall derives from its model: pure functions of the model (and the clock, the map's view
// where they depend on them), memoised on the identities they read. Components, the map and the
// video wall read these; none of them stores what it derived back into the model.
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

// Grids filled by the chosen measure at the level that fits the zoom; the selected (or found) one
// outlined. The outlines of every grid are the basemap's (a deck.gl outline of 2,000 cells costs a
// software renderer half a second per redraw).
import { GeoJsonLayer } from '@deck.gl/layers';
import { fillColorFor, type FillLevel, type GridCatalog, type GridFeatureLike } from '../../model/grids';
import type { LayerMemo } from './memo';
import type { LayerModule } from './shared';

type Collection = { type: 'FeatureCollection'; features: GridFeatureLike[] };

/** One feature collection per catalogue and level, kept for the layer's data identity. */
function levelData(memo: LayerMemo, cat: GridCatalog, level: FillLevel): Collection {
  const byLevel = memo.of('grid-levels', cat, () => new Map<FillLevel, Collection>());
  let d = byLevel.get(level);
  if (!d) byLevel.set(level, (d = { type: 'FeatureCollection', features: cat.features[level] }));
  return d;
}

export const gridLayers: LayerModule = (s, memo) => {
  const g = s.grid;
  if (!g) return {};
  const base = [];
  const k = s.scale;
  if (s.layers.grids && g.values) {
    const values = g.values;
    const breaks = g.breaks;
    base.push(
      new GeoJsonLayer<GridFeatureLike['properties']>({
        id: 'grid-fill',
        data: levelData(memo, g.catalog, g.level) as never,
        filled: true,
        stroked: false,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 36],
        getFillColor: (f: { properties: { id: string } }) => fillColorFor(values.get(f.properties.id) ?? 0, breaks),
        updateTriggers: { getFillColor: g.version },
        // a single click on a grid does nothing (a casual click must not open a panel): a double
        // click opens its figures (MapView)
      } as never),
    );
  }
  const outlinedId = s.highlight?.kind === 'grid' ? s.highlight.id : g.selectedId;
  const outlined = outlinedId ? g.catalog.featureById.get(outlinedId) : undefined;
  if (outlined) {
    base.push(
      new GeoJsonLayer({
        id: 'grid-selected',
        data: memo.of('one-feature', outlined, (f) => ({ type: 'FeatureCollection' as const, features: [f] })) as never,
        filled: true,
        getFillColor: [255, 255, 255, 18],
        stroked: true,
        getLineColor: [235, 245, 255, 230],
        lineWidthUnits: 'pixels',
        getLineWidth: 2.5 * k,
        updateTriggers: { getLineWidth: k },
      }),
    );
  }
  return { base };
};

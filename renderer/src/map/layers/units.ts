// Volunteers, patrols, police and vehicles: binary columns straight from the unit table (no
// per-object accessors over tens of thousands of units), heading arrows, and short trails.
import { IconLayer, LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { TrailSegments, UnitTable } from '../../model/units';
import type { LayerMemo } from './memo';
import type { LayerModule } from './shared';

/** The table's columns as deck.gl binary data, one object per table version. */
function unitData(memo: LayerMemo, table: UnitTable, version: number) {
  const held = memo.get<{ table: UnitTable; version: number; data: unknown }>('unit-data');
  if (held && held.table === table && held.version === version) return held.data;
  const n = table.count;
  const data = {
    length: n,
    attributes: {
      getPosition: { value: table.positions.subarray(0, n * 2), size: 2 },
      getFillColor: { value: table.fillColors.subarray(0, n * 4), size: 4, normalized: true },
      getLineColor: { value: table.lineColors.subarray(0, n * 4), size: 4, normalized: true },
      getRadius: { value: table.radii.subarray(0, n), size: 1 },
      getLineWidth: { value: table.lineWidths.subarray(0, n), size: 1 },
      getAngle: { value: table.angles.subarray(0, n), size: 1 },
      getSize: { value: table.arrowSizes.subarray(0, n), size: 1 },
    },
  };
  return memo.set('unit-data', { table, version, data }).data;
}

/** Binary segment data for the trails, one object per rebuild (a new object would re-upload every frame). */
const trailData = (memo: LayerMemo, t: TrailSegments) =>
  memo.of('trails', t, () => ({
    length: t.length,
    attributes: {
      getSourcePosition: { value: t.sources, size: 2 },
      getTargetPosition: { value: t.targets, size: 2 },
      getColor: { value: t.colors, size: 4, normalized: true },
    },
  }));

export const unitLayers: LayerModule = (s, memo) => {
  if (!s.layers.units || s.units.count === 0) return {};
  const k = s.scale;
  const base = [];
  if (s.layers.trails && s.trails && s.trails.length > 0) {
    base.push(new LineLayer({ id: 'unit-trails', data: trailData(memo, s.trails) as never, widthUnits: 'pixels', getWidth: 2 * k, updateTriggers: { getWidth: k } }));
  }
  const data = unitData(memo, s.units, s.unitsVersion);
  base.push(new ScatterplotLayer({ id: 'units', data: data as never, pickable: true, stroked: true, radiusUnits: 'pixels', lineWidthUnits: 'pixels', radiusScale: k, lineWidthScale: k }));
  if (s.icons) {
    base.push(
      new IconLayer({
        id: 'unit-headings',
        data: data as never,
        iconAtlas: s.icons.atlas as never,
        iconMapping: s.icons.mapping,
        getIcon: () => 'arrow',
        sizeUnits: 'pixels',
        sizeScale: k,
        getColor: [255, 255, 255, 235],
      }),
    );
  }
  return { base };
};

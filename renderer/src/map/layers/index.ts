// The map's deck.gl layers as a pure function of the layer input and the map's memo: each module
// gives its layers for the canvas below and the canvas above (shared.ts, CanvasLayers), and their
// order here is the drawing order on each canvas.
import type { Layer } from '@deck.gl/core';
import { gridLayers } from './grids';
import { incidentLayers } from './incidents';
import { kioskLayers } from './kiosks';
import { areaLabelLayers, incidentLabelLayers } from './labels';
import type { LayerMemo } from './memo';
import { responderLayers } from './responders';
import { searchLayers } from './search';
import type { CanvasLayers, LayerInput, LayerModule } from './shared';
import { unitLayers } from './units';

export { LayerMemo } from './memo';
export type { CanvasLayers, GridLayerInput, LayerInput, MapViewInfo } from './shared';
export { ageFade, CLUSTER_RADIUS_PX, incidentColor, kioskColor, phaseAt } from './shared';
export { areaLabelsAt, chooseLabels } from './labels';

/**
 * Drawing order, bottom to top. Below: grids, cameras and kiosks, units, area names. Above:
 * flashing SOS kiosks, the search ring, the units coming to the selected incident, incidents (pulse, selection, markers, clusters), their labels.
 */
const MODULES: readonly LayerModule[] = [gridLayers, kioskLayers, unitLayers, areaLabelLayers, searchLayers, responderLayers, incidentLayers, incidentLabelLayers];

export function buildLayers(s: LayerInput, memo: LayerMemo): CanvasLayers {
  const base: Layer[] = [];
  const alerts: Layer[] = [];
  for (const m of MODULES) {
    const part = m(s, memo);
    if (part.base) base.push(...part.base);
    if (part.alerts) alerts.push(...part.alerts);
  }
  return { base, alerts };
}

// What search found: a pulsing ring on the unit or kiosk (incidents are selected, grids outlined).
import { ScatterplotLayer } from '@deck.gl/layers';
import { type LayerModule, phaseAt } from './shared';

export const searchLayers: LayerModule = (s) => {
  const h = s.highlight;
  if (!h || h.kind === 'grid' || h.kind === 'incident') return {};
  const u = h.kind === 'unit' ? s.units.get(h.id) : undefined;
  const at: [number, number] = u ? [u.lon, u.lat] : [h.lon, h.lat];
  const p = phaseAt(s.time, 1200);
  return {
    alerts: [
      new ScatterplotLayer<[number, number]>({
        id: 'search-highlight',
        data: [at],
        getPosition: (x) => x,
        filled: false,
        stroked: true,
        getLineColor: [120, 230, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3 * s.scale,
        radiusUnits: 'pixels',
        getRadius: 16 * s.scale,
        radiusScale: 1 + 0.35 * Math.sin(p * Math.PI * 2),
        updateTriggers: { getPosition: `${at[0]},${at[1]}` },
      }),
    ],
  };
};

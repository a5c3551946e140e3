// The units on their way to the selected incident: a line from each unit that accepted, is on its
// way or has arrived to the incident, and a ring on the unit, so the converging is seen at a glance
// (their trails show the way they came). On the canvas above; redrawn as those units move
// (frame-loop.ts follows the units while the selected incident has any).
import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Incident, Responder } from '../../../../core/domain';
import type { RGBA } from '../../model/colors';
import type { LayerModule } from './shared';

const COMING: ReadonlySet<Responder['answer']> = new Set(['accept', 'enroute', 'arrived']);
const ON_WAY: RGBA = [124, 196, 255, 230];
const ARRIVED: RGBA = [62, 207, 142, 240];

/** Whether the incident has units coming whose movement the map should follow. */
export const hasUnitsComing = (inc: Incident | undefined): boolean => !!inc && inc.status === 'open' && inc.responders.some((r) => COMING.has(r.answer));

interface Leg {
  id: string;
  from: [number, number];
  to: [number, number];
  color: RGBA;
}

export const responderLayers: LayerModule = (s) => {
  const inc = s.selectedId ? s.incidents.get(s.selectedId) : undefined;
  if (!hasUnitsComing(inc) || !s.layers.units) return {};
  const legs: Leg[] = [];
  for (const r of inc!.responders) {
    if (!COMING.has(r.answer)) continue;
    const u = s.units.get(r.unitId);
    if (!u) continue;
    legs.push({ id: r.unitId, from: [u.lon, u.lat], to: [inc!.lon, inc!.lat], color: r.answer === 'arrived' ? ARRIVED : ON_WAY });
  }
  if (legs.length === 0) return {};
  const k = s.scale;
  const key = legs.map((l) => `${l.id}:${l.from[0]},${l.from[1]}`).join('|');
  return {
    alerts: [
      new LineLayer<Leg>({
        id: 'responder-legs',
        data: legs,
        getSourcePosition: (l) => l.from,
        getTargetPosition: (l) => l.to,
        getColor: (l) => l.color,
        getWidth: 2.5 * k,
        widthUnits: 'pixels',
        updateTriggers: { getSourcePosition: key, getColor: key, getWidth: k },
      }),
      new ScatterplotLayer<Leg>({
        id: 'responder-units',
        data: legs,
        getPosition: (l) => l.from,
        filled: false,
        stroked: true,
        getLineColor: (l) => l.color,
        lineWidthUnits: 'pixels',
        getLineWidth: 2.5 * k,
        radiusUnits: 'pixels',
        getRadius: 10 * k,
        updateTriggers: { getPosition: key, getLineColor: key, getRadius: k, getLineWidth: k },
      }),
    ],
  };
};

// Kiosks (school-gate alarm points) and cameras below; a kiosk whose SOS is pressed flashes on the
// alarm canvas above.
import type { PickingInfo } from '@deck.gl/core';
import { IconLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Camera, Kiosk } from '../../../../core/domain';
import { CAMERA_COLOR, CAMERA_OFFLINE_COLOR, KIOSK_COLORS } from '../../model/colors';
import { kioskColor, type LayerModule, phaseAt } from './shared';

export const kioskLayers: LayerModule = (s, memo) => {
  const k = s.scale;
  const base = [];
  const alerts = [];
  if (s.layers.cameras && s.icons) {
    base.push(
      new IconLayer<Camera>({
        id: 'cameras',
        data: memo.of('cameras', s.cameras, (m) => [...m.values()]),
        pickable: true,
        iconAtlas: s.icons.atlas as never,
        iconMapping: s.icons.mapping,
        getIcon: () => 'camera',
        getPosition: (c) => [c.lon, c.lat],
        getSize: 16 * k,
        sizeUnits: 'pixels',
        getColor: (c) => (c.online === false ? CAMERA_OFFLINE_COLOR : CAMERA_COLOR),
        getAngle: (c) => (typeof c.bearing === 'number' ? 90 - c.bearing : 0),
        onClick: (info: PickingInfo<Camera>) => {
          if (info.object) s.onPickCamera?.(info.object.id);
          return true;
        },
      }),
    );
  }
  if (s.layers.kiosks) {
    base.push(
      new ScatterplotLayer<Kiosk>({
        id: 'kiosks',
        data: memo.of('kiosks', s.kiosks, (m) => [...m.values()]),
        pickable: true,
        getPosition: (x) => [x.lon, x.lat],
        getFillColor: kioskColor,
        getLineColor: [20, 26, 34, 255],
        stroked: true,
        radiusUnits: 'pixels',
        getRadius: 4.5 * k,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5 * k,
        updateTriggers: { getFillColor: s.kiosks },
      }),
    );
    const sos = memo.of('sos-kiosks', s.kiosks, (m) => [...m.values()].filter((x) => x.sos));
    if (sos.length) {
      const on = phaseAt(s.time, 800) < 0.5;
      alerts.push(
        new ScatterplotLayer<Kiosk>({
          id: 'kiosks-sos',
          data: sos,
          getPosition: (x) => [x.lon, x.lat],
          getFillColor: KIOSK_COLORS.sos,
          radiusUnits: 'pixels',
          getRadius: 11 * k,
          opacity: on ? 0.9 : 0.15,
        }),
      );
    }
  }
  return { base, alerts };
};

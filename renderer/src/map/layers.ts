// deck.gl layers as a pure function of what the store holds (plus the animation clock).
// Data objects are memoised on the identity of their source so a rebuild at 10 fps only
// changes uniforms (pulse radius, flashing opacity), never re-runs accessors.
import type { Layer, PickingInfo } from '@deck.gl/core';
import { IconLayer, PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Camera, Incident, IncidentKind, Kiosk } from '../../../core/domain';
import { CAMERA_COLOR, CAMERA_OFFLINE_COLOR, KIOSK_COLORS, PRIORITY_COLORS, type RGBA } from '../state/colors';
import { isNew } from '../state/situation';
import type { LayerToggles } from '../state/store';
import type { TrailBuffers, UnitTable } from '../state/units';
import type { IconAtlas } from './icons';

export interface LayerInput {
  incidents: Map<string, Incident>;
  kiosks: Map<string, Kiosk>;
  cameras: Map<string, Camera>;
  units: UnitTable;
  unitsVersion: number;
  trails: TrailBuffers | null;
  layers: LayerToggles;
  selectedId: string | null;
  pageLoadedAt: number;
  /** local wall-clock ms (ages) */
  now: number;
  /** animation clock in ms (pulse, flashing) */
  time: number;
  /** 1 at 1920 px wide, 2 at 3840 */
  scale: number;
  kindLabel: (kind: IncidentKind) => string;
  /** changes when the language does, so labels are re-laid */
  language: string;
  icons: IconAtlas | null;
  onPickIncident?: (id: string) => void;
}

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
const AGE_STEP_MS = 60_000;

/** Alpha multiplier: full for the first 5 minutes, easing to 55 % after two hours. */
export function ageFade(ageMs: number): number {
  const m = Math.max(0, ageMs) / 60_000;
  if (m <= 5) return 1;
  if (m >= 120) return 0.55;
  return 1 - 0.45 * ((m - 5) / 115);
}

export function incidentColor(inc: Incident, now: number): RGBA {
  const c = PRIORITY_COLORS[inc.priority] ?? PRIORITY_COLORS[4];
  return [c[0], c[1], c[2], Math.round(c[3] * ageFade(now - inc.ts))];
}

export function kioskColor(k: Kiosk): RGBA {
  if (k.sos) return KIOSK_COLORS.sos;
  if (k.online === null) return KIOSK_COLORS.unknown;
  return k.online ? KIOSK_COLORS.online : KIOSK_COLORS.offline;
}

/** 0..1 sawtooth with the given period. */
export const phaseAt = (time: number, periodMs: number) => (((time % periodMs) + periodMs) % periodMs) / periodMs;

// ---- memoised data ----

function memo<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = fn(k);
      cache.set(k, v);
    }
    return v;
  };
}

const openIncidents = memo((m: Map<string, Incident>) => {
  const list = [...m.values()].filter((i) => i.status === 'open');
  // most urgent drawn last (on top)
  list.sort((a, b) => b.priority - a.priority || a.firstSeen - b.firstSeen);
  return list;
});
const kioskList = memo((m: Map<string, Kiosk>) => [...m.values()]);
const sosKiosks = memo((m: Map<string, Kiosk>) => [...m.values()].filter((k) => k.sos));
const cameraList = memo((m: Map<string, Camera>) => [...m.values()]);

let unitDataCache: { table: UnitTable; version: number; data: unknown } | null = null;
function unitData(table: UnitTable, version: number) {
  if (unitDataCache && unitDataCache.table === table && unitDataCache.version === version) return unitDataCache.data;
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
  unitDataCache = { table, version, data };
  return data;
}

let unacked: { src: Map<string, Incident>; bucket: number; list: Incident[] } | null = null;
function unackedIncidents(m: Map<string, Incident>, pageLoadedAt: number, now: number): Incident[] {
  const bucket = Math.floor(now / 10_000);
  if (unacked && unacked.src === m && unacked.bucket === bucket) return unacked.list;
  const list = openIncidents(m).filter((i) => isNew(i, pageLoadedAt, now));
  unacked = { src: m, bucket, list };
  return list;
}

// ---- the layers ----

export function buildLayers(s: LayerInput): Layer[] {
  const layers: Layer[] = [];
  const k = s.scale;
  const ageBucket = Math.floor(s.now / AGE_STEP_MS);

  if (s.layers.cameras && s.icons) {
    layers.push(
      new IconLayer<Camera>({
        id: 'cameras',
        data: cameraList(s.cameras),
        pickable: true,
        iconAtlas: s.icons.atlas as never,
        iconMapping: s.icons.mapping,
        getIcon: () => 'camera',
        getPosition: (c) => [c.lon, c.lat],
        getSize: 16 * k,
        sizeUnits: 'pixels',
        getColor: (c) => (c.online === false ? CAMERA_OFFLINE_COLOR : CAMERA_COLOR),
        getAngle: (c) => (typeof c.bearing === 'number' ? 90 - c.bearing : 0),
      }),
    );
  }

  if (s.layers.kiosks) {
    layers.push(
      new ScatterplotLayer<Kiosk>({
        id: 'kiosks',
        data: kioskList(s.kiosks),
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
    const sos = sosKiosks(s.kiosks);
    if (sos.length) {
      const on = phaseAt(s.time, 800) < 0.5;
      layers.push(
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

  if (s.layers.units && s.units.count > 0) {
    if (s.layers.trails && s.trails && s.trails.length > 0) {
      const t = s.trails;
      layers.push(
        new PathLayer({
          id: 'unit-trails',
          data: {
            length: t.length,
            startIndices: t.startIndices,
            attributes: {
              getPath: { value: t.positions, size: 2 },
              getColor: { value: t.colors, size: 4, normalized: true },
            },
          } as never,
          _pathType: 'open',
          widthUnits: 'pixels',
          getWidth: 2 * k,
          capRounded: true,
          jointRounded: true,
        }),
      );
    }
    const data = unitData(s.units, s.unitsVersion);
    layers.push(
      new ScatterplotLayer({
        id: 'units',
        data: data as never,
        pickable: true,
        stroked: true,
        radiusUnits: 'pixels',
        lineWidthUnits: 'pixels',
        radiusScale: k,
        lineWidthScale: k,
      }),
    );
    if (s.icons) {
      layers.push(
        new IconLayer({
          id: 'unit-headings',
          data: data as never,
          iconAtlas: s.icons.atlas as never,
          iconMapping: s.icons.mapping,
          getIcon: () => 'arrow',
          sizeUnits: 'pixels',
          sizeScale: k,
          getColor: [255, 255, 255, 230],
        }),
      );
    }
  }

  if (s.layers.incidents) {
    const open = openIncidents(s.incidents);
    const pulsing = unackedIncidents(s.incidents, s.pageLoadedAt, s.now);
    if (pulsing.length) {
      const p = phaseAt(s.time, 1600);
      layers.push(
        new ScatterplotLayer<Incident>({
          id: 'incident-pulse',
          data: pulsing,
          getPosition: (i) => [i.lon, i.lat],
          filled: false,
          stroked: true,
          getLineColor: (i) => PRIORITY_COLORS[i.priority],
          lineWidthUnits: 'pixels',
          getLineWidth: 3 * k,
          radiusUnits: 'pixels',
          getRadius: 12 * k,
          radiusScale: 1 + 1.6 * p,
          opacity: 0.9 * (1 - p),
        }),
      );
    }
    const selected = s.selectedId ? s.incidents.get(s.selectedId) : undefined;
    if (selected && selected.status === 'open') {
      layers.push(
        new ScatterplotLayer<Incident>({
          id: 'incident-selected',
          data: [selected],
          getPosition: (i) => [i.lon, i.lat],
          filled: false,
          stroked: true,
          getLineColor: [255, 255, 255, 255],
          lineWidthUnits: 'pixels',
          getLineWidth: 2.5 * k,
          radiusUnits: 'pixels',
          getRadius: 17 * k,
        }),
      );
    }
    layers.push(
      new ScatterplotLayer<Incident>({
        id: 'incidents',
        data: open,
        pickable: true,
        getPosition: (i) => [i.lon, i.lat],
        getFillColor: (i) => incidentColor(i, s.now),
        getLineColor: [12, 16, 22, 255],
        stroked: true,
        radiusUnits: 'pixels',
        getRadius: (i) => (i.priority === 1 ? 10 : i.priority === 2 ? 9 : 8) * k,
        lineWidthUnits: 'pixels',
        getLineWidth: 2 * k,
        updateTriggers: { getFillColor: ageBucket, getRadius: k },
        onClick: (info: PickingInfo<Incident>) => {
          if (info.object) s.onPickIncident?.(info.object.id);
          return true;
        },
      }),
      new TextLayer<Incident>({
        id: 'incident-labels',
        data: open,
        characterSet: 'auto',
        fontFamily: FONT,
        fontWeight: 600,
        getPosition: (i) => [i.lon, i.lat],
        getText: (i) => s.kindLabel(i.kind),
        getSize: 15 * k,
        sizeUnits: 'pixels',
        getColor: [235, 240, 245, 255],
        getPixelOffset: [0, -22 * k],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'bottom',
        background: true,
        getBackgroundColor: [8, 12, 18, 210],
        backgroundPadding: [4 * k, 2 * k],
        outlineWidth: 0,
        updateTriggers: { getText: s.language, getSize: k, getPixelOffset: k, backgroundPadding: k },
      }),
    );
  }
  return layers;
}

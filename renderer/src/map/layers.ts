// deck.gl layers as a pure function of what the store holds (plus the animation clock).
// Data objects are memoised on the identity of their source so a rebuild at 10 fps only
// changes uniforms (pulse radius, flashing opacity), never re-runs accessors.
import type { Layer, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer, IconLayer, LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Camera, Incident, IncidentKind, Kiosk, Priority } from '../../../core/domain';
import { CAMERA_COLOR, CAMERA_OFFLINE_COLOR, KIOSK_COLORS, PRIORITY_COLORS, type RGBA } from '../state/colors';
import type { Highlight, LayerToggles } from '../state/store';
import type { TrailSegments, UnitTable } from '../state/units';
import { clusterPoints, type Cluster, type Clustering } from './cluster';
import { circleBox, declutter, labelBox, type Box, type LabelCandidate } from './declutter';
import { fillColorFor, type Counts, type FillLevel, type GridCatalog, type GridEntry, type GridFeatureLike } from './gridStats';
import { kindIcon, type IconAtlas } from './icons';

export interface LayerInput {
  incidents: Map<string, Incident>;
  kiosks: Map<string, Kiosk>;
  cameras: Map<string, Camera>;
  units: UnitTable;
  unitsVersion: number;
  trails: TrailSegments | null;
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
  /** the map's view: enables clustering and label decluttering (absent in unit tests) */
  view?: MapViewInfo;
  /** grid fill and area labels */
  grid?: GridLayerInput | null;
  /** found by search */
  highlight?: Highlight | null;
  onPickCluster?: (c: Cluster<Incident>) => void;
  onPickGrid?: (id: string, at?: { x: number; y: number }) => void;
}

export interface MapViewInfo {
  zoom: number;
  width: number;
  height: number;
  /** lon/lat → CSS pixels on the map canvas */
  project: (lon: number, lat: number) => [number, number];
  /** changes whenever the view does */
  key: string;
}

export interface GridLayerInput {
  catalog: GridCatalog;
  level: FillLevel;
  /** null: no fill */
  values: Counts | null;
  breaks: number[];
  /** changes when values or breaks do */
  version: string | number;
  selectedId: string | null;
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

/** Binary segment data for the trails, one object per rebuild (a new object would re-upload every frame). */
const trailData = memo((t: TrailSegments) => ({
  length: t.length,
  attributes: {
    getSourcePosition: { value: t.sources, size: 2 },
    getTargetPosition: { value: t.targets, size: 2 },
    getColor: { value: t.colors, size: 4, normalized: true },
  },
}));

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

/** Markers that pulse: open incidents not yet acknowledged, and clusters holding one. */
export interface PulseTarget {
  /** the incident's id, or the cluster's */
  id: string;
  lon: number;
  lat: number;
  priority: Priority;
  /** pixels before the UI scale */
  radius: number;
}

export const incidentRadius = (p: Priority) => (p === 1 ? 13 : p === 2 ? 12 : 11);
export const clusterRadius = (count: number) => Math.min(30, 15 + 4 * Math.log2(count));
/** clusters merge markers closer than this (pixels before the UI scale) */
export const CLUSTER_RADIUS_PX = 34;

const clusterCache = new WeakMap<Incident[], Map<string, Clustering<Incident>>>();
function clustered(open: Incident[], zoom: number, radiusPx: number): Clustering<Incident> {
  // quarter-zoom steps: stable while panning, and cheap
  const z = Math.floor(zoom * 4) / 4;
  const key = `${z}|${radiusPx}`;
  let byKey = clusterCache.get(open);
  if (!byKey) {
    byKey = new Map();
    clusterCache.set(open, byKey);
  }
  let c = byKey.get(key);
  if (!c) {
    c = clusterPoints(open, z, radiusPx);
    byKey.clear();
    byKey.set(key, c);
  }
  return c;
}

const unclustered = memo((open: Incident[]): Clustering<Incident> => ({ singles: open, clusters: [] }));

const pulseCache = new WeakMap<Clustering<Incident>, PulseTarget[]>();
function pulseTargets(c: Clustering<Incident>): PulseTarget[] {
  let list = pulseCache.get(c);
  if (list) return list;
  list = [];
  for (const i of c.singles) if (!i.acknowledged) list.push({ id: i.id, lon: i.lon, lat: i.lat, priority: i.priority, radius: incidentRadius(i.priority) });
  for (const cl of c.clusters) {
    const un = cl.members.filter((m) => !m.acknowledged);
    if (un.length === 0) continue;
    const p = un.reduce((a, m) => (m.priority < a ? m.priority : a), 4 as Priority);
    list.push({ id: cl.id, lon: cl.lon, lat: cl.lat, priority: p, radius: clusterRadius(cl.count) });
  }
  pulseCache.set(c, list);
  return list;
}

const levelData = new WeakMap<GridCatalog, Map<FillLevel, { type: 'FeatureCollection'; features: GridFeatureLike[] }>>();
function gridLevelData(cat: GridCatalog, level: FillLevel) {
  let m = levelData.get(cat);
  if (!m) {
    m = new Map();
    levelData.set(cat, m);
  }
  let d = m.get(level);
  if (!d) {
    d = { type: 'FeatureCollection', features: cat.features[level] };
    m.set(level, d);
  }
  return d;
}
const oneFeature = memo((f: GridFeatureLike) => ({ type: 'FeatureCollection' as const, features: [f] }));

// ---- labels ----

export interface AreaLabel {
  id: string;
  name: string;
  level: 'district' | 'street';
  lon: number;
  lat: number;
}

const AREA_LABEL_SIZE = { district: 17, street: 13 } as const;
const AREA_LABEL_SPACING = { district: 0.12, street: 0.04 } as const;
const INCIDENT_LABEL_SIZE = 15;
const INCIDENT_LABEL_GAP = 6;

/** Area names that fit the zoom: districts below 14.5, streets from 12.5 to 15.5. */
export function areaLabelsAt(cat: GridCatalog, zoom: number): AreaLabel[] {
  const out: AreaLabel[] = [];
  const withDistricts = zoom < 14.5;
  const withStreets = zoom >= 12.5 && zoom < 15.5;
  for (const e of cat.entries) {
    if ((e.level === 'district' && withDistricts) || (e.level === 'street' && withStreets)) out.push(toAreaLabel(e));
  }
  return out;
}
const areaLabelCache = new WeakMap<GridEntry, AreaLabel>();
function toAreaLabel(e: GridEntry): AreaLabel {
  let l = areaLabelCache.get(e);
  if (!l) {
    l = { id: e.id, name: e.name, level: e.level as 'district' | 'street', lon: e.center[0], lat: e.center[1] };
    areaLabelCache.set(e, l);
  }
  return l;
}

export interface LabelChoice {
  incidents: Incident[];
  areas: AreaLabel[];
}

/**
 * Which labels to show: incident labels first (most urgent, then newest), then district names,
 * then street names; none may overlap another or sit on an incident marker or cluster.
 */
export function chooseLabels(
  singles: readonly Incident[],
  clusters: readonly Cluster<Incident>[],
  areas: readonly AreaLabel[],
  view: MapViewInfo,
  scale: number,
  kindLabel: (k: IncidentKind) => string,
): LabelChoice {
  const k = scale;
  const obstacles: Box[] = [];
  const cands: LabelCandidate<{ inc?: Incident; area?: AreaLabel }>[] = [];
  const newest = singles.reduce((a, i) => Math.max(a, i.firstSeen), 0);
  for (const inc of singles) {
    const [x, y] = view.project(inc.lon, inc.lat);
    const r = incidentRadius(inc.priority) * k;
    obstacles.push(circleBox(x, y, r + 1));
    const box = labelBox(x, y - r - INCIDENT_LABEL_GAP * k, kindLabel(inc.kind), INCIDENT_LABEL_SIZE * k, 4 * k, 2 * k);
    // priority first, newest first within it
    cands.push({ item: { inc }, box, priority: inc.priority + Math.min(0.9, (newest - inc.firstSeen) / 864e5) });
  }
  for (const c of clusters) {
    const [x, y] = view.project(c.lon, c.lat);
    obstacles.push(circleBox(x, y, clusterRadius(c.count) * k + 1));
  }
  for (const a of areas) {
    const [x, y] = view.project(a.lon, a.lat);
    const size = AREA_LABEL_SIZE[a.level] * k;
    const box = labelBox(x, y, a.name, size, 2 * k, 0, 'center', AREA_LABEL_SPACING[a.level]);
    cands.push({ item: { area: a }, box, priority: a.level === 'district' ? 10 : 20 });
  }
  const chosen = declutter(cands, obstacles, { bounds: { x: 0, y: 0, w: view.width, h: view.height }, pad: 3 * k });
  const incidents: Incident[] = [];
  const shownAreas: AreaLabel[] = [];
  for (const c of chosen) {
    if (c.inc) incidents.push(c.inc);
    else if (c.area) shownAreas.push(c.area);
  }
  return { incidents, areas: shownAreas };
}

let labelCache: { key: string; singles: Incident[]; clusters: Cluster<Incident>[]; areas: AreaLabel[]; choice: LabelChoice } | null = null;
function labelsFor(singles: Incident[], clusters: Cluster<Incident>[], areas: AreaLabel[], view: MapViewInfo, scale: number, language: string, kindLabel: (k: IncidentKind) => string): LabelChoice {
  const key = `${view.key}|${scale}|${language}`;
  if (labelCache && labelCache.key === key && labelCache.singles === singles && labelCache.clusters === clusters && labelCache.areas === areas) return labelCache.choice;
  const choice = chooseLabels(singles, clusters, areas, view, scale, kindLabel);
  // keep identities when the choice did not change, so the text layers are not re-laid
  if (labelCache && sameItems(labelCache.choice.incidents, choice.incidents) && sameItems(labelCache.choice.areas, choice.areas)) {
    labelCache = { ...labelCache, key, singles, clusters, areas };
    return labelCache.choice;
  }
  labelCache = { key, singles, clusters, areas, choice };
  return choice;
}
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const areaLabelList = new WeakMap<GridCatalog, Map<string, AreaLabel[]>>();
function areaLabelsMemo(cat: GridCatalog, zoom: number): AreaLabel[] {
  const band = `${zoom < 12.5 ? 0 : 1}${zoom < 14.5 ? 0 : 1}${zoom < 15.5 ? 0 : 1}`;
  let m = areaLabelList.get(cat);
  if (!m) {
    m = new Map();
    areaLabelList.set(cat, m);
  }
  let l = m.get(band);
  if (!l) {
    l = areaLabelsAt(cat, zoom);
    m.set(band, l);
  }
  return l;
}

// ---- the layers ----

const DARK_GLYPH: RGBA = [10, 14, 20, 235];

/**
 * Layers about alarms: drawn on a canvas of their own above the rest (MapView), so a new alarm, a
 * pulse or a selection repaints a few markers, not 50,000 units and every grid. On a GPU that is
 * a few milliseconds either way; on a software renderer at 4K it is the difference between ~50 ms
 * and several hundred.
 */
export const ALERT_LAYER_IDS: ReadonlySet<string> = new Set([
  'kiosks-sos',
  'search-highlight',
  'incident-pulse',
  'incident-selected',
  'incidents',
  'incident-icons',
  'incident-clusters',
  'incident-cluster-counts',
  'incident-labels',
]);

export function splitLayers(layers: readonly Layer[]): { base: Layer[]; alerts: Layer[] } {
  const base: Layer[] = [];
  const alerts: Layer[] = [];
  for (const l of layers) (ALERT_LAYER_IDS.has(l.id) ? alerts : base).push(l);
  return { base, alerts };
}

export function buildLayers(s: LayerInput): Layer[] {
  const layers: Layer[] = [];
  const k = s.scale;
  const ageBucket = Math.floor(s.now / AGE_STEP_MS);
  const g = s.grid ?? null;

  // ---- grids: fill by measure, the selected/found one outlined ----
  if (g && s.layers.grids && g.values) {
    const values = g.values;
    const breaks = g.breaks;
    layers.push(
      new GeoJsonLayer<GridFeatureLike['properties']>({
        id: 'grid-fill',
        data: gridLevelData(g.catalog, g.level) as never,
        filled: true,
        // no outlines here: the basemap draws them underneath (a deck.gl outline of 2,000 grid
        // cells costs a software renderer half a second per redraw)
        stroked: false,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 36],
        getFillColor: (f: { properties: { id: string } }) => fillColorFor(values.get(f.properties.id) ?? 0, breaks),
        updateTriggers: { getFillColor: g.version },
        onClick: (info: PickingInfo) => {
          const id = (info.object as { properties?: { id?: string } } | undefined)?.properties?.id;
          if (id) s.onPickGrid?.(id, { x: info.x, y: info.y });
          return true;
        },
      } as never),
    );
  }
  const outlinedGrid = g ? (s.highlight?.kind === 'grid' ? s.highlight.id : g.selectedId) : null;
  const outlined = outlinedGrid ? g?.catalog.featureById.get(outlinedGrid) : undefined;
  if (outlined) {
    layers.push(
      new GeoJsonLayer({
        id: 'grid-selected',
        data: oneFeature(outlined) as never,
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

  // ---- incidents: clustered when zoomed out, labels decluttered with the area names ----
  const open = s.layers.incidents ? openIncidents(s.incidents) : [];
  const clusters: Clustering<Incident> = s.view ? clustered(open, s.view.zoom, CLUSTER_RADIUS_PX * k) : unclustered(open);
  let labelled: Incident[] = clusters.singles;
  let areaLabels: AreaLabel[] = [];
  if (s.view && g) {
    const all = areaLabelsMemo(g.catalog, s.view.zoom);
    const areas = s.layers.grids ? all : districtsOnly(all);
    const choice = labelsFor(clusters.singles, clusters.clusters, areas, s.view, k, s.language, s.kindLabel);
    labelled = choice.incidents;
    areaLabels = choice.areas;
  }
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
        new LineLayer({
          id: 'unit-trails',
          data: trailData(t) as never,
          widthUnits: 'pixels',
          getWidth: 2 * k,
          updateTriggers: { getWidth: k },
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
          getColor: [255, 255, 255, 235],
        }),
      );
    }
  }

  // area names above the units (with a halo), below everything about incidents
  if (areaLabels.length) {
    layers.push(
      new TextLayer<AreaLabel>({
        id: 'area-labels',
        data: areaLabels,
        characterSet: 'auto',
        fontFamily: FONT,
        fontWeight: 500,
        fontSettings: { sdf: true, fontSize: 64, buffer: 6, radius: 12 },
        getPosition: (a) => [a.lon, a.lat],
        getText: (a) => a.name,
        getSize: (a) => AREA_LABEL_SIZE[a.level] * k,
        sizeUnits: 'pixels',
        getColor: (a) => (a.level === 'district' ? [150, 176, 202, 235] : [112, 136, 160, 220]),
        outlineWidth: 4,
        outlineColor: [10, 15, 21, 255],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        updateTriggers: { getSize: k },
      }),
    );
  }

  // ---- search: a ring on the unit or kiosk found ----
  const h = s.highlight;
  if (h && h.kind !== 'grid' && h.kind !== 'incident') {
    const u = h.kind === 'unit' ? s.units.get(h.id) : undefined;
    const at: [number, number] = u ? [u.lon, u.lat] : [h.lon, h.lat];
    const p = phaseAt(s.time, 1200);
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: 'search-highlight',
        data: [at],
        getPosition: (x) => x,
        filled: false,
        stroked: true,
        getLineColor: [120, 230, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3 * k,
        radiusUnits: 'pixels',
        getRadius: 16 * k,
        radiusScale: 1 + 0.35 * Math.sin(p * Math.PI * 2),
        updateTriggers: { getPosition: `${at[0]},${at[1]}` },
      }),
    );
  }

  if (s.layers.incidents) {
    const pulsing = pulseTargets(clusters);
    if (pulsing.length) {
      const p = phaseAt(s.time, 1600);
      layers.push(
        new ScatterplotLayer<PulseTarget>({
          id: 'incident-pulse',
          data: pulsing,
          getPosition: (i) => [i.lon, i.lat],
          filled: false,
          stroked: true,
          getLineColor: (i) => PRIORITY_COLORS[i.priority],
          lineWidthUnits: 'pixels',
          getLineWidth: 3 * k,
          radiusUnits: 'pixels',
          getRadius: (i) => (i.radius + 2) * k,
          radiusScale: 1 + 1.4 * p,
          opacity: 0.9 * (1 - p),
          updateTriggers: { getRadius: k },
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
          getRadius: (incidentRadius(selected.priority) + 6) * k,
        }),
      );
    }
    const singles = clusters.singles;
    layers.push(
      new ScatterplotLayer<Incident>({
        id: 'incidents',
        data: singles,
        pickable: true,
        getPosition: (i) => [i.lon, i.lat],
        getFillColor: (i) => incidentColor(i, s.now),
        getLineColor: [12, 16, 22, 255],
        stroked: true,
        radiusUnits: 'pixels',
        getRadius: (i) => incidentRadius(i.priority) * k,
        lineWidthUnits: 'pixels',
        getLineWidth: 2 * k,
        updateTriggers: { getFillColor: ageBucket, getRadius: k },
        onClick: (info: PickingInfo<Incident>) => {
          if (info.object) s.onPickIncident?.(info.object.id);
          return true;
        },
      }),
    );
    if (s.icons) {
      layers.push(
        new IconLayer<Incident>({
          id: 'incident-icons',
          data: singles,
          iconAtlas: s.icons.atlas as never,
          iconMapping: s.icons.mapping,
          getIcon: (i) => kindIcon(i.kind),
          getPosition: (i) => [i.lon, i.lat],
          getSize: (i) => incidentRadius(i.priority) * 1.3 * k,
          sizeUnits: 'pixels',
          getColor: DARK_GLYPH,
          updateTriggers: { getSize: k },
        }),
      );
    }
    if (clusters.clusters.length) {
      layers.push(
        new ScatterplotLayer<Cluster<Incident>>({
          id: 'incident-clusters',
          data: clusters.clusters,
          pickable: true,
          getPosition: (c) => [c.lon, c.lat],
          getFillColor: (c) => PRIORITY_COLORS[c.priority],
          getLineColor: [245, 248, 252, 235],
          stroked: true,
          radiusUnits: 'pixels',
          getRadius: (c) => clusterRadius(c.count) * k,
          lineWidthUnits: 'pixels',
          getLineWidth: 2.5 * k,
          updateTriggers: { getRadius: k },
          onClick: (info: PickingInfo<Cluster<Incident>>) => {
            if (info.object) s.onPickCluster?.(info.object);
            return true;
          },
        }),
        new TextLayer<Cluster<Incident>>({
          id: 'incident-cluster-counts',
          data: clusters.clusters,
          characterSet: '0123456789+',
          fontFamily: FONT,
          fontWeight: 700,
          getPosition: (c) => [c.lon, c.lat],
          getText: (c) => (c.count > 999 ? '999+' : String(c.count)),
          getSize: (c) => Math.min(22, 14 + 2 * Math.log2(c.count)) * k,
          sizeUnits: 'pixels',
          getColor: [10, 14, 20, 255],
          getTextAnchor: 'middle',
          getAlignmentBaseline: 'center',
          updateTriggers: { getSize: k },
        }),
      );
    }
    layers.push(
      new TextLayer<Incident>({
        id: 'incident-labels',
        data: labelled,
        characterSet: 'auto',
        fontFamily: FONT,
        fontWeight: 600,
        getPosition: (i) => [i.lon, i.lat],
        getText: (i) => s.kindLabel(i.kind),
        getSize: INCIDENT_LABEL_SIZE * k,
        sizeUnits: 'pixels',
        getColor: [235, 240, 245, 255],
        getPixelOffset: (i) => [0, -(incidentRadius(i.priority) + INCIDENT_LABEL_GAP) * k],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'bottom',
        background: true,
        getBackgroundColor: [8, 12, 18, 215],
        backgroundPadding: [4 * k, 2 * k],
        outlineWidth: 0,
        updateTriggers: { getText: s.language, getSize: k, getPixelOffset: k, backgroundPadding: k },
      }),
    );
  }
  return layers;
}

/** with the grids toggled off, street names go with the street outlines */
const districtsOnly = memo((all: AreaLabel[]) => all.filter((a) => a.level === 'district'));

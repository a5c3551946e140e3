// Incidents on the alarm canvas: open ones by priority and kind (clustered when zoomed out, never
// merging into one marker what is further apart than CLUSTER_RADIUS_PX), a pulse on what is not yet
// acknowledged, a ring on the selected one.
import type { PickingInfo } from '@deck.gl/core';
import { IconLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Incident, Priority } from '../../../../core/domain';
import { clusterPoints, type Cluster, type Clustering } from '../../model/cluster';
import { PRIORITY_COLORS, type RGBA } from '../../model/colors';
import { kindIcon } from '../icons';
import type { LayerMemo } from './memo';
import { CLUSTER_RADIUS_PX, clusterRadius, FONT, incidentColor, incidentRadius, type LayerInput, type LayerModule, phaseAt } from './shared';

const DARK_GLYPH: RGBA = [10, 14, 20, 235];
const AGE_STEP_MS = 60_000;

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

/** Open incidents, most urgent drawn last (on top). */
export const openIncidents = (memo: LayerMemo, m: Map<string, Incident>): Incident[] =>
  memo.of('open-incidents', m, () => [...m.values()].filter((i) => i.status === 'open').sort((a, b) => b.priority - a.priority || a.firstSeen - b.firstSeen));

/** The clustering for the view: quarter-zoom steps, stable while panning, and cheap. */
export function incidentClusters(s: LayerInput, memo: LayerMemo): Clustering<Incident> {
  const open = s.layers.incidents ? openIncidents(memo, s.incidents) : [];
  if (!s.view) return memo.of('unclustered', open, () => ({ singles: open, clusters: [] }));
  const key = `${Math.floor(s.view.zoom * 4) / 4}|${CLUSTER_RADIUS_PX * s.scale}`;
  const held = memo.get<{ open: Incident[]; key: string; c: Clustering<Incident> }>('clusters');
  if (held && held.open === open && held.key === key) return held.c;
  return memo.set('clusters', { open, key, c: clusterPoints(open, Math.floor(s.view.zoom * 4) / 4, CLUSTER_RADIUS_PX * s.scale, undefined, keptApart) }).c;
}

/** An unacknowledged P1 or P2 is never swallowed into a cluster: it keeps its own marker and pictogram. */
export const keptApart = (i: Incident): boolean => !i.acknowledged && i.priority <= 2;

function pulseTargets(memo: LayerMemo, c: Clustering<Incident>): PulseTarget[] {
  return memo.of('pulse', c, () => {
    const list: PulseTarget[] = [];
    for (const i of c.singles) if (!i.acknowledged) list.push({ id: i.id, lon: i.lon, lat: i.lat, priority: i.priority, radius: incidentRadius(i.priority) });
    for (const cl of c.clusters) {
      const un = cl.members.filter((m) => !m.acknowledged);
      if (un.length === 0) continue;
      const p = un.reduce((a, m) => (m.priority < a ? m.priority : a), 4 as Priority);
      list.push({ id: cl.id, lon: cl.lon, lat: cl.lat, priority: p, radius: clusterRadius(cl.count) });
    }
    return list;
  });
}

export const incidentLayers: LayerModule = (s, memo) => {
  if (!s.layers.incidents) return {};
  const clusters = incidentClusters(s, memo);
  const pulsing = pulseTargets(memo, clusters);
  const selected = s.selectedId ? s.incidents.get(s.selectedId) : undefined;
  // drawing order: pulses below, the selection ring, clusters, then single markers with their
  // pictograms on top: an urgent alarm kept out of the clusters is never drawn under one
  const escalated = memo.of('escalated', clusters, () => clusters.singles.filter(isEscalated));
  const alerts = [
    ...(pulsing.length ? [pulseLayer(s, pulsing)] : []),
    ...(escalated.length ? [escalatedRing(s, escalated)] : []),
    ...(selected && selected.status === 'open' ? [selectedRing(s, selected)] : []),
    ...(clusters.clusters.length ? clusterLayers(s, clusters.clusters) : []),
    incidentDiscs(s, clusters.singles),
    ...(s.icons ? [incidentIcons(s, clusters.singles)] : []),
  ];
  return { alerts };
};

export const ESCALATED_COLOR: [number, number, number, number] = [255, 64, 200, 245];

/** Still new past its priority's time (the services escalated it). */
export const isEscalated = (i: Incident): boolean => i.state === 'new' && i.escalatedAt !== undefined;

/**
 * A thick magenta ring around each escalated marker, outside the selection's white one: steady, so
 * it reads at a glance beside the pulses, and a colour no priority or unit uses.
 */
function escalatedRing(s: LayerInput, escalated: Incident[]) {
  const k = s.scale;
  return new ScatterplotLayer<Incident>({
    id: 'incident-escalated',
    data: escalated,
    getPosition: (i) => [i.lon, i.lat],
    filled: false,
    stroked: true,
    getLineColor: ESCALATED_COLOR,
    lineWidthUnits: 'pixels',
    getLineWidth: 4 * k,
    radiusUnits: 'pixels',
    getRadius: (i) => (incidentRadius(i.priority) + 10) * k,
    updateTriggers: { getRadius: k, getLineWidth: k },
  });
}

/** A ring growing and fading once every 1.6 s around each marker not yet acknowledged. */
function pulseLayer(s: LayerInput, pulsing: PulseTarget[]) {
  const k = s.scale;
  const p = phaseAt(s.time, 1600);
  return new ScatterplotLayer<PulseTarget>({
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
  });
}

function selectedRing(s: LayerInput, selected: Incident) {
  const k = s.scale;
  return new ScatterplotLayer<Incident>({
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
  });
}

/** One disc per incident not in a cluster, coloured by priority and fading with age. */
function incidentDiscs(s: LayerInput, singles: Incident[]) {
  const k = s.scale;
  return new ScatterplotLayer<Incident>({
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
    updateTriggers: { getFillColor: Math.floor(s.now / AGE_STEP_MS), getRadius: k },
    onClick: (info: PickingInfo<Incident>) => {
      if (info.object) s.onPickIncident?.(info.object.id);
      return true;
    },
  });
}

/** The kind's pictogram on each disc. */
function incidentIcons(s: LayerInput, singles: Incident[]) {
  const k = s.scale;
  const icons = s.icons!;
  return new IconLayer<Incident>({
    id: 'incident-icons',
    data: singles,
    iconAtlas: icons.atlas as never,
    iconMapping: icons.mapping,
    getIcon: (i) => kindIcon(i.kind),
    getPosition: (i) => [i.lon, i.lat],
    getSize: (i) => incidentRadius(i.priority) * 1.3 * k,
    sizeUnits: 'pixels',
    getColor: DARK_GLYPH,
    updateTriggers: { getSize: k },
  });
}

/** Clusters: a disc in the most urgent member's colour, sized by count, with the count on it. */
function clusterLayers(s: LayerInput, clusters: Cluster<Incident>[]) {
  const k = s.scale;
  return [
    new ScatterplotLayer<Cluster<Incident>>({
      id: 'incident-clusters',
      data: clusters,
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
      data: clusters,
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
  ];
}

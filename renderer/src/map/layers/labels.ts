// Names on the map: the kind of each incident (alarm canvas) and the names of districts and
// streets (below, above the units with a halo), chosen together so that none overlaps another or
// sits on an incident marker or cluster: incident labels first (most urgent, then newest), then
// districts, then streets.
import { TextLayer } from '@deck.gl/layers';
import type { Incident, IncidentKind } from '../../../../core/domain';
import type { Cluster } from '../../model/cluster';
import { circleBox, declutter, labelBox, type Box, type LabelCandidate } from '../../model/declutter';
import type { GridCatalog, GridEntry } from '../../model/grids';
import { incidentClusters } from './incidents';
import type { LayerMemo } from './memo';
import { clusterRadius, FONT, incidentRadius, type LayerInput, type LayerModule, type MapViewInfo } from './shared';

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
const toAreaLabel = (e: GridEntry): AreaLabel => ({ id: e.id, name: e.name, level: e.level as 'district' | 'street', lon: e.center[0], lat: e.center[1] });

export interface LabelChoice {
  incidents: Incident[];
  areas: AreaLabel[];
}

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

/** The area labels of a zoom band, kept per catalogue (their identities keep the text layer still). */
function areaLabelsFor(memo: LayerMemo, cat: GridCatalog, zoom: number, withStreets: boolean): AreaLabel[] {
  const band = `${zoom < 12.5 ? 0 : 1}${zoom < 14.5 ? 0 : 1}${zoom < 15.5 ? 0 : 1}|${withStreets}`;
  const bands = memo.of('area-labels', cat, () => new Map<string, AreaLabel[]>());
  let l = bands.get(band);
  if (!l) {
    const all = areaLabelsAt(cat, zoom);
    // with the grids toggled off, street names go with the street outlines
    bands.set(band, (l = withStreets ? all : all.filter((a) => a.level === 'district')));
  }
  return l;
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

interface HeldChoice {
  key: string;
  singles: Incident[];
  clusters: Cluster<Incident>[];
  areas: AreaLabel[];
  choice: LabelChoice;
}

/** The labels shown for this view: computed once per view, language and set of candidates. */
function labelChoice(s: LayerInput, memo: LayerMemo): LabelChoice {
  const clusters = incidentClusters(s, memo);
  if (!s.view || !s.grid) return { incidents: clusters.singles, areas: [] };
  const candidates = areaLabelsFor(memo, s.grid.catalog, s.view.zoom, s.layers.grids);
  const key = `${s.view.key}|${s.scale}|${s.language}`;
  const held = memo.get<HeldChoice>('labels');
  if (held && held.key === key && held.singles === clusters.singles && held.clusters === clusters.clusters && held.areas === candidates) return held.choice;
  const fresh = chooseLabels(clusters.singles, clusters.clusters, candidates, s.view, s.scale, s.kindLabel);
  // the same choice keeps its identities, so the text layers are not laid out again
  const choice = held && sameItems(held.choice.incidents, fresh.incidents) && sameItems(held.choice.areas, fresh.areas) ? held.choice : fresh;
  memo.set<HeldChoice>('labels', { key, singles: clusters.singles, clusters: clusters.clusters, areas: candidates, choice });
  return choice;
}

/** District and street names: above the units (with a halo), below everything about alarms. */
export const areaLabelLayers: LayerModule = (s, memo) => {
  const areas = labelChoice(s, memo).areas;
  if (!areas.length) return {};
  const k = s.scale;
  return {
    base: [
      new TextLayer<AreaLabel>({
        id: 'area-labels',
        data: areas,
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
    ],
  };
};

/** Each labelled incident's kind, above its marker: the top of the alarm canvas. */
export const incidentLabelLayers: LayerModule = (s, memo) => {
  if (!s.layers.incidents) return {};
  const k = s.scale;
  return {
    alerts: [
      new TextLayer<Incident>({
        id: 'incident-labels',
        data: labelChoice(s, memo).incidents,
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
    ],
  };
};

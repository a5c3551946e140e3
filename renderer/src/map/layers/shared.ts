// What every layer module takes and gives: the layer input (what the model holds, the map's view,
// the animation clock), the two canvases, and the per-map memo that keeps data identities stable
// from one rebuild to the next (so a rebuild at 10 fps changes uniforms, never re-runs accessors).
import type { Layer } from '@deck.gl/core';
import type { Camera, Incident, IncidentKind, Kiosk, Priority } from '../../../../core/domain';
import type { Cluster } from '../../model/cluster';
import { KIOSK_COLORS, PRIORITY_COLORS, type RGBA } from '../../model/colors';
import type { Counts, FillLevel, GridCatalog } from '../../model/grids';
import type { TrailSegments, UnitTable } from '../../model/units';
import type { Highlight, LayerToggles } from '../../model/wall';
import type { IconAtlas } from '../icons';
import type { LayerMemo } from './memo';

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

export interface LayerInput {
  incidents: Map<string, Incident>;
  kiosks: Map<string, Kiosk>;
  cameras: Map<string, Camera>;
  units: UnitTable;
  unitsVersion: number;
  trails: TrailSegments | null;
  layers: LayerToggles;
  selectedId: string | null;
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
  /** a camera clicked (the cameras layer): opened by hand */
  onPickCamera?: (id: string) => void;
}

/**
 * What a layer module gives: layers for the canvas below (grids, kiosks, units, area names) and
 * for the canvas above, which holds everything about alarms so a new alarm, a pulse or a
 * selection repaints a few markers, not 50,000 units and every grid. On a GPU that is a few
 * milliseconds either way; on a software renderer at 4K it is ~50 ms against several hundred.
 */
export interface CanvasLayers {
  base: Layer[];
  alerts: Layer[];
}

/** A layer module: what the model holds and the view → layers for each canvas, in drawing order. */
export type LayerModule = (s: LayerInput, memo: LayerMemo) => Partial<CanvasLayers>;

export const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';

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

export const incidentRadius = (p: Priority) => (p === 1 ? 13 : p === 2 ? 12 : 11);
export const clusterRadius = (count: number) => Math.min(30, 15 + 4 * Math.log2(count));
/** clusters merge markers closer than this (pixels before the UI scale) */
export const CLUSTER_RADIUS_PX = 34;

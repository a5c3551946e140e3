// The wall's one store: the situation as the bridge reports it, connection and health, the
// reference data, and the UI's own state. Actions are thin; the logic is in situation.ts/units.ts.
import { create } from 'zustand';
import type { Health, ReferencePayload, ServerMessage } from '../../../core/contract';
import { applyDelta, applySnapshot, emptySituation, type SituationData } from './situation';
import { UnitTable } from './units';
import { HISTORY_KEEP_MS, IncidentLog } from './history';

let lastPruneMinute = 0;
import { GRID_FILLS, type FillLevel, type GridFill } from '../map/gridStats';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export const LAYER_KEYS = ['incidents', 'units', 'trails', 'kiosks', 'cameras'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];

export interface LayerToggles {
  incidents: boolean;
  units: boolean;
  trails: boolean;
  kiosks: boolean;
  cameras: boolean;
  offlineUnits: boolean;
  grids: boolean;
}

export const DEFAULT_LAYERS: LayerToggles = {
  incidents: true,
  units: true,
  trails: true,
  kiosks: true,
  cameras: false,
  offlineUnits: false,
  grids: true,
};

export interface FlyRequest {
  lon: number;
  lat: number;
  /** bumps on each request so the same place can be flown to twice */
  seq: number;
  /** zoom to fly to (default: at least 14.5) */
  zoom?: number;
  /** [minLon, minLat, maxLon, maxLat]: fit the map to an area instead */
  bounds?: [number, number, number, number];
}

/** Something found by search, outlined on the map until cleared. */
export interface Highlight {
  kind: 'incident' | 'unit' | 'kiosk' | 'grid';
  id: string;
  lon: number;
  lat: number;
}

/** What the grid legend shows: set by the map when the level or the classes change. */
export interface GridLegend {
  fill: GridFill;
  level: FillLevel;
  breaks: number[];
  max: number;
}

export interface WallState extends SituationData {
  connection: ConnectionState;
  /** local time the bridge last delivered anything */
  lastHeardAt: number | null;
  health: Health | null;
  reference: ReferencePayload | null;
  referenceError: string | null;
  units: UnitTable;
  /** bumps when the unit table changed */
  unitsVersion: number;
  /** local time this page loaded: incidents first seen after it are "new" */
  pageLoadedAt: number;
  snapshots: number;
  selectedId: string | null;
  layers: LayerToggles;
  rejectsOpen: boolean;
  flyTo: FlyRequest | null;
  webgl: 'pending' | 'ok' | 'unavailable';
  /** last failed request, for the status line */
  lastError: string | null;
  /** what fills the grids */
  gridFill: GridFill;
  gridLegend: GridLegend | null;
  /** grid clicked on the map: its figures are shown in a panel */
  selectedGridId: string | null;
  highlight: Highlight | null;
  /** incidents seen in the last day (snapshots and deltas), for the 24 h measure */
  history: IncidentLog;
  historyVersion: number;

  receive(m: Exclude<ServerMessage, { type: 'response' }>): void;
  setConnection(c: ConnectionState): void;
  setReference(r: ReferencePayload | null, error?: string | null): void;
  select(id: string | null, fly?: boolean): void;
  flyToIncident(id: string): void;
  toggleLayer(key: keyof LayerToggles): void;
  setRejectsOpen(open: boolean): void;
  setWebgl(s: 'ok' | 'unavailable'): void;
  setError(e: string | null): void;
  setGridFill(f: GridFill): void;
  /** next measure (key M) */
  cycleGridFill(): void;
  setGridLegend(l: GridLegend | null): void;
  selectGrid(id: string | null): void;
  setHighlight(h: Highlight | null): void;
  flyToPlace(place: Omit<FlyRequest, 'seq'>): void;
}

export const useStore = create<WallState>()((set, get) => ({
  ...emptySituation(),
  connection: 'connecting',
  lastHeardAt: null,
  health: null,
  reference: null,
  referenceError: null,
  units: new UnitTable({ showOffline: DEFAULT_LAYERS.offlineUnits }),
  unitsVersion: 0,
  pageLoadedAt: Date.now(),
  snapshots: 0,
  selectedId: null,
  layers: { ...DEFAULT_LAYERS },
  rejectsOpen: false,
  flyTo: null,
  webgl: 'pending',
  lastError: null,
  gridFill: 'open',
  gridLegend: null,
  selectedGridId: null,
  highlight: null,
  history: new IncidentLog(),
  historyVersion: 0,

  receive(m) {
    const s = get();
    const heard = { lastHeardAt: Date.now() };
    switch (m.type) {
      case 'snapshot': {
        const data = applySnapshot(m.situation, s.units);
        s.history.record(m.situation.incidents);
        set({ ...data, ...heard, health: m.health, unitsVersion: s.units.version, snapshots: s.snapshots + 1, historyVersion: s.history.version });
        return;
      }
      case 'delta': {
        const data = applyDelta(s, m.delta, s.units);
        if (m.delta.incidents.length) s.history.record(m.delta.incidents);
        // forget what fell out of the day, once a minute
        const minute = Math.floor(Date.now() / 60_000);
        if (minute !== lastPruneMinute) {
          lastPruneMinute = minute;
          s.history.prune(Date.now() - HISTORY_KEEP_MS);
        }
        set({ ...data, ...heard, unitsVersion: s.units.version, historyVersion: s.history.version });
        return;
      }
      case 'health':
        set({ health: m.health, ...heard });
        return;
    }
  },
  setConnection(connection) {
    set({ connection });
  },
  setReference(reference, error = null) {
    set({ reference, referenceError: error });
  },
  select(id, fly = false) {
    set({ selectedId: id });
    if (fly && id) get().flyToIncident(id);
  },
  flyToIncident(id) {
    const inc = get().incidents.get(id);
    if (!inc) return;
    set({ selectedId: id, flyTo: { lon: inc.lon, lat: inc.lat, seq: (get().flyTo?.seq ?? 0) + 1 } });
  },
  toggleLayer(key) {
    const layers = { ...get().layers, [key]: !get().layers[key] };
    if (key === 'offlineUnits') {
      const units = get().units;
      units.setStyle({ showOffline: layers.offlineUnits });
      set({ layers, unitsVersion: units.version });
    } else set({ layers });
  },
  setRejectsOpen(rejectsOpen) {
    set({ rejectsOpen });
  },
  setWebgl(webgl) {
    set({ webgl });
  },
  setError(lastError) {
    set({ lastError });
  },
  setGridFill(gridFill) {
    set({ gridFill });
  },
  cycleGridFill() {
    const i = GRID_FILLS.indexOf(get().gridFill);
    set({ gridFill: GRID_FILLS[(i + 1) % GRID_FILLS.length] });
  },
  setGridLegend(gridLegend) {
    set({ gridLegend });
  },
  selectGrid(selectedGridId) {
    set({ selectedGridId });
  },
  setHighlight(highlight) {
    set({ highlight });
  },
  flyToPlace(place) {
    set({ flyTo: { ...place, seq: (get().flyTo?.seq ?? 0) + 1 } });
  },
}));

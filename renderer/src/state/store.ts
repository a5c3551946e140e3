// The wall's one store: the situation as the bridge reports it, connection and health, the
// reference data, and the UI's own state. Actions are thin; the logic is in situation.ts/units.ts.
import { create } from 'zustand';
import type { Health, ReferencePayload, ServerMessage } from '../../../core/contract';
import { applyDelta, applySnapshot, emptySituation, type SituationData } from './situation';
import { UnitTable } from './units';

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

  receive(m: Exclude<ServerMessage, { type: 'response' }>): void;
  setConnection(c: ConnectionState): void;
  setReference(r: ReferencePayload | null, error?: string | null): void;
  select(id: string | null, fly?: boolean): void;
  flyToIncident(id: string): void;
  toggleLayer(key: keyof LayerToggles): void;
  setRejectsOpen(open: boolean): void;
  setWebgl(s: 'ok' | 'unavailable'): void;
  setError(e: string | null): void;
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

  receive(m) {
    const s = get();
    const heard = { lastHeardAt: Date.now() };
    switch (m.type) {
      case 'snapshot': {
        const data = applySnapshot(m.situation, s.units);
        set({ ...data, ...heard, health: m.health, unitsVersion: s.units.version, snapshots: s.snapshots + 1 });
        return;
      }
      case 'delta': {
        const data = applyDelta(s, m.delta, s.units);
        set({ ...data, ...heard, unitsVersion: s.units.version });
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
}));

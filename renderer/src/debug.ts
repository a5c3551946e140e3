// A small hook for end-to-end tests and field debugging: window.__watchfloor, reading one wall
// page's runtime (its store, map and decks).
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { PushMessage } from './model/wall';
import type { WallState } from './state/store';
import type { SoundLog } from './ui/alert-sound';
import type { MemoryWatchdogStatus } from './state/memory-watchdog';
import type { WallRuntime } from './ui/context';
import { dataUrlOf, openMapPictures, renderMapPicture } from './map/map-picture';
import type { IncidentKind } from '../../core/domain';

/** How the map has been drawing: deck.gl redraws so far, and the redraw budget's view. */
export interface DrawStats {
  redraws: number;
  /** of which the alarm canvas alone (incidents, SOS kiosks, the search highlight) */
  alertRedraws?: number;
  /** ms one redraw costs beyond an ordinary frame */
  redrawCost: number;
  /** ms between routine redraws */
  intervalMs: number;
}

/** What MapView lends the hook while it is mounted. */
export interface DebugHandles {
  map: () => MaplibreMap | null;
  deck: () => unknown;
  overlay: () => unknown;
  stats: () => DrawStats | null;
  /** what the wall sounded, or held back muted (ui/alert-sound.ts), newest last */
  sounds: SoundLog[];
}

/** The model, plus `receive` to feed it a message as the bridge would (tests). */
export type DebugStore = WallState & { receive(m: PushMessage): void };

declare global {
  interface Window {
    __watchfloor?: {
      store: () => DebugStore;
      map: () => MaplibreMap | null;
      deck: () => unknown;
      overlay: () => unknown;
      stats: () => DrawStats | null;
      sounds: () => SoundLog[];
      memory?: () => MemoryWatchdogStatus;
      /**
       * draws `n` small case pictures of the situation the page is sent now, each on a map of its
       * own (`oneMap`: all on one map, as one case export does); how many were drawn (tests: the
       * page's WebGL contexts after many)
       */
      mapPictures: (n: number, oneMap?: boolean) => Promise<number>;
      /**
       * case pictures (PNG data URLs) of the situation the page is sent now, one per moment: about
       * `incidentId`, without the units where `noUnits`; all on one map, or each on its own (tests:
       * one map's later pictures must be what a map of their own draws)
       */
      mapPictureUrls: (moments: { incidentId: string; noUnits?: boolean }[], oneMap: boolean) => Promise<string[]>;
    };
  }
}

export function installDebugHook(runtime: WallRuntime, win: Window = window): void {
  const { store, debug } = runtime;
  win.__watchfloor = {
    store: () => ({ ...store.getState(), receive: (message) => store.getState().dispatch({ type: 'server', message, at: Date.now() }) }),
    map: () => debug.map(),
    deck: () => debug.deck(),
    overlay: () => debug.overlay(),
    stats: () => debug.stats(),
    sounds: () => debug.sounds.slice(),
    async mapPictures(n, oneMap = false) {
      const situation = await runtime.bridge.request('situation.get', {});
      const s = store.getState();
      if (!situation.ok || !s.health) return 0;
      const session = { reference: s.reference, health: s.health, width: 320, height: 200, kindLabel: (k: IncidentKind) => k, language: 'zh-CN' };
      const moment = { situation: situation.value, at: situation.value.now, incidentId: situation.value.incidents[0]?.id ?? '' };
      const shared = oneMap ? openMapPictures(session, moment) : null;
      let drawn = 0;
      try {
        for (let i = 0; i < n; i++) {
          await (shared ? shared.draw(moment) : renderMapPicture({ ...session, ...moment }));
          drawn++;
        }
      } finally {
        shared?.close();
      }
      return drawn;
    },
    async mapPictureUrls(moments, oneMap) {
      const situation = await runtime.bridge.request('situation.get', {});
      const s = store.getState();
      if (!situation.ok || !s.health) throw new Error('no situation to picture');
      const session = { reference: s.reference, health: s.health, width: 480, height: 300, kindLabel: (k: IncidentKind) => k, language: 'zh-CN' };
      const orders = moments.map((m) => ({ situation: m.noUnits ? { ...situation.value, units: [] } : situation.value, at: situation.value.now, incidentId: m.incidentId }));
      const shared = oneMap && orders.length ? openMapPictures(session, orders[0]) : null;
      const urls: string[] = [];
      try {
        for (const o of orders) {
          const png = await (shared ? shared.draw(o) : renderMapPicture({ ...session, ...o }));
          urls.push(await dataUrlOf(png));
        }
      } finally {
        shared?.close();
      }
      return urls;
    },
  };
}

// A small hook for end-to-end tests and field debugging: window.__watchfloor, reading one wall
// page's runtime (its store, map and decks).
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { PushMessage } from './model/wall';
import type { WallState } from './state/store';
import type { SoundLog } from './ui/alert-sound';
import type { MemoryWatchdogStatus } from './state/memory-watchdog';
import type { WallRuntime } from './ui/context';
import { renderMapPicture } from './map/map-picture';

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
      /** draws `n` small case pictures of the situation the page is sent now, as a case export does; how many were drawn (tests: the page's WebGL contexts after many) */
      mapPictures: (n: number) => Promise<number>;
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
    async mapPictures(n) {
      const situation = await runtime.bridge.request('situation.get', {});
      const s = store.getState();
      if (!situation.ok || !s.health) return 0;
      let drawn = 0;
      for (let i = 0; i < n; i++) {
        const at = situation.value.now;
        await renderMapPicture({ reference: s.reference, situation: situation.value, health: s.health, at, incidentId: situation.value.incidents[0]?.id ?? '', width: 320, height: 200, kindLabel: (k) => k, language: 'zh-CN' });
        drawn++;
      }
      return drawn;
    },
  };
}

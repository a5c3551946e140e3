// A small read-only hook for end-to-end tests and field debugging: window.__watchfloor.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useStore } from './state/store';

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

interface Handles {
  map: () => MaplibreMap | null;
  deck: () => unknown;
  overlay: () => unknown;
  stats?: () => DrawStats | null;
}

const handles: Handles = { map: () => null, deck: () => null, overlay: () => null, stats: () => null };

export function setDebugHandles(h: Handles): void {
  Object.assign(handles, h);
}

declare global {
  interface Window {
    __watchfloor?: { store: typeof useStore.getState; map: () => MaplibreMap | null; deck: () => unknown; overlay: () => unknown; stats: () => DrawStats | null };
  }
}

export function installDebugHook(win: Window = window): void {
  win.__watchfloor = {
    store: useStore.getState,
    map: () => handles.map(),
    deck: () => handles.deck(),
    overlay: () => handles.overlay(),
    stats: () => handles.stats?.() ?? null,
  };
}

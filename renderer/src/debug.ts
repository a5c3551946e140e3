// A small read-only hook for end-to-end tests and field debugging: window.__watchfloor.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useStore } from './state/store';

interface Handles {
  map: () => MaplibreMap | null;
  deck: () => unknown;
  overlay: () => unknown;
}

const handles: Handles = { map: () => null, deck: () => null, overlay: () => null };

export function setDebugHandles(h: Handles): void {
  Object.assign(handles, h);
}

declare global {
  interface Window {
    __watchfloor?: { store: typeof useStore.getState; map: () => MaplibreMap | null; deck: () => unknown; overlay: () => unknown };
  }
}

export function installDebugHook(win: Window = window): void {
  win.__watchfloor = {
    store: useStore.getState,
    map: () => handles.map(),
    deck: () => handles.deck(),
    overlay: () => handles.overlay(),
  };
}

// The wall's maplibre map, for the video overlay: MapView publishes it, the overlay listens.
import type { Map as MaplibreMap } from 'maplibre-gl';

let current: MaplibreMap | null = null;
const listeners = new Set<(m: MaplibreMap | null) => void>();

export function setWallMap(map: MaplibreMap | null): void {
  current = map;
  for (const l of [...listeners]) l(map);
}

export function getWallMap(): MaplibreMap | null {
  return current;
}

/** Calls `fn` now and whenever the map is replaced; returns the unsubscribe. */
export function onWallMap(fn: (m: MaplibreMap | null) => void): () => void {
  listeners.add(fn);
  fn(current);
  return () => {
    listeners.delete(fn);
  };
}

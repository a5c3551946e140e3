// maplibre's worker: where it loads from, and starting it before the first map needs it.
//
// A map's style (the grid GeoJSON) and tiles wait on this worker. Left to maplibre, the worker is
// made with the first map, after the page has connected and received the reference data, and
// then boots (a 0.5 MB module) while the page's main thread and the GPU process are busiest
// compiling deck.gl's shaders. Started at the page's first line, it boots while the page connects.
// On the 2-core test VM a wall page opened (to the map's load) in 5.1 s instead of 5.5 s, median
// of six each (docs/performance.md, "Opening a wall page").
import { prewarm, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { mayShowMap } from '../model/display';

let urlSet = false;

/** Tells maplibre where its worker is (once); every module that makes a map calls this first. */
export function setMapWorkerUrl(): void {
  if (urlSet) return;
  setWorkerUrl(workerUrl);
  urlSet = true;
}

/**
 * Starts maplibre's worker now (see above) on a page that will draw a map: one that can draw WebGL
 * and may show a map (model/display.ts). A worker started for nothing (a preset without a map)
 * costs one idle thread.
 */
export function prewarmMapWorker(search: string, webgl: 'ok' | 'unavailable'): boolean {
  if (webgl !== 'ok' || !mayShowMap(search)) return false;
  setMapWorkerUrl();
  prewarm();
  return true;
}

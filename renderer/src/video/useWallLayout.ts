// The video wall's layout engine follows the map without React: a pass on every map move (in the
// same frame), and one per animation frame after the model's alarms or layers or the area's size
// changed. Returns the pass to run after React put tiles in or took them out.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useEffect, useRef, type MutableRefObject, type RefObject } from 'react';
import type { WallRuntime } from '../ui/context';
import type { VideoWallConfig } from './config';
import { createWallLayout } from './wall-layout';

export function useWallLayout(
  rootRef: RefObject<HTMLElement | null>,
  tileEls: ReadonlyMap<string, HTMLElement>,
  config: VideoWallConfig,
  runtime: WallRuntime,
): MutableRefObject<() => void> {
  const relayoutRef = useRef<() => void>(() => undefined);
  const { store } = runtime;
  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    let map: MaplibreMap | null = null;
    let raf = 0;
    const layout = createWallLayout({ root, tileEls, store, maxFloating: config.maxFloating, map: () => map });
    const relayout = () => {
      raf = 0;
      layout.relayout();
    };
    const schedule = () => {
      if (raf === 0) raf = requestAnimationFrame(relayout);
    };
    // synchronous on map moves, so tiles and leader lines move in the same frame as the map
    const onMove = () => {
      if (raf !== 0) cancelAnimationFrame(raf);
      relayout();
    };
    const attach = (m: MaplibreMap | null) => {
      if (map) {
        map.off('move', onMove);
        map.off('resize', onMove);
      }
      map = m;
      if (map) {
        map.on('move', onMove);
        map.on('resize', onMove);
      }
      schedule();
    };
    const unMap = runtime.map.watch(attach);
    const unStore = store.subscribe((s, p) => {
      if (s.incidents !== p.incidents || s.layers !== p.layers) schedule();
    });
    const ro = new ResizeObserver(() => {
      layout.invalidateObstacles();
      schedule();
    });
    ro.observe(root);
    relayoutRef.current = relayout;
    return () => {
      relayoutRef.current = () => undefined;
      if (raf !== 0) cancelAnimationFrame(raf);
      unMap();
      attach(null);
      unStore();
      ro.disconnect();
    };
  }, [rootRef, config, tileEls, store, runtime]);
  return relayoutRef;
}

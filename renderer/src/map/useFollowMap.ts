// Runs something once per animation frame after the map moved or resized, or the incidents
// changed: what DOM over the map (edge arrows, panels keeping clear of urgent markers) needs to
// follow the map without re-rendering on every frame of a pan.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import type { WallRuntime } from '../ui/context';

export function useFollowMap(runtime: Pick<WallRuntime, 'map' | 'store'>, run: (map: MaplibreMap | null) => void): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    let map: MaplibreMap | null = null;
    let raf = 0;
    const frame = () => {
      raf = 0;
      latest.current(map);
    };
    const schedule = () => {
      if (raf === 0) raf = requestAnimationFrame(frame);
    };
    const attach = (m: MaplibreMap | null) => {
      map?.off('move', schedule);
      map?.off('resize', schedule);
      map = m;
      map?.on('move', schedule);
      map?.on('resize', schedule);
      schedule();
    };
    const unMap = runtime.map.watch(attach);
    const unStore = runtime.store.subscribe((s, p) => {
      if (s.incidents !== p.incidents) schedule();
    });
    return () => {
      if (raf !== 0) cancelAnimationFrame(raf);
      unMap();
      attach(null);
      unStore();
    };
  }, [runtime]);
}

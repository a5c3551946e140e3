// Whether an urgent alarm (unacknowledged P1/P2) lies under a panel over the map: the panel then
// gets out of its way. Checked on every map move and change of incidents, once per frame, against
// the panel's rectangle as it is when open (measured whenever it is open: `panel` is then mounted),
// so a collapsed panel knows when it may open again.
import { type MutableRefObject, type RefObject, useState } from 'react';
import { keptApart } from '../map/layers/incidents';
import { useFollowMap } from '../map/useFollowMap';
import { useRuntime } from './context';

const MARGIN_PX = 16;

export function useUrgentUnder(panel: RefObject<HTMLElement | null>, openRect: MutableRefObject<DOMRect | null>): boolean {
  const runtime = useRuntime();
  const [under, setUnder] = useState(false);
  useFollowMap(runtime, (map) => {
    if (panel.current) openRect.current = panel.current.getBoundingClientRect();
    const r = openRect.current;
    if (!map || !r) return setUnder(false);
    const c = map.getCanvas().getBoundingClientRect();
    let hit = false;
    for (const i of runtime.store.getState().incidents.values()) {
      if (i.status !== 'open' || !keptApart(i)) continue;
      const p = map.project([i.lon, i.lat]);
      const x = c.left + p.x;
      const y = c.top + p.y;
      if (x >= r.left - MARGIN_PX && x <= r.right + MARGIN_PX && y >= r.top - MARGIN_PX && y <= r.bottom + MARGIN_PX) {
        hit = true;
        break;
      }
    }
    setUnder(hit);
  });
  return under;
}

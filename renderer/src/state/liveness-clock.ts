// The page's own clock for liveness: once a second the model hears the time (a page cut off from
// the services ages what it holds by itself: model/liveness.ts), and a link that went silent
// without closing is dropped and dialled again, at most every RESYNC_EVERY_MS. A tick that comes
// late tells the model how long the page's own thread was busy, so a page slow to take in a big
// update does not mistake its own stall for a silent link.
import type { Bridge } from '../../../core/contract';
import type { WallStore } from './store';

export const TICK_MS = 1000;
export const RESYNC_EVERY_MS = 10_000;
/** a tick this much later than due means the page itself was held up (timers drift by a few ms) */
export const FROZEN_AFTER_MS = 500;

/** A hidden page's timers are throttled (to about once a minute): its late ticks say nothing about its thread. */
const pageHidden = (): boolean => typeof document !== 'undefined' && document.hidden;

export function startLivenessClock(runtime: { bridge: Pick<Bridge, 'resync'>; store: WallStore }, now: () => number = Date.now, hidden: () => boolean = pageHidden): () => void {
  let lastResync = 0;
  let lastTick = now();
  const id = setInterval(() => {
    const at = now();
    const late = at - lastTick - TICK_MS;
    lastTick = at;
    const s = runtime.store.getState();
    s.dispatch(late >= FROZEN_AFTER_MS && !hidden() ? { type: 'tick', at, frozenMs: late } : { type: 'tick', at });
    const l = runtime.store.getState().liveness;
    if (!l.live && l.reason === 'silent' && at - lastResync >= RESYNC_EVERY_MS) {
      lastResync = at;
      runtime.bridge.resync();
      // a fresh start is a new connection, live: a replay it had is gone (the page opens it again)
      if (runtime.store.getState().player.mode === 'replay') s.dispatch({ type: 'player', player: { mode: 'live' }, at });
    }
  }, TICK_MS);
  return () => clearInterval(id);
}

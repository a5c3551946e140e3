// The page's own clock for liveness: once a second the model hears the time (a page cut off from
// the services ages what it holds by itself: model/liveness.ts), and a link that went silent
// without closing is dropped and dialled again, at most every RESYNC_EVERY_MS.
import type { Bridge } from '../../../core/contract';
import type { WallStore } from './store';

export const TICK_MS = 1000;
export const RESYNC_EVERY_MS = 10_000;

export function startLivenessClock(runtime: { bridge: Pick<Bridge, 'resync'>; store: WallStore }, now: () => number = Date.now): () => void {
  let lastResync = 0;
  const id = setInterval(() => {
    const at = now();
    const s = runtime.store.getState();
    s.dispatch({ type: 'tick', at });
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

// The page's half of flow control (main/services/update-flow.ts): an update that came numbered
// (a snapshot or delta, live or replayed) is acknowledged once it is in the model and the page has
// drawn a frame since, so the services send the next one only when this page has had the time to
// show the last. Acks are cumulative: several updates taken in before a frame are acknowledged by
// one request. A page without frames (hidden: no animation frames) acknowledges after a short wait
// instead, or a replay playing in a background window would stall and a live one lag.
import type { Bridge } from '../../../core/contract';

export interface UpdateAcksEnv {
  /** runs `fn` on the next animation frame */
  frame: (fn: () => void) => void;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (t: unknown) => void;
}

/** After this long without a frame, an update is acknowledged anyway. */
export const ACK_WITHOUT_FRAME_MS = 1_000;

const browserEnv = (): UpdateAcksEnv => ({
  frame: (fn) => requestAnimationFrame(fn),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (t) => window.clearTimeout(t as number),
});

export function updateAcks(bridge: Pick<Bridge, 'request'>, env: UpdateAcksEnv = browserEnv()) {
  /** the highest number taken in and not yet acknowledged */
  let pending: number | null = null;
  let waiting = false;
  const send = () => {
    waiting = false;
    if (pending === null) return;
    const seq = pending;
    pending = null;
    // a lost ack costs a few seconds of updates (the services stop waiting), never the page
    void bridge.request('updates.ack', { seq });
  };
  return {
    /** An update numbered `seq` is in the model. */
    taken(seq: number): void {
      pending = Math.max(pending ?? 0, seq);
      if (waiting) return;
      waiting = true;
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        env.clearTimeout(timer);
        send();
      };
      const timer = env.setTimeout(once, ACK_WITHOUT_FRAME_MS);
      // two frames: the first begins before the page draws, the second after it has drawn
      env.frame(() => env.frame(once));
    },
  };
}

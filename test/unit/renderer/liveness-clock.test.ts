// The page's liveness clock: a real store and the real reducer on fake timers. A page whose own
// thread is held up (its timer fires late) keeps its link; a link that really goes silent is
// dropped and dialled again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLivenessClock, TICK_MS } from '../../../renderer/src/state/liveness-clock';
import { createWallStore } from '../../../renderer/src/state/store';
import type { Health } from '../../../core/contract';

const T = Date.UTC(2026, 11, 7, 9);

describe('liveness clock', () => {
  let clock = T;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = T;
  });
  afterEach(() => vi.useRealTimers());

  function page(hidden = false) {
    const store = createWallStore(T);
    const resyncs: number[] = [];
    const stop = startLivenessClock({ bridge: { resync: () => resyncs.push(clock) }, store }, () => clock, () => hidden);
    store.getState().dispatch({ type: 'connection', state: 'open', at: T });
    const heartbeat = () =>
      store.getState().dispatch({
        type: 'server',
        message: { type: 'health', health: { ok: true, at: clock, heartbeatMs: 2000, broker: { url: 'mqtt://b', connected: true, lastConnectedAt: T, disconnectedAt: null, lastMessageAt: T, reconnects: 0, error: null } } as unknown as Health },
        at: clock,
      });
    /** one due tick */
    const run = (ms: number) => {
      for (let t = 0; t < ms; t += TICK_MS) {
        clock += TICK_MS;
        vi.advanceTimersByTime(TICK_MS);
      }
    };
    /** the page's thread held for `ms`: its timer fires once, that much late */
    const freeze = (ms: number) => {
      clock += ms + TICK_MS;
      vi.advanceTimersByTime(TICK_MS);
    };
    return { store, resyncs, stop, heartbeat, run, freeze };
  }

  it('a page held up by its own work keeps its link; the heartbeats waiting behind it are read next', () => {
    const p = page();
    p.heartbeat();
    p.run(2000);
    p.freeze(9000);
    expect(p.store.getState().liveness).toEqual({ live: true });
    expect(p.resyncs).toEqual([]);
    p.heartbeat();
    p.run(3000);
    expect(p.resyncs).toEqual([]);
    p.stop();
  });

  it('a hidden page’s late ticks are its throttled timers, not a busy thread: silence counts as it passes', () => {
    const p = page(true);
    p.heartbeat();
    const heardAt = clock;
    p.run(1000);
    p.freeze(9000);
    expect(p.resyncs).toEqual([heardAt + 11_000]);
    p.stop();
  });

  it('a link silent for three heartbeats of the page’s running time is dropped and dialled again', () => {
    const p = page();
    p.heartbeat();
    const heardAt = clock;
    p.run(6000);
    expect(p.resyncs).toEqual([]);
    p.run(1000);
    expect(p.resyncs).toEqual([heardAt + 7000]);
    expect(p.store.getState().liveness).toMatchObject({ live: false, reason: 'silent' });
    p.stop();
  });
});

// The page's memory watchdog: when a page grown past its limit reloads itself (only at a quiet
// moment: no P1 open, nobody at the keys, no replay), past the ceiling at once; what the reloaded
// page is told; and the installer driving it from a real wall store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import type { Health } from '../../../core/contract';
import { DEFAULT_MEMORY_WATCHDOG, memoryVerdict, memoryWatchdogSettings, parseRecycleNote, streamBudgetInForce, type MemoryReading } from '../../../renderer/src/model/memory-watchdog';
import { RECYCLE_NOTE_KEY, startMemoryWatchdog, takeRecycleNote } from '../../../renderer/src/state/memory-watchdog';
import { createWallStore } from '../../../renderer/src/state/store';

const MB = 2 ** 20;
const T = Date.UTC(2026, 11, 6, 3);
const S = { limitBytes: 500 * MB, ceilingBytes: 800 * MB, processLimitBytes: 2000 * MB, processCeilingBytes: 3000 * MB, quietMs: 60_000, minUptimeMs: 300_000, sustainMs: 30_000, streamBudget: 100, streamBudgetExplicit: false };
const health = { ok: true, at: T, heartbeatMs: 2000, broker: { url: 'mqtt://b', connected: true, lastConnectedAt: T, disconnectedAt: null, lastMessageAt: T, reconnects: 0, error: null }, feed: { state: 'live', lastMessageAt: T, usualGapMs: null, stalledAfterMs: 60_000, stalledSince: null, stalls: 0 } } as Health;
const reading = (o: Partial<MemoryReading> = {}): MemoryReading => ({ heapBytes: 600 * MB, now: T, loadedAt: T - 3600_000, overSince: T - 30_000, lookedAt: T - 120_000, p1Open: 0, replay: false, ...o });

describe('memoryVerdict', () => {
  it('leaves a page under its limit alone', () => {
    expect(memoryVerdict(reading({ heapBytes: 499 * MB }), S)).toEqual({ kind: 'ok' });
  });
  it('recycles a page over its limit at a quiet moment', () => {
    expect(memoryVerdict(reading(), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'heap' });
  });
  it('waits while a P1 is open, in a replay, or while someone is at the keys', () => {
    expect(memoryVerdict(reading({ p1Open: 1 }), S)).toEqual({ kind: 'wait', because: 'p1_open' });
    expect(memoryVerdict(reading({ replay: true }), S)).toEqual({ kind: 'wait', because: 'replay' });
    expect(memoryVerdict(reading({ lookedAt: T - 59_999 }), S)).toEqual({ kind: 'wait', because: 'operator' });
    expect(memoryVerdict(reading({ lookedAt: T - 60_000 }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'heap' });
  });
  it('waits until the heap has stayed over the limit for a while: garbage not yet collected is no leak', () => {
    expect(memoryVerdict(reading({ overSince: null }), S)).toEqual({ kind: 'wait', because: 'settling' });
    expect(memoryVerdict(reading({ overSince: T - 29_999 }), S)).toEqual({ kind: 'wait', because: 'settling' });
    expect(memoryVerdict(reading({ overSince: T - 30_000 }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'heap' });
  });
  it('stops waiting past the ceiling', () => {
    expect(memoryVerdict(reading({ heapBytes: 800 * MB, p1Open: 3, lookedAt: T, replay: true }), S)).toEqual({ kind: 'recycle', reason: 'ceiling', figure: 'heap' });
  });
  it('never recycles a young page for its limit, nor for its ceiling in its first minute: no reload loop', () => {
    expect(memoryVerdict(reading({ loadedAt: T - 299_999 }), S)).toEqual({ kind: 'wait', because: 'young' });
    expect(memoryVerdict(reading({ loadedAt: T - 300_000 }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'heap' });
    expect(memoryVerdict(reading({ heapBytes: 900 * MB, loadedAt: T - 59_999 }), S)).toEqual({ kind: 'wait', because: 'young' });
    expect(memoryVerdict(reading({ heapBytes: 900 * MB, loadedAt: T - 60_000 }), S)).toEqual({ kind: 'recycle', reason: 'ceiling', figure: 'heap' });
    // a shorter minimum (a test, a small display) holds for the ceiling too
    expect(memoryVerdict(reading({ heapBytes: 900 * MB, loadedAt: T - 5000 }), { ...S, minUptimeMs: 5000 })).toEqual({ kind: 'recycle', reason: 'ceiling', figure: 'heap' });
  });
  it('counts the whole renderer process where the shell measures it: memory outside the JS heap grows too', () => {
    const small = 100 * MB;
    // no figure from the shell (a web shell): the heap alone decides
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: null }), S)).toEqual({ kind: 'ok' });
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 1999 * MB }), S)).toEqual({ kind: 'ok' });
    // the same rules as the heap: a quiet moment, after a while over, and at once past the ceiling
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 2000 * MB }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'process' });
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 2500 * MB, p1Open: 1 }), S)).toEqual({ kind: 'wait', because: 'p1_open' });
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 2500 * MB, overSince: T - 1000 }), S)).toEqual({ kind: 'wait', because: 'settling' });
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 3000 * MB, p1Open: 2, lookedAt: T }), S)).toEqual({ kind: 'recycle', reason: 'ceiling', figure: 'process' });
    // both over: the heap is named
    expect(memoryVerdict(reading({ processBytes: 2500 * MB }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'heap' });
  });
  it('counts the video streams loaded against a budget where one is in force, at a quiet moment only, never at once', () => {
    const small = 100 * MB;
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 5000, streamBudget: null }), S)).toEqual({ kind: 'ok' });
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 99, streamBudget: 100 }), S)).toEqual({ kind: 'ok' });
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 100, streamBudget: 100 }), S)).toEqual({ kind: 'recycle', reason: 'limit', figure: 'streams' });
    // no ceiling: a P1, an operator, a replay, a young page all hold it however far past
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 10_000, streamBudget: 100, p1Open: 1 }), S)).toEqual({ kind: 'wait', because: 'p1_open' });
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 10_000, streamBudget: 100, lookedAt: T }), S)).toEqual({ kind: 'wait', because: 'operator' });
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 10_000, streamBudget: 100, replay: true }), S)).toEqual({ kind: 'wait', because: 'replay' });
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 10_000, streamBudget: 100, loadedAt: T - 1000 }), S)).toEqual({ kind: 'wait', because: 'young' });
    // a budget of 0 is none
    expect(memoryVerdict(reading({ heapBytes: small, streamsLoaded: 10, streamBudget: 0 }), S)).toEqual({ kind: 'ok' });
    // the heap or the process over as well: they are named
    expect(memoryVerdict(reading({ streamsLoaded: 100, streamBudget: 100 }), S)).toMatchObject({ figure: 'heap' });
    expect(memoryVerdict(reading({ heapBytes: small, processBytes: 2000 * MB, streamsLoaded: 100, streamBudget: 100 }), S)).toMatchObject({ figure: 'process' });
  });
});

describe('streamBudgetInForce', () => {
  it('by default only on a software renderer in a shell that does not measure the page\'s processes; asked for, anywhere', () => {
    expect(streamBudgetInForce(S, { softwareRenderer: true, processMeasured: false })).toBe(100);
    expect(streamBudgetInForce(S, { softwareRenderer: false, processMeasured: false })).toBeNull();
    expect(streamBudgetInForce(S, { softwareRenderer: true, processMeasured: true })).toBeNull();
    const asked = { ...S, streamBudget: 7, streamBudgetExplicit: true };
    expect(streamBudgetInForce(asked, { softwareRenderer: false, processMeasured: true })).toBe(7);
    expect(streamBudgetInForce({ ...asked, streamBudget: 0 }, { softwareRenderer: true, processMeasured: false })).toBeNull();
  });
});

describe('memoryWatchdogSettings', () => {
  it('reads the page address within bounds, the ceiling never under the limit', () => {
    expect(memoryWatchdogSettings('')).toEqual(DEFAULT_MEMORY_WATCHDOG);
    expect(memoryWatchdogSettings('?heapLimitMB=100&heapCeilingMB=50&quietMs=0&minUptimeMs=2000&sustainMs=500')).toEqual({ ...DEFAULT_MEMORY_WATCHDOG, limitBytes: 100 * MB, ceilingBytes: 100 * MB, quietMs: 0, minUptimeMs: 2000, sustainMs: 500 });
    expect(memoryWatchdogSettings('?processLimitMB=1024&processCeilingMB=900')).toEqual({ ...DEFAULT_MEMORY_WATCHDOG, processLimitBytes: 1024 * MB, processCeilingBytes: 1024 * MB });
    const p = memoryWatchdogSettings('?processLimitMB=1500');
    expect(p.processCeilingBytes / p.processLimitBytes).toBeCloseTo(DEFAULT_MEMORY_WATCHDOG.processCeilingBytes / DEFAULT_MEMORY_WATCHDOG.processLimitBytes);
    for (const bad of ['?processLimitMB=10', '?processLimitMB=x']) expect(memoryWatchdogSettings(bad)).toEqual(DEFAULT_MEMORY_WATCHDOG);
    // the ceiling keeps its proportion to the limit when only the limit is given
    const s = memoryWatchdogSettings('?heapLimitMB=768');
    expect(s.limitBytes).toBe(768 * MB);
    expect(s.ceilingBytes / s.limitBytes).toBeCloseTo(DEFAULT_MEMORY_WATCHDOG.ceilingBytes / DEFAULT_MEMORY_WATCHDOG.limitBytes);
    for (const bad of ['?heapLimitMB=abc', '?heapLimitMB=-5', '?heapLimitMB=1', '?heapLimitMB=', '?heapLimitMB=1e9']) expect(memoryWatchdogSettings(bad)).toEqual(DEFAULT_MEMORY_WATCHDOG);
    // a stream budget asked for is in force on any display; 0 asks for none
    expect(memoryWatchdogSettings('?streamBudget=12')).toEqual({ ...DEFAULT_MEMORY_WATCHDOG, streamBudget: 12, streamBudgetExplicit: true });
    expect(memoryWatchdogSettings('?streamBudget=0')).toEqual({ ...DEFAULT_MEMORY_WATCHDOG, streamBudget: 0, streamBudgetExplicit: true });
    for (const bad of ['?streamBudget=-1', '?streamBudget=x', '?streamBudget=1e12']) expect(memoryWatchdogSettings(bad)).toEqual(DEFAULT_MEMORY_WATCHDOG);
  });
});

describe('the recycle note', () => {
  it('reads back what was written, and nothing from junk', () => {
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, processBytes: 9, figure: 'process', reason: 'limit', count: 3 }))).toEqual({ at: T, heapBytes: 5, processBytes: 9, figure: 'process', reason: 'limit', count: 3, streams: null });
    // a note from before counts (or the process figure) existed, or with a silly count, is one recycle for the heap
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, reason: 'limit' }))).toEqual({ at: T, heapBytes: 5, processBytes: null, figure: 'heap', reason: 'limit', count: 1, streams: null });
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, figure: 'process', reason: 'limit' }))?.figure).toBe('heap');
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, reason: 'ceiling', count: -2 }))?.count).toBe(1);
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, figure: 'streams', streams: 201, reason: 'limit', count: 1 }))).toMatchObject({ figure: 'streams', streams: 201 });
    // a streams note without its count is read as the heap's
    expect(parseRecycleNote(JSON.stringify({ at: T, heapBytes: 5, figure: 'streams', reason: 'limit' }))).toMatchObject({ figure: 'heap', streams: null });
    for (const junk of [null, '', '{', '[]', '{"at":1,"heapBytes":2,"reason":"other"}', '{"at":"x","heapBytes":2,"reason":"limit"}']) expect(parseRecycleNote(junk)).toBeNull();
  });
});

describe('startMemoryWatchdog', () => {
  afterEach(() => vi.useRealTimers());

  /** a wall store holding one open incident of the given priority */
  function storeWith(priority: 1 | 3) {
    const core = createSituation({ cameras: [], kiosks: [] }, () => undefined, { staleAfterMs: 60_000 });
    apply(core, { t: 'tick', at: T });
    apply(core, { t: 'events', at: T, topic: 'a/1', events: [{ type: 'incident', source: 'alarms', report: { id: 'a1', ts: T, kind: 'theft', priority, lat: 26.05, lon: 119.3, title: 't', status: 'open' } }] });
    takeDelta(core);
    const store = createWallStore(T - 600_000);
    store.getState().dispatch({ type: 'connection', state: 'open', at: T });
    store.getState().dispatch({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health }, at: T });
    return store;
  }

  /** the watchdog's surroundings on fake timers: the clock is the timers' own (vi.useFakeTimers moves Date) */
  function env(heap: () => number | null, display: { streams?: () => number; software?: boolean } = {}) {
    const items = new Map<string, string>();
    const reloads: number[] = [];
    return {
      reloads,
      items,
      tick: (ms: number) => vi.advanceTimersByTime(ms),
      env: {
        now: () => Date.now(),
        heapBytes: heap,
        reload: () => reloads.push(Date.now()),
        streamsLoaded: display.streams ?? (() => 0),
        softwareRenderer: () => display.software ?? false,
        storage: { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) },
        everyMs: 1000,
      },
    };
  }

  it('reloads a quiet page over its limit once, leaving a note the next page reads once', () => {
    vi.useFakeTimers({ now: T });
    const store = storeWith(3);
    expect(store.getState().incidents.size).toBe(1);
    let heap = 100 * MB;
    const e = env(() => heap);
    const w = startMemoryWatchdog(store, S, e.env, null, T - 3600_000);
    e.tick(5000);
    expect(e.reloads).toEqual([]);
    expect(w.status().verdict).toEqual({ kind: 'ok' });
    heap = 600 * MB;
    e.tick(S.sustainMs);
    expect(e.reloads).toEqual([]);
    expect(w.status().verdict).toEqual({ kind: 'wait', because: 'settling' });
    e.tick(1000);
    expect(e.reloads).toHaveLength(1);
    e.tick(5000);
    expect(e.reloads).toHaveLength(1);
    expect(takeRecycleNote(e.env.storage)).toEqual({ at: e.reloads[0], heapBytes: 600 * MB, processBytes: null, figure: 'heap', reason: 'limit', count: 1, streams: 0 });
    expect(e.items.has(RECYCLE_NOTE_KEY)).toBe(false);
    w.stop();
  });

  it('waits while a P1 is open, and recycles once the heap passes the ceiling', () => {
    vi.useFakeTimers({ now: T });
    const store = storeWith(1);
    let heap = 600 * MB;
    const e = env(() => heap);
    const w = startMemoryWatchdog(store, S, e.env, null, T - 3600_000);
    e.tick(10_000);
    expect(e.reloads).toEqual([]);
    expect(w.status().verdict).toEqual({ kind: 'wait', because: 'p1_open' });
    heap = 900 * MB;
    e.tick(1000);
    expect(e.reloads).toHaveLength(1);
    w.stop();
  });

  it('backs off when pages keep coming back big: each recycle in a row doubles the wait, and the count goes on', () => {
    vi.useFakeTimers({ now: T });
    const e = env(() => 600 * MB);
    // the page before was the second recycle in a row, ten minutes ago: this one waits 4 × minUptime
    const w = startMemoryWatchdog(storeWith(3), S, e.env, { at: T - 600_000, heapBytes: 700 * MB, reason: 'limit', count: 2 });
    e.tick(4 * S.minUptimeMs - 2000);
    expect(e.reloads).toEqual([]);
    expect(w.status().verdict).toEqual({ kind: 'wait', because: 'young' });
    e.tick(3000);
    expect(e.reloads).toHaveLength(1);
    expect(takeRecycleNote(e.env.storage)?.count).toBe(3);
    w.stop();
    // an hour after the last one, the count starts again
    const e2 = env(() => 600 * MB);
    const w2 = startMemoryWatchdog(storeWith(3), S, e2.env, { at: Date.now() - 3600_000, heapBytes: 700 * MB, reason: 'limit', count: 5 });
    e2.tick(S.minUptimeMs + 1000);
    expect(e2.reloads).toHaveLength(1);
    expect(takeRecycleNote(e2.env.storage)?.count).toBe(1);
    w2.stop();
  });

  it('reloads a quiet page whose renderer process grew past its limit, from the figure its shell sends (and not from a stale one)', () => {
    vi.useFakeTimers({ now: T });
    const store = storeWith(3);
    const e = env(() => 100 * MB);
    const w = startMemoryWatchdog(store, S, e.env, null, T - 3600_000);
    const shellSays = (bytes: number, at = Date.now()) => store.getState().dispatch({ type: 'server', message: { type: 'memory', memory: { processBytes: bytes, at } }, at: Date.now() });
    shellSays(500 * MB);
    e.tick(S.sustainMs + 5000);
    expect(w.status()).toMatchObject({ heapBytes: 100 * MB, processBytes: 500 * MB, verdict: { kind: 'ok' } });
    // a reading from long ago is not used
    shellSays(2500 * MB, Date.now() - 120_000);
    e.tick(S.sustainMs + 5000);
    expect(w.status()).toMatchObject({ processBytes: null, verdict: { kind: 'ok' } });
    expect(e.reloads).toEqual([]);
    shellSays(2500 * MB);
    e.tick(1000);
    expect(w.status().verdict).toEqual({ kind: 'wait', because: 'settling' });
    // the shell keeps saying it, every few seconds
    for (let i = 0; i < 6 && e.reloads.length === 0; i++) {
      shellSays(2500 * MB);
      e.tick(6000);
    }
    expect(e.reloads).toHaveLength(1);
    expect(takeRecycleNote(e.env.storage)).toMatchObject({ heapBytes: 100 * MB, processBytes: 2500 * MB, figure: 'process', reason: 'limit' });
    w.stop();
  });

  it('on a display without a GPU in a web shell, reloads a quiet page once its players have loaded the stream budget; not where the shell measures the processes', () => {
    vi.useFakeTimers({ now: T });
    let streams = 0;
    const e = env(() => 100 * MB, { streams: () => streams, software: true });
    const w = startMemoryWatchdog(storeWith(3), S, e.env, null, T - 3600_000);
    streams = 99;
    e.tick(S.sustainMs + 5000);
    expect(w.status()).toMatchObject({ streams: { loaded: 99, budget: 100 }, verdict: { kind: 'ok' } });
    streams = 100;
    e.tick(1000);
    expect(w.status().verdict).toEqual({ kind: 'wait', because: 'settling' });
    e.tick(S.sustainMs);
    expect(e.reloads).toHaveLength(1);
    expect(takeRecycleNote(e.env.storage)).toMatchObject({ figure: 'streams', streams: 100, reason: 'limit', heapBytes: 100 * MB });
    w.stop();

    // the same display in a shell that sends the page's process figure: that figure rules, the count does not
    const store = storeWith(3);
    const e2 = env(() => 100 * MB, { streams: () => 500, software: true });
    const w2 = startMemoryWatchdog(store, S, e2.env, null, T - 3600_000);
    store.getState().dispatch({ type: 'server', message: { type: 'memory', memory: { processBytes: 400 * MB, at: Date.now() } }, at: Date.now() });
    e2.tick(S.sustainMs + 5000);
    expect(w2.status()).toMatchObject({ streams: { loaded: 500, budget: null }, verdict: { kind: 'ok' } });
    expect(e2.reloads).toEqual([]);
    w2.stop();
    // and a display with a GPU: none either
    const e3 = env(() => 100 * MB, { streams: () => 500, software: false });
    const w3 = startMemoryWatchdog(storeWith(3), S, e3.env, null, T - 3600_000);
    e3.tick(S.sustainMs + 5000);
    expect(w3.status()).toMatchObject({ streams: { budget: null }, verdict: { kind: 'ok' } });
    w3.stop();
  });

  it('says when the browser gives no heap figure, and does nothing', () => {
    vi.useFakeTimers({ now: T });
    const e = env(() => null);
    const w = startMemoryWatchdog(storeWith(3), S, e.env, null, T - 3600_000);
    e.tick(3000);
    expect(w.status().verdict).toEqual({ kind: 'unavailable' });
    expect(e.reloads).toEqual([]);
    w.stop();
  });
});

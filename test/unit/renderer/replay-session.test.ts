// The page's side of a replay: `?replay=` asked for once someone may look, again at the last replay
// clock and speed after a reconnect, a malformed address said instead; leaving closes it and goes
// live; the replay's keys exist only in a replay.
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../core/auth/principal';
import type { Bridge, RequestMethod, Requests, Result } from '../../../core/contract';
import type { PlayerState, ReplayState } from '../../../core/player';
import { createWebSocketBridge } from '../../../renderer/src/bridge';
import { leaveReplay, startReplaySession } from '../../../renderer/src/state/replay-session';
import { createWallStore, type WallStore } from '../../../renderer/src/state/store';
import { explainReplayError } from '../../../renderer/src/ui/replay-errors';
import { shortcutFor } from '../../../renderer/src/ui/shortcuts';
import i18next from 'i18next';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

const T = Date.UTC(2026, 11, 5, 9);
const FROM = Date.UTC(2026, 11, 4, 0, 28);
const TO = FROM + 30 * 60_000;
const SEARCH = `?lang=en&replay=${new Date(FROM).toISOString()}/${TO}`;
const dispatcher: SessionInfo = { me: { name: 'li', role: 'dispatcher', via: 'session', canAct: true }, signInAvailable: true };
const nobody: SessionInfo = { me: null, signInAvailable: true };
const replay = (o: Partial<ReplayState> = {}): ReplayState => ({ mode: 'replay', from: FROM, to: TO, at: FROM, playing: false, speed: 1, loading: false, markers: [], density: { bucketMs: 60_000, counts: [] }, bookmarks: [], error: null, ...o });

/** A bridge that records requests and answers them as told (a replay state by default). */
function fakeBridge(answer: (method: RequestMethod, params: unknown) => Result<unknown> = (method, params) => ({ ok: true, value: method === 'replay.close' ? { mode: 'live' } : replay(params as Partial<ReplayState>) })) {
  const asked: { method: RequestMethod; params: unknown }[] = [];
  const bridge: Pick<Bridge, 'request'> = {
    request<M extends RequestMethod>(method: M, params: Requests[M]['params']) {
      asked.push({ method, params });
      return Promise.resolve(answer(method, params) as Result<Requests[M]['result']>);
    },
  };
  return { bridge, asked };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const server = (store: WallStore, message: { type: 'session'; session: SessionInfo } | { type: 'player'; player: PlayerState }, at = T) => store.getState().dispatch({ type: 'server', message, at });
const link = (store: WallStore, state: 'open' | 'connecting', at: number) => store.getState().dispatch({ type: 'connection', state, at });

describe('?replay= on a page', () => {
  it('asks for the replay once the session lets the page look and its link is open, and once only', async () => {
    const store = createWallStore(T);
    const { bridge, asked } = fakeBridge();
    startReplaySession({ bridge, store }, SEARCH, () => T);
    expect(store.getState().replay).toEqual({ from: FROM, to: TO, at: FROM, speed: 1, playing: false });
    link(store, 'open', T);
    await settle();
    // nobody signed in yet: nothing asked (the services would refuse it)
    server(store, { type: 'session', session: nobody });
    await settle();
    expect(asked).toEqual([]);
    server(store, { type: 'session', session: dispatcher });
    await settle();
    expect(asked).toEqual([{ method: 'replay.open', params: { from: FROM, to: TO, at: FROM, speed: 1 } }]);
    expect(store.getState().player.mode).toBe('replay');
    // the services' messages while it plays change nothing about asking
    server(store, { type: 'player', player: replay({ at: FROM + 5000 }) });
    server(store, { type: 'session', session: dispatcher });
    await settle();
    expect(asked).toHaveLength(1);
  });

  it('opens it again after a reconnect where it was: the last replay clock and speed, playing on', async () => {
    const store = createWallStore(T);
    const { bridge, asked } = fakeBridge();
    startReplaySession({ bridge, store }, SEARCH, () => T);
    link(store, 'open', T);
    server(store, { type: 'session', session: dispatcher });
    await settle();
    server(store, { type: 'player', player: replay({ at: FROM + 600_000, speed: 16, playing: true }) });
    link(store, 'connecting', T + 5000);
    await settle();
    expect(asked).toHaveLength(1);
    // the link lost: its replay went with it; the page says it is opening the replay again, never
    // letting the next connection's live situation pass for the replay
    expect(store.getState().player).toEqual({ mode: 'live' });
    expect(store.getState().replay).toMatchObject({ at: FROM + 600_000, speed: 16, playing: true });
    // a new link (the services start it live): asked again where it was, and played on
    link(store, 'open', T + 8000);
    server(store, { type: 'session', session: dispatcher }, T + 8000);
    await settle();
    await settle();
    expect(asked.slice(1)).toEqual([
      { method: 'replay.open', params: { from: FROM, to: TO, at: FROM + 600_000, speed: 16 } },
      { method: 'replay.control', params: { op: 'play' } },
    ]);
  });

  it('opens it again when the services say this connection is live again (a fresh start on the same link)', async () => {
    const store = createWallStore(T);
    const { bridge, asked } = fakeBridge();
    startReplaySession({ bridge, store }, SEARCH, () => T);
    link(store, 'open', T);
    server(store, { type: 'session', session: dispatcher });
    await settle();
    server(store, { type: 'player', player: replay({ at: FROM + 60_000, speed: 4 }) });
    server(store, { type: 'player', player: { mode: 'live' } }, T + 3000);
    await settle();
    expect(asked.slice(1)).toEqual([{ method: 'replay.open', params: { from: FROM, to: TO, at: FROM + 60_000, speed: 4 } }]);
  });

  it('says why the replay could not be opened, and does not ask again on the same link', async () => {
    const store = createWallStore(T);
    const { bridge, asked } = fakeBridge(() => ({ ok: false, error: 'not_found: no recording' }));
    startReplaySession({ bridge, store }, SEARCH, () => T);
    link(store, 'open', T);
    server(store, { type: 'session', session: dispatcher });
    await settle();
    expect(store.getState().replayError).toBe('not_found: no recording');
    server(store, { type: 'player', player: { mode: 'live' } });
    await settle();
    expect(asked).toHaveLength(1);
  });

  it('a malformed ?replay= is kept to be said, and nothing is asked', async () => {
    for (const bad of ['?replay=yesterday', '?replay=2026-12-05T09:00:00Z/2026-12-05T08:00:00Z', '?replay=1/2/3', '?replay=']) {
      const store = createWallStore(T);
      const { bridge, asked } = fakeBridge();
      startReplaySession({ bridge, store }, bad, () => T);
      link(store, 'open', T);
      server(store, { type: 'session', session: dispatcher });
      await settle();
      expect(store.getState().replayParamError, bad).toBe(new URLSearchParams(bad).get('replay'));
      expect(store.getState().replay).toBeNull();
      expect(asked).toEqual([]);
    }
    // no ?replay= at all: a live wall, nothing said
    const store = createWallStore(T);
    startReplaySession({ bridge: fakeBridge().bridge, store }, '?lang=en', () => T);
    expect(store.getState().replayParamError).toBeNull();
    expect(store.getState().replay).toBeNull();
  });

  it('leaving closes the replay and goes to the same address, live', async () => {
    const store = createWallStore(T);
    const { bridge, asked } = fakeBridge();
    startReplaySession({ bridge, store }, SEARCH, () => T);
    const went: string[] = [];
    await leaveReplay({ bridge, store }, (h) => went.push(h), `http://wall.local:8080/${SEARCH}`, () => T);
    expect(asked.at(-1)).toEqual({ method: 'replay.close', params: {} });
    expect(went).toEqual(['http://wall.local:8080/?lang=en']);
    expect(store.getState().replay).toBeNull();
  });
});

describe('the replay’s keys', () => {
  const none = { ctrl: false, alt: false, meta: false };
  it('Space, ← →, + −, Q in a replay; the browser’s (or the wall’s own) on a live wall', () => {
    expect(shortcutFor(' ', none, true)).toEqual({ type: 'replay', op: 'playPause' });
    expect(shortcutFor('ArrowLeft', none, true)).toEqual({ type: 'replay', op: 'prev' });
    expect(shortcutFor('ArrowRight', none, true)).toEqual({ type: 'replay', op: 'next' });
    expect(shortcutFor('+', none, true)).toEqual({ type: 'replay', op: 'faster' });
    expect(shortcutFor('=', none, true)).toEqual({ type: 'replay', op: 'faster' });
    expect(shortcutFor('-', none, true)).toEqual({ type: 'replay', op: 'slower' });
    expect(shortcutFor('q', none, true)).toEqual({ type: 'replay', op: 'leave' });
    expect(shortcutFor('Q', none, true)).toEqual({ type: 'replay', op: 'leave' });
    for (const k of [' ', 'ArrowLeft', 'ArrowRight', '+', '-', 'q']) expect(shortcutFor(k, none, false), k).toBeNull();
    // Esc and L keep their jobs in a replay: panels, the language
    expect(shortcutFor('Escape', none, true)).toEqual({ type: 'escape' });
    expect(shortcutFor('l', none, true)).toEqual({ type: 'language' });
    expect(shortcutFor('q', { ...none, ctrl: true }, true)).toBeNull();
  });
});

describe('the web shell’s bridge', () => {
  it('hands `player` messages to the page, like snapshots and deltas', () => {
    const sockets: { onopen?: () => void; onmessage?: (e: { data: string }) => void; readyState: number }[] = [];
    class Socket {
      readyState = 0;
      onopen?: () => void;
      onmessage?: (e: { data: string }) => void;
      onclose?: () => void;
      constructor() {
        sockets.push(this);
      }
      send() {}
      close() {}
    }
    const bridge = createWebSocketBridge('ws://w/bridge', { WebSocketImpl: Socket as never });
    const got: string[] = [];
    bridge.subscribe((m) => got.push(m.type === 'player' ? `player:${m.player.mode}` : m.type));
    sockets[0].readyState = 1;
    sockets[0].onopen?.();
    const p: PlayerState = replay({ at: FROM + 1000 });
    sockets[0].onmessage?.({ data: JSON.stringify({ type: 'player', player: p }) });
    sockets[0].onmessage?.({ data: JSON.stringify({ type: 'player', player: { mode: 'live' } }) });
    expect(got).toEqual(['player:replay', 'player:live']);
    bridge.close();
  });
});

describe('why a replay cannot go on, in the operator’s words', () => {
  it('says which moments were recorded, in the wall’s zone; other refusals as actions say them', () => {
    const words = i18next.createInstance();
    void words.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } }, interpolation: { escapeValue: false }, initAsync: false });
    const t = words.t.bind(words) as (k: string, o?: Record<string, unknown>) => string;
    const outside = '2026-12-05T17:22:33.769Z is not in the recording (it holds from 2026-12-05T17:24:22.413Z to 2026-12-05T17:24:43.474Z)';
    expect(explainReplayError(outside, t, 'Asia/Shanghai')).toBe('所选时刻没有记录（记录范围 2026-12-06 01:24:22 – 2026-12-06 01:24:43），请在时间轴上选择有记录的时刻');
    expect(explainReplayError('2026-12-05T17:22:33.769Z is not in the recording (it holds nothing yet)', t, 'Asia/Shanghai')).toBe('所选时刻之前没有记录');
    expect(explainReplayError('not_found: no recording (the wall runs without a data folder, or with journal.enabled false)', t, 'Asia/Shanghai')).toBe('本平台没有记录（未配置数据目录，或记录已关闭），无法回放');
    expect(explainReplayError('replay: no actions in a replay; leave the replay to act on the live wall', t, 'Asia/Shanghai')).toBe('回放中不能操作，请返回实时后处置');
    expect(explainReplayError('invalid: a replay covers at most 7 days', t, 'Asia/Shanghai')).toBe('平台拒绝了此操作：a replay covers at most 7 days');
  });
});

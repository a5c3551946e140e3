import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../core/contract';
import { bridgeUrl, createIpcBridge, createWebSocketBridge, type PreloadApi } from '../../../renderer/src/bridge';
import { emptyStats } from '../../../renderer/src/model/situation';

const snapshot = (now: number): ServerMessage => ({
  type: 'snapshot',
  situation: { now, limits: { trailLength: 10, rejectsKept: 200, staleAfterMs: 120_000 }, incidents: [], units: [], kiosks: [], cameras: [], stats: emptyStats(), rejects: [] },
  health: null as never,
});

/** A scripted stand-in for the browser WebSocket. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(m: ServerMessage | string) {
    this.onmessage?.({ data: typeof m === 'string' ? m : JSON.stringify(m) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  get requests(): ClientMessage[] {
    return this.sent.map((s) => JSON.parse(s));
  }
}

describe('bridgeUrl', () => {
  it('builds the bridge URL from the page', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:5170' })).toBe('ws://127.0.0.1:5170/bridge?acks=1');
    expect(bridgeUrl({ protocol: 'https:', host: 'wall.example' })).toBe('wss://wall.example/bridge?acks=1');
  });
});

describe('createWebSocketBridge', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const make = () => createWebSocketBridge('ws://x/bridge', { WebSocketImpl: FakeSocket as never, minBackoffMs: 100, maxBackoffMs: 1000, requestTimeoutMs: 2000 });

  it('connects on subscribe, delivers pushes, and reports connection state', () => {
    const b = make();
    const states: string[] = [];
    b.onConnection((s) => states.push(s));
    const got: string[] = [];
    b.subscribe((m) => got.push(m.type));
    const ws = FakeSocket.all[0];
    ws.open();
    ws.push(snapshot(1));
    ws.push({ type: 'health', health: null as never });
    ws.push('not json');
    expect(got).toEqual(['snapshot', 'health']);
    expect(states).toEqual(['closed', 'connecting', 'open']);
    b.close();
  });

  it('matches responses to requests by id, and queues requests made before the socket opens', async () => {
    const b = make();
    b.subscribe(() => {});
    const p1 = b.request('incident.ack', { id: 'a' });
    const p2 = b.request('incident.close', { id: 'b' });
    const ws = FakeSocket.all[0];
    expect(ws.sent).toHaveLength(0);
    ws.open();
    const [r1, r2] = ws.requests;
    expect(r1).toMatchObject({ type: 'request', method: 'incident.ack', params: { id: 'a' } });
    expect(r2.id).not.toBe(r1.id);
    ws.push({ type: 'response', id: r2.id, ok: false, error: 'no incident b' });
    ws.push({ type: 'response', id: r1.id, ok: true, result: { ok: true } });
    await expect(p1).resolves.toEqual({ ok: true, value: { ok: true } });
    await expect(p2).resolves.toEqual({ ok: false, error: 'no incident b' });
    b.close();
  });

  it('resync gives up on a silent socket at once (no close handshake with a server that no longer answers) and dials again', async () => {
    const b = make();
    const snaps: number[] = [];
    b.subscribe((m) => m.type === 'snapshot' && snaps.push(m.situation.now));
    const silent = FakeSocket.all[0];
    silent.open();
    silent.push(snapshot(1));
    // a server that hangs never completes the close handshake: close() here does not call onclose
    silent.close = () => {
      silent.readyState = 2;
    };
    const p = b.request('rejects.list', {});
    const states: string[] = [];
    b.onConnection((s) => states.push(s));
    b.resync();
    expect((await p).ok).toBe(false);
    expect(FakeSocket.all).toHaveLength(2);
    expect(states).toEqual(['open', 'connecting']);
    // whatever the old socket still says is not heard
    silent.push(snapshot(99));
    const fresh = FakeSocket.all[1];
    fresh.open();
    fresh.push(snapshot(2));
    expect(snaps).toEqual([1, 2]);
    b.close();
  });

  it('times out a request that gets no answer', async () => {
    const b = make();
    b.subscribe(() => {});
    FakeSocket.all[0].open();
    const p = b.request('rejects.list', {});
    vi.advanceTimersByTime(2001);
    const r = await p;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/timed out/);
    b.close();
  });

  it('fails requests in flight when the socket drops, then reconnects with backoff and a fresh snapshot', async () => {
    const b = make();
    const snaps: number[] = [];
    b.subscribe((m) => m.type === 'snapshot' && snaps.push(m.situation.now));
    const first = FakeSocket.all[0];
    first.open();
    first.push(snapshot(1));
    const p = b.request('situation.get', {});
    first.drop();
    const r = await p;
    expect(r).toEqual({ ok: false, error: 'connection closed' });
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(150);
    expect(FakeSocket.all).toHaveLength(2);
    // a second failure backs off longer
    FakeSocket.all[1].drop();
    vi.advanceTimersByTime(150);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(200);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2].open();
    FakeSocket.all[2].push(snapshot(2));
    expect(snaps).toEqual([1, 2]);
    b.close();
  });

  it('stops for good on close', () => {
    const b = make();
    b.subscribe(() => {});
    FakeSocket.all[0].open();
    b.close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('createIpcBridge', () => {
  function fakeApi() {
    const listeners = new Set<(m: ServerMessage) => void>();
    const sent: ClientMessage[] = [];
    let hellos = 0;
    const api: PreloadApi = {
      send: (m) => sent.push(m),
      onMessage: (cb) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
      hello: () => {
        hellos++;
      },
    };
    return { api, sent, listeners, emit: (m: ServerMessage) => listeners.forEach((l) => l(m)), hellos: () => hellos };
  }

  it('says hello on subscribe, opens on the snapshot, and routes responses', async () => {
    const f = fakeApi();
    const b = createIpcBridge(f.api);
    const states: string[] = [];
    b.onConnection((s) => states.push(s));
    const got: string[] = [];
    const off = b.subscribe((m) => got.push(m.type));
    expect(f.hellos()).toBe(1);
    f.emit(snapshot(1));
    expect(states).toEqual(['connecting', 'open']);
    const p = b.request('incident.ack', { id: 'x' });
    expect(f.sent[0]).toMatchObject({ type: 'request', method: 'incident.ack', params: { id: 'x' } });
    f.emit({ type: 'response', id: f.sent[0].id, ok: true, result: { ok: true } });
    await expect(p).resolves.toEqual({ ok: true, value: { ok: true } });
    expect(got).toEqual(['snapshot']);
    off();
    expect(f.listeners.size).toBe(0);
  });

  it('fails a request when sending throws', async () => {
    const f = fakeApi();
    f.api.send = () => {
      throw new Error('ipc gone');
    };
    const b = createIpcBridge(f.api);
    await expect(b.request('rejects.list', {})).resolves.toEqual({ ok: false, error: 'ipc gone' });
  });
});

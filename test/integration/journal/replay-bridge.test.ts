// A replay over the bridge, as a page asks for it (replay.open / control / bookmark / close): the
// ReplayPlayer sends the same snapshots and deltas as live, of the recorded period, through the
// same reducer; live deltas stop reaching that connection until it leaves; actions are refused.
// Real host with a data folder, real broker, real WebSocket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../core/contract.js';
import type { PlayerState, ReplayState } from '../../../core/player.js';
import type { SituationDelta, SituationSnapshot } from '../../../core/situation/situation.js';
import type { Host } from '../../../main/services/host.js';
import { waitFor } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
let host: Host;
let web: WallShell;
let dataDir: string;
let client: MqttClient;
const t = { start: 0, a: 0, b: 0, acked: 0, end: 0 };

/** a bridge connection that keeps what it was sent, and acknowledges numbered updates as a page does (unless told not to) */
class Conn {
  readonly ws: WebSocket;
  readonly got: ServerMessage[] = [];
  private id = 1;
  constructor(
    url: string,
    public acks = true,
  ) {
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, { headers: { Origin: url } });
    this.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      this.got.push(m);
      if (this.acks && (m.type === 'snapshot' || m.type === 'delta') && m.seq !== undefined) this.ws.send(JSON.stringify({ type: 'request', id: this.id++, method: 'updates.ack', params: { seq: m.seq } }));
    });
  }
  /** the updates (snapshots and deltas, each numbered) it was sent, from message `from` on */
  updates(from = 0) {
    return this.got.slice(from).filter((m): m is ServerMessage & { type: 'snapshot' | 'delta' } => (m.type === 'snapshot' || m.type === 'delta') && m.seq !== undefined);
  }
  /** a replay's updates from message `from` on: from its first snapshot (live deltas sent before the replay opened may still arrive ahead of it) */
  replayUpdates(from: number) {
    const all = this.updates(from);
    const first = all.findIndex((m) => m.type === 'snapshot');
    return first < 0 ? [] : all.slice(first);
  }
  open = () => new Promise<void>((res, rej) => (this.ws.once('open', () => res()), this.ws.once('error', rej)));
  async request(method: string, params: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    const id = this.id++;
    this.ws.send(JSON.stringify({ type: 'request', id, method, params }));
    let r: (ServerMessage & { type: 'response' }) | undefined;
    await waitFor(() => !!(r = this.got.find((m): m is ServerMessage & { type: 'response' } => m.type === 'response' && m.id === id)), 15_000, `${method} answered`);
    return r!.ok ? { ok: true, result: r!.result } : { ok: false, error: r!.error };
  }
  since(i: number) {
    return this.got.slice(i);
  }
  lastPlayer(): PlayerState | undefined {
    return [...this.got].reverse().find((m): m is ServerMessage & { type: 'player' } => m.type === 'player')?.player;
  }
  lastSnapshot(): SituationSnapshot | undefined {
    return [...this.got].reverse().find((m): m is ServerMessage & { type: 'snapshot' } => m.type === 'snapshot')?.situation;
  }
  deltas(from = 0): SituationDelta[] {
    return this.got.slice(from).filter((m): m is ServerMessage & { type: 'delta' } => m.type === 'delta').map((m) => m.delta);
  }
}

const alarm = (id: string, title: string) => client.publishAsync(`${P}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 1, lat: 26.0425, lon: 119.2826, title }), { qos: 1 });
const fix = (id: string, k: number) => client.publishAsync(`${P}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind: 'volunteer', lat: 26.04 + k * 1e-4, lon: 119.28 }), { qos: 1 });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wf-replay-bridge-'));
  ({ host, web } = await startWallHost({}, { dataDir }));
  await host.ingest.ready();
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 0 });
  const s = host.situation.state;
  t.start = Date.now();
  await fix('RV-1', 0);
  await waitFor(() => s.units.has('RV-1'), 5000, 'unit in');
  await alarm('RP-A', '万达广场手机被盗');
  await waitFor(() => s.incidents.has('RP-A'), 5000, 'A in');
  t.a = s.incidents.get('RP-A')!.firstSeen;
  for (let k = 1; k <= 5; k++) {
    await fix('RV-1', k);
    await waitFor(() => s.units.get('RV-1')!.lat > 26.04 + (k - 0.5) * 1e-4, 5000, 'moved');
  }
  await alarm('RP-B', '五一广场打架');
  await waitFor(() => s.incidents.has('RP-B'), 5000, 'B in');
  t.b = s.incidents.get('RP-B')!.firstSeen;
  const r = host.desk.perform(host.auth.anonymous!, { op: 'act', incidentId: 'RP-A', kind: 'ack' }, 'test');
  expect(r.ok).toBe(true);
  t.acked = Date.now();
  await fix('RV-1', 9);
  await waitFor(() => s.units.get('RV-1')!.lat > 26.04 + 8.5e-4, 5000, 'last fix');
  t.end = Date.now();
});

afterAll(async () => {
  await client?.endAsync();
  await web?.close();
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('replay over the bridge', () => {
  it('plays a recorded period through the same reducer: seek, play at 64×, step, bookmark, no actions, back to live', async () => {
    const c = new Conn(web.url);
    await c.open();
    await waitFor(() => c.got.some((m) => m.type === 'snapshot'), 5000, 'live snapshot');
    const opened = await c.request('replay.open', { from: t.start, to: t.end, at: t.a - 1 });
    expect(opened.ok, opened.error).toBe(true);
    const info = opened.result as ReplayState;
    expect(info).toMatchObject({ mode: 'replay', from: t.start, to: t.end, playing: false, error: null });
    expect(info.markers.map((m) => m.id)).toEqual(['RP-A', 'RP-B']);
    expect(info.density.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // the situation just before A: the unit, no incident
    let snap = c.lastSnapshot()!;
    expect(snap.now).toBeLessThan(t.a);
    expect(snap.incidents.map((i) => i.id)).toEqual([]);
    expect(snap.units.map((u) => u.id)).toEqual(['RV-1']);

    // a live alarm now does not reach the replaying connection
    const beforeLive = c.got.length;
    await alarm('RP-LIVE', '实时警情');
    await waitFor(() => host.situation.state.incidents.has('RP-LIVE'), 5000, 'live alarm in');
    // the live wall's alarm lane has sent its delta to the other peers by the next turn
    await new Promise((r) => setImmediate(r));
    expect(c.deltas(beforeLive).some((d) => d.incidents.some((i) => i.id === 'RP-LIVE'))).toBe(false);

    // an action while replaying is refused, and says why
    const act = await c.request('incident.ack', { id: 'RP-B' });
    expect(act.ok).toBe(false);
    expect(act.error).toMatch(/^replay: /);

    // seek between A and B: A is there, not acknowledged, B is not
    await c.request('replay.control', { op: 'seek', at: Math.floor((t.a + t.b) / 2) });
    snap = c.lastSnapshot()!;
    expect(snap.incidents.map((i) => [i.id, i.acknowledged])).toEqual([['RP-A', false]]);

    // play at 64×: B comes, then A's acknowledgement, in deltas at no more than ~10 a second
    const from = c.got.length;
    await c.request('replay.control', { op: 'speed', speed: 64 });
    const playStarted = Date.now();
    await c.request('replay.control', { op: 'play' });
    await waitFor(() => c.deltas(from).some((d) => d.incidents.some((i) => i.id === 'RP-A' && i.acknowledged)), 20_000, 'the ack replayed');
    const ds = c.deltas(from);
    expect(ds.some((d) => d.incidents.some((i) => i.id === 'RP-B'))).toBe(true);
    expect(ds.length / Math.max(1, (Date.now() - playStarted) / 1000)).toBeLessThanOrEqual(20);
    expect(ds.every((d) => !d.incidents.some((i) => i.id === 'RP-LIVE'))).toBe(true);
    await waitFor(() => (c.lastPlayer() as ReplayState).playing === false, 20_000, 'stops at the end');
    expect((c.lastPlayer() as ReplayState).at).toBe(t.end);
    // what it played to is what the live wall had at the end of the period
    const replayed = (await c.request('situation.get', {})).result as SituationSnapshot;
    expect(replayed.incidents.map((i) => [i.id, i.acknowledged])).toEqual([['RP-A', true], ['RP-B', false]]);
    expect(replayed.units.find((u) => u.id === 'RV-1')!.lat).toBeCloseTo(26.04 + 9e-4, 6);

    // step back to B's start, then to A's
    const b = (await c.request('replay.control', { op: 'step', direction: -1 })).result as ReplayState;
    expect(b.at).toBe(t.b);
    const a = (await c.request('replay.control', { op: 'step', direction: -1 })).result as ReplayState;
    expect(a.at).toBe(t.a);
    expect(c.lastSnapshot()!.incidents.map((i) => i.id)).toEqual(['RP-A']);

    // a bookmark, kept in the data folder
    const bm = (await c.request('replay.bookmark', { at: t.a + 10, note: '嫌疑人出现' })).result as ReplayState;
    expect(bm.bookmarks.map((x) => x.note)).toEqual(['嫌疑人出现']);
    expect(JSON.parse(readFileSync(join(dataDir, 'replay', 'bookmarks.json'), 'utf8'))[0]).toMatchObject({ at: t.a + 10, note: '嫌疑人出现' });
    expect((await c.request('replay.bookmark', { at: t.a, note: '' })).error).toMatch(/^invalid/);

    // back to live: a live snapshot with the live alarm, and live deltas again
    const back = await c.request('replay.close', {});
    expect(back.result).toEqual({ mode: 'live' });
    expect(c.lastSnapshot()!.incidents.map((i) => i.id)).toContain('RP-LIVE');
    expect(c.lastPlayer()).toEqual({ mode: 'live' });
    c.ws.close();
  });

  it('refuses a bad period and answers control only while replaying', async () => {
    const c = new Conn(web.url);
    await c.open();
    expect((await c.request('replay.open', { from: t.end, to: t.start })).error).toMatch(/^invalid/);
    expect((await c.request('replay.open', { from: 0, to: 8 * 86_400_000 })).error).toMatch(/7 days/);
    expect((await c.request('replay.control', { op: 'play' })).error).toMatch(/not replaying/);
    // a period not recorded: the player says why
    const r = await c.request('replay.open', { from: t.end + 3_600_000, to: t.end + 7_200_000 });
    expect((r.result as ReplayState).error).toMatch(/not in the recording/);
    c.ws.close();
  });
  it('sends a page that has not taken the last update in nothing more until it has (flow control), and the update after covers the time held', async () => {
    const c = new Conn(web.url, false);
    await c.open();
    await waitFor(() => c.got.some((m) => m.type === 'snapshot'), 5000, 'live snapshot');
    // live updates are numbered too
    expect(c.updates().map((m) => m.type)).toContain('snapshot');
    const start = c.got.length;
    const opened = await c.request('replay.open', { from: t.start, to: t.end, at: t.a - 1, speed: 64 });
    expect(opened.ok, opened.error).toBe(true);
    const first = c.replayUpdates(start);
    expect(first.map((m) => m.type)).toEqual(['snapshot']);
    const seq = first[0].seq!;
    expect(Number.isSafeInteger(seq)).toBe(true);
    // playing at 64×: the whole period is due within a tick or two, but nothing is sent
    const held = c.got.length;
    await c.request('replay.control', { op: 'play' });
    const playedAt = Date.now();
    // a window, not a sleep for a condition: what is checked is that nothing comes in it (fifteen
    // ticks of 100 ms, each of which would have sent the period's delta without the hold)
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.updates(held)).toEqual([]);
    expect((c.lastPlayer() as ReplayState).at).toBe(t.a - 1);
    // acknowledged: the next update comes at once and covers all the time held, to the end
    const bad = await c.request('updates.ack', { seq: 'x' });
    expect(bad.error).toMatch(/^invalid/);
    const ok = await c.request('updates.ack', { seq });
    expect(ok.ok).toBe(true);
    await waitFor(() => (c.lastPlayer() as ReplayState).at === t.end, 5000, 'played to the end once acknowledged');
    // at once, not when the services would stop waiting for an ack (ACK_WAIT_MS)
    expect(Date.now() - playedAt).toBeLessThan(4000);
    const after = c.updates(held);
    expect(after.length).toBe(1);
    expect(after[0].seq).toBe(seq + 1);
    expect((after[0] as ServerMessage & { type: 'delta' }).delta.incidents.map((i) => [i.id, i.acknowledged]).sort()).toEqual([['RP-A', true], ['RP-B', false]]);
    // after the replay closed, a late ack is harmless, also by the name a page loaded before an upgrade uses
    await c.request('replay.close', {});
    expect((await c.request('replay.ack', { seq: seq + 1 })).ok).toBe(true);
    c.ws.close();
  });
});

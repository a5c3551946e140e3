// Flow control of the live wall (main/services/update-flow.ts, bridge-hub.ts): a page that has not
// taken in what it was sent gets nothing more until it has, then one delta with everything held
// (core/situation/delta-merge.ts), and ends up holding exactly what a page that kept up holds. A
// client that never acknowledges keeps getting every delta. Real host, real broker, real WebSocket;
// the pages' models are the renderer's own functions. (What is held for a page that stops
// acknowledging goes out by itself after ACK_WAIT_MS: test/unit/services/bridge-hub-flow.test.ts.)
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../core/contract.js';
import type { SituationDelta } from '../../../core/situation/situation.js';
import type { Host } from '../../../main/services/host.js';
import { ACK_WAIT_MS } from '../../../main/services/update-flow.js';
import { applyDelta, applySnapshot, type SituationData } from '../../../renderer/src/model/situation.js';
import { UnitTable } from '../../../renderer/src/model/units.js';
import { waitFor } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';
import { held } from '../../unit/renderer/situation-steps.js';

const P = 'watchfloor/v1';
const UNITS = 20;
let host: Host;
let web: WallShell;
let client: MqttClient;

type Update = ServerMessage & { type: 'snapshot' | 'delta' };

/** A page's half of the bridge: its model (the renderer's functions), and acks when told. */
class Page {
  private readonly ws: WebSocket;
  readonly updates: Update[] = [];
  readonly arrivals: number[] = [];
  private readonly units = new UnitTable();
  private data: SituationData | null = null;
  private id = 1;
  constructor(
    url: string,
    /** 'each': acknowledges every update at once (a page that keeps up); 'asked': only when told; 'never' */
    private readonly acks: 'each' | 'asked' | 'never',
    /** connects as the wall's pages do, saying it acknowledges (`?acks=1`) */
    declares = false,
  ) {
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/bridge${declares ? '?acks=1' : ''}`, { headers: { Origin: url } });
    this.ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as ServerMessage;
      if (m.type !== 'snapshot' && m.type !== 'delta') return;
      this.updates.push(m);
      this.arrivals.push(Date.now());
      this.data = m.type === 'snapshot' ? applySnapshot(m.situation, this.units) : applyDelta(this.data!, m.delta, this.units);
      if (this.acks === 'each') this.ack();
    });
  }
  open = () => new Promise<void>((res, rej) => (this.ws.once('open', () => res()), this.ws.once('error', rej)));
  /** acknowledges everything taken in so far */
  ack(): void {
    const seq = this.updates.at(-1)?.seq;
    if (seq !== undefined) this.ws.send(JSON.stringify({ type: 'request', id: this.id++, method: 'updates.ack', params: { seq } }));
  }
  deltas(from = 0): SituationDelta[] {
    return this.updates.slice(from).flatMap((m) => (m.type === 'delta' ? [m.delta] : []));
  }
  /** where unit `id` is in this page's model */
  lat(id: string): number | undefined {
    return this.units.get(id)?.lat;
  }
  model() {
    return held(this.data!, this.units);
  }
  close(): void {
    this.ws.close();
  }
}

// in whole millionths of a degree: what the services keep (they round positions to ~0.1 m)
const latOf = (round: number, u: number) => (26_040_000 + round * 100 + u * 10) / 1e6;
/** one fix for every unit, and waits until the services hold them all (and, given one, a page that keeps up: each round then travels in deltas of its own) */
async function round(k: number, keeps?: Page): Promise<void> {
  const ts = Date.now();
  await Promise.all(Array.from({ length: UNITS }, (_, u) => client.publishAsync(`${P}/units/LF-${u}/location`, JSON.stringify({ id: `LF-${u}`, ts: ts + u, kind: 'volunteer', lat: latOf(k, u), lon: 119.28 }), { qos: 1 })));
  await waitFor(() => Array.from({ length: UNITS }, (_, u) => host.situation.state.units.get(`LF-${u}`)?.lat === latOf(k, u)).every(Boolean), 10_000, `round ${k} in the services`);
  if (keeps) await waitFor(() => lastRoundIn(keeps, k), 5000, `round ${k} on the page that keeps up`);
}
const lastRoundIn = (p: Page, k: number) => p.lat(`LF-${UNITS - 1}`) === latOf(k, UNITS - 1);
/** JSON with every object's keys in order: two models equal whatever order their fields were set in */
const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

beforeAll(async () => {
  ({ host, web } = await startWallHost({}));
  await host.ingest.ready();
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 0 });
  await round(0);
});

afterAll(async () => {
  await client?.endAsync();
  await web?.close();
  await host?.close();
});

describe('live flow control', () => {
  it('holds live deltas for a page that has not taken the last in, sends them merged when it has, and the page ends where one that kept up ends', async () => {
    const keeps = new Page(web.url, 'each');
    const slow = new Page(web.url, 'asked');
    const never = new Page(web.url, 'never');
    // a page that says it acknowledges and is still taking its snapshot in: nothing follows it until it has
    const busy = new Page(web.url, 'asked', true);
    await Promise.all([keeps.open(), slow.open(), never.open(), busy.open()]);
    await waitFor(() => [keeps, slow, never, busy].every((p) => p.updates[0]?.type === 'snapshot'), 5000, 'four snapshots');
    // every update is numbered, the snapshot too
    expect(slow.updates[0].seq).toBeGreaterThan(0);
    slow.ack();
    await round(1);
    await waitFor(() => lastRoundIn(keeps, 1) && lastRoundIn(slow, 1) && lastRoundIn(never, 1), 5000, 'round 1 on all three pages');
    // from now on the slow page takes nothing in: at most two deltas reach it (one may be in flight
    // while the next is made), however much happens
    const from = slow.updates.length;
    const neverFrom = never.updates.length;
    for (let k = 2; k <= 8; k++) await round(k, keeps);
    await waitFor(() => lastRoundIn(keeps, 8) && lastRoundIn(never, 8), 5000, 'round 8 on the pages that read');
    expect(slow.deltas(from).length).toBeLessThanOrEqual(2);
    expect(lastRoundIn(slow, 8)).toBe(false);
    expect(busy.deltas()).toEqual([]);
    // a client that never acknowledged got every delta as it came: each round one at least
    expect(never.deltas(neverFrom).length).toBeGreaterThanOrEqual(7);
    // taken in: one delta with all that was held, at once (well before the services would stop waiting)
    const asked = Date.now();
    const before = slow.updates.length;
    slow.ack();
    await waitFor(() => lastRoundIn(slow, 8), 3000, 'the held rounds on the slow page');
    expect(Date.now() - asked).toBeLessThan(ACK_WAIT_MS / 2);
    expect(slow.updates.length - before).toBe(1);
    // and it holds what a page that kept up holds: every unit where it is, with the same trail
    // (every round a point), and what a fresh snapshot gives
    await waitFor(() => canonical(slow.model().units) === canonical(keeps.model().units), 3000, 'same units').catch(() => undefined);
    expect(slow.model().units).toEqual(keeps.model().units);
    expect(slow.model().units.find((u) => u.id === 'LF-0')!.trail.length).toBe(Math.min(9, host.situation.state.options.trailLength));
    expect(slow.model().units).toEqual(never.model().units);
    // the busy page, its snapshot taken in at last: one delta with all it missed
    busy.ack();
    await waitFor(() => lastRoundIn(busy, 8), 3000, 'the held rounds on the busy page');
    expect(busy.deltas().length).toBe(1);
    expect(busy.model().units).toEqual(keeps.model().units);
    for (const p of [keeps, slow, never, busy]) p.close();
  });
});

// A broker cluster a city already runs (issue #16's fault suite): three NATS nodes serving MQTT with
// JetStream, the wall given all three. The node the wall is on is killed with SIGKILL in the middle
// of a stream of QoS 1 alarms; the wall moves to another node and holds every alarm exactly once.
// A second wall on the same cluster does the same, and the two agree on operator actions after it:
// acknowledgements both ways, then an incident dispatched on one wall and resolved on the other.
//
// Debian's nats-server 2.9.10 itself sometimes drops one alarm for one wall across the failover: its
// replicated consumer moves past a message it never delivered when the consumer's leader changes
// (fixed upstream in nats-io/nats-server#6469 and #6566, 2025). Seen 1 run in 12 under CPU load here
// (2026-12-07): the wall's consumer, asked on its leader, had made 299 deliveries for 300 stored
// alarms, and the wall had read 299. A wall cannot get back a message its broker never sends, so
// the test tells the two apart — the wall read nothing it did not hand on, and refused nothing — and
// runs the scenario again on a fresh cluster when the loss is the broker's (at most 3 runs in all).
// A loss on the wall's side fails at once.
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { missingTool } from '../../helpers/assets.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { alarmConsumers, NATS_SERVER, type NatsCluster, startNatsCluster } from '../../helpers/nats.js';

const P = 'watchfloor/v1';
const N = 300;
const KILL_AT = 100;
const RUNS = 3;
const ids = Array.from({ length: N }, (_, i) => `NC-${i}`);

interface Run {
  cluster: NatsCluster;
  walls: Host[];
  pub?: MqttClient;
  wallOn: string;
  killedAt: number;
}
const opened: Run[] = [];

async function closeRun(r: Run): Promise<void> {
  await r.pub?.endAsync(true);
  for (const w of r.walls) await w.close();
  await r.cluster.stop();
}

/** The cluster, two walls on it, 300 QoS 1 alarms with the first wall's node killed at the 101st. */
async function streamThroughFailover(run: number): Promise<Run> {
  const cluster = await startNatsCluster();
  const r: Run = { cluster, walls: [], wallOn: '', killedAt: 0 };
  opened.push(r);
  const urls = cluster.nodes.map((n) => n.url);
  r.walls.push(await startTestHost({ brokers: urls }, `wf-nats-${process.pid}-${run}`));
  r.walls.push(await startTestHost({ brokers: urls }, `wf-nats-b-${process.pid}-${run}`));
  await Promise.all(r.walls.map((w) => w.ingest.ready(20_000)));
  r.wallOn = r.walls[0].ingest.health().url;
  const victim = cluster.nodes.find((n) => n.url === r.wallOn);
  expect(victim, `the wall's node (${r.wallOn}) is one of the cluster's`).toBeDefined();
  // the publisher on another node: the loss is the wall's alone
  const other = cluster.nodes.find((n) => n !== victim)!;
  r.pub = await connectClient(other.url, { clientId: `wf-nats-pub-${process.pid}-${run}`, clean: false, reconnectPeriod: 300 });
  const alarm = (i: number) => ({ id: `NC-${i}`, ts: Date.now(), kind: 'theft', priority: 2, lat: 26.0425, lon: 119.2826, title: `集群切换中的警情 ${i}` });
  const sent: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    sent.push(publish(r.pub, `${P}/alarms/110`, alarm(i)));
    // pacing, not a wait for a condition: the stream is spread over a few hundred ms so that the
    // kill lands in the middle of it, with alarms in flight on both sides of it
    if (i === KILL_AT) {
      victim!.kill();
      r.killedAt = Date.now();
    } else if (i % 10 === 0) await new Promise((res) => setTimeout(res, 20));
  }
  await Promise.all(sent);
  return r;
}

const missing = (w: Host) => ids.filter((id) => !w.situation.state.incidents.has(id));

/**
 * Whose loss it is when a wall lacks alarms: once the wall has handed on all it read, it read none
 * of them if every message it read became an alarm it holds (or a copy of one), and none was
 * refused. False when the wall lost something itself.
 */
async function lostByBroker(w: Host): Promise<boolean> {
  await waitFor(() => w.ingest.health().received === w.ingest.health().handled, 5_000, 'the wall to hand on all it read').catch(() => {});
  const { received, handled, error } = w.ingest.health();
  const st = w.situation.state.stats;
  return received === handled && st.rejected === 0 && st.accepted + st.duplicates === handled && !/handler failed/.test(error ?? '');
}

describe.skipIf(missingTool(!!NATS_SERVER, 'nats-server'))('two walls on a 3-node NATS cluster (MQTT, JetStream, replicas 3)', () => {
  afterAll(async () => {
    for (const r of opened) await closeRun(r);
  });

  it('loses no QoS 1 alarm and doubles none when the wall’s node is killed mid-stream', { timeout: RUNS * 150_000 }, async () => {
    let r: Run | undefined;
    for (let run = 0; run < RUNS; run++) {
      r = await streamThroughFailover(run);
      const where = async () => {
        const consumers = await alarmConsumers(r!.cluster).catch((e: Error) => [`(the consumers could not be read: ${e.message})`]);
        return r!.walls
          .map((w, k) => {
            const m = missing(w);
            return `; wall ${k + 1} lacks ${m.length} (${m.slice(0, 12).join(' ')}${m.length > 12 ? ' …' : ''}), health ${JSON.stringify(w.ingest.health())}, stats ${JSON.stringify(w.situation.state.stats)}`;
          })
          .join('')
          .concat(`; killed ${r!.wallOn} at ${new Date(r!.killedAt).toISOString()}; nodes alive: ${r!.cluster.nodes.map((n) => `${n.url} ${n.alive()}`).join(', ')}; the alarms' consumers on their leaders: ${consumers.join(' | ')}`);
      };
      // every alarm on both walls (the ones in flight at the kill come again after NATS's ack_wait)
      const all = await waitFor(() => r!.walls.every((w) => missing(w).length === 0), 60_000, 'every alarm on both walls, after the switch').then(
        () => true,
        () => false,
      );
      if (all) break;
      const detail = await where();
      const brokers = await Promise.all(r.walls.filter((w) => missing(w).length > 0).map(lostByBroker));
      if (!brokers.every(Boolean)) throw new Error(`a wall lost alarms it had read${detail}`);
      if (run === RUNS - 1) throw new Error(`the broker never delivered alarms to a wall in ${RUNS} runs of ${RUNS}${detail}`);
      // the broker's loss, not ours: said aloud, and the scenario again on a fresh cluster
      console.warn(`[nats] run ${run + 1}: nats-server never delivered ${r.walls.map((w) => missing(w).join(' ')).filter(Boolean).join(' / ')} to a wall that read and handed on everything it was sent (nats-server 2.9's replicated consumer skipping a message across a leader change; nats-io/nats-server#6469, #6566) — running again on a fresh cluster${detail}`);
      await closeRun(r);
      opened.splice(opened.indexOf(r), 1);
    }
    const [host, second] = r!.walls;
    const s = host.situation.state;
    const b = second.situation.state;
    // the link may still be settling when the last alarm is in: a node that took the session over
    // can let it go once more while the cluster agrees who holds it (seen once in CI: every alarm
    // in, the wall between two tries), so wait for it to rest on a live node
    await waitFor(() => host.ingest.health().connected && host.ingest.health().url !== r!.wallOn, 30_000, 'the wall connected to a node that is alive');
    const health = host.ingest.health();
    console.log(`[nats] the wall moved from ${r!.wallOn} to ${health.url} after ${((health.lastConnectedAt ?? 0) - r!.killedAt) / 1000} s; ${health.reconnects} reconnect(s)`);
    expect(health.connected).toBe(true);
    expect(health.url).not.toBe(r!.wallOn);
    expect(r!.cluster.nodes.find((n) => n.url === r!.wallOn)!.alive()).toBe(false);
    // exactly once: one incident each, each reported once (a redelivered copy is known as one)
    for (const w of [s, b]) {
      expect([...w.incidents.keys()].filter((k) => k.startsWith('NC-')).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(w.incidents.get(id)!.timeline.filter((e) => e.kind === 'reported'), id).toHaveLength(1);
    }
    // after the loss the two walls still agree on operator actions, both ways
    expect(host.situation.act({ id: 'nats-ack-0', incidentId: 'NC-0', kind: 'ack', by: '张警官', role: 'commander' }).ok).toBe(true);
    expect(second.situation.act({ id: 'nats-ack-1', incidentId: 'NC-1', kind: 'ack', by: '李调度', role: 'dispatcher' }).ok).toBe(true);
    await waitFor(() => !!b.incidents.get('NC-0')!.acknowledged && !!s.incidents.get('NC-1')!.acknowledged, 30_000, 'each wall to show the other’s acknowledgement');
    expect(b.incidents.get('NC-0')).toMatchObject({ state: 'acknowledged', acknowledgedBy: '张警官', acknowledgedAt: s.incidents.get('NC-0')!.acknowledgedAt });
    expect(s.incidents.get('NC-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: '李调度', acknowledgedAt: b.incidents.get('NC-1')!.acknowledgedAt });
    // and on an incident's course: dispatched (by radio) on one wall, resolved on the other, each seen on both
    expect(host.situation.act({ id: 'nats-dispatch-2', incidentId: 'NC-2', kind: 'dispatch', by: '张警官', role: 'commander', note: '电台派巡逻车' }).ok).toBe(true);
    await waitFor(() => b.incidents.get('NC-2')!.state === 'dispatched', 30_000, 'the second wall to show the dispatch');
    expect(second.situation.act({ id: 'nats-resolve-2', incidentId: 'NC-2', kind: 'resolve', by: '李调度', role: 'dispatcher' }).ok).toBe(true);
    await waitFor(() => s.incidents.get('NC-2')!.state === 'resolved', 30_000, 'the first wall to show the resolve');
    for (const w of [s, b]) expect(w.incidents.get('NC-2')).toMatchObject({ state: 'resolved', status: 'closed', closedAt: b.incidents.get('NC-2')!.closedAt });
    expect(s.incidents.get('NC-2')!.timeline.map((e) => e.kind)).toEqual(b.incidents.get('NC-2')!.timeline.map((e) => e.kind));
  });
});

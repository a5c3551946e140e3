// A broker cluster a city already runs (issue #16's fault suite): three NATS nodes serving MQTT with
// JetStream, the wall given all three. The node the wall is on is killed with SIGKILL in the middle
// of a stream of QoS 1 alarms; the wall moves to another node and holds every alarm exactly once.
// A second wall on the same cluster does the same, and the two agree on operator actions after it.
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { missingTool } from '../../helpers/assets.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { NATS_SERVER, type NatsCluster, startNatsCluster } from '../../helpers/nats.js';

const P = 'watchfloor/v1';
const N = 300;
const KILL_AT = 100;

describe.skipIf(missingTool(!!NATS_SERVER, 'nats-server'))('two walls on a 3-node NATS cluster (MQTT, JetStream, replicas 3)', () => {
  let cluster: NatsCluster | undefined;
  let host: Host | undefined;
  let second: Host | undefined;
  let pub: MqttClient | undefined;
  afterAll(async () => {
    await pub?.endAsync(true);
    await host?.close();
    await second?.close();
    await cluster?.stop();
  });

  it('loses no QoS 1 alarm and doubles none when the wall’s node is killed mid-stream', { timeout: 120_000 }, async () => {
    cluster = await startNatsCluster();
    const urls = cluster.nodes.map((n) => n.url);
    host = await startTestHost({ brokers: urls }, `wf-nats-${process.pid}`);
    second = await startTestHost({ brokers: urls }, `wf-nats-b-${process.pid}`);
    await Promise.all([host.ingest.ready(20_000), second.ingest.ready(20_000)]);
    const wallOn = host.ingest.health().url;
    const victim = cluster.nodes.find((n) => n.url === wallOn);
    expect(victim, `the wall's node (${wallOn}) is one of the cluster's`).toBeDefined();
    // the publisher on another node: the loss is the wall's alone
    const other = cluster.nodes.find((n) => n !== victim)!;
    pub = await connectClient(other.url, { clientId: `wf-nats-pub-${process.pid}`, clean: false, reconnectPeriod: 300 });
    const alarm = (i: number) => ({ id: `NC-${i}`, ts: Date.now(), kind: 'theft', priority: 2, lat: 26.0425, lon: 119.2826, title: `集群切换中的警情 ${i}` });
    const sent: Promise<void>[] = [];
    let killedAt = 0;
    for (let i = 0; i < N; i++) {
      sent.push(publish(pub, `${P}/alarms/110`, alarm(i)));
      if (i === KILL_AT) {
        victim!.kill();
        killedAt = Date.now();
      } else if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(sent);
    const s = host.situation.state;
    const ids = Array.from({ length: N }, (_, i) => `NC-${i}`);
    // a failure says what was missing and where each wall stood (CI failed here on 2026-12-07: the
    // alarms in flight at the kill came only after NATS's ack_wait, then 30 s; see helpers/nats.ts)
    const missing = (w: typeof s) => ids.filter((id) => !w.incidents.has(id));
    const where = () => {
      const m = missing(s);
      const m2 = missing(second!.situation.state);
      return `; the wall lacks ${m.length} (${m.slice(0, 12).join(' ')}${m.length > 12 ? ' …' : ''}), health ${JSON.stringify(host!.ingest.health())}; the second wall lacks ${m2.length}, health ${JSON.stringify(second!.ingest.health())}; killed ${wallOn} at ${new Date(killedAt).toISOString()}; nodes alive: ${cluster!.nodes.map((n) => `${n.url} ${n.alive()}`).join(', ')}`;
    };
    await waitFor(() => ids.every((id) => s.incidents.has(id)), 60_000, 'every alarm, after the switch').catch((e: Error) => {
      throw new Error(e.message + where());
    });
    // the link may still be settling when the last alarm is in: a node that took the session over
    // can let it go once more while the cluster agrees who holds it (seen once in CI: every alarm
    // in, the wall between two tries), so wait for it to rest on a live node
    await waitFor(() => host!.ingest.health().connected && host!.ingest.health().url !== wallOn, 30_000, 'the wall connected to a node that is alive');
    const health = host.ingest.health();
    console.log(`[nats] the wall moved from ${wallOn} to ${health.url} after ${((health.lastConnectedAt ?? 0) - killedAt) / 1000} s; ${health.reconnects} reconnect(s)`);
    expect(health.connected).toBe(true);
    expect(health.url).not.toBe(wallOn);
    expect(victim!.alive()).toBe(false);
    // exactly once: one incident each, each reported once (a redelivered copy is known as one)
    const b = second.situation.state;
    await waitFor(() => ids.every((id) => b.incidents.has(id)), 60_000, 'every alarm on the second wall').catch((e: Error) => {
      throw new Error(e.message + where());
    });
    for (const w of [s, b]) {
      expect([...w.incidents.keys()].filter((k) => k.startsWith('NC-')).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(w.incidents.get(id)!.timeline.filter((e) => e.kind === 'reported'), id).toHaveLength(1);
    }
    // after the loss the two walls still agree on operator actions, both ways
    const a = host;
    const z = second;
    expect(a.situation.act({ id: 'nats-ack-0', incidentId: 'NC-0', kind: 'ack', by: '张警官', role: 'commander' }).ok).toBe(true);
    expect(z.situation.act({ id: 'nats-ack-1', incidentId: 'NC-1', kind: 'ack', by: '李调度', role: 'dispatcher' }).ok).toBe(true);
    await waitFor(() => !!b.incidents.get('NC-0')!.acknowledged && !!s.incidents.get('NC-1')!.acknowledged, 30_000, 'each wall to show the other’s acknowledgement');
    expect(b.incidents.get('NC-0')).toMatchObject({ state: 'acknowledged', acknowledgedBy: '张警官', acknowledgedAt: s.incidents.get('NC-0')!.acknowledgedAt });
    expect(s.incidents.get('NC-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: '李调度', acknowledgedAt: b.incidents.get('NC-1')!.acknowledgedAt });
  });
});

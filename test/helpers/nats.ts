// A 3-node NATS cluster with JetStream and MQTT on loopback ports (Debian's nats-server), for the
// fault suite. Every node lists every route, and `mqtt { stream_replicas: 3 }`: with NATS's default
// replicas a node's loss can leave the MQTT session stream without a quorum (field notes).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.js';

/** Debian's, or the one `WATCHFLOOR_NATS_SERVER` names: a duty room checks the version it runs (docs/operations.md) */
export const NATS_SERVER = [process.env.WATCHFLOOR_NATS_SERVER ?? '', '/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => p && existsSync(p));

export interface NatsNode {
  name: string;
  /** mqtt://127.0.0.1:<port> */
  url: string;
  /** the node's monitoring endpoint, http://127.0.0.1:<port> (/jsz, /connz): what a failure prints */
  monitor: string;
  /** SIGKILL: no goodbye to the cluster or the clients */
  kill(): void;
  alive(): boolean;
}

export interface NatsCluster {
  nodes: NatsNode[];
  stop(): Promise<void>;
}

/** Starts the cluster and resolves once every node serves MQTT and JetStream has its meta leader. */
export async function startNatsCluster(timeoutMs = 30_000, ackWait = process.env.WATCHFLOOR_NATS_ACK_WAIT ?? '5s'): Promise<NatsCluster> {
  if (!NATS_SERVER) throw new Error('Debian nats-server is not installed (apt-get install nats-server); .ci/run installs it');
  const dir = mkdtempSync(join(tmpdir(), 'wf-nats-'));
  const ports = await Promise.all(Array.from({ length: 3 }, async () => ({ client: await freePort(), cluster: await freePort(), mqtt: await freePort(), http: await freePort() })));
  const routes = ports.map((p) => `"nats-route://127.0.0.1:${p.cluster}"`).join(', ');
  const procs: (ChildProcess | null)[] = [];
  const logs: string[] = ['', '', ''];
  ports.forEach((p, i) => {
    const name = `wf-n${i + 1}`;
    const conf = join(dir, `${name}.conf`);
    writeFileSync(
      conf,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${p.client}`,
        `http: 127.0.0.1:${p.http}`,
        `jetstream { store_dir: "${join(dir, name)}" }`,
        `cluster { name: wf, listen: 127.0.0.1:${p.cluster}, routes: [ ${routes} ] }`,
        // ack_wait: a QoS 1 message delivered to a wall whose node then died, its PUBACK lost with
        // it, is delivered again only after ack_wait — NATS's default of 30 s held alarms back that
        // long, and past a second reconnect beyond the test's minute (docs/architecture.md)
        `mqtt { listen: 127.0.0.1:${p.mqtt}, stream_replicas: 3, ack_wait: "${ackWait}" }`,
        '',
      ].join('\n'),
    );
    const proc = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d) => (logs[i] = (logs[i] + d).slice(-4000)));
    procs.push(proc);
  });
  const nodes: NatsNode[] = ports.map((p, i) => ({
    name: `wf-n${i + 1}`,
    url: `mqtt://127.0.0.1:${p.mqtt}`,
    monitor: `http://127.0.0.1:${p.http}`,
    kill: () => {
      procs[i]?.kill('SIGKILL');
      procs[i] = null;
    },
    alive: () => procs[i] !== null && procs[i]!.exitCode === null,
  }));
  const stop = async () => {
    await Promise.all(
      procs.map(
        (proc) =>
          new Promise<void>((resolve) => {
            if (!proc || proc.exitCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  // ready: each node's monitoring endpoint says JetStream has a meta leader and MQTT is listening
  const deadline = Date.now() + timeoutMs;
  const ready = async (i: number) => {
    try {
      const js = (await (await fetch(`http://127.0.0.1:${ports[i].http}/jsz`)).json()) as { meta_cluster?: { leader?: string; cluster_size?: number } };
      return !!js.meta_cluster?.leader && (js.meta_cluster.cluster_size ?? 0) >= 3;
    } catch {
      return false;
    }
  };
  for (;;) {
    const states = await Promise.all(ports.map((_, i) => ready(i)));
    if (states.every(Boolean)) break;
    if (Date.now() > deadline || procs.some((p) => p?.exitCode !== null)) {
      await stop();
      throw new Error(`the NATS cluster did not come up within ${timeoutMs} ms:\n${logs.map((l, i) => `--- n${i + 1}\n${l.slice(-1500)}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { nodes, stop };
}

interface ConsumerSeq {
  consumer_seq: number;
  stream_seq: number;
}
interface Jsz {
  account_details?: { stream_detail?: { name: string; consumer_detail?: { name: string; config?: { filter_subject?: string }; cluster?: { leader?: string }; delivered: ConsumerSeq; ack_floor: ConsumerSeq; num_redelivered: number; num_ack_pending: number }[] }[] }[];
}

/**
 * The walls' alarm consumers as their leaders see them (a follower's figures lag or read zero):
 * deliveries made against the stream sequence reached, for a failure's message. A consumer that
 * made fewer deliveries than the messages it passed skipped some.
 */
export async function alarmConsumers(cluster: NatsCluster): Promise<string[]> {
  const out: string[] = [];
  for (const node of cluster.nodes.filter((n) => n.alive())) {
    const jsz = (await (await fetch(`${node.monitor}/jsz?accounts=true&streams=true&consumers=true&config=true`)).json()) as Jsz;
    for (const stream of jsz.account_details?.flatMap((a) => a.stream_detail ?? []) ?? [])
      for (const c of stream.consumer_detail ?? [])
        if (c.config?.filter_subject?.includes('.alarms.') && c.cluster?.leader === node.name)
          out.push(`${c.name} on ${node.name}: ${c.delivered.consumer_seq} deliveries to stream seq ${c.delivered.stream_seq}, ack floor ${c.ack_floor.stream_seq}, ${c.num_redelivered} redelivered, ${c.num_ack_pending} awaiting ack`);
  }
  return out;
}

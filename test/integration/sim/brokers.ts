// Test helpers: a throwaway Mosquitto on a free loopback port, and a counting subscriber.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export interface Mosquitto {
  url: string;
  stop(): Promise<void>;
}

/** Starts Debian's Mosquitto with a temporary config: one loopback listener, anonymous access. */
export async function startMosquitto(): Promise<Mosquitto> {
  if (!existsSync(MOSQUITTO)) {
    throw new Error(`Mosquitto is not installed (${MOSQUITTO} missing): install it with \`apt-get install mosquitto\` (CI installs it) to run the broker tests`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 1000000', 'log_dest stderr', 'log_type error', ''].join('\n'));
  const proc: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  let exited = false;
  proc.once('exit', () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mosquitto did not start on port ${port}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Counter {
  client: MqttClient;
  byFamily: Record<string, number>;
  total: () => number;
  messages: { topic: string; payload: Buffer; at: number }[];
  /** resolves when `total() >= n` or after `timeoutMs` */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const familyOf = (topic: string): string => {
  const parts = topic.split('/');
  if (parts.includes('alarms')) return 'alarm';
  if (parts.includes('units')) return 'location';
  if (parts.includes('kiosks')) return 'kiosk';
  if (parts.includes('cameras')) return 'camera';
  return 'other';
};

/** A plain mqtt.js subscriber counting what arrives under `filter`. */
export async function startCounter(url: string, filter = 'watchfloor/v1/#'): Promise<Counter> {
  const client = await mqtt.connectAsync(url, { clientId: `sim-test-sub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, clean: true, reconnectPeriod: 0 });
  const byFamily: Record<string, number> = { location: 0, alarm: 0, kiosk: 0, camera: 0 };
  const messages: Counter['messages'] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const total = () => Object.values(byFamily).reduce((a, b) => a + b, 0);
  client.on('message', (topic, payload) => {
    const f = familyOf(topic);
    byFamily[f] = (byFamily[f] ?? 0) + 1;
    messages.push({ topic, payload, at: Date.now() });
    if (waiter && total() >= waiter.n) waiter.resolve();
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    byFamily,
    total,
    messages,
    waitFor(n, timeoutMs) {
      if (total() >= n) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          },
        };
      });
    },
    close: () => client.endAsync(),
  };
}

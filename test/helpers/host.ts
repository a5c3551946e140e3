// Starts the real host (services of both shells) for a test.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig, type WatchfloorConfig } from '../../core/config.js';
import { startHost, type Host } from '../../main/services/host.js';

export const APP_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export async function startTestHost(config: DeepPartial<WatchfloorConfig> & Record<string, unknown> = {}, clientIdOverride?: string): Promise<Host> {
  // (warnings only: a test wall's info lines would bury a failure in the CI log)
  const parsed = parseConfig({ demo: false, embeddedBroker: { port: 0 }, reconnect: { minMs: 100, maxMs: 1000 }, logs: { level: 'warn' }, ...config });
  if (!parsed.ok) throw new Error(parsed.error);
  return startHost({ config: parsed.value, shell: 'web', appRoot: APP_ROOT, clientIdOverride });
}

export async function connectClient(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 200, ...opts });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

export async function publish(client: MqttClient, topic: string, payload: unknown, qos: 0 | 1 = 1): Promise<void> {
  await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos });
}

/** Polls until `check` returns true; bounded, so a broken test fails instead of hanging. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

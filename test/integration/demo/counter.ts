// A counting subscriber: what a broker delivered, by message family. (Mosquitto itself comes from
// test/helpers/mosquitto.ts, the one launcher.)
import mqtt, { type MqttClient } from 'mqtt';

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

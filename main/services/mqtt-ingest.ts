// The MQTT side of ingest: one durable QoS 1 subscription, reconnect with backoff and failover
// across the configured brokers. It hands raw messages on and knows nothing of their meaning.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerHealth } from '../../core/contract.js';

export interface MqttIngestOptions {
  urls: string[];
  clientId: string;
  filters: string[];
  username?: string;
  password?: string;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  reconnect: { minMs: number; maxMs: number };
  /** 4 = MQTT 3.1.1 (every broker), 5 = MQTT 5 (adds session expiry) */
  protocolVersion?: 4 | 5;
  sessionExpirySeconds?: number;
  /** false only for tests that want a throwaway session */
  persistentSession?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer, receivedAt: number) => void;

export interface MqttIngest {
  health(): BrokerHealth;
  /** stop/start reading from the socket (flow control: the broker keeps QoS 1 messages meanwhile) */
  pause?(): void;
  resume?(): void;
  /** resolves once connected and subscribed the first time (or rejects after timeoutMs) */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface ServerEntry {
  host: string;
  port: number;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  url: string;
}

function parseBrokerUrl(url: string): ServerEntry {
  const u = new URL(url);
  const scheme = u.protocol.replace(':', '');
  const protocol = (scheme === 'tcp' ? 'mqtt' : scheme === 'ssl' ? 'mqtts' : scheme) as ServerEntry['protocol'];
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[protocol];
  return { host: u.hostname, port: u.port ? Number(u.port) : defaultPort, protocol, url };
}

const readPem = (path: string | undefined) => (path ? readFileSync(path) : undefined);

export function startMqttIngest(opts: MqttIngestOptions, onMessage: MessageHandler): MqttIngest {
  if (opts.urls.length === 0) throw new Error('no broker URL given');
  const servers = opts.urls.map(parseBrokerUrl);
  const persistent = opts.persistentSession ?? true;
  const protocolVersion = opts.protocolVersion ?? 4;
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: !persistent,
    protocolVersion,
    keepalive: 30,
    connectTimeout: 10_000,
    // Reconnects are ours: mqtt.js retries at a fixed period; a wall wants backoff.
    reconnectPeriod: 0,
    resubscribe: true,
    servers: servers.map(({ host, port, protocol }) => ({ host, port, protocol })),
    host: servers[0].host,
    port: servers[0].port,
    protocol: servers[0].protocol,
    username: opts.username,
    password: opts.password,
    ca: readPem(opts.tls?.ca),
    cert: readPem(opts.tls?.cert),
    key: readPem(opts.tls?.key),
    rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
    properties: protocolVersion === 5 ? { sessionExpiryInterval: opts.sessionExpirySeconds ?? 86_400 } : undefined,
  };

  const health: BrokerHealth = { url: servers[0].url, connected: false, lastConnectedAt: null, lastMessageAt: null, reconnects: 0, error: null };
  let attempt = 0;
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let readyResolve: (() => void) | undefined;
  const readyPromise = new Promise<void>((resolve) => (readyResolve = resolve));

  const client: MqttClient = mqtt.connect(options);

  client.on('connect', () => {
    health.connected = true;
    health.lastConnectedAt = Date.now();
    health.error = null;
    // mqtt.js rotates through `servers` on each (re)connect and writes the one in use here.
    const { hostname, port } = client.options;
    health.url = servers.find((s) => s.host === hostname && s.port === Number(port))?.url ?? health.url;
    attempt = 0;
    // With a persistent session the broker usually still has our subscriptions; subscribing
    // again is harmless and covers a broker that lost its state (restart without persistence).
    client.subscribe(opts.filters, { qos: 1 }, (err) => {
      if (err) health.error = `subscribe failed: ${err.message}`;
      else readyResolve?.();
    });
  });
  // PUBACKs are written one packet at a time; corking the socket for the rest of this turn
  // sends all the acknowledgements of one TCP read in a single write (a syscall per read, not
  // per message). They leave on the next turn, well inside any broker's retry interval.
  let handlerFailures = 0;
  let corked = false;
  const uncork = () => {
    corked = false;
    client.stream?.uncork();
  };
  client.on('message', (topic, payload) => {
    if (!corked && client.stream) {
      corked = true;
      client.stream.cork();
      setImmediate(uncork);
    }
    const now = Date.now();
    health.lastMessageAt = now;
    // a handler that throws must not take the MQTT client down with it: counted and reported
    try {
      onMessage(topic, payload, now);
    } catch (e) {
      handlerFailures++;
      health.error = `message handler failed ${handlerFailures}×, last on ${topic.slice(0, 120)}: ${(e as Error).message}`;
    }
  });
  client.on('error', (e) => {
    health.error = e.message;
  });
  client.on('close', () => {
    health.connected = false;
    if (closing || retryTimer) return;
    const delay = Math.min(opts.reconnect.maxMs, opts.reconnect.minMs * 2 ** Math.min(attempt, 16));
    // Jitter keeps a room of walls from reconnecting in lock-step after a broker restart.
    const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (closing) return;
      health.reconnects++;
      client.reconnect();
    }, jittered);
  });

  return {
    health: () => ({ ...health }),
    pause: () => client.stream?.pause(),
    resume: () => client.stream?.resume(),
    ready(timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`broker not ready after ${timeoutMs} ms: ${health.error ?? 'no connection'}`)), timeoutMs);
        readyPromise.then(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    async close() {
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}

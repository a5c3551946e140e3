// The MQTT side of ingest: one durable QoS 1 subscription, reconnect with backoff and failover
// across the configured brokers. It hands raw messages on and knows nothing of their meaning.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Duplex } from 'node:stream';
import { backoffDelay } from '../../core/backoff.js';
import type { BrokerHealth } from '../../core/contract.js';
import { guardIncoming } from './guarded-stream.js';

export interface MqttIngestOptions {
  urls: string[];
  clientId: string;
  filters: string[];
  username?: string;
  password?: string;
  tls?: { ca?: string; cert?: string; key?: string; /** the client key itself (the Electron shell's, from its encrypted secrets), instead of `key`'s file */ keyPem?: string; rejectUnauthorized?: boolean };
  reconnect: { minMs: number; maxMs: number };
  /** 4 = MQTT 3.1.1 (every broker), 5 = MQTT 5 (adds session expiry) */
  protocolVersion?: 4 | 5;
  sessionExpirySeconds?: number;
  /** false only for tests that want a throwaway session */
  persistentSession?: boolean;
  /**
   * payload bytes a message may have: larger ones are cut on arrival, never buffered whole, and
   * reach the handler as an oversize marker (core/ingest/packet-guard.ts)
   */
  maxPayloadBytes: number;
}

/** `retained`: the broker's stored last message on the topic, sent because we subscribed, not because it was published now. */
export type MessageHandler = (topic: string, payload: Buffer, receivedAt: number, retained: boolean) => void;

/**
 * Under MQTT 5 the broker is asked not to send packets beyond this many times the payload limit at
 * all (Mosquitto drops them for us and logs it); smaller oversized ones arrive, are cut and counted.
 */
export const V5_PACKET_LIMIT_FACTOR = 16;
const MQTT_MAX_PACKET = 268_435_455;

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

export function parseBrokerUrl(url: string): ServerEntry {
  const u = new URL(url);
  const scheme = u.protocol.replace(':', '');
  const protocol = (scheme === 'tcp' ? 'mqtt' : scheme === 'ssl' ? 'mqtts' : scheme) as ServerEntry['protocol'];
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[protocol];
  return { host: u.hostname, port: u.port ? Number(u.port) : defaultPort, protocol, url };
}

/** A TLS file named in the configuration, read (both MQTT clients use it). */
export const readPem = (path: string | undefined) => (path ? readFileSync(path) : undefined);

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
    key: opts.tls?.keyPem ?? readPem(opts.tls?.key),
    rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
    properties:
      protocolVersion === 5
        ? { sessionExpiryInterval: opts.sessionExpirySeconds ?? 86_400, maximumPacketSize: Math.min(MQTT_MAX_PACKET, Math.max(16 * 1024 * 1024, opts.maxPayloadBytes * V5_PACKET_LIMIT_FACTOR)) }
        : undefined,
    // the client is started below, once its byte stream has the oversize guard in front
    manualConnect: true,
  };

  const health: BrokerHealth = { url: servers[0].url, connected: false, lastConnectedAt: null, disconnectedAt: Date.now(), lastMessageAt: null, reconnects: 0, error: null, received: 0, handled: 0 };
  let attempt = 0;
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let readyResolve: (() => void) | undefined;
  const readyPromise = new Promise<void>((resolve) => (readyResolve = resolve));

  const client: MqttClient = mqtt.connect(options);
  // mqtt.js builds a fresh byte stream for every (re)connect through this hook (private in its types)
  const internals = client as unknown as { streamBuilder: (c: MqttClient) => Duplex };
  const buildStream = internals.streamBuilder;
  internals.streamBuilder = (c) => guardIncoming(buildStream(c), { maxPayloadBytes: opts.maxPayloadBytes, protocolVersion });
  client.connect();
  let subscribed = false;

  client.on('connect', () => {
    health.connected = true;
    health.lastConnectedAt = Date.now();
    health.disconnectedAt = null;
    health.error = null;
    // mqtt.js rotates through `servers` on each (re)connect and writes the one in use here.
    const { hostname, port } = client.options;
    health.url = servers.find((s) => s.host === hostname && s.port === Number(port))?.url ?? health.url;
    attempt = 0;
    // Subscribed once per run (the configured filters may have changed since the broker's session
    // was made); after that mqtt.js subscribes again only when the broker lost our session. Each
    // subscription makes the broker send its retained messages again: re-subscribing on every
    // reconnect replayed all of them every time. Under MQTT 5, retain handling 1 asks for them only
    // when the subscription is new.
    if (subscribed) return;
    client.subscribe(opts.filters, { qos: 1, ...(protocolVersion === 5 ? { rh: 1 } : {}) }, (err) => {
      if (err) health.error = `subscribe failed: ${err.message}`;
      else {
        subscribed = true;
        readyResolve?.();
      }
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
  client.on('message', (topic, payload, packet) => {
    if (!corked && client.stream) {
      corked = true;
      client.stream.cork();
      setImmediate(uncork);
    }
    const now = Date.now();
    health.lastMessageAt = now;
    // handed on in this same call (the worker's batch, or the pipeline itself in this thread)
    health.received++;
    health.handled++;
    // a handler that throws must not take the MQTT client down with it: counted and reported
    try {
      onMessage(topic, payload, now, packet.retain === true);
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
    health.disconnectedAt ??= Date.now();
    if (closing || retryTimer) return;
    const jittered = backoffDelay(attempt++, { ...opts.reconnect, jitter: 0.25 }, Math.random);
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

// Sends dispatches to units (one QoS 1 message per unit on {prefix}/dispatch/{unitId}) and shares
// this wall's operator actions with the others on the broker ({prefix}/actions/{incidentId}), from a
// client of its own on the same brokers (the ingest client is busy reading, and on a thread of its
// own). A send resolves once the broker has the message (PUBACK); a unit offline on a persistent
// session gets it when it comes back, which is the broker's job. What was sent and what failed is
// counted for health.
import mqtt, { type MqttClient } from 'mqtt';
import type { ActionMessage, DispatchMessage, ReporterPointsMessage } from '../../core/adapters/native-schemas.js';
import { redactUrlsIn } from '../../core/broker-url.js';
import { parseBrokerUrl, readPem } from './mqtt-ingest.js';

export interface DispatchPublisherOptions {
  urls: string[];
  clientId: string;
  topicPrefix: string;
  username?: string;
  password?: string;
  tls?: { ca?: string; cert?: string; key?: string; /** the client key itself (the Electron shell's, from its encrypted secrets), instead of `key`'s file */ keyPem?: string; rejectUnauthorized?: boolean };
  protocolVersion?: 4 | 5;
  /** a send not acknowledged by the broker within this long fails */
  timeoutMs?: number;
}

export interface DispatchPublisherHealth {
  connected: boolean;
  /** dispatch messages to units the broker acknowledged */
  sent: number;
  /** operator actions shared with the other walls */
  shared: number;
  /** reporters' points published (retained) for the citizen app */
  points: number;
  /** publishes of any kind the broker did not acknowledge in time */
  failed: number;
  lastError: string | null;
}

export interface DispatchPublisher {
  /** a dispatch to one unit; whether the broker acknowledged it (QoS 1) */
  send(unitId: string, message: DispatchMessage): Promise<boolean>;
  /** an operator action, for the other walls on the broker (QoS 1) */
  shareAction(message: ActionMessage): Promise<boolean>;
  /** a reporter's points, retained so the citizen app finds the latest total when it subscribes (QoS 1) */
  points(reporterId: string, message: ReporterPointsMessage): Promise<boolean>;
  health(): DispatchPublisherHealth;
  close(): Promise<void>;
}

export function startDispatchPublisher(o: DispatchPublisherOptions): DispatchPublisher {
  const servers = o.urls.map(parseBrokerUrl);
  const client: MqttClient = mqtt.connect({
    clientId: o.clientId,
    clean: true,
    protocolVersion: o.protocolVersion ?? 4,
    keepalive: 30,
    connectTimeout: 10_000,
    reconnectPeriod: 2_000,
    servers: servers.map(({ host, port, protocol }) => ({ host, port, protocol })),
    // mqtt.js refuses a client certificate without a top-level protocol ("Missing secure protocol key")
    host: servers[0].host,
    port: servers[0].port,
    protocol: servers[0].protocol,
    username: o.username,
    password: o.password,
    ca: readPem(o.tls?.ca),
    cert: readPem(o.tls?.cert),
    key: o.tls?.keyPem ?? readPem(o.tls?.key),
    rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
  });
  const h: DispatchPublisherHealth = { connected: false, sent: 0, shared: 0, points: 0, failed: 0, lastError: null };
  client.on('connect', () => {
    h.connected = true;
  });
  client.on('close', () => {
    h.connected = false;
  });
  client.on('error', (e) => {
    h.lastError = redactUrlsIn(e.message);
  });
  const prefix = o.topicPrefix.replace(/\/+$/, '');
  const publish = async (topic: string, payload: unknown, counted: 'sent' | 'shared' | 'points', retain = false): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PUBACK within ${o.timeoutMs ?? 10_000} ms`)), o.timeoutMs ?? 10_000).unref();
    });
    try {
      await Promise.race([client.publishAsync(topic, JSON.stringify(payload), { qos: 1, retain }), timeout]);
      h[counted]++;
      return true;
    } catch (e) {
      h.failed++;
      h.lastError = redactUrlsIn((e as Error).message);
      return false;
    } finally {
      // a broadcast sends hundreds: their timers must not outlive the PUBACK
      clearTimeout(timer);
    }
  };
  return {
    send: (unitId, message) => publish(`${prefix}/dispatch/${unitId}`, message, 'sent'),
    shareAction: (message) => publish(`${prefix}/actions/${message.action.incidentId}`, message, 'shared'),
    points: (reporterId, message) => publish(`${prefix}/reporters/${reporterId}/points`, message, 'points', true),
    health: () => ({ ...h }),
    close: () => client.endAsync(),
  };
}

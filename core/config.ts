// The configuration file's schema and defaults. Parsing returns errors as values with the
// path of every bad field, so a typo in a config file is reported, never half-applied.
import { z } from 'zod';
import { DATUMS, UNIT_KINDS } from './domain.js';
import type { Result } from './result.js';

const datum = z.enum(DATUMS);

export const configSchema = z.strictObject({
  /** broker URLs, tried in order on failover; empty = start the embedded broker */
  brokers: z.array(z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/i, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')).default([]),
  clientId: z.string().min(1).max(64).default('watchfloor-wall'),
  username: z.string().optional(),
  password: z.string().optional(),
  tls: z
    .strictObject({
      ca: z.string().optional().describe('path of a CA certificate (PEM)'),
      cert: z.string().optional().describe('path of a client certificate (PEM)'),
      key: z.string().optional().describe('path of the client key (PEM)'),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  topicPrefix: z.string().min(1).default('watchfloor/v1'),
  /** session expiry (MQTT 5) in seconds: how long the broker keeps QoS 1 messages for us while away */
  sessionExpirySeconds: z.number().int().min(0).default(24 * 3600),
  reconnect: z
    .strictObject({ minMs: z.number().int().min(100).default(500), maxMs: z.number().int().min(100).default(30_000) })
    .default({ minMs: 500, maxMs: 30_000 }),
  mapDatum: datum.default('WGS84'),
  /** datum per source; keys are alarm sources ({source} of the alarm topic), 'units', 'kiosks', 'cameras', 'owntracks', 'traccar' */
  sources: z.record(z.string(), z.strictObject({ datum: datum })).default({}),
  defaultDatum: datum.default('WGS84'),
  adapters: z
    .strictObject({
      owntracks: z.strictObject({ enabled: z.boolean().default(false), topicPrefix: z.string().default('owntracks'), unitKind: z.enum(UNIT_KINDS).default('volunteer') }).optional(),
      frigate: z
        .strictObject({
          enabled: z.boolean().default(false),
          topicPrefix: z.string().default('frigate'),
          minSeverity: z.enum(['alert', 'detection']).default('alert'),
          priority: z.number().int().min(1).max(4).default(2),
          /** Frigate camera name → registry camera id */
          cameras: z.record(z.string(), z.string()).default({}),
        })
        .optional(),
      traccar: z
        .strictObject({
          enabled: z.boolean().default(false),
          positionsTopic: z.string().default('positions'),
          eventsTopic: z.string().default('events'),
          unitKind: z.enum(UNIT_KINDS).default('patrol'),
        })
        .optional(),
    })
    .default({}),
  limits: z
    .strictObject({
      maxPayloadBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
      maxFutureSkewMs: z.number().int().min(0).default(5 * 60_000),
    })
    .default({ maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000 }),
  situation: z
    .strictObject({
      staleAfterMs: z.number().int().min(1000).default(120_000),
      trailLength: z.number().int().min(0).max(1000).default(10),
      deltaIntervalMs: z.number().int().min(10).max(5000).default(50),
      rejectsKept: z.number().int().min(1).max(10_000).default(200),
      closedRetentionMs: z.number().int().min(0).default(10 * 60_000),
      /** how often the situation is checkpointed into the data folder when it changed; 0 = never */
      checkpointIntervalMs: z.number().int().min(0).default(30_000),
    })
    .default({ staleAfterMs: 120_000, trailLength: 10, deltaIntervalMs: 50, rejectsKept: 200, closedRetentionMs: 600_000, checkpointIntervalMs: 30_000 }),
  reference: z
    .strictObject({ cameras: z.string().optional(), kiosks: z.string().optional(), grids: z.string().optional(), basemap: z.string().optional() })
    .default({}),
  web: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(5170) }).default({ host: '127.0.0.1', port: 5170 }),
  embeddedBroker: z.strictObject({ port: z.number().int().min(0).max(65535).default(1884) }).default({ port: 1884 }),
  view: z
    .strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), zoom: z.number().min(0).max(22) })
    .default({ lon: 119.3, lat: 26.06, zoom: 11.5 }),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  timeZone: z.string().default('Asia/Shanghai'),
  demo: z.boolean().default(true),
});

export type WatchfloorConfig = z.infer<typeof configSchema>;

export function parseConfig(json: unknown): Result<WatchfloorConfig> {
  const parsed = configSchema.safeParse(json ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `invalid configuration:\n${lines.join('\n')}` };
}

export const defaultConfig = (): WatchfloorConfig => configSchema.parse({});

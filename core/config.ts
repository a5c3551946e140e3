// The configuration file's schema and defaults. Parsing returns errors as values with the
// path of every bad field, so a typo in a config file is reported, never half-applied.
import { z } from 'zod';
import { DATUMS, ROLES, type Role, UNIT_KINDS } from './domain.js';
import { DEFAULT_TRACCAR_CATEGORY_KINDS } from './adapters/context.js';
import { brokerConnection } from './broker-url.js';
import { parseDisplayRoles } from './display.js';
import { autoOnP1Schema } from './layout/presets.js';
import type { Result } from './result.js';

const datum = z.enum(DATUMS);
/** `scrypt$N$r$p$salt$hash` (base64url), as `npm run passwd` prints it */
const secretHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/, 'must be a hash printed by `npm run passwd -- <secret>` (scrypt$N$r$p$salt$hash)');
const operatorName = z.string().trim().min(1).max(100).regex(/^\P{Cc}+$/u, 'must not hold control characters');

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
  /** MQTT protocol: 4 = 3.1.1 (every broker, the embedded one included), 5 = MQTT 5 (session expiry, maximum packet size, retain handling) */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
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
      owntracks: z
        .strictObject({
          enabled: z.boolean().default(false),
          topicPrefix: z.string().default('owntracks'),
          unitKind: z.enum(UNIT_KINDS).default('volunteer'),
          /** OwnTracks user (topic's `<user>`) → unit kind; a key ending in `*` matches users starting with it */
          userKinds: z.record(z.string().min(1), z.enum(UNIT_KINDS)).default({}),
        })
        .optional(),
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
          /** Traccar `device.category` → unit kind (default: its vehicle categories → vehicle); others are `unitKind` */
          categoryKinds: z.record(z.string().min(1), z.enum(UNIT_KINDS)).default(DEFAULT_TRACCAR_CATEGORY_KINDS),
        })
        .optional(),
    })
    .default({}),
  limits: z
    .strictObject({
      maxPayloadBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
      maxFutureSkewMs: z.number().int().min(0).default(5 * 60_000),
      /** incidents held at once (open and recently closed): beyond it new ones are rejected, counted and shown (a flood) */
      maxIncidents: z.number().int().min(10).max(1_000_000).default(10_000),
      /**
       * a retained alarm (the broker's stored last message, sent on subscribing) opens an incident
       * only when its own time is at most this old; older ones are counted, not raised
       */
      retainedAlarmMaxAgeMs: z.number().int().min(0).default(10 * 60_000),
    })
    .default({ maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 5 * 60_000, maxIncidents: 10_000, retainedAlarmMaxAgeMs: 10 * 60_000 }),
  situation: z
    .strictObject({
      staleAfterMs: z.number().int().min(1000).default(120_000),
      trailLength: z.number().int().min(0).max(1000).default(10),
      deltaIntervalMs: z.number().int().min(10).max(5000).default(50),
      rejectsKept: z.number().int().min(1).max(10_000).default(200),
      closedRetentionMs: z.number().int().min(0).default(10 * 60_000),
      /** how often the situation is checkpointed into the data folder when it changed; 0 = never */
      checkpointIntervalMs: z.number().int().min(0).default(30_000),
      /** an incident not acknowledged this long after it arrived is escalated (null: never), per priority */
      escalation: z
        .strictObject({
          p1Ms: z.number().int().min(1000).nullable().default(30_000),
          p2Ms: z.number().int().min(1000).nullable().default(120_000),
          p3Ms: z.number().int().min(1000).nullable().default(600_000),
          p4Ms: z.number().int().min(1000).nullable().default(null),
        })
        .default({ p1Ms: 30_000, p2Ms: 120_000, p3Ms: 600_000, p4Ms: null }),
    })
    .default({
      staleAfterMs: 120_000,
      trailLength: 10,
      deltaIntervalMs: 50,
      rejectsKept: 200,
      closedRetentionMs: 600_000,
      checkpointIntervalMs: 30_000,
      escalation: { p1Ms: 30_000, p2Ms: 120_000, p3Ms: 600_000, p4Ms: null },
    }),
  /**
   * The journal (docs/replay.md): every input recorded in hourly MCAP files under <data>/journal/
   * (only with a data folder), a snapshot every `snapshotEveryMs` (sooner after
   * `snapshotEveryInputs` inputs: a seek then never re-applies more), chunks on disk at least every
   * `flushEveryMs` (what a kill -9 can lose), retention by age and by total size.
   */
  journal: z
    .strictObject({
      enabled: z.boolean().default(true),
      flushEveryMs: z.number().int().min(50).max(1000).default(500),
      snapshotEveryMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      snapshotEveryInputs: z.number().int().min(1000).max(10_000_000).default(10_000),
      zstdLevel: z.number().int().min(1).max(19).default(3),
      maxAgeHours: z.number().min(0).default(24 * 90),
      maxBytes: z.number().int().min(0).default(50 * 1024 ** 3),
    })
    .default({ enabled: true, flushEveryMs: 500, snapshotEveryMs: 60_000, snapshotEveryInputs: 10_000, zstdLevel: 3, maxAgeHours: 24 * 90, maxBytes: 50 * 1024 ** 3 }),
  /**
   * the services' own log (docs/operations.md#logs): JSON lines in <data>/logs/watchfloor.log (stderr
   * only without a data folder), a new file when one passes `maxFileBytes` or the UTC day changes,
   * at most `keepFiles` earlier files kept
   */
  logs: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
      maxFileBytes: z.number().int().min(1024).max(1024 ** 3).default(20 * 1024 * 1024),
      keepFiles: z.number().int().min(1).max(1000).default(10),
    })
    .default({ level: 'info', maxFileBytes: 20 * 1024 * 1024, keepFiles: 10 }),
  /** when the wall says its feed has stalled: silent for `stallFactor` × the longest silence of the last hour, and at least `stallAfterMs` */
  feed: z
    .strictObject({ stallAfterMs: z.number().int().min(1000).default(60_000), stallFactor: z.number().min(1).max(100).default(3) })
    .default({ stallAfterMs: 60_000, stallFactor: 3 }),
  reference: z
    .strictObject({ cameras: z.string().optional(), kiosks: z.string().optional(), places: z.string().optional(), grids: z.string().optional(), basemap: z.string().optional() })
    .default({}),
  web: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(5170),
      /**
       * host names (no port) this wall answers to besides IP addresses and localhost: the names the
       * room's browsers use for it. Any other name in a Host header is refused (DNS rebinding).
       */
      allowedHosts: z.array(z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,252})$/i, 'must be a bare host name (no scheme, port or path)')).default([]),
      /** bridge clients (wall pages and displays) connected at once */
      maxClients: z.number().int().min(1).max(1000).default(32),
      /** HTTP connections open at once (video tiles take up to 6 each per page) */
      maxConnections: z.number().int().min(8).max(10_000).default(256),
      /** bridge requests per second per client, on average (bursts of twice that) */
      requestsPerSecond: z.number().int().min(1).max(10_000).default(20),
      /** health is sent to every page this often (ms); a page that hears nothing for three of these says it is cut off */
      heartbeatMs: z.number().int().min(250).max(30_000).default(2000),
      /**
       * origins besides the shell's own that pages may fetch images and video from (a media server
       * in front of the cameras, a clue platform's photos); camera registry URLs add theirs by themselves
       */
      mediaOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s'";,]+$/i, 'must be an origin: http(s)://host[:port], nothing after')).default([]),
    })
    .default({ host: '127.0.0.1', port: 5170, allowedHosts: [], maxClients: 32, maxConnections: 256, requestsPerSecond: 20, heartbeatMs: 2000, mediaOrigins: [] }),
  /**
   * the broker the wall starts when `brokers` is empty: on loopback unless `host` says otherwise;
   * it asks for `username`/`password` when they are set (and must, to listen beyond loopback)
   */
  embeddedBroker: z
    .strictObject({ port: z.number().int().min(0).max(65535).default(1884), host: z.string().min(1).default('127.0.0.1') })
    .default({ port: 1884, host: '127.0.0.1' }),
  /**
   * sign-in and roles (docs/security.md): people sign in with a name and password, machine clients
   * (a city's CAD system) send `Authorization: Bearer <token>`. Hashes come from `npm run passwd`.
   */
  auth: z
    .strictObject({
      users: z.array(z.strictObject({ name: operatorName, role: z.enum(ROLES), passwordHash: secretHash })).default([]),
      tokens: z.array(z.strictObject({ name: operatorName, role: z.enum(ROLES), tokenHash: secretHash })).default([]),
      /**
       * the role of a page or client that has not signed in: `commander` when no user or token is
       * configured (a loopback wall works as before), none otherwise; `viewer` makes a corridor
       * wall that needs no sign-in and can do nothing
       */
      anonymousRole: z.enum(ROLES).nullable().optional(),
      /** a session unused this long ends (ms); default a 12-hour shift */
      sessionIdleMs: z.number().int().min(60_000).default(12 * 3600_000),
      /** failed sign-ins allowed per name and per address within `failureWindowMs` before more are refused for that long */
      maxFailures: z.number().int().min(1).max(1000).default(5),
      failureWindowMs: z.number().int().min(1000).default(5 * 60_000),
    })
    .default({ users: [], tokens: [], sessionIdleMs: 12 * 3600_000, maxFailures: 5, failureWindowMs: 5 * 60_000 }),
  dispatch: z
    .strictObject({
      /** a unit asked and silent this long is shown as not answering, and the next nearest is suggested (ms) */
      noAnswerMs: z.number().int().min(5000).max(3600_000).default(90_000),
      /** how far a broadcast to volunteers reaches by default (m) */
      broadcastRadiusM: z.number().int().min(50).max(5000).default(500),
    })
    .default({ noAnswerMs: 90_000, broadcastRadiusM: 500 }),
  /** the duty room's presets: what each named screen shows, switched by operators and on a P1 (docs/operations.md#presets) */
  layout: z
    .strictObject({
      /** the presets file (relative: from the config file's folder); default <data>/presets.json, else the built-in presets */
      presetsFile: z.string().min(1).optional(),
      /** replaces the presets file's `autoOnP1`; null: no automatic switching */
      autoOnP1: autoOnP1Schema.nullable().optional(),
    })
    .default({}),
  /** citizen clues: alarms from these sources can be verified or rejected; a verified clue credits its reporter */
  clues: z
    .strictObject({
      sources: z.array(z.string().min(1)).default(['clue']),
      /** points a verified clue earns its reporter, by category (the alarm's `category`, else its kind) */
      points: z.strictObject({ default: z.number().int().min(0).max(10_000).default(10), byCategory: z.record(z.string().min(1), z.number().int().min(0).max(10_000)).default({}) }).default({ default: 10, byCategory: {} }),
    })
    .default({ sources: ['clue'], points: { default: 10, byCategory: {} } }),
  view: z
    .strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), zoom: z.number().min(0).max(22) })
    .default({ lon: 119.3, lat: 26.06, zoom: 11.5 }),
  /** the Electron shell (docs/configuration.md "Electron shell"); the web shell ignores it */
  electron: z
    .strictObject({
      /**
       * one window per physical display: which display (by Electron's display id, its label, or its
       * place in the system's list), the screen name layout presets use, and its roles; none = one
       * window on the primary display
       */
      displays: z
        .array(
          z.strictObject({
            match: z
              .strictObject({ id: z.number().int().optional(), label: z.string().trim().min(1).max(200).optional(), index: z.number().int().min(0).max(63).optional() })
              .refine((m) => m.id !== undefined || m.label !== undefined || m.index !== undefined, 'name the display by id, label or index'),
            screen: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _ (it goes into the page URL as ?screen=)'),
            /** the `?display=` text: map, video, board, dispatch or a combination (map+board); absent = what presets say */
            roles: z
              .string()
              .optional()
              .superRefine((text, ctx) => {
                if (text === undefined) return;
                const roles = parseDisplayRoles(text);
                if (!roles.ok) ctx.addIssue({ code: 'custom', message: roles.error });
              }),
            fullscreen: z.boolean().default(true),
            kiosk: z.boolean().default(false),
          }),
        )
        .max(16)
        .default([])
        .superRefine((displays, ctx) => {
          const seen = new Set<string>();
          for (const [i, d] of displays.entries()) {
            if (seen.has(d.screen)) ctx.addIssue({ code: 'custom', path: [i, 'screen'], message: `screen "${d.screen}" is named twice` });
            seen.add(d.screen);
          }
        }),
      /** start the wall when the machine's user logs in */
      startOnLogin: z.boolean().default(false),
    })
    .default({ displays: [], startOnLogin: false }),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  timeZone: z.string().default('Asia/Shanghai'),
  demo: z.boolean().default(true),
});

export type WatchfloorConfig = z.infer<typeof configSchema>;

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export function parseConfig(json: unknown): Result<WatchfloorConfig> {
  const parsed = configSchema.safeParse(json ?? {});
  if (parsed.success) {
    // credentials written into broker URLs must agree with each other and with username/password
    const connection = brokerConnection(parsed.data.brokers, parsed.data.username, parsed.data.password);
    if (!connection.ok) return { ok: false, error: `invalid configuration:\n  brokers: ${connection.error}` };
    const eb = parsed.data.embeddedBroker;
    if (parsed.data.brokers.length === 0 && !isLoopback(eb.host) && (!parsed.data.username || !parsed.data.password)) {
      return { ok: false, error: `invalid configuration:\n  embeddedBroker.host: the embedded broker would listen on ${eb.host} with no login: set "username" and "password" (it then asks for them), or keep it on 127.0.0.1` };
    }
    const auth = checkAuth(parsed.data);
    if (auth) return { ok: false, error: `invalid configuration:\n  ${auth}` };
    return { ok: true, value: parsed.data };
  }
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `invalid configuration:\n${lines.join('\n')}` };
}

/** Whether anybody must sign in: users or tokens are configured. */
export const authRequired = (c: WatchfloorConfig): boolean => c.auth.users.length + c.auth.tokens.length > 0;

/** The role of whoever has not signed in: `commander` on a wall without users or tokens, else what is configured (none by default). */
export const anonymousRoleOf = (c: WatchfloorConfig): Role | null => (c.auth.anonymousRole !== undefined ? c.auth.anonymousRole : authRequired(c) ? null : 'commander');

/**
 * Safe defaults: a wall nobody signs in to may act only on loopback. Listening on the room's
 * network needs users or tokens, and no acting role for those who have not signed in.
 */
function checkAuth(c: WatchfloorConfig): string | null {
  const names = new Set<string>();
  for (const u of [...c.auth.users, ...c.auth.tokens]) {
    if (names.has(u.name)) return `auth: the name "${u.name.slice(0, 40)}" is given twice (users and tokens share one list of names: the audit log tells them apart by name)`;
    names.add(u.name);
  }
  const anonymous = anonymousRoleOf(c);
  if (!isLoopback(c.web.host) && anonymous !== null && anonymous !== 'viewer') {
    return authRequired(c)
      ? `auth.anonymousRole: "${anonymous}" lets anyone on the network act without signing in on ${c.web.host}: use "viewer" or null, or keep web.host on 127.0.0.1`
      : `web.host: the wall would listen on ${c.web.host} with no sign-in, and anyone who reaches it could dispatch. Add auth.users (hashes from \`npm run passwd -- <password>\`), or keep web.host on 127.0.0.1 (docs/security.md)`;
  }
  return null;
}

export const defaultConfig = (): WatchfloorConfig => configSchema.parse({});

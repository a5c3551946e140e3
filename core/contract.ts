// The one typed contract for everything that crosses a process boundary between the services
// and a renderer. Electron IPC and the web shell's WebSocket carry exactly these messages.
import type { SessionInfo } from './auth/principal.js';
import type { LayoutState } from './display.js';
import type { NearbyUnit } from './dispatch/nearest.js';
import type { OperatorActionKind, RejectRecord } from './domain.js';
import type { FeedPulseHealth } from './ingest/feed-pulse.js';
import type { Place } from './places.js';
import type { PlayerState, ReplayControl } from './player.js';
import type { Result } from './result.js';
import type { SituationDelta, SituationSnapshot } from './situation/situation.js';

export interface BrokerHealth {
  url: string;
  connected: boolean;
  /** epoch ms of the last successful connect, null if never */
  lastConnectedAt: number | null;
  /** epoch ms the current outage began (the start, when never connected); null while connected */
  disconnectedAt: number | null;
  lastMessageAt: number | null;
  reconnects: number;
  error: string | null;
  /**
   * messages read from the broker since start, counted by the MQTT client as they arrive, and
   * messages handed on to the situation: the two differ only by what is between the ingest worker
   * and the services' thread at that moment. A broker that says it delivered more than `received`
   * lost them on the way; an alarm missing with the two equal was never delivered.
   */
  received: number;
  handled: number;
}

/** The situation checkpoint in the data folder (--data DIR). */
export interface CheckpointHealth {
  path: string;
  /** what the last start loaded from it, null when there was nothing to load */
  restored: { incidents: number; units: number; kiosks: number; cameras: number; skipped: number; savedAt: number; at: number } | null;
  lastSavedAt: number | null;
  saves: number;
  error: string | null;
}

/** What the shells refuse, by kind (docs/security.md). */
export type AccessRefusal =
  /** Host header not this wall's (DNS rebinding) */
  | 'host'
  /** Origin of another site, or `null` */
  | 'origin'
  /** unparseable request target or headers */
  | 'malformed'
  /** a method the route does not take */
  | 'method'
  /** bridge clients beyond web.maxClients */
  | 'peers'
  /** HTTP connections beyond web.maxConnections */
  | 'connections'
  /** bridge requests beyond a client's rate */
  | 'rateLimited'
  /** bridge clients dropped for not reading what they asked for */
  | 'congested'
  /** malformed bridge messages */
  | 'badRequests'
  /** requests whose headers or body did not arrive in time */
  | 'timeouts';

export interface AccessHealth {
  /** bridge clients connected now, and the cap */
  peers: number;
  maxPeers: number;
  /** HTTP connections open now (the Electron shell's loopback server included), and the cap */
  connections: number;
  maxConnections: number;
  refused: Record<AccessRefusal, number>;
  /** the latest refusal, with why */
  last: { at: number; kind: AccessRefusal; why: string } | null;
}

/** The journal's state (docs/replay.md), in /api/health and on the wall. */
export interface JournalHealth {
  ok: boolean;
  dir: string;
  recording: boolean;
  file: string | null;
  files: number;
  bytes: number;
  inputs: number;
  chunks: number;
  snapshots: number;
  lastFlushAt: number | null;
  /** inputs lost to failed writes (disk full…) */
  lost: number;
  diskFull: boolean;
  error: string | null;
  repaired: { file: string; cutBytes: number; chunks: number }[];
  recovered: RecoveryReport | null;
  deleted: number;
}

export interface RecoveryReport {
  /** the snapshot the situation was restored from */
  snapshotAt: number;
  /** inputs applied after it */
  tail: number;
  /** the last input's time: the crash lost what came after, up to a flush interval */
  lastInputAt: number | null;
  from: string;
}

export interface Health {
  ok: boolean;
  version: string;
  shell: 'electron' | 'web';
  startedAt: number;
  broker: BrokerHealth;
  embeddedBroker: { url: string } | null;
  demo: boolean;
  /** reference files that failed to load, with why; the wall runs without them */
  referenceErrors: string[];
  /** null when the host runs without a data folder */
  checkpoint: CheckpointHealth | null;
  /** the recording; null without a data folder or with journal.enabled false */
  journal: JournalHealth | null;
  /** who was refused at the shell's doors */
  access: AccessHealth;
  /** whether live messages still come through the broker, and what "usually" means for this feed */
  feed: FeedPulseHealth;
  /** the services' clock when this was made (epoch ms): pages compare the services' times with it */
  at: number;
  /** how often health is sent to every page: a page that hears nothing for a few of these is cut off */
  heartbeatMs: number;
  /** dispatch messages to units: the publishing client, sent and failed since start */
  dispatch?: { connected: boolean; sent: number; shared: number; points: number; failed: number; lastError: string | null };
  /** sign-in: whether it is required, sessions open, sign-ins and refusals since start */
  auth?: { required: boolean; anonymousRole: string | null; sessions: number; signIns: number; failedSignIns: number; refusedActions: number };
  /** the audit log in the data folder: its chain verified at start, entries since, failures to write */
  audit?: { path: string; entries: number; lastAt: number | null; ok: boolean; error: string | null; recovered: { tornBytes: number; at: number } | null; failed: number } | null;
  /** citizen clues' points ledger */
  points?: { reporters: number; credits: number; published: number; error: string | null } | null;
  /** the services' log files in <data>/logs (docs/operations.md#logs); null without a data folder (stderr only) */
  logs?: LogsHealth | null;
  /** the layout preset holding, why, and what is wrong with the presets file (the built-in presets are used when it cannot be read) */
  layout?: { active: string | null; cause: LayoutState['cause']; error: string | null };
}

/** The services' own log in the data folder. */
export interface LogsHealth {
  /** the file written now (`<data>/logs/watchfloor.log`) */
  path: string;
  /** the last write or rotation that failed (the lines went to stderr), null once writes succeed again */
  error: string | null;
  /** log files held (the current one and the rotated ones kept) and their bytes */
  files: number;
  bytes: number;
  /** lines that did not reach the file since start */
  failedWrites: number;
}

/** What `diagnostics.export` wrote: a zip for support (docs/operations.md#diagnostics). */
export interface DiagnosticsExportResult {
  /** relative to the data folder: `<data>/diagnostics/diagnostics-….zip` */
  path: string;
  bytes: number;
  /** the files inside */
  files: string[];
}

/** Static map and registry data the renderer needs once. */
export interface ReferencePayload {
  /** GeoJSON FeatureCollection of grid features (all levels), or null when none is configured */
  grids: unknown | null;
  /** optional offline basemap (a .pmtiles URL the shell serves) */
  basemapUrl: string | null;
  mapDatum: string;
  /** initial view */
  view: { lon: number; lat: number; zoom: number };
  locale: string;
  timeZone: string;
  /** named landmarks from the places registry, for search (absent: none) */
  places?: Place[];
  /** a unit asked and silent this long is shown as not answering (dispatch.noAnswerMs) */
  noAnswerMs?: number;
}

export type ServerMessage =
  /** `seq`: acknowledge with `updates.ack` once taken in; the next waits until then (flow control: live deltas held meanwhile come merged into one) */
  | { type: 'snapshot'; situation: SituationSnapshot; health: Health; seq?: number }
  | { type: 'delta'; delta: SituationDelta; seq?: number }
  | { type: 'health'; health: Health }
  /** who this page is signed in as: first on every connection, again whenever it changes. With `me: null` nothing else comes until a sign-in */
  | { type: 'session'; session: SessionInfo }
  /** live or replay, and the replay's clock (core/player.ts): on every change, several times a second while playing. A connection starts live (no message) */
  | { type: 'player'; player: PlayerState }
  /** which layout preset holds and what it gives each named screen (core/display.ts): on every connection once the services keep presets, and on every change */
  | { type: 'layout'; layout: LayoutState }
  /**
   * what the shell sees of the page's own renderer process, every few seconds: only the Electron
   * shell can (app.getAppMetrics); a web shell's page never gets one. For the page's memory
   * watchdog: memory outside the JS heap (graphics, media, a leak in native code) counts too
   */
  | { type: 'memory'; memory: RendererMemory }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

/** The page's renderer processes as its shell measures them. */
export interface RendererMemory {
  /** resident memory (working set) of the page's process and its video frames' processes, bytes */
  processBytes: number;
  /** how many processes that sums (absent: the page's own alone) */
  processes?: number;
  /** when it was read (epoch ms) */
  at: number;
}

/** Request methods: params and result types. Both ends are derived from this one map. */
export interface Requests {
  /** who this connection is signed in as */
  'session.get': { params: Record<string, never>; result: SessionInfo };
  /** signs this connection in (the Electron shell; the web shell signs in over HTTP so the cookie is set) */
  'session.signIn': { params: { name: string; password: string }; result: SessionInfo };
  'session.signOut': { params: Record<string, never>; result: SessionInfo };
  /** a citizen reporter's points (verified clues) */
  'reporter.get': { params: { id: string }; result: ReporterPoints };
  'incident.ack': { params: { id: string }; result: { ok: true } };
  'incident.close': { params: { id: string }; result: { ok: true } };
  /** any operator action (lifecycle.ts); `actionId` makes a retry harmless. Refused: `illegal: …`, `invalid: …`, `not_found: …` */
  'incident.act': { params: { id: string; action: OperatorActionKind; note?: string; into?: string; actionId?: string }; result: { ok: true; duplicate: boolean } };
  /** the dispatchable units nearest an incident, by ETA (core/dispatch/nearest.ts) */
  'dispatch.nearest': { params: { id: string; limit?: number; radiusM?: number }; result: NearbyUnit[] };
  /** every available volunteer within radiusM (default 500) gets the incident on watchfloor/v1/dispatch/{unitId} */
  'dispatch.broadcast': { params: { id: string; radiusM?: number; note?: string; actionId?: string }; result: { dispatchId: string; recipients: string[]; duplicate: boolean } };
  /** the chosen units get it */
  'dispatch.assign': { params: { id: string; unitIds: string[]; note?: string; actionId?: string }; result: { dispatchId: string; recipients: string[]; duplicate: boolean } };
  'rejects.list': { params: Record<string, never>; result: RejectRecord[] };
  'reference.get': { params: Record<string, never>; result: ReferencePayload };
  'situation.get': { params: Record<string, never>; result: SituationSnapshot };
  /** this connection watches a recorded period instead of live (actions are refused until replay.close) */
  'replay.open': { params: { from: number; to: number; at?: number; speed?: number }; result: PlayerState };
  'replay.control': { params: ReplayControl; result: PlayerState };
  'replay.bookmark': { params: { at: number; note: string }; result: PlayerState };
  /**
   * the updates (snapshots and deltas, live or replayed) up to `seq` are in the page's model and a
   * frame was drawn since: the next update waits until the one before is taken (a page that cannot
   * keep up, at 64× or under a burst of live traffic, gets fewer, larger updates of the same
   * situation, instead of a backlog the services would drop it for)
   */
  'updates.ack': { params: { seq: number }; result: { ok: true } };
  /** `updates.ack`'s name while only replays were numbered: pages loaded before an upgrade still use it */
  'replay.ack': { params: { seq: number }; result: { ok: true } };
  /** back to live: a live snapshot follows */
  'replay.close': { params: Record<string, never>; result: PlayerState };
  /** a case export of an incident (`incidentId`) or a period (`from`/`to`, epoch ms) into <data>/cases (docs/cases.md); any signed-in caller, in a replay too */
  /** a case written at once (the report's maps sketched by the services), or, with a plan's token, the end of a plan */
  'case.export': { params: { incidentId?: string; from?: number; to?: number; token?: string }; result: CaseExportResult };
  /** the first step of a case whose report shows the asking page's own map at each key moment (docs/cases.md) */
  'case.prepare': { params: { incidentId?: string; from?: number; to?: number }; result: CasePlan };
  /** the recorded situation at one of a plan's key moments, for the page to render */
  'case.moment': { params: { token: string; index: number }; result: SituationSnapshot };
  /** one part of a moment's map picture: PNG, base64, parts in order (a message is at most 64 KiB) */
  'case.picture': { params: { token: string; index: number; part: number; parts: number; data: string }; result: { index: number; complete: boolean } };
  /** gives a plan up (the page could not go on): nothing of it stays */
  'case.abandon': { params: { token: string }; result: { abandoned: boolean } };
  /** checks a case this wall wrote (its folder and its zip) against its manifest */
  'case.verify': { params: { caseId: string }; result: CaseCheck };
  /** a diagnostics zip for support (logs, health, config without secrets, versions) into <data>/diagnostics; commanders and dispatchers */
  'diagnostics.export': { params: Record<string, never>; result: DiagnosticsExportResult };
  /** the layout presets and which one holds (anyone signed in) */
  'layout.get': { params: Record<string, never>; result: LayoutState };
  /** an operator chooses a preset (commanders and dispatchers); it holds until someone chooses again or a new P1 opens. Refused: `forbidden: …`, `not_found: no preset …`, `invalid: …` */
  'layout.apply': { params: { preset: string }; result: LayoutState };
  /** back from the automatic preset to what was before (commanders and dispatchers). Refused: `illegal: nothing to revert …` */
  'layout.revert': { params: Record<string, never>; result: LayoutState };
}

/** A case being written whose report waits for the wall's pictures of its key moments (case.prepare). */
export interface CasePlan {
  token: string;
  caseId: string;
  /** the period the case covers, epoch ms */
  from: number;
  to: number;
  /** the moments to picture, earliest first: reported, dispatched, on scene, closed */
  moments: { index: number; at: number; incidentId: string; kinds: string[] }[];
  /** the plan is given up after this long without a request */
  idleMs: number;
  /** a picture part's base64 at most this long */
  partChars: number;
}

/** What a case export wrote (docs/cases.md): paths relative to the data folder. */
export interface CaseExportResult {
  caseId: string;
  path: string;
  zip: string;
  /** the period the case covers, epoch ms */
  from: number;
  to: number;
  files: { name: string; bytes: number; sha256: string }[];
  manifestSha256: string;
  /** what a reader should know (the period cut to the recording, no audit log, …), in both languages */
  notes: { en: string; zh: string }[];
}

/** One copy of a case (its folder or its zip) checked against its manifest. */
export interface CaseCopyCheck {
  ok: boolean;
  /** files the manifest lists, and how many of them are intact */
  listed: number;
  intact: number;
  /** one line per file that is missing, changed or extra */
  problems: { name: string; kind: 'missing' | 'changed' | 'extra' | 'unreadable' | 'manifest'; message: string }[];
  manifestSha256: string | null;
}

export interface CaseCheck {
  caseId: string;
  /** both copies intact */
  ok: boolean;
  folder: CaseCopyCheck;
  zip: CaseCopyCheck;
}
export type RequestMethod = keyof Requests;

export type ClientMessage = { type: 'request'; id: number; method: RequestMethod; params: unknown };

export type { Result } from './result.js';

/** What the renderer sees. It cannot tell which shell is behind it. */
export interface Bridge {
  /** Starts receiving: a snapshot first, then deltas and health. Returns an unsubscribe. */
  subscribe(onMessage: (m: Exclude<ServerMessage, { type: 'response' }>) => void): () => void;
  request<M extends RequestMethod>(method: M, params: Requests[M]['params']): Promise<Result<Requests[M]['result']>>;
  /** Transport state, for the header's connection light. */
  onConnection(listener: (state: 'connecting' | 'open' | 'closed') => void): () => void;
  /** Starts over with a fresh snapshot: what a page does when its link went silent without closing. */
  resync(): void;
  /** Signs in with a name and password; the session message follows. Errors are said for a person. */
  signIn(name: string, password: string): Promise<Result<SessionInfo>>;
  signOut(): Promise<void>;
}

/** A citizen reporter's points, from the ledger in the data folder. */
export interface ReporterPoints {
  reporterId: string;
  total: number;
  /** the latest credits, newest first */
  entries: { incidentId: string; category: string; points: number; at: number; by?: string }[];
}

export const REQUEST_METHODS: readonly RequestMethod[] = ['session.get', 'session.signIn', 'session.signOut', 'reporter.get', 'incident.ack', 'incident.close', 'incident.act', 'dispatch.nearest', 'dispatch.broadcast', 'dispatch.assign', 'rejects.list', 'reference.get', 'situation.get', 'replay.open', 'replay.control', 'replay.bookmark', 'updates.ack', 'replay.ack', 'replay.close', 'case.export', 'case.prepare', 'case.moment', 'case.picture', 'case.abandon', 'case.verify', 'diagnostics.export', 'layout.get', 'layout.apply', 'layout.revert'];

/** Validates a message from a renderer; anything else is dropped and counted by the hub. */
export function parseClientMessage(raw: unknown): ClientMessage | string {
  if (typeof raw !== 'object' || raw === null) return 'message is not an object';
  const m = raw as Record<string, unknown>;
  if (m.type !== 'request') return `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`;
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return 'request id must be an integer';
  if (typeof m.method !== 'string' || !(REQUEST_METHODS as readonly string[]).includes(m.method)) {
    return `unknown method ${JSON.stringify(m.method)?.slice(0, 40)}`;
  }
  const params = m.params ?? {};
  if (typeof params !== 'object' || params === null) return 'params must be an object';
  return { type: 'request', id: m.id, method: m.method as RequestMethod, params };
}

/** IPC channel names: one place, both ends. */
export const IPC = {
  toRenderer: 'watchfloor:server',
  fromRenderer: 'watchfloor:client',
  hello: 'watchfloor:hello',
  /** the preload's beat, once a second from a timer on the page's main thread: when it stops, the page is hung (main/electron/restart-policy.ts) */
  heartbeat: 'watchfloor:heartbeat',
} as const;

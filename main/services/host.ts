// Composes the services both shells run: reference data, the situation, MQTT ingest (with an
// embedded broker when none is configured) and the bridge hub. No Electron in here.
import { resolve } from 'node:path';
import { buildAdapters } from '../../core/adapters/index.js';
import { adaptContextFor } from '../../core/adapters/context.js';
import type { WatchfloorConfig } from '../../core/config.js';
import type { CheckpointHealth, Health, ReferencePayload } from '../../core/contract.js';
import { GridIndex } from '../../core/geo/grid-index.js';
import { DEFAULT_FEED_PULSE, FeedPulse } from '../../core/ingest/feed-pulse.js';
import { createIngest } from '../../core/ingest/pipeline.js';
import type { Place } from '../../core/places.js';
import { toReferenceData } from '../../core/reference.js';
import { createSituation } from '../../core/situation/situation.js';
import { brokerConnection, redactUrlsIn } from '../../core/broker-url.js';
import { originsOf } from '../../core/urls.js';
import type { ReporterPointsMessage } from '../../core/adapters/native-schemas.js';
import type { OperatorAction } from '../../core/domain.js';
import type { SituationInput } from '../../core/inputs.js';
import { AccessLog } from './access-log.js';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import { AuditLog } from './audit-log.js';
import { Auth } from './auth.js';
import { Desk } from './desk.js';
import { PointsLedger } from './points-ledger.js';
import { type DispatchPublisher, startDispatchPublisher } from './dispatch-publisher.js';
import { DispatchService } from './dispatch-service.js';
import { BridgeHub } from './bridge-hub.js';
import { type PathRoots, shownPaths } from './display-path.js';
import { loadReference } from './reference-files.js';
import { type Checkpoints, startCheckpoints } from './checkpoints.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.js';
import { startIngest, type ThreadedIngest } from './mqtt-threaded.js';
import { SituationService } from './situation-service.js';
import { Journal } from '../journal/journal.js';
import { Recording } from '../journal/recording.js';
import { BookmarkStore } from '../journal/bookmarks.js';
import type { JournalHealth, LogsHealth } from '../../core/contract.js';
import { checkpointSavedAt } from './checkpoints.js';
import { createLogger, type Logger, type WallLogger } from './logger.js';
import { Diagnostics } from './diagnostics.js';
import { LayoutService } from './layout-service.js';

export const VERSION = '0.1.0';

export { demoAssetPaths } from './reference-files.js';

export interface HostOptions {
  config: WatchfloorConfig;
  shell: 'web' | 'electron';
  /** project root: where assets/ lives */
  appRoot: string;
  /** folder of the config file: relative paths in it are resolved from here */
  configDir?: string;
  /** unique client id suffix for tests that run several hosts against one broker */
  clientIdOverride?: string;
  /** the broker client key as PEM text (the Electron shell's, decrypted from its secrets file); replaces `tls.key` */
  clientKeyPem?: string;
  /** run the MQTT client on the main thread even when the worker is built */
  inThreadIngest?: boolean;
  /** the bundled ingest worker; default dist/workers/mqtt-worker.cjs under appRoot */
  ingestWorkerFile?: string;
  /** test hook: a clock other than Date.now */
  now?: () => number;
  /** the data folder (--data DIR): the situation checkpoint lives there; none = not kept */
  dataDir?: string;
}

export interface Host {
  config: WatchfloorConfig;
  situation: SituationService;
  hub: BridgeHub;
  /** sends units: broadcasts to volunteers nearby, chosen units */
  dispatch: DispatchService;
  /** every operator action passes here: roles, refusals, audit */
  desk: Desk;
  /** sign-in, sessions, tokens */
  auth: Auth;
  /** appends to the audit log (a no-op without a data folder) */
  audit: (e: AuditEntryInput) => void;
  /** the audit log, when there is a data folder */
  auditLog: AuditLog | null;
  /** citizen clues' points */
  points: PointsLedger;
  /** the recording of every input (null without a data folder or with journal.enabled false) */
  journal: Journal | null;
  /** the past, read from the journal */
  recording: Recording | null;
  /** what the shells refused, for health */
  access: AccessLog;
  ingest: ThreadedIngest;
  embeddedBroker: EmbeddedBroker | null;
  /** the services' structured log (logger.ts); components log through children ({ component }) */
  log: Logger;
  /** the diagnostics export for support (diagnostics.ts) */
  diagnostics: Diagnostics;
  /** the room's layout presets: operators' choices and the automatic preset on a P1 */
  layout: LayoutService;
  /** the URL actually used for the first broker (the embedded one when none was configured), without credentials */
  brokerUrl: string;
  /** the login the wall uses with its broker (from the configuration or the broker URLs): for the demo's publisher, never shown */
  brokerLogin: { username?: string; password?: string };
  health(): Health;
  reference(): ReferencePayload;
  /** files a shell should serve (basemap) */
  basemapPath: string | null;
  /** origins other than the shell's own that pages may load images and video from (content policy) */
  mediaOrigins: string[];
  close(): Promise<void>;
}

/** The brokers to use: the configured ones (credentials taken out of their URLs), else an embedded one. */
async function connectBroker(config: WatchfloorConfig) {
  // credentials leave the URLs here: everything after sees and shows URLs without them
  const connection = brokerConnection(config.brokers, config.username, config.password);
  if (!connection.ok) throw new Error(connection.error);
  const login = { username: connection.value.username, password: connection.value.password };
  if (connection.value.urls.length > 0) return { embeddedBroker: null, urls: connection.value.urls, login };
  const embeddedBroker = await startEmbeddedBroker({ ...config.embeddedBroker, ...login, maxPayloadBytes: config.limits.maxPayloadBytes });
  return { embeddedBroker, urls: [embeddedBroker.url], login };
}

/** The MQTT client's settings: the brokers, every adapter's filters, limits, TLS files from the config's folder. */
function ingestSettings(config: WatchfloorConfig, opts: HostOptions, baseDir: string, broker: Awaited<ReturnType<typeof connectBroker>>, filters: string[]) {
  return {
    urls: broker.urls,
    clientId: opts.clientIdOverride ?? config.clientId,
    filters,
    ...broker.login,
    // Aedes speaks MQTT 3.1.1 only
    protocolVersion: broker.embeddedBroker ? (4 as const) : config.protocolVersion,
    maxPayloadBytes: config.limits.maxPayloadBytes,
    tls: config.tls && {
      ...config.tls,
      ca: config.tls.ca && resolve(baseDir, config.tls.ca),
      cert: config.tls.cert && resolve(baseDir, config.tls.cert),
      key: opts.clientKeyPem === undefined ? config.tls.key && resolve(baseDir, config.tls.key) : undefined,
      ...(opts.clientKeyPem !== undefined ? { keyPem: opts.clientKeyPem } : {}),
    },
    reconnect: config.reconnect,
    sessionExpirySeconds: config.sessionExpirySeconds,
  };
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const { config } = opts;
  const startedAt = Date.now();
  const logger = createLogger({ level: config.logs.level, dataDir: opts.dataDir ?? null, maxFileBytes: config.logs.maxFileBytes, keepFiles: config.logs.keepFiles, ...(opts.now ? { now: opts.now } : {}) });
  const log = logger.log;
  const access = new AccessLog(Date.now, log.child({ component: 'access' }));
  const baseDir = opts.configDir ?? process.cwd();
  const ref = loadReference(config, baseDir, opts.appRoot);
  const gridIndex = new GridIndex(ref.gridFeatures);
  const freshState = () => createSituation(toReferenceData(ref.cameras, ref.kiosks), (lon, lat, hint) => gridIndex.locate(lon, lat, hint), {
    staleAfterMs: config.situation.staleAfterMs,
    trailLength: config.situation.trailLength,
    rejectsKept: config.situation.rejectsKept,
    closedRetentionMs: config.situation.closedRetentionMs,
    escalateAfterMs: { 1: config.situation.escalation.p1Ms, 2: config.situation.escalation.p2Ms, 3: config.situation.escalation.p3Ms, 4: config.situation.escalation.p4Ms },
    clueSources: config.clues.sources,
    maxIncidents: config.limits.maxIncidents,
    retainedAlarmMaxAgeMs: config.limits.retainedAlarmMaxAgeMs,
  });
  const state = freshState();
  const situation = new SituationService(state, { deltaIntervalMs: config.situation.deltaIntervalMs, now: opts.now });
  // before any message: the journal (snapshot + tail, up to a flush interval before a crash) or
  // else the checkpoint file restores the situation; either loads only into an empty one
  const journal = opts.dataDir && config.journal.enabled ? await openJournal(opts.dataDir, config, opts.now) : null;
  const fromJournal = journal && (journal.lastRecordedAt() ?? -Infinity) >= (checkpointSavedAt(opts.dataDir!) ?? -Infinity) ? await journal.recover(situation) : null;
  const checkpoints: Checkpoints | null = opts.dataDir ? startCheckpoints(situation, opts.dataDir, config.situation.checkpointIntervalMs, opts.now, { restore: !fromJournal }) : null;
  journal?.start(situation);
  const recording = journal && opts.dataDir ? new Recording(journal, journalDir(opts.dataDir), freshState) : null;
  // what pages see of paths: relative to the folders they belong to
  const roots: PathRoots = [...(opts.dataDir ? [[resolve(opts.dataDir), '<data>'] as const] : []), [resolve(baseDir), '<config>'], [resolve(opts.appRoot), '<app>']];

  const broker = await connectBroker(config);
  const { embeddedBroker } = broker;
  const adapters = buildAdapters(config);
  const ctx = adaptContextFor(config, (id) => {
    const c = state.cameras.get(id);
    return c ? { lat: c.lat, lon: c.lon } : undefined;
  });
  const pulse = new FeedPulse(startedAt, { ...DEFAULT_FEED_PULSE, minSilenceMs: config.feed.stallAfterMs, factor: config.feed.stallFactor });
  const ingestMessage = createIngest(adapters, ctx, { maxPayloadBytes: config.limits.maxPayloadBytes });
  const ingest = startIngest(
    ingestSettings(config, opts, baseDir, broker, adapters.flatMap((a) => [...a.filters])),
    (topic, payload, receivedAt, retained) => {
      // retained messages are the broker's memory, not the feed flowing now
      if (!retained) pulse.record(receivedAt);
      situation.apply(ingestMessage(topic, payload, receivedAt, retained));
    },
    opts.inThreadIngest ? null : (opts.ingestWorkerFile ?? resolve(opts.appRoot, 'dist/workers/mqtt-worker.cjs')),
    log.child({ component: 'ingest' }),
  );
  situation.start();

  // once, at start: search shows each place under the grid it lies in, as it does incidents
  const places: Place[] = ref.places.map((p) => {
    const grid = gridIndex.locate(p.lon, p.lat);
    return grid ? { ...p, grid } : p;
  });
  const basemapPath = config.reference.basemap ? resolve(baseDir, config.reference.basemap) : null;
  // dispatches go out from a client of their own on the same brokers
  const publisher = startDispatchPublisher({
    ...ingestSettings(config, opts, baseDir, broker, []),
    clientId: `${opts.clientIdOverride ?? config.clientId}-dispatch`,
    topicPrefix: config.topicPrefix,
  });
  // the audit log: what operators did and were refused, sign-ins, what the wall published
  const auditLog = opts.dataDir ? AuditLog.open(opts.dataDir, { now: opts.now, log: log.child({ component: 'audit' }) }) : null;
  const audit = (e: AuditEntryInput) => void auditLog?.append(e);
  const auth = new Auth(config, audit, opts.now, log.child({ component: 'auth' }));
  audit({ kind: 'started', detail: { version: VERSION, shell: opts.shell, signIn: auth.required, anonymousRole: auth.anonymous?.role ?? null } });
  const points = new PointsLedger(opts.dataDir ?? null, config.clues.points);
  const layout = new LayoutService({
    situation,
    dataDir: opts.dataDir ?? null,
    ...(config.layout.presetsFile ? { presetsFile: resolve(baseDir, config.layout.presetsFile) } : {}),
    ...(config.layout.autoOnP1 !== undefined ? { autoOnP1: config.layout.autoOnP1 } : {}),
    audit,
    onRefused: () => auth.refused(),
    shown: (text) => shownPaths(text, roots),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const health = healthReader({ opts, startedAt, ingest, pulse, embeddedBroker, ref, roots, checkpoints, access, publisher, auth, auditLog, points, journal, logger, layout });
  const hostLog = log.child({ component: 'host' });
  hostLog.info({ version: VERSION, shell: opts.shell, broker: broker.urls[0], embedded: embeddedBroker !== null, dataFolder: opts.dataDir !== undefined, threadedIngest: ingest.threaded }, 'services started');
  // what went wrong at start, once, in both shells (health keeps saying it)
  for (const e of health().referenceErrors) log.child({ component: 'reference' }).warn(e);
  const restoredFrom = health().checkpoint;
  if (restoredFrom?.error) log.child({ component: 'checkpoint' }).warn(restoredFrom.error);
  if (!ingest.threaded) log.child({ component: 'ingest' }).warn('ingest runs on the main thread (dist/workers/mqtt-worker.cjs not built: npm run build:main)');
  const diagnostics = new Diagnostics({
    version: VERSION,
    shell: opts.shell,
    startedAt,
    config,
    health,
    logFiles: () => logger.file?.files() ?? [],
    flushLogs: () => logger.file?.flush(),
    dataDir: opts.dataDir ?? null,
    audit,
    log: log.child({ component: 'diagnostics' }),
    shown: (path) => shownPaths(path, roots),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const reference = (): ReferencePayload => ({
    grids: ref.gridJson,
    basemapUrl: basemapPath ? '/basemap.pmtiles' : null,
    mapDatum: config.mapDatum,
    view: config.view,
    locale: config.locale,
    timeZone: config.timeZone,
    places,
    noAnswerMs: config.dispatch.noAnswerMs,
  });
  const dispatch = new DispatchService(situation, publisher, { broadcastRadiusM: config.dispatch.broadcastRadiusM });
  const desk = new Desk({ situation, dispatch, audit, onRefused: () => auth.refused(), topicPrefix: config.topicPrefix });
  // several seats, one truth: what an operator here does, every wall on the broker applies (once, by id)
  const origin = opts.clientIdOverride ?? config.clientId;
  const unshare = situation.onAction((action, at) => {
    // audited once the broker answered (after the action's own entry), with whether it took it
    void publisher.shareAction({ action, at, origin }).then((acked) =>
      audit({ kind: 'published', incidentId: action.incidentId, what: `${config.topicPrefix}/actions/${action.incidentId}`, detail: { actionId: action.id, action: action.kind, qos: 1, acked } }),
    );
  });
  const unledger = situation.onInput((input) => creditClues(input, situation, points, audit, (reporterId, message) => void publisher.points(reporterId, message).then((ok) => ok && points.published())));
  const hub = new BridgeHub({ situation, desk, auth, reporter: (id) => points.reporter(id), health, reference, access, replay: recording ? { recording, bookmarks: new BookmarkStore(resolve(opts.dataDir!, 'replay', 'bookmarks.json')) } : null, diagnostics, layout, healthIntervalMs: config.web.heartbeatMs, limits: { maxPeers: config.web.maxClients, requestsPerSecond: config.web.requestsPerSecond, requestBurst: config.web.requestsPerSecond * 2 } });

  return {
    config,
    situation,
    hub,
    dispatch,
    desk,
    auth,
    audit,
    auditLog,
    points,
    journal,
    recording,
    access,
    ingest,
    embeddedBroker,
    brokerUrl: broker.urls[0],
    brokerLogin: broker.login,
    log,
    diagnostics,
    layout,
    mediaOrigins: [...new Set([...config.web.mediaOrigins, ...originsOf(ref.cameras.flatMap((c) => [c.hls, c.recording]))])],
    health,
    reference,
    basemapPath,
    async close() {
      unshare();
      unledger();
      hub.close();
      layout.close();
      situation.stop();
      await ingest.close();
      await publisher.close();
      // after the feed stops, so the last messages are in it
      recording?.close();
      journal?.close();
      await checkpoints?.close();
      await embeddedBroker?.close();
      points.close();
      auditLog?.close();
      hostLog.info('services stopped');
      logger.close();
    },
  };
}

interface HealthParts {
  opts: HostOptions;
  startedAt: number;
  ingest: ThreadedIngest;
  pulse: FeedPulse;
  embeddedBroker: EmbeddedBroker | null;
  ref: { errors: string[] };
  roots: PathRoots;
  checkpoints: Checkpoints | null;
  access: AccessLog;
  publisher: DispatchPublisher;
  auth: Auth;
  auditLog: AuditLog | null;
  points: PointsLedger;
  journal: Journal | null;
  logger: WallLogger;
  layout: LayoutService;
}

/** The wall's health as pages and /api/health see it, made fresh on each call. */
function healthReader(p: HealthParts): () => Health {
  const { config } = p.opts;
  return () => {
    const b = p.ingest.health();
    const at = Date.now();
    return {
      // ok = the feed is flowing; reference problems are listed, not fatal
      ok: b.connected,
      version: VERSION,
      shell: p.opts.shell,
      startedAt: p.startedAt,
      // a client library's error text may quote a URL: never with its userinfo
      broker: b.error ? { ...b, error: redactUrlsIn(b.error) } : b,
      embeddedBroker: p.embeddedBroker ? { url: p.embeddedBroker.url } : null,
      demo: config.demo,
      referenceErrors: p.ref.errors.map((e) => shownPaths(e, p.roots)),
      checkpoint: shownCheckpoint(p.checkpoints?.health() ?? null, p.roots),
      access: p.access.health(),
      feed: p.pulse.health(at),
      at,
      heartbeatMs: config.web.heartbeatMs,
      dispatch: p.publisher.health(),
      auth: p.auth.health(),
      audit: p.auditLog ? { ...p.auditLog.health(), path: shownPaths(p.auditLog.health().path, p.roots) } : null,
      points: p.points.health(),
      journal: p.journal ? shownJournal(p.journal.health(), p.roots) : null,
      logs: shownLogs(p.logger.health(), p.roots),
      layout: p.layout.health(),
    };
  };
}

function shownJournal(j: JournalHealth, roots: PathRoots): JournalHealth {
  return { ...j, dir: shownPaths(j.dir, roots), error: j.error === null ? null : shownPaths(j.error, roots) };
}

function shownLogs(l: LogsHealth | null, roots: PathRoots): LogsHealth | null {
  return l && { ...l, path: shownPaths(l.path, roots), error: l.error === null ? null : shownPaths(l.error, roots) };
}

export const journalDir = (dataDir: string): string => resolve(dataDir, 'journal');

function openJournal(dataDir: string, config: WatchfloorConfig, now?: () => number): Promise<Journal> {
  const j = config.journal;
  return Journal.open({ dir: journalDir(dataDir), flushEveryMs: j.flushEveryMs, snapshotEveryMs: j.snapshotEveryMs, snapshotEveryInputs: j.snapshotEveryInputs, level: j.zstdLevel, maxAgeMs: j.maxAgeHours * 3_600_000, maxBytes: j.maxBytes, now });
}

function shownCheckpoint(c: CheckpointHealth | null, roots: PathRoots): CheckpointHealth | null {
  if (!c) return null;
  return { ...c, path: shownPaths(c.path, roots), error: c.error === null ? null : shownPaths(c.error, roots) };
}

/**
 * A verified clue credits its reporter, whether this wall verified it or heard another wall do it
 * (the ledger credits once); the wall that verified it publishes the new total for the citizen app.
 */
function creditClues(input: SituationInput, situation: SituationService, points: PointsLedger, audit: (e: AuditEntryInput) => void, publish: (reporterId: string, m: ReporterPointsMessage) => void): void {
  const verified: { action: OperatorAction; local: boolean }[] = [];
  if (input.t === 'action' && input.action.kind === 'verify_clue') verified.push({ action: input.action, local: true });
  if (input.t === 'events') for (const e of input.events) if (e.type === 'operatorAction' && e.action.kind === 'verify_clue') verified.push({ action: e.action, local: false });
  for (const { action, local } of verified) {
    const inc = situation.state.incidents.get(action.incidentId);
    const credit = inc && points.credit(inc, input.at);
    if (!credit) continue;
    const total = points.total(credit.reporterId);
    audit({ kind: 'points', actor: action.by, role: action.role, incidentId: credit.incidentId, what: credit.category, detail: { reporterId: credit.reporterId, points: credit.points, total } });
    if (local) publish(credit.reporterId, { reporterId: credit.reporterId, total, last: { incidentId: credit.incidentId, category: credit.category, points: credit.points, at: credit.at }, ts: input.at });
  }
}

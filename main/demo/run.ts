// The load generator's driver: runs the demo scenario against any broker for a while and reports
// what it sent. `npm run simulate` (main/sim/cli.ts) is a thin wrapper around `runSimulation`.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { createScenario, type ScenarioOptions } from '../../core/demo/sim/scenario.js';
import type { SimFamily } from '../../core/demo/sim/kernel.js';
import { redactUrl, redactUrlsIn } from '../../core/broker-url.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../services/embedded-broker.js';
import { type DemoAssets, loadDemoAssets } from './assets.js';
import { FAMILIES, type PublisherStats, startPublisher } from './publisher.js';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface SimulationOptions {
  /** mqtt://host:port (or ws://…), or "embedded" for an in-process Aedes broker on a free port */
  broker: string;
  /** volunteers (default 2000) */
  units?: number;
  /** patrols (default 100) */
  patrols?: number;
  /** aggregate unit-location messages per second; unset = each unit at its natural interval (5 s / 2 s) */
  rate?: number;
  /** seconds (default 60) */
  durationS?: number;
  seed?: number;
  story?: string;
  /** topic prefix (default watchfloor/v1) */
  prefix?: string;
  /** QoS of unit-location messages (default 0); alarms and device status always use 1 */
  qos?: 0 | 1;
  /** where assets/generated lives (default: this repository) */
  appRoot?: string;
  /** already loaded assets (skips reading files) */
  assets?: DemoAssets;
  scenarioOptions?: Partial<ScenarioOptions>;
  clientId?: string;
  username?: string;
  password?: string;
  /** stop early */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** called once publishing has begun, with the publisher's live counters (a soak samples them while the run goes on) */
  onStats?: (stats: Readonly<PublisherStats>) => void;
}

export interface SimReport {
  ok: boolean;
  error: string | null;
  broker: string;
  seed: number;
  units: number;
  patrols: number;
  story: string | null;
  qos: 0 | 1;
  /** target aggregate location rate, msg/s (null: natural intervals) */
  targetRate: number | null;
  durationS: number;
  /** seconds actually spent publishing */
  elapsedS: number;
  sent: Record<SimFamily | 'total', number>;
  rate: {
    /** all messages per second over the run */
    mean: number;
    /** lowest and highest count in a full 1 s window */
    min1s: number;
    max1s: number;
    locationMean: number;
    locationMin1s: number;
  };
  /** messages per full second of the run */
  windows: number[];
  errors: number;
  lastError: string | null;
  /** dropped while disconnected */
  dropped: number;
  /** due but unpublished when the run ended */
  backlog: number;
}

const emptySent = (): SimReport['sent'] => ({ location: 0, alarm: 0, kiosk: 0, camera: 0, reply: 0, total: 0 });

function connect(url: string, opts: { clientId: string; username?: string; password?: string }, timeoutMs: number): Promise<MqttClient> {
  return new Promise((resolvePromise, reject) => {
    const client = mqtt.connect(url, {
      clientId: opts.clientId,
      clean: true,
      protocolVersion: 4,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      queueQoSZero: false,
      username: opts.username,
      password: opts.password,
    });
    const timer = setTimeout(() => {
      client.end(true);
      reject(new Error(`could not connect to ${redactUrl(url)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolvePromise(client);
    });
    client.once('error', (e) => {
      clearTimeout(timer);
      client.end(true);
      reject(new Error(`could not connect to ${redactUrl(url)}: ${redactUrlsIn(e.message)}`));
    });
    client.once('close', () => {
      if (!client.connected) {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${redactUrl(url)}: connection closed`));
      }
    });
  });
}

export async function runSimulation(opts: SimulationOptions): Promise<SimReport> {
  const log = opts.log ?? (() => {});
  const units = opts.units ?? 2000;
  const patrols = Math.max(0, opts.patrols ?? 100);
  const durationS = opts.durationS ?? 60;
  const seed = opts.seed ?? 1;
  const qos = opts.qos ?? 0;
  const prefix = opts.prefix ?? 'watchfloor/v1';
  const report: SimReport = {
    ok: false,
    error: null,
    // the report and the log show the broker without the credentials a URL may carry
    broker: opts.broker === 'embedded' ? opts.broker : redactUrl(opts.broker),
    seed,
    units,
    patrols,
    story: opts.story ?? null,
    qos,
    targetRate: opts.rate ?? null,
    durationS,
    elapsedS: 0,
    sent: emptySent(),
    rate: { mean: 0, min1s: 0, max1s: 0, locationMean: 0, locationMin1s: 0 },
    windows: [],
    errors: 0,
    lastError: null,
    dropped: 0,
    backlog: 0,
  };

  let assets = opts.assets;
  if (!assets) {
    const loaded = loadDemoAssets(opts.appRoot ?? REPO_ROOT);
    if (loaded.ok) assets = loaded.assets;
    else {
      log(`warning: ${loaded.error}; units will walk in boxes around the city centre, no kiosks or cameras`);
      assets = { grids: [], kiosks: [], cameras: [], places: {}, warnings: [] };
    }
  }

  let embedded: EmbeddedBroker | null = null;
  let url = opts.broker;
  if (opts.broker === 'embedded') {
    embedded = await startEmbeddedBroker({ port: 0, maxPayloadBytes: 64 * 1024 });
    url = embedded.url;
    report.broker = `${url} (embedded Aedes)`;
  }

  let client: MqttClient | undefined;
  try {
    client = await connect(url, { clientId: opts.clientId ?? `watchfloor-sim-${randomBytes(4).toString('hex')}`, username: opts.username, password: opts.password }, 10_000);
    client.on('error', (e) => {
      report.lastError = e.message;
    });
    const startAt = Date.now();
    const totalUnits = units + patrols;
    const scenarioOptions: Partial<ScenarioOptions> = { topicPrefix: prefix, story: opts.story, ...opts.scenarioOptions };
    if (opts.rate && opts.rate > 0 && totalUnits > 0) {
      // every unit reports at the same interval so that together they make the asked rate;
      // offline units are silent for a while, so the interval is shortened by their share
      const offlineShare = scenarioOptions.offlineShare ?? 0.01;
      scenarioOptions.locationIntervalMs = Math.max(1, (totalUnits * (1 - offlineShare) * 1000) / opts.rate);
      // start at full rate from the first second
      scenarioOptions.firstReportDelayMs ??= 0;
    }
    const scenario = createScenario({
      seed,
      units,
      patrols,
      kiosks: assets.kiosks,
      cameras: assets.cameras,
      grids: assets.grids,
      places: assets.places,
      startAt,
      options: scenarioOptions,
    });
    log(
      `simulating ${units} volunteers + ${patrols} patrols, ${assets.kiosks.length} kiosks, ${assets.cameras.length} cameras` +
        `${opts.story ? `, story ${opts.story}` : ''} → ${report.broker} for ${durationS} s` +
        (opts.rate ? ` at ${opts.rate} location msg/s` : ''),
    );
    const publisher = startPublisher({
      client,
      scenario,
      tickMs: opts.rate ? 10 : 100,
      locationRate: opts.rate,
      qosLocation: qos,
      qosOther: 1,
      maxInflight: qos === 1 ? 1000 : 5000,
    });
    opts.onStats?.(publisher.stats);
    await new Promise<void>((done) => {
      // by the wall clock the windows are cut with: Node's timers run on the loop's cached clock
      // and may fire a millisecond early, which cost a 3 s run its third full window
      const end = publisher.stats.startedAt + durationS * 1000;
      let timer: NodeJS.Timeout;
      const wait = () => {
        const left = end - Date.now();
        if (left <= 0) done();
        else timer = setTimeout(wait, left);
      };
      wait();
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        done();
      });
    });
    const elapsedS = (Date.now() - publisher.stats.startedAt) / 1000;
    await publisher.stop();
    const s = publisher.stats;
    report.elapsedS = Math.round(elapsedS * 1000) / 1000;
    for (const f of FAMILIES) report.sent[f] = s.sent[f];
    report.sent.total = FAMILIES.reduce((n, f) => n + s.sent[f], 0);
    const full = Math.max(0, Math.floor(elapsedS));
    const win = (arr: number[]) => Array.from({ length: full }, (_, i) => arr[i] ?? 0);
    report.windows = win(s.windows);
    const locWindows = win(s.locationWindows);
    report.rate = {
      mean: elapsedS > 0 ? Math.round(report.sent.total / elapsedS) : 0,
      min1s: report.windows.length ? Math.min(...report.windows) : 0,
      max1s: report.windows.length ? Math.max(...report.windows) : 0,
      locationMean: elapsedS > 0 ? Math.round(report.sent.location / elapsedS) : 0,
      locationMin1s: locWindows.length ? Math.min(...locWindows) : 0,
    };
    report.errors = s.errors;
    report.lastError = s.lastError ?? report.lastError;
    report.dropped = s.dropped;
    report.backlog = s.backlog;
    report.ok = s.errors === 0 && s.dropped === 0;
    if (!report.ok) report.error = s.errors ? `${s.errors} publish errors (last: ${s.lastError})` : `${s.dropped} messages dropped while disconnected`;
  } catch (e) {
    report.error = (e as Error).message;
  } finally {
    if (client) await client.endAsync().catch(() => client!.end(true));
    await embedded?.close();
  }
  return report;
}

/** The human-readable summary printed after the JSON line. */
export function formatReport(r: SimReport): string {
  const lines = [
    `${r.ok ? 'OK' : 'FAILED'}: ${r.sent.total.toLocaleString('en')} messages in ${r.elapsedS.toFixed(1)} s to ${r.broker}` + (r.error ? ` — ${r.error}` : ''),
    `  by family:   locations ${r.sent.location.toLocaleString('en')} · alarms ${r.sent.alarm} · kiosk status ${r.sent.kiosk} · camera status ${r.sent.camera}`,
    `  rate:        mean ${r.rate.mean.toLocaleString('en')} msg/s, min ${r.rate.min1s.toLocaleString('en')} / max ${r.rate.max1s.toLocaleString('en')} over 1 s windows` +
      (r.targetRate ? ` (target ${r.targetRate.toLocaleString('en')} location msg/s; locations mean ${r.rate.locationMean.toLocaleString('en')}, min ${r.rate.locationMin1s.toLocaleString('en')})` : ''),
    `  units:       ${r.units} volunteers + ${r.patrols} patrols, seed ${r.seed}, location QoS ${r.qos}${r.story ? `, story ${r.story}` : ''}`,
    `  errors:      ${r.errors}${r.dropped ? ` · dropped ${r.dropped}` : ''}${r.backlog ? ` · unsent backlog ${r.backlog}` : ''}`,
  ];
  return lines.join('\n');
}

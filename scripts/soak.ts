// npm run soak -- --hours H [options]   (options: scripts/soak-args.ts, or --help)
//
// Hours of the wall under load, to show it stays flat: the demo's simulator publishes unit
// locations at a high rate through a real broker (Mosquitto; the host's embedded Aedes when it is
// not installed or with --broker embedded), the services run in a process of their own
// (scripts/soak-services.ts), and the default wall runs in Chromium while alarms at kiosks open
// and close video tiles. Every --sample-s seconds: the services' memory, descriptors, handles and
// event-loop delay (and the same of this process, the driver: simulator and Playwright); Chromium's memory (whole process
// tree, the page's heap after forced GC, DOM nodes, listeners, <video> elements); the delay from
// publishing a unit's position to the page's model holding it; ingest counters. One line per sample
// on the terminal and as JSON in --out (written as it comes: a crash loses nothing); at the end
// (or on Ctrl-C) each figure at the end of warm-up and at the end, their ratio and the trend after
// warm-up, and a verdict. Exit code 0 whether or not anything grew (the verdict says so); 1 when
// the rig could not be set up, the page died or the services' process exited; 2 for bad arguments.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { Health } from '../core/contract.js';
import type { Kiosk } from '../core/domain.js';
import { formatReport, runSimulation, type SimReport } from '../main/demo/run.js';
import type { PublisherStats } from '../main/demo/publisher.js';
import type { DebugStore } from '../renderer/src/debug';
import type { VideoDebug } from '../renderer/src/video/debug';
import { chromiumPssKb, pageHeapAfterGc } from '../bench/lib/chromium-memory.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { MOSQUITTO, startMosquitto } from '../test/helpers/mosquitto.js';
import { parseSoakArgs, SOAK_USAGE, type SoakOptions } from './soak-args.js';
import { processFigures, type ProcessFigures } from './soak-figures.js';
import type { FromServices, ToServices } from './soak-services.js';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const GEN = join(repo, 'assets/generated');
const STATIC = resolve(repo, process.env.WATCHFLOOR_RENDERER_DIR ?? 'dist/renderer');
const PREFIX = 'watchfloor/v1';
/** finds this run's Chromium among others on the machine (tests, a benchmark) */
const TAG = `--watchfloor-soak=${randomUUID()}`;
const PROBE_ID = 'soak-probe';
/** the probe walks around here (central Fuzhou), a metre a step, so each position is new */
const PROBE_AT = { lat: 26.08, lon: 119.3 };
const PROBE_STEP_DEG = 1e-5;
const PROBES_PER_SAMPLE = 5;
const PROBE_GAP_MS = 200;
const PROBE_TIMEOUT_MS = 10_000;
/** one call into the page or CDP: a page whose main thread is stuck must not stall the run */
const PAGE_CALL_TIMEOUT_MS = 15_000;
/** the last resort over a whole sample (each step is bounded already): the run goes on without it */
const SAMPLE_TIMEOUT_MS = 120_000;
const CLOSE_TIMEOUT_MS = 15_000;
/** end / warm-up at or under this: the figure is flat */
const FLAT_RATIO = 1.1;
/** distinct page errors kept with their counts; the rest are only counted */
const MAX_DISTINCT_ERRORS = 100;

type Hooked = Window & { __watchfloor: { store: () => DebugStore; video?: VideoDebug } };
type ProbeWindow = Hooked & { __soakProbe?: { seenAt: number | null; done: boolean } };
type KioskCam = Kiosk & { cameraId: string };

// ---- small helpers ----

const r1 = (x: number) => Math.round(x * 10) / 10;
const mb = (bytes: number) => r1(bytes / 2 ** 20);
const kbToMb = (kb: number | undefined) => (kb === undefined ? null : r1(kb / 1024));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Waits until `at` (epoch ms) or until the run is stopped, whichever comes first. */
function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, Math.max(0, at - Date.now()));
    signal.addEventListener('abort', finish, { once: true });
  });
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
function slope(points: [number, number][]): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

// ---- what a sample holds ----

interface Sample {
  type: 'sample';
  /** when the sample began */
  at: string;
  elapsedS: number;
  /** how long the sample took: a page falling behind shows here first */
  tookMs: { total: number; probes: number; page: number };
  /** the services' process (scripts/soak-services.ts): the services and their MQTT worker thread */
  services: ProcessFigures;
  /** this process, the driver: the simulator, the probe client and the Playwright client */
  driver: ProcessFigures;
  chromium: {
    pssMB: number | null;
    rendererPssMB: number | null;
    /** of which the renderers that play video (the frames' process) */
    mediaRendererPssMB: number | null;
    gpuPssMB: number | null;
    processes: number | null;
    pageHeapMB: number;
    domNodes: number;
    listeners: number;
    documents: number;
    /** players' surfaces: <video> elements in the page, and the frames tiles play in (the hook's videoElements()) */
    videos: number;
    tilesOpen: number;
    /** the open tiles by their player's state (playing, loading, retrying, …) */
    tileStates: Record<string, number>;
    /** players rebuilt, summed over the open tiles, and their last errors by message */
    tileRebuilds: number;
    tileErrors: Record<string, number>;
    /** the warm frames: taken, missed, failed to load, flushed (a tile's frame went silent) */
    framePool: { warm: number; taken: number; misses: number; failed: number; flushed: number; flushesRefused?: number; origin?: string; rotations?: number; strays?: number } | null;
    /** video frames Chromium still has under the page whose elements the page no longer holds */
    unheldFrames: number;
    /** each video-playing renderer process, pid and PSS: a generation of frames ends with its process */
    videoRenderers: { pid: number; mb: number }[] | null;
    /** the frames' process: JS heap after a collection, live documents, nodes, listeners */
    framesProcess: { jsHeapMB: number; documents: number; nodes: number; listeners: number } | null;
  };
  /** publish of a unit position → the page's model holds it, ms; null: not seen within PROBE_TIMEOUT_MS */
  delta: { medianMs: number | null; maxMs: number | null; lost: number; probesMs: (number | null)[] };
  ingest: {
    accepted: number;
    duplicates: number;
    rejected: number;
    outOfOrder: number;
    messagesPerSecond: number;
    inputsApplied: number;
    deltasSent: number;
    brokerConnected: boolean | null;
    reconnects: number | null;
    feedState: string | null;
    stalls: number | null;
  };
  sim: { sent: number; backlog: number; dropped: number; errors: number } | null;
  tiles: { opened: number; closed: number; framed: number };
  pageErrors: number;
}

interface Figure {
  key: string;
  label: string;
  get: (s: Sample) => number | null;
  /** a memory or handle figure: the verdict looks at it */
  judged: boolean;
}

const FIGURES: Figure[] = [
  { key: 'services.rssMB', label: 'services RSS (MB)', get: (s) => s.services.rssMB, judged: true },
  { key: 'services.heapUsedMB', label: 'services heap (MB)', get: (s) => s.services.heapUsedMB, judged: true },
  { key: 'services.fds', label: 'services fds', get: (s) => s.services.fds, judged: true },
  { key: 'services.handles', label: 'services handles', get: (s) => s.services.handles, judged: true },
  { key: 'services.loopDelayP99Ms', label: 'event loop p99 (ms)', get: (s) => s.services.loopDelayP99Ms, judged: false },
  // the driver's growth is the harness's, not the wall's: shown, not judged
  { key: 'driver.rssMB', label: 'driver RSS (MB)', get: (s) => s.driver.rssMB, judged: false },
  { key: 'driver.heapUsedMB', label: 'driver heap (MB)', get: (s) => s.driver.heapUsedMB, judged: false },
  { key: 'chromium.pssMB', label: 'Chromium PSS (MB)', get: (s) => s.chromium.pssMB, judged: true },
  { key: 'chromium.rendererPssMB', label: 'renderers PSS (MB)', get: (s) => s.chromium.rendererPssMB, judged: true },
  { key: 'chromium.mediaRendererPssMB', label: '… video renderers (MB)', get: (s) => s.chromium.mediaRendererPssMB, judged: false },
  { key: 'chromium.gpuPssMB', label: 'GPU process PSS (MB)', get: (s) => s.chromium.gpuPssMB, judged: true },
  { key: 'chromium.pageHeapMB', label: 'page JS heap (MB)', get: (s) => s.chromium.pageHeapMB, judged: true },
  { key: 'chromium.domNodes', label: 'DOM nodes', get: (s) => s.chromium.domNodes, judged: true },
  { key: 'chromium.listeners', label: 'JS listeners', get: (s) => s.chromium.listeners, judged: true },
  { key: 'chromium.videos', label: '<video> elements', get: (s) => s.chromium.videos, judged: false },
  { key: 'chromium.tilesOpen', label: 'tiles open', get: (s) => s.chromium.tilesOpen, judged: false },
  { key: 'delta.medianMs', label: 'delta latency median (ms)', get: (s) => s.delta.medianMs, judged: false },
  { key: 'delta.maxMs', label: 'delta latency max (ms)', get: (s) => s.delta.maxMs, judged: false },
];

// ---- the rig: broker, services, web shell, Chromium, the wall page ----

type Closer = { what: string; close: () => Promise<unknown> | void };

/** What was started, closed in reverse order, each within CLOSE_TIMEOUT_MS: a stuck close must not keep the others open. */
class Closers {
  private readonly list: Closer[] = [];
  add(what: string, close: Closer['close']): void {
    this.list.push({ what, close });
  }
  async closeAll(): Promise<void> {
    for (const c of this.list.reverse()) {
      await withTimeout(Promise.resolve().then(c.close), CLOSE_TIMEOUT_MS, `closing ${c.what}`).catch((e: Error) => console.warn(`  ${e.message}`));
    }
    this.list.length = 0;
  }
}

interface Rig {
  services: ServicesProcess;
  /** publishes the probes and the tiles' alarms */
  client: MqttClient;
  browser: Browser;
  page: Page;
  cdp: CDPSession;
  brokerUrl: string;
  brokerNote: string;
  kiosks: KioskCam[];
  errors: PageErrors;
}

/** Page errors and console errors, counted by message (bounded: a soak runs for hours). */
class PageErrors {
  readonly byMessage = new Map<string, number>();
  total = 0;
  crashed = false;
  add(message: string): void {
    this.total++;
    const key = message.slice(0, 300);
    // each new message said at once, so a long run can be read (and stopped) while it runs
    if (!this.byMessage.has(key) && this.byMessage.size < MAX_DISTINCT_ERRORS) console.log(`  page error (first of its kind): ${key}`);
    if (this.byMessage.has(key) || this.byMessage.size < MAX_DISTINCT_ERRORS) this.byMessage.set(key, (this.byMessage.get(key) ?? 0) + 1);
  }
}

function readKiosks(): KioskCam[] {
  if (!existsSync(join(GEN, 'video/manifest.json'))) throw new Error('no demo video: npm run build:video');
  if (!existsSync(join(STATIC, 'index.html'))) throw new Error(`no built renderer in ${STATIC}: npm run build:renderer`);
  const kiosks = JSON.parse(readFileSync(join(GEN, 'demo/kiosks.json'), 'utf8')) as Kiosk[];
  // one tile per camera: a camera already open would not open a second tile
  const distinct = kiosks.filter((k, i): k is KioskCam => !!k.cameraId && kiosks.findIndex((x) => x.cameraId === k.cameraId) === i);
  if (distinct.length === 0) throw new Error('no kiosk with a camera in assets/generated/demo/kiosks.json: npm run build:data');
  return distinct;
}

/** Mosquitto on a free loopback port, or null for the host's embedded broker (and why). */
async function startBroker(o: SoakOptions, closers: Closers): Promise<{ url: string | null; note: string }> {
  if (o.broker === 'embedded') return { url: null, note: "the host's embedded broker (Aedes), as asked" };
  if (!MOSQUITTO) {
    if (o.broker === 'mosquitto') throw new Error('--broker mosquitto, but Mosquitto is not installed (apt-get install mosquitto)');
    return { url: null, note: "the host's embedded broker (Aedes): Mosquitto is not installed (apt-get install mosquitto)" };
  }
  const m = await startMosquitto({ ownProcessGroup: true });
  closers.add('Mosquitto', async () => {
    await m.stop();
    rmSync(m.dir, { recursive: true, force: true });
  });
  return { url: m.url, note: `Mosquitto on ${m.url}` };
}

/** The services in their own process, as the soak sees them. */
interface ServicesProcess {
  url: string;
  brokerUrl: string;
  brokerLogin: { username?: string; password?: string };
  pid: number;
  /** its figures and the situation's counters, asked over IPC */
  figures(): Promise<Extract<FromServices, { type: 'figures' }>>;
  /** why it exited, once it has (null while it runs) */
  died(): string | null;
}

/** Forks scripts/soak-services.ts (node with --expose-gc and tsx, as npm run soak) and waits until it listens. */
async function startServices(brokerUrl: string | null, closers: Closers): Promise<ServicesProcess> {
  const child: ChildProcess = fork(join(repo, 'scripts/soak-services.ts'), [brokerUrl ?? ''], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: repo });
  let died: string | null = null;
  let asked = 0;
  const pending = new Map<number, (m: Extract<FromServices, { type: 'figures' }>) => void>();
  child.on('message', (m: FromServices) => {
    if (m.type === 'figures') pending.get(m.id)?.(m);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    died = `the services' process exited (${signal ?? `code ${code}`})`;
    if (!closing) console.error(`  ${died}`);
  });
  let closing = false;
  closers.add("the services' process", async () => {
    closing = true;
    if (died) return;
    child.send({ type: 'close' } satisfies ToServices);
    await withTimeout(exited, CLOSE_TIMEOUT_MS, "the services' process to close").catch(() => child.kill('SIGKILL'));
  });
  const ready = await withTimeout(
    new Promise<Extract<FromServices, { type: 'ready' }>>((resolve, reject) => {
      child.on('message', (m: FromServices) => {
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'failed') reject(new Error(`the services did not start: ${m.error}`));
      });
      child.once('exit', () => reject(new Error(died ?? "the services' process exited")));
    }),
    60_000,
    'the services to start',
  );
  return {
    url: ready.url,
    brokerUrl: ready.brokerUrl,
    brokerLogin: ready.brokerLogin,
    pid: ready.pid,
    figures: () => {
      if (died) return Promise.reject(new Error(died));
      const id = ++asked;
      return withTimeout(
        new Promise<Extract<FromServices, { type: 'figures' }>>((resolve) => {
          pending.set(id, resolve);
          child.send({ type: 'figures', id } satisfies ToServices);
        }),
        PAGE_CALL_TIMEOUT_MS,
        "the services' figures",
      ).finally(() => pending.delete(id));
    },
    died: () => died,
  };
}

/**
 * The default wall with one tile per alarm, no HTTP cache (the demo loops its clips; a real camera's
 * segments are always new), and no stream budget: on SwiftShader the page would take itself for a
 * display without a GPU and reload every few hundred tiles, hiding the very growth a soak measures.
 */
async function openWall(browser: Browser, url: string, errors: PageErrors): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (e) => errors.add(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.add(`console: ${m.text()}`);
  });
  page.on('crash', () => {
    errors.crashed = true;
    errors.add('the page crashed');
  });
  // tsx keeps function names with a __name() helper that functions sent to the page then call (bench/render.ts does the same)
  await page.addInitScript('window.__name = (f) => f;');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Performance.enable');
  await page.goto(`${url}/?videoPerAlarm=1&streamBudget=0`);
  await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => !!(window as unknown as Hooked).__watchfloor?.video, null, { timeout: 10_000 });
  return { page, cdp };
}

/**
 * Chromium's switches for the asked compositing. On a machine without a GPU Chromium composites in
 * software (WebGL alone through SwiftShader), and there the processes of removed video frames stay
 * alive and keep growing, with or without a DevTools client (docs/operations.md, "Soak").
 */
function compositingArgs(c: SoakOptions['compositing']): string[] {
  return c === 'gpu' ? ['--use-angle=swiftshader'] : [];
}

async function setUp(o: SoakOptions, closers: Closers): Promise<Rig> {
  const kiosks = readKiosks();
  const broker = await startBroker(o, closers);
  const services = await startServices(broker.url, closers);
  const brokerUrl = services.brokerUrl;
  const client = await withTimeout(mqtt.connectAsync(brokerUrl, { reconnectPeriod: 500, ...services.brokerLogin }), 15_000, 'connecting to the broker');
  // forced: with the broker gone, a polite end waits for it forever
  closers.add('the probe client', () => client.endAsync(true));
  // Ctrl-C is ours to handle: Playwright's own handler would close the browser under a sample
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required', ...compositingArgs(o.compositing), TAG], { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  closers.add('Chromium', () => browser.close());
  const errors = new PageErrors();
  const { page, cdp } = await openWall(browser, services.url, errors);
  return { services, client, browser, page, cdp, brokerUrl, brokerNote: broker.note, kiosks, errors };
}

// ---- the load: simulator and tiles ----

interface Sim {
  report: Promise<SimReport>;
  stats: () => Readonly<PublisherStats> | null;
  stop: () => void;
}

function startSim(o: SoakOptions, rig: Rig): Sim {
  const abort = new AbortController();
  let stats: Readonly<PublisherStats> | null = null;
  const report = runSimulation({
    broker: rig.brokerUrl,
    ...rig.services.brokerLogin,
    rate: o.rate,
    units: o.units,
    // past the last sample: the run stops it
    durationS: o.durationS + 600,
    signal: abort.signal,
    log: (line) => console.log(`  simulator: ${line}`),
    onStats: (s) => (stats = s),
  });
  return { report, stats: () => stats, stop: () => abort.abort() };
}

interface Tiles {
  counts: { opened: number; closed: number; framed: number };
  stop: () => void;
}

/** Every tileEveryS an alarm at the next kiosk with a camera (one tile), closed tileHoldS later. */
function startTiles(o: SoakOptions, rig: Rig): Tiles {
  const counts = { opened: 0, closed: 0, framed: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let n = 0;
  let stopped = false;
  let warned = false;
  const publish = (payload: object) =>
    rig.client.publishAsync(`${PREFIX}/alarms/soak`, JSON.stringify(payload), { qos: 1 }).catch((e: Error) => {
      if (!warned) console.warn(`  tiles: publishing an alarm failed (${e.message}); later failures are not shown`);
      warned = true;
    });
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  const close = async (id: string, k: KioskCam) => {
    if (stopped) return;
    const framed = await withTimeout(
      rig.page.evaluate((cam) => (window as unknown as Hooked).__watchfloor.video?.stats(cam)?.firstFrameAt != null, k.cameraId),
      10_000,
      'tile stats',
    ).catch(() => false);
    if (framed) counts.framed++;
    await publish({ id, ts: Date.now(), kind: 'fight', priority: 2, lat: k.lat, lon: k.lon, title: `soak ${k.name}`, kioskId: k.id, status: 'closed' });
    counts.closed++;
  };
  const open = () => {
    if (stopped) return;
    const k = rig.kiosks[n % rig.kiosks.length];
    const id = `soak-${n++}`;
    void publish({ id, ts: Date.now(), kind: 'fight', priority: 2, lat: k.lat, lon: k.lon, title: `soak ${k.name}`, kioskId: k.id, status: 'open' });
    counts.opened++;
    later(o.tileHoldS * 1000, () => void close(id, k));
    later(o.tileEveryS * 1000, open);
  };
  // half a period off the sample clock: a sample rarely lands on a tile opening or closing
  later((o.tileEveryS * 1000) / 2, open);
  return {
    counts,
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

// ---- one sample ----

/** this process's own figures (the driver) */
const driverFigures = processFigures();

/**
 * One probe: the page looks at its model every 5 ms, then the position is published. A timer, not
 * requestAnimationFrame: on a slow software-rendered map a frame can take longer than the delta
 * itself, and the frame rate is not what this measures.
 */
async function probeOnce(rig: Rig, step: number): Promise<number | null> {
  const lat = PROBE_AT.lat + (step % 100) * PROBE_STEP_DEG;
  const lon = PROBE_AT.lon + (step % 100) * PROBE_STEP_DEG;
  const install = rig.page.evaluate(
    ({ id, lat, lon, timeoutMs }) => {
      const w = window as unknown as ProbeWindow;
      const probe = { seenAt: null as number | null, done: false };
      w.__soakProbe = probe;
      const until = Date.now() + timeoutMs;
      const look = () => {
        if (probe.done) return;
        const u = w.__watchfloor.store().units.get(id);
        // the wire may round a coordinate; a step is a metre, this is 5 cm
        if (u && Math.abs(u.lat - lat) < 5e-7 && Math.abs(u.lon - lon) < 5e-7) probe.seenAt = Date.now();
        if (probe.seenAt !== null || Date.now() > until) probe.done = true;
        else setTimeout(look, 5);
      };
      look();
    },
    { id: PROBE_ID, lat, lon, timeoutMs: PROBE_TIMEOUT_MS },
  );
  await withTimeout(install, PAGE_CALL_TIMEOUT_MS, 'setting up a probe');
  const sentAt = Date.now();
  await withTimeout(rig.client.publishAsync(`${PREFIX}/units/${PROBE_ID}/location`, JSON.stringify({ id: PROBE_ID, ts: sentAt, lat, lon, kind: 'patrol' }), { qos: 0 }), 5_000, 'publishing a probe');
  const seenAt = await rig.page
    .waitForFunction(() => (window as unknown as ProbeWindow).__soakProbe?.seenAt ?? null, null, { timeout: PROBE_TIMEOUT_MS, polling: 100 })
    .then((h) => h.jsonValue() as Promise<number>)
    .catch(() => null);
  return seenAt === null ? null : Math.max(0, seenAt - sentAt);
}

let probeStep = 0;

async function deltaLatency(rig: Rig): Promise<Sample['delta']> {
  const probesMs: (number | null)[] = [];
  for (let i = 0; i < PROBES_PER_SAMPLE; i++) {
    if (i > 0) await sleep(PROBE_GAP_MS);
    const ms = await probeOnce(rig, probeStep++);
    probesMs.push(ms);
    // a lost probe: the page is far behind, and more probes would only stretch the sample
    if (ms === null) break;
  }
  const seen = probesMs.filter((x): x is number => x !== null);
  return { medianMs: median(seen), maxMs: seen.length ? Math.max(...seen) : null, lost: probesMs.length - seen.length, probesMs };
}

async function chromiumFigures(rig: Rig): Promise<Sample['chromium']> {
  const heap = await withTimeout(pageHeapAfterGc(rig.page, rig.cdp), 2 * PAGE_CALL_TIMEOUT_MS, 'the page heap');
  // the wall's own count, not every frame's <video>: a frame still loading (the warm pool) can keep
  // an evaluate in it waiting for a long time
  const players = rig.page.evaluate(() => {
    const v = (window as unknown as Hooked).__watchfloor.video;
    const tiles = v?.tiles() ?? [];
    // how the open tiles' players are doing: a wall that cannot keep up shows here before anywhere else
    const byState: Record<string, number> = {};
    const errors = new Map<string, number>();
    let rebuilds = 0;
    for (const t of tiles) {
      const st = t.stats;
      byState[st?.state ?? 'none'] = (byState[st?.state ?? 'none'] ?? 0) + 1;
      rebuilds += st?.rebuilds ?? 0;
      if (st?.lastError) errors.set(st.lastError, (errors.get(st.lastError) ?? 0) + 1);
    }
    // the frames the page holds, by origin (src), to set beside the frames Chromium reports
    const held: Record<string, number> = {};
    for (const f of document.querySelectorAll('iframe')) {
      const o = f.src ? new URL(f.src, location.href).origin : 'none';
      held[o] = (held[o] ?? 0) + 1;
    }
    return { tiles: tiles.length, videos: v?.videoElements() ?? document.querySelectorAll('video').length, byState, rebuilds, lastErrors: Object.fromEntries([...errors].slice(0, 5)), pool: v?.framePool() ?? null, held };
  });
  const { tiles: tilesOpen, videos, byState, rebuilds, lastErrors, pool, held } = await withTimeout(players, PAGE_CALL_TIMEOUT_MS, 'counting tiles');
  // frames Chromium still has under the page beyond those whose elements the page holds: frames it
  // kept after the wall removed them (docs/video.md); they answer, the page cannot reach them
  const alive: Record<string, number> = {};
  for (const f of rig.page.frames()) {
    if (f === rig.page.mainFrame() || !f.url().includes('/video-frame.html')) continue;
    const o = new URL(f.url()).origin;
    alive[o] = (alive[o] ?? 0) + 1;
  }
  const unheldFrames = Object.entries(alive).reduce((n, [o, count]) => n + Math.max(0, count - (held[o] ?? 0)), 0);
  const frames = await withTimeout(framesProcessFigures(rig), PAGE_CALL_TIMEOUT_MS, "the frames' process").catch(() => null);
  const pss = chromiumPssKb(TAG);
  return {
    pssMB: pss ? kbToMb(pss.totalKb) : null,
    rendererPssMB: pss ? kbToMb(pss.byType.renderer ?? 0) : null,
    mediaRendererPssMB: pss ? kbToMb(pss.byType['renderer:media'] ?? 0) : null,
    gpuPssMB: pss ? kbToMb(pss.byType['gpu-process'] ?? 0) : null,
    processes: pss?.processes ?? null,
    pageHeapMB: mb(heap.jsHeapUsedBytes),
    domNodes: heap.nodes,
    listeners: heap.jsEventListeners,
    documents: heap.documents,
    videos,
    tilesOpen,
    tileStates: byState,
    tileRebuilds: rebuilds,
    tileErrors: lastErrors,
    framePool: pool,
    unheldFrames,
    videoRenderers: pss ? pss.mediaRenderers.map((r) => ({ pid: r.pid, mb: Math.round(r.kb / 1024) })) : null,
    framesProcess: frames,
  };
}

/**
 * The frames' process as its own renderer counts it, through a CDP session on one of its frames:
 * its JS heap after a collection (one isolate for all its frames) and its live documents, nodes and
 * listeners. Documents that stay after their tiles closed would be frames kept alive; a flat count
 * with a growing process is memory outside JS (the media stack). Null without a frame to ask.
 */
async function framesProcessFigures(rig: Rig): Promise<{ jsHeapMB: number; documents: number; nodes: number; listeners: number } | null> {
  const frame = rig.page.frames().find((f) => f !== rig.page.mainFrame() && f.url().includes('/video-frame.html'));
  if (!frame) return null;
  const cdp = await rig.page.context().newCDPSession(frame);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    return { jsHeapMB: mb(heap.usedSize), documents: dom.documents, nodes: dom.nodes, listeners: dom.jsEventListeners };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function health(rig: Rig): Promise<Health | null> {
  try {
    const res = await fetch(`${rig.services.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? ((await res.json()) as Health) : null;
  } catch {
    return null;
  }
}

function ingestFigures(counts: Extract<FromServices, { type: 'figures' }>['ingest'], h: Health | null): Sample['ingest'] {
  // the message counters are the situation's (the health JSON has the broker link and the feed's pulse, not counts)
  return {
    ...counts,
    brokerConnected: h?.broker.connected ?? null,
    reconnects: h?.broker.reconnects ?? null,
    feedState: h?.feed.state ?? null,
    stalls: h?.feed.stalls ?? null,
  };
}

function simFigures(sim: Sim): Sample['sim'] {
  const s = sim.stats();
  if (!s) return null;
  return { sent: Object.values(s.sent).reduce((a, b) => a + b, 0), backlog: s.backlog, dropped: s.dropped, errors: s.errors };
}

async function takeSample(rig: Rig, sim: Sim, tiles: Tiles, startedAt: number): Promise<Sample> {
  const t0 = Date.now();
  // this process and the counters first, before the probes and the page's GC add their own work
  // to it: a sample's figures then belong to one moment, not to the end of a slow sample
  const driver = driverFigures();
  const asked = await rig.services.figures();
  const simNow = simFigures(sim);
  const tilesNow = { ...tiles.counts };
  const ingest = ingestFigures(asked.ingest, await health(rig));
  const t1 = Date.now();
  const delta = await deltaLatency(rig);
  const t2 = Date.now();
  const chromium = await chromiumFigures(rig);
  return {
    type: 'sample',
    at: new Date(t0).toISOString(),
    elapsedS: Math.round((t0 - startedAt) / 100) / 10,
    tookMs: { total: Date.now() - t0, probes: t2 - t1, page: Date.now() - t2 },
    services: asked.services,
    driver,
    chromium,
    delta,
    ingest,
    sim: simNow,
    tiles: tilesNow,
    pageErrors: rig.errors.total,
  };
}

function sampleLine(s: Sample): string {
  const c = s.chromium;
  const sv = s.services;
  const d = s.delta;
  return (
    `${(s.elapsedS / 60).toFixed(1).padStart(6)} min | services rss ${sv.rssMB} MB heap ${sv.heapUsedMB} MB fds ${sv.fds} handles ${sv.handles} loop p99 ${sv.loopDelayP99Ms} ms` +
    ` | driver rss ${s.driver.rssMB} MB heap ${s.driver.heapUsedMB} MB` +
    ` | Chromium ${c.pssMB ?? '?'} MB (renderers ${c.rendererPssMB ?? '?'}, of which video ${c.mediaRendererPssMB ?? '?'}, GPU ${c.gpuPssMB ?? '?'}) page heap ${c.pageHeapMB} MB nodes ${c.domNodes} listeners ${c.listeners} videos ${c.videos}` +
    (c.videoRenderers?.length ? ` [${c.videoRenderers.map((r) => `${r.pid}: ${r.mb}`).join(', ')}]` : '') +
    (c.framePool ? ` | pool ${c.framePool.warm} warm, ${c.framePool.flushed} flushed (${c.framePool.flushesRefused ?? 0} refused), ${c.framePool.rotations ?? 0} rotations, ${c.framePool.strays ?? 0} strays, ${c.unheldFrames} unheld frames` : '') +
    (c.framesProcess ? ` | frames' process heap ${c.framesProcess.jsHeapMB} MB, ${c.framesProcess.documents} documents, ${c.framesProcess.nodes} nodes` : '') +
    ` | delta ${d.medianMs ?? '-'}/${d.maxMs ?? '-'} ms${d.lost ? ` (${d.lost} lost)` : ''}` +
    ` | tiles ${c.tilesOpen} open (${Object.entries(c.tileStates).map(([k, n]) => `${n} ${k}`).join(', ') || '-'}; ${c.tileRebuilds} rebuilds), ${s.tiles.opened} opened/${s.tiles.closed} closed/${s.tiles.framed} framed` +
    ` | ingest ${s.ingest.messagesPerSecond}/s${s.sim ? `, sim sent ${s.sim.sent.toLocaleString('en')}` : ''}${s.pageErrors ? ` | ${s.pageErrors} page errors` : ''} | took ${r1(s.tookMs.total / 1000)} s`
  );
}

// ---- the summary ----

interface FigureSummary {
  warmup: number | null;
  end: number | null;
  ratio: number | null;
  /** least-squares slope over the samples from the end of warm-up on, as % of the warm-up value per hour */
  slopePctPerHour: number | null;
}

interface Summary {
  warmupSampleS: number | null;
  figures: Record<string, FigureSummary>;
  grew: string[];
  /** null: no sample after warm-up to judge by */
  flat: boolean | null;
  verdict: string;
}

/**
 * Samples on each side taken together (their median): handles, descriptors and DOM nodes rise and
 * fall with the tiles open at that moment, and one sample against one would call that growth.
 */
const ENDS = 3;

function medianOf(f: Figure, samples: Sample[]): number | null {
  return median(samples.map((s) => f.get(s)).filter((x): x is number => x !== null));
}

function figureSummary(f: Figure, after: Sample[]): FigureSummary {
  const side = Math.max(1, Math.min(ENDS, Math.floor(after.length / 2)));
  const w = medianOf(f, after.slice(0, side));
  const e = medianOf(f, after.slice(-side));
  const points = after.map((s): [number, number | null] => [s.elapsedS / 3600, f.get(s)]).filter((p): p is [number, number] => p[1] !== null);
  const k = slope(points);
  return {
    warmup: w,
    end: e,
    ratio: w === null || e === null || w === 0 ? null : Math.round((e / w) * 1000) / 1000,
    slopePctPerHour: k === null || w === null || w === 0 ? null : r1((k / w) * 100),
  };
}

/** Each figure at the end of warm-up (the first ENDS samples from it) and at the end (the last ENDS); flat when every judged ratio is ≤ FLAT_RATIO. */
function summarize(samples: Sample[], warmupS: number): Summary {
  const warm = samples.find((s) => s.elapsedS >= warmupS);
  const end = samples[samples.length - 1];
  if (!warm || !end || warm === end) {
    return { warmupSampleS: warm?.elapsedS ?? null, figures: {}, grew: [], flat: null, verdict: 'no verdict: the run ended before a sample after warm-up' };
  }
  const after = samples.filter((s) => s.elapsedS >= warm.elapsedS);
  const figures = Object.fromEntries(FIGURES.map((f) => [f.key, figureSummary(f, after)]));
  const grew = FIGURES.filter((f) => f.judged && (figures[f.key].ratio ?? 0) > FLAT_RATIO).map((f) => `${f.label} ×${figures[f.key].ratio}`);
  return {
    warmupSampleS: warm.elapsedS,
    figures,
    grew,
    flat: grew.length === 0,
    verdict: grew.length === 0 ? `flat after warm-up (every memory and handle figure's end/warm-up ≤ ${FLAT_RATIO})` : `GREW after warm-up (end/warm-up > ${FLAT_RATIO}): ${grew.join(', ')}`,
  };
}

function printSummary(sum: Summary, samples: Sample[], errors: PageErrors, sim: SimReport | null, stoppedBy: string): void {
  const end = samples[samples.length - 1];
  console.log(`\nsummary: ${samples.length} samples over ${end ? (end.elapsedS / 60).toFixed(1) : 0} min (${stoppedBy}); warm-up ends at the sample at ${sum.warmupSampleS === null ? '-' : (sum.warmupSampleS / 60).toFixed(1)} min`);
  if (Object.keys(sum.figures).length) {
    console.log(`  ${'figure'.padEnd(26)} ${'warm-up'.padStart(9)} ${'end'.padStart(9)} ${'end/warm'.padStart(9)} ${'slope after warm-up'.padStart(20)}`);
    for (const f of FIGURES) {
      const s = sum.figures[f.key];
      const slopeText = s.slopePctPerHour === null ? '-' : `${s.slopePctPerHour > 0 ? '+' : ''}${s.slopePctPerHour} %/h`;
      console.log(`  ${(f.label + (f.judged ? '' : ' ·')).padEnd(26)} ${String(s.warmup ?? '-').padStart(9)} ${String(s.end ?? '-').padStart(9)} ${(s.ratio === null ? '-' : `×${s.ratio}`).padStart(9)} ${slopeText.padStart(20)}`);
    }
    console.log('  (· not judged: it follows the load, not a leak)');
  }
  console.log(`verdict: ${sum.verdict}`);
  if (end) console.log(`tiles: ${end.tiles.opened} opened, ${end.tiles.closed} closed, ${end.tiles.framed} of the closed showed a first frame`);
  const distinct = [...errors.byMessage].sort((a, b) => b[1] - a[1]);
  console.log(errors.total === 0 ? 'page errors: none' : `page errors: ${errors.total} (${distinct.length} distinct): ${distinct.slice(0, 5).map(([m, n]) => `${m} ×${n}`).join(' | ')}`);
  console.log(sim ? `simulator:\n${formatReport(sim)}` : 'simulator: no report');
}

// ---- the run ----

/** Ctrl-C (or SIGTERM) ends the run early, with its summary; a second one a moment later quits at once. */
function stopOnSignals(stop: AbortController): void {
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      firstAt = Date.now();
      console.log(`\n${sig}: ending the run early; the summary follows (${sig} again to quit without it)`);
      stop.abort(sig);
      return;
    }
    // one Ctrl-C reaches us twice (from the terminal and relayed by npm / tsx)
    if (Date.now() - firstAt < 1000) return;
    console.error('quitting without cleaning up');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function outFile(o: SoakOptions): string {
  return o.out ? resolve(o.out) : join(tmpdir(), `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
}

/** Resolves with `p`, or with null as soon as the run is stopped (Ctrl-C must not wait for a slow sample). */
function unlessStopped<T>(p: Promise<T>, stop: AbortSignal): Promise<T | null> {
  if (stop.aborted) return Promise.resolve(null);
  return new Promise((done, fail) => {
    const onStop = () => done(null);
    stop.addEventListener('abort', onStop, { once: true });
    p.then(done, fail).finally(() => stop.removeEventListener('abort', onStop));
  });
}

/** Samples on the --sample-s clock until the end, Ctrl-C or the page's death; each printed and appended to `out`. */
async function sampleLoop(o: SoakOptions, rig: Rig, sim: Sim, tiles: Tiles, out: string, stop: AbortSignal): Promise<{ samples: Sample[]; stoppedBy: string }> {
  const samples: Sample[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + o.durationS * 1000;
  const periodMs = o.sampleS * 1000;
  for (let k = 0; startedAt + k * periodMs <= endAt + 1; ) {
    await sleepUntil(startedAt + k * periodMs, stop);
    if (stop.aborted) return { samples, stoppedBy: `stopped by ${String(stop.reason)}` };
    if (rig.errors.crashed || !rig.browser.isConnected()) return { samples, stoppedBy: 'the page or the browser died' };
    if (rig.services.died()) return { samples, stoppedBy: rig.services.died()! };
    try {
      const s = await unlessStopped(withTimeout(takeSample(rig, sim, tiles, startedAt), SAMPLE_TIMEOUT_MS, 'a sample'), stop);
      if (s === null) continue;
      samples.push(s);
      console.log(sampleLine(s));
      appendFileSync(out, `${JSON.stringify(s)}\n`);
    } catch (e) {
      console.warn(`  sample ${k} skipped: ${(e as Error).message}`);
    }
    // a sample that overran its slot: on to the next slot still ahead (never past the end), so the run keeps its length
    const next = Math.max(k + 1, Math.ceil((Date.now() - startedAt) / periodMs));
    if (next > k + 1) console.warn(`  the sample outlasted --sample-s ${o.sampleS}: ${next - k - 1} slot(s) skipped`);
    k = next;
  }
  return { samples, stoppedBy: 'ran its full time' };
}

async function run(o: SoakOptions, out: string, closers: Closers, stop: AbortSignal): Promise<number> {
  const rig = await setUp(o, closers);
  const sim = startSim(o, rig);
  closers.add('the simulator', () => {
    sim.stop();
    return sim.report;
  });
  const tiles = startTiles(o, rig);
  closers.add('the tiles', () => tiles.stop());
  const start = {
    type: 'start',
    at: new Date().toISOString(),
    options: o,
    broker: rig.brokerNote,
    compositing: o.compositing,
    chromium: rig.browser.version(),
    cpus: cpus().length,
    node: process.version,
  };
  appendFileSync(out, `${JSON.stringify(start)}\n`);
  console.log(
    `soak: ${o.durationS / 3600} h (${Math.round(o.durationS)} s) through ${rig.brokerNote}; ${o.compositing} compositing; simulator ${o.rate} location msg/s from ${o.units} volunteers + 100 patrols; ` +
      `an alarm with a tile every ${o.tileEveryS} s, closed after ${o.tileHoldS} s; a sample every ${o.sampleS} s; warm-up ${r1(o.warmupS / 60)} min${o.warmupCapped ? ' (cut to a fifth of the run)' : ''}; ` +
      `Chromium ${rig.browser.version()}, ${cpus().length} CPU(s); samples to ${out}`,
  );
  const { samples, stoppedBy } = await sampleLoop(o, rig, sim, tiles, out, stop);
  tiles.stop();
  sim.stop();
  const report = await withTimeout(sim.report, CLOSE_TIMEOUT_MS, 'the simulator').catch(() => null);
  const sum = summarize(samples, o.warmupS);
  printSummary(sum, samples, rig.errors, report, stoppedBy);
  appendFileSync(
    out,
    `${JSON.stringify({ type: 'summary', at: new Date().toISOString(), stoppedBy, samples: samples.length, ...sum, pageErrors: { total: rig.errors.total, distinct: Object.fromEntries(rig.errors.byMessage) }, simulator: report })}\n`,
  );
  console.log(`samples and summary: ${out}`);
  return rig.errors.crashed || rig.services.died() ? 1 : 0;
}

async function main(): Promise<number> {
  const args = parseSoakArgs(process.argv.slice(2));
  if (!args.ok) {
    console.error(args.error);
    return 2;
  }
  if (args.value.help) {
    console.log(SOAK_USAGE);
    return 0;
  }
  const o = args.value;
  const out = outFile(o);
  try {
    // a bad --out fails now, not after the rig is up
    writeFileSync(out, '');
  } catch (e) {
    console.error(`--out ${out}: ${(e as Error).message}`);
    return 2;
  }
  const stop = new AbortController();
  stopOnSignals(stop);
  const closers = new Closers();
  let code: number;
  try {
    code = await run(o, out, closers, stop.signal);
  } catch (e) {
    console.error(`soak: could not run: ${(e as Error).stack ?? e}`);
    code = 1;
  }
  await closers.closeAll();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

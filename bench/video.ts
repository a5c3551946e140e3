// npm run bench:video
//
// Video tiles on the wall, beside bare hls.js, in the same run and the same Chromium:
//  • first frame: wall = MQTT publish of an alarm → first decoded frame of its tile
//    (requestVideoFrameCallback); bare = hls.loadSource() → first decoded frame, default config;
//  • live latency: wall clock − programme date-time of the displayed frame (hls.playingDate),
//    after ~6 s of play;
//  for 1, 4, 9 and 16 simultaneous alarms (one tile each: ?videoPerAlarm=1); the same on the wall
//  with the cameras' LL-HLS streams (/video/ll/: 0.4 s parts, blocking reloads) in the same run;
//  and a soak of 1,000
//  tile open/close cycles driven in the page (window.__watchfloor.video.soak), with JS heap (after
//  forced GC) and Chromium's memory (PSS of its whole process tree) before and after, and once
//  more after reloading the page (what the page held on to, given back when it goes).
//
// Env: BENCH_REPEAT=N (each tile count's rounds N times, samples pooled)  BENCH_DISPLAY=video (the video-grid display)
//      BENCH_TRACE=prefix / BENCH_PROFILE=prefix (a Chromium trace / the wall page's CPU profile of the largest round)
//      BENCH_TILES=1,4,9,16  BENCH_SOAK_CYCLES=1000  BENCH_SOAK_BATCH=8  BENCH_PLAY_S=6  BENCH_LL=0 (no LL-HLS rounds)
//      BENCH_VIDEO_FRAME=off|auto (players in the page, or a frame of their own each; unset: the wall's default)
//      BENCH_FRAME_POOL=N (warm frames kept for the next tiles; unset: the wall's default)
//      WATCHFLOOR_RENDERER_DIR=dist/renderer  CHROMIUM_PATH=/usr/bin/chromium
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { type Browser, type CDPSession, type Page } from 'playwright-core';
import { parseConfig } from '../core/config.js';
import type { Camera, Kiosk } from '../core/domain.js';
import { startHost, type Host } from '../main/services/host.js';
import { startWebShell, type WebShell } from '../main/web/server.js';
import type { SoakResult, VideoDebug } from '../renderer/src/video/debug';
import { launchChromium } from '../test/helpers/chromium.js';
import { startBareHlsPage } from '../test/helpers/bare-hls.js';
import type { LiveHlsServer } from '../main/demo/live-hls.js';
import { demoWebRoutes } from '../main/demo/routes.js';
import { chromiumPssKb, pageHeapAfterGc } from './lib/chromium-memory.js';
import { bridgeMessageHook } from './lib/page-instrument.js';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const GEN = join(repo, 'assets/generated');
const STATIC = resolve(repo, process.env.WATCHFLOOR_RENDERER_DIR ?? 'dist/renderer');
const TILES = (process.env.BENCH_TILES ?? '1,4,9,16').split(',').map(Number).filter((n) => n > 0 && n <= 16);
const SOAK_CYCLES = Number(process.env.BENCH_SOAK_CYCLES ?? 1000);
const SOAK_BATCH = Number(process.env.BENCH_SOAK_BATCH ?? 8);
const PLAY_MS = Number(process.env.BENCH_PLAY_S ?? 6) * 1000;
const LL_WANTED = process.env.BENCH_LL !== '0';
/** where the wall's players run: BENCH_VIDEO_FRAME=auto (a frame of their own each) or off (the page); unset: the wall's default */
const FRAME_MODE = process.env.BENCH_VIDEO_FRAME === 'auto' || process.env.BENCH_VIDEO_FRAME === 'off' ? process.env.BENCH_VIDEO_FRAME : null;
/** warm frames (?videoFramePool=): BENCH_FRAME_POOL=N; unset: the wall's default */
const FRAME_POOL = /^\d{1,2}$/.test(process.env.BENCH_FRAME_POOL ?? '') ? Number(process.env.BENCH_FRAME_POOL) : null;
/** the wall page's display roles (?display=): BENCH_DISPLAY=video is the video-grid display; unset: the default map wall */
const DISPLAY = /^[a-z+]{1,40}$/.test(process.env.BENCH_DISPLAY ?? '') ? process.env.BENCH_DISPLAY! : null;
/** an LL twin of each camera: same place, same stream server, its /video/ll/ playlist */
const LL_SUFFIX = '-ll';
const PREFIX = 'watchfloor/v1';
const TAG = `--watchfloor-bench=${randomUUID()}`;

type Hooked = Window & { __watchfloor: { video: VideoDebug } };

const BARE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>bare hls.js</title>
<style>body{margin:0;background:#111;display:flex;flex-wrap:wrap}video{width:320px;height:180px;background:#000}</style>
</head><body>
<script src="/hls.min.js"></script>
<script>
window.players = [];
window.run = function (srcs, timeoutMs) {
  return new Promise(function (resolve) {
    var left = srcs.length;
    var timer = setTimeout(function () { resolve(false); }, timeoutMs);
    srcs.forEach(function (src) {
      var video = document.createElement('video');
      video.muted = true; video.playsInline = true; video.autoplay = true;
      document.body.appendChild(video);
      var p = { video: video, hls: new Hls(), firstFrameMs: null, t0: 0 };
      window.players.push(p);
      p.hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
      video.requestVideoFrameCallback(function () {
        p.firstFrameMs = performance.now() - p.t0;
        if (--left === 0) { clearTimeout(timer); resolve(true); }
      });
      p.hls.attachMedia(video);
      p.t0 = performance.now();
      p.hls.loadSource(src);
    });
  });
};
window.measure = function () {
  return window.players.map(function (p) {
    var d = p.hls.playingDate;
    return { firstFrameMs: p.firstFrameMs, latencySec: d ? (Date.now() - d.getTime()) / 1000 : null, currentTime: p.video.currentTime };
  });
};
window.soak = async function (cycles, batch, cams) {
  var framed = 0;
  for (var done = 0, k = 0; done < cycles; k++) {
    var n = Math.min(batch, cycles - done);
    var ps = [];
    for (var i = 0; i < n; i++) {
      (function (src) {
        var v = document.createElement('video'); v.muted = true; v.autoplay = true; document.body.appendChild(v);
        var p = { v: v, h: new Hls(), f: false };
        ps.push(p);
        v.requestVideoFrameCallback(function () { p.f = true; });
        p.h.on(Hls.Events.MANIFEST_PARSED, function () { v.play().catch(function () {}); });
        p.h.attachMedia(v);
        p.h.loadSource(src);
      })(cams[(k * batch + i) % cams.length]);
    }
    var t0 = performance.now();
    while (!ps.every(function (p) { return p.f; }) && performance.now() - t0 < 8000) await new Promise(function (r) { setTimeout(r, 25); });
    ps.forEach(function (p) { if (p.f) framed++; p.h.destroy(); p.v.pause(); p.v.removeAttribute('src'); p.v.load(); p.v.remove(); });
    done += n;
  }
  return framed;
};
window.stop = function () {
  window.players.forEach(function (p) { p.hls.destroy(); p.video.removeAttribute('src'); p.video.load(); p.video.remove(); });
  window.players = [];
};
</script></body></html>`;

// ---- statistics ----

function quantile(xs: number[], q: number): number | null {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const i = (v.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return v[lo] + (v[hi] - v[lo]) * (i - lo);
}
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

interface Figures {
  n: number;
  firstFrameMs: { median: number | null; p95: number | null; max: number | null };
  latencySec: { median: number | null; p95: number | null };
  missing: number;
  samples: { firstFrameMs: number[]; latencySec: number[] };
}

function figures(n: number, ff: (number | null)[], lat: (number | null)[]): Figures {
  const f = ff.filter((x): x is number => x !== null);
  const l = lat.filter((x): x is number => x !== null);
  return {
    n,
    firstFrameMs: { median: r1(quantile(f, 0.5)), p95: r1(quantile(f, 0.95)), max: r1(quantile(f, 1)) },
    latencySec: { median: r2(quantile(l, 0.5)), p95: r2(quantile(l, 0.95)) },
    missing: ff.length - f.length,
    samples: { firstFrameMs: f.map((x) => Math.round(x)), latencySec: l.map((x) => Math.round(x * 100) / 100) },
  };
}

// ---- memory ----

interface Memory {
  jsHeapUsedMB: number;
  nodes: number;
  jsEventListeners: number;
  documents: number;
  videoElements: number;
  chromiumPssMB: number | null;
  rendererPssMB: number | null;
  gpuPssMB: number | null;
  /** the rest: the browser process, the network service and other utilities, the zygotes */
  otherPssMB: number | null;
  /** of the rest: the browser process, and the utility processes (network service, storage, audio) */
  browserPssMB: number | null;
  utilityPssMB: number | null;
  /** every utility process by its service (network: sockets and an off-the-record context's HTTP cache; storage; …) */
  utilitiesMB: Record<string, number>;
}

async function memory(page: Page, cdp: CDPSession): Promise<Memory> {
  // the wall measured as it sits between alarms: its warm frames all loaded (the pool refills
  // only after a quiet spell, which a soak never leaves it)
  await page
    .waitForFunction(() => { const p = (window as unknown as Partial<Hooked>).__watchfloor?.video?.framePool(); return !p || p.warm >= p.size; }, null, { timeout: 30_000, polling: 100 })
    .catch(() => console.warn('  the frame pool did not fill within 30 s'));
  const dom = await pageHeapAfterGc(page, cdp);
  const pss = chromiumPssKb(TAG);
  return {
    jsHeapUsedMB: Math.round((dom.jsHeapUsedBytes / 2 ** 20) * 100) / 100,
    nodes: dom.nodes,
    jsEventListeners: dom.jsEventListeners,
    documents: dom.documents,
    videoElements: await page.evaluate(() => document.querySelectorAll('video').length),
    chromiumPssMB: pss ? Math.round(pss.totalKb / 102.4) / 10 : null,
    rendererPssMB: pss ? Math.round((pss.byType.renderer ?? 0) / 102.4) / 10 : null,
    gpuPssMB: pss ? Math.round((pss.byType['gpu-process'] ?? 0) / 102.4) / 10 : null,
    otherPssMB: pss ? Math.round((pss.totalKb - (pss.byType.renderer ?? 0) - (pss.byType['gpu-process'] ?? 0)) / 102.4) / 10 : null,
    browserPssMB: pss ? Math.round((pss.byType.browser ?? 0) / 102.4) / 10 : null,
    utilityPssMB: pss ? Math.round((pss.byType.utility ?? 0) / 102.4) / 10 : null,
    utilitiesMB: pss ? Object.fromEntries(Object.entries(pss.byType).filter(([k]) => k.startsWith('utility:')).map(([k, kb]) => [k.slice(8), Math.round(kb / 102.4) / 10])) : {},
  };
}

// ---- main ----

type KioskCam = Kiosk & { cameraId: string };

/** What the benchmark runs against: the wall page and the bare page in one browser, the broker client, the stream server. */
interface Bench {
  wall: Page;
  barePage: Page;
  bareUrl: string;
  browser: Browser;
  client: MqttClient;
  stream: LiveHlsServer;
  cameras: Camera[];
  /** kiosks with distinct cameras */
  distinct: KioskCam[];
  ll: boolean;
  errors: string[];
}

/** The generated inputs: kiosks, cameras (plus an LL twin of each when the video build has LL clips), the host's config. */
function benchInputs() {
  if (!existsSync(join(GEN, 'video/manifest.json'))) throw new Error('no demo video: npm run build:video');
  if (!existsSync(join(STATIC, 'index.html'))) throw new Error(`no built renderer in ${STATIC}: npm run build:renderer`);
  const kiosks: KioskCam[] = JSON.parse(readFileSync(join(GEN, 'demo/kiosks.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(GEN, 'video/manifest.json'), 'utf8')) as { ll?: { params?: { partMs?: number } } };
  const partMs = manifest.ll?.params?.partMs;
  const LL = LL_WANTED && partMs !== undefined;
  if (LL_WANTED && !LL) console.warn('no LL-HLS clips in the video build (npm run build:video): LL rounds skipped');
  // the registry plus an LL twin of every camera; an alarm naming the twin (no kiosk) opens it
  const cameras: Camera[] = JSON.parse(readFileSync(join(GEN, 'demo/cameras.json'), 'utf8'));
  const tmp = mkdtempSync(join(tmpdir(), 'wf-bench-video-'));
  const registry = LL ? [...cameras, ...cameras.map((c) => ({ ...c, id: `${c.id}${LL_SUFFIX}`, name: `${c.name} LL`, hls: `/video/ll/${c.id}.m3u8` }))] : cameras;
  writeFileSync(join(tmp, 'cameras.json'), JSON.stringify(registry));
  const parsed = parseConfig({
    demo: false,
    embeddedBroker: { port: 0 },
    web: { port: 0 },
    situation: { deltaIntervalMs: 50 },
    reference: { grids: join(GEN, 'geo/fuzhou-grids.geojson'), kiosks: join(GEN, 'demo/kiosks.json'), cameras: join(tmp, 'cameras.json') },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return { kiosks, cameras, partMs, LL, tmp, config: parsed.value };
}

/**
 * Installed in the wall page before it loads: `window.__benchArrivals[id]` = [handler start, end]
 * of the first bridge message naming each id in `window.__benchWatch` (set before a round's
 * publishes). A string, not a function: tsx would name functions inside with a helper the page lacks.
 */
const ARRIVALS = `(() => {
  window.__benchWatch = [];
  window.__benchArrivals = {};
  ${bridgeMessageHook(`(ev, start, end) => {
    if (!window.__benchWatch.length || typeof ev.data !== 'string') return;
    for (const id of window.__benchWatch) if (!window.__benchArrivals[id] && ev.data.includes('"' + id + '"')) window.__benchArrivals[id] = [start, end];
  }`)}
})();`;

/** The wall page (video debug hook ready) and the bare hls.js page, both without an HTTP cache. */
async function openPages(browser: Browser, wallUrl: string, bareUrl: string) {
  const barePage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await barePage.goto(bareUrl);
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  wall.on('pageerror', (e) => errors.push(e.message));
  // when each bench alarm first reached the page (its bridge message handled): the split of
  // publish → frame into services + transport, the page until the tile mounts, and the player
  await wall.addInitScript({ content: ARRIVALS });
  await wall.goto(`${wallUrl}/?videoPerAlarm=1&videoMaxTiles=16&videoGraceMs=300${FRAME_MODE ? `&videoFrame=${FRAME_MODE}` : ''}${FRAME_POOL !== null ? `&videoFramePool=${FRAME_POOL}` : ''}${DISPLAY ? `&display=${DISPLAY}` : ''}`);
  await wall.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
  if (!DISPLAY || DISPLAY.includes('map')) await wall.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 30_000 });
  await wall.waitForFunction(() => !!(window as unknown as Hooked).__watchfloor.video, null, { timeout: 5_000 });
  // live segments are new on a real camera; the demo loops its clips, so no HTTP cache
  for (const p of [barePage, wall]) await (await p.context().newCDPSession(p)).send('Network.setCacheDisabled', { cacheDisabled: true });
  return { wall, barePage, errors };
}

/**
 * One round on the wall: an alarm per kiosk over MQTT (regular: at the kiosk, which opens its
 * camera; LL: at the same spot, naming the camera's LL twin), first frames, PLAY_MS of play,
 * three latency samples, then the alarms closed and the tiles gone.
 */
async function wallRound(b: Bench, ks: KioskCam[], prefix: string, ll: boolean) {
  const n = ks.length;
  const ids = ks.map((_, i) => `${prefix}-${i}`);
  const cams = ks.map((k) => (ll ? `${k.cameraId}${LL_SUFFIX}` : k.cameraId));
  const before = ks.map((k) => b.stream.llStats(k.cameraId));
  const alarm = (i: number, status: 'open' | 'closed') => {
    const k = ks[i];
    const where = ll ? { cameraIds: [cams[i]] } : { kioskId: k.id };
    return JSON.stringify({ id: ids[i], ts: Date.now(), kind: 'fight', priority: 2, lat: k.lat, lon: k.lon, title: `bench ${k.name}`, ...where, status });
  };
  // warm frames refill after a burst; each round starts with a full pool, as on a quiet wall
  const framePool = () => b.wall.evaluate(() => (window as unknown as Hooked).__watchfloor.video.framePool());
  await b.wall
    .waitForFunction(() => { const p = (window as unknown as Hooked).__watchfloor.video.framePool(); return !p || p.warm >= p.size; }, null, { timeout: 20_000, polling: 100 })
    .catch(() => console.warn('  the frame pool did not fill within 20 s'));
  const pool0 = await framePool();
  await b.wall.evaluate((ids) => {
    const w = window as unknown as { __benchWatch: string[]; __benchArrivals: Record<string, [number, number]> };
    w.__benchWatch = ids;
    w.__benchArrivals = {};
  }, ids);
  const published: number[] = [];
  for (let i = 0; i < n; i++) {
    published.push(Date.now());
    await b.client.publishAsync(`${PREFIX}/alarms/bench`, alarm(i, 'open'), { qos: 1 });
  }
  await b.wall
    .waitForFunction((cams) => cams.every((c) => (window as unknown as Hooked).__watchfloor.video.stats(c)?.firstFrameAt != null), cams, { timeout: 30_000, polling: 50 })
    .catch(() => console.warn(`  wall${ll ? ' LL' : ''} ${n}: not every tile showed a frame within 30 s`));
  await b.wall.waitForTimeout(PLAY_MS);
  const samples: { latencySec: number | null; firstFrameAt: number | null; firstFrameMs: number | null; lowLatency: boolean }[][] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(
      await b.wall.evaluate((cams) => {
        const v = (window as unknown as Hooked).__watchfloor.video;
        return cams.map((c) => {
          const s = v.stats(c);
          return { latencySec: s?.latencySec ?? null, firstFrameAt: s?.firstFrameAt ?? null, firstFrameMs: s?.firstFrameMs ?? null, lowLatency: !!s?.lowLatency?.canBlockReload };
        });
      }, cams),
    );
    await b.wall.waitForTimeout(500);
  }
  const arrivals = await b.wall.evaluate(() => (window as unknown as { __benchArrivals: Record<string, [number, number]> }).__benchArrivals);
  const pool1 = await framePool();
  for (let i = 0; i < n; i++) await b.client.publishAsync(`${PREFIX}/alarms/bench`, alarm(i, 'closed'), { qos: 1 });
  await b.wall.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().length === 0, null, { timeout: 15_000, polling: 50 });
  // what the stream server saw for these cameras' LL streams during the round
  const server = ks.reduce(
    (acc, k, i) => {
      const now = b.stream.llStats(k.cameraId);
      acc.blocking += now.blocking - before[i].blocking;
      acc.timedOut += now.timedOut - before[i].timedOut;
      acc.parts += now.parts - before[i].parts;
      acc.segments += now.segments - before[i].segments;
      return acc;
    },
    { blocking: 0, timedOut: 0, parts: 0, segments: 0 },
  );
  return {
    ff: samples[0].map((s, i) => (s.firstFrameAt === null ? null : s.firstFrameAt - published[i])),
    lat: cams.map((_, i) => quantile(samples.map((s) => s[i].latencySec ?? Number.NaN), 0.5)),
    mountToFrame: samples[0].map((s) => s.firstFrameMs ?? Number.NaN),
    // publish → the page handled its message; then → the tile mounted (first frame − mount→frame)
    toPage: ids.map((id, i) => (arrivals[id] ? arrivals[id][0] - published[i] : Number.NaN)),
    pageToMount: samples[0].map((s, i) => (arrivals[ids[i]] && s.firstFrameAt !== null && s.firstFrameMs !== null ? s.firstFrameAt - s.firstFrameMs - arrivals[ids[i]][0] : Number.NaN)),
    lowLatencyTiles: samples[samples.length - 1].filter((s) => s.lowLatency).length,
    server,
    poolNote: pool0 && pool1 ? `; ${pool1.taken - pool0.taken} warm frame(s) taken, ${pool1.misses - pool0.misses} loaded for their tile` : '',
  };
}

/** The same streams in bare hls.js on its own page: loadSource → frame, PLAY_MS of play, three latency samples. */
async function bareRound(barePage: Page, ks: KioskCam[], n: number): Promise<Figures> {
  await barePage.bringToFront();
  await barePage.evaluate(({ srcs, ms }) => (window as unknown as { run: (s: string[], t: number) => Promise<boolean> }).run(srcs, ms), { srcs: ks.map((k) => `/video/live/${k.cameraId}.m3u8`), ms: 30_000 });
  await barePage.waitForTimeout(PLAY_MS);
  const bareSamples: { firstFrameMs: number | null; latencySec: number | null }[][] = [];
  for (let i = 0; i < 3; i++) {
    bareSamples.push(await barePage.evaluate(() => (window as unknown as { measure: () => { firstFrameMs: number | null; latencySec: number | null }[] }).measure()));
    await barePage.waitForTimeout(500);
  }
  await barePage.evaluate(() => (window as unknown as { stop: () => void }).stop());
  const bareLat = bareSamples[0].map((_, i) => quantile(bareSamples.map((s) => s[i].latencySec ?? Number.NaN), 0.5));
  return figures(n, bareSamples[0].map((s) => s.firstFrameMs), bareLat);
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'media', 'toplevel', 'loading', 'netlog'];

/** BENCH_REPEAT=N: each tile count's rounds N times over (bare and wall in turn), their samples pooled: a 2-core VM's rounds differ by ±30 % */
const REPEAT = Math.max(1, Math.min(10, Number(process.env.BENCH_REPEAT ?? 1) || 1));

/** One round at `n` tiles: bare hls.js, then the wall (and the wall on LL-HLS); traced or profiled when asked. */
async function oneRound(b: Bench, ks: KioskCam[], n: number, round: number, watched: boolean) {
  // BENCH_TRACE=prefix: a Chromium trace of the largest counted round, bare and wall, for finding where the time goes
  const traced = !!process.env.BENCH_TRACE && watched;
  if (traced) await b.browser.startTracing(b.barePage, { categories: TRACE_CATEGORIES });
  const bare = await bareRound(b.barePage, ks, n);
  if (traced) writeFileSync(`${process.env.BENCH_TRACE}-bare-${n}.json`, await b.browser.stopTracing());
  await b.wall.bringToFront();
  if (traced) await b.browser.startTracing(b.wall, { categories: TRACE_CATEGORIES });
  // BENCH_PROFILE=prefix: the wall page's CPU profile over the largest counted round
  const profiler = process.env.BENCH_PROFILE && watched ? await b.wall.context().newCDPSession(b.wall) : null;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.send('Profiler.start');
  }
  const w = await wallRound(b, ks, `bench-${round}`, false);
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(`${process.env.BENCH_PROFILE}-wall-${n}.cpuprofile`, JSON.stringify(profile));
    await profiler.detach();
  }
  if (traced) writeFileSync(`${process.env.BENCH_TRACE}-wall-${n}.json`, await b.browser.stopTracing());
  const l = b.ll ? await wallRound(b, ks, `bench-ll-${round}`, true) : null;
  return { bare, w, l };
}

type WallRoundResult = Awaited<ReturnType<typeof wallRound>>;

/** Rounds of one tile count taken together. */
function pooled(n: number, rounds: WallRoundResult[]) {
  return {
    f: figures(n, rounds.flatMap((r) => r.ff), rounds.flatMap((r) => r.lat)),
    mount: rounds.flatMap((r) => r.mountToFrame),
    toPage: rounds.flatMap((r) => r.toPage),
    pageToMount: rounds.flatMap((r) => r.pageToMount),
    note: rounds.length === 1 ? rounds[0].poolNote : '',
  };
}

/** Every tile count: bare hls.js, then the wall (and the wall on LL-HLS), each figure printed with its ratio to bare. */
async function tileRounds(b: Bench) {
  const pick = (n: number) => Array.from({ length: n }, (_, i) => b.distinct[Math.floor((i * b.distinct.length) / n)]);
  const wallResults: Figures[] = [];
  const wallLlResults: Figures[] = [];
  const bareResults: Figures[] = [];
  let round = 0;
  // one uncounted warm-up round at the largest size first: the page's one-off costs (hls.js
  // worker, decoders, the map's first alarm layers and their shaders) are not the tiles' doing
  await oneRound(b, pick(Math.max(...TILES)), Math.max(...TILES), ++round, false);
  for (const n of TILES) {
    const ks = pick(n);
    const bares: Figures[] = [];
    const walls: WallRoundResult[] = [];
    const lls: WallRoundResult[] = [];
    for (let r = 0; r < REPEAT; r++) {
      const one = await oneRound(b, ks, n, ++round, r === 0 && n === Math.max(...TILES));
      bares.push(one.bare);
      walls.push(one.w);
      if (one.l) lls.push(one.l);
    }
    const bf = figures(n, bares.flatMap((x) => x.samples.firstFrameMs), bares.flatMap((x) => x.samples.latencySec));
    bareResults.push(bf);
    const w = pooled(n, walls);
    const f = w.f;
    wallResults.push(f);
    console.log(
      `${String(n).padStart(2)} tile(s)${REPEAT > 1 ? ` ×${REPEAT}` : ''}  first frame median/p95: wall ${f.firstFrameMs.median}/${f.firstFrameMs.p95} ms (publish→frame, medians: publish→in the page ${r1(quantile(w.toPage.filter(Number.isFinite), 0.5))} ms, page→tile mounted ${r1(quantile(w.pageToMount.filter(Number.isFinite), 0.5))} ms, tile mount→frame ${r1(quantile(w.mount, 0.5))} ms)` +
        `, bare hls.js ${bf.firstFrameMs.median}/${bf.firstFrameMs.p95} ms (loadSource→frame) → ×${ratioOf(f.firstFrameMs.median, bf.firstFrameMs.median)}` +
        ` | latency median/p95: wall ${f.latencySec.median}/${f.latencySec.p95} s, bare ${bf.latencySec.median}/${bf.latencySec.p95} s → ×${ratioOf(f.latencySec.median, bf.latencySec.median)}${w.note}`,
    );
    if (!lls.length) continue;
    const l = pooled(n, lls);
    const g = l.f;
    wallLlResults.push(g);
    const server = lls.reduce((acc, x) => ({ blocking: acc.blocking + x.server.blocking, timedOut: acc.timedOut + x.server.timedOut, parts: acc.parts + x.server.parts, segments: acc.segments + x.server.segments }), { blocking: 0, timedOut: 0, parts: 0, segments: 0 });
    console.log(
      `${String(n).padStart(2)} tile(s)  LL-HLS on the wall: first frame median/p95 ${g.firstFrameMs.median}/${g.firstFrameMs.p95} ms (publish→frame; mount→frame median ${r1(quantile(l.mount, 0.5))} ms) → ×${ratioOf(g.firstFrameMs.median, bf.firstFrameMs.median)} of bare` +
        ` | latency median/p95 ${g.latencySec.median}/${g.latencySec.p95} s (2 s segments: ${f.latencySec.median}/${f.latencySec.p95} s) → ×${ratioOf(g.latencySec.median, bf.latencySec.median)} of bare` +
        ` | ${lls[lls.length - 1].lowLatencyTiles}/${n} tiles on parts + blocking reloads, server: ${server.blocking} blocking reloads (${server.timedOut} timed out), ${server.parts} parts, ${server.segments} whole segments${l.note}`,
    );
  }
  return { wallResults, wallLlResults, bareResults };
}

const ratioOf = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000);

/** The soak: tiles opened and closed in the page, memory before, halfway and after; then the page reloaded. */
async function wallSoak(b: Bench) {
  const { wall } = b;
  const cdp = await wall.context().newCDPSession(wall);
  await cdp.send('Performance.enable');
  // the registry's own cameras (2 s segments), not their LL twins: the soak stays comparable run to run
  const soakCameras = b.cameras.map((c) => c.id);
  const soak = (cycles: number) =>
    wall.evaluate(
      ({ cycles, batch, cameraIds }) => (window as unknown as Hooked).__watchfloor.video.soak({ cycles, batch, cameraIds, waitFirstFrame: true, frameTimeoutMs: 8000 }),
      { cycles, batch: SOAK_BATCH, cameraIds: soakCameras },
    );
  await soak(SOAK_BATCH * 2); // warm-up
  const before = await memory(wall, cdp);
  // in two halves: Chromium's media memory climbs to a plateau over the first few hundred
  // players (bare hls.js does the same); the second half shows whether it keeps climbing
  const half = Math.floor(SOAK_CYCLES / 2);
  const t0 = Date.now();
  const first: SoakResult = await soak(half);
  const mid = await memory(wall, cdp);
  const second: SoakResult = await soak(SOAK_CYCLES - half);
  const soakS = Math.round((Date.now() - t0) / 100) / 10;
  const after = await memory(wall, cdp);
  const result = {
    cycles: first.cycles + second.cycles,
    rounds: first.rounds + second.rounds,
    framed: first.framed + second.framed,
    timeouts: first.timeouts + second.timeouts,
    playersLeft: second.playersLeft,
    videosLeft: second.videosLeft,
  };
  const ratio = ratioOf;
  const heapRatio = ratio(after.jsHeapUsedMB, before.jsHeapUsedMB);
  const pssRatio = ratio(after.chromiumPssMB, before.chromiumPssMB);
  const rendererRatio = ratio(after.rendererPssMB, before.rendererPssMB);
  const secondHalf = { heapRatio: ratio(after.jsHeapUsedMB, mid.jsHeapUsedMB), pssRatio: ratio(after.chromiumPssMB, mid.chromiumPssMB), rendererRatio: ratio(after.rendererPssMB, mid.rendererPssMB) };
  console.log(
    `soak: ${result.cycles} tile open/close cycles in ${soakS} s (${result.rounds} rounds of ${SOAK_BATCH}; ${result.framed} showed a frame, ${result.timeouts} round(s) timed out); left: ${result.playersLeft} players, ${result.videosLeft} <video>`,
  );
  console.log(
    `  JS heap ${before.jsHeapUsedMB} → ${mid.jsHeapUsedMB} → ${after.jsHeapUsedMB} MB (×${heapRatio}; second half ×${secondHalf.heapRatio}); DOM nodes ${before.nodes} → ${after.nodes}; listeners ${before.jsEventListeners} → ${after.jsEventListeners}`,
  );
  console.log(
    `  Chromium PSS ${before.chromiumPssMB} → ${mid.chromiumPssMB} → ${after.chromiumPssMB} MB (×${pssRatio}; second half ×${secondHalf.pssRatio}), ` +
      `renderers ${before.rendererPssMB} → ${mid.rendererPssMB} → ${after.rendererPssMB} MB (×${rendererRatio}; second half ×${secondHalf.rendererRatio}), GPU process ${before.gpuPssMB} → ${after.gpuPssMB} MB, the rest ${before.otherPssMB} → ${after.otherPssMB} MB (browser process ${before.browserPssMB} → ${after.browserPssMB}, utilities ${before.utilityPssMB} → ${after.utilityPssMB}: ${JSON.stringify(before.utilitiesMB)} → ${JSON.stringify(after.utilitiesMB)}, zygotes)`,
  );
  // what the page holds on to is given back when the page goes: reload it (same renderer
  // process), warm it up as before, and measure again
  await wall.reload();
  if (!DISPLAY || DISPLAY.includes('map')) await wall.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 30_000 });
  await wall.waitForFunction(() => !!(window as unknown as Hooked).__watchfloor.video, null, { timeout: 5_000 });
  const cdpAfterReload = await wall.context().newCDPSession(wall);
  await cdpAfterReload.send('Performance.enable');
  await soak(SOAK_BATCH * 2);
  const reloaded = await memory(wall, cdpAfterReload);
  console.log(
    `  the same page reloaded and warmed up again: Chromium PSS ${reloaded.chromiumPssMB} MB (×${ratio(reloaded.chromiumPssMB, before.chromiumPssMB)} of before), renderers ${reloaded.rendererPssMB} MB (×${ratio(reloaded.rendererPssMB, before.rendererPssMB)})`,
  );
  return { result, soakS, before, mid, after, reloaded, heapRatio, pssRatio, rendererRatio, secondHalf, half };
}

/** The same soak with bare hls.js (default config) on a plain page, for comparison. */
async function bareSoak(b: Bench, half: number, wallPss: { before: number | null; mid: number | null; after: number | null }) {
  const bp = await b.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await bp.goto(b.bareUrl);
  await (await bp.context().newCDPSession(bp)).send('Network.setCacheDisabled', { cacheDisabled: true });
  const bcdp = await bp.context().newCDPSession(bp);
  await bcdp.send('Performance.enable');
  const srcs = b.distinct.map((k) => `/video/live/${k.cameraId}.m3u8`);
  const run = (cycles: number) => bp.evaluate(({ cycles, batch, srcs }) => (window as unknown as { soak: (c: number, b: number, s: string[]) => Promise<number> }).soak(cycles, batch, srcs), { cycles, batch: SOAK_BATCH, srcs });
  await run(SOAK_BATCH * 2);
  const b0 = await memory(bp, bcdp);
  let framed = await run(half);
  const b1 = await memory(bp, bcdp);
  framed += await run(SOAK_CYCLES - half);
  const b2 = await memory(bp, bcdp);
  const result = { before: b0.chromiumPssMB, mid: b1.chromiumPssMB, after: b2.chromiumPssMB, framed };
  await bp.close();
  const d = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 10) / 10);
  console.log(
    `  bare hls.js, same soak on a plain page: Chromium PSS ${b0.chromiumPssMB} → ${b1.chromiumPssMB} → ${b2.chromiumPssMB} MB ` +
      `(+${d(b2.chromiumPssMB, b0.chromiumPssMB)} MB; second half +${d(b2.chromiumPssMB, b1.chromiumPssMB)} MB) vs the wall +${d(wallPss.after, wallPss.before)} MB (second half +${d(wallPss.after, wallPss.mid)} MB)`,
  );
  return result;
}

async function main(): Promise<void> {
  const inputs = benchInputs();
  let host: Host | undefined;
  let web: (WebShell<LiveHlsServer> & { video: LiveHlsServer }) | undefined;
  let bare: Server | undefined;
  let browser: Browser | undefined;
  let client: MqttClient | undefined;
  try {
    host = await startHost({ config: inputs.config, shell: 'web', appRoot: repo, configDir: repo });
    web = (await startWebShell({ host, staticDir: STATIC, ...demoWebRoutes(GEN), listenHost: '127.0.0.1', port: 0 })) as WebShell<LiveHlsServer> & { video: LiveHlsServer };
    // the bare page: its own origin, the very same stream server
    const bareServer = await startBareHlsPage(web.video, BARE_PAGE);
    bare = bareServer.server;
    client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required', TAG]);

    console.log(`players: ${FRAME_MODE === 'off' ? 'in the wall page (BENCH_VIDEO_FRAME=off)' : FRAME_MODE === 'auto' ? 'a frame of their own each (BENCH_VIDEO_FRAME=auto)' : "the wall's default (?videoFrame unset: a frame of their own each on loopback)"}`);
    console.log(`bench:video — ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Chromium ${browser.version()}; 640×360 H.264 25 fps, 2 s segments${inputs.LL ? `; LL-HLS: ${inputs.partMs} ms parts` : ''}`);
    const pages = await openPages(browser, web.url, bareServer.url);
    const distinct = inputs.kiosks.filter((k, i) => k.cameraId && inputs.kiosks.findIndex((x) => x.cameraId === k.cameraId) === i);
    const b: Bench = { ...pages, bareUrl: bareServer.url, browser, client, stream: web.video, cameras: inputs.cameras, distinct, ll: inputs.LL };

    const { wallResults, wallLlResults, bareResults } = await tileRounds(b);
    await b.barePage.close();
    const soak = await wallSoak(b);
    const bareChromiumPssMB = process.env.BENCH_BARE_SOAK !== '0' ? await bareSoak(b, soak.half, { before: soak.before.chromiumPssMB, mid: soak.mid.chromiumPssMB, after: soak.after.chromiumPssMB }) : null;
    const { result, soakS, before, mid, after, reloaded, heapRatio, pssRatio, rendererRatio, secondHalf } = soak;
    // #16's goals are ratios to bare hls.js in the same run: first frame ≤ 1.0× at every tile count, live latency ≤ 0.5×
    const ratios = wallResults.map((f, i) => ({ n: f.n, firstFrame: ratioOf(f.firstFrameMs.median, bareResults[i].firstFrameMs.median), latency: ratioOf(f.latencySec.median, bareResults[i].latencySec.median) }));
    console.log(`ratios to bare hls.js (median): ${ratios.map((r) => `${r.n}: first frame ×${r.firstFrame}, latency ×${r.latency}`).join(' · ')}`);
    const goals = {
      firstFrameAtMostBare: ratios.every((r) => r.firstFrame !== null && r.firstFrame <= 1),
      latencyAtMostHalfBare: ratios.every((r) => r.latency !== null && r.latency <= 0.5),
      firstFrame1Median: (wallResults.find((f) => f.n === 1)?.firstFrameMs.median ?? Infinity) <= 500,
      firstFrame16Median: (wallResults.find((f) => f.n === 16)?.firstFrameMs.median ?? Infinity) <= 1000,
      latencyMedian: wallResults.every((f) => (f.latencySec.median ?? Infinity) <= 3),
      heapWithin10pct: heapRatio !== null && heapRatio <= 1.1,
      processWithin10pct: pssRatio !== null && pssRatio <= 1.1,
      processSecondHalfWithin10pct: secondHalf.pssRatio !== null && secondHalf.pssRatio <= 1.1,
    };
    console.log(`goals: ${JSON.stringify(goals)}`);
    if (b.errors.length) console.log(`page errors: ${b.errors.slice(0, 5).join(' | ')}`);
    console.log(
      JSON.stringify({
        bench: 'video',
        at: new Date().toISOString(),
        cpus: cpus().length,
        chromium: browser.version(),
        playMs: PLAY_MS,
        repeat: REPEAT,
        ratios,
        wall: wallResults.map(({ samples: _s, ...f }) => f),
        wallLl: wallLlResults.map(({ samples: _s, ...f }) => f),
        bare: bareResults.map(({ samples: _s, ...f }) => f),
        samples: {
          wall: wallResults.map((f) => ({ n: f.n, ...f.samples })),
          wallLl: wallLlResults.map((f) => ({ n: f.n, ...f.samples })),
          bare: bareResults.map((f) => ({ n: f.n, ...f.samples })),
        },
        soak: { ...result, seconds: soakS, batch: SOAK_BATCH, before, mid, after, reloaded, heapRatio, pssRatio, rendererRatio, secondHalf, bareChromiumPssMB },
        goals,
      }),
    );
  } finally {
    await browser?.close();
    await client?.endAsync();
    bare?.closeAllConnections();
    await new Promise<void>((r) => (bare ? bare.close(() => r()) : r()));
    await web?.close();
    await host?.close();
    rmSync(inputs.tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

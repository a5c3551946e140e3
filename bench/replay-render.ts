// npm run bench:replay-render
//
// Does the wall's page keep up with a replay of a city at 64×? A recording of BENCH_UNITS (5,000)
// units at 1 Hz for BENCH_MINUTES (14) minutes (bench:replay's scene), written by the real journal,
// is opened by the web shell and replayed in Chromium (1920×1080, as the e2e tests run it):
// BENCH_PLAY_S (10) seconds at 1× (the baseline: deltas of 5,000 moving units, ten a second), then
// the same at 64× (the player goes on from snapshot to snapshot: the whole situation, ~3 MB, a few
// times a second). For every bridge message the services send (time, type, bytes) and the page
// handles (when its handler began and ended: parsed and in the model), in the same order:
//   • lag, sent → in the page's model: p50 / p95 / max, and its trend (last third ÷ first third;
//     a page that does not keep up shows a lag that grows);
//   • the page's frames per second and the share of its main thread in long tasks (> 50 ms);
//   • the page's replay clock: replay seconds per wall second, as the page saw them;
//   • connections dropped as congested and reconnects (goal: none), updates a second (≤ 20).
// Printed as 64× against 1× in the same run.
//
// Env: BENCH_UNITS BENCH_MINUTES BENCH_PLAY_S BENCH_WIDTH BENCH_HEIGHT  WATCHFLOOR_RENDERER_DIR  CHROMIUM_PATH
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { WebSocket as WsSocket } from 'ws';
import { createSituation } from '../core/situation/situation.js';
import { Journal } from '../main/journal/journal.js';
import { journalDir } from '../main/services/host.js';
import { SituationService } from '../main/services/situation-service.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { closeWallTest, startWallHost } from '../test/helpers/wall.js';
import { PAGE_INSTRUMENT, pageBenchOf } from './lib/page-instrument.js';
import { percentile } from './lib/percentile.js';
import { sceneInputs, T0 } from './lib/replay-scene.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 5000);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 14);
const PLAY_S = Number(process.env.BENCH_PLAY_S ?? 10);
const VIEWPORT = { width: Number(process.env.BENCH_WIDTH ?? 1920), height: Number(process.env.BENCH_HEIGHT ?? 1080) };

interface Sent {
  at: number;
  type: string;
  bytes: number;
}
interface Handled {
  start: number;
  end: number;
  type: string;
  bytes: number;
}

const typeOf = (text: string) => /^\{"type":"(\w+)"/.exec(text)?.[1] ?? '?';
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');

/** Every bridge message the services send, as they send it (this process is the services). */
const sent: Sent[] = [];
const send = WsSocket.prototype.send;
WsSocket.prototype.send = function (this: WsSocket, data: unknown, ...rest: unknown[]) {
  if (typeof data === 'string') sent.push({ at: Date.now(), type: typeOf(data), bytes: data.length });
  return (send as (...a: unknown[]) => void).call(this, data, ...rest);
} as typeof send;

async function record(dir: string): Promise<number> {
  const service = new SituationService(createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 10, maxIncidents: 10_000 }), { deltaIntervalMs: 50 });
  const journal = await Journal.open({ dir, flushEveryMs: 1_000_000, snapshotEveryMs: 60_000, snapshotEveryInputs: 15_000, level: 3, maxAgeMs: 0, maxBytes: 0 });
  journal.start(service);
  let n = 0;
  let lastFlush = T0;
  for (const input of sceneInputs(UNITS, MINUTES)) {
    service.apply(input);
    if (input.at - lastFlush >= 500) {
      journal.flush();
      lastFlush = input.at;
    }
    n++;
  }
  journal.close();
  return n;
}

interface PhaseFigures {
  speed: number;
  wallS: number;
  replayRate: number;
  updatesPerS: number;
  snapshotsPerS: number;
  mbPerS: number;
  lag: { p50: number; p95: number; max: number; trend: number };
  handleP95: number;
  fps: number;
  longShare: number;
  unmatched: number;
}

const benchOf = pageBenchOf;
const playerOf = (page: Page) => page.evaluate(() => (window as unknown as { __watchfloor: { store: () => { player: { mode: string; at: number; playing: boolean; speed: number; loading: boolean } } } }).__watchfloor.store().player);

async function phase(page: Page, speed: number): Promise<PhaseFigures> {
  await page.locator(`[data-testid="replay-speed-button"][data-speed="${speed}"]`).click();
  await page.waitForFunction((v) => (window as unknown as { __watchfloor: { store: () => { player: { speed: number } } } }).__watchfloor.store().player.speed === v, speed, { timeout: 10_000 });
  const before = await benchOf(page);
  const sentFrom = sent.length;
  const p0 = await playerOf(page);
  const t0 = Date.now();
  if (!p0.playing) await page.locator('[data-testid="replay-play"]').click();
  await new Promise((r) => setTimeout(r, PLAY_S * 1000));
  await page.locator('[data-testid="replay-play"]').click(); // pause
  const t1 = Date.now();
  // what was sent in the phase has reached the page's model (or the page fell so far behind that it never will)
  const deadline = Date.now() + 30_000;
  let after = await benchOf(page);
  while (after.handled.length - before.handled.length < sent.length - sentFrom && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    after = await benchOf(page);
  }
  const p1 = await playerOf(page);
  const mine = sent.slice(sentFrom);
  const theirs = after.handled.slice(before.handled.length).map(([start, end, type, bytes]): Handled => ({ start, end, type, bytes }));
  const lags: number[] = [];
  const handleMs: number[] = [];
  let unmatched = 0;
  for (let i = 0; i < mine.length; i++) {
    const h = theirs[i];
    if (!h || h.type !== mine[i].type || h.bytes !== mine[i].bytes) {
      unmatched++;
      continue;
    }
    lags.push(h.end - mine[i].at);
    handleMs.push(h.end - h.start);
  }
  const third = Math.max(1, Math.floor(lags.length / 3));
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
  const wallS = (t1 - t0) / 1000;
  const frames = after.frames.filter((f) => f >= t0 && f <= t1).length;
  const updates = mine.filter((m) => m.type === 'snapshot' || m.type === 'delta');
  return {
    speed,
    wallS,
    // the clock stands where the last update put it (held ticks move it by the next update): its
    // pace is the replay time the updates covered over the wall time they took
    replayRate: (p1.at - p0.at) / 1000 / Math.max(0.001, ((updates.at(-1)?.at ?? t0) - t0) / 1000),
    updatesPerS: updates.length / wallS,
    snapshotsPerS: mine.filter((m) => m.type === 'snapshot').length / wallS,
    mbPerS: mine.reduce((s, m) => s + m.bytes, 0) / wallS / 1e6,
    lag: { p50: percentile(lags, 50), p95: percentile(lags, 95), max: Math.max(...lags), trend: mean(lags.slice(-third)) / Math.max(1, mean(lags.slice(0, third))) },
    handleP95: percentile(handleMs, 95),
    fps: frames / wallS,
    longShare: (after.longMs - before.longMs) / ((t1 - t0) + (Date.now() - t1)),
    unmatched,
  };
}

async function main() {
  console.log(`bench:replay-render — ${MINUTES} min × ${UNITS.toLocaleString()} units at 1 Hz, replayed in Chromium at ${VIEWPORT.width}×${VIEWPORT.height}, ${PLAY_S} s at 1× then at 64×`);
  const dataDir = mkdtempSync(join(tmpdir(), 'wf-bench-replay-render-'));
  const t = performance.now();
  const inputs = await record(journalDir(dataDir));
  console.log(`recorded ${inputs.toLocaleString()} inputs in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const { host, web } = await startWallHost({ journal: { snapshotEveryMs: 60_000 } }, { dataDir });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript({ content: PAGE_INSTRUMENT });
    const from = T0;
    const to = T0 + MINUTES * 60_000;
    await page.goto(`${web.url}/?replay=${from}/${to}`);
    await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 90_000 });
    await page.waitForFunction(() => {
      const p = (window as unknown as { __watchfloor: { store: () => { player: { mode: string; loading: boolean } } } }).__watchfloor.store().player;
      return p.mode === 'replay' && !p.loading;
    }, null, { timeout: 60_000 });
    const congested = () => host.access.health().refused.congested;
    const c0 = congested();
    const traceOne = process.env.BENCH_TRACE_1X;
    if (traceOne) await browser.startTracing(page, { path: traceOne, categories: (process.env.BENCH_TRACE_CATEGORIES ?? 'devtools.timeline,disabled-by-default-devtools.timeline,gpu,v8,blink,cc,viz').split(',') });
    const one = await phase(page, 1);
    if (traceOne) await browser.stopTracing();
    // BENCH_PROFILE=file: the page's CPU profile over the 64× phase (an unminified build reads best:
    // vite build --minify false --outDir DIR, then WATCHFLOOR_RENDERER_DIR=DIR)
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // BENCH_TRACE=file: a Chromium trace of the 64× phase (devtools.timeline and the GPU's categories)
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { path: process.env.BENCH_TRACE, categories: (process.env.BENCH_TRACE_CATEGORIES ?? 'devtools.timeline,disabled-by-default-devtools.timeline,gpu,v8,blink,cc,viz').split(',') });
    const fast = await phase(page, 64);
    if (process.env.BENCH_TRACE) {
      await browser.stopTracing();
      console.log(`a trace of the 64× phase: ${process.env.BENCH_TRACE}`);
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
      console.log(`the page's profile of the 64× phase: ${process.env.BENCH_PROFILE}`);
    }
    const sockets = (await benchOf(page)).sockets;
    const dropped = congested() - c0;
    const row = (f: PhaseFigures) =>
      `${String(f.speed).padStart(2)}×: ${f.replayRate.toFixed(1)} replay s per s, ${f.updatesPerS.toFixed(1)} updates/s (${f.snapshotsPerS.toFixed(1)} snapshots), ${f.mbPerS.toFixed(1)} MB/s; sent → in the model p50 ${fmt(f.lag.p50)} / p95 ${fmt(f.lag.p95)} / max ${fmt(f.lag.max)} ms (last third ÷ first ${f.lag.trend.toFixed(2)}), handler p95 ${fmt(f.handleP95)} ms; ${f.fps.toFixed(1)} frames/s, ${(f.longShare * 100).toFixed(0)} % of the page's thread in long tasks${f.unmatched ? `; ${f.unmatched} messages not matched` : ''}`;
    console.log(row(one));
    console.log(row(fast));
    const keepsUp = fast.replayRate >= 0.95 * 64 && fast.updatesPerS <= 20 && dropped === 0 && sockets === 1 && fast.unmatched === 0 && fast.lag.trend < 2;
    console.log(
      `64× ÷ 1×: lag p95 ×${(fast.lag.p95 / one.lag.p95).toFixed(2)}, frames/s ×${(fast.fps / one.fps).toFixed(2)}; dropped as congested ${dropped}, bridge connections ${sockets} — goal (≥ 95 % of 64× as the page sees it, ≤ 20 updates/s, none dropped, no reconnect, a lag that does not grow): ${keepsUp ? 'met' : 'NOT met'}`,
    );
  } finally {
    await closeWallTest({ browser, web, host });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

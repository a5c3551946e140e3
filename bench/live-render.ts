// npm run bench:live-render
//
// Does a slow wall PC keep up with a busy live wall? The real host and web shell in this process,
// BENCH_UNITS (20,000) units each reporting once a second fed straight into the situation (the
// inputs the MQTT ingest would make; bench:render's feed), and the wall in Chromium at
// BENCH_WIDTH×BENCH_HEIGHT (1920×1080) with its CPU slowed BENCH_THROTTLE (6) times through
// DevTools (Emulation.setCPUThrottlingRate): a wall PC that parses and draws slower than the
// traffic comes. Two phases, each on a fresh page (so neither inherits the other's backlog: an
// earlier version ran both on one page and the second started with megabytes unread), each
// measured for BENCH_PLAY_S (30) seconds after BENCH_WARM_S (10) seconds of the same load:
//   • with flow control: the page acknowledges as it does; deltas held for it go out merged;
//   • without flow control: the page's acknowledgements (updates.ack) are dropped before they
//     leave it and it opens its bridge without acks=1, so the services send it every delta as they
//     did before flow control.
// Flow control goes first, so it is never measured on services still writing out the other
// page's backlog.
// For each: how old the page's situation is (the services' clock minus what its model shows,
// sampled four times a second: p50 / p95 / max and its trend, last third ÷ first), the updates it
// took in a second and their size, frames per second, its main thread's share in long tasks, and
// the connections the services dropped as congested (16 MB unread) with the page's reconnects.
// Printed as with ÷ without, measured in the same run.
//
// Env: BENCH_UNITS BENCH_THROTTLE BENCH_PLAY_S BENCH_WARM_S BENCH_WIDTH BENCH_HEIGHT  WATCHFLOOR_RENDERER_DIR  CHROMIUM_PATH
import type { Page } from 'playwright-core';
import { WebSocket as WsSocket } from 'ws';
import { launchChromium } from '../test/helpers/chromium.js';
import { closeWallTest, startWallHost } from '../test/helpers/wall.js';
import { PAGE_INSTRUMENT, pageBenchOf } from './lib/page-instrument.js';
import { percentile } from './lib/percentile.js';
import { directFeeder, fixInput } from './lib/unit-feed.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 20_000);
const THROTTLE = Number(process.env.BENCH_THROTTLE ?? 6);
const PLAY_S = Number(process.env.BENCH_PLAY_S ?? 30);
const WARM_S = Number(process.env.BENCH_WARM_S ?? 10);
const VIEWPORT = { width: Number(process.env.BENCH_WIDTH ?? 1920), height: Number(process.env.BENCH_HEIGHT ?? 1080) };

/** Bytes of situation updates the services sent (this process is the services). */
let sentBytes = 0;
let sentUpdates = 0;
const send = WsSocket.prototype.send;
WsSocket.prototype.send = function (this: WsSocket, data: unknown, ...rest: unknown[]) {
  if (typeof data === 'string' && /^\{"type":"(snapshot|delta)"/.test(data)) {
    sentBytes += data.length;
    sentUpdates++;
  }
  return (send as (...a: unknown[]) => void).call(this, data, ...rest);
} as typeof send;

interface Figures {
  name: string;
  age: { p50: number; p95: number; max: number; trend: number };
  updatesPerS: number;
  sentPerS: number;
  kbPerUpdate: number;
  fps: number;
  longShare: number;
  dropped: number;
  reconnects: number;
  acksDropped: number;
}

type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** A fresh wall page, loaded unthrottled (as a wall PC that has been up a while), then slowed. */
async function slowWall(browser: Browser, url: string, dropAcks: boolean): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript({ content: PAGE_INSTRUMENT });
  // before the page opens its bridge, so it never says acks=1 nor acknowledges when dropping
  await page.addInitScript({ content: `window.__benchDropAcks = ${dropAcks};` });
  await page.goto(url);
  await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 120_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  await new Promise((r) => setTimeout(r, WARM_S * 1000));
  return page;
}

async function phase(page: Page, name: string, congested: () => number): Promise<Figures> {
  const before = await pageBenchOf(page);
  const c0 = congested();
  const s0 = { bytes: sentBytes, updates: sentUpdates };
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, PLAY_S * 1000));
  const t1 = Date.now();
  const after = await pageBenchOf(page);
  const wallS = (t1 - t0) / 1000;
  const ages = after.ages.filter(([at]) => at >= t0 && at <= t1).map(([, age]) => age);
  const third = Math.max(1, Math.floor(ages.length / 3));
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
  const handled = after.handled.slice(before.handled.length).filter(([start, , type]) => start >= t0 && start <= t1 && (type === 'delta' || type === 'snapshot'));
  return {
    name,
    age: { p50: percentile(ages, 50), p95: percentile(ages, 95), max: Math.max(...ages), trend: mean(ages.slice(-third)) / Math.max(1, mean(ages.slice(0, third))) },
    updatesPerS: handled.length / wallS,
    sentPerS: (sentUpdates - s0.updates) / wallS,
    kbPerUpdate: (sentBytes - s0.bytes) / Math.max(1, sentUpdates - s0.updates) / 1000,
    fps: after.frames.filter((f) => f >= t0 && f <= t1).length / wallS,
    longShare: (after.longMs - before.longMs) / (t1 - t0),
    dropped: congested() - c0,
    reconnects: after.sockets - before.sockets,
    acksDropped: after.acksDropped - before.acksDropped,
  };
}

async function main() {
  console.log(`bench:live-render — ${UNITS.toLocaleString()} units each once a second (${UNITS.toLocaleString()} fixes/s), the wall in Chromium at ${VIEWPORT.width}×${VIEWPORT.height} with its CPU slowed ${THROTTLE}×: ${PLAY_S} s with flow control, then ${PLAY_S} s without, each on a fresh page after ${WARM_S} s of warm-up`);
  const { host, web } = await startWallHost({});
  const now = Date.now();
  for (let u = 0; u < UNITS; u++) host.situation.apply(fixInput(u, 0, now));
  const browser = await launchChromium();
  const feeder = directFeeder(host, UNITS);
  try {
    const congested = () => host.access.health().refused.congested;
    const flowPage = await slowWall(browser, `${web.url}/`, false);
    const withFlow = await phase(flowPage, 'with flow control', congested);
    await flowPage.close();
    const floodPage = await slowWall(browser, `${web.url}/`, true);
    const without = await phase(floodPage, 'without flow control', congested);
    await floodPage.close();
    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
    const row = (f: Figures) =>
      `${f.name.padEnd(22)}: situation age p50 ${fmt(f.age.p50)} / p95 ${fmt(f.age.p95)} / max ${fmt(f.age.max)} ms (last third ÷ first ${f.age.trend.toFixed(2)}); took in ${f.updatesPerS.toFixed(1)} updates/s (services sent ${f.sentPerS.toFixed(1)}/s, ${f.kbPerUpdate.toFixed(0)} kB each); ${f.fps.toFixed(1)} frames/s, ${(f.longShare * 100).toFixed(0)} % of the page's thread in long tasks; dropped as congested ${f.dropped}, reconnects ${f.reconnects}${f.acksDropped ? ` (${f.acksDropped} acks held back)` : ''}`;
    console.log(`fed ${feeder.sent().toLocaleString()} fixes`);
    console.log(row(without));
    console.log(row(withFlow));
    const keepsUp = withFlow.dropped === 0 && withFlow.reconnects === 0 && withFlow.age.trend < 2;
    console.log(
      `with ÷ without: situation age p95 ×${(withFlow.age.p95 / without.age.p95).toFixed(2)}, max ×${(withFlow.age.max / without.age.max).toFixed(2)}; frames/s ×${(withFlow.fps / Math.max(0.01, without.fps)).toFixed(2)} — goal (with flow control: none dropped, no reconnect, an age that does not grow): ${keepsUp ? 'met' : 'NOT met'}`,
    );
  } finally {
    await feeder.stop();
    await closeWallTest({ browser, web, host });
  }
}

await main();

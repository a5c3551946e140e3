// Real Debian Chromium plays the simulated live HLS through hls.js.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVideos } from '../../../scripts/make-video.js';
import { type Clip, cycleMs, parseMediaPlaylist, variantFor } from '../../../core/demo/video/live-window.js';
import { createLiveHlsServer, type LiveHlsServer } from '../../../main/demo/live-hls.js';
import { launchChromium } from '../../helpers/chromium.js';
import { startBareHlsPage } from '../../helpers/bare-hls.js';
import { missing } from '../../helpers/assets.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SHOT = join(repo, 'test-results', 'video', 'hls-play.png');

const built = await buildVideos();

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>hls-play</title>
<style>body{margin:0;background:#111}video{display:block;width:640px;height:360px;background:#000}</style>
</head><body>
<video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
window.S = null;
window.start = function (src) {
  if (window.S && window.S.hls) window.S.hls.destroy();
  const video = document.getElementById('v');
  const S = (window.S = { t0: performance.now(), firstFrameMs: null, frames: 0, errors: [], fatal: null, hls: null });
  const hls = new Hls({ enableWorker: true });
  S.hls = hls;
  hls.on(Hls.Events.ERROR, (_e, d) => {
    const e = { type: d.type, details: d.details, fatal: !!d.fatal, code: d.response ? d.response.code : null };
    S.errors.push(e);
    if (d.fatal && !S.fatal) S.fatal = e;
  });
  S.changes = [];
  hls.on(Hls.Events.FRAG_CHANGED, (_e, d) => { S.changes.push({ sn: d.frag.sn, cc: d.frag.cc, at: video.currentTime }); });
  hls.on(Hls.Events.MANIFEST_PARSED, () => { video.play().catch((err) => S.errors.push({ type: 'play', details: String(err), fatal: false })); });
  const onFrame = () => {
    if (S.firstFrameMs === null) S.firstFrameMs = performance.now() - S.t0;
    S.frames++;
    if (window.S === S) video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  hls.attachMedia(video);
  hls.loadSource(src);
};
window.probe = function () {
  const video = document.getElementById('v');
  const S = window.S;
  const pd = S && S.hls ? S.hls.playingDate : null;
  return {
    currentTime: video.currentTime,
    paused: video.paused,
    readyState: video.readyState,
    frames: S ? S.frames : 0,
    firstFrameMs: S ? S.firstFrameMs : null,
    latencyMs: pd ? Date.now() - pd.getTime() : null,
    hlsLatency: S && S.hls ? S.hls.latency : null,
    fatal: S ? S.fatal : null,
    changes: S ? S.changes : [],
    errors: S ? S.errors : [],
    h264: MediaSource.isTypeSupported('video/mp4; codecs="avc1.42c01e"'),
  };
};
</script></body></html>`;

type Probe = {
  currentTime: number;
  paused: boolean;
  readyState: number;
  frames: number;
  firstFrameMs: number | null;
  latencyMs: number | null;
  hlsLatency: number | null;
  fatal: { type: string; details: string; code: number | null } | null;
  errors: { type: string; details: string; fatal: boolean; code: number | null }[];
  changes: { sn: number; cc: number; at: number }[];
  h264: boolean;
};

describe.skipIf(missing(built.available, 'demo video clips (npm run build:video)'))('hls.js plays the simulated live stream in Chromium', () => {
  let hls: LiveHlsServer;
  let clipFor: (cam: string) => Clip;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    hls = createLiveHlsServer({ root: built.root });
    const clipOf = new Map<string, Clip>();
    for (const v of hls.variants()) {
      const clip = parseMediaPlaylist(readFileSync(join(built.root, v, 'index.m3u8'), 'utf8'));
      if (clip) clipOf.set(v, clip);
    }
    clipFor = (cam) => clipOf.get(variantFor(cam, hls.variants()) as string) as Clip;
    // delegate: the wrap test swaps in another stream server later
    const barePage = await startBareHlsPage({ handle: (req, res) => hls.handle(req, res) }, PAGE);
    server = barePage.server;
    base = barePage.url.replace(/\/$/, '');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    await page.goto(`${base}/`);
  });

  afterAll(async () => {
    await browser?.close();
    hls?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  const probe = () => page.evaluate(() => (window as unknown as { probe: () => Probe }).probe());
  const startPlayback = (src: string) => page.evaluate((s) => (window as unknown as { start: (u: string) => void }).start(s), src);

  it('plays live, advances, and recovers from a 404 fault', async () => {
    expect((await probe()).h264, 'this Chromium cannot decode H.264 via MSE').toBe(true);

    // 1. live playback
    await startPlayback('/video/live/C001.m3u8');
    await page.waitForFunction(() => (window as unknown as { probe: () => Probe }).probe().frames > 0, undefined, {
      timeout: 20_000,
    });
    const a = await probe();
    // playback advances: wait for 1.2 s of media and 10 more frames (a stuck player fails here)
    await page.waitForFunction(([t, n]) => {
      const p = (window as unknown as { probe: () => Probe }).probe();
      return p.currentTime - t > 1.2 && p.frames > n + 10;
    }, [a.currentTime, a.frames] as const, { timeout: 10_000 });
    const b = await probe();
    expect(b.currentTime - a.currentTime).toBeGreaterThan(1.2);
    expect(b.frames).toBeGreaterThan(a.frames + 10);
    expect(b.fatal).toBeNull();
    expect(b.latencyMs).not.toBeNull();
    // live edge: the newest listed segment ended <= 2 s ago and hls.js holds back ~3 target durations
    expect(b.latencyMs as number).toBeGreaterThan(1000);
    expect(b.latencyMs as number).toBeLessThan(15_000);
    console.log(
      `[hls-play] first frame ${Math.round(a.firstFrameMs ?? -1)} ms, PDT latency ${b.latencyMs} ms, ` +
        `hls.latency ${b.hlsLatency?.toFixed(2)} s, frames while advancing ${b.frames - a.frames}`,
    );

    mkdirSync(dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });

    // 2. fault: playlist and segments 404 -> hls.js raises a fatal network error
    hls.setFault('C001', 'http404');
    await page.waitForFunction(() => (window as unknown as { probe: () => Probe }).probe().fatal !== null, undefined, {
      timeout: 15_000,
    });
    const f = await probe();
    expect(f.fatal?.type).toBe('networkError');
    expect(f.fatal?.code).toBe(404);
    console.log(`[hls-play] fatal under fault: ${f.fatal?.details} (${f.fatal?.code})`);

    // 3. clear the fault, restart playback
    hls.setFault('C001', 'none');
    await startPlayback('/video/live/C001.m3u8');
    await page.waitForFunction(() => (window as unknown as { probe: () => Probe }).probe().frames > 5, undefined, {
      timeout: 20_000,
    });
    const c = await probe();
    await page.waitForFunction((t) => (window as unknown as { probe: () => Probe }).probe().currentTime > t + 0.8, c.currentTime, { timeout: 10_000 });
    const d = await probe();
    expect(d.currentTime).toBeGreaterThan(c.currentTime + 0.8);
    expect(d.fatal).toBeNull();
  });

  it('plays through a loop wrap (EXT-X-DISCONTINUITY)', async () => {
    // Anchor a fresh server so that the segment after the one hls.js starts on is a wrap.
    const clip = clipFor('C001');
    const [d0, d1] = clip.segments.map((x) => x.durationMs);
    hls.close();
    hls = createLiveHlsServer({ root: built.root, startedAt: Date.now() - (10 * cycleMs(clip) + d0 + d1 + 300) });
    await startPlayback('/video/live/C001.m3u8');
    await page.waitForFunction(
      () => {
        const p = (window as unknown as { probe: () => Probe }).probe();
        const first = p.changes[0];
        const wrap = p.changes.find((x) => first && x.cc > first.cc);
        return (wrap && p.currentTime > wrap.at + 1.5) || p.fatal !== null;
      },
      undefined,
      { timeout: 20_000 },
    );
    const p = await probe();
    expect(p.fatal).toBeNull();
    const first = p.changes[0];
    const wrap = p.changes.find((x) => x.cc > first.cc) as { sn: number; cc: number; at: number };
    expect(wrap.sn % clip.segments.length).toBe(0);
    expect(wrap.cc).toBe(Math.floor(wrap.sn / clip.segments.length));
    await page.screenshot({ path: join(dirname(SHOT), 'hls-wrap.png') });
    console.log(`[hls-play] crossed wrap at sn ${wrap.sn} (cc ${first.cc}->${wrap.cc}), PDT latency ${p.latencyMs} ms`);
  });
});

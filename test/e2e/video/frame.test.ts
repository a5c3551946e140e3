// Tiles whose players run in frames of their own (?videoFrame=auto, the default), in real Debian Chromium
// against the real host and stream server: the wall at 127.0.0.1 frames the shell at localhost, a
// site of its own, so Chromium plays the video in another renderer process — whose memory is given
// back when its frame goes. Asserted: the tile plays inside a frame that was loaded before the
// alarm came (a warm one from the pool, moved, not reloaded), the frame's own <video> advances and
// decodes frames, figures reach the tile's badge, "signal lost" and recovery (a 404, a stalled
// stream) cross the frame boundary, closing removes the frame and the pool fills up again,
// messages from anyone but the frame are ignored, the frame's process is not the wall's, a crash
// of that process costs the tile a "signal lost" and a new frame, not the wall, and warm frames
// that died unseen in the pool are replaced at once when an alarm takes one.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiosk } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import type { WallShell } from '../../helpers/wall.js';
import type { VideoDebug } from '../../../renderer/src/video/debug';
import { launchChromium } from '../../helpers/chromium.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm, tileSelector, waitTilePlaying } from '../../helpers/video-tiles.js';
import { closeWallTest, openVideoWall, startWallHost } from '../../helpers/wall.js';
import { missing } from '../../helpers/assets.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const SHOTS = join(repo, 'test-results', 'video');
const GRACE_MS = 1500;
/** how often the loops below read the page over CDP (a poll, not a settle) */
const POLL_MS = 100;
/**
 * A measured period: the frame's <video> must advance by more than half of it (0.6 s) while it runs.
 */
const PLAY_WINDOW_MS = 1200;
/**
 * How long a crash is given to answer: the CDP session dies with the process, so Page.crash may
 * fail, or never answer — a bound on a call, not a settle (the tests then wait for the crash's
 * consequences).
 */
const CRASH_ANSWER_MS = 3000;

const haveVideo = DEMO_VIDEO_AVAILABLE;
const kiosks = DEMO_KIOSKS;

type Hooked = Window & { __watchfloor: { video: VideoDebug } };

let host: Host;
let web: WallShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];

const publishAlarm = (id: string, k: Kiosk, status: 'open' | 'closed' = 'open') => publishKioskAlarm(client, id, k, status);
const tileSel = tileSelector;
const stats = (cameraId: string) => page.evaluate((cam) => (window as unknown as Hooked).__watchfloor.video.stats(cam), cameraId);

/** The video frame inside a camera's tile (Playwright sees out-of-process frames as frames too). */
async function frameOf(cameraId: string): Promise<Frame> {
  const handle = await page.waitForSelector(`${tileSel(cameraId)} iframe.video-frame`, { timeout: 5_000 });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the tile has no frame');
  return frame;
}

/** What the frame's own <video> says: time, decoded frames, readiness. */
async function probe(frame: Frame) {
  return frame.evaluate(() => {
    const v = document.querySelector('video');
    const q = v?.getVideoPlaybackQuality();
    return { origin: location.origin, currentTime: v?.currentTime ?? -1, decoded: q?.totalVideoFrames ?? 0, readyState: v?.readyState ?? 0, videos: document.querySelectorAll('video').length };
  });
}

const waitPlaying = (cameraId: string, timeout?: number) => waitTilePlaying(page, cameraId, timeout);
const pool = () => page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.framePool());
/** Waits until the pool holds `size` warm frames. */
const poolFull = (p: Page = page) => p.waitForFunction(() => { const p = (window as unknown as Hooked).__watchfloor.video.framePool(); return !!p && p.size > 0 && p.warm === p.size; }, null, { timeout: 30_000, polling: 100 });
const POOL_FULL = '(() => { const p = window.__watchfloor.video.framePool(); return p.warm === p.size; })()';

/** Kills the renderer process a frame runs in (all the frames of its site with it). */
async function crashProcessOf(p: Page, frame: Frame): Promise<void> {
  const session = await p.context().newCDPSession(frame);
  // the session dies with the process: the call may fail, or never answer (then it closes, or the bound runs out)
  const closed = new Promise<void>((r) => session.once('close', () => r()));
  await Promise.race([session.send('Page.crash').catch(() => undefined), closed, new Promise((r) => setTimeout(r, CRASH_ANSWER_MS))]);
}

type RawPage = { read: <T>(expression: string) => Promise<T>; until: (what: string, expression: string, timeoutMs: number) => Promise<void>; exceptions: string[] };
const raws = new Map<Page, RawPage>();
/**
 * A page over a CDP session of our own: Playwright takes a crashed out-of-process frame for a
 * crashed page and will not evaluate in it after that. Open it before the crash. Its exceptions are
 * collected too.
 */
async function rawPage(p: Page): Promise<RawPage> {
  const known = raws.get(p);
  if (known) return known;
  const cdp = await p.context().newCDPSession(p);
  const exceptions: string[] = [];
  cdp.on('Runtime.exceptionThrown', (e) => exceptions.push(e.exceptionDetails.text));
  await cdp.send('Runtime.enable');
  const read = async <T>(expression: string): Promise<T> => (await cdp.send('Runtime.evaluate', { expression, returnByValue: true })).result.value as T;
  const until = async (what: string, expression: string, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!(await read<boolean>(expression))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const raw = { read, until, exceptions };
  raws.set(p, raw);
  return raw;
}

/** When the frame's document was loaded (epoch ms). */
const loadedAt = (frame: Frame) => frame.evaluate(() => performance.timeOrigin);

beforeAll(async () => {
  if (!haveVideo) return;
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  // web.url is http://127.0.0.1:<port>; 'auto' frames the same shell as http://localhost:<port>
  page = await openVideoWall(browser, `${web.url}/?videoFrame=auto&videoGraceMs=${GRACE_MS}&videoPerAlarm=1`, { width: 1920, height: 1080 }, pageErrors);
});

afterAll(() => closeWallTest({ browser, client, web, host }));

describe.skipIf(missing(haveVideo && kiosks.length >= 3, 'demo video and kiosks (npm run build:video, build:data)'))('tiles playing in frames of their own', () => {
  it('plays an alarm’s camera inside a warm frame from the other loopback name', async () => {
    const k = kiosks[0];
    await poolFull();
    const before = (await pool())!;
    const alarmAt = Date.now();
    await publishAlarm('vf-1', k);
    await page.waitForSelector(tileSel(k.cameraId), { timeout: 5_000 });
    const frame = await frameOf(k.cameraId);
    await waitPlaying(k.cameraId);
    // the frame was loaded before the alarm came: taken from the pool and moved, not reloaded
    expect(await loadedAt(frame)).toBeLessThan(alarmAt);
    const after = (await pool())!;
    expect(after.taken).toBe(before.taken + 1);
    expect(after.misses).toBe(before.misses);
    expect(await page.locator('[data-testid="video-frame-pool"] iframe').count()).toBe(after.warm + after.loading);
    // the picture is the frame's: no <video> in the wall page, one in the frame, and it moves
    expect(await page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
    const a = await probe(frame);
    expect(a.origin).toBe(web.url.replace('127.0.0.1', 'localhost'));
    expect(a.videos).toBe(1);
    await page.waitForTimeout(PLAY_WINDOW_MS);
    const b = await probe(frame);
    expect(b.currentTime - a.currentTime, 'the frame’s video advances').toBeGreaterThan(0.6);
    expect(b.decoded).toBeGreaterThan(a.decoded);
    // its figures reach the tile: a live badge with the measured latency
    const s = (await stats(k.cameraId))!;
    expect(s.latencySec).not.toBeNull();
    expect(s.latencySec!).toBeGreaterThan(0);
    expect(s.latencySec!).toBeLessThan(6);
    await expect(page.locator(`${tileSel(k.cameraId)} [data-testid="video-latency"]`).getAttribute('data-badge')).resolves.toMatch(/live|delayed/);
    await page.locator(tileSel(k.cameraId)).screenshot({ path: join(SHOTS, 'frame-tile.png') });
  });

  it('runs the frame in a renderer process other than the wall’s', async () => {
    const k = kiosks[0];
    const frame = await frameOf(k.cameraId);
    // Chromium's own answer: an out-of-process frame has a target (and a session) of its own
    const session = await page.context().newCDPSession(frame);
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as { targetInfo: { type: string; url: string } };
    expect(targetInfo.type).toBe('iframe');
    expect(targetInfo.url).toContain('/video-frame.html');
    await session.detach();
  });

  it('ignores messages that do not come from the tile’s frame', async () => {
    const k = kiosks[0];
    const before = (await stats(k.cameraId))!;
    // a forged report posted by the page itself, in the frame's protocol; then a marker of our own.
    // Posted messages arrive in order: when the marker does, every listener has had the forgery
    // (and the tile takes a report at once, in its listener)
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const forged = { state: 'retrying', src: 'x', live: true, playing: false, currentTime: 0, latencySec: null, firstFrameMs: null, firstFrameAt: null, startedAt: 0, errors: 99, fatalErrors: 0, recoveries: 0, rebuilds: 0, retryAt: null, lastError: 'forged', recentErrors: [], alignedReloads: 0, earlyReloads: 0, lowLatency: null };
          const marker = 'e2e: after the forgery';
          const heard = (e: MessageEvent) => {
            if (e.data !== marker) return;
            window.removeEventListener('message', heard);
            resolve();
          };
          window.addEventListener('message', heard);
          window.postMessage({ p: 'watchfloor-video-frame/1', m: { t: 'stats', stats: forged } }, '*');
          window.postMessage(marker, '*');
        }),
    );
    const after = (await stats(k.cameraId))!;
    expect(after.lastError).not.toBe('forged');
    expect(after.state).toBe('playing');
    expect(after.errors).toBe(before.errors);
  });

  it('shows "signal lost" when the stream fails and recovers when it returns, across the frame', async () => {
    const k = kiosks[0];
    web.video.setFault(k.cameraId, 'http404');
    const lost = page.locator(`${tileSel(k.cameraId)} [data-testid="signal-lost"]`);
    await lost.waitFor({ timeout: 15_000 });
    await expect(lost.locator('[data-testid="retry-countdown"]').textContent()).resolves.toMatch(/秒后重试|正在重连/);
    expect((await stats(k.cameraId))!.lastError).toMatch(/networkError/);
    // the wall page's overlay lies over the frame's picture (look at it)
    await page.locator(tileSel(k.cameraId)).screenshot({ path: join(SHOTS, 'frame-tile-lost.png') });
    web.video.setFault(k.cameraId, 'none');
    await lost.waitFor({ state: 'detached', timeout: 15_000 });
    await waitPlaying(k.cameraId);
  });

  it('shows "signal lost" when the stream stalls (no answer, a frozen playlist) and recovers when it moves again', async () => {
    const k = kiosks[0];
    await waitPlaying(k.cameraId);
    const before = (await stats(k.cameraId))!;
    // the server stops: the playlist stops growing and segment requests hang (up to 10 s, then 504)
    web.video.setFault(k.cameraId, 'stall');
    const lost = page.locator(`${tileSel(k.cameraId)} [data-testid="signal-lost"]`);
    // what is buffered plays out, then the player's watchdog (6 s without progress) or hls.js's own timeouts give up
    await lost.waitFor({ timeout: 20_000 });
    const during = (await stats(k.cameraId))!;
    expect(during.state).toBe('retrying');
    expect(during.errors).toBeGreaterThan(before.errors);
    expect(during.lastError).toMatch(/stall|timeout/i);
    console.log(`[frame] stall reported as: ${during.lastError}`);
    web.video.setFault(k.cameraId, 'none');
    await lost.waitFor({ state: 'detached', timeout: 20_000 });
    await waitPlaying(k.cameraId, 20_000);
  });

  it('removes the frame when the alarm’s tiles go, leaves nothing playing, and fills the pool again', async () => {
    const k = kiosks[0];
    const frame = await frameOf(k.cameraId);
    await publishAlarm('vf-1', k, 'closed');
    await page.waitForSelector(tileSel(k.cameraId), { state: 'detached', timeout: GRACE_MS + 5_000 });
    expect(await page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.videoElements())).toBe(0);
    // Playwright hears of the frame's removal by an event of its own, which may come a little after
    // the tile left the DOM: wait for it
    await expect.poll(() => frame.isDetached(), { timeout: 5_000, interval: 50 }).toBe(true);
    await poolFull();
    // what is left are the warm frames, waiting with no player
    const left = page.frames().filter((f) => f.url().includes('/video-frame.html'));
    expect(left).toHaveLength((await pool())!.size);
    for (const f of left) expect((await probe(f)).videos).toBe(0);
  });

  it('plays twelve alarms at once, each in a warm frame that answers, none dropped as silent', async () => {
    // a burst: every tile takes a warm frame (moved, not reloaded) and hears from it. A wall that
    // takes a live warm frame for dead (no answer within 3 s) empties the pool and loads frames of
    // its own, and the next tiles do the same. (The soak found such a storm — 24 flushes in 100 s —
    // when frames' messages were routed by the window object a frame had when it was taken; this
    // burst did not reproduce that one, but fails on a storm: with the 3 s cut to 1 ms, 3 misses.)
    const ks = kiosks.filter((k, i) => kiosks.findIndex((x) => x.cameraId === k.cameraId) === i).slice(0, 12);
    await poolFull();
    const before = (await pool())!;
    await Promise.all(ks.map((k, i) => publishAlarm(`vf-burst-${i}`, k)));
    for (const k of ks) await waitPlaying(k.cameraId, 30_000);
    const after = (await pool())!;
    expect(after.taken - before.taken, 'warm frames taken').toBe(ks.length);
    expect(after.misses - before.misses, 'tiles that loaded a frame of their own').toBe(0);
    expect(after.flushed - before.flushed, 'pool emptied because a frame seemed dead').toBe(0);
    for (const k of ks) expect((await stats(k.cameraId))!.rebuilds, `${k.cameraId} rebuilt`).toBe(0);
    await Promise.all(ks.map((k, i) => publishAlarm(`vf-burst-${i}`, k, 'closed')));
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().length === 0, null, { timeout: GRACE_MS + 10_000 });
  });

  it('moves new frames to frames.localhost after so many tiles, moves the tiles left open there without a gap, removes a stray frame of the old name, and comes back', async () => {
    // a wall of its own that switches after every 2 frames and moves the old name's tiles 1 s later:
    // the first name's process can only end (and give back what Chromium's media stack kept) when
    // no frame of it is left, warm ones, a long incident's tiles and frames nothing owns included
    // (drain time 0: the unit tests hold the wait before an emptied name is used again)
    const errors: string[] = [];
    const wall = await openVideoWall(browser, `${web.url}/?videoFrame=auto&videoGraceMs=${GRACE_MS}&videoPerAlarm=1&videoFramePool=2&videoFrameRotate=2&videoFrameMigrateMs=1000&videoFrameDrainMs=0`, { width: 1920, height: 1080 }, errors);
    const first = web.url.replace('127.0.0.1', 'localhost');
    const second = web.url.replace('127.0.0.1', 'frames.localhost');
    const ks = kiosks.filter((k, i) => kiosks.findIndex((x) => x.cameraId === k.cameraId) === i).slice(0, 3);
    const wallPool = () => wall.evaluate(() => (window as unknown as Hooked).__watchfloor.video.framePool()!);
    const framesFrom = (origin: string) => wall.frames().filter((f) => f.url().startsWith(`${origin}/video-frame.html`)).length;
    const frameOrigin = async (cameraId: string) => {
      const handle = await wall.waitForSelector(`${tileSel(cameraId)} iframe.video-frame`, { timeout: 5_000 });
      return (await handle.contentFrame())!.evaluate(() => location.origin);
    };
    // every tile state the page shows from the tile's first picture until the tiles have moved,
    // sampled in the page every 5 ms (a loading state between two frames lasts a few of the frame's
    // reports, easily missed from outside; and the move may begin before the test sees both tiles
    // playing). A live stream may stall for a moment on its own (buffering, the last picture held),
    // which is not the gap this test is about.
    type Sampled = Window & { __sampled?: { seen: Set<string>; timer: ReturnType<typeof setInterval> } };
    const sampleStates = (cams: string[]) =>
      wall.evaluate((cs) => {
        const w = window as unknown as Hooked & Sampled;
        const seen = new Set<string>();
        const pictured = new Set<string>();
        const read = () => {
          for (const c of cs) {
            const st = w.__watchfloor.video.stats(c);
            if (!pictured.has(c)) {
              if (st?.state === 'playing' && st.firstFrameAt !== null) pictured.add(c);
              else continue;
            }
            if (!st) seen.add('none');
            else seen.add(`${st.state === 'buffering' ? 'playing' : st.state}${st.firstFrameAt === null ? ' (no picture)' : ''}`);
          }
        };
        w.__sampled = { seen, timer: setInterval(read, 5) };
      }, cams);
    const sampledStates = () =>
      wall.evaluate(() => {
        const w = window as unknown as Sampled;
        clearInterval(w.__sampled!.timer);
        return [...w.__sampled!.seen];
      });
    const warnings: string[] = [];
    wall.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    try {
      await poolFull(wall);
      expect((await wallPool()).origin).toBe(first);
      // a frame of the first name that no tile or pool owns (as if something had lost track of it)
      await wall.evaluate((src) => {
        const f = document.createElement('iframe');
        f.className = 'video-frame';
        f.src = src;
        document.body.appendChild(f);
      }, `${first}/video-frame.html`);
      const cams = ks.slice(0, 2).map((k) => k.cameraId);
      await sampleStates(cams);
      // the first tile plays in the first name's frame before the second opens and turns the
      // generations: it has a picture to keep when it moves. (Under load a warm frame may not
      // answer in time and the tile loads a frame again, turning the generations itself: then it
      // has moved already, and only the second tile's move is watched. Said, not failed.)
      await publishAlarm('vf-rot-1', ks[0]);
      await waitTilePlaying(wall, ks[0].cameraId, 30_000);
      if ((await frameOrigin(ks[0].cameraId)) !== first) console.warn(`${ks[0].cameraId} played in a frame of the second name already (pool: ${JSON.stringify(await wallPool())})`);
      await publishAlarm('vf-rot-2', ks[1]);
      await waitTilePlaying(wall, ks[1].cameraId, 30_000);
      // two frames from the first name: the next come from the second, and so does the pool
      expect(await wallPool()).toMatchObject({ origin: second, rotations: 1 });
      // the two tiles stay open; a second later they move to the second name's frames, one by one,
      // each showing its old picture until the new frame has one: no state but playing (or a live
      // stall, buffering, with the picture held) on the way
      const end = Date.now() + 20_000;
      while (framesFrom(first) > 0) {
        if (Date.now() > end) throw new Error(`the first name still has ${framesFrom(first)} frame(s) 20 s after the switch`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      expect(await sampledStates()).toEqual(['playing']);
      for (const c of cams) expect(await frameOrigin(c)).toBe(second);
      for (const c of cams) await waitTilePlaying(wall, c, 10_000);
      // the stray went once the tiles had moved, counted and said
      expect((await wallPool()).strays).toBe(1);
      expect(warnings.filter((w) => w.includes('earlier generation'))).toHaveLength(1);
      // none of the first name's frames is left, so its process can end; the next frame opened
      // turns the generations back to it (a new process)
      await publishAlarm('vf-rot-3', ks[2]);
      await waitTilePlaying(wall, ks[2].cameraId, 30_000);
      expect(await wallPool()).toMatchObject({ origin: first, rotations: 2 });
      expect(errors).toEqual([]);
    } finally {
      for (const [i, k] of ks.entries()) await publishAlarm(`vf-rot-${i + 1}`, k, 'closed');
      await wall.close();
    }
  });

  it('a frame its wall no longer holds stops its player by itself; the frames the wall holds hear that they are held', async () => {
    // Chromium can keep a frame alive after the wall removed its element (seen here under load,
    // some still playing). A frame that hears nothing from its wall for ?videoFrameOrphanMs= stops
    // its player and empties; the wall tells its tiles' frames every second, and the pool its warm
    // ones every 5 s (a quarter of the limit when that is shorter). A frame made by hand below is one nobody holds.
    const ORPHAN_MS = 4000;
    const errors: string[] = [];
    const leftBehind: string[] = [];
    const wall = await openVideoWall(browser, `${web.url}/?videoFrame=auto&videoGraceMs=${GRACE_MS}&videoPerAlarm=1&videoFramePool=2&videoFrameOrphanMs=${ORPHAN_MS}`, { width: 1920, height: 1080 }, errors);
    wall.on('console', (m) => {
      if (m.type() === 'warning' && m.text().includes('left behind')) leftBehind.push(m.text());
    });
    const k = kiosks[2];
    const first = web.url.replace('127.0.0.1', 'localhost');
    try {
      await poolFull(wall);
      await publishAlarm('vf-orphan', k);
      await waitTilePlaying(wall, k.cameraId, 30_000);
      const tileFrame = (await (await wall.waitForSelector(`${tileSel(k.cameraId)} iframe.video-frame`, { timeout: 5_000 })).contentFrame())!;
      const born = await loadedAt(tileFrame);
      const src = (await wall.evaluate((cam) => (window as unknown as Hooked).__watchfloor.video.stats(cam)!.src, k.cameraId))!;
      const hash = new URLSearchParams({ parent: web.url, src, live: '1', orphanMs: String(ORPHAN_MS) });
      await wall.evaluate((url) => {
        const f = document.createElement('iframe');
        f.id = 'unheld';
        f.src = url;
        document.body.appendChild(f);
      }, `${first}/video-frame.html#${hash}`);
      const unheld = (await (await wall.waitForSelector('#unheld')).contentFrame())!;
      // it plays (its source came in its URL), then, told nothing more, stops and empties
      await expect.poll(() => unheld.evaluate(() => document.querySelectorAll('video').length), { timeout: 15_000, interval: POLL_MS }).toBe(1);
      await expect.poll(() => unheld.evaluate(() => document.body.childElementCount), { timeout: 15_000, interval: POLL_MS }).toBe(0);
      // the tile's frame, told every second, plays on in the same document past three limits and a check
      await expect.poll(() => tileFrame.evaluate(() => performance.now()), { timeout: 30_000, interval: 250 }).toBeGreaterThan(3 * ORPHAN_MS + 5000);
      expect(await loadedAt(tileFrame)).toBe(born);
      const a = await probe(tileFrame);
      await expect.poll(async () => (await probe(tileFrame)).currentTime - a.currentTime, { timeout: 10_000, interval: POLL_MS }).toBeGreaterThan(0.5);
      expect((await probe(tileFrame)).videos).toBe(1);
      await waitTilePlaying(wall, k.cameraId, 5_000);
      // and the warm frames did not take themselves for left behind either: one frame did
      expect(leftBehind).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await publishAlarm('vf-orphan', k, 'closed');
      await wall.close();
    }
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  // last: Playwright takes a crashed frame for a crashed page, so from here on the page is read
  // over a CDP session of our own
  it('survives a crash of the frames’ process: "signal lost", then a new frame, and a new pool', async () => {
    const k = kiosks[1];
    await poolFull();
    await publishAlarm('vf-2', k);
    const frame = await frameOf(k.cameraId);
    await waitPlaying(k.cameraId);
    const before = (await pool())!;
    const { read, until, exceptions } = await rawPage(page);
    const stat = `window.__watchfloor.video.stats(${JSON.stringify(k.cameraId)})`;
    await crashProcessOf(page, frame);
    // the frame falls silent: the tile says so and counts down, the wall page carries on
    await until('signal lost', `!!document.querySelector('${tileSel(k.cameraId)} [data-testid="signal-lost"]')`, 15_000);
    expect(await read<string>(`${stat}.lastError`)).toBe('video frame silent');
    await until('playing again', `(() => { const s = ${stat}; return !!s && s.state === 'playing' && s.firstFrameAt !== null && s.currentTime > 0.3; })()`, 20_000);
    // in a frame of its own, loaded after the crash: the warm ones died with the process and were dropped
    const after = await read<{ misses: number; flushed: number; taken: number }>('window.__watchfloor.video.framePool()');
    expect(after.flushed).toBe(before.flushed + 1);
    expect(after.misses).toBe(before.misses + 1);
    expect(after.taken).toBe(before.taken);
    expect(await read<string>(`document.querySelector('${tileSel(k.cameraId)} iframe.video-frame').src`)).toContain('src=');
    // and the pool fills again, in a new process
    await until('the pool full again', POOL_FULL, 30_000);
    // the tile goes with its alarm
    await publishAlarm('vf-2', k, 'closed');
    await until('the tile gone', `!document.querySelector('${tileSel(k.cameraId)}')`, GRACE_MS + 5_000);
    expect(exceptions).toEqual([]);
  });

  it('replaces a warm frame that died in the pool at once, with no "signal lost"', async () => {
    const k = kiosks[2];
    // a wall of its own (Playwright still trusts it): its pool's frames are crashed with no tile open
    const errors: string[] = [];
    const wall = await openVideoWall(browser, `${web.url}/?videoFrame=auto&videoGraceMs=${GRACE_MS}&videoPerAlarm=1`, { width: 1920, height: 1080 }, errors);
    await poolFull(wall);
    const { read, until, exceptions } = await rawPage(wall);
    const before = await read<{ misses: number; flushed: number; taken: number }>('window.__watchfloor.video.framePool()');
    const warm = wall.frames().find((f) => f.url().includes('/video-frame.html'));
    expect(warm, 'a warm frame').toBeTruthy();
    await crashProcessOf(wall, warm!);
    const alarmAt = Date.now();
    await publishAlarm('vf-3', k);
    // the tile takes a dead frame, hears nothing, and loads one of its own; it never says "signal lost"
    const states = new Set<string>();
    const stat = `window.__watchfloor.video.stats(${JSON.stringify(k.cameraId)})`;
    for (;;) {
      const s = await read<{ state: string; firstFrameAt: number | null; currentTime: number } | null>(stat);
      if (s) states.add(s.state);
      if (s && s.state === 'playing' && s.firstFrameAt !== null && s.currentTime > 0.3) break;
      if (Date.now() - alarmAt > 15_000) throw new Error(`not playing 15 s after the alarm (states seen: ${[...states].join(', ')})`);
      expect(await read<boolean>(`!!document.querySelector('${tileSel(k.cameraId)} [data-testid="signal-lost"]')`)).toBe(false);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    expect(states.has('retrying')).toBe(false);
    const after = await read<{ misses: number; flushed: number; taken: number }>('window.__watchfloor.video.framePool()');
    expect(after.taken).toBe(before.taken + 1);
    expect(after.flushed).toBe(before.flushed + 1);
    expect(after.misses).toBe(before.misses + 1);
    console.log(`[frame] a dead warm frame replaced: playing ${Date.now() - alarmAt} ms after the alarm`);
    await until('the pool full again', POOL_FULL, 30_000);
    expect(exceptions).toEqual([]);
    expect(errors).toEqual([]);
    await publishAlarm('vf-3', k, 'closed');
    await wall.close();
  });
});

// Video tiles that open by themselves next to new alarms, in real Debian Chromium against the real
// host and the demo stream server: open → playing beside the alarm, grace period after closing,
// "signal lost" and recovery, pinning, closing by the operator, enlarging, the recording.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { type Browser, type Page, type Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kiosk } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import type { WallShell } from '../../helpers/wall.js';
import type { VideoDebug, VideoTileDebug } from '../../../renderer/src/video/debug';
import { launchChromium } from '../../helpers/chromium.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm, tileSelector, waitTilePlaying } from '../../helpers/video-tiles.js';
import { closeWallTest, openVideoWall, startWallHost } from '../../helpers/wall.js';
import { missing } from '../../helpers/assets.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const SHOTS = join(repo, 'test-results', 'video');
const GRACE_MS = 3000;
/**
 * A measured period, not a settle: long enough past a close for the grace period to run out and
 * the planner's once-a-second pass to let the tiles go (a pinned one must still be there).
 */
const PAST_GRACE_MS = GRACE_MS + 1500;

const haveVideo = DEMO_VIDEO_AVAILABLE;
const kiosks = DEMO_KIOSKS;

type Hooked = Window & { __watchfloor: { video: VideoDebug; map: () => { project: (p: [number, number]) => { x: number; y: number } } | null } };

let host: Host;
let web: WallShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];

/** alarms a test left open: closed after it, so each test starts from a wall without tiles */
const openAlarms = new Map<string, Kiosk>();
const publishAlarm = (id: string, k: Kiosk, status: 'open' | 'closed' = 'open', extra: Record<string, unknown> = {}) => {
  if (status === 'open') openAlarms.set(id, k);
  else openAlarms.delete(id);
  return publishKioskAlarm(client, id, k, status, extra);
};

const tiles = (): Promise<VideoTileDebug[]> => page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.tiles());
const tileOf = async (cameraId: string) => (await tiles()).find((t) => t.cameraId === cameraId);
const tileSel = tileSelector;
/** Has the video planner plan now from the model as it is, rather than at its next throttled pass. */
const flushPlan = () => page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.flush());

/** Waits until the camera's tile shows frames and its time advances. */
async function waitPlaying(cameraId: string, timeout = 15_000): Promise<void> {
  await waitTilePlaying(page, cameraId, timeout);
  const a = (await tileOf(cameraId))!.stats!.currentTime;
  // its time advances: wait for it (a stuck player fails here)
  await page.waitForFunction(
    ([c, from]) => ((window as unknown as Hooked).__watchfloor.video.tiles().find((t) => t.cameraId === c)?.stats?.currentTime ?? 0) - from > 0.6,
    [cameraId, a] as const,
    { timeout: 10_000 },
  );
}

interface Beside {
  rect: { x: number; y: number; w: number; h: number };
  /** the alarm's projected point */
  p: { x: number; y: number };
  /** from the alarm's point to the tile's nearest edge (0 inside) */
  gap: number;
}

/**
 * A tile and its alarm's point, read in one go once the map has taken its container's size: the
 * map area changes height when a banner above it comes or goes, and maplibre follows its
 * container up to 50 ms later (its resize is throttled) — a tile read before and a point read
 * after would be from two different maps (seen: 41 px apart).
 */
async function besideAlarm(cameraId: string, lon: number, lat: number): Promise<Beside> {
  const h = await page.waitForFunction(
    ([c, lon, lat]) => {
      const canvas = document.querySelector('.maplibregl-canvas')?.getBoundingClientRect();
      const wall = document.querySelector('.video-wall')?.getBoundingClientRect();
      if (!canvas || !wall || Math.abs(canvas.height - wall.height) > 1 || Math.abs(canvas.width - wall.width) > 1) return null;
      const w = window as unknown as Hooked;
      const rect = w.__watchfloor.video.tiles().find((t) => t.cameraId === c)?.rect;
      if (!rect) return null;
      const p = w.__watchfloor.map()!.project([lon, lat]);
      const gap = Math.hypot(Math.max(rect.x - p.x, 0, p.x - (rect.x + rect.w)), Math.max(rect.y - p.y, 0, p.y - (rect.y + rect.h)));
      return { rect, p: { x: p.x, y: p.y }, gap };
    },
    [cameraId, lon, lat] as const,
    { timeout: 5_000 },
  );
  return (await h.jsonValue()) as Beside;
}

beforeAll(async () => {
  if (!haveVideo) return;
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  // players in the page itself (?videoFrame=off): frame.test.ts covers the default, a frame each
  page = await openVideoWall(browser, `${web.url}/?videoGraceMs=${GRACE_MS}&videoFrame=off`, { width: 1920, height: 1080 }, pageErrors);
});

afterAll(() => closeWallTest({ browser, client, web, host }));

// Each test sets up the alarms it needs; what it leaves is cleared here: its alarms closed, pins
// and enlargement let go, and every tile gone after the grace period.
afterEach(async () => {
  if (!haveVideo) return;
  await page.keyboard.press('Escape');
  for (const [id, k] of [...openAlarms]) await publishAlarm(id, k, 'closed');
  for (const pin of await page.locator('[data-testid="video-tile"][data-pinned="true"] [data-testid="video-pin"]').all()) await pin.click();
  await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().length === 0, null, { timeout: GRACE_MS + 8_000 });
});

/** A new alarm at a kiosk, and its camera's tile playing. */
async function alarmPlaying(id: string, k: Kiosk): Promise<void> {
  await publishAlarm(id, k);
  await page.waitForSelector(tileSel(k.cameraId!), { timeout: 5_000 });
  await waitPlaying(k.cameraId!);
}

describe.skipIf(missing(haveVideo && kiosks.length >= 2, 'demo video and kiosks (npm run build:video, build:data)'))('video tiles next to alarms', () => {
  it('opens a playing tile beside a new alarm by itself', async () => {
    const k = kiosks[0];
    const segments: Request[] = [];
    const onRequest = (r: Request) => {
      if (new URL(r.url()).pathname.endsWith('.ts')) segments.push(r);
    };
    page.on('request', onRequest);
    const t0 = Date.now();
    await publishAlarm('v-alarm-1', k);
    await page.waitForSelector(tileSel(k.cameraId), { timeout: 5_000 });
    await waitPlaying(k.cameraId);
    const openedIn = Date.now() - t0;
    expect(openedIn).toBeLessThan(8_000);
    page.off('request', onRequest);
    // live segments bypass the HTTP cache (seen once; kept, they would fill the disk cache and the
    // network service's memory): fetched with cache: 'no-store', which Chromium sends as Pragma: no-cache
    expect(segments.length).toBeGreaterThan(0);
    for (const r of segments) expect((await r.allHeaders()).pragma, `${r.url()} bypasses the cache`).toBe('no-cache');

    const all = (await tiles()).filter((t) => t.incidentId === 'v-alarm-1');
    const mine = all.find((t) => t.cameraId === k.cameraId)!;
    expect(['named', 'kiosk']).toContain(mine.reason); // the host names the kiosk's camera on the alarm
    expect(all.length).toBeGreaterThanOrEqual(1);
    expect(all.length).toBeLessThanOrEqual(3);
    // beside the alarm: floating, near its projected point but not over its marker
    expect(mine.layout).toBe('float');
    const { gap, rect: before, p } = await besideAlarm(k.cameraId, k.lon, k.lat);
    expect(gap, 'tile must not cover the alarm marker').toBeGreaterThan(12);
    expect(gap, 'tile should sit next to its alarm').toBeLessThan(250);
    // tiles do not overlap each other
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const a = all[i].rect!;
        const b = all[j].rect!;
        expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
      }
    // the same number on the tile, beside the marker and on the board row
    expect(mine.number).toBe(1);
    await expect(page.locator(`${tileSel(k.cameraId)} [data-testid="video-tile-number"]`).textContent()).resolves.toBe('1');
    await expect(page.locator('[data-testid="video-alarm-badge"][data-incident-id="v-alarm-1"]').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-testid="incident-row"][data-incident-id="v-alarm-1"] [data-testid="video-row-badge"]').textContent()).resolves.toBe('1');
    // the footer speaks of the alarm in words: its priority, kind and title, never its raw id
    const foot = (await page.locator(`${tileSel(k.cameraId)} .video-tile-foot`).textContent()) ?? '';
    expect(foot).not.toContain('v-alarm-1');
    expect(foot).toContain('P1 一键报警');
    // live badge with a measured latency
    const s = (await tileOf(k.cameraId))!.stats!;
    expect(s.latencySec).not.toBeNull();
    expect(s.latencySec!).toBeGreaterThan(0);
    expect(s.latencySec!).toBeLessThan(8);
    await expect(page.locator(`${tileSel(k.cameraId)} [data-testid="video-latency"]`).textContent()).resolves.toMatch(/^(实时|延迟) \d+\.\d 秒$/);
    console.log(`[tiles] ${all.length} tile(s) for the alarm, playing ${openedIn} ms after publish; first frame ${Math.round(s.firstFrameMs ?? -1)} ms after mount; latency ${s.latencySec?.toFixed(2)} s; gap to marker ${Math.round(gap)} px`);
    await page.screenshot({ path: join(SHOTS, 'tiles-open.png') });

    // it follows the map: pan by 120 px, the tile moves with its alarm (the map may move less
    // than asked vertically where it reaches its bounds: the alarm's own point is the reference)
    await page.evaluate(() => (window as unknown as { __watchfloor: { map: () => { panBy: (o: [number, number], opts: object) => void } } }).__watchfloor.map()!.panBy([-120, -40], { animate: false }));
    await page.waitForFunction(([c, x]) => (window as unknown as Hooked).__watchfloor.video.tiles().find((t) => t.cameraId === c)?.rect?.x !== x, [k.cameraId, before.x] as const, { timeout: 5_000 });
    const moved = await besideAlarm(k.cameraId, k.lon, k.lat);
    expect(moved.p.x - p.x, 'the map moved by the pan').toBeCloseTo(120, 0);
    expect(moved.rect.x - moved.p.x, 'the tile keeps its place beside the alarm').toBeCloseTo(before.x - p.x, 0);
    // vertically it keeps its offset too, unless that would take it into the header, a panel or
    // another tile: then the placement moves it where it may be, still beside its alarm
    if (Math.abs(moved.rect.y - moved.p.y - (before.y - p.y)) > 0.5) {
      expect(moved.gap, 'tile must not cover the alarm marker').toBeGreaterThan(12);
      expect(moved.gap, 'tile should sit next to its alarm').toBeLessThan(250);
    }
  });

  it('enlarges a tile and restores it with Esc; shows the recording at the alarm time', async () => {
    const cam = kiosks[0].cameraId;
    await alarmPlaying('v-enlarge', kiosks[0]);
    await page.click(`${tileSel(cam)} [data-testid="video-enlarge"]`);
    await page.waitForSelector(`${tileSel(cam)}[data-layout="enlarged"]`, { timeout: 2_000 });
    expect((await tileOf(cam))!.rect!.w).toBeGreaterThan(900);
    // the same player keeps playing (enlarging does not rebuild it)
    expect((await tileOf(cam))!.stats!.rebuilds).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${tileSel(cam)}[data-layout="float"]`, { timeout: 2_000 });

    await page.click(`${tileSel(cam)} [data-testid="video-recording"]`);
    await page.waitForSelector(`${tileSel(cam)}[data-mode="recording"]`, { timeout: 2_000 });
    await page.waitForFunction(
      (c) => {
        const s = (window as unknown as Hooked).__watchfloor.video.stats(c);
        return !!s && !s.live && s.src.includes('/video/vod/') && s.firstFrameAt !== null && s.currentTime > 0.5;
      },
      cam,
      { timeout: 10_000 },
    );
    const src = (await tileOf(cam))!.stats!.src;
    expect(src).toMatch(/start=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{3}Z&end=/);
    await page.click(`${tileSel(cam)} [data-testid="video-recording"]`);
    await page.waitForSelector(`${tileSel(cam)}[data-mode="live"]`, { timeout: 2_000 });
  });

  it('keeps a closed alarm\'s tiles for the grace period, then closes them', async () => {
    const k = kiosks[0];
    await publishAlarm('v-grace', k);
    await page.waitForSelector(tileSel(k.cameraId), { timeout: 5_000 });
    await publishAlarm('v-grace', k, 'closed');
    const closedAt = Date.now();
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('v-grace')?.status === 'closed', null, { timeout: 5_000 });
    // a plan made now, from the closed alarm and inside its grace period, keeps the tile (how long
    // it stays is measured below)
    await flushPlan();
    expect(await tileOf(k.cameraId), 'planned during the grace period').toBeTruthy();
    expect(await page.locator(tileSel(k.cameraId)).count(), 'still there during the grace period').toBe(1);
    await page.waitForSelector(tileSel(k.cameraId), { state: 'detached', timeout: GRACE_MS + 4_000 });
    const goneAfter = Date.now() - closedAt;
    expect(goneAfter).toBeGreaterThanOrEqual(GRACE_MS - 500);
    // nothing left behind: no player, no <video>
    expect(await page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.videoElements())).toBe(0);
    console.log(`[tiles] closed alarm's tiles gone ${goneAfter} ms after close (grace ${GRACE_MS} ms)`);
  });

  it('shows "signal lost" with a countdown when the stream fails, and recovers', async () => {
    const k = kiosks[1];
    await alarmPlaying('v-alarm-2', k);

    web.video.setFault(k.cameraId, 'http404');
    const lost = page.locator(`${tileSel(k.cameraId)} [data-testid="signal-lost"]`);
    await lost.waitFor({ timeout: 15_000 });
    await expect(lost.textContent()).resolves.toContain('信号中断');
    await expect(lost.locator('[data-testid="retry-countdown"]').textContent()).resolves.toMatch(/秒后重试|正在重连/);
    await page.screenshot({ path: join(SHOTS, 'tiles-signal-lost.png') });
    const failing = (await tileOf(k.cameraId))!.stats!;
    expect(failing.state).toBe('retrying');
    expect(failing.lastError).toMatch(/networkError/);

    web.video.setFault(k.cameraId, 'none');
    const t0 = Date.now();
    await lost.waitFor({ state: 'detached', timeout: 15_000 });
    await waitPlaying(k.cameraId, 15_000);
    const s = (await tileOf(k.cameraId))!.stats!;
    expect(s.rebuilds).toBeGreaterThanOrEqual(1);
    console.log(`[tiles] recovered ${Date.now() - t0} ms after the fault cleared (${s.rebuilds} rebuilds, ${s.errors} errors)`);
  });

  it('keeps a pinned tile after its alarm closes, and lets it go when unpinned', async () => {
    const k = kiosks[1];
    await alarmPlaying('v-pin', k);
    await page.click(`${tileSel(k.cameraId)} [data-testid="video-pin"]`);
    await page.waitForSelector(`${tileSel(k.cameraId)}[data-pinned="true"]`, { timeout: 2_000 });
    const others = (await tiles()).filter((t) => t.incidentId === 'v-pin' && t.cameraId !== k.cameraId).map((t) => t.cameraId);

    await publishAlarm('v-pin', k, 'closed');
    // what is tested is a duration: the pinned tile outlasts the grace period (the alarm's other
    // tiles, if it has any, are gone by then)
    await page.waitForTimeout(PAST_GRACE_MS);
    const left = await tiles();
    expect(left.map((t) => t.cameraId)).toContain(k.cameraId);
    for (const c of others) expect(left.map((t) => t.cameraId)).not.toContain(c);
    // still playing
    await waitPlaying(k.cameraId, 5_000);
    await page.screenshot({ path: join(SHOTS, 'tiles-pinned.png') });

    await page.click(`${tileSel(k.cameraId)} [data-testid="video-pin"]`);
    await page.waitForSelector(tileSel(k.cameraId), { state: 'detached', timeout: 3_000 });
  });

  it('closing a tile by hand keeps it closed for that alarm', async () => {
    const k = kiosks[2];
    await publishAlarm('v-alarm-3', k);
    await page.waitForSelector(tileSel(k.cameraId), { timeout: 5_000 });
    await page.click(`${tileSel(k.cameraId)} [data-testid="video-close"]`);
    await page.waitForSelector(tileSel(k.cameraId), { state: 'detached', timeout: 2_000 });
    // an update of the same alarm does not bring it back
    await publishAlarm('v-alarm-3', k, 'open', { detail: 'update' });
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('v-alarm-3')?.detail === 'update', null, { timeout: 5_000 });
    // the plan made from the update (now, not after the throttle) leaves it closed, and so does the page
    await flushPlan();
    expect(await tileOf(k.cameraId)).toBeUndefined();
    expect(await page.locator(tileSel(k.cameraId)).count()).toBe(0);
    await publishAlarm('v-alarm-3', k, 'closed');
  });

  it('docks what does not fit beside its alarm into the strip, numbered like its alarm', async () => {
    const crowd = kiosks.slice(4, 16);
    for (const [i, k] of crowd.entries()) await publishAlarm(`v-crowd-${i}`, k, 'open', { priority: (i % 3) + 1 });
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().length >= 12, null, { timeout: 8_000 });
    // every one of them laid out before the screenshot
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().every((t) => !t.incidentId.startsWith('v-crowd-') || t.layout !== undefined), null, { timeout: 8_000 });
    await page.screenshot({ path: join(SHOTS, 'tiles-crowded.png') });
    const all = (await tiles()).filter((t) => t.incidentId.startsWith('v-crowd-'));
    expect(all.length).toBeLessThanOrEqual(16);
    const floats = all.filter((t) => t.layout === 'float');
    const docked = all.filter((t) => t.layout === 'dock');
    expect(floats.length, JSON.stringify(all.map((t) => [t.cameraId, t.layout, t.rect]))).toBeGreaterThan(0);
    expect(floats.length).toBeLessThanOrEqual(8);
    expect(docked.length).toBe(all.length - floats.length);
    // nothing overlaps, everything inside the map, docked tiles in a strip at the bottom
    const area = await page.evaluate(() => {
      const r = document.querySelector('[data-testid="video-wall"]')!.getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    for (let i = 0; i < all.length; i++) {
      const a = all[i].rect!;
      expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= area.w + 0.5 && a.y + a.h <= area.h + 0.5, `${all[i].cameraId} inside`).toBe(true);
      for (let j = i + 1; j < all.length; j++) {
        const b = all[j].rect!;
        expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, `${all[i].cameraId} vs ${all[j].cameraId}`).toBe(false);
      }
    }
    for (const d of docked) expect(d.rect!.y + d.rect!.h).toBeGreaterThan(area.h * 0.6);
    // each docked tile carries its alarm's number, the same as on the board row
    for (const d of docked.slice(0, 3)) {
      const n = await page.locator(`${tileSel(d.cameraId)} [data-testid="video-tile-number"]`).textContent();
      expect(n).toBe(String(d.number));
      await expect(page.locator(`[data-testid="incident-row"][data-incident-id="${d.incidentId}"] [data-testid="video-row-badge"]`).textContent()).resolves.toBe(n);
    }
    console.log(`[tiles] crowded: ${all.length} tiles, ${floats.length} beside their alarms, ${docked.length} docked`);
    for (const [i, k] of crowd.entries()) await publishAlarm(`v-crowd-${i}`, k, 'closed');
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.tiles().length === 0, null, { timeout: GRACE_MS + 6_000 });
    expect(pageErrors).toEqual([]);
  });
});

// The wall's low-latency path against a real LL-HLS stream: two alarms in the real wall page (real
// host, MQTT, planner, TilePlayer with the wall's LIVE_TUNING, hls.js from node_modules, Debian
// Chromium), one camera registered with the demo server's LL-HLS playlist (/video/ll/, 0.4 s
// parts, blocking reloads), the other with the regular 2 s-segment one (/video/live/). Both play
// side by side; the LL one must have gone through parts and blocking reloads and be nearer live.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import type { WallShell } from '../../helpers/wall.js';
import type { PlayerStats } from '../../../renderer/src/video/player';
import type { VideoDebug } from '../../../renderer/src/video/debug';
import { launchChromium } from '../../helpers/chromium.js';
import { DEMO_KIOSKS } from '../../helpers/video-tiles.js';
import { closeWallTest, GENERATED, openVideoWall, startWallHost } from '../../helpers/wall.js';
import { missing } from '../../helpers/assets.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const SHOTS = join(repo, 'test-results', 'video');
const PREFIX = 'watchfloor/v1';
/** how often the settling players are read (a poll, not a settle) */
const POLL_MS = 250;
/** settled: this many readings in a row (a second at POLL_MS) at normal speed, the latency holding still */
const STILL_READINGS = 4;
const STILL_LATENCY_SEC = 0.05;
/**
 * A measured period: samples this far apart over four seconds — the latency of one frame is noisy,
 * its median is not, and the picture must have moved ~4 s by the last one.
 */
const SAMPLE_EVERY_MS = 1000;

const manifestPath = join(GENERATED, 'video/manifest.json');
const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { available?: boolean; ll?: { variants?: unknown[] } }) : null;
const haveLl = manifest?.available === true && (manifest.ll?.variants?.length ?? 0) > 0;
const kiosks = DEMO_KIOSKS;
const cameras: Camera[] = existsSync(join(GENERATED, 'demo/cameras.json')) ? JSON.parse(readFileSync(join(GENERATED, 'demo/cameras.json'), 'utf8')) : [];

type Hooked = Window & { __watchfloor: { video: VideoDebug } };

// two kiosks with distinct cameras, far enough apart that each alarm opens only its own camera
const withCamera = kiosks.filter((k, i) => k.cameraId && cameras.some((c) => c.id === k.cameraId) && kiosks.findIndex((x) => x.cameraId === k.cameraId) === i);
const llKiosk = withCamera[0];
const regularKiosk = withCamera[Math.floor(withCamera.length / 2)];

let host: Host;
let web: WallShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
let dir: string;
const pageErrors: string[] = [];

const stats = (cam: string): Promise<PlayerStats | null> => page.evaluate((c) => (window as unknown as Hooked).__watchfloor.video.stats(c), cam);

/** The playback rate of a camera's <video>: in its tile's frame (?videoFrame=auto), else in the tile itself. */
async function playbackRate(cam: string): Promise<number | null> {
  const tile = `[data-testid="video-tile"][data-camera-id="${cam}"]`;
  const frame = await (await page.$(`${tile} iframe.video-frame`))?.contentFrame();
  if (frame) return frame.evaluate(() => document.querySelector('video')?.playbackRate ?? null);
  return page.evaluate((sel) => document.querySelector<HTMLVideoElement>(`${sel} video`)?.playbackRate ?? null, tile);
}

/**
 * Waits until each player has settled on its target: hls.js plays a stream that is behind its
 * target latency faster (up to LIVE_TUNING's 1.25×) until it is there, so settled is
 * STILL_READINGS readings in a row at normal speed with the measured latency moving by at most
 * STILL_LATENCY_SEC. Both start behind their targets and take a few seconds.
 */
async function waitSettled(cams: string[], timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  const end = start + timeoutMs;
  const recent = new Map<string, { rate: number | null; latency: number | null }[]>(cams.map((c) => [c, []]));
  const still = (r: { rate: number | null; latency: number | null }[]) => {
    if (r.length < STILL_READINGS || r.some((x) => x.rate !== 1 || x.latency === null)) return false;
    const l = r.map((x) => x.latency!);
    return Math.max(...l) - Math.min(...l) <= STILL_LATENCY_SEC;
  };
  for (;;) {
    for (const c of cams) {
      const r = recent.get(c)!;
      r.push({ rate: await playbackRate(c), latency: (await stats(c))?.latencySec ?? null });
      if (r.length > STILL_READINGS) r.shift();
    }
    if (cams.every((c) => still(recent.get(c)!))) return Date.now() - start;
    if (Date.now() > end) throw new Error(`the players did not settle within ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(recent))}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

beforeAll(async () => {
  if (!haveLl || !llKiosk || !regularKiosk) return;
  mkdirSync(SHOTS, { recursive: true });
  // the demo registry, with one camera switched to the LL playlist of the same stream server
  dir = mkdtempSync(join(tmpdir(), 'wf-ll-'));
  const registry = cameras.map((c) => (c.id === llKiosk.cameraId ? { ...c, hls: `/video/ll/${c.id}.m3u8` } : c));
  writeFileSync(join(dir, 'cameras.json'), JSON.stringify(registry));
  ({ host, web } = await startWallHost({
    reference: { grids: join(GENERATED, 'geo/fuzhou-grids.geojson'), kiosks: join(GENERATED, 'demo/kiosks.json'), cameras: join(dir, 'cameras.json') },
  }));
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = await openVideoWall(browser, `${web.url}/?videoPerAlarm=1`, { width: 1600, height: 900 }, pageErrors, { connect: 15_000, map: 30_000 });
});

afterAll(async () => {
  await closeWallTest({ browser, client, web, host });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing(haveLl && !!llKiosk && !!regularKiosk, 'demo LL-HLS clips and kiosks (npm run build:video, build:data)'))('LL-HLS through the wall', () => {
  it('plays an LL-HLS camera through parts and blocking reloads, nearer live than a 2 s-segment one', async () => {
    const llCam = llKiosk.cameraId;
    const regCam = regularKiosk.cameraId;
    for (const [id, k] of [
      ['ll-alarm', llKiosk],
      ['regular-alarm', regularKiosk],
    ] as const) {
      const alarm = { id, ts: Date.now(), kind: 'sos', priority: 1, lat: k.lat, lon: k.lon, title: `${k.name} ${id}`, kioskId: k.id, status: 'open' };
      await client.publishAsync(`${PREFIX}/alarms/e2e`, JSON.stringify(alarm), { qos: 1 });
    }
    await page.waitForFunction(
      (cams) => cams.every((c) => (window as unknown as Hooked).__watchfloor.video.stats(c)?.firstFrameAt != null),
      [llCam, regCam],
      { timeout: 20_000, polling: 100 },
    );
    expect((await stats(llCam))!.src).toBe(`/video/ll/${llCam}.m3u8`);
    expect((await stats(regCam))!.src).toBe(`/video/live/${regCam}.m3u8`);
    const settledMs = await waitSettled([llCam, regCam]);

    // a few samples a second apart: the latency of one frame is noisy, its median is not
    const samples: { ll: PlayerStats; reg: PlayerStats }[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push({ ll: (await stats(llCam))!, reg: (await stats(regCam))! });
      if (i < 4) await page.waitForTimeout(SAMPLE_EVERY_MS);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const lat = (k: 'll' | 'reg') => median(samples.map((s) => s[k].latencySec ?? Number.NaN));
    const first = samples[0];
    const last = samples[samples.length - 1];

    for (const k of ['ll', 'reg'] as const) {
      expect(last[k].fatalErrors, `${k}: ${last[k].recentErrors.join(', ')}`).toBe(0);
      expect(last[k].rebuilds).toBe(0);
      expect(last[k].state).toBe('playing');
      // 4 s of wall time: the picture moved (a stalled or looping player would not advance ~4 s)
      expect(last[k].currentTime - first[k].currentTime).toBeGreaterThan(3);
      expect(Number.isFinite(lat(k))).toBe(true);
    }

    // hls.js took the low-latency path: parts in its playlist, blocking reloads, the server's
    // PART-HOLD-BACK as its target; and the server saw it ask for parts with _HLS_msn/_HLS_part
    const ll = last.ll.lowLatency;
    expect(ll).not.toBeNull();
    expect(ll!.canBlockReload).toBe(true);
    expect(ll!.parts).toBeGreaterThan(0);
    expect(ll!.partTargetSec).toBeGreaterThan(0);
    expect(last.reg.lowLatency).toBeNull();
    const server = web.video.llStats(llCam);
    expect(server.blocking).toBeGreaterThan(10);
    expect(server.held).toBeGreaterThan(5);
    expect(server.parts).toBeGreaterThan(10);
    expect(server.refused).toBe(0);
    expect(web.video.llStats(regCam).playlists).toBe(0);

    const llLat = lat('ll');
    const regLat = lat('reg');
    console.log(
      `[ll-hls] live latency: LL-HLS ${llLat.toFixed(2)} s (target ${ll!.targetLatencySec?.toFixed(2)} s, parts of ${ll!.partTargetSec} s, ${ll!.parts} listed) ` +
        `vs 2 s segments ${regLat.toFixed(2)} s (settled ${settledMs} ms after both first frames); first frame (tile mount → frame) LL ${Math.round(last.ll.firstFrameMs ?? -1)} ms, regular ${Math.round(last.reg.firstFrameMs ?? -1)} ms; ` +
        `server: ${server.blocking} blocking reloads (${server.held} held, ${server.timedOut} timed out), ${server.parts} parts, ${server.segments} whole segments`,
    );
    // nearer live by more than a part: hls.js aiming at PART-HOLD-BACK behind parts that appear as
    // they are made, not at the wall's 1.15 segments behind (which would leave only the fresher
    // edge, a tenth of a second or so)
    expect(llLat).toBeLessThan(regLat - ll!.partTargetSec);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'll-hls.png') });
  });
});

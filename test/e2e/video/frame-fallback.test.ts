// When video frames cannot be had — here the shell's other loopback name refuses every request, as
// on a PC whose `localhost` does not resolve — the wall gives up on frames after two that never
// loaded, says so in the console, and plays its tiles in the page instead: an alarm's camera still
// plays, and so does one whose tile opened while the wall still wanted frames. Real Debian Chromium, the real host and stream server; the refusal is Playwright's request
// routing, which sees the frames' requests too.
import mqtt, { type MqttClient } from 'mqtt';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import type { WallShell } from '../../helpers/wall.js';
import type { VideoDebug } from '../../../renderer/src/video/debug';
import { launchChromium } from '../../helpers/chromium.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm, tileSelector, waitTilePlaying } from '../../helpers/video-tiles.js';
import { closeWallTest, openVideoWall, startWallHost } from '../../helpers/wall.js';
import { missing } from '../../helpers/assets.js';

type Hooked = Window & { __watchfloor: { video: VideoDebug } };

let host: Host;
let web: WallShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
let refused = 0;

beforeAll(async () => {
  if (!DEMO_VIDEO_AVAILABLE) return;
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  // the frames' origin answers nothing
  const frames = new URL(web.url.replace('//127.0.0.1:', '//localhost:'));
  page = await openVideoWall(browser, `${web.url}/?videoGraceMs=1500&videoPerAlarm=1`, { width: 1920, height: 1080 }, pageErrors, {
    prepare: async (p) => {
      p.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await p.route(
        (u) => u.origin === frames.origin,
        (route) => {
          refused++;
          return route.abort('connectionrefused');
        },
      );
    },
  });
});

afterAll(() => closeWallTest({ browser, client, web, host }));

describe.skipIf(missing(DEMO_VIDEO_AVAILABLE && DEMO_KIOSKS.length >= 2, 'demo video and kiosks (npm run build:video, build:data)'))('video frames that cannot be had', () => {
  it('starts out wanting frames, gives up on them after two that never loaded, and says why; a tile already open moves into the page', async () => {
    expect(await page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.playersIn())).toBe('frame');
    // an alarm while the wall still wants frames: its tile waits on a frame that never comes
    const early = DEMO_KIOSKS[1];
    await publishKioskAlarm(client, 'vfb-0', early);
    await page.waitForSelector(`${tileSelector(early.cameraId)} iframe.video-frame`, { timeout: 5_000 });
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.video.playersIn() === 'page', null, { timeout: 30_000, polling: 200 });
    expect(refused, 'the frames were asked for, and refused').toBeGreaterThanOrEqual(2);
    expect(consoleErrors.some((t) => /video frames from http:\/\/localhost:\d+ did not load \(2 tries/.test(t)), consoleErrors.join('\n')).toBe(true);
    // no pool any more, and no frame left behind
    expect(await page.evaluate(() => (window as unknown as Hooked).__watchfloor.video.framePool())).toBeNull();
    expect(await page.locator('iframe.video-frame').count()).toBe(0);
    // the early tile plays, in the page
    await waitTilePlaying(page, early.cameraId);
    expect(await page.locator(`${tileSelector(early.cameraId)} video`).count()).toBe(1);
    await publishKioskAlarm(client, 'vfb-0', early, 'closed');
  });

  it('plays an alarm’s camera in the page instead', async () => {
    const k = DEMO_KIOSKS[0];
    await publishKioskAlarm(client, 'vfb-1', k);
    await page.waitForSelector(tileSelector(k.cameraId), { timeout: 5_000 });
    await waitTilePlaying(page, k.cameraId);
    expect(await page.locator(`${tileSelector(k.cameraId)} video`).count()).toBe(1);
    expect(await page.locator(`${tileSelector(k.cameraId)} iframe`).count()).toBe(0);
    await publishKioskAlarm(client, 'vfb-1', k, 'closed');
    await page.waitForSelector(tileSelector(k.cameraId), { state: 'detached', timeout: 8_000 });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

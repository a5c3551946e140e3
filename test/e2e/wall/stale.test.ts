// A wall that lost its feed must never look calm and live. In real Chromium against the web shell
// as its own process and Debian's Mosquitto: the feed stalling, the broker stopping, the server
// hanging (SIGSTOP: its sockets stay open, only heartbeats stop) and the server stopping. Each
// time a banner across the wall says what and since when, the figures are marked as old, and it
// all clears by itself on recovery. Screenshots at 1080p and 4K land in test-results/stale/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';
import { openWall, GENERATED } from '../../helpers/wall.js';
import { startWebProcess, type WebProcess } from '../../helpers/web-process.js';

const SHOTS = join(APP_ROOT, 'test-results', 'stale');
const PREFIX = 'watchfloor/v1';
/** the feed stalls after 3 s of silence here (60 s by default), units go stale after 4 s */
const config = (port = 0) => ({
  web: { port, heartbeatMs: 1000 },
  feed: { stallAfterMs: 3000, stallFactor: 3 },
  situation: { staleAfterMs: 4000, deltaIntervalMs: 50 },
  reconnect: { minMs: 200, maxMs: 1000 },
  reference: { grids: join(GENERATED, 'geo/fuzhou-grids.geojson'), kiosks: join(GENERATED, 'demo/kiosks.json'), cameras: join(GENERATED, 'demo/cameras.json') },
});

let mosquitto: Mosquitto;
let web: WebProcess;
let browser: Browser;
let page: Page;
let client: MqttClient;
let feeder: ReturnType<typeof setInterval> | null = null;
const errors: string[] = [];

/** One patrol reporting every 250 ms while on: the feed the wall hears. */
function feed(on: boolean): void {
  if (feeder) clearInterval(feeder);
  feeder = null;
  if (!on) return;
  let n = 0;
  feeder = setInterval(() => {
    // bounded: a test that forgets to stop it stops it after five minutes
    if (++n > 1200) return feed(false);
    if (client.connected) client.publish(`${PREFIX}/units/stale-p1/location`, JSON.stringify({ id: 'stale-p1', ts: Date.now(), kind: 'patrol', name: '鼓楼巡逻一组', lat: 26.08, lon: 119.29 }));
  }, 250);
}

const startWeb = (port = 0) => startWebProcess({ brokers: [mosquitto.url], ...config(port) });

const banner = () => page.locator('[data-testid="stale-banner"]');

/** The wall is live: no banner, figures not marked old, the feed's patrol on the map. */
async function waitLive(timeout = 20_000): Promise<void> {
  await banner().waitFor({ state: 'detached', timeout });
  await page.waitForSelector('[data-testid="header"][data-old="false"]', { timeout: 5_000 });
}

async function waitBanner(reason: string, timeout = 15_000): Promise<{ title: string; since: number }> {
  await page.waitForSelector(`[data-testid="stale-banner"][data-reason="${reason}"]`, { timeout });
  return {
    title: (await banner().locator('.stale-title').textContent()) ?? '',
    since: Number(await banner().getAttribute('data-since')),
  };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mosquitto = await startMosquitto();
  web = await startWeb();
  client = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 200 });
  feed(true);
  browser = await launchChromium();
  page = await openWall(browser, `${web.url}/`, { width: 1920, height: 1080 }, errors);
  await page.waitForFunction(() => window.__watchfloor!.store().units.get('stale-p1') !== undefined, null, { timeout: 10_000 });
}, 120_000);

afterAll(async () => {
  feed(false);
  await browser?.close();
  await client?.endAsync();
  if (web?.proc.signalCode === null) web.proc.kill('SIGCONT');
  await web?.stop();
  await mosquitto?.stop();
});

describe('a wall that is not live says so', () => {
  it('a stalled feed: an amber banner with since when, figures greyed; gone with the next message', async () => {
    feed(true);
    await waitLive();
    const stoppedAt = Date.now();
    feed(false);
    const b = await waitBanner('feed');
    expect(b.title).toContain('数据源中断');
    // since the last message, not since the banner came up
    expect(b.since).toBeLessThanOrEqual(stoppedAt + 1000);
    expect(b.since).toBeGreaterThan(stoppedAt - 5000);
    await expect(page.locator('[data-testid="header"]').getAttribute('data-old')).resolves.toBe('true');
    await page.screenshot({ path: join(SHOTS, 'feed-stalled-1080p.png') });
    feed(true);
    await waitLive();
  });

  it('the broker unreachable: a banner saying the services lost it, since when; clears when it is back', async () => {
    feed(true);
    await waitLive();
    await mosquitto.stop();
    const stoppedAt = Date.now();
    const b = await waitBanner('broker');
    expect(b.title).toContain('消息服务');
    expect(Math.abs(b.since - stoppedAt)).toBeLessThan(3000);
    await expect(page.locator('[data-testid="broker-line"] .conn-state').textContent()).resolves.toBe('离线');
    // the board cannot promise that nothing is open
    await expect(page.locator('[data-testid="board-empty"]').textContent()).resolves.toBe('数据中断：无法确认是否有新警情');
    await page.screenshot({ path: join(SHOTS, 'broker-down-1080p.png') });
    await mosquitto.start();
    await waitLive(30_000);
    await expect(page.locator('[data-testid="board-empty"]').textContent()).resolves.toBe('暂无未结警情');
  });

  it('a server that hangs with its socket open: noticed from missing heartbeats, recovered when it resumes', async () => {
    feed(true);
    await waitLive();
    const lastHeard = await page.evaluate(() => window.__watchfloor!.store().lastHeardAt!);
    web.proc.kill('SIGSTOP');
    try {
      // the socket never closes: only the heartbeats (1 s here) stop coming
      const b = await waitBanner('silent');
      expect(b.title).toContain('无响应');
      expect(b.since).toBeGreaterThanOrEqual(lastHeard);
      await expect(page.locator('[data-testid="stat-rate"] .stat-value').textContent()).resolves.toBe('—');
      await page.screenshot({ path: join(SHOTS, 'server-silent-1080p.png') });
    } finally {
      web.proc.kill('SIGCONT');
    }
    await waitLive(30_000);
  });

  it('a server that stopped: a banner, units dimmed after their staleness time by the page itself, rate struck; all back when it returns', async () => {
    feed(true);
    await waitLive();
    const port = web.port;
    await web.stop();
    const b = await waitBanner('link');
    expect(b.title).toContain('连接已中断');
    await expect(page.locator('[data-testid="stat-rate"] .stat-value').textContent()).resolves.toBe('—');
    // no server tells it any more: the page ages its patrol by itself (4 s here)
    await page.waitForFunction(() => window.__watchfloor!.store().units.get('stale-p1')?.stale === true, null, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'server-stopped-1080p.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, 'server-stopped-4k.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    web = await startWeb(port);
    await waitLive(30_000);
    await page.waitForFunction(() => window.__watchfloor!.store().units.get('stale-p1')?.stale === false, null, { timeout: 10_000 });
  });
});

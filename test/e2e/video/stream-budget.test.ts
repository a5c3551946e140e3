// The stream budget of the memory watchdog in real Chromium on the web shell
// (renderer/src/model/memory-watchdog.ts, docs/operations.md "Displays without a GPU"): a page on a
// display that composites in software keeps each video stream's media memory in processes it cannot
// measure, so it counts the streams its tiles loaded and, past the budget, reloads at a quiet
// moment — not while the P1 that opened the tiles is open — and says why it blinked. (That it is in
// force by default on this machine's SwiftShader: test/e2e/wall/memory.test.ts.)
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { launchChromium } from '../../helpers/chromium.js';
import { missing } from '../../helpers/assets.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm } from '../../helpers/video-tiles.js';
import { closeWallTest, openVideoWall, startWallHost, type WallShell } from '../../helpers/wall.js';

const SHOTS = join(resolve(fileURLToPath(import.meta.url), '../../../..'), 'test-results', 'video');
const CHECK_MS = 300;
const BUDGET = 2;

type Status = { streams: { loaded: number; budget: number | null }; verdict: { kind: string; because?: string; reason?: string; figure?: string }; checkedAt: number | null };
type Hooked = Window & { __watchfloor: { memory: () => Status } };
const status = (p: Page) => p.evaluate(() => (window as unknown as Hooked).__watchfloor.memory());

let host: Host;
let web: WallShell;
let browser: Browser;
let client: MqttClient;
const pageErrors: string[] = [];

describe.skipIf(missing(DEMO_VIDEO_AVAILABLE && DEMO_KIOSKS.length >= 3, 'demo video and kiosks (npm run build:video, build:data)'))('the stream budget', () => {
  beforeAll(async () => {
    ({ host, web } = await startWallHost());
    client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
    browser = await launchChromium(['--enable-precise-memory-info']);
  }, 120_000);

  afterAll(() => closeWallTest({ browser, client, web, host }));

  it('counts the streams its tiles load, holds while the P1 is open, then reloads quietly and says why', { timeout: 120_000 }, async () => {
    const page = await openVideoWall(browser, `${web.url}/?streamBudget=${BUDGET}&videoGraceMs=0&quietMs=0&minUptimeMs=1000&sustainMs=0&memoryCheckMs=${CHECK_MS}`, { width: 1280, height: 720 }, pageErrors, { connect: 20_000, map: 40_000 });
    await page.waitForLoadState('load');
    let loads = 0;
    page.on('load', () => loads++);
    // (no grace after an alarm closes: the reloaded page must not open its tiles again, or a budget
    // this small would be spent at once — the page would reload again, backing off each time)
    // SOS alarms (P1) at kiosks until their tiles have loaded the budget (each opens its nearest cameras)
    const opened: string[] = [];
    for (const k of DEMO_KIOSKS.slice(0, 3)) {
      const id = `budget-${k.id}`;
      await publishKioskAlarm(client, id, k);
      opened.push(id);
      const reached = await page
        .waitForFunction((b) => (window as unknown as Hooked).__watchfloor.memory().streams.loaded >= b, BUDGET, { timeout: 15_000, polling: 100 })
        .then(() => true)
        .catch(() => false);
      if (reached) break;
    }
    const held = await status(page);
    expect(held.streams.loaded, JSON.stringify(held)).toBeGreaterThanOrEqual(BUDGET);
    expect(held.streams.budget).toBe(BUDGET);
    // several checks later it still waits on the P1, on the same page
    await page.waitForFunction((t) => ((window as unknown as Hooked).__watchfloor.memory().checkedAt ?? 0) >= t, (held.checkedAt ?? 0) + 4 * CHECK_MS, { timeout: 10_000, polling: 100 });
    expect((await status(page)).verdict).toEqual({ kind: 'wait', because: 'p1_open' });
    expect(loads).toBe(0);

    // the alarms closed: the next check reloads the page
    const reloaded = page.waitForEvent('load', { timeout: 20_000 });
    for (const [i, k] of DEMO_KIOSKS.slice(0, opened.length).entries()) await publishKioskAlarm(client, opened[i], k, 'closed');
    await reloaded;
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 20_000 });
    const notice = page.locator('[data-testid="recycle-notice"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.getAttribute('data-figure')).toBe('streams');
    await expect(notice.textContent()).resolves.toMatch(/释放视频占用的内存（已播放 \d+ 路视频）/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'stream-budget-notice.png') });
    // the reloaded page starts counting again, and does not reload in a loop
    await page.waitForFunction(() => (window as unknown as Hooked).__watchfloor.memory().checkedAt !== null, null, { timeout: 10_000 });
    const after = await status(page);
    expect(after.streams.loaded).toBeLessThan(BUDGET);
    await page.waitForFunction((t) => ((window as unknown as Hooked).__watchfloor.memory().checkedAt ?? 0) >= t, (after.checkedAt ?? 0) + 4 * CHECK_MS, { timeout: 10_000, polling: 100 });
    expect(loads).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

// The incident board as a commander reads it, in real Chromium against the real host: ages count
// from when an incident started (an update does not make it younger), "新" marks only what arrived
// since the operator last touched the wall, the newest arrival stands out for a few seconds, and
// none of that moves the rows.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'board');
const PREFIX = 'watchfloor/v1';
/** an arrival stays new to an operator at the keys this long here (30 s by default) */
const FRESH_MS = 1500;

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];

const alarm = (id: string, o: Record<string, unknown>) =>
  client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 3, lat: 26.06, lon: 119.3, title: id, ...o }), { qos: 1 });
const row = (id: string) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
const order = () => page.locator('[data-testid="incident-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-incident-id')));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium();
  page = await openWall(browser, `${web.url}/?newFreshMs=${FRESH_MS}`, { width: 1920, height: 1080 }, pageErrors);
}, 120_000);

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('the incident board', () => {
  it('counts an incident’s age from when it started: an update does not make it younger, nor move it', async () => {
    const startedAt = Date.now() - 396_000;
    await alarm('age-early', { ts: startedAt, title: '仓山万达广场手机被抢' });
    await alarm('age-late', { ts: Date.now() - 10_000, title: '台江步行街纠纷' });
    await row('age-early').waitFor({ timeout: 5_000 });
    await row('age-late').waitFor({ timeout: 5_000 });
    const age = row('age-early').locator('[data-testid="incident-age"]');
    await expect(age.textContent()).resolves.toBe('6分钟前');
    // the caller phones again: the update's own time is now
    await alarm('age-early', { ts: Date.now(), title: '仓山万达广场手机被抢（嫌疑人往南逃离）' });
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('age-early')?.title.includes('往南'), null, { timeout: 5_000 });
    await expect(age.textContent()).resolves.toBe('6分钟前');
    await expect(age.getAttribute('data-started-at')).resolves.toBe(String(startedAt));
    // longest waiting first among equals: the one that started six minutes ago stays above
    const ids = await order();
    expect(ids.indexOf('age-early')).toBeLessThan(ids.indexOf('age-late'));
  });

  it('marks new only what arrived since the operator last touched the wall; the newest stands out; no row moves', async () => {
    await alarm('nw-1', { priority: 2, title: '鼓楼东街口打架' });
    await row('nw-1').waitFor({ timeout: 5_000 });
    await expect(row('nw-1').getAttribute('data-new')).resolves.toBe('true');
    await expect(row('nw-1').getAttribute('data-newest')).resolves.toBe('true');
    await page.screenshot({ path: join(SHOTS, 'newest-1080p.png') });
    // past the fresh time, the operator clicks the header: nw-1 has been in front of them
    await page.waitForFunction(
      ([fresh]) => Date.now() - window.__watchfloor!.store().incidents.get('nw-1')!.firstSeen > fresh,
      [FRESH_MS] as const,
      { timeout: 5_000, polling: 100 },
    );
    const before = await order();
    await page.click('.brand');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="nw-1"][data-new="false"]', { timeout: 3_000 });
    expect(await row('nw-1').locator('[data-testid="new-marker"]').count()).toBe(0);
    expect(await order()).toEqual(before);
    // something new after that is new, and is now the newest
    await alarm('nw-2', { priority: 4, title: '五一广场醉酒滋事' });
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="nw-2"][data-new="true"][data-newest="true"]', { timeout: 5_000 });
    await expect(row('nw-1').getAttribute('data-newest')).resolves.toBe(null);
    // it stands out for a few seconds (8 s), then it is a row like the others, still new
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="nw-2"]:not([data-newest])', { timeout: 12_000 });
    await expect(row('nw-2').getAttribute('data-new')).resolves.toBe('true');
    expect(pageErrors).toEqual([]);
  });
});

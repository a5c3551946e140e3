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
  });

  it('办结 waits out an undo window: 撤销 keeps the incident open; otherwise it closes', async () => {
    await alarm('cl-undo', { priority: 4, title: '台江路占道经营' });
    await row('cl-undo').waitFor({ timeout: 5_000 });
    await row('cl-undo').locator('[data-testid="close-button"]').click();
    const closing = row('cl-undo').locator('[data-testid="closing"]');
    await closing.waitFor({ timeout: 2_000 });
    await expect(closing.textContent()).resolves.toMatch(/[1-5] 秒后办结撤销/);
    expect(host.situation.state.incidents.get('cl-undo')!.status).toBe('open');
    const due = await page.evaluate(() => window.__watchfloor!.store().closing['cl-undo']);
    await row('cl-undo').locator('[data-testid="undo-close"]').click();
    await closing.waitFor({ state: 'detached', timeout: 2_000 });
    // past the moment it would have gone: still open, here and in the services
    await page.waitForFunction((due) => Date.now() > due + 500, due, { timeout: 8_000 });
    expect(host.situation.state.incidents.get('cl-undo')!.status).toBe('open');
    await expect(row('cl-undo').locator('[data-testid="close-button"]').count()).resolves.toBe(1);
    // closed for real this time
    await row('cl-undo').locator('[data-testid="close-button"]').click();
    await row('cl-undo').waitFor({ state: 'detached', timeout: 10_000 });
    expect(host.situation.state.incidents.get('cl-undo')!.status).toBe('closed');
  });

  it('after 签收 the row under the pointer stays where it was for a moment; A moves the selection on to the next waiting row', async () => {
    const t0 = Date.now();
    await alarm('st-1', { priority: 1, ts: t0 - 60_000, title: '南门兜盗窃' });
    await alarm('st-2', { priority: 1, ts: t0 - 30_000, title: '东街口盗窃' });
    await alarm('st-3', { priority: 1, ts: t0 - 20_000, title: '茶亭盗窃' });
    await row('st-3').waitFor({ timeout: 5_000 });
    const ids = await order();
    expect(ids.indexOf('st-1')).toBeLessThan(ids.indexOf('st-2'));
    const ack = row('st-1').locator('[data-testid="ack-button"]');
    const box = (await ack.boundingBox())!;
    await ack.click();
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('st-1')?.acknowledged === true, null, { timeout: 5_000 });
    // acknowledged, and still under the pointer: what is there now is st-1's row, not the next one's 签收
    const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-testid="incident-row"]')?.getAttribute('data-incident-id'), [box.x + box.width / 2, box.y + box.height / 2] as const);
    expect(under).toBe('st-1');
    // then the board sorts it among the acknowledged
    await page.waitForFunction(() => {
      const ids = [...document.querySelectorAll('[data-testid="incident-row"]')].map((e) => e.getAttribute('data-incident-id'));
      return ids.indexOf('st-1') > ids.indexOf('st-3');
    }, null, { timeout: 6_000 });
    // the keyboard: select st-2, A acknowledges it and the selection goes on to st-3
    await page.evaluate(() => window.__watchfloor!.store().dispatch({ type: 'select', id: 'st-2' }));
    await page.keyboard.press('a');
    await page.waitForFunction(() => window.__watchfloor!.store().selectedId === 'st-3', null, { timeout: 3_000 });
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('st-2')?.acknowledged === true, null, { timeout: 5_000 });
    await page.screenshot({ path: join(SHOTS, 'after-ack-1080p.png') });
  });

  it('brings a new P1 into view when the board was scrolled away from it', async () => {
    for (let i = 0; i < 24; i++) await alarm(`fill-${i}`, { priority: 4, title: `低优先级 ${i}` });
    await row('fill-23').waitFor({ timeout: 8_000 });
    await page.mouse.move(400, 500); // the pointer on the map, not on the board
    await page.evaluate(() => {
      const list = document.querySelector('[data-testid="incident-board"] .rows')!;
      list.scrollTo(0, list.scrollHeight);
    });
    const visible = (id: string) =>
      page.evaluate((id) => {
        const list = document.querySelector('[data-testid="incident-board"] .rows')!.getBoundingClientRect();
        const r = document.querySelector(`[data-testid="incident-row"][data-incident-id="${id}"]`)?.getBoundingClientRect();
        return !!r && r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
      }, id);
    expect(await visible('st-3')).toBe(false);
    await alarm('far-p1', { priority: 1, kind: 'fire', title: '仓山居民楼起火' });
    await page.waitForFunction(
      () => {
        const list = document.querySelector('[data-testid="incident-board"] .rows')!.getBoundingClientRect();
        const r = document.querySelector('[data-testid="incident-row"][data-incident-id="far-p1"]')?.getBoundingClientRect();
        return !!r && r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
      },
      null,
      { timeout: 5_000 },
    );
    expect(pageErrors).toEqual([]);
  });
});

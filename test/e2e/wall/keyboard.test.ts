// The whole dispatch flow from the keyboard alone (issue #14), in real Chromium against the real
// host, with no mouse at all: sign in (focus starts in the name field, Tab, Enter), an alarm comes
// over MQTT, N selects the newest, A acknowledges, B calls the volunteers nearby (published
// first, so the call has recipients), S puts it on scene, C resolves after its undo window (U
// takes a first C back). After each key the services' own state is checked. Where the focus is
// shows (a ring on the focused control). Screenshots in test-results/keyboard/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openSignIn, startWallHost, waitForIngest, waitForWall } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'keyboard');
const PREFIX = 'watchfloor/v1';
const USER = { name: '张伟', password: 'zhang-wei-duty-2026' };
/** 五一广场 */
const SPOT = { lat: 26.0785, lon: 119.3045 };

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];

const alarm = (id: string, o: Record<string, unknown> = {}) =>
  client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'fight', priority: 2, ...SPOT, title: id, ...o }), { qos: 1 });
const held = (id: string) => host.situation.state.incidents.get(id);
const selected = () => page.evaluate(() => window.__watchfloor!.store().selectedId);
const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost({ auth: { users: [{ name: USER.name, role: 'dispatcher', passwordHash: await hashSecret(USER.password) }] } }));
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  await waitForIngest(host);
  browser = await launchChromium();
  page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
}, 120_000);

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('the dispatch flow from the keyboard alone', () => {
  it('signs in with the keys: focus starts in the name field, Tab to the password, Enter', async () => {
    expect(await focused()).toBe('sign-in-name');
    await page.keyboard.type(USER.name);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('sign-in-password');
    await page.keyboard.type(USER.password);
    await page.keyboard.press('Enter');
    await waitForWall(page);
    await expect(page.locator('[data-testid="operator-name"]').textContent()).resolves.toBe(USER.name);
  });

  it('newest → acknowledge → call the volunteers nearby → on scene → resolve, each confirmed by the services', async () => {
    // three volunteers within 500 m, one beyond it
    for (const [id, dLon, name] of [['kb-v1', 0.001, '志愿者陈静'], ['kb-v2', 0.002, '志愿者刘洋'], ['kb-v3', 0.003, '志愿者黄磊'], ['kb-far', 0.02, '志愿者吴敏']] as const) {
      await client.publishAsync(`${PREFIX}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind: 'volunteer', name, lat: SPOT.lat, lon: SPOT.lon + dLon }), { qos: 1 });
    }
    await expect.poll(() => ['kb-v1', 'kb-v2', 'kb-v3', 'kb-far'].every((id) => host.situation.state.units.has(id)), { timeout: 10_000 }).toBe(true);
    // an older, more urgent alarm sits at the top of the board; the newest arrives after it
    await alarm('kb-older', { priority: 1, kind: 'theft', title: '较早的警情：台江步行街盗窃', lat: SPOT.lat + 0.01 });
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-older"]', { timeout: 10_000 });
    await alarm('kb-new', { title: '五一广场有人持棍斗殴' });
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-new"]', { timeout: 10_000 });

    // N: the newest, wherever the board puts it; its detail opens
    await page.keyboard.press('n');
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="kb-new"]', { timeout: 10_000 });
    expect(await selected()).toBe('kb-new');
    // Enter: fly there and bring the keyboard into the panel; Tab reaches its buttons, with a ring
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('incident-panel');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const cs = getComputedStyle(el);
      return { inPanel: !!el.closest('[data-testid="incident-panel"]'), tag: el.tagName, outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
    });
    expect(ring).toMatchObject({ inPanel: true, tag: 'BUTTON', outline: 'solid' });
    expect(ring.width).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, 'focus-ring-1920.png') });

    // A: acknowledged (the selection moves on to the next waiting row, as on the board)
    await page.keyboard.press('a');
    await expect.poll(() => held('kb-new')?.state, { timeout: 10_000 }).toBe('acknowledged');
    expect(held('kb-new')?.acknowledgedBy).toBe(USER.name);
    await expect.poll(selected, { timeout: 10_000 }).toBe('kb-older');
    expect(held('kb-older')?.state).toBe('new');
    // N brings it back
    await page.keyboard.press('n');
    await expect.poll(selected, { timeout: 10_000 }).toBe('kb-new');

    // B: every available volunteer within 500 m is called
    await page.keyboard.press('b');
    await expect.poll(() => held('kb-new')?.state, { timeout: 10_000 }).toBe('dispatched');
    expect(held('kb-new')!.responders.map((r) => r.unitId).sort()).toEqual(['kb-v1', 'kb-v2', 'kb-v3']);
    await page.waitForSelector('[data-testid="broadcast-said"]:has-text("已通知 3 名志愿者")', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="responder"]').length === 3, null, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'broadcast-1920.png') });

    // S: on scene
    await page.keyboard.press('s');
    await expect.poll(() => held('kb-new')?.state, { timeout: 10_000 }).toBe('on_scene');

    // C starts the 5 s undo window; U takes it back; C again, and after the window it is resolved
    await page.keyboard.press('c');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-new"] [data-testid="closing"]', { timeout: 10_000 });
    await page.keyboard.press('u');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-new"] [data-testid="closing"]', { state: 'detached', timeout: 10_000 });
    expect(held('kb-new')?.state).toBe('on_scene');
    await page.keyboard.press('c');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-new"] [data-testid="closing"]', { timeout: 10_000 });
    await expect.poll(() => held('kb-new')?.state, { timeout: 10_000 }).toBe('resolved');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="kb-new"]', { state: 'detached', timeout: 10_000 });
    const kinds = held('kb-new')!.timeline.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['reported', 'acknowledged', 'dispatched', 'on_scene', 'resolved']));
    // the other alarm was never touched
    expect(held('kb-older')?.state).toBe('new');
    expect(pageErrors).toEqual([]);
  });

  it('lists the keys on ?, and Esc closes the list', async () => {
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid="key-help"]', { timeout: 10_000 });
    await expect(page.locator('[data-testid="key-help"]').textContent()).resolves.toContain('N：选中最新警情');
    await page.screenshot({ path: join(SHOTS, 'key-help-1920.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="key-help"]', { state: 'detached', timeout: 10_000 });
  });
});

// Sign-in and roles on the wall (issue #14), in real Chromium against the real host with two
// users: a page nobody signed in to shows the sign-in form and receives nothing of the situation;
// a wrong password is said in Chinese; the dispatcher signs in, acknowledges and judges citizen
// clues in the detail panel (the reporter's points follow); the viewer sees every incident, no
// control that acts, and the services refuse a request it forges on its own WebSocket; signing out
// brings the form back and the page lets go of what it held; too many wrong passwords say "try
// again later". Screenshots in test-results/auth/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT, waitFor } from '../../helpers/host.js';
import { bridgeRequest, closeWallTest, openSignIn, signInThroughForm, startWallHost, waitForIngest } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'auth');
const PREFIX = 'watchfloor/v1';
const DISPATCHER = { name: '张伟', password: 'zhang-wei-duty-2026' };
const VIEWER = { name: '王芳', password: 'wang-fang-view-2026' };
/** wrong passwords allowed (per name and per address) before the wall says "try again later" */
const MAX_FAILURES = 3;
/** near 万象城, 台江 */
const SPOT = { lat: 26.0705, lon: 119.3105 };

let host: Host;
let web: WebShell;
let browser: Browser;
let client: MqttClient;
const pageErrors: string[] = [];

const alarm = (id: string, o: Record<string, unknown> = {}, source = '110') =>
  client.publishAsync(`${PREFIX}/alarms/${source}`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 2, ...SPOT, title: id, ...o }), { qos: 1 });
const volunteer = (id: string, dLon: number) => client.publishAsync(`${PREFIX}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind: 'volunteer', name: `志愿者${id.slice(-1)}`, lat: SPOT.lat, lon: SPOT.lon + dLon }), { qos: 1 });
const held = (id: string) => host.situation.state.incidents.get(id);
const row = (page: Page, id: string) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
const panel = (page: Page) => page.locator('[data-testid="incident-panel"]');
const storeIncidents = (page: Page) => page.evaluate(() => window.__watchfloor!.store().incidents.size);

/** A request on the bridge as any script in the page could send it, on its own WebSocket (the page's cookie goes with it). */
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const [dispatcherHash, viewerHash] = await Promise.all([hashSecret(DISPATCHER.password), hashSecret(VIEWER.password)]);
  ({ host, web } = await startWallHost({
    auth: {
      users: [
        { name: DISPATCHER.name, role: 'dispatcher', passwordHash: dispatcherHash },
        { name: VIEWER.name, role: 'viewer', passwordHash: viewerHash },
      ],
      maxFailures: MAX_FAILURES,
      failureWindowMs: 10 * 60_000,
    },
  }));
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  await waitForIngest(host);
  // the situation exists before anyone looks: a page must not get it without signing in
  await volunteer('au-v1', 0.001);
  await volunteer('au-v2', 0.002);
  await alarm('au-fight', { kind: 'fight', priority: 1, title: '万象城门口有人打架' });
  await alarm('au-clue', { kind: 'other', priority: 3, title: '群众线索：万象城地下车库有可疑车辆', detail: '一辆无牌白色面包车停在 B2 层 3 天，有人夜间搬运纸箱。', reporter: '林先生（市民）', reporterId: 'citizen-8812', category: 'suspicious_vehicle', media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }] }, 'clue');
  await alarm('au-clue-2', { kind: 'theft', priority: 4, title: '群众线索：万象城电动车被偷', reporterId: 'citizen-3307', lat: SPOT.lat + 0.002 }, 'clue');
  await waitFor(() => host.situation.state.incidents.size >= 3, 10_000, 'the three incidents held');
  expect(host.situation.state.incidents.size).toBe(3);
  expect(held('au-clue')?.clue).toEqual({ state: 'pending' });
  browser = await launchChromium();
}, 120_000);

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('a wall that asks for a sign-in', () => {
  it('shows a page nobody signed in to the sign-in form and nothing else; no situation reaches it', async () => {
    const page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    // focus starts in the name field
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('sign-in-name');
    await expect(page.locator('[data-testid="sign-in"] h1').textContent()).resolves.toBe('值班登录');
    await expect(page.locator('[data-testid="sign-in-submit"]').textContent()).resolves.toBe('登录');
    for (const hidden of ['header', 'incident-board', 'map', 'incident-row']) expect(await page.locator(`[data-testid="${hidden}"]`).count(), hidden).toBe(0);
    // and nothing arrives while the page waits: 5 s after it loaded it counts as cut off
    await page.waitForFunction(() => window.__watchfloor!.store().liveness.live === false, null, { timeout: 15_000 });
    const model = await page.evaluate(() => {
      const s = window.__watchfloor!.store();
      return { incidents: s.incidents.size, units: s.units.count, snapshots: s.snapshots, me: s.session?.me, reference: s.reference !== null };
    });
    expect(model).toEqual({ incidents: 0, units: 0, snapshots: 0, me: null, reference: false });
    expect(sockets).toEqual([]);
    // the services agree: nothing for a request without a session
    expect(await page.evaluate(() => fetch('/api/situation').then((r) => r.status))).toBe(401);
    await page.screenshot({ path: join(SHOTS, 'sign-in-1920.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForFunction(() => window.innerWidth === 3840);
    await page.screenshot({ path: join(SHOTS, 'sign-in-3840.png') });
    await page.close();
  });

  it('says a wrong password is wrong, in Chinese, and lets the operator try again', async () => {
    const page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
    await page.locator('[data-testid="sign-in-submit"]').click();
    await expect(page.locator('[data-testid="sign-in-error"]').textContent()).resolves.toBe('请输入用户名和密码');
    await page.locator('[data-testid="sign-in-name"]').fill(DISPATCHER.name);
    await page.locator('[data-testid="sign-in-password"]').fill('not-the-password');
    await page.locator('[data-testid="sign-in-password"]').press('Enter');
    await page.waitForSelector('[data-testid="sign-in-error"][data-kind="error"]:has-text("用户名或密码错误")', { timeout: 10_000 });
    // the password is cleared and has the focus again; nothing of the situation came
    expect(await page.locator('[data-testid="sign-in-password"]').inputValue()).toBe('');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('sign-in-password');
    expect(await storeIncidents(page)).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'sign-in-wrong-1920.png') });
    await page.close();
  });
});

describe('the dispatcher', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
    await signInThroughForm(page, DISPATCHER.name, DISPATCHER.password);
  }, 120_000);
  // one wall drawing at a time on this machine's software renderer
  afterAll(() => page?.close());

  it('signs in, sees the wall with their name and role, and acknowledges', async () => {
    await row(page, 'au-fight').waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="operator-name"]').textContent()).resolves.toBe('张伟');
    await expect(page.locator('[data-testid="operator-role"]').textContent()).resolves.toBe('调度员');
    expect(await page.locator('[data-testid="read-only-badge"]').count()).toBe(0);
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(1);
    expect(await page.evaluate(() => window.__watchfloor!.store().reference !== null)).toBe(true);
    await row(page, 'au-fight').locator('[data-testid="ack-button"]').click();
    await expect.poll(() => held('au-fight')?.state, { timeout: 10_000 }).toBe('acknowledged');
    expect(held('au-fight')?.acknowledgedBy).toBe('张伟');
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="au-fight"] [data-testid="acked"]:has-text("张伟")', { timeout: 10_000 });
  });

  it('judges citizen clues in the detail panel: a rejection asks its reason (Esc cancels), a verification credits the reporter', async () => {
    // the board marks a clue
    await expect(row(page, 'au-clue').locator('[data-testid="clue-mark"]').textContent()).resolves.toBe('线索');
    await row(page, 'au-clue').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="au-clue"]', { timeout: 10_000 });
    const clue = panel(page).locator('[data-testid="clue"]');
    await expect(clue.locator('[data-testid="clue-state"]').textContent()).resolves.toBe('待核实');
    // the reporter has no points yet
    await page.waitForSelector('[data-testid="clue-points"]:has-text("暂无积分")', { timeout: 10_000 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="detail-photo"] img')].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'clue-pending-1920.png') });

    // 不采纳 opens a field for the reason, focused; Escape takes it back without sending anything
    await clue.locator('[data-testid="clue-reject"]').click();
    const reason = clue.locator('[data-testid="clue-reason-input"]');
    await reason.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('clue-reason-input');
    await reason.press('Escape');
    await reason.waitFor({ state: 'detached', timeout: 10_000 });
    expect(held('au-clue')?.clue?.state).toBe('pending');
    // the panel stays open (Escape in the field is the field's)
    expect(await panel(page).count()).toBe(1);

    await clue.locator('[data-testid="clue-verify"]').click();
    await page.waitForSelector('[data-testid="clue"][data-state="verified"]', { timeout: 10_000 });
    expect(held('au-clue')?.clue).toMatchObject({ state: 'verified', by: '张伟' });
    await expect(clue.locator('[data-testid="clue-state"]').textContent()).resolves.toBe('已核实');
    expect(await clue.locator('[data-testid="clue-verify"]').count()).toBe(0);
    // the points are asked again and show the credit (10 by default)
    await page.waitForSelector('[data-testid="clue-points"][data-total="10"]', { timeout: 10_000 });
    await expect(clue.locator('.clue-points-value').textContent()).resolves.toBe('10 分');
    await page.waitForSelector('[data-testid="detail-timeline"] li[data-kind="clue_verified"]', { timeout: 10_000 });
    await expect(row(page, 'au-clue').locator('[data-testid="clue-mark"]').textContent()).resolves.toBe('线索 · 已核实');
    await page.screenshot({ path: join(SHOTS, 'clue-verified-1920.png') });

    // another clue, rejected with its reason (Enter confirms)
    await row(page, 'au-clue-2').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="au-clue-2"]', { timeout: 10_000 });
    await panel(page).locator('[data-testid="clue-reject"]').click();
    await panel(page).locator('[data-testid="clue-reason-input"]').fill('现场核查无此事，报料与事实不符');
    await panel(page).locator('[data-testid="clue-reason-input"]').press('Enter');
    await page.waitForSelector('[data-testid="clue"][data-state="rejected"]', { timeout: 10_000 });
    expect(held('au-clue-2')?.clue).toMatchObject({ state: 'rejected', by: '张伟', reason: '现场核查无此事，报料与事实不符' });
    await expect(panel(page).locator('[data-testid="clue-reason"]').textContent()).resolves.toBe('理由：现场核查无此事，报料与事实不符');
    await expect(panel(page).locator('[data-testid="clue-state"]').textContent()).resolves.toBe('不采纳');
    await page.screenshot({ path: join(SHOTS, 'clue-rejected-1920.png') });
    expect(pageErrors).toEqual([]);
  });
});

describe('the viewer', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
    await signInThroughForm(page, VIEWER.name, VIEWER.password);
  }, 120_000);

  it('sees every incident, says 只读, and has no control that acts', async () => {
    await row(page, 'au-fight').waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="operator-name"]').textContent()).resolves.toBe('王芳');
    await expect(page.locator('[data-testid="read-only-badge"]').textContent()).resolves.toBe('只读');
    await expect(page.locator('[data-testid="operator-role"]').textContent()).resolves.toBe('观察员');
    expect(await page.locator('[data-testid="incident-row"]').count()).toBe(3);
    expect(await page.getAttribute('.wall', 'data-read-only')).toBe('true');
    // what the dispatcher did is there to see
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="au-fight"] [data-testid="acked"]', { timeout: 10_000 });
    for (const control of ['ack-button', 'close-button']) expect(await page.locator(`[data-testid="${control}"]`).count(), control).toBe(0);

    await row(page, 'au-clue-2').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="au-clue-2"]', { timeout: 10_000 });
    // a pending clue, the nearest units listed: still nothing to press
    await alarm('au-clue-3', { title: '群众线索：有人在万象城门口发传单', reporterId: 'citizen-3307' }, 'clue');
    await row(page, 'au-clue-3').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="au-clue-3"] [data-testid="clue"][data-state="pending"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="nearby-unit"][data-unit-id="au-v1"]', { timeout: 10_000 });
    for (const control of ['detail-ack', 'action-dispatch', 'action-on_scene', 'detail-close-incident', 'action-false_alarm', 'merge-target', 'note-input', 'broadcast', 'assign-unit', 'clue-verify', 'clue-reject']) {
      expect(await panel(page).locator(`[data-testid="${control}"]`).count(), control).toBe(0);
    }
    await page.screenshot({ path: join(SHOTS, 'viewer-1920.png') });

    // a key that acts says 只读 instead of sending
    await page.keyboard.press('a');
    await page.waitForSelector('[data-testid="status-line"]:has-text("只读：不能签收")', { timeout: 10_000 });
    await page.keyboard.press('v');
    await page.waitForSelector('[data-testid="status-line"]:has-text("只读：不能核实线索")', { timeout: 10_000 });
    expect(held('au-clue-3')?.state).toBe('new');
    expect(held('au-clue-3')?.clue?.state).toBe('pending');
  });

  it('is refused by the services when it forges a request on its own WebSocket', async () => {
    await alarm('au-forge', { title: '群众线索：万象城北门有人翻越围栏', reporterId: 'citizen-3307' }, 'clue');
    await row(page, 'au-forge').waitFor({ timeout: 10_000 });
    const ack = await bridgeRequest(page, 'incident.ack', { id: 'au-forge' });
    expect(ack.ok).toBe(false);
    expect(ack.error).toMatch(/^forbidden: /);
    const verify = await bridgeRequest(page, 'incident.act', { id: 'au-forge', action: 'verify_clue', actionId: 'forged-1' });
    expect(verify).toMatchObject({ ok: false, error: expect.stringMatching(/^forbidden: /) });
    const broadcast = await bridgeRequest(page, 'dispatch.broadcast', { id: 'au-forge', actionId: 'forged-2' });
    expect(broadcast).toMatchObject({ ok: false, error: expect.stringMatching(/^forbidden: /) });
    // nothing happened
    expect(held('au-forge')?.state).toBe('new');
    expect(held('au-forge')?.clue?.state).toBe('pending');
    expect(held('au-forge')?.responders).toEqual([]);
    // and looking is allowed
    expect(await bridgeRequest(page, 'reporter.get', { id: 'citizen-3307' })).toMatchObject({ ok: true });
  });

  it('signs out: the form comes back, the page lets go of the situation, and its socket gets nothing more', async () => {
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForSelector('[data-testid="sign-in"]', { timeout: 10_000 });
    await expect(page.locator('[data-testid="sign-in-error"]').textContent()).resolves.toBe('已退出登录');
    expect(await page.locator('[data-testid="incident-board"]').count()).toBe(0);
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.size === 0, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.__watchfloor!.store().units.count)).toBe(0);
    // a new alarm does not reach it
    await alarm('au-after', { title: '退出后的新警情' });
    await expect.poll(() => held('au-after')?.id, { timeout: 10_000 }).toBe('au-after');
    await page.waitForFunction(() => window.__watchfloor!.store().session?.me === null && window.__watchfloor!.store().connection !== 'open', null, { timeout: 10_000 });
    expect(await storeIncidents(page)).toBe(0);
    // the cookie is gone: the bridge itself turns the page away
    await expect(bridgeRequest(page, 'situation.get', {})).rejects.toThrow(/bridge refused the socket/);
    // (Chromium logs that refusal, which this test caused on purpose)
    const refusal = (e: string) => /WebSocket connection to '.*\/bridge(\?acks=1)?' failed: HTTP Authentication failed/.test(e);
    await expect.poll(() => pageErrors.some(refusal), { timeout: 10_000 }).toBe(true);
    pageErrors.splice(pageErrors.findIndex(refusal), 1);
    await page.screenshot({ path: join(SHOTS, 'signed-out-1920.png') });
  });
});

describe('too many wrong passwords', () => {
  it('says to try again later', async () => {
    const page = await openSignIn(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
    await page.locator('[data-testid="sign-in-name"]').fill(VIEWER.name);
    const error = page.locator('[data-testid="sign-in-error"]');
    for (let i = 0; i <= MAX_FAILURES; i++) {
      await page.locator('[data-testid="sign-in-password"]').fill(`guess-${i}`);
      await page.locator('[data-testid="sign-in-password"]').press('Enter');
      // each answer first (the form says one thing at a time)
      await page.waitForFunction(() => (document.querySelector('[data-testid="sign-in-password"]') as HTMLInputElement | null)?.value === '' && document.querySelector('[data-testid="sign-in-error"]')?.getAttribute('data-kind') === 'error', null, { timeout: 10_000 });
      if ((await error.textContent())?.includes('稍后再试')) break;
    }
    await expect(error.textContent()).resolves.toBe('登录失败次数过多，请稍后再试');
    // even the right password waits now
    await page.locator('[data-testid="sign-in-password"]').fill(VIEWER.password);
    await page.locator('[data-testid="sign-in-password"]').press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid="sign-in-password"]') as HTMLInputElement | null)?.value === '', null, { timeout: 10_000 });
    await expect(error.textContent()).resolves.toBe('登录失败次数过多，请稍后再试');
    expect(await storeIncidents(page)).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'sign-in-rate-limited-1920.png') });
    expect(pageErrors).toEqual([]);
  });
});

// An incident's life on the wall (issue #14, first part), in real Chromium against the real host:
// the wall sounds a new alarm by its priority and again when the services escalate one nobody
// acknowledged in time (board, marker and sound), a mute that ends by itself, and the lifecycle
// from the detail panel — dispatched, on scene, a note, false alarm, reopened, merged — with the
// services refusing what the state does not allow, saying why, and applying a repeated action once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { bridgeRequest as askBridge, closeWallTest, openWall, startWallHost } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'lifecycle');
const PREFIX = 'watchfloor/v1';
const ESCALATE_P1_MS = 3000;
const MUTE_MS = 4000;

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];

const alarm = (id: string, o: Record<string, unknown> = {}) =>
  client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 3, lat: 26.08, lon: 119.3, title: id, ...o }), { qos: 1 });
const row = (id: string) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
const panel = () => page.locator('[data-testid="incident-panel"]');
const sounds = () => page.evaluate(() => window.__watchfloor!.sounds().map((s) => ({ ...s.cue, played: s.played })));
const stateOf = (id: string) => page.evaluate((id) => window.__watchfloor!.store().incidents.get(id)?.state, id);
const bridgeRequest = (method: string, params: Record<string, unknown>) => askBridge(page, method, params);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost({ situation: { deltaIntervalMs: 50, escalation: { p1Ms: ESCALATE_P1_MS, p2Ms: 600_000, p3Ms: 600_000, p4Ms: null } } }));
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  // a wall sounds with nobody at the keys (the Electron shell allows it from the start)
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = await openWall(browser, `${web.url}?muteMs=${MUTE_MS}`, { width: 1920, height: 1080 }, pageErrors);
}, 120_000);

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('an incident’s life', () => {
  it('sounds a new P1, escalates it when nobody acknowledges it in time (board, marker, sound), and stops being overdue once acknowledged', async () => {
    await alarm('lc-p1', { priority: 1, kind: 'sos', title: '一键报警：仓前小学' });
    await row('lc-p1').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => window.__watchfloor!.sounds().some((s) => s.cue.incidentId === 'lc-p1'), null, { timeout: 5_000 });
    expect((await sounds()).find((s) => s.incidentId === 'lc-p1')).toEqual({ kind: 'new', priority: 1, incidentId: 'lc-p1', played: true });
    expect(await row('lc-p1').getAttribute('data-escalated')).toBeNull();

    // nobody acknowledges it: the services escalate it on their clock
    await page.waitForSelector('[data-testid="incident-row"][data-incident-id="lc-p1"][data-escalated="true"]', { timeout: ESCALATE_P1_MS + 5_000 });
    await expect(row('lc-p1').locator('[data-testid="escalated"]').textContent()).resolves.toBe('超时未签收');
    await page.waitForFunction(() => window.__watchfloor!.sounds().some((s) => s.cue.incidentId === 'lc-p1' && s.cue.kind === 'escalated' && s.played), null, { timeout: 5_000 });
    await page.waitForFunction(
      () => {
        const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
        const data = deck?.props.layers.find((l) => l.id === 'incident-escalated')?.props.data as { id: string }[] | undefined;
        return !!data?.some((d) => d.id === 'lc-p1');
      },
      null,
      { timeout: 5_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'escalated-1080p.png') });
    await row('lc-p1').locator('[data-testid="ack-button"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="incident-row"][data-incident-id="lc-p1"]')?.getAttribute('data-escalated') === null, null, { timeout: 5_000 });
    // the timeline keeps that it was overdue
    await row('lc-p1').click();
    await panel().waitFor({ timeout: 5_000 });
    await expect(panel().locator('[data-testid="detail-timeline"] li[data-kind="escalated"]').count()).resolves.toBe(1);
  });

  it('a mute holds the sounds back, shows it with the time left, and ends by itself', async () => {
    await page.click('[data-testid="sound-toggle"]');
    const toggle = page.locator('[data-testid="sound-toggle"][data-muted="true"]');
    await toggle.waitFor({ timeout: 2_000 });
    expect(await toggle.textContent()).toMatch(/^静音 0:0\d$/);
    await alarm('lc-muted', { priority: 2 });
    await page.waitForFunction(() => window.__watchfloor!.sounds().some((s) => s.cue.incidentId === 'lc-muted'), null, { timeout: 5_000 });
    expect((await sounds()).find((s) => s.incidentId === 'lc-muted')!.played).toBe(false);
    await page.waitForSelector('[data-testid="sound-toggle"][data-muted="false"]', { timeout: MUTE_MS + 3_000 });
    await alarm('lc-after', { priority: 3 });
    await page.waitForFunction(() => window.__watchfloor!.sounds().some((s) => s.cue.incidentId === 'lc-after'), null, { timeout: 5_000 });
    expect((await sounds()).find((s) => s.incidentId === 'lc-after')).toEqual({ kind: 'new', priority: 3, incidentId: 'lc-after', played: true });
  });

  it('dispatched, on scene, a note, false alarm, reopened — from the detail panel, each in the timeline', async () => {
    await alarm('lc-life', { title: '商场门口有人打架' });
    await row('lc-life').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="lc-life"]', { timeout: 5_000 });
    await panel().locator('[data-testid="action-dispatch"]').click();
    await row('lc-life').locator('[data-testid="state-chip"]').waitFor({ timeout: 5_000 });
    await expect(row('lc-life').locator('[data-testid="state-chip"]').textContent()).resolves.toBe('已派警');
    await panel().locator('[data-testid="action-on_scene"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="incident-row"][data-incident-id="lc-life"] [data-testid="state-chip"]')?.textContent === '已到场', null, { timeout: 5_000 });
    await panel().locator('[data-testid="note-input"]').fill('民警已到场，双方已分开');
    await panel().locator('[data-testid="note-input"]').press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="detail-timeline"] li[data-kind="note"]')].some((li) => li.textContent?.includes('双方已分开')), null, { timeout: 5_000 });
    expect(await panel().locator('[data-testid="note-input"]').inputValue()).toBe('');
    await page.screenshot({ path: join(SHOTS, 'on-scene-1080p.png') });

    await panel().locator('[data-testid="action-false_alarm"]').click();
    await row('lc-life').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await stateOf('lc-life')).toBe('false_alarm');
    await expect(panel().locator('[data-testid="detail-state"]').textContent()).resolves.toContain('误报');
    await panel().locator('[data-testid="action-reopen"]').click();
    await row('lc-life').waitFor({ timeout: 5_000 });
    expect(await stateOf('lc-life')).toBe('acknowledged');
    const kinds = await panel().locator('[data-testid="detail-timeline"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')).reverse());
    // dispatching a new incident acknowledges it in the same step
    expect(kinds).toEqual(['reported', 'dispatched', 'on_scene', 'note', 'false_alarm', 'reopened']);
  });

  it('merges a duplicate report into the incident nearby: it leaves the board, the other tells both stories', async () => {
    await alarm('lc-a', { title: '万象城手机被盗', lat: 26.07, lon: 119.31 });
    await alarm('lc-b', { title: '群众线索：万象城可疑男子', lat: 26.0702, lon: 119.3101, media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }] });
    await row('lc-b').waitFor({ timeout: 5_000 });
    await row('lc-b').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="lc-b"]', { timeout: 5_000 });
    await panel().locator('[data-testid="merge-target"]').selectOption('lc-a');
    await panel().locator('[data-testid="action-merge"]').click();
    await row('lc-b').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.evaluate(() => window.__watchfloor!.store().incidents.get('lc-b')?.mergedInto)).toBe('lc-a');
    await row('lc-a').click();
    await page.waitForSelector('[data-testid="incident-panel"][data-incident-id="lc-a"]', { timeout: 5_000 });
    await expect(panel().locator('[data-testid="detail-timeline"] li[data-kind="absorbed"]').textContent()).resolves.toContain('lc-b');
    await expect(panel().locator('[data-testid="detail-photo"]').count()).resolves.toBe(1);
  });

  it('the services refuse what the state does not allow and say why; an action sent twice is applied once', async () => {
    await alarm('lc-refuse');
    await row('lc-refuse').waitFor({ timeout: 5_000 });
    expect(await bridgeRequest('incident.act', { id: 'lc-refuse', action: 'resolve', actionId: 'once-1' })).toEqual({ ok: true, result: { ok: true, duplicate: false } });
    // the same press again (a retry): done, nothing happens twice
    expect(await bridgeRequest('incident.act', { id: 'lc-refuse', action: 'resolve', actionId: 'once-1' })).toEqual({ ok: true, result: { ok: true, duplicate: true } });
    expect(await bridgeRequest('incident.act', { id: 'lc-refuse', action: 'ack' })).toEqual({ ok: false, error: 'illegal: cannot ack an incident that is resolved' });
    expect(await bridgeRequest('incident.act', { id: 'lc-refuse', action: 'explode' })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid: params.action must be one of/) });
    expect(await bridgeRequest('incident.act', { id: 'nope', action: 'note', note: 'x' })).toEqual({ ok: false, error: 'not_found: no incident nope' });
    const resolved = await page.evaluate(() => window.__watchfloor!.store().incidents.get('lc-refuse')?.timeline.filter((e) => e.kind === 'resolved').length);
    expect(resolved).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

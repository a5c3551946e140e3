// Display roles (issue #16, "Displays and layouts"), in real Chromium against one real host and
// web shell: pages of one room with `?display=map`, `video`, `board`, `dispatch`, each showing its
// role and nothing else — a page without the map makes no map and no WebGL canvas, the video grid
// plays the alarms' cameras most urgent and newest first, the board is large — a bad `?display=`
// says so and shows the default wall, and `map+board` is the default wall. Screenshots of the
// three-display layout go to test-results/displays/ (video and board at 3840×2160, the map too with DISPLAYS_4K=1; one 4K page open at a time).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiosk } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import { missing } from '../../helpers/assets.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT, waitFor } from '../../helpers/host.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm, waitTilePlaying } from '../../helpers/video-tiles.js';
import { closeWallTest, openWall, startWallHost, waitForDrawn, type WallShell } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'displays');
const PREFIX = 'watchfloor/v1';
const UHD = { width: 3840, height: 2160 };
/**
 * The map page at 1920×1080 in a test run: a second 4K map page drawn in software costs half a
 * minute, and wall-more.test.ts already draws the wall at 4K. DISPLAYS_4K=1 draws it at 4K for
 * the three-display pictures (docs/img/displays-*.jpg).
 */
const MAP_VIEW = process.env.DISPLAYS_4K === '1' ? UHD : { width: 1920, height: 1080 };
const DESK = { width: 1600, height: 900 };
/** for pages that are only looked into, not at: a map costs less to start on fewer pixels */
const SMALL = { width: 960, height: 540 };
/** no warm frames kept ahead for tiles (16 by default: 16 renderer processes starting with each page, on two cores); tiles still play in frames */
const LIGHT = '&videoFramePool=0';

let host: Host;
let web: WallShell;
let browser: Browser;
let client: MqttClient;
let dataDir = '';
const pageErrors: string[] = [];

/** The alarms, in the order they are published: P2, then P1, then P2. The grid and the board put the P1 first, then the newest. */
const ALARMS: { id: string; kiosk: number; priority: number; kind: string }[] = [
  { id: 'ds-older', kiosk: 0, priority: 2, kind: 'fight' },
  { id: 'ds-p1', kiosk: 1, priority: 1, kind: 'sos' },
  { id: 'ds-newer', kiosk: 2, priority: 2, kind: 'theft' },
];
const GRID_ORDER = ['ds-p1', 'ds-newer', 'ds-older'];
/** the board's own order (model/situation.ts boardRows): most urgent, then longest waiting */
const BOARD_ORDER = ['ds-p1', 'ds-older', 'ds-newer'];
const kioskOf = (i: number): Kiosk & { cameraId: string } => DEMO_KIOSKS[i];

/** A page of the room that may have no map: bridge open, the wall laid out by its roles. */
async function openDisplay(url: string, viewport: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage({ viewport });
  p.on('pageerror', (e) => pageErrors.push(`${url}: ${e.name}: ${e.message}`));
  await p.goto(url);
  // generous: a page starting a map can keep its main thread for seconds on end on two cores
  await p.waitForSelector('[data-testid="connection"][data-state="open"]', { state: 'attached', timeout: 45_000 });
  await p.waitForSelector('.wall[data-roles]', { state: 'attached', timeout: 45_000 });
  return p;
}

/** when the page fetched maplibre's worker script and when it made its map (null: never), from the page's own performance entries */
const mapWorkerTiming = (p: Page) =>
  p.evaluate(() => ({
    workerStart: performance.getEntriesByType('resource').find((e) => /maplibre-gl-worker[^/]*\.m?js/.test(e.name))?.startTime ?? null,
    // MAP_MADE_MARK (renderer/src/map/MapView.tsx)
    mapMade: performance.getEntriesByName('watchfloor:map-made')[0]?.startTime ?? null,
  }));
/** The page's areas: what its body holds, in order (the classes of its children). */
const areasOf = (p: Page) => p.evaluate(() => [...document.querySelector('[data-testid="display-body"]')!.children].map((c) => c.className));

beforeAll(async () => {
  if (!DEMO_VIDEO_AVAILABLE || DEMO_KIOSKS.length < 3) return;
  mkdirSync(SHOTS, { recursive: true });
  // a data folder: the room menu's diagnostics export writes there
  dataDir = mkdtempSync(join(tmpdir(), 'wf-displays-'));
  ({ host, web } = await startWallHost({}, { dataDir }));
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  for (const a of ALARMS) {
    const k = kioskOf(a.kiosk);
    await publishKioskAlarm(client, a.id, k, 'open', { priority: a.priority, kind: a.kind, title: `${k.name}${a.kind === 'sos' ? '一键报警' : '报警'}` });
    // each arrives after the one before (the board and the grid rank the newest first)
    let seenAt = 0;
    await waitFor(() => (seenAt = host.situation.snapshot().incidents.find((i) => i.id === a.id)?.lastSeen ?? 0) > 0, 10_000, `${a.id} on the host`);
    await waitFor(() => Date.now() > seenAt, 1_000, 'the clock moved on');
  }
}, 60_000);

afterAll(async () => {
  await closeWallTest({ browser, client, web, host });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(missing(DEMO_VIDEO_AVAILABLE && DEMO_KIOSKS.length >= 3, 'demo video and kiosks (npm run build:video, build:data)'))('display roles of a room', () => {
  it('the map page: the map with tiles beside its alarms, no board', async () => {
    const page = await openWall(browser, `${web.url}/?display=map&videoPerAlarm=1${LIGHT}`, MAP_VIEW, pageErrors);
    expect(await page.getAttribute('.wall', 'data-roles')).toBe('map');
    expect(await page.locator('[data-testid="incident-board"]').count()).toBe(0);
    expect(await page.locator('[data-testid="video-wall"]').count()).toBe(1);
    expect(await page.locator('[data-testid="display-error"]').count()).toBe(0);
    // the map fills the page under the header
    const map = (await page.locator('[data-testid="map"]').boundingBox())!;
    expect(map.width).toBe(MAP_VIEW.width);
    // maplibre's worker was started at the page's first line, not with the map (map/map-worker.ts)
    const worker = await mapWorkerTiming(page);
    expect(worker.workerStart).not.toBeNull();
    expect(worker.mapMade).not.toBeNull();
    expect(worker.workerStart!).toBeLessThan(worker.mapMade!);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="video-tile"]').length >= n, ALARMS.length, { timeout: 10_000 });
    await waitForDrawn(page);
    await page.screenshot({ path: join(SHOTS, `map-${MAP_VIEW.width}.png`) });
    await page.close();
  });

  it('the video page: no map, no WebGL; a grid of the alarms’ cameras, P1 first then newest, playing', async () => {
    const page = await openDisplay(`${web.url}/?display=video&videoPerAlarm=1${LIGHT}`, UHD);
    expect(await page.getAttribute('.wall', 'data-roles')).toBe('video');
    // nothing of the map is made: no maplibre, no deck.gl, no canvas at all
    expect(await page.locator('[data-testid="map"], [data-testid="incident-board"]').count()).toBe(0);
    expect(await page.evaluate(() => ({ canvases: document.querySelectorAll('canvas').length, map: window.__watchfloor!.map(), deck: window.__watchfloor!.deck() }))).toEqual({ canvases: 0, map: null, deck: null });
    // nor maplibre's worker, which a page with a map starts before it connects
    expect(await mapWorkerTiming(page)).toEqual({ workerStart: null, mapMade: null });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="video-cell"]').length === n, ALARMS.length, { timeout: 10_000 });
    // in reading order on the screen: the P1, then the newest, then the oldest
    const cells = await page.locator('[data-testid="video-cell"]').evaluateAll((els) =>
      els
        .map((e) => ({ id: (e as HTMLElement).dataset.incidentId!, camera: (e as HTMLElement).dataset.cameraId!, p1: e.classList.contains('p1'), r: e.getBoundingClientRect(), caption: e.querySelector('[data-testid="video-cell-caption"]')?.textContent ?? '' }))
        .sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left),
    );
    expect(cells.map((c) => c.id)).toEqual(GRID_ORDER);
    // the grid fills the page: on 16:9, 2 × 2 gives three pictures larger than a row of three would
    expect([await page.getAttribute('[data-testid="video-grid"]', 'data-cols'), await page.getAttribute('[data-testid="video-grid"]', 'data-rows')]).toEqual(['2', '2']);
    expect(cells[0].r.width).toBeGreaterThan(UHD.width / 2 - 40);
    expect(cells.map((c) => c.p1)).toEqual([true, false, false]);
    // each picture says its alarm: priority, kind, title, age; and its camera
    expect(cells[0].caption).toMatch(/^P1一键报警.*一键报警.*(秒|分钟)前$/);
    for (const c of cells) {
      expect(c.camera).toBe(kioskOf(ALARMS.find((a) => a.id === c.id)!.kiosk).cameraId);
      await waitTilePlaying(page, c.camera, 20_000);
    }
    await page.screenshot({ path: join(SHOTS, 'video-3840.png') });
    await page.close();
  });

  it('the board page: no map, the alarms large, in the board’s order', async () => {
    const page = await openDisplay(`${web.url}/?display=board`, UHD);
    expect(await page.getAttribute('.wall', 'data-roles')).toBe('board');
    expect(await page.evaluate(() => document.querySelectorAll('canvas, [data-testid="map"], [data-testid="video-grid"]').length)).toBe(0);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="incident-row"][data-incident-id^="ds-"]').length === n, ALARMS.length, { timeout: 10_000 });
    const rows = await page.locator('[data-testid="incident-row"]').evaluateAll((els) => els.map((e) => ({ id: (e as HTMLElement).dataset.incidentId!, r: e.getBoundingClientRect(), title: e.querySelector('.row-title')!.getBoundingClientRect().height })).sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left));
    expect(rows.map((r) => r.id)).toEqual(BOARD_ORDER);
    // large: a title line at least twice the root size (the root already follows the screen)
    const root = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    for (const r of rows) expect(r.title).toBeGreaterThan(1.8 * root);
    await page.waitForFunction(() => document.fonts.status === 'loaded');
    await page.screenshot({ path: join(SHOTS, 'board-3840.png') });
    await page.close();
  });

  it('a bad ?display= says so and shows the default wall; map+board is the default wall', async () => {
    // one page at a time: each makes a map, and two cores make maps slowly. (Which roles an address
    // gives, a bare one included, is model/display.ts's, unit-tested: here the pages themselves.)
    const explicit = await openDisplay(`${web.url}/?display=map+board${LIGHT}`, SMALL);
    const def = { roles: await explicit.getAttribute('.wall', 'data-roles'), source: await explicit.getAttribute('.wall', 'data-roles-source'), areas: await areasOf(explicit), errors: await explicit.locator('[data-testid="display-error"]').count() };
    await explicit.close();
    expect(def).toMatchObject({ roles: 'map+board', source: 'param', errors: 0 });
    expect(def.areas.some((c) => c.includes('map-area')) && def.areas.some((c) => c.includes('board'))).toBe(true);
    const bad = await openDisplay(`${web.url}/?display=nonsense${LIGHT}`, SMALL);
    expect(await bad.getAttribute('.wall', 'data-roles')).toBe('map+board');
    expect(await bad.getAttribute('.wall', 'data-roles-source')).toBe('default');
    expect(await areasOf(bad)).toEqual(def.areas);
    const banner = bad.locator('[data-testid="display-error"]');
    expect(await banner.getAttribute('role')).toBe('alert');
    // in the wall's language (zh-CN by default), naming what was wrong and what is shown
    expect(await banner.textContent()).toMatch(/nonsense.*显示角色.*地图 \+ 警情列表/);
    await bad.close();
  });

  it('a page named as a screen takes its roles from the active preset, and follows a switch without a reload', async () => {
    // the built-in presets (core/layout/presets.ts): `major` holds while a P1 is open, and gives `center` a 4 × 4 video grid
    const page = await openDisplay(`${web.url}/?screen=center`, SMALL);
    await page.waitForSelector('.wall[data-roles="video"][data-roles-source="preset"]', { state: 'attached', timeout: 10_000 });
    expect([await page.getAttribute('[data-testid="video-grid"]', 'data-cols'), await page.getAttribute('[data-testid="video-grid"]', 'data-rows')]).toEqual(['4', '4']);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const choose = (preset: string) => fetch(`${web.url}/api/layout`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ preset }) });
    // an operator chooses `day`, which names no screen: the default wall
    expect((await choose('day')).status).toBe(200);
    await page.waitForSelector('.wall[data-roles="map+board"][data-roles-source="default"]', { state: 'attached', timeout: 10_000 });
    expect(await page.locator('[data-testid="video-grid"]').count()).toBe(0);
    expect((await choose('major')).status).toBe(200);
    await page.waitForSelector('.wall[data-roles="video"][data-roles-source="preset"]', { state: 'attached', timeout: 10_000 });
    // the map made for `day` is gone with it
    expect(await page.evaluate(() => ({ canvases: document.querySelectorAll('canvas').length, same: (window as unknown as { notReloaded?: boolean }).notReloaded }))).toEqual({ canvases: 0, same: true });
    await page.close();
  });

  it('the room menu (P): the preset in force and why, chosen by an operator, switched by itself on a new P1 and back; a diagnostics export', async () => {
    const page = await openDisplay(`${web.url}/?display=board`, DESK);
    const menu = page.locator('[data-testid="room-menu"]');
    // the last choice of the test before: `major`, by an operator
    await page.waitForSelector('[data-testid="room-menu"][data-active="major"][data-cause="operator"]', { state: 'attached', timeout: 10_000 });
    await expect(page.locator('[data-testid="room-menu-button"]').textContent()).resolves.toBe('重大警情');
    // P opens it, the first preset focused
    await page.keyboard.press('p');
    await page.locator('[data-testid="room-menu-list"]').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.presetId)).toBe('day');
    expect(await page.locator('[data-testid="preset-option"][aria-checked="true"]').getAttribute('data-preset-id')).toBe('major');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="room-menu"][data-active="day"][data-cause="operator"]', { state: 'attached', timeout: 10_000 });
    expect(host.layout.state()).toMatchObject({ active: 'day', cause: 'operator' });
    await expect(page.locator('[data-testid="room-said"]').textContent()).resolves.toBe('已切换为「日常值守」，各屏随之变化');
    // a new P1: the room switches by itself, and says so; 恢复 goes back to what was chosen
    await client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ id: 'ds-p1-second', ts: Date.now(), kind: 'fire', priority: 1, lat: 26.07, lon: 119.3, title: '居民楼起火' }), { qos: 1 });
    await page.waitForSelector('[data-testid="room-menu"][data-active="major"][data-cause="auto"]', { state: 'attached', timeout: 10_000 });
    await expect(page.locator('[data-testid="room-menu-button"]').textContent()).resolves.toBe('重大警情（自动）');
    await page.locator('[data-testid="preset-revert"]').click();
    await page.waitForSelector('[data-testid="room-menu"][data-active="day"]', { state: 'attached', timeout: 10_000 });
    // the diagnostics zip, written into the data folder by the services
    await page.locator('[data-testid="diagnostics-export"]').click();
    const said = page.locator('[data-testid="room-said"]', { hasText: '诊断包已保存到数据目录' });
    await said.waitFor({ timeout: 20_000 });
    const path = /(diagnostics\/diagnostics-\S+\.zip)/.exec((await said.textContent())!)?.[1];
    expect(path && existsSync(join(dataDir, path))).toBe(true);
    expect(await page.locator('[data-testid="diagnostics-download"]').getAttribute('href')).toBe('/api/diagnostics');
    await page.keyboard.press('Escape');
    expect(await menu.locator('[data-testid="room-menu-list"]').count()).toBe(0);
    await page.close();
  });

  it('the dispatch page: the board to choose from, the chosen incident whole with its nearest units', async () => {
    // a volunteer 200 m from the P1 (reporting now: one from the start of the file would be stale by now)
    const k1 = kioskOf(1);
    await client.publishAsync(`${PREFIX}/units/ds-volunteer/location`, JSON.stringify({ id: 'ds-volunteer', ts: Date.now(), kind: 'volunteer', name: '志愿者林', lat: k1.lat, lon: k1.lon + 0.002 }), { qos: 1 });
    const page = await openDisplay(`${web.url}/?display=dispatch`, DESK);
    expect(await page.evaluate(() => document.querySelectorAll('canvas, [data-testid="map"]').length)).toBe(0);
    await page.locator('[data-testid="dispatch-choose"]').waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="incident-row"][data-incident-id="ds-p1"]').click();
    const panel = page.locator('[data-testid="dispatch-console"] [data-testid="incident-panel"]');
    await panel.waitFor({ timeout: 5_000 });
    expect(await panel.getAttribute('data-incident-id')).toBe('ds-p1');
    await page.locator('[data-testid="nearby-unit"][data-unit-id="ds-volunteer"]').waitFor({ timeout: 10_000 });
    expect(await panel.locator('[data-testid="broadcast"]').count()).toBe(1);
    expect(await panel.locator('[data-testid="assign-unit"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'dispatch-1600.png') });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

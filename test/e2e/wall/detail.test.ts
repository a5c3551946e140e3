// What an incident is, on the wall (issue #13, item 5), in real Chromium against the real host:
// selecting one opens its detail — text, reporter, photos, timeline, the cameras around it, any of
// which opens by hand — a camera on the map opens by a click, a unit's hover says more than its
// name and is never under a video tile, and a casual click on the map opens no grid panel.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'detail');
const PREFIX = 'watchfloor/v1';
const WANDA = { lat: 26.0425, lon: 119.2826 };
const cameras = JSON.parse(readFileSync(join(APP_ROOT, 'assets/generated/demo/cameras.json'), 'utf8')) as Camera[];

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];
const opened: { id: string; o: Record<string, unknown> }[] = [];

const alarm = (id: string, o: Record<string, unknown> = {}) => {
  const msg = { id, ts: Date.now(), kind: 'theft', priority: 2, ...WANDA, title: id, ...o };
  opened.push({ id, o: msg });
  return client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify(msg), { qos: 1 });
};

const panel = () => page.locator('[data-testid="incident-panel"]');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium();
  page = await openWall(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
}, 120_000);

afterEach(async () => {
  // every test closes what it raised and lets go of what it selected or opened
  for (const { o } of opened.splice(0)) await client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ ...o, ts: Date.now(), status: 'closed' }), { qos: 1 });
  await page.keyboard.press('Escape');
  await page.evaluate(() => {
    const s = window.__watchfloor!.store();
    for (const t of s.video.tiles) s.dispatch({ type: 'video.close', cameraId: t.cameraId });
  });
});

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('an incident, whole', () => {
  it('opens when selected: detail, reporter, photos that load and enlarge, its timeline as it changes, acknowledged with the time on its row', async () => {
    await alarm('dt-1', { title: '万达广场服装店手机被盗', reporter: '店员陈女士（138****0000）', detail: '嫌疑人甲：男，约25岁，黑色连帽卫衣' });
    const row = page.locator('[data-testid="incident-row"][data-incident-id="dt-1"]');
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await panel().waitFor({ timeout: 5_000 });
    expect(await panel().getAttribute('data-incident-id')).toBe('dt-1');
    await expect(panel().locator('[data-testid="detail-text"]').textContent()).resolves.toContain('嫌疑人甲');
    await expect(panel().locator('[data-testid="detail-reporter"]').textContent()).resolves.toBe('店员陈女士（138****0000）');
    await expect(panel().locator('[data-testid="detail-timeline"] li').count()).resolves.toBe(1);

    // a clue comes in: photos and a longer detail; the timeline says what changed
    const update = { title: '万达广场服装店手机被盗', reporter: '店员陈女士（138****0000）', detail: '嫌疑人甲：男，约25岁，黑色连帽卫衣。【线索】两张照片', media: [1, 2].map((n) => ({ url: `/media/demo/clue-${n}.jpg`, type: 'image/jpeg' })) };
    await alarm('dt-1', update);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="detail-timeline"] li').length === 2, null, { timeout: 5_000 });
    const newest = await panel().locator('[data-testid="detail-timeline"] li').first().textContent();
    expect(newest).toContain('详情');
    expect(newest).toContain('图片');
    // the photos really load (served by the wall, allowed by its content policy)
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="detail-photo"] img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2, null, { timeout: 10_000 });
    await panel().locator('[data-testid="detail-photo"]').nth(1).click();
    const large = page.locator('[data-testid="detail-photo-large"] img');
    await large.waitFor({ timeout: 3_000 });
    expect(await large.getAttribute('src')).toBe('/media/demo/clue-2.jpg');
    await page.screenshot({ path: join(SHOTS, 'photo-1080p.png') });
    await page.locator('[data-testid="detail-photo-large"]').click();
    await page.screenshot({ path: join(SHOTS, 'panel-1080p.png') });

    // acknowledged from the panel: the row then says when
    await panel().locator('[data-testid="detail-ack"]').click();
    const acked = row.locator('[data-testid="acked"]');
    await acked.waitFor({ timeout: 5_000 });
    expect(Number(await acked.getAttribute('data-at'))).toBeGreaterThan(0);
    expect(await acked.textContent()).toMatch(/^\d{2}:\d{2}:\d{2} 签收$/);
    await page.waitForFunction(() => document.querySelector('[data-testid="detail-timeline"] li')?.getAttribute('data-kind') === 'acknowledged', null, { timeout: 5_000 });
    expect(pageErrors).toEqual([]);
  });

  it('lists the cameras around it; one opened by hand joins its tiles, and stays closed once closed', async () => {
    await alarm('dt-cam', { title: '万达广场：可疑人员' });
    await page.locator('[data-testid="incident-row"][data-incident-id="dt-cam"]').click();
    await panel().waitFor({ timeout: 5_000 });
    // the policy's own tiles open first
    await page.waitForFunction(() => window.__watchfloor!.store().video.tiles.some((t) => t.incidentId === 'dt-cam'), null, { timeout: 10_000 });
    const listed = await panel().locator('[data-testid="detail-camera"]').evaluateAll((els) => els.map((e) => ({ id: (e as HTMLElement).dataset.cameraId!, onWall: (e as HTMLElement).dataset.onWall })));
    expect(listed.length).toBeGreaterThanOrEqual(4);
    const spare = listed.find((c) => c.onWall === 'false' && cameras.find((k) => k.id === c.id)?.hls);
    expect(spare, JSON.stringify(listed)).toBeDefined();
    await panel().locator(`[data-testid="detail-camera"][data-camera-id="${spare!.id}"] [data-testid="open-camera"]`).click();
    const tile = page.locator(`[data-testid="video-tile"][data-camera-id="${spare!.id}"]`);
    await tile.waitFor({ timeout: 10_000 });
    expect(await tile.getAttribute('data-incident-id')).toBe('dt-cam');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="detail-camera"][data-camera-id="${id}"]`)?.getAttribute('data-on-wall') === 'true', spare!.id, { timeout: 5_000 });
    await page.screenshot({ path: join(SHOTS, 'opened-by-hand-1080p.png') });

    await tile.locator('[data-testid="video-close"]').click();
    await tile.waitFor({ state: 'detached', timeout: 5_000 });
    // an update of the alarm replans: the camera closed by hand does not come back
    await alarm('dt-cam', { title: '万达广场：可疑人员（更新）' });
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.get('dt-cam')?.title.includes('更新'), null, { timeout: 5_000 });
    // plan now, with the update in hand (the video debug hook's flush), then look
    await page.evaluate(() => (window.__watchfloor as unknown as { video: { flush(): void } }).video.flush());
    expect(await page.evaluate((id) => window.__watchfloor!.store().video.tiles.some((t) => t.cameraId === id), spare!.id)).toBe(false);
    expect(await page.locator(`[data-testid="video-tile"][data-camera-id="${spare!.id}"]`).count()).toBe(0);
  });

  it('lists the nearest available units by ETA — a police car 2 km away before a volunteer at 800 m, the busy left out — and follows them as they move', async () => {
    const unitAt = (id: string, kind: string, dLon: number, o: Record<string, unknown> = {}) =>
      client.publishAsync(`${PREFIX}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind, name: id, lat: WANDA.lat, lon: WANDA.lon + dLon, ...o }), { qos: 1 });
    // ~100 m per 0.001° of longitude here
    await unitAt('nb-walker', 'volunteer', 0.008);
    await unitAt('nb-car', 'police', 0.02);
    await unitAt('nb-busy', 'volunteer', 0.001, { status: 'busy' });
    await alarm('dt-nearby', { title: '万达广场：需要支援' });
    await page.locator('[data-testid="incident-row"][data-incident-id="dt-nearby"]').click();
    const listed = () => page.locator('[data-testid="nearby-unit"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.unitId).filter((id) => id?.startsWith('nb-')));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="nearby-unit"][data-unit-id^="nb-"]').length === 2, null, { timeout: 10_000 });
    expect(await listed()).toEqual(['nb-car', 'nb-walker']);
    const eta = Number(await page.locator('[data-testid="nearby-unit"][data-unit-id="nb-car"]').getAttribute('data-eta'));
    expect(eta).toBeGreaterThan(200);
    expect(eta).toBeLessThan(500);
    await page.screenshot({ path: join(SHOTS, 'nearby-1080p.png') });
    // the car drives off (10 km): the list follows within a refresh
    await unitAt('nb-car', 'police', 0.1, { ts: Date.now() + 1 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="nearby-unit"][data-unit-id="nb-car"]'), null, { timeout: 8_000 });
    expect(await listed()).toEqual(['nb-walker']);
  });

  it('calls the volunteers nearby with one button; their phones get it, their answers show, the first arrival puts it on scene; a unit assigned by hand joins', async () => {
    const phone = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
    const got: { topic: string; body: Record<string, unknown> }[] = [];
    phone.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
    await phone.subscribeAsync(`${PREFIX}/dispatch/#`, { qos: 1 });
    try {
      for (const [id, dLon, kind] of [['bc-v1', 0.0015, 'volunteer'], ['bc-v2', 0.003, 'volunteer'], ['bc-car', 0.006, 'police']] as const) {
        await client.publishAsync(`${PREFIX}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind, name: `${kind === 'police' ? '巡逻车' : '志愿者'}${id.slice(-2)}`, lat: WANDA.lat + 0.0004, lon: WANDA.lon + dLon }), { qos: 1 });
      }
      await alarm('dt-bc', { title: '万达广场：两名嫌疑人往北门方向', media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }] });
      await page.locator('[data-testid="incident-row"][data-incident-id="dt-bc"]').click();
      await panel().locator('[data-testid="broadcast"]').click();
      await panel().locator('[data-testid="broadcast-said"]').waitFor({ timeout: 5_000 });
      await expect(panel().locator('[data-testid="broadcast-said"]').textContent()).resolves.toBe('已通知 2 名志愿者');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="responder"][data-answer="asked"]').length === 2, null, { timeout: 5_000 });
      // each phone got the incident, its photo with it
      await expect.poll(() => got.map((g) => g.topic).sort(), { timeout: 5_000 }).toEqual([`${PREFIX}/dispatch/bc-v1`, `${PREFIX}/dispatch/bc-v2`]);
      expect(got[0].body).toMatchObject({ incidentId: 'dt-bc', title: '万达广场：两名嫌疑人往北门方向', media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }], radiusM: 500 });
      const dispatchId = got[0].body.dispatchId as string;
      const answer = (unit: string, a: string) => phone.publishAsync(`${PREFIX}/units/${unit}/reply`, JSON.stringify({ dispatchId, incidentId: 'dt-bc', answer: a, ts: Date.now() }), { qos: 1 });
      await answer('bc-v1', 'accept');
      await answer('bc-v2', 'decline');
      await page.waitForSelector('[data-testid="responder"][data-unit-id="bc-v1"][data-answer="accept"]', { timeout: 5_000 });
      await page.waitForSelector('[data-testid="responder"][data-unit-id="bc-v2"][data-answer="decline"]', { timeout: 5_000 });
      // on the map: a line from the volunteer coming to the incident, following it as it walks
      const legFrom = () =>
        page.evaluate(() => {
          const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
          const legs = deck?.props.layers.find((l) => l.id === 'responder-legs')?.props.data as { id: string; from: [number, number] }[] | undefined;
          // to the metre (the wall keeps six decimals)
          return legs?.map((l) => [l.id, ...l.from.map((v) => Math.round(v * 1e5))]) ?? [];
        });
      const at = (lon: number, lat: number) => [Math.round(lon * 1e5), Math.round(lat * 1e5)];
      await expect.poll(legFrom, { timeout: 5_000 }).toEqual([['bc-v1', ...at(WANDA.lon + 0.0015, WANDA.lat + 0.0004)]]);
      await client.publishAsync(`${PREFIX}/units/bc-v1/location`, JSON.stringify({ id: 'bc-v1', ts: Date.now() + 1, kind: 'volunteer', name: '志愿者v1', lat: WANDA.lat + 0.0002, lon: WANDA.lon + 0.0008 }), { qos: 1 });
      await expect.poll(legFrom, { timeout: 8_000 }).toEqual([['bc-v1', ...at(WANDA.lon + 0.0008, WANDA.lat + 0.0002)]]);
      await answer('bc-v1', 'arrived');
      await page.waitForFunction(() => document.querySelector('[data-testid="incident-row"][data-incident-id="dt-bc"] [data-testid="state-chip"]')?.textContent === '已到场', null, { timeout: 5_000 });
      // the car, by hand, from the nearest list
      await panel().locator('[data-testid="nearby-unit"][data-unit-id="bc-car"] [data-testid="assign-unit"]').click();
      await page.waitForSelector('[data-testid="responder"][data-unit-id="bc-car"][data-answer="asked"]', { timeout: 5_000 });
      await expect.poll(() => got.some((g) => g.topic === `${PREFIX}/dispatch/bc-car`), { timeout: 5_000 }).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'dispatch-1080p.png') });
    } finally {
      await phone.endAsync();
    }
  });

  it('opens a camera clicked on the map (cameras layer), standing by the camera when no incident is chosen', async () => {
    const cam = cameras.find((c) => c.hls && c.id === 'C042') ?? cameras.find((c) => c.hls)!;
    await page.evaluate(([lon, lat]) => window.__watchfloor!.map()!.jumpTo({ center: [lon, lat], zoom: 16 }), [cam.lon, cam.lat]);
    if (!(await page.evaluate(() => window.__watchfloor!.store().layers.cameras))) await page.keyboard.press('5');
    const at = await (
      await page.waitForFunction(
        (id) => {
          const w = window.__watchfloor!;
          const map = w.map()!;
          const deck = w.deck() as { pickObject(o: object): { layer: { id: string }; object: { id: string } } | null } | null;
          const c = w.store().cameras.get(id)!;
          const p = map.project([c.lon, c.lat]);
          if (map.isMoving() || deck?.pickObject({ x: p.x, y: p.y, radius: 2 })?.object?.id !== id) return null;
          const r = map.getCanvas().getBoundingClientRect();
          // the click must reach the map: something the wall shows over it there (a tile, a
          // panel) would take it, so the camera is moved to where the map is bare
          const top = document.elementFromPoint(r.left + p.x, r.top + p.y);
          if (!top || top.tagName !== 'CANVAS' || !document.querySelector('[data-testid="map"]')!.contains(top)) {
            map.panBy([160, 120], { animate: false });
            return null;
          }
          return { x: r.left + p.x, y: r.top + p.y };
        },
        cam.id,
        { timeout: 15_000, polling: 250 },
      )
    ).jsonValue();
    await page.mouse.click(at!.x, at!.y);
    const tile = page.locator(`[data-testid="video-tile"][data-camera-id="${cam.id}"]`);
    await tile.waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
      // say what the click met, for the next time this fails
      const seen = await page.evaluate(
        ([x, y, id]) => ({ top: document.elementFromPoint(x, y)?.outerHTML.slice(0, 160) ?? null, tiles: window.__watchfloor!.store().video.tiles.map((t) => t.cameraId), selected: window.__watchfloor!.store().selectedId ?? null, id }),
        [at!.x, at!.y, cam.id] as const,
      );
      throw new Error(`${e.message}; after the click: ${JSON.stringify(seen)}`);
    });
    expect(await tile.getAttribute('data-incident-id')).toBe(`camera:${cam.id}`);
    // no alarm, so no alarm number; its foot says it was opened by hand
    expect(await tile.locator('[data-testid="video-tile-number"]').count()).toBe(0);
    await expect(tile.locator('.video-alarm').textContent()).resolves.toContain('手动调看');
    await page.keyboard.press('5');
  });

  it('a unit\'s hover says how it moves, its battery, where it is and through which feed — drawn above the video tiles', async () => {
    await alarm('dt-hover', { title: '万达广场：悬停测试' });
    await page.waitForFunction(() => window.__watchfloor!.store().video.tiles.some((t) => t.incidentId === 'dt-hover'), null, { timeout: 10_000 });
    const unit = { id: 'dt-v1', ts: Date.now(), kind: 'volunteer', name: '平安志愿者王', lat: WANDA.lat + 0.004, lon: WANDA.lon + 0.004, speed: 1.5, heading: 90, battery: 76 };
    await client.publishAsync(`${PREFIX}/units/dt-v1/location`, JSON.stringify(unit), { qos: 1 });
    await page.evaluate(([lon, lat]) => window.__watchfloor!.map()!.jumpTo({ center: [lon, lat], zoom: 16 }), [unit.lon, unit.lat]);
    const at = await (
      await page.waitForFunction(
        ([lon, lat]) => {
          const w = window.__watchfloor!;
          const map = w.map()!;
          const deck = w.deck() as { pickObject(o: object): { layer: { id: string } } | null } | null;
          const p = map.project([lon, lat]);
          if (map.isMoving() || deck?.pickObject({ x: p.x, y: p.y, radius: 3 })?.layer.id !== 'units') return null;
          const r = map.getCanvas().getBoundingClientRect();
          return { x: r.left + p.x, y: r.top + p.y };
        },
        [unit.lon, unit.lat],
        { timeout: 15_000, polling: 250 },
      )
    ).jsonValue();
    await page.mouse.move(at!.x - 30, at!.y - 30);
    await page.mouse.move(at!.x, at!.y);
    const tip = await (
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.map-tooltip')].find((t) => t.style.display !== 'none' && t.textContent?.includes('平安志愿者王')) ?? null, null, { timeout: 5_000 })
    ).asElement();
    const text = (await tip!.textContent())!;
    expect(text).toContain('5 公里/时');
    expect(text).toContain('向东');
    expect(text).toContain('电量 76%');
    expect(text).toContain('来源：');
    expect(text).toMatch(/仓山区/);
    // a tile moved right under the tooltip: what is drawn on top there is the tooltip
    const stacking = await page.evaluate(() => {
      const t = [...document.querySelectorAll<HTMLElement>('.map-tooltip')].find((x) => x.style.display !== 'none')!;
      const tile = document.querySelector<HTMLElement>('[data-testid="video-tile"][data-layout="float"], [data-testid="video-tile"][data-layout="dock"]')!;
      const r = t.getBoundingClientRect();
      const area = tile.parentElement!.getBoundingClientRect();
      tile.style.transform = `translate(${r.left - area.left - 20}px, ${r.top - area.top - 20}px)`;
      tile.style.width = `${r.width + 60}px`;
      tile.style.height = `${r.height + 60}px`;
      const tr = tile.getBoundingClientRect();
      t.style.pointerEvents = 'auto';
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      // beside the tooltip, on the tile: the tile (so the tile really is there)
      const beside = document.elementFromPoint(tr.right - 5, tr.bottom - 5);
      t.style.pointerEvents = '';
      return { tooltipOnTop: !!hit && t.contains(hit), tileThere: !!beside && tile.contains(beside), covers: tr.left < r.left && tr.top < r.top && tr.right > r.left + r.width / 2 && tr.bottom > r.top + r.height / 2 };
    });
    expect(stacking).toEqual({ tooltipOnTop: true, tileThere: true, covers: true });
    await page.screenshot({ path: join(SHOTS, 'unit-tooltip-1080p.png') });
    await page.mouse.move(5, 500);
  });
});

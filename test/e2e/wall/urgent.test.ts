// A P1 must never be on the map and not be seen, in real Chromium against the real host: never
// swallowed into a cluster, an arrow on the map's edge with its distance while it is off screen,
// never under the layer panel, and one key (or button) back to the city overview.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../core/geo/polygon.js';
import type { Host } from '../../../main/services/host.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'urgent');
const PREFIX = 'watchfloor/v1';

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];
const opened: string[] = [];

const alarm = (id: string, o: Record<string, unknown>) => {
  opened.push(id);
  return client.publishAsync(`${PREFIX}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 3, lat: 26.06, lon: 119.3, title: id, ...o }), { qos: 1 });
};

/** Ids a deck.gl layer draws (through the debug hook). */
const drawn = (layerId: string) =>
  page.evaluate((layerId) => {
    const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
    const data = deck?.props.layers.find((l) => l.id === layerId)?.props.data;
    return Array.isArray(data) ? (data as { id: string; members?: { id: string }[] }[]).map((d) => ({ id: d.id, members: d.members?.map((m) => m.id) })) : [];
  }, layerId);

async function overview(): Promise<void> {
  await page.keyboard.press('o');
  await page.waitForFunction(
    () => {
      const s = window.__watchfloor!;
      const v = s.store().reference!.view;
      const map = s.map()!;
      const c = map.getCenter();
      return !map.isMoving() && Math.abs(c.lng - v.lon) < 1e-4 && Math.abs(c.lat - v.lat) < 1e-4 && Math.abs(map.getZoom() - v.zoom) < 1e-3;
    },
    null,
    { timeout: 10_000 },
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ host, web } = await startWallHost());
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium();
  page = await openWall(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
}, 120_000);

afterAll(() => closeWallTest({ browser, client, web, host }));

describe('urgent alarms are always seen', () => {
  it('a new P1 among P3s at the overview zoom is drawn as its own marker, not counted into a cluster', async () => {
    await overview();
    for (let i = 0; i < 4; i++) await alarm(`cl-p3-${i}`, { lon: 119.3 + i * 0.0004, lat: 26.06 });
    await alarm('cl-p1', { priority: 1, kind: 'sos', lon: 119.3006, lat: 26.0602, title: '一键报警：五一中路小学' });
    await page.waitForFunction(() => window.__watchfloor!.store().incidents.size >= 5, null, { timeout: 5_000 });
    await page.waitForFunction(
      () => {
        const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
        const data = deck?.props.layers.find((l) => l.id === 'incidents')?.props.data as { id: string }[] | undefined;
        return !!data?.some((d) => d.id === 'cl-p1');
      },
      null,
      { timeout: 8_000 },
    );
    const clusters = await drawn('incident-clusters');
    expect(clusters.length).toBeGreaterThan(0);
    expect(clusters.flatMap((c) => c.members ?? [])).not.toContain('cl-p1');
    expect(clusters.flatMap((c) => c.members ?? [])).toEqual(expect.arrayContaining(['cl-p3-0', 'cl-p3-1']));
    expect((await drawn('incident-icons')).map((d) => d.id)).toContain('cl-p1');
    // once acknowledged it may join the others
    await page.locator('[data-testid="incident-row"][data-incident-id="cl-p1"] [data-testid="ack-button"]').click();
    await page.waitForFunction(
      () => {
        const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
        const data = deck?.props.layers.find((l) => l.id === 'incident-clusters')?.props.data as { members: { id: string }[] }[] | undefined;
        return !!data?.some((c) => c.members.some((m) => m.id === 'cl-p1'));
      },
      null,
      { timeout: 8_000 },
    );
  });

  it('an off-screen P1 gets an arrow on the map’s edge with its distance; a click goes there; O comes back', async () => {
    await overview();
    // 长乐区, east of the default view
    const far = { lon: 119.62, lat: 25.97 };
    await alarm('edge-p1', { priority: 1, kind: 'fight', ...far, title: '长乐万星广场斗殴' });
    const cue = page.locator('[data-testid="edge-cue"][data-incident-id="edge-p1"]');
    await cue.waitFor({ timeout: 8_000 });
    const box = (await cue.boundingBox())!;
    const area = (await page.locator('.map-area').boundingBox())!;
    // on the right-hand edge, toward the south-east
    expect(box.x + box.width / 2).toBeGreaterThan(area.x + area.width - 120);
    const center = await page.evaluate(() => window.__watchfloor!.map()!.getCenter());
    const expected = distanceMeters(center.lng, center.lat, far.lon, far.lat);
    expect(Math.abs(Number(await cue.getAttribute('data-distance-m')) - expected)).toBeLessThan(50);
    // whole kilometres from 10 km, tenths below
    const km = expected / 1000;
    await expect(cue.textContent()).resolves.toContain(`P1 ${km >= 10 ? Math.round(km) : km.toFixed(1)} 公里`);
    await page.screenshot({ path: join(SHOTS, 'edge-cue-1080p.png') });
    await cue.click();
    await page.waitForFunction(
      ([lon, lat]) => {
        const map = window.__watchfloor!.map()!;
        const c = map.getCenter();
        return !map.isMoving() && Math.abs(c.lng - lon) < 1e-3 && Math.abs(c.lat - lat) < 1e-3;
      },
      [far.lon, far.lat] as const,
      { timeout: 10_000 },
    );
    await cue.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.evaluate(() => window.__watchfloor!.store().selectedId)).toBe('edge-p1');
    // the button does what O does
    await page.click('[data-testid="overview-button"]');
    await cue.waitFor({ timeout: 10_000 });
    await overview();
    // acknowledged, it no longer needs an arrow
    await page.locator('[data-testid="incident-row"][data-incident-id="edge-p1"] [data-testid="ack-button"]').click();
    await cue.waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('the layer panel gets out of the way of a P1 beneath it, and comes back when it is acknowledged', async () => {
    await overview();
    const panel = page.locator('[data-testid="layer-panel"]');
    await expect(panel.getAttribute('data-collapsed')).resolves.toBe('false');
    // a place on the map under the middle of the panel (measured while it is open)
    const spotUnderPanel = () =>
      page.evaluate(() => {
        const r = document.querySelector('[data-testid="layer-panel"]')!.getBoundingClientRect();
        const map = window.__watchfloor!.map()!;
        const c = map.getCanvas().getBoundingClientRect();
        const p = map.unproject([r.left + r.width / 2 - c.left, r.top + r.height / 2 - c.top]);
        return { lon: p.lng, lat: p.lat };
      });
    const ack = (id: string) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"] [data-testid="ack-button"]`).click();
    await alarm('under-p1', { priority: 1, kind: 'sos', ...(await spotUnderPanel()), title: '一键报警：台江第三中心小学' });
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="auto"]', { timeout: 8_000 });
    await expect(panel.textContent()).resolves.toContain('下方有紧急警情');
    await page.screenshot({ path: join(SHOTS, 'panel-collapsed-1080p.png') });
    await ack('under-p1');
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="false"]', { timeout: 8_000 });
    // the same at 4K, with a P1 under the panel as it is there
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="false"]', { timeout: 8_000 });
    await alarm('under-p1-4k', { priority: 1, kind: 'fire', ...(await spotUnderPanel()), title: '台江区居民楼起火' });
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="auto"]', { timeout: 8_000 });
    await page.screenshot({ path: join(SHOTS, 'panel-collapsed-4k.png') });
    await ack('under-p1-4k');
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="false"]', { timeout: 8_000 });
    await page.setViewportSize({ width: 1920, height: 1080 });
    // the operator may also fold it away, and open it again
    await page.click('[data-testid="layer-panel-toggle"]');
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="true"]', { timeout: 2_000 });
    await page.click('[data-testid="layer-panel-toggle"]');
    await page.waitForSelector('[data-testid="layer-panel"][data-collapsed="false"]', { timeout: 2_000 });
    expect(pageErrors).toEqual([]);
  });
});

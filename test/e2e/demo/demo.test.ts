// The first thing a new user sees: `npm run web` with no flags. The embedded broker and the Fuzhou
// demo start, and within 10 s the wall in Chromium shows districts, grids, kiosks, moving units
// and alarms — all of it having travelled through MQTT and the real ingest.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config.js';
import { startHost, type Host } from '../../../main/services/host.js';
import { startWebShell, type WebShell } from '../../../main/web/server.js';
import { startDemoIfEnabled, type DemoHandle } from '../../../main/demo/demo.js';
import { APP_ROOT } from '../../helpers/host.js';
import { launchChromium } from '../../helpers/chromium.js';
import { demoWebRoutes } from '../../../main/demo/routes.js';

const SHOTS = join(APP_ROOT, 'test-results', 'demo');
let host: Host;
let web: WebShell;
let demo: DemoHandle | null;
let browser: Browser;
let startedAt: number;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  if (!existsSync(join(APP_ROOT, 'assets/generated/geo/fuzhou-grids.geojson'))) throw new Error('demo geography missing: run npm run build:data');
  // Exactly the CLI's defaults, except ports (any free one) so tests never collide.
  const parsed = parseConfig({ embeddedBroker: { port: 0 }, web: { port: 0 } });
  if (!parsed.ok) throw new Error(parsed.error);
  browser = await launchChromium();
  startedAt = Date.now();
  host = await startHost({ config: parsed.value, shell: 'web', appRoot: APP_ROOT });
  web = await startWebShell({ host, staticDir: join(APP_ROOT, 'dist/renderer'), ...demoWebRoutes(join(APP_ROOT, 'assets/generated')), listenHost: '127.0.0.1', port: 0 });
  demo = await startDemoIfEnabled({ config: parsed.value, appRoot: APP_ROOT, brokerUrl: host.brokerUrl });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await web?.close();
  await host?.close();
});

describe('the built-in demo', () => {
  it('comes alive by itself: districts, grids, kiosks, moving units and alarms (time to alive printed)', async () => {
    expect(demo).not.toBeNull();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(web.url);
    // "alive within 10 s" is a goal this test reports, not one it asserts: machines here differ
    // about 2× in speed (the time is printed below; a timed assertion would only be flaky)
    await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.webgl)).toBe('ok');

    const alive = () =>
      page.evaluate(() => {
        const s = window.__watchfloor!.store();
        const grids = (s.reference?.grids as { features: { properties: { level: string } }[] } | null)?.features ?? [];
        return {
          districts: grids.filter((f) => f.properties.level === 'district').length,
          grids: grids.filter((f) => f.properties.level === 'grid').length,
          kiosksOnline: [...s.kiosks.values()].filter((k) => k.online).length,
          units: s.units.count,
          incidents: s.incidents.size,
          rows: document.querySelectorAll('[data-testid="incident-row"]').length,
        };
      });
    await page.waitForFunction(
      () => {
        const s = window.__watchfloor!.store();
        return s.units.count >= 1000 && s.incidents.size >= 1 && [...s.kiosks.values()].some((k) => k.online);
      },
      null,
      { timeout: 30_000 },
    );
    const elapsed = Date.now() - startedAt;
    const state = await alive();
    console.log(`[demo e2e] alive after ${elapsed} ms (goal: 10,000):`, JSON.stringify(state));
    expect(state.districts).toBe(13);
    expect(state.grids).toBeGreaterThan(1000);
    expect(state.kiosksOnline).toBeGreaterThanOrEqual(1);
    expect(state.rows).toBeGreaterThanOrEqual(1);

    // units move: the same volunteer reports a new position a few seconds later
    const before = await page.evaluate(() => window.__watchfloor!.store().units.units.slice(0, 200).map((u) => [u.id, u.lon, u.lat] as const));
    await page.waitForFunction(
      (before) => {
        const units = window.__watchfloor!.store().units;
        return before.filter(([id, lon, lat]) => {
          const u = units.get(id);
          return u && (u.lon !== lon || u.lat !== lat);
        }).length >= 20;
      },
      before,
      { timeout: 15_000 },
    );
    // and nothing the demo sent was rejected
    expect(host.situation.state.stats.rejected).toBe(0);
    // the overlays have drawn what the page holds before the screenshot
    await page.waitForFunction(() => (window.__watchfloor!.stats()?.redraws ?? 0) > 0, null, { timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'demo-1920.png') });
    expect(errors).toEqual([]);
  });
});

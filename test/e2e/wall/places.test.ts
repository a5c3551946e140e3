// Landmarks are searchable (#13, item 6): the wall as the demo runs it loads the demo's places
// registry, and in Chromium typing 万达 lists 仓山万达广场 as a place, with its kind and district;
// choosing it flies the map there and rings it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReferencePayload } from '../../../core/contract.js';
import type { Host } from '../../../main/services/host.js';
import type { WebShell } from '../../../main/web/server.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'places');
const WANDA = { lon: 119.2826, lat: 26.0425 };

let host: Host;
let web: WebShell;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // the demo's registry, as `npm run web` uses it: no reference file configured, the demo on
  // (its publisher is not started; only the reference data matters here)
  ({ host, web } = await startWallHost({ demo: true, reference: {} }));
  browser = await launchChromium();
  page = await openWall(browser, web.url, { width: 1920, height: 1080 }, pageErrors);
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(SHOTS, `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) }).catch(() => undefined);
});

afterAll(() => closeWallTest({ browser, web, host }));

describe('searching for a landmark', () => {
  it("serves the demo's places with the reference data, each tagged with its grid", async () => {
    expect(host.health().referenceErrors).toEqual([]);
    const ref = (await (await fetch(new URL('/api/reference', web.url))).json()) as ReferencePayload;
    const wanda = ref.places?.find((p) => p.name === '仓山万达广场');
    expect(wanda).toMatchObject({ id: 'wanda', kind: 'mall', ...WANDA });
    expect(wanda!.aliases).toContain('万达');
    expect(wanda!.grid?.names.slice(0, 2)).toEqual(['福州市', '仓山区']);
  });

  it('finds 万达 as a place and flies the map there with a ring', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('万达');
    const first = page.locator('[data-testid="search-result"]').first();
    await first.waitFor({ timeout: 5_000 });
    expect(await first.getAttribute('data-kind')).toBe('place');
    expect(await first.getAttribute('data-id')).toBe('wanda');
    const text = await first.textContent();
    // its kind in words, the place's name and where it is
    for (const part of ['地点', '仓山万达广场', '商场', '仓山区']) expect(text).toContain(part);
    await page.screenshot({ path: join(SHOTS, 'search-wanda.png') });

    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (at) => {
        const map = window.__watchfloor!.map()!;
        const c = map.getCenter();
        return !map.isMoving() && Math.abs(c.lng - at.lon) < 1e-4 && Math.abs(c.lat - at.lat) < 1e-4 && map.getZoom() > 15 && map.getZoom() < 17;
      },
      WANDA,
      { timeout: 10_000 },
    );
    // the ring is drawn at the place
    await page.waitForFunction(
      (at) => {
        const deck = window.__watchfloor!.deck() as { props: { layers: { id: string; props: { data: unknown } }[] } } | null;
        const data = deck?.props.layers.find((l) => l.id === 'search-highlight')?.props.data as [number, number][] | undefined;
        return !!data && data.length === 1 && Math.abs(data[0][0] - at.lon) < 1e-6 && Math.abs(data[0][1] - at.lat) < 1e-6;
      },
      WANDA,
      { timeout: 5_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'flown-to-wanda.png') });
    expect(pageErrors).toEqual([]);
  });

  it('finds a place by another of its names: 福州站 is 福州火车站', async () => {
    await page.keyboard.press('/');
    await page.fill('[data-testid="search-input"]', '福州站');
    const first = page.locator('[data-testid="search-result"]').first();
    await first.waitFor({ timeout: 5_000 });
    expect(await first.getAttribute('data-kind')).toBe('place');
    expect(await first.textContent()).toContain('福州火车站');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });
});

// The offline basemap in real Debian Chromium against the real host and web shell: a local
// .pmtiles archive (written by the test helper) is read by byte range from /basemap.pmtiles and
// drawn under the grid outlines; a configured file that is missing leaves the grid map working
// with a small notice.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config.js';
import { startHost, type Host } from '../../../main/services/host.js';
import { startWebShell, type WebShell } from '../../../main/web/server.js';
import { fuzhouRasterArchive, fuzhouVectorArchive } from '../../helpers/pmtiles-writer.js';
import { launchChromium } from '../../helpers/chromium.js';
import { waitForDrawn } from '../../helpers/wall.js';
import { demoWebRoutes } from '../../../main/demo/routes.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const SHOTS = join(repo, 'test-results', 'wall');
const STATIC = join(repo, 'dist/renderer');
const GEN = join(repo, 'assets/generated');
const GRIDS = join(GEN, 'geo/fuzhou-grids.geojson');

let browser: Browser;
let dir: string;

interface Wall {
  host: Host;
  web: WebShell;
  page: Page;
  /** Range headers of the requests that reached /basemap.pmtiles, as the server saw them */
  ranges: string[];
  errors: string[];
  close(): Promise<void>;
}

/** A host and web shell with `reference.basemap` set, and the wall open in Chromium. */
async function openWall(basemap: string): Promise<Wall> {
  const parsed = parseConfig({
    demo: false,
    embeddedBroker: { port: 0 },
    web: { port: 0 },
    reference: { grids: existsSync(GRIDS) ? GRIDS : undefined, basemap },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const host = await startHost({ config: parsed.value, shell: 'web', appRoot: repo, configDir: repo });
  const web = await startWebShell({ host, staticDir: STATIC, ...demoWebRoutes(GEN), listenHost: '127.0.0.1', port: 0 });
  const ranges: string[] = [];
  web.server.prependListener('request', (req: IncomingMessage) => {
    if (req.url?.split('?')[0] === '/basemap.pmtiles') ranges.push(req.headers.range ?? '(none)');
  });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // nothing may leave the machine: every request the page makes goes to our own server, under its
  // address or its other loopback name (where the warm video frames come from)
  const ours = [web.url, web.url.replace('//127.0.0.1:', '//localhost:')];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && !ours.includes(u.origin)) errors.push(`outside request: ${r.url()}`);
  });
  await page.goto(web.url);
  await page.waitForFunction(() => document.body.dataset.webgl !== undefined, null, { timeout: 10_000 });
  const webgl = await page.evaluate(() => document.body.dataset.webgl);
  if (webgl !== 'ok') throw new Error(`WebGL2 is not available in this Chromium (body[data-webgl]=${webgl})`);
  await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 20_000 });
  return {
    host,
    web,
    page,
    ranges,
    errors,
    async close() {
      await page.close();
      await web.close();
      await host.close();
    },
  };
}

/** What the map's style and the basemap source look like now. */
async function mapState(page: Page) {
  return page.evaluate(() => {
    const map = window.__watchfloor!.map()!;
    const style = map.getStyle();
    const style_ = (map as unknown as { style: { tileManagers?: Record<string, { getRenderableIds(): string[] }>; sourceCaches?: Record<string, { getRenderableIds(): string[] }> } }).style;
    const manager = (style_.tileManagers ?? style_.sourceCaches)?.basemap;
    return {
      sources: Object.keys(style.sources),
      basemapSource: style.sources.basemap ?? null,
      layers: style.layers.map((l) => l.id),
      districtFillOpacity: map.getLayer('district-fill') ? map.getPaintProperty('district-fill', 'fill-opacity') : null,
      sourceLoaded: map.getSource('basemap') ? map.isSourceLoaded('basemap') : false,
      renderable: manager ? manager.getRenderableIds().length : 0,
      gridFeatures: map.querySourceFeatures('grids').length,
    };
  });
}

/** Waits until the basemap source is in the style, loaded, and has tiles to draw. */
async function basemapDrawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = window.__watchfloor!.map();
      if (!map?.getSource('basemap') || !map.isSourceLoaded('basemap')) return false;
      const s = (map as unknown as { style: { tileManagers?: Record<string, { getRenderableIds(): string[] }>; sourceCaches?: Record<string, { getRenderableIds(): string[] }> } }).style;
      const manager = (s.tileManagers ?? s.sourceCaches)?.basemap;
      return (manager?.getRenderableIds().length ?? 0) > 0;
    },
    null,
    { timeout: 20_000, polling: 200 },
  );
}

/** The first byte each Range header asks for. */
const starts = (ranges: string[]) => ranges.map((r) => Number(/^bytes=(\d+)-/.exec(r)?.[1] ?? NaN));

/** Where tile data starts in an archive (header bytes 56..63). */
const tileDataOffset = (bytes: Uint8Array) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(56, true));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'watchfloor-basemap-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the offline basemap', () => {
  it('draws a raster .pmtiles archive under the grid outlines, read by byte range', async () => {
    const bytes = fuzhouRasterArchive();
    const file = join(dir, 'fuzhou-raster.pmtiles');
    writeFileSync(file, bytes);
    const wall = await openWall(file);
    try {
      expect(await wall.page.evaluate(() => window.__watchfloor!.store().reference?.basemapUrl)).toBe('/basemap.pmtiles');
      await basemapDrawn(wall.page);
      const s = await mapState(wall.page);
      expect(s.sources).toContain('basemap');
      expect(s.basemapSource).toMatchObject({ type: 'raster', minzoom: 0, maxzoom: 10, tileSize: 256 });
      expect((s.basemapSource as { tiles: string[] }).tiles[0]).toBe(`pmtiles://${wall.web.url}/basemap.pmtiles/{z}/{x}/{y}`);
      // above the background, below every grid layer
      expect(s.layers).toContain('basemap-raster');
      expect(s.layers.indexOf('basemap-raster')).toBe(s.layers.indexOf('background') + 1);
      expect(s.layers.indexOf('basemap-raster')).toBeLessThan(s.layers.indexOf('district-fill'));
      expect(s.layers.indexOf('basemap-raster')).toBeLessThan(s.layers.indexOf('district-line'));
      expect(s.districtFillOpacity).toBe(0.35);
      expect(s.sourceLoaded).toBe(true);
      expect(s.renderable).toBeGreaterThan(0);
      expect(s.gridFeatures).toBeGreaterThan(0);
      // the header and root directory came first, then tile bytes, all as byte ranges
      expect(wall.ranges.length).toBeGreaterThanOrEqual(2);
      expect(wall.ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
      expect(starts(wall.ranges)[0]).toBe(0);
      expect(starts(wall.ranges).some((b) => b >= tileDataOffset(bytes))).toBe(true);
      await expect(wall.page.locator('[data-testid="basemap-notice"]').count()).resolves.toBe(0);
      await waitForDrawn(wall.page);
      await wall.page.screenshot({ path: join(SHOTS, 'basemap.png') });
      expect(wall.errors).toEqual([]);
    } finally {
      await wall.close();
    }
  });

  it('draws a vector .pmtiles archive as dim fills and lines for each of its layers', async () => {
    const bytes = fuzhouVectorArchive();
    const file = join(dir, 'fuzhou-vector.pmtiles');
    writeFileSync(file, bytes);
    const wall = await openWall(file);
    try {
      await basemapDrawn(wall.page);
      const s = await mapState(wall.page);
      expect(s.basemapSource).toMatchObject({ type: 'vector', minzoom: 0, maxzoom: 10 });
      const mine = s.layers.filter((id) => id.startsWith('basemap-'));
      expect(mine).toEqual(['basemap-water-fill', 'basemap-water-line', 'basemap-roads-fill', 'basemap-roads-line']);
      for (const id of mine) expect(s.layers.indexOf(id)).toBeLessThan(s.layers.indexOf('district-fill'));
      // the tiles decoded: their features are queryable
      const features = await wall.page.evaluate(() => {
        const map = window.__watchfloor!.map()!;
        return {
          water: map.querySourceFeatures('basemap', { sourceLayer: 'water' }).map((f) => f.geometry.type),
          roads: map.querySourceFeatures('basemap', { sourceLayer: 'roads' }).map((f) => f.geometry.type),
        };
      });
      expect(features.water.length).toBeGreaterThan(0);
      expect(new Set(features.water)).toEqual(new Set(['Polygon']));
      expect(features.roads.length).toBeGreaterThan(0);
      expect(new Set(features.roads)).toEqual(new Set(['LineString']));
      expect(starts(wall.ranges).some((b) => b >= tileDataOffset(bytes))).toBe(true);
      await waitForDrawn(wall.page);
      await wall.page.screenshot({ path: join(SHOTS, 'basemap-vector.png') });
      expect(wall.errors).toEqual([]);
    } finally {
      await wall.close();
    }
  });

  it('keeps the grid map and shows a notice when the configured file is missing', async () => {
    const wall = await openWall(join(dir, 'no-such-basemap.pmtiles'));
    try {
      const notice = wall.page.locator('[data-testid="basemap-notice"]');
      await notice.waitFor({ timeout: 10_000 });
      await expect(notice.textContent()).resolves.toBe('离线底图加载失败');
      const s = await mapState(wall.page);
      expect(s.sources).not.toContain('basemap');
      expect(s.layers.some((id) => id.startsWith('basemap-'))).toBe(false);
      expect(s.layers).toEqual(expect.arrayContaining(['background', 'district-fill', 'district-line', 'city-line']));
      expect(s.districtFillOpacity).not.toBe(0.35);
      expect(s.gridFeatures).toBeGreaterThan(0);
      expect(wall.ranges.length).toBeGreaterThanOrEqual(1);
      // the only error is the browser's own report of the 404
      expect(wall.errors.filter((e) => !/404/.test(e))).toEqual([]);
      await wall.page.screenshot({ path: join(SHOTS, 'basemap-missing.png') });
      // and it speaks English
      await wall.page.goto(`${wall.web.url}/?lang=en`);
      await notice.waitFor({ timeout: 15_000 });
      await expect(notice.textContent()).resolves.toBe('Offline basemap failed to load');
    } finally {
      await wall.close();
    }
  });
});

// The host and web shell as the wall's end-to-end tests run them: no demo, any free ports, the
// generated Fuzhou grids/kiosks/cameras as reference data, the built renderer.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../core/config.js';
import { startHost, type Host } from '../../main/services/host.js';
import { startWebShell, type WebShell } from '../../main/web/server.js';
import { APP_ROOT } from './host.js';
import type { LiveHlsServer } from '../../main/demo/live-hls.js';
import { demoWebRoutes } from '../../main/demo/routes.js';

export const GENERATED = join(APP_ROOT, 'assets/generated');
/** The renderer build under test (WALL_STATIC / WATCHFLOOR_RENDERER_DIR point at a side build). */
export const RENDERER_DIR = resolve(APP_ROOT, process.env.WALL_STATIC ?? process.env.WATCHFLOOR_RENDERER_DIR ?? 'dist/renderer');

const generated = (p: string) => (existsSync(join(GENERATED, p)) ? join(GENERATED, p) : undefined);

/** The web shell as the wall tests run it: with the demo's camera streams mounted. */
export type WallShell = WebShell<LiveHlsServer> & { video: LiveHlsServer };

/** The configuration wall tests run with (parsed), `overrides` laid over it. */
export function wallTestConfig(overrides: Record<string, unknown> = {}) {
  const parsed = parseConfig({
    demo: false,
    embeddedBroker: { port: 0 },
    web: { port: 0 },
    situation: { deltaIntervalMs: 50 },
    // a test wall's info lines (started, listening, connected) would bury a failure in the CI log
    logs: { level: 'warn' },
    // these walls are fed in bursts with minutes of quiet between tests: a stalled-feed banner
    // (stale.test.ts covers it) would change the layout under tests about other things
    feed: { stallAfterMs: 600_000 },
    reference: { grids: generated('geo/fuzhou-grids.geojson'), kiosks: generated('demo/kiosks.json'), cameras: generated('demo/cameras.json') },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export async function startWallHost(overrides: Record<string, unknown> = {}, hostOptions: { dataDir?: string } = {}): Promise<{ host: Host; web: WallShell }> {
  const host = await startHost({ config: wallTestConfig(overrides), shell: 'web', appRoot: APP_ROOT, configDir: APP_ROOT, dataDir: hostOptions.dataDir });
  const web = (await startWebShell({ host, staticDir: RENDERER_DIR, ...demoWebRoutes(GENERATED), listenHost: '127.0.0.1', port: 0 })) as WallShell;
  return { host, web };
}

/**
 * Opens the wall in a new page and waits until it draws: WebGL2 up (failing clearly when it is
 * not), bridge open, map loaded. Page errors and console errors are collected into `errors`.
 * Timeouts are generous: a 4K page on a software renderer on a busy machine takes its time.
 */
export async function openWall(browser: Browser, url: string, viewport: { width: number; height: number }, errors: string[], prepare?: (page: Page) => void): Promise<Page> {
  const p = await browser.newPage({ viewport });
  // listeners the test needs from the first request on (its bridge socket, say)
  prepare?.(p);
  p.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await p.goto(url);
  await p.waitForFunction(() => document.body.dataset.webgl !== undefined, null, { timeout: 20_000 });
  const webgl = await p.evaluate(() => document.body.dataset.webgl);
  if (webgl !== 'ok') throw new Error(`WebGL2 is not available in this Chromium (body[data-webgl]=${webgl}); the wall cannot draw its map`);
  await p.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 60_000 });
  await p.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 90_000 });
  return p;
}

/**
 * Opens the wall for the video tests: bridge open, map loaded, the video debug hook installed.
 * Only uncaught page errors are collected (a camera made to 404 logs console errors on purpose).
 */
export async function openVideoWall(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  pageErrors: string[],
  options: { connect?: number; map?: number; prepare?: (page: Page) => Promise<void> } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
  // listeners and request routes the test needs before the page loads
  await options.prepare?.(page);
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: options.connect ?? 10_000 });
  await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: options.map ?? 20_000 });
  await page.waitForFunction(() => !!(window as unknown as { __watchfloor?: { video?: unknown } }).__watchfloor?.video, null, { timeout: 5_000 });
  return page;
}

/** Closes what a wall test started: the browser first (it holds connections to the shell), then the MQTT client, the shell, the host. */
export async function closeWallTest(parts: { browser?: Browser; client?: MqttClient; web?: WebShell; host?: Host }): Promise<void> {
  await parts.browser?.close();
  await parts.client?.endAsync();
  await parts.web?.close();
  await parts.host?.close();
}

/**
 * Opens a wall that asks for a sign-in: WebGL checked (as openWall does), then the sign-in form,
 * the only thing such a page shows. Page errors and console errors are collected into `errors`,
 * except the browser's own line for a refused sign-in (401/429), which a test causes on purpose.
 */
export async function openSignIn(browser: Browser, url: string, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const p = await browser.newPage({ viewport });
  p.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|429)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await p.goto(url);
  await p.waitForFunction(() => document.body.dataset.webgl !== undefined, null, { timeout: 20_000 });
  const webgl = await p.evaluate(() => document.body.dataset.webgl);
  if (webgl !== 'ok') throw new Error(`WebGL2 is not available in this Chromium (body[data-webgl]=${webgl}); the wall cannot draw its map`);
  await p.waitForSelector('[data-testid="sign-in"]', { timeout: 30_000 });
  return p;
}

/** Waits until a signed-in page shows the wall: bridge open, map loaded. */
export async function waitForWall(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 90_000 });
}

/** Signs in through the form (filled, then Enter) and waits for the wall. */
export async function signInThroughForm(page: Page, name: string, password: string): Promise<void> {
  await page.locator('[data-testid="sign-in-name"]').fill(name);
  await page.locator('[data-testid="sign-in-password"]').fill(password);
  await page.locator('[data-testid="sign-in-password"]').press('Enter');
  await waitForWall(page);
}

/**
 * Waits until the basemap is idle: maplibre's own 'idle' (style and tiles loaded, no camera move,
 * no fade or transition under way), heard after a repaint asked for now — so it says the map as
 * it is now has been drawn, not that it was idle some time ago.
 */
export async function waitForMapIdle(page: Page, timeout = 30_000): Promise<void> {
  await page.evaluate(
    (timeout) =>
      new Promise<void>((resolve, reject) => {
        const map = window.__watchfloor?.map();
        if (!map) return reject(new Error('the wall has no map'));
        const timer = setTimeout(() => reject(new Error(`the map was not idle within ${timeout} ms`)), timeout);
        map.once('idle', () => {
          clearTimeout(timer);
          resolve();
        });
        map.triggerRepaint();
      }),
    timeout,
  );
}

/**
 * Waits until the wall shows what its model holds now: the moment for a screenshot, or for
 * measuring what is drawn. Fonts loaded; the basemap idle; the alarm canvas handed the model's
 * open incidents as they are now (the very objects the model holds, each as a marker or in a
 * cluster, no others) and the canvas below as many units as the model has (a new or gone unit is
 * drawn at once; a unit's newest position waits for the next routine redraw, as on the wall); and
 * both deck.gl canvases with nothing left to draw — no layer list waiting for the next frame, no
 * redraw due, no async prop loading. The redraw counter (stats().redraws) is not the test: a wall
 * where nothing changes draws nothing more, and waiting for it to move could wait for ever.
 */
export async function waitForDrawn(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.fonts.status === 'loaded', null, { timeout });
  await waitForMapIdle(page, timeout);
  await page.waitForFunction(
    () => {
      type DeckLayer = { id: string; props: { data: unknown } };
      type Deck = { props: { layers: DeckLayer[] }; needsRedraw(): string | false; layerManager: { needsUpdate(): string | false; layers: { isLoaded: boolean }[] } | null };
      const w = window.__watchfloor!;
      const s = w.store();
      const d = w.deck() as { base: Deck; alerts: Deck } | null;
      if (!d) return false;
      const data = (deck: Deck, id: string) => deck.props.layers.find((l) => l.id === id)?.props.data;
      // the alarm canvas: exactly the model's open incidents, as the model holds them now
      const open = s.layers.incidents ? [...s.incidents.values()].filter((i) => i.status === 'open') : [];
      const shown = new Set<unknown>((data(d.alerts, 'incidents') as unknown[] | undefined) ?? []);
      for (const c of (data(d.alerts, 'incident-clusters') as { members: unknown[] }[] | undefined) ?? []) for (const m of c.members) shown.add(m);
      if (shown.size !== open.length || !open.every((i) => shown.has(i))) return false;
      // the canvas below: as many units as the model
      const units = s.layers.units ? s.units.count : 0;
      if (((data(d.base, 'units') as { length: number } | undefined)?.length ?? 0) !== units) return false;
      // and both drawn: nothing handed to either canvas is still waiting for its frame
      return [d.base, d.alerts].every((deck) => !!deck.layerManager && !deck.layerManager.needsUpdate() && !deck.needsRedraw() && deck.layerManager.layers.every((l) => l.isLoaded));
    },
    null,
    { timeout, polling: 100 },
  );
}

/**
 * Resolves in the second animation frame after the call: by then each requestAnimationFrame loop
 * in the page — deck.gl's on each canvas, which picks for the pointer there — has run a frame that
 * began after the call.
 */
export async function afterFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Waits until the host's MQTT client is connected and subscribed: what is published before that is lost. */
export const waitForIngest = (host: Host, timeoutMs = 15_000): Promise<void> => host.ingest.ready(timeoutMs);

/** A request on the bridge as any page could send it (its own WebSocket, its cookie with it): the services' answer. */
export const bridgeRequest = (page: Page, method: string, params: Record<string, unknown>) =>
  page.evaluate(
    ([method, params]) =>
      new Promise<{ ok: boolean; error?: string; result?: unknown }>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/bridge`);
        ws.onerror = () => reject(new Error('bridge refused the socket'));
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data as string) as { type: string; id?: number; ok: boolean; error?: string; result?: unknown };
          if (m.type !== 'response' || m.id !== 7) return;
          ws.close();
          resolve({ ok: m.ok, error: m.error, result: m.result });
        };
        ws.onopen = () => ws.send(JSON.stringify({ type: 'request', id: 7, method, params }));
      }),
    [method, params] as const,
  );

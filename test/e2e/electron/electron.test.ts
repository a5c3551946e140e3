// The Electron shell through Playwright's _electron. Skipped, saying why, where no Electron
// binary is installed (as on this project's CI); the web-shell tests cover the same behaviour.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { missing } from '../../helpers/assets.js';
import { APP_ROOT } from '../../helpers/host.js';

const require = createRequire(import.meta.url);
function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
const binary = electronBinary();
const built = existsSync(resolve(APP_ROOT, 'dist/main/electron.cjs'));
if (!binary) console.warn('[electron e2e] skipped: no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the web-shell e2e tests cover the same behaviour');

describe.skipIf(!binary || missing(built, 'dist/main/electron.cjs (npm run build:main)'))('Electron shell', () => {
  it('opens a sandboxed wall window that receives the situation over IPC', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [APP_ROOT, '--no-demo', '--port', '0'], cwd: APP_ROOT });
    try {
      const page = await app.firstWindow();
      await page.waitForFunction(() => document.body.dataset.webgl !== undefined, null, { timeout: 30_000 });
      const hasNode = await page.evaluate(() => typeof (globalThis as { require?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined');
      expect(hasNode).toBe(false);
      const api = await page.evaluate(() => Object.keys((window as unknown as { watchfloor: object }).watchfloor).sort());
      expect(api).toEqual(['hello', 'onMessage', 'send']);
      // the shell tells the page how big its own renderer process is (the memory watchdog's second figure)
      await page.waitForFunction(() => ((window as unknown as { __watchfloor?: { store: () => { rendererMemory: { processBytes: number } | null } } }).__watchfloor?.store().rendererMemory?.processBytes ?? 0) > 10 * 2 ** 20, null, { timeout: 30_000 });
    } finally {
      await app.close();
    }
  });

  // Not run on this project's CI (no binary): the video frames' Electron path (app://video) is
  // otherwise untested. Tiles opened through the debug hook's soak, the real players' path.
  it('plays tiles in frames from app://video, warm ones first, without falling back to the page', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [APP_ROOT, '--no-demo', '--port', '0'], cwd: APP_ROOT });
    type Video = { framePool(): { warm: number; size: number; taken: number } | null; playersIn(): string; soak(o: object): Promise<{ framed: number }> };
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
      await page.waitForFunction(() => {
        const p = (window as unknown as { __watchfloor?: { video?: Video } }).__watchfloor?.video?.framePool();
        return !!p && p.size > 0 && p.warm === p.size;
      }, null, { timeout: 30_000 });
      const video = () => page.evaluate(() => {
        const v = (window as unknown as { __watchfloor: { video: Video } }).__watchfloor.video;
        return { playersIn: v.playersIn(), pool: v.framePool(), frames: [...document.querySelectorAll('iframe.video-frame')].map((f) => (f as HTMLIFrameElement).src) };
      });
      expect((await video()).playersIn).toBe('frame');
      const soak = await page.evaluate(() => (window as unknown as { __watchfloor: { video: Video } }).__watchfloor.video.soak({ cycles: 4, batch: 2, waitFirstFrame: true, frameTimeoutMs: 15_000 }));
      expect(soak.framed).toBe(4);
      const after = await video();
      expect(after.playersIn).toBe('frame');
      expect(after.pool!.taken).toBeGreaterThanOrEqual(2);
      expect(after.frames.every((src) => /^app:\/\/video2?\/video-frame\.html/.test(src))).toBe(true);
    } finally {
      await app.close();
    }
  });
});

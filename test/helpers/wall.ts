// The host and web shell as the wall's end-to-end tests run them: no demo, any free ports, the
// generated Fuzhou grids/kiosks/cameras as reference data, the built renderer.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../core/config.js';
import { startHost, type Host } from '../../main/services/host.js';
import { startWebShell, type WebShell } from '../../main/web/server.js';
import { APP_ROOT } from './host.js';

export const GENERATED = join(APP_ROOT, 'assets/generated');
/** The renderer build under test (WALL_STATIC / WATCHFLOOR_RENDERER_DIR point at a side build). */
export const RENDERER_DIR = resolve(APP_ROOT, process.env.WALL_STATIC ?? process.env.WATCHFLOOR_RENDERER_DIR ?? 'dist/renderer');

const generated = (p: string) => (existsSync(join(GENERATED, p)) ? join(GENERATED, p) : undefined);

export async function startWallHost(overrides: Record<string, unknown> = {}): Promise<{ host: Host; web: WebShell }> {
  const parsed = parseConfig({
    demo: false,
    embeddedBroker: { port: 0 },
    web: { port: 0 },
    situation: { deltaIntervalMs: 50 },
    reference: { grids: generated('geo/fuzhou-grids.geojson'), kiosks: generated('demo/kiosks.json'), cameras: generated('demo/cameras.json') },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const host = await startHost({ config: parsed.value, shell: 'web', appRoot: APP_ROOT, configDir: APP_ROOT });
  const web = await startWebShell({ host, staticDir: RENDERER_DIR, videoDir: join(GENERATED, 'video'), listenHost: '127.0.0.1', port: 0 });
  return { host, web };
}

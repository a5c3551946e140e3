// The soak's services in a process of their own (scripts/soak.ts forks this file): the host with
// the demo's reference data and no demo publisher (the soak drives its own simulator), and the web
// shell serving the built wall. Its memory is then the services' alone — not the simulator's, nor
// the Playwright driver's, which grew beside them when they shared a process (docs/performance.md,
// run J). It talks to the soak over the fork's IPC channel: `ready` once listening, the figures on
// each `figures` request, and it closes on `close` or when the soak goes away.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../core/config.js';
import { demoWebRoutes } from '../main/demo/routes.js';
import { startHost } from '../main/services/host.js';
import { startWebShell } from '../main/web/server.js';
import { processFigures } from './soak-figures.js';

/** what the soak sends */
export type ToServices = { type: 'figures'; id: number } | { type: 'close' };
/** what this process answers */
export type FromServices =
  | { type: 'ready'; url: string; brokerUrl: string; brokerLogin: { username?: string; password?: string }; pid: number }
  | { type: 'figures'; id: number; services: ReturnType<ReturnType<typeof processFigures>>; ingest: { accepted: number; duplicates: number; rejected: number; outOfOrder: number; messagesPerSecond: number; inputsApplied: number; deltasSent: number } }
  | { type: 'failed'; error: string };

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const GEN = join(repo, 'assets/generated');
const STATIC = resolve(repo, process.env.WATCHFLOOR_RENDERER_DIR ?? 'dist/renderer');

const send = (m: FromServices) => process.send?.(m);

async function main(): Promise<void> {
  const brokerUrl = process.argv[2] || null;
  const parsed = parseConfig({
    demo: false,
    brokers: brokerUrl ? [brokerUrl] : [],
    embeddedBroker: { port: 0 },
    web: { port: 0 },
    // info lines at this rate would bury the samples; warnings still show
    logs: { level: 'warn' },
    reference: { grids: join(GEN, 'geo/fuzhou-grids.geojson'), kiosks: join(GEN, 'demo/kiosks.json'), cameras: join(GEN, 'demo/cameras.json') },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const host = await startHost({ config: parsed.value, shell: 'web', appRoot: repo, configDir: repo });
  const web = await startWebShell({ host, staticDir: STATIC, ...demoWebRoutes(GEN), listenHost: '127.0.0.1', port: 0 });
  const figures = processFigures();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await web.close().catch(() => undefined);
    await host.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m: ToServices) => {
    if (m.type === 'close') void close();
    else if (m.type === 'figures') {
      const st = host.situation.state.stats;
      send({
        type: 'figures',
        id: m.id,
        services: figures(),
        ingest: { accepted: st.accepted, duplicates: st.duplicates, rejected: st.rejected, outOfOrder: st.outOfOrder, messagesPerSecond: Math.round(st.messagesPerSecond), inputsApplied: host.situation.inputsApplied, deltasSent: host.situation.deltasSent },
      });
    }
  });
  // the soak is gone (killed, crashed): nobody will ask us to close
  process.on('disconnect', () => void close());
  send({ type: 'ready', url: web.url, brokerUrl: brokerUrl ?? host.brokerUrl, brokerLogin: { ...host.brokerLogin }, pid: process.pid });
}

main().catch((e: Error) => {
  send({ type: 'failed', error: e.stack ?? e.message });
  process.exit(1);
});

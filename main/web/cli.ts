// `npm run web`: the wall's services under plain Node, served to a browser.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseShellArgs } from '../services/cli-args.js';
import { startHost } from '../services/host.js';
import { startWebShell } from './server.js';
import { startDemoIfEnabled } from '../demo/demo.js';
import { demoWebRoutes } from '../demo/routes.js';
import { demoOperatorFor } from '../demo/operator.js';

const appRoot = resolve(fileURLToPath(import.meta.url), '../../..');

async function main(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(2), process.cwd(), { env: process.env });
  if (!args.ok) {
    console.error(args.error);
    process.exit(2);
  }
  for (const w of args.value.warnings) console.error(`watchfloor: warning: ${w}`);
  const { config, configDir, story, dataDir } = args.value;
  const host = await startHost({ config, shell: 'web', appRoot, configDir, dataDir });
  const web = await startWebShell({
    host,
    staticDir: resolve(appRoot, 'dist/renderer'),
    ...demoWebRoutes(resolve(appRoot, 'assets/generated')),
    listenHost: config.web.host,
    port: config.web.port,
  });
  const demo = await startDemoIfEnabled({ config, appRoot, brokerUrl: host.brokerUrl, login: host.brokerLogin, story, operator: demoOperatorFor(host) });
  // problems at start (reference files, the checkpoint, no ingest worker) the host has logged (warnings reach
  // stderr too); these lines, for the person who started it, stay plain on stdout
  const checkpoint = host.health().checkpoint;
  if (checkpoint?.restored) console.log(`  situation restored from ${checkpoint.path}: ${checkpoint.restored.incidents} incidents, ${checkpoint.restored.units} units`);
  console.log(`Watchfloor web shell: ${web.url}`);
  console.log(`  broker: ${host.brokerUrl}${host.embeddedBroker ? ' (embedded)' : ''}${demo ? ' · demo scenario running' : ''}`);
  console.log(`  logs: ${dataDir ? resolve(dataDir, 'logs', 'watchfloor.log') : 'stderr only (no data folder)'}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await demo?.stop();
    await web.close();
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`watchfloor: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

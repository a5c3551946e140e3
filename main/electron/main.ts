// The Electron shell: windows, the app:// protocol, IPC wiring, security settings. Everything
// else is the same host the web shell runs (main/services/host.ts).
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session } from 'electron';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC, type ServerMessage } from '../../core/contract.js';
import { parseShellArgs } from '../services/cli-args.js';
import { startHost, type Host } from '../services/host.js';
import type { PeerHandle } from '../services/bridge-hub.js';
import { startWebShell, type WebShell } from '../web/server.js';
import { startDemoIfEnabled, type DemoHandle } from '../demo/demo.js';
import { APP_ORIGIN, APP_SCHEME, APP_VIDEO_ORIGINS, appPolicies, GPU_CRASHES_BEFORE_SOFTWARE, isTrustedUrl, routeAppRequest } from './policy.js';
import { windowSlots } from './displays.js';
import { WallWindows } from './windows.js';
import { applyStartOnLogin } from './login-item.js';
import { guardContents } from './guards.js';
import { brokerPasswordFor, clientKeyFor, loadSecrets, SECRETS_FILE, STORE_FLAG, STORE_KEY_FLAG, storeBrokerPassword, storeClientKey } from './secrets.js';
import { demoWebRoutes } from '../demo/routes.js';
import { demoOperatorFor } from '../demo/operator.js';
import { PageProcesses, RENDERER_MEMORY_EVERY_MS } from './process-memory.js';

// One wall per machine: a second launch (a double click, an autostart racing a person) brings the
// running one forward and ends.
// (Storing the broker password or client key is a separate errand that ends at once: it may run beside a wall.)
const storeMode = process.argv.includes(STORE_FLAG) ? 'password' : process.argv.includes(STORE_KEY_FLAG) ? 'key' : null;
const firstInstance = storeMode !== null || app.requestSingleInstanceLock();
if (!firstInstance) app.quit();

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } }]);
if (process.argv.includes('--disable-gpu')) app.disableHardwareAcceleration();
// the pages' memory watchdog reads performance.memory: without this Chromium rounds it and refreshes it every 20 minutes
app.commandLine.appendSwitch('enable-precise-memory-info');
// every renderer sandboxed, whatever a window's own preferences say (the checklist's item 4)
app.enableSandbox();

const appRoot = app.getAppPath();
const rendererDir = resolve(appRoot, 'dist/renderer');
const preloadPath = resolve(appRoot, 'dist/preload/preload.cjs');

let host: Host | undefined;
let web: WebShell | undefined;
let demo: DemoHandle | null = null;
const peers = new Map<number, PeerHandle>();
/** the contents of each attached page, for what the shell itself tells it (its process's memory) */
const pages = new Map<number, Electron.WebContents>();
let memoryTimer: ReturnType<typeof setInterval> | null = null;
/** each page's renderer processes, its video frames' included (process-memory.ts) */
const pageProcesses = new PageProcesses();
let windows: WallWindows | undefined;
let gpuCrashes = 0;

function detachPeer(contentsId: number): void {
  peers.get(contentsId)?.detach();
  peers.delete(contentsId);
  pages.delete(contentsId);
  pageProcesses.forget(contentsId);
}

/** The processes of the page's frames (its own among them), as Electron lists them now. */
function framePids(contents: Electron.WebContents): number[] {
  try {
    return contents.mainFrame.framesInSubtree.map((f) => f.osProcessId);
  } catch {
    // a frame tree torn down under us: the page's own process still counts
    return [];
  }
}

/** Tells each page how big its renderer processes are (process-memory.ts). */
function sendRendererMemory(only?: Electron.WebContents): void {
  let metrics: Electron.ProcessMetric[];
  try {
    metrics = app.getAppMetrics();
  } catch (e) {
    console.error(`renderer memory not read: ${(e as Error).message}`);
    return;
  }
  const at = Date.now();
  pageProcesses.prune(metrics);
  for (const contents of only ? [only] : pages.values()) {
    if (contents.isDestroyed()) continue;
    pageProcesses.observe(contents.id, [contents.getOSProcessId(), ...framePids(contents)], metrics);
    const memory = pageProcesses.memory(contents.id, metrics, at);
    if (memory) contents.send(IPC.toRenderer, { type: 'memory', memory } satisfies ServerMessage);
  }
}

function attachWindow(win: BrowserWindow): void {
  const contents = win.webContents;
  const id = contents.id;
  // a window asking for a fresh start (hello) stays signed in as it was
  const before = peers.get(id);
  before?.detach();
  const handle = host!.hub.attach({
    deliver: (message: ServerMessage) => {
      if (!contents.isDestroyed()) contents.send(IPC.toRenderer, message);
    },
    close: () => peers.delete(id),
    // the wall's own renderer acknowledges what it takes in: flow control from its first snapshot on
  }, before?.auth() ?? { principal: host!.auth.anonymous, from: 'electron' }, { acknowledges: true });
  if (!handle) {
    console.error(`wall window ${id} not attached: the bridge is full (web.maxClients)`);
    return;
  }
  peers.set(id, handle);
  pages.set(id, contents);
  // at once, so a page that reloaded for its memory knows where it stands
  sendRendererMemory(contents);
}

function senderWindow(event: Electron.IpcMainEvent): BrowserWindow | null {
  const win = BrowserWindow.fromWebContents(event.sender);
  // Every message must come from one of our windows showing our own page.
  if (!win || !isTrustedUrl(event.senderFrame?.url)) return null;
  return win;
}

async function main(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(app.isPackaged ? 1 : 2), process.cwd(), { ignoreUnknown: true });
  if (!args.ok) {
    console.error(args.error);
    app.exit(2);
    return;
  }
  await app.whenReady();
  const { configDir, story } = args.value;
  // the broker password and client key come from the keyring-encrypted secrets file, never from the config file
  const stored = loadSecrets(join(app.getPath('userData'), SECRETS_FILE), safeStorage);
  const password = stored.ok ? brokerPasswordFor(args.value.config, stored.value?.brokerPassword ?? null) : stored;
  const clientKey = stored.ok ? clientKeyFor(args.value.config, stored.value?.clientKey ?? null) : stored;
  if (!password.ok || !clientKey.ok) {
    console.error(`Watchfloor (Electron): ${!password.ok ? password.error : !clientKey.ok ? clientKey.error : ''}`);
    app.exit(2);
    return;
  }
  const config = password.value === null ? args.value.config : { ...args.value.config, password: password.value };
  // an installed app has no meaningful working directory: its state lives with the user's app data
  const dataDir = process.argv.includes('--data') ? args.value.dataDir : join(app.getPath('userData'), 'data');
  // Workers load from disk: in a package the file sits in app.asar.unpacked (see electron-builder.yml).
  const ingestWorkerFile = resolve(appRoot, 'dist/workers/mqtt-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  host = await startHost({ config, shell: 'electron', appRoot, configDir, ingestWorkerFile, dataDir, ...(clientKey.value !== null ? { clientKeyPem: clientKey.value } : {}) });
  // Video and the basemap come from the same loopback server the web shell uses; app:// proxies to it.
  // the app:// pages' requests are proxied there with their own origins
  web = await startWebShell({ host, staticDir: rendererDir, ...demoWebRoutes(resolve(appRoot, 'assets/generated')), listenHost: '127.0.0.1', port: 0, extraOrigins: [APP_ORIGIN, ...APP_VIDEO_ORIGINS] });
  const policies = appPolicies(host.mediaOrigins);
  demo = await startDemoIfEnabled({ config, appRoot, brokerUrl: host.brokerUrl, login: host.brokerLogin, story, operator: demoOperatorFor(host) });

  protocol.handle(APP_SCHEME, async (request) => {
    const route = routeAppRequest(new URL(request.url), policies);
    if (route.kind === 'refuse') return new Response(route.text, { status: route.status });
    if (route.kind === 'proxy') return net.fetch(`${web!.url}${route.path}`, { headers: request.headers });
    const response = await net.fetch(pathToFileURL(join(rendererDir, route.rel)).toString()).catch(() => null);
    if (!response || !response.ok) return new Response('not found', { status: 404 });
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', route.policy);
    return new Response(response.body, { status: 200, headers });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  ipcMain.on(IPC.hello, (event) => {
    const win = senderWindow(event);
    if (win) attachWindow(win);
  });
  ipcMain.on(IPC.fromRenderer, (event, message: unknown) => {
    const win = senderWindow(event);
    if (!win) return;
    peers.get(event.sender.id)?.receive(message);
  });
  ipcMain.on(IPC.heartbeat, (event) => {
    if (senderWindow(event)) windows?.heartbeat(event.sender.id);
  });

  app.on('child-process-gone', (_e, details) => {
    if (details.type !== 'GPU') return;
    gpuCrashes++;
    console.error(`GPU process gone (${details.reason}), ${gpuCrashes}/${GPU_CRASHES_BEFORE_SOFTWARE}`);
    if (gpuCrashes >= GPU_CRASHES_BEFORE_SOFTWARE && !process.argv.includes('--disable-gpu')) {
      app.relaunch({ args: [...process.argv.slice(1), '--disable-gpu'] });
      app.exit(0);
    }
  });
  // any contents at all (a window's own get the same before they load, in windows.ts, with replays allowed)
  app.on('web-contents-created', (_e, contents) => guardContents(contents, () => undefined));

  applyStartOnLogin(config.electron.startOnLogin);
  windows = new WallWindows({ preloadPath, slots: windowSlots(config.electron.displays, process.argv.includes('--fullscreen')), detach: detachPeer });
  windows.start();
  memoryTimer = setInterval(() => sendRendererMemory(), RENDERER_MEMORY_EVERY_MS);
  console.log(`Watchfloor (Electron): broker ${host.brokerUrl}${host.embeddedBroker ? ' (embedded)' : ''}`);
}

app.on('window-all-closed', async () => {
  windows?.stop();
  if (memoryTimer) clearInterval(memoryTimer);
  await demo?.stop();
  await web?.close();
  await host?.close();
  app.quit();
});

/** `--store-broker-password` / `--store-client-key`: the secret on stdin, encrypted into the user's secrets file; then quit. */
async function storeSecret(what: 'password' | 'key'): Promise<void> {
  await app.whenReady();
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const path = join(app.getPath('userData'), SECRETS_FILE);
  const stored = what === 'password' ? storeBrokerPassword(path, text.replace(/\r?\n$/, ''), safeStorage) : storeClientKey(path, text, safeStorage);
  const name = what === 'password' ? 'broker password' : 'client key';
  if (stored.ok) console.log(`${name} stored encrypted in ${path}`);
  else console.error(`${name} not stored: ${stored.error}`);
  app.exit(stored.ok ? 0 : 1);
}

if (storeMode !== null) {
  storeSecret(storeMode).catch((e) => {
    console.error(e);
    app.exit(1);
  });
} else if (firstInstance) {
  app.on('second-instance', () => windows?.focus());
  main().catch((e) => {
    console.error(e);
    app.exit(1);
  });
}

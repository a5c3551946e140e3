// The Electron shell: windows, the app:// protocol, IPC wiring, security settings. Everything
// else is the same host the web shell runs (main/services/host.ts).
import { app, BrowserWindow, ipcMain, net, protocol, session, screen } from 'electron';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC, type ServerMessage } from '../../core/contract.js';
import { parseShellArgs } from '../services/cli-args.js';
import { startHost, type Host } from '../services/host.js';
import type { PeerHandle } from '../services/bridge-hub.js';
import { startWebShell, type WebShell } from '../web/server.js';
import { startDemoIfEnabled, type DemoHandle } from '../demo/demo.js';
import { APP_ORIGIN, APP_SCHEME, APP_VIDEO_ORIGIN, appPolicies, GPU_CRASHES_BEFORE_SOFTWARE, isTrustedUrl, replayWindowPath, routeAppRequest, wallWebPreferences } from './policy.js';
import { demoWebRoutes } from '../demo/routes.js';
import { demoOperatorFor } from '../demo/operator.js';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } }]);
if (process.argv.includes('--disable-gpu')) app.disableHardwareAcceleration();

const appRoot = app.getAppPath();
const rendererDir = resolve(appRoot, 'dist/renderer');
const preloadPath = resolve(appRoot, 'dist/preload/preload.cjs');

let host: Host | undefined;
let web: WebShell | undefined;
let demo: DemoHandle | null = null;
const peers = new Map<number, PeerHandle>();
let gpuCrashes = 0;

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
  }, before?.auth() ?? { principal: host!.auth.anonymous, from: 'electron' });
  if (!handle) {
    console.error(`wall window ${id} not attached: the bridge is full (web.maxClients)`);
    return;
  }
  peers.set(id, handle);
}

function createWallWindow(path = '/index.html'): BrowserWindow {
  const display = screen.getPrimaryDisplay();
  const win = new BrowserWindow({
    ...display.workArea,
    backgroundColor: '#05080d',
    show: false,
    autoHideMenuBar: true,
    fullscreen: process.argv.includes('--fullscreen'),
    webPreferences: wallWebPreferences(preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  const contents = win.webContents;
  contents.on('will-navigate', (e, url) => {
    if (!isTrustedUrl(url)) e.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const replay = replayWindowPath(url);
    if (replay) createWallWindow(replay);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.on('render-process-gone', (_e, details) => {
    console.error(`wall renderer gone (${details.reason}); opening a new window`);
    // Open the replacement first so the app never has zero windows and quits.
    createWallWindow();
    peers.get(contents.id)?.detach();
    peers.delete(contents.id);
    win.destroy();
  });
  win.on('closed', () => {
    peers.get(contents.id)?.detach();
    peers.delete(contents.id);
  });
  void win.loadURL(`${APP_ORIGIN}${path}`);
  return win;
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
  const { config, configDir, story } = args.value;
  // an installed app has no meaningful working directory: its state lives with the user's app data
  const dataDir = process.argv.includes('--data') ? args.value.dataDir : join(app.getPath('userData'), 'data');
  // Workers load from disk: in a package the file sits in app.asar.unpacked (see electron-builder.yml).
  const ingestWorkerFile = resolve(appRoot, 'dist/workers/mqtt-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  host = await startHost({ config, shell: 'electron', appRoot, configDir, ingestWorkerFile, dataDir });
  // Video and the basemap come from the same loopback server the web shell uses; app:// proxies to it.
  // the app:// pages' requests are proxied there with their own origins
  web = await startWebShell({ host, staticDir: rendererDir, ...demoWebRoutes(resolve(appRoot, 'assets/generated')), listenHost: '127.0.0.1', port: 0, extraOrigins: [APP_ORIGIN, APP_VIDEO_ORIGIN] });
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

  app.on('child-process-gone', (_e, details) => {
    if (details.type !== 'GPU') return;
    gpuCrashes++;
    console.error(`GPU process gone (${details.reason}), ${gpuCrashes}/${GPU_CRASHES_BEFORE_SOFTWARE}`);
    if (gpuCrashes >= GPU_CRASHES_BEFORE_SOFTWARE && !process.argv.includes('--disable-gpu')) {
      app.relaunch({ args: [...process.argv.slice(1), '--disable-gpu'] });
      app.exit(0);
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  createWallWindow();
  console.log(`Watchfloor (Electron): broker ${host.brokerUrl}${host.embeddedBroker ? ' (embedded)' : ''}`);
}

app.on('window-all-closed', async () => {
  await demo?.stop();
  await web?.close();
  await host?.close();
  app.quit();
});

main().catch((e) => {
  console.error(e);
  app.exit(1);
});

// The real Electron shell (main/electron/main.ts) loaded against a recording double of the
// Electron API (no Electron binary can be installed here): every handler and policy installed,
// the real services started under Node (embedded broker, a temp data folder), windows per display
// with their roles, IPC from the shell's own pages only, and windows replaced when their page
// crashes or hangs. The double is the only stand-in; everything behind it is the real shell.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, type ServerMessage } from '../../../core/contract.js';
import { appPolicies } from '../../../main/electron/policy.js';
import { type BrowserWindowBase, display, ElectronDouble } from '../../helpers/electron-double.js';
import { APP_ROOT, connectClient, publish, waitFor } from '../../helpers/host.js';

const double = vi.hoisted(() => ({ current: null as ElectronDouble | null }));
vi.mock('electron', () => double.current!.module());

const e = new ElectronDouble();
double.current = e;
const root = mkdtempSync(join(tmpdir(), 'wf-electron-'));
const appRoot = join(root, 'app');
const data = join(root, 'data');
const INDEX = '<!doctype html><title>wall</title>';
const argvBefore = process.argv;

const messages = (w: BrowserWindowBase) => w.webContents.messages(IPC.toRenderer) as ServerMessage[];
const windowFor = (screen: string) => e.liveWindows().find((w) => new URL(w.webContents.url).searchParams.get('screen') === screen);
const snapshotOf = (w: BrowserWindowBase) => messages(w).find((m) => m.type === 'snapshot') as Extract<ServerMessage, { type: 'snapshot' }> | undefined;

// what each page's preload does: a heartbeat a second (a hung page's stops)
const silenced = new Set<BrowserWindowBase>();
const lastBeat = new Map<BrowserWindowBase, number>();
const beats = setInterval(() => {
  for (const w of e.liveWindows()) {
    if (silenced.has(w)) continue;
    w.webContents.ipc(IPC.heartbeat);
    lastBeat.set(w, Date.now());
  }
}, 200);

beforeAll(async () => {
  mkdirSync(join(appRoot, 'dist/renderer'), { recursive: true });
  writeFileSync(join(appRoot, 'dist/renderer/index.html'), INDEX);
  // the ingest worker as the package runs it (npm test builds it first)
  const worker = join(APP_ROOT, 'dist/workers');
  if (existsSync(worker)) symlinkSync(worker, join(appRoot, 'dist/workers'));
  writeFileSync(join(root, 'config.json'), JSON.stringify({
    demo: false,
    embeddedBroker: { port: 0 },
    electron: {
      displays: [
        { match: { label: 'Left wall' }, screen: 'left', roles: 'map+board' },
        { match: { id: 20 }, screen: 'right', roles: 'video', kiosk: true },
        { match: { id: 99 }, screen: 'desk', roles: 'dispatch' },
      ],
    },
  }));
  e.app.appPath = appRoot;
  e.app.paths.userData = join(root, 'user');
  e.screen.displays = [display(10, 'Left wall', 0, 0, 3840, 2160), display(20, 'Right wall', 3840, 0, 3840, 2160)];
  e.screen.primaryId = 10;
  process.argv = [process.execPath, appRoot, '--config', join(root, 'config.json'), '--data', data, '--no-demo'];
  await import('../../../main/electron/main.js');
  e.app.becomeReady();
  await waitFor(() => e.liveWindows().length === 2, 20_000, 'two wall windows');
});

afterAll(async () => {
  clearInterval(beats);
  process.argv = argvBefore;
  if (e.callsTo('quit', 'app').length === 0) {
    e.app.emit('window-all-closed', { preventDefault() {} });
    await waitFor(() => e.callsTo('quit', 'app').length > 0, 20_000, 'the shell to close its services and quit');
  }
  rmSync(root, { recursive: true, force: true });
});

describe('the Electron shell, wired against the Electron API double', () => {
  it('locks the app down before it is ready: one instance, sandbox everywhere, app:// privileged', () => {
    expect(e.callsTo('requestSingleInstanceLock', 'app')).toHaveLength(1);
    expect(e.callsTo('enableSandbox', 'app')).toHaveLength(1);
    expect(e.protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const order = e.calls.map((c) => `${c.target}.${c.method}`);
    expect(order.indexOf('app.enableSandbox')).toBeLessThan(order.indexOf('app.whenReady'));
    // the pages' memory watchdog needs a heap figure that moves (docs/operations.md)
    expect(e.app.commandLine.hasSwitch('enable-precise-memory-info')).toBe(true);
    expect(e.callsTo('exit', 'app')).toEqual([]);
  });

  it('opens one window per configured display with its roles, screen and display', () => {
    const left = windowFor('left')!;
    const right = windowFor('right')!;
    expect(left.webContents.url).toBe('app://wall/index.html?display=map%2Bboard&screen=left');
    expect(right.webContents.url).toBe('app://wall/index.html?display=video&screen=right');
    expect(left.bounds).toEqual({ x: 0, y: 0, width: 3840, height: 2160 });
    expect(right.bounds).toEqual({ x: 3840, y: 0, width: 3840, height: 2160 });
    expect(left.options).toMatchObject({ fullscreen: true, kiosk: false, show: false });
    expect(right.options).toMatchObject({ kiosk: true });
    // the desk display is not connected: no window for it yet
    expect(windowFor('desk')).toBeUndefined();
    for (const w of [left, right]) {
      expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, preload: join(appRoot, 'dist/preload/preload.cjs') });
      expect(w.visible).toBe(true);
    }
  });

  it('guards every navigation, redirect, new window and webview of a wall window', () => {
    const c = windowFor('left')!.webContents;
    expect(c.navigate('will-navigate', 'https://example.com/')).toBe(false);
    expect(c.navigate('will-navigate', 'app://wall/index.html?display=map')).toBe(true);
    expect(c.navigate('will-frame-navigate', 'file:///etc/passwd', true)).toBe(false);
    expect(c.navigate('will-frame-navigate', 'app://video/video-frame.html#parent=app://wall', false)).toBe(true);
    // the frames' second generation (renderer/src/video/frame-generations.ts), and nothing beside it
    expect(c.navigate('will-frame-navigate', 'app://video2/video-frame.html#parent=app://wall', false)).toBe(true);
    expect(c.navigate('will-frame-navigate', 'app://video3/video-frame.html', false)).toBe(false);
    expect(c.navigate('will-frame-navigate', 'https://evil.example/', false)).toBe(false);
    expect(c.navigate('will-frame-navigate', 'app://wall/index.html', false)).toBe(false);
    expect(c.navigate('will-redirect', 'http://evil.example/', true)).toBe(false);
    expect(c.navigate('will-redirect', 'https://evil.example/x', false)).toBe(false);
    const webview = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    c.emit('will-attach-webview', webview, {}, { src: 'https://evil.example/' });
    expect(webview.defaultPrevented).toBe(true);
    expect(c.open('https://evil.example/')).toBe('deny');
    const before = e.liveWindows().length;
    // a replay opens a window of our own (denied as a popup, opened by the shell)
    expect(c.open('app://wall/index.html?replay=1796457550000/1796457670000')).toBe('deny');
    expect(e.liveWindows().length).toBe(before + 1);
    const replay = e.liveWindows().at(-1)!;
    expect(replay.webContents.url).toBe('app://wall/index.html?replay=1796457550000%2F1796457670000');
    expect(replay.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(replay.webContents.navigate('will-frame-navigate', 'https://evil.example/', true)).toBe(false);
    replay.destroy();
  });

  it('denies every permission a page asks for, and every check', async () => {
    const s = e.session.defaultSession;
    const granted = await new Promise<boolean>((resolve) => s.permissionRequestHandler!(null, 'media', resolve, {}));
    expect(granted).toBe(false);
    for (const p of ['geolocation', 'notifications', 'media', 'clipboard-read']) expect(s.permissionCheckHandler!(null, p, 'app://wall', {})).toBe(false);
  });

  it('serves app:// under the content policy and refuses what is not ours', async () => {
    const page = await e.protocol.request('app://wall/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX);
    expect(page.headers.get('content-security-policy')).toBe(appPolicies([]).wall);
    expect((await e.protocol.request('app://evil/index.html')).status).toBe(404);
    expect((await e.protocol.request('app://wall/a%00b')).status).toBe(400);
    expect((await e.protocol.request('app://video/index.html')).status).toBe(404);
    expect((await e.protocol.request('app://video2/index.html')).status).toBe(404);
    expect((await e.protocol.request('app://video3/video-frame.html')).status).toBe(404);
    expect(page.headers.get('content-security-policy')).toContain('frame-src \'self\' app://video app://video2;');
    expect((await e.protocol.request('app://wall/missing.js')).status).toBe(404);
    // streams go to the loopback web shell the Electron shell runs too
    const stream = await e.protocol.request('app://wall/video/none.m3u8');
    const proxied = e.callsTo('fetch', 'net').map((c) => String(c.args[0])).find((u) => u.endsWith('/video/none.m3u8'));
    expect(proxied).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/video\/none\.m3u8$/);
    expect(stream.status).toBe(404);
  });

  it('answers IPC only from its own windows showing its own page', async () => {
    const left = windowFor('left')!;
    left.webContents.ipc(IPC.hello, [], 'https://evil.example/');
    left.webContents.ipc(IPC.hello, [], 'app://video/video-frame.html');
    // contents that belong to no window of the shell
    const stray = new e.BrowserWindow();
    const strayContents = stray.webContents;
    stray.destroy();
    strayContents.destroyed = false;
    strayContents.url = 'app://wall/index.html';
    strayContents.ipc(IPC.hello);
    // (a check that nothing arrives needs a window of time: the refusals happen synchronously in
    // the IPC handlers, and 200 ms is margin for anything asynchronous an accepted hello would start)
    await new Promise((r) => setTimeout(r, 200));
    expect(messages(left)).toEqual([]);
    expect(strayContents.sent).toEqual([]);
    left.webContents.ipc(IPC.hello);
    await waitFor(() => !!snapshotOf(left), 5000, 'a snapshot over IPC');
  });

  it('tells each page how big its renderer processes are, its video frames’ included, for its memory watchdog', async () => {
    // Chromium's metrics, as app.getAppMetrics gives them (kB): the left page's process, its video
    // frames' process, and another page's
    const left = windowFor('left')!;
    const pid = left.webContents.getOSProcessId();
    e.app.metrics.set(pid, { type: 'Tab', workingSetSizeKb: 812_000 });
    e.app.metrics.set(pid + 100, { type: 'Tab', workingSetSizeKb: 300_000 });
    e.app.metrics.set(pid + 500, { type: 'Tab', workingSetSizeKb: 99_000 });
    left.webContents.framePids = [pid + 100];
    const lastMemory = () => messages(left).filter((m): m is Extract<ServerMessage, { type: 'memory' }> => m.type === 'memory').at(-1)?.memory;
    // a page that says hello (a reload) hears it at once, then every few seconds
    left.webContents.ipc(IPC.hello);
    await waitFor(() => lastMemory()?.processBytes === 1_112_000 * 1024, 5000, 'a memory message with the frames’ process');
    expect(lastMemory()!.processes).toBe(2);
    expect(Math.abs(lastMemory()!.at - Date.now())).toBeLessThan(5000);
    // the frames moved to a new generation's process; Chromium kept the old one alive: it still counts
    e.app.metrics.set(pid + 101, { type: 'Tab', workingSetSizeKb: 50_000 });
    left.webContents.framePids = [pid + 101];
    left.webContents.ipc(IPC.hello);
    await waitFor(() => lastMemory()?.processBytes === 1_162_000 * 1024, 5000, 'the kept process still counted');
    // it ended: no longer counted
    e.app.metrics.delete(pid + 100);
    left.webContents.ipc(IPC.hello);
    await waitFor(() => lastMemory()?.processBytes === 862_000 * 1024, 5000, 'the ended process dropped');
  });

  it('runs the real services: an alarm published to the embedded broker reaches the window', async () => {
    const left = windowFor('left')!;
    const snap = snapshotOf(left)!;
    expect(snap.health.broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+/);
    await waitFor(() => messages(left).some((m) => (m.type === 'health' || m.type === 'snapshot') && m.health.broker.connected), 10_000, 'the services connected to their broker');
    // the window's renderer acknowledges what it takes in, as the wall's does (flow control: an
    // Electron window's updates are held until it has)
    const last = [...messages(left)].reverse().find((m) => (m.type === 'snapshot' || m.type === 'delta') && m.seq !== undefined) as { seq: number } | undefined;
    expect(last).toBeDefined();
    left.webContents.ipc(IPC.fromRenderer, [{ type: 'request', id: 9001, method: 'updates.ack', params: { seq: last!.seq } }]);
    const pub = await connectClient(snap.health.broker.url);
    try {
      await publish(pub, 'watchfloor/v1/alarms/110', { id: 'E-1', ts: Date.now(), kind: 'fight', priority: 1, lat: 26.08, lon: 119.3, title: '五一广场有人打架' });
      await waitFor(() => messages(left).some((m) => m.type === 'delta' && m.delta.incidents.some((i) => i.id.includes('E-1'))), 10_000, 'the alarm in a delta');
    } finally {
      await pub.endAsync();
    }
  });

  it('puts a window back on its display after it is unplugged and plugged back', async () => {
    const right = windowFor('right')!;
    e.screen.unplug(20);
    expect(right.visible).toBe(false);
    expect(right.isDestroyed()).toBe(false);
    e.screen.plug(display(20, 'Right wall', 0, 2160, 2560, 1440));
    expect(windowFor('right')).toBe(right);
    expect(right.visible).toBe(true);
    expect(right.bounds).toEqual({ x: 0, y: 2160, width: 2560, height: 1440 });
    expect(right.kiosk).toBe(true);
    // the desk display plugged in for the first time: its window opens
    e.screen.plug(display(99, 'Desk', -1920, 0, 1920, 1080));
    const desk = windowFor('desk')!;
    expect(desk.webContents.url).toBe('app://wall/index.html?display=dispatch&screen=desk');
    expect(desk.bounds).toEqual({ x: -1920, y: 0, width: 1920, height: 1080 });
  });

  it('replaces a crashed page\'s window on its display at once, then backs off on repeats', async () => {
    const left = windowFor('left')!;
    left.webContents.gone('crashed');
    await waitFor(() => windowFor('left') !== left, 3000, 'the crashed window replaced within 3 s');
    const second = windowFor('left')!;
    expect(left.isDestroyed()).toBe(true);
    expect(second.bounds).toEqual({ x: 0, y: 0, width: 3840, height: 2160 });
    expect(second.webContents.url).toBe('app://wall/index.html?display=map%2Bboard&screen=left');
    expect(e.callsTo('quit', 'app')).toEqual([]);
    // the new page says hello and gets the situation back from the services
    second.webContents.ipc(IPC.hello);
    await waitFor(() => snapshotOf(second)?.situation.incidents.some((i) => i.id.includes('E-1')) ?? false, 5000, 'the new window\'s snapshot');
    // a second crash right away waits the backoff (1 s) before its window is replaced
    const t0 = Date.now();
    second.webContents.gone('oom');
    expect(windowFor('left')).toBe(second);
    await waitFor(() => windowFor('left') !== second, 5000, 'the second replacement');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(second.isDestroyed()).toBe(true);
  });

  it('replaces a hung page (no heartbeat for 3 s) within about 3 s, and it gets its snapshot', async () => {
    const right = windowFor('right')!;
    right.webContents.ipc(IPC.hello);
    silenced.add(right);
    await waitFor(() => windowFor('right') !== right, 6000, 'the hung window replaced');
    // judged hung 3 s after its last beat, replaced at once (its first failure)
    const took = Date.now() - lastBeat.get(right)!;
    expect(took).toBeGreaterThanOrEqual(3000);
    expect(took).toBeLessThan(4000);
    const next = windowFor('right')!;
    expect(right.isDestroyed()).toBe(true);
    expect(next.bounds).toEqual({ x: 0, y: 2160, width: 2560, height: 1440 });
    next.webContents.ipc(IPC.hello);
    await waitFor(() => !!snapshotOf(next), 5000, 'the replacement\'s snapshot');
  });

  it('brings the wall forward on a second launch, and closes its services when the last window goes', async () => {
    e.app.emit('second-instance', { preventDefault() {} }, [], '/');
    expect(e.calls.some((c) => c.method === 'focus' && c.target.startsWith('BrowserWindow#'))).toBe(true);
    for (const w of e.liveWindows()) w.destroy();
    await waitFor(() => e.callsTo('quit', 'app').length > 0, 20_000, 'the shell to quit');
  });
});

// A recording double of the Electron main-process API that main/electron/ uses, for tests that
// load the real shell where no Electron binary exists (vi.mock('electron', …) hands this out).
// It behaves as Electron does where the shell depends on it: a destroyed window or contents
// throws when used, destroying the last window emits the app's 'window-all-closed', a new window's
// contents emit 'web-contents-created', IPC events carry `sender` and `senderFrame`, navigation
// events carry the event object (url, isMainFrame, frame) and the deprecated positional arguments,
// and `net.fetch` reads file:// URLs from disk. Every call is recorded; tests emit the events a
// real Chromium would (a renderer gone, a heartbeat, a display unplugged).
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Call {
  target: string;
  method: string;
  args: unknown[];
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayDouble {
  id: number;
  label: string;
  bounds: Rect;
  workArea: Rect;
  scaleFactor: number;
  rotation: number;
  internal: boolean;
}

/** What a cancellable Electron event gives its listeners. */
export interface EventDouble {
  defaultPrevented: boolean;
  preventDefault(): void;
  [key: string]: unknown;
}

// EventEmitter's own listener type (its arguments are whatever each event passes)
type Listener = Parameters<EventEmitter['on']>[1];

const destroyedError = () => new TypeError('Object has been destroyed');

function event(fields: Record<string, unknown> = {}): EventDouble {
  const e: EventDouble = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

export class ElectronDouble {
  readonly calls: Call[] = [];
  readonly ipcMain: IpcMainDouble;
  readonly app: AppDouble;
  readonly screen: ScreenDouble;
  readonly protocol: ProtocolDouble;
  readonly session: { defaultSession: SessionDouble };
  readonly net: { fetch: (url: string, init?: RequestInit) => Promise<Response> };
  readonly safeStorage: SafeStorageDouble;
  /** The BrowserWindow class the shell constructs (`new BrowserWindow(options)`). */
  readonly BrowserWindow: BrowserWindowClass;
  private nextContentsId = 1;
  private nextWindowId = 1;

  constructor() {
    const record = (target: string, method: string, args: unknown[]) => this.calls.push({ target, method, args });
    this.ipcMain = new IpcMainDouble(record);
    this.app = new AppDouble(record);
    this.screen = new ScreenDouble(record);
    this.protocol = new ProtocolDouble(record);
    this.session = { defaultSession: new SessionDouble(record) };
    this.safeStorage = new SafeStorageDouble(record);
    this.net = {
      fetch: async (url: string, init?: RequestInit) => {
        record('net', 'fetch', [url, init]);
        if (url.startsWith('file:')) {
          // like Chromium: a missing file is a network error, not a 404
          const body = await readFile(fileURLToPath(url));
          return new Response(body, { status: 200, headers: { 'Content-Type': MIME[extname(url)] ?? 'application/octet-stream' } });
        }
        return fetch(url, init);
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const double = this;
    class BrowserWindow extends BrowserWindowBase {
      static all: BrowserWindowBase[] = [];
      constructor(options: Record<string, unknown> = {}) {
        super(double, double.nextWindowId++, double.nextContentsId++, options);
        BrowserWindow.all.push(this);
        record(`BrowserWindow#${this.id}`, 'constructor', [options]);
        double.app.emit('web-contents-created', event(), this.webContents);
      }
      static fromWebContents(contents: unknown): BrowserWindowBase | null {
        return BrowserWindow.all.find((w) => !w.isDestroyed() && w.webContents === contents) ?? null;
      }
      static getAllWindows(): BrowserWindowBase[] {
        return BrowserWindow.all.filter((w) => !w.isDestroyed());
      }
    }
    this.BrowserWindow = BrowserWindow;
  }

  /** What `import … from 'electron'` gives the shell. */
  module(): Record<string, unknown> {
    const m = { app: this.app, BrowserWindow: this.BrowserWindow, ipcMain: this.ipcMain, net: this.net, protocol: this.protocol, session: this.session, screen: this.screen, safeStorage: this.safeStorage };
    return { ...m, default: m };
  }

  /** Calls recorded on one target (`app`, `protocol`, `BrowserWindow#3`, `webContents#3`, …), or of one method anywhere. */
  callsTo(method: string, target?: string): Call[] {
    return this.calls.filter((c) => c.method === method && (target === undefined || c.target === target));
  }

  /** Windows not destroyed, in creation order. */
  liveWindows(): BrowserWindowBase[] {
    return this.BrowserWindow.all.filter((w) => !w.isDestroyed());
  }

  windowClosed(): void {
    if (this.liveWindows().length === 0) this.app.emit('window-all-closed', event());
  }
}

export interface BrowserWindowClass {
  new (options?: Record<string, unknown>): BrowserWindowBase;
  all: BrowserWindowBase[];
  fromWebContents(contents: unknown): BrowserWindowBase | null;
  getAllWindows(): BrowserWindowBase[];
}

/**
 * `electron` for a test that starts the shell more than once (vi.resetModules): vitest keeps a mock
 * module once made, so its exports must follow whichever double is current.
 */
export function electronModuleOf(current: () => ElectronDouble): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (const name of ['app', 'BrowserWindow', 'ipcMain', 'net', 'protocol', 'session', 'screen', 'safeStorage'] as const) Object.defineProperty(m, name, { enumerable: true, get: () => current()[name] });
  Object.defineProperty(m, 'default', { enumerable: true, get: () => m });
  return m;
}

type Record_ = (target: string, method: string, args: unknown[]) => void;

export class IpcMainDouble extends EventEmitter {
  constructor(private readonly record: Record_) {
    super();
  }
  override on(channel: string, listener: Listener): this {
    this.record('ipcMain', 'on', [channel, listener]);
    return super.on(channel, listener);
  }
  handle(channel: string, listener: unknown): void {
    this.record('ipcMain', 'handle', [channel, listener]);
  }
}

export class AppDouble extends EventEmitter {
  isPackaged = false;
  appPath = process.cwd();
  paths: Record<string, string> = {};
  /** false: another instance holds the lock */
  singleInstanceLock = true;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private isReadyNow = false;

  constructor(private readonly record: Record_) {
    super();
  }
  override on(name: string, listener: Listener): this {
    this.record('app', 'on', [name, listener]);
    return super.on(name, listener);
  }
  /** The test says when Chromium is up. */
  becomeReady(): void {
    this.isReadyNow = true;
    this.readyResolve();
    this.emit('ready', event(), {});
  }
  whenReady(): Promise<void> {
    this.record('app', 'whenReady', []);
    return this.ready;
  }
  isReady(): boolean {
    return this.isReadyNow;
  }
  requestSingleInstanceLock(): boolean {
    this.record('app', 'requestSingleInstanceLock', []);
    return this.singleInstanceLock;
  }
  getAppPath(): string {
    return this.appPath;
  }
  getPath(name: string): string {
    const p = this.paths[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  enableSandbox(): void {
    if (this.isReadyNow) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.record('app', 'enableSandbox', []);
  }
  disableHardwareAcceleration(): void {
    this.record('app', 'disableHardwareAcceleration', []);
  }
  /** Chromium switches, as app.commandLine gives them (they count only before the app is ready) */
  readonly commandLine = {
    appendSwitch: (name: string, value?: string): void => {
      if (this.isReadyNow) throw new Error(`app.commandLine.appendSwitch('${name}') after ready has no effect`);
      this.record('app', 'commandLine.appendSwitch', value === undefined ? [name] : [name, value]);
      this.switches.set(name, value);
    },
    hasSwitch: (name: string): boolean => this.switches.has(name),
  };
  private readonly switches = new Map<string, string | undefined>();
  setLoginItemSettings(settings: unknown): void {
    this.record('app', 'setLoginItemSettings', [settings]);
  }
  /** what getAppMetrics answers: the test sets each process's working set (kB), as Chromium reports it */
  readonly metrics = new Map<number, { type: string; workingSetSizeKb: number }>();
  getAppMetrics(): { pid: number; type: string; creationTime: number; cpu: { percentCPUUsage: number; idleWakeupsPerSecond: number }; memory: { workingSetSize: number; peakWorkingSetSize: number } }[] {
    this.record('app', 'getAppMetrics', []);
    return [...this.metrics].map(([pid, m]) => ({ pid, type: m.type, creationTime: 0, cpu: { percentCPUUsage: 0, idleWakeupsPerSecond: 0 }, memory: { workingSetSize: m.workingSetSizeKb, peakWorkingSetSize: m.workingSetSizeKb } }));
  }
  relaunch(options?: unknown): void {
    this.record('app', 'relaunch', [options]);
  }
  quit(): void {
    this.record('app', 'quit', []);
  }
  exit(code = 0): void {
    this.record('app', 'exit', [code]);
  }
  focus(): void {
    this.record('app', 'focus', []);
  }
}

export class ScreenDouble extends EventEmitter {
  displays: DisplayDouble[] = [display(1, 'Primary', 0, 0, 1920, 1080)];
  primaryId = 1;
  constructor(private readonly record: Record_) {
    super();
  }
  override on(name: string, listener: Listener): this {
    this.record('screen', 'on', [name, listener]);
    return super.on(name, listener);
  }
  getAllDisplays(): DisplayDouble[] {
    return this.displays.map((d) => structuredClone(d));
  }
  getPrimaryDisplay(): DisplayDouble {
    return structuredClone(this.displays.find((d) => d.id === this.primaryId) ?? this.displays[0]);
  }
  /** A display plugged in, as the OS reports it. */
  plug(d: DisplayDouble): void {
    this.displays.push(d);
    this.emit('display-added', event(), structuredClone(d));
  }
  unplug(id: number): void {
    const d = this.displays.find((x) => x.id === id);
    if (!d) throw new Error(`no display ${id}`);
    this.displays = this.displays.filter((x) => x.id !== id);
    this.emit('display-removed', event(), structuredClone(d));
  }
  resize(id: number, bounds: Rect): void {
    const d = this.displays.find((x) => x.id === id)!;
    d.bounds = { ...bounds };
    d.workArea = { ...bounds };
    this.emit('display-metrics-changed', event(), structuredClone(d), ['bounds', 'workArea']);
  }
}

export function display(id: number, label: string, x: number, y: number, width: number, height: number): DisplayDouble {
  return { id, label, bounds: { x, y, width, height }, workArea: { x, y, width, height }, scaleFactor: 1, rotation: 0, internal: false };
}

export class ProtocolDouble {
  readonly privileged: unknown[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  constructor(private readonly record: Record_) {}
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.record('protocol', 'registerSchemesAsPrivileged', [schemes]);
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.record('protocol', 'handle', [scheme, handler]);
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  /** What a page's request for this URL gets from the handler the shell installed. */
  async request(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    return handler(new Request(url));
  }
}

export class SessionDouble {
  permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null;
  constructor(private readonly record: Record_) {}
  setPermissionRequestHandler(h: SessionDouble['permissionRequestHandler']): void {
    this.record('session', 'setPermissionRequestHandler', [h]);
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: SessionDouble['permissionCheckHandler']): void {
    this.record('session', 'setPermissionCheckHandler', [h]);
    this.permissionCheckHandler = h;
  }
}

/** Reversible and not the plain text, as a test needs; the real one uses the OS keyring. */
export class SafeStorageDouble {
  available = true;
  constructor(private readonly record: Record_) {}
  isEncryptionAvailable(): boolean {
    this.record('safeStorage', 'isEncryptionAvailable', []);
    return this.available;
  }
  encryptString(plain: string): Buffer {
    this.record('safeStorage', 'encryptString', ['<secret>']);
    if (!this.available) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
  }
  decryptString(encrypted: Buffer): string {
    this.record('safeStorage', 'decryptString', []);
    if (!this.available) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
    if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
  }
}

export class WebContentsDouble extends EventEmitter {
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string; frameName: string; features: string; disposition: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];

  constructor(private readonly double: ElectronDouble, readonly id: number) {
    super();
  }
  private check(): void {
    if (this.destroyed) throw destroyedError();
  }
  override on(name: string, listener: Listener): this {
    this.double.calls.push({ target: `webContents#${this.id}`, method: 'on', args: [name, listener] });
    return super.on(name, listener);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    this.check();
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.check();
    this.sent.push({ channel, args });
  }
  /** the renderer's process id, as ipc() events carry it */
  getOSProcessId(): number {
    this.check();
    return 1000 + this.id;
  }
  /** the processes of the page's child frames (its video frames' generations), as a test sets them */
  framePids: number[] = [];
  /** WebFrameMain as far as the shell reads it: every frame of the page, itself first, with its OS process */
  get mainFrame(): { osProcessId: number; framesInSubtree: { osProcessId: number }[] } {
    this.check();
    const self = { osProcessId: this.getOSProcessId() };
    return { ...self, framesInSubtree: [self, ...this.framePids.map((osProcessId) => ({ osProcessId }))] };
  }
  setWindowOpenHandler(h: WebContentsDouble['windowOpenHandler']): void {
    this.check();
    this.double.calls.push({ target: `webContents#${this.id}`, method: 'setWindowOpenHandler', args: [h] });
    this.windowOpenHandler = h;
  }

  // ---- what the page (or Chromium) does, emitted by tests ----

  /** The page sends on an IPC channel, from its main frame (or the frame URL given). */
  ipc(channel: string, args: unknown[] = [], frameUrl?: string): void {
    const e = { ...event(), sender: this, senderFrame: { url: frameUrl ?? this.url, top: null }, processId: 1000 + this.id, frameId: 1, reply: () => undefined };
    this.double.ipcMain.emit(channel, e, ...args);
  }
  /** A frame wants to navigate: true when the shell let it. `kind` is the Electron event. */
  navigate(kind: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string, isMainFrame = true): boolean {
    const frame = { url: this.url, top: null };
    const e = event({ url, isMainFrame, isSameDocument: false, frame, initiator: null });
    // will-navigate and will-redirect still pass the deprecated positional arguments
    if (kind === 'will-frame-navigate') this.emit(kind, e);
    else this.emit(kind, e, url, false, isMainFrame, 1000 + this.id, 1);
    return !e.defaultPrevented;
  }
  /** The page calls window.open: the handler's answer. */
  open(url: string): 'allow' | 'deny' {
    const h = this.windowOpenHandler;
    return h ? h({ url, frameName: '', features: '', disposition: 'new-window' }).action : 'allow';
  }
  /** The renderer process died. */
  gone(reason = 'crashed', exitCode = 139): void {
    this.emit('render-process-gone', event(), { reason, exitCode });
  }
  /** IPC.toRenderer messages sent to this page. */
  messages(channel: string): unknown[] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.args[0]);
  }
}

export class BrowserWindowBase extends EventEmitter {
  private readonly contents: WebContentsDouble;
  private destroyed = false;
  visible = false;
  fullScreen: boolean;
  kiosk: boolean;
  minimized = false;
  bounds: Rect;

  constructor(private readonly double: ElectronDouble, readonly id: number, contentsId: number, readonly options: Record<string, unknown>) {
    super();
    this.contents = new WebContentsDouble(double, contentsId);
    this.fullScreen = options.fullscreen === true || options.kiosk === true;
    this.kiosk = options.kiosk === true;
    this.bounds = { x: Number(options.x ?? 0), y: Number(options.y ?? 0), width: Number(options.width ?? 800), height: Number(options.height ?? 600) };
    this.visible = options.show !== false;
  }
  /** Like Electron's: a destroyed window's contents cannot be asked for. */
  get webContents(): WebContentsDouble {
    if (this.destroyed) throw destroyedError();
    return this.contents;
  }
  private rec(method: string, args: unknown[] = []): void {
    if (this.destroyed) throw destroyedError();
    this.double.calls.push({ target: `BrowserWindow#${this.id}`, method, args });
  }
  override on(name: string, listener: Listener): this {
    this.double.calls.push({ target: `BrowserWindow#${this.id}`, method: 'on', args: [name, listener] });
    return super.on(name, listener);
  }
  override once(name: string, listener: Listener): this {
    this.double.calls.push({ target: `BrowserWindow#${this.id}`, method: 'once', args: [name, listener] });
    return super.once(name, listener);
  }
  loadURL(url: string): Promise<void> {
    this.rec('loadURL', [url]);
    this.webContents.url = url;
    // Chromium paints the first frame a little later
    setImmediate(() => !this.destroyed && this.emit('ready-to-show', event()));
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  show(): void {
    this.rec('show');
    this.visible = true;
  }
  hide(): void {
    this.rec('hide');
    this.visible = false;
  }
  isVisible(): boolean {
    this.rec('isVisible');
    return this.visible;
  }
  focus(): void {
    this.rec('focus');
  }
  restore(): void {
    this.rec('restore');
    this.minimized = false;
  }
  isMinimized(): boolean {
    this.rec('isMinimized');
    return this.minimized;
  }
  isFullScreen(): boolean {
    this.rec('isFullScreen');
    return this.fullScreen;
  }
  setFullScreen(flag: boolean): void {
    this.rec('setFullScreen', [flag]);
    this.fullScreen = flag;
  }
  setKiosk(flag: boolean): void {
    this.rec('setKiosk', [flag]);
    this.kiosk = flag;
    this.fullScreen = flag;
  }
  setBounds(bounds: Partial<Rect>): void {
    this.rec('setBounds', [bounds]);
    this.bounds = { ...this.bounds, ...bounds };
  }
  getBounds(): Rect {
    this.rec('getBounds');
    return { ...this.bounds };
  }
  close(): void {
    this.rec('close');
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.double.calls.push({ target: `BrowserWindow#${this.id}`, method: 'destroy', args: [] });
    this.destroyed = true;
    this.contents.destroyed = true;
    this.emit('closed');
    this.double.windowClosed();
  }
}

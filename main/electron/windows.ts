// The wall's windows: one per configured display, kept on its display as displays come and go,
// and replaced when its page crashes or hangs (with backoff on repeats). Where windows go is
// displays.ts's decision, when to replace them restart-policy.ts's; this file does what they say.
import { BrowserWindow, screen, type BrowserWindowConstructorOptions, type Display } from 'electron';
import { type DisplayInfo, type HeldWindow, placeSlots, type Rect, reconcileWindows, type WindowSlot } from './displays.js';
import { guardContents } from './guards.js';
import { APP_ORIGIN, wallPageUrl, wallWebPreferences } from './policy.js';
import { freshRestartState, isHung, onFailure, type RestartState } from './restart-policy.js';

export interface WallWindowsOptions {
  preloadPath: string;
  slots: readonly WindowSlot[];
  /** a window's page is gone: its bridge peer goes with it */
  detach: (contentsId: number) => void;
  log?: (line: string) => void;
  /** how often hung pages are looked for (ms) */
  watchEveryMs?: number;
}

interface Held {
  slot: WindowSlot;
  win: BrowserWindow;
  /** its contents' id, kept: a destroyed window's contents can no longer be asked */
  contentsId: number;
  displayId: number | null;
  bounds: Rect | null;
  visible: boolean;
  createdAt: number;
  lastBeatAt: number | null;
  /** a replacement is scheduled: the window is not judged again meanwhile */
  failing: boolean;
}

const infoOf = (d: Display): DisplayInfo => ({ id: d.id, label: d.label, bounds: d.bounds, workArea: d.workArea });

export class WallWindows {
  private readonly held = new Map<string, Held>();
  /** per slot, across replacements: how often its page failed lately */
  private readonly restarts = new Map<string, RestartState>();
  /** replay windows (docs/replay.md): guarded the same, never replaced */
  private readonly others = new Set<BrowserWindow>();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  private readonly log: (line: string) => void;
  private readonly arrangeOnScreenChange = () => this.arrange();

  constructor(private readonly opts: WallWindowsOptions) {
    this.log = opts.log ?? ((line) => console.error(line));
  }

  /** Opens the windows and starts following displays and heartbeats. */
  start(): void {
    // what electron.displays can match on (docs/configuration.md)
    for (const [index, d] of screen.getAllDisplays().entries()) console.log(`display ${index}: id ${d.id}, label "${d.label}", ${d.bounds.width}×${d.bounds.height} at ${d.bounds.x},${d.bounds.y}`);
    this.arrange();
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) screen.on(event as 'display-added', this.arrangeOnScreenChange);
    this.watchdog = setInterval(() => this.watch(), this.opts.watchEveryMs ?? 250);
  }

  /** Stops replacing and following: the app is quitting. */
  stop(): void {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) screen.removeListener(event as 'display-added', this.arrangeOnScreenChange);
  }

  /** The page of these contents is alive (IPC.heartbeat, from a checked sender). */
  heartbeat(contentsId: number): void {
    for (const h of this.held.values()) if (h.contentsId === contentsId) h.lastBeatAt = Date.now();
  }

  /** A second launch of the app: bring the wall to the front instead. */
  focus(): void {
    const h = [...this.held.values()].find((w) => w.visible && !w.win.isDestroyed());
    if (!h) return;
    if (h.win.isMinimized()) h.win.restore();
    h.win.show();
    h.win.focus();
  }

  /** Brings the windows to what the connected displays allow (at start and on every display change). */
  arrange(): void {
    if (this.stopped) return;
    const displays = screen.getAllDisplays().map(infoOf);
    const primary = displays.length ? screen.getPrimaryDisplay().id : null;
    const placements = placeSlots(displays, primary, this.opts.slots);
    const held: HeldWindow[] = [...this.held.values()].map((h) => ({ key: h.slot.key, displayId: h.displayId, bounds: h.bounds, visible: h.visible }));
    for (const action of reconcileWindows(held, placements)) {
      if (action.kind === 'open') this.held.set(action.slot.key, this.open(action.slot, action.display));
      else if (action.kind === 'move') this.place(this.held.get(action.key)!, action.display);
      else this.hide(this.held.get(action.key)!);
    }
  }

  private open(slot: WindowSlot, display: DisplayInfo | null, hiddenAt: Rect | null = null): Held {
    const rect = display ? (slot.fullscreen || slot.kiosk ? display.bounds : display.workArea) : hiddenAt;
    const win = this.create({ ...(rect ?? {}), fullscreen: slot.fullscreen, kiosk: slot.kiosk });
    const h: Held = { slot, win, contentsId: win.webContents.id, displayId: display?.id ?? null, bounds: display?.bounds ?? null, visible: !!display, createdAt: Date.now(), lastBeatAt: null, failing: false };
    const contents = win.webContents;
    const id = contents.id;
    guardContents(contents, (path) => this.openReplay(path));
    if (display) win.once('ready-to-show', () => h.visible && !win.isDestroyed() && win.show());
    contents.on('render-process-gone', (_e, details) => this.fail(slot.key, win, `renderer gone (${details.reason})`));
    win.on('unresponsive', () => this.fail(slot.key, win, 'unresponsive'));
    win.on('closed', () => {
      this.opts.detach(id);
      if (this.held.get(slot.key)?.win === win) this.held.delete(slot.key);
    });
    void win.loadURL(wallPageUrl(slot)).catch(() => undefined);
    return h;
  }

  private place(h: Held, display: DisplayInfo): void {
    const { win, slot } = h;
    // a full-screen window does not move: leave full screen, move, take it again
    if (win.isFullScreen()) win.setFullScreen(false);
    win.setBounds(slot.fullscreen || slot.kiosk ? display.bounds : display.workArea);
    if (slot.kiosk) win.setKiosk(true);
    else if (slot.fullscreen) win.setFullScreen(true);
    win.show();
    Object.assign(h, { displayId: display.id, bounds: display.bounds, visible: true });
  }

  private hide(h: Held): void {
    h.win.hide();
    h.visible = false;
  }

  /** A slot's page crashed or hung: replace its window, at once or after the backoff. */
  private fail(key: string, win: BrowserWindow, why: string): void {
    const h = this.held.get(key);
    if (this.stopped || !h || h.win !== win || h.failing) return;
    h.failing = true;
    const { delayMs, state } = onFailure(this.restarts.get(key) ?? freshRestartState(), Date.now());
    this.restarts.set(key, state);
    this.log(`wall window${key ? ` "${key}"` : ''}: ${why}; replacing it${delayMs ? ` in ${delayMs} ms (failure ${state.failures} in a row)` : ''}`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.replace(key, win);
    }, delayMs);
    this.timers.add(t);
  }

  private replace(key: string, old: BrowserWindow): void {
    const h = this.held.get(key);
    if (this.stopped || !h || h.win !== old) return;
    const display = h.displayId === null ? null : screen.getAllDisplays().map(infoOf).find((d) => d.id === h.displayId) ?? null;
    // Open the replacement first so the app never has zero windows and quits.
    const next = this.open(h.slot, h.visible ? display : null, h.bounds);
    this.held.set(key, next);
    this.opts.detach(h.contentsId);
    if (!old.isDestroyed()) old.destroy();
  }

  private watch(): void {
    const now = Date.now();
    for (const h of [...this.held.values()]) if (!h.failing && isHung(h, now)) this.fail(h.slot.key, h.win, `no heartbeat for ${now - (h.lastBeatAt ?? h.createdAt)} ms`);
  }

  /**
   * Every window of the wall is made here, with the wall's web preferences (policy.ts: sandboxed,
   * isolated, no Node; unit-tested, and asserted on each window by the wiring test). Electronegativity
   * reads only literal options at a `new BrowserWindow`, so it cannot see them: its sandbox and
   * context-isolation checks are disabled for this one line. Its auxclick check too: a middle click
   * opens a window through setWindowOpenHandler like window.open, and guards.ts denies them all.
   */
  private create(options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>): BrowserWindow {
    const webPreferences = wallWebPreferences(this.opts.preloadPath);
    return new BrowserWindow({ backgroundColor: '#05080d', show: false, autoHideMenuBar: true, ...options, webPreferences }); /* eng-disable SANDBOX_JS_CHECK CONTEXT_ISOLATION_JS_CHECK AUXCLICK_JS_CHECK */
  }

  /** A replay in a window of its own, next to the live wall (docs/replay.md). */
  private openReplay(path: string): void {
    const display = screen.getPrimaryDisplay();
    const win = this.create({ ...display.workArea });
    const id = win.webContents.id;
    this.others.add(win);
    guardContents(win.webContents, (p) => this.openReplay(p));
    win.once('ready-to-show', () => win.show());
    // a replay is the operator's own errand: a crashed one closes, it is not reopened
    win.webContents.on('render-process-gone', () => !win.isDestroyed() && win.destroy());
    win.on('closed', () => {
      this.others.delete(win);
      this.opts.detach(id);
    });
    void win.loadURL(`${APP_ORIGIN}${path}`).catch(() => undefined);
  }

  /** For tests and diagnostics: the slot windows held now. */
  windows(): { key: string; win: BrowserWindow; displayId: number | null; visible: boolean }[] {
    return [...this.held.values()].map((h) => ({ key: h.slot.key, win: h.win, displayId: h.displayId, visible: h.visible }));
  }
}

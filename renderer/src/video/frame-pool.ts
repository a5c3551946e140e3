// Video frames loaded ahead of need. A tile's frame costs its process a document and an
// evaluation of hls.js (~35 ms on a 2-core wall PC); sixteen alarms at once queue sixteen of them
// on one thread before the first picture. A warm frame has done that work while the wall was
// quiet; taking one is a move, not a load: `moveBefore` carries an iframe to its new parent
// without reloading it (Chromium 133+; where it is missing the pool stays empty).
// Each frame serves one tile and goes with it, so the memory a player leaves behind still goes
// with its document (docs/video.md).
import type { FrameGenerations } from './frame-generations';
import type { FrameHealth } from './frame-health';
import { heardFrom } from './frame-liveness';
import { envelope, parseFromFrame, POOL_ALIVE_EVERY_MS } from './frame-protocol';
import { backoffMs } from './helpers';

export interface FramePoolOptions {
  /** the frames' origin (frameOriginFor), unless `generations` says where */
  origin: string;
  /** where new frames load from: on a switch the warm frames (of the old origin) are dropped */
  generations?: FrameGenerations | null;
  /** warm frames to keep */
  size: number;
  /** no refill until this long after the last take: a burst of alarms gets the CPU first */
  refillDelayMs?: number;
  /** a frame that has not said 'ready' by then is dropped and tried again later */
  readyTimeoutMs?: number;
  /** told when a frame loads, or fails to */
  health?: FrameHealth | null;
  /** a frame hearing nothing from the wall this long takes itself for left behind (default: the frame's own) */
  orphanMs?: number | null;
}

/**
 * A frame whose document has loaded says 'ready' while it loads; one that has loaded and not said
 * it within this long is an error page (the other name did not answer) or not ours.
 */
const LOADED_BUT_SILENT_MS = 2000;

/**
 * Warm frames are dropped at most this often. A tile's frame that goes silent with its whole
 * process looks like a crash, and a crash takes the warm frames with it; but a process only
 * starved of CPU looks the same, and dropping its warm frames loads sixteen new documents into it,
 * which starves it further. A soak where the GPU process took a core and a quarter (SwiftShader)
 * dropped them 164 times in 8 minutes: 2,600 documents loaded for nothing. A real crash shortly
 * after a flush costs less: each tile that takes a dead warm frame loads its own 3 s later.
 */
export const FLUSH_MIN_GAP_MS = 30_000;

/** Whether warm frames may be dropped now, the last time having been `lastAt` (null: never). */
export function flushAllowed(lastAt: number | null, now: number, minGapMs = FLUSH_MIN_GAP_MS): boolean {
  return lastAt === null || now - lastAt >= minGapMs;
}

export interface FramePoolStats {
  size: number;
  warm: number;
  loading: number;
  /** frames handed to tiles */
  taken: number;
  /** takes that found the pool empty (the tile loaded a frame of its own) */
  misses: number;
  /** frames that never said 'ready' */
  failed: number;
  /** times the warm frames were dropped because a tile's frame went silent */
  flushed: number;
  /** times that was asked for too soon after the last (FLUSH_MIN_GAP_MS) and not done */
  flushesRefused: number;
  /** where new frames load from, and how often that changed (frame-generations.ts) */
  origin: string;
  rotations: number;
  /** frames of an earlier generation nothing owned any more, removed from the page (frame-census.ts) */
  strays: number;
}

const WARM_CLASS = 'video-frame-warm';

type MovableParent = HTMLElement & { moveBefore(node: Node, child: Node | null): void };
const canMove = (el: HTMLElement): el is MovableParent => typeof (el as Partial<MovableParent>).moveBefore === 'function';

/**
 * The frame page's URL; `src` (with `live`) rides in the hash so the picture does not wait for a
 * busy wall page. `orphanMs`: when the frame takes itself for left behind (tests; null: its default).
 */
export function frameUrl(origin: string, first?: { src: string; live: boolean } | null, orphanMs?: number | null): string {
  const base = location.pathname.replace(/[^/]*$/, '');
  const hash = new URLSearchParams({ parent: location.origin });
  if (first) {
    hash.set('src', first.src);
    hash.set('live', first.live ? '1' : '0');
  }
  if (orphanMs) hash.set('orphanMs', String(orphanMs));
  return `${origin}${base}video-frame.html#${hash}`;
}

/** A frame element as tiles and the pool make them. */
export function makeFrame(url: string, title: string): HTMLIFrameElement {
  const f = document.createElement('iframe');
  f.className = 'video-frame';
  f.setAttribute('allow', 'autoplay');
  f.setAttribute('referrerpolicy', 'no-referrer');
  f.tabIndex = -1;
  f.title = title;
  f.src = url;
  return f;
}

export class FramePool {
  private holder: HTMLDivElement | null = null;
  private readonly warm: HTMLIFrameElement[] = [];
  private loading: { frame: HTMLIFrameElement; origin: string; timer: ReturnType<typeof setTimeout> } | null = null;
  private refillTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTakeAt = 0;
  private failuresInRow = 0;
  private counts = { taken: 0, misses: 0, failed: 0, flushed: 0, flushesRefused: 0, rotations: 0 };
  private lastFlushAt: number | null = null;
  private unrotate: (() => void) | null = null;
  private aliveTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: FramePoolOptions) {}

  /** When its frames (and tiles' frames beside them) take themselves for left behind; null: their default. */
  orphanMs(): number | null {
    return this.opts.orphanMs ?? null;
  }

  /** Where new frames load from now. */
  origin(): string {
    return this.opts.generations?.current() ?? this.opts.origin;
  }

  /** Starts filling, after `delayMs` (the wall's own start comes first). */
  start(delayMs = 1000): void {
    if (this.holder || this.opts.size <= 0) return;
    const holder = document.createElement('div');
    // laid out (a frame in display:none would not be), off screen, out of the way of input and assistive tech
    holder.style.cssText = 'position:fixed;left:-10000px;top:0;width:640px;height:360px;overflow:hidden;pointer-events:none;contain:strict';
    holder.setAttribute('aria-hidden', 'true');
    holder.dataset.testid = 'video-frame-pool';
    if (!canMove(holder)) return; // no state-preserving move here: a pool would only reload
    document.body.appendChild(holder);
    this.holder = holder;
    window.addEventListener('message', this.onMessage);
    this.unrotate = this.opts.generations?.onRotate(() => this.rotated()) ?? null;
    // the warm frames hear that they are still held (frame-main.ts: one that hears nothing leaves)
    const orphanMs = this.opts.orphanMs;
    this.aliveTimer = setInterval(() => this.tellAlive(), orphanMs ? Math.min(POOL_ALIVE_EVERY_MS, orphanMs / 4) : POOL_ALIVE_EVERY_MS);
    this.schedule(delayMs);
  }

  /** A warm frame, moved into `into` (its last child), or null: the caller loads one itself. */
  take(into: HTMLElement): HTMLIFrameElement | null {
    this.lastTakeAt = performance.now();
    const frame = this.warm.shift();
    if (!frame || !canMove(into) || !into.isConnected) {
      if (frame) this.warm.unshift(frame);
      this.counts.misses++;
      this.schedule(this.refillDelay());
      return null;
    }
    try {
      into.moveBefore(frame, null);
    } catch {
      // not movable after all: a plain append would reload it, so it is of no use
      frame.remove();
      this.counts.misses++;
      this.schedule(this.refillDelay());
      return null;
    }
    frame.classList.remove(WARM_CLASS);
    this.counts.taken++;
    this.schedule(this.refillDelay());
    return frame;
  }

  /**
   * Drops the warm frames and loads new ones. For a tile whose frame went silent: its process most
   * likely died, and the warm frames, in the same process, with it. Not twice within
   * FLUSH_MIN_GAP_MS (a starved process is not a dead one); false when refused.
   */
  flush(): boolean {
    if (!this.holder) return false;
    const now = performance.now();
    if (!flushAllowed(this.lastFlushAt, now)) {
      this.counts.flushesRefused++;
      return false;
    }
    this.lastFlushAt = now;
    for (const f of this.warm.splice(0)) f.remove();
    this.counts.flushed++;
    this.schedule(this.refillDelay());
    return true;
  }

  stats(): FramePoolStats {
    return { size: this.holder ? this.opts.size : 0, warm: this.warm.length, loading: this.loading ? 1 : 0, ...this.counts, origin: this.origin(), strays: this.opts.generations?.stats().strays ?? 0 };
  }

  dispose(): void {
    window.removeEventListener('message', this.onMessage);
    this.unrotate?.();
    this.unrotate = null;
    if (this.aliveTimer !== null) clearInterval(this.aliveTimer);
    this.aliveTimer = null;
    if (this.refillTimer !== null) clearTimeout(this.refillTimer);
    if (this.loading) clearTimeout(this.loading.timer);
    this.refillTimer = null;
    this.loading = null;
    this.warm.length = 0;
    this.holder?.remove(); // its frames with it
    this.holder = null;
  }

  // ---- internals ----

  private tellAlive(): void {
    const frames = this.loading ? [...this.warm, this.loading.frame] : this.warm;
    for (const f of frames) f.contentWindow?.postMessage(envelope({ t: 'alive' }), f.dataset.frameOrigin ?? this.origin());
  }

  /** New frames come from another origin now: the warm ones (and one loading) are the old process's, which must be let go. */
  private rotated(): void {
    if (!this.holder) return;
    for (const f of this.warm.splice(0)) f.remove();
    if (this.loading) {
      clearTimeout(this.loading.timer);
      this.loading.frame.remove();
      this.loading = null;
    }
    this.counts.rotations++;
    this.schedule(this.refillDelay());
  }

  private refillDelay(): number {
    return this.opts.refillDelayMs ?? 1500;
  }

  private schedule(delayMs: number): void {
    if (!this.holder || this.refillTimer !== null) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null;
      this.fill();
    }, delayMs);
  }

  /** Loads one frame, if the pool is short and quiet; the next follows when it is ready. */
  private fill(): void {
    if (!this.holder || this.loading || this.warm.length >= this.opts.size) return;
    const sinceTake = performance.now() - this.lastTakeAt;
    if (sinceTake < this.refillDelay()) {
      this.schedule(this.refillDelay() - sinceTake);
      return;
    }
    const origin = this.origin();
    const frame = makeFrame(frameUrl(origin, null, this.opts.orphanMs), 'video');
    frame.classList.add(WARM_CLASS);
    frame.dataset.frameOrigin = origin;
    const fail = () => {
      // never said 'ready' (the other name does not answer, or the frame crashed): drop it, back off
      if (this.loading?.frame !== frame) return;
      this.loading = null;
      frame.remove();
      this.counts.failed++;
      this.opts.health?.failed();
      this.opts.generations?.failed(origin);
      this.schedule(backoffMs(this.failuresInRow++, 2000, 60_000));
    };
    const loading = { frame, origin, timer: setTimeout(fail, this.opts.readyTimeoutMs ?? 10_000) };
    frame.addEventListener(
      'load',
      () => {
        if (this.loading !== loading) return;
        clearTimeout(loading.timer);
        loading.timer = setTimeout(fail, LOADED_BUT_SILENT_MS);
      },
      { once: true },
    );
    this.loading = loading;
    this.holder.appendChild(frame);
  }

  private readonly onMessage = (e: MessageEvent) => {
    const l = this.loading;
    if (!l || e.source !== l.frame.contentWindow || e.origin !== l.origin) return;
    const parsed = parseFromFrame(e.data);
    if (!parsed.ok || parsed.value.t !== 'ready') return;
    // the process is alive: a tile waiting on a slow frame of it waits instead of giving up
    heardFrom(l.origin);
    clearTimeout(l.timer);
    this.loading = null;
    this.failuresInRow = 0;
    this.opts.health?.loaded();
    this.opts.generations?.loaded(l.origin);
    this.warm.push(l.frame);
    this.schedule(0);
  };
}

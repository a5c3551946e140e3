// A tile's player in a frame on another site (frame-main.ts), seen from the wall page: the same
// face as TilePlayer, so the tile neither knows nor cares. Chromium keeps what its media stack
// allocates for as long as the document that played it lives; a frame of its own per tile, on a
// site (and so a process) of its own, gives it back when the tile closes (docs/video.md). The frame
// is a warm one from the pool (frame-pool.ts) where there is one. A frame that stops reporting (its
// process crashed, the server went away) is rebuilt with backoff.
import { envelope, parseFromFrame, type ToFrame } from './frame-protocol';
import type { FrameGenerations } from './frame-generations';
import type { FrameHealth } from './frame-health';
import { type FramePool, frameUrl, makeFrame } from './frame-pool';
import { heardAgo, heardFrom } from './frame-liveness';
import { backoffMs } from './helpers';
import { loadingStats, type PlayerOptions, type PlayerStats } from './player';
import type { ReplayVideoClock } from './replay-sync';
import { streamLoaded } from './streams-loaded';

/** the frame reports every 500 ms; this much silence means it is gone */
const SILENT_MS = 8000;
/**
 * A warm frame answers 'start' within milliseconds. One that has not within this long died in the
 * pool (its process went while no tile was open): the tile loads a frame of its own at once,
 * without a "signal lost" it has no reason to show.
 */
const WARM_ANSWER_MS = 3000;
const WATCH_MS = 1000;
/**
 * The frames of one origin share one process (one thread). While any of them is heard from, that
 * process is alive: a frame of it that is silent, or a warm one slow to answer, waits on a busy
 * thread, and is given up on only after this long — without the warm frames, which are not dead
 * either. Taking a busy process for a dead one dropped the pool and loaded sixteen new documents
 * into the very process that could not keep up (a soak: 15 flushes in 9 minutes, then no tile
 * played).
 */
const BUSY_GIVE_UP_MS = 20_000;
/** heard from this recently, a frames' process is alive (its players report every 500 ms) */
const ALIVE_MS = 2500;
/** a move to the current generation's frame that has not shown a picture by then is called off */
const HANDOVER_GIVE_UP_MS = 15_000;

/**
 * Frames' messages, to the player whose frame sent them. One listener for the page: with a
 * listener per player every message woke all sixteen (7,000 calls in a 16-tile burst). The player
 * is found by its frame's window as it is when the message comes (at most 16 to look through):
 * keyed once by the window a frame had when its tile took it, a soak lost some frames' messages
 * and took them for dead (24 pool flushes in 100 s), for a reason not pinned down.
 */
const players = new Set<RemoteTilePlayer>();
let routing = false;
function route(e: MessageEvent): void {
  if (!e.source) return;
  for (const p of players) {
    if (p.window() === e.source) {
      heardFrom(e.origin);
      p.receive(e);
      return;
    }
  }
}
/** Whether a tile's player holds `frame` (its own, or the one it is moving away from). */
export function ownedByTile(frame: HTMLIFrameElement): boolean {
  for (const p of players) if (p.holds(frame)) return true;
  return false;
}

/**
 * Moves one tile still playing in a frame of an earlier generation to the current one (migrate()),
 * so that the earlier generation's process can end even while a long incident keeps its tiles open.
 * One at a time, so a rotation never loads a burst of frames. False when none is left to move.
 */
export function migrateOne(generations: FrameGenerations): boolean {
  let busy = false;
  for (const p of players) {
    if (!p.uses(generations)) continue;
    if (p.handoverOrigin() !== null) busy = true;
    else if (p.frameOrigin() !== null && p.frameOrigin() !== generations.current() && p.migrate()) return true;
  }
  return busy;
}

function listen(player: RemoteTilePlayer): void {
  players.add(player);
  if (routing) return;
  routing = true;
  window.addEventListener('message', route);
}

/**
 * How long a watchdog that should run every `everyMs` was kept from running (0 when it ran within
 * twice its period): time the page itself lost, not to be held against a frame's silence.
 */
export function missedWatchMs(lastRunAt: number, now: number, everyMs: number): number {
  if (lastRunAt === 0) return 0;
  const late = now - lastRunAt - everyMs;
  return late > everyMs ? late : 0;
}

/**
 * What a watchdog does about a frame that has not answered: wait, rebuild it, or rebuild it and
 * drop the warm frames too (its process died, and theirs with it). `waitedMs` is how long it has
 * not answered; `otherHeardAgoMs` how long since any frame of its origin was heard (null: never).
 */
export function silenceAction(waitedMs: number, limitMs: number, otherHeardAgoMs: number | null): 'wait' | 'rebuild' | 'rebuild+flush' {
  if (waitedMs < limitMs) return 'wait';
  const alive = otherHeardAgoMs !== null && otherHeardAgoMs < ALIVE_MS;
  if (!alive) return 'rebuild+flush';
  return waitedMs < BUSY_GIVE_UP_MS ? 'wait' : 'rebuild';
}

export class RemoteTilePlayer {
  private src: string;
  private live: boolean;
  private frame: HTMLIFrameElement | null = null;
  /** the origin the current frame came from (frame-generations.ts decides for each new one) */
  private origin: string;
  private s: PlayerStats;
  private heardAt = 0;
  /** set while a frame taken from the pool has not answered yet */
  private warmSince: number | null = null;
  /** while moving to a frame of the current generation: the old frame, still showing, until the new one shows a picture */
  private handover: { old: HTMLIFrameElement; origin: string; since: number } | null = null;
  /** whether the current frame has said anything yet */
  private heard = false;
  /** the last replay clock to follow, sent again to a frame that (re)starts; null: never asked */
  private following: Extract<ToFrame, { t: 'follow' }> | null = null;
  private attempt = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** when the watchdog last ran (performance.now()) */
  private lastCheckAt = 0;
  /** frames rebuilt because they went silent, and messages from them that did not parse */
  frameRebuilds = 0;
  rejected = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly opts: PlayerOptions & { frameOrigin: string; pool?: FramePool | null; health?: FrameHealth | null; generations?: FrameGenerations | null; orphanMs?: number | null },
  ) {
    this.origin = opts.frameOrigin;
    this.src = opts.src;
    this.live = opts.live;
    this.s = loadingStats(this.src, this.live);
  }

  start(): void {
    if (this.s.state === 'closed' || this.frame) return;
    listen(this);
    this.mount();
    this.watchdog = setInterval(() => this.check(), WATCH_MS);
  }

  setSource(src: string, live: boolean): void {
    if (this.s.state === 'closed' || (src === this.src && live === this.live)) return;
    this.src = src;
    this.live = live;
    this.s = loadingStats(this.src, this.live);
    this.post({ t: 'source', src, live });
    this.emit();
  }

  /** Hold the frame's video to a replay clock (null: let go); see TilePlayer.follow. */
  follow(clock: ReplayVideoClock | null, originHint: number | null): void {
    if (this.s.state === 'closed') return;
    this.following = { t: 'follow', clock, origin: originHint };
    this.post(this.following);
  }

  retryNow(): void {
    if (this.s.state !== 'retrying') return;
    if (this.retryTimer !== null) {
      // waiting to rebuild a silent frame: do it now
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.mount();
    } else this.post({ t: 'retry' });
  }

  stats(): PlayerStats {
    return { ...this.s, recentErrors: [...this.s.recentErrors] };
  }

  /** The frame, for tests and screenshots. */
  element(): HTMLIFrameElement | null {
    return this.frame;
  }

  destroy(): void {
    if (this.s.state === 'closed') return;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.watchdog = this.retryTimer = null;
    players.delete(this);
    this.post({ t: 'stop' });
    this.unmount();
    this.handover?.old.remove();
    this.handover = null;
    this.s = { ...this.s, state: 'closed', playing: false };
    this.emit();
  }

  /** Whether its frames' origin is decided by `g`. */
  uses(g: FrameGenerations): boolean {
    return this.opts.generations === g;
  }

  /** Whether `frame` is its frame, or the one it is moving away from. */
  holds(frame: HTMLIFrameElement): boolean {
    return this.frame === frame || this.handover?.old === frame;
  }

  /** The origin of the frame it is moving away from (null when not moving). */
  handoverOrigin(): string | null {
    return this.handover?.origin ?? null;
  }

  /**
   * Moves the player to a frame from the current generation's origin without a gap: the new frame
   * loads behind the old one, hidden, and takes its place once it shows a picture; the tile keeps
   * showing the old frame's figures meanwhile. False when there is nothing to move (closed,
   * retrying, moving already, or on the current origin).
   */
  migrate(): boolean {
    const target = this.opts.generations?.current();
    if (this.s.state === 'closed' || !this.frame || this.handover || this.retryTimer !== null || !target || target === this.origin) return false;
    this.handover = { old: this.frame, origin: this.origin, since: performance.now() };
    // (mount() removes this.frame: the old one stays, in the handover)
    this.frame = null;
    this.mount();
    if (this.frame) (this.frame as HTMLIFrameElement).style.visibility = 'hidden';
    return true;
  }

  // ---- internals ----

  /** The new frame shows a picture: the old one goes. */
  private finishHandover(): void {
    if (!this.handover) return;
    this.handover.old.remove();
    this.handover = null;
    if (this.frame) this.frame.style.visibility = '';
  }

  /** The new frame did not show a picture in time: it goes, and the old one plays on. */
  private abandonHandover(): void {
    if (!this.handover) return;
    const { old, origin } = this.handover;
    this.handover = null;
    this.frame?.remove();
    this.frame = old;
    this.origin = origin;
    this.warmSince = null;
    this.heard = true;
    this.heardAt = performance.now();
  }

  private mount(): void {
    this.unmount();
    this.heardAt = performance.now();
    this.heard = false;
    // a warm frame has said 'ready' already: it only needs the source
    const warm = this.opts.pool?.take(this.container) ?? null;
    if (warm) {
      warm.title = this.src;
      this.frame = warm;
      this.origin = warm.dataset.frameOrigin ?? this.opts.pool?.origin() ?? this.opts.frameOrigin;
      this.warmSince = this.heardAt;
      this.startFrame();
    } else {
      this.origin = this.opts.generations?.current() ?? this.opts.frameOrigin;
      this.frame = makeFrame(frameUrl(this.origin, { src: this.src, live: this.live }, this.opts.orphanMs ?? this.opts.pool?.orphanMs()), this.src);
      this.container.appendChild(this.frame);
    }
    streamLoaded();
    // perhaps the next frames come from the other origin now
    this.opts.generations?.opened();
  }

  private unmount(): void {
    this.frame?.remove();
    this.frame = null;
    this.warmSince = null;
  }

  /** The source, and the replay clock if there is one: a new frame knows neither. */
  private startFrame(): void {
    this.post({ t: 'start', src: this.src, live: this.live });
    if (this.following) this.post(this.following);
  }

  private post(m: ToFrame): void {
    this.frame?.contentWindow?.postMessage(envelope(m), this.origin);
  }

  /** The origin of its frame (null while there is none). */
  frameOrigin(): string | null {
    return this.frame ? this.origin : null;
  }

  /** The window its frame's messages come from (null while there is no frame). */
  window(): Window | null {
    return this.frame?.contentWindow ?? null;
  }

  /** A message from its frame (route() found it by the window it came from). */
  receive(e: MessageEvent): void {
    if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.origin) return;
    const parsed = parseFromFrame(e.data);
    if (!parsed.ok) {
      this.rejected++;
      console.warn(`video frame ${this.origin}: ${parsed.error} (${this.rejected} rejected)`);
      return;
    }
    this.heardAt = performance.now();
    this.warmSince = null;
    if (!this.heard) {
      this.opts.health?.loaded();
      this.opts.generations?.loaded(this.origin);
    }
    this.heard = true;
    const m = parsed.value;
    if (m.t === 'ready') {
      this.startFrame();
      return;
    }
    // a report from before a source change is about the old source
    if (m.stats.src !== this.src) return;
    // moving to a new frame: the tile goes on showing the old one's figures until the new one has a picture
    if (this.handover) {
      if (m.stats.state !== 'playing' || m.stats.firstFrameAt === null) return;
      this.finishHandover();
    }
    this.attempt = 0;
    this.s = { ...m.stats, rebuilds: m.stats.rebuilds + this.frameRebuilds, errors: m.stats.errors + this.frameRebuilds };
    this.emit();
  }

  private check(): void {
    // A watchdog tick that comes late means this page itself could not run: the wall PC is
    // overloaded and the frames with it. That time is not the frame's silence, or a busy wall would
    // take every frame for dead and rebuild them all, and be busier still.
    const now = performance.now();
    const late = missedWatchMs(this.lastCheckAt, now, WATCH_MS);
    this.lastCheckAt = now;
    this.heardAt += late;
    if (this.warmSince !== null) this.warmSince += late;
    if (this.retryTimer !== null || !this.frame) return;
    // the frames still held hear so (frame-main.ts: one that hears nothing takes itself for left behind)
    this.post({ t: 'alive' });
    this.handover?.old.contentWindow?.postMessage(envelope({ t: 'alive' }), this.handover.origin);
    if (this.handover) {
      if (now - this.handover.since >= HANDOVER_GIVE_UP_MS) this.abandonHandover();
      return;
    }
    const otherHeardAgo = heardAgo(this.origin, now);
    if (this.warmSince !== null) {
      const act = silenceAction(now - this.warmSince, WARM_ANSWER_MS, otherHeardAgo);
      if (act === 'wait') return;
      // dead on arrival: so are the other warm frames, from the same process (unless it is only busy)
      if (act === 'rebuild+flush') this.opts.pool?.flush();
      this.mount();
      return;
    }
    const act = silenceAction(now - this.heardAt, SILENT_MS, otherHeardAgo);
    if (act === 'wait') return;
    // silent: crashed or never loaded; wait (the tile counts down), then a new frame
    if (!this.heard) {
      this.opts.health?.failed();
      this.opts.generations?.failed(this.origin);
    }
    this.frameRebuilds++;
    const wait = backoffMs(this.attempt++);
    this.unmount();
    // whatever killed this frame's process killed the warm frames in it too
    if (act === 'rebuild+flush') this.opts.pool?.flush();
    this.s = { ...this.s, state: 'retrying', playing: false, retryAt: Date.now() + wait, lastError: 'video frame silent', errors: this.s.errors + 1 };
    this.emit();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.s.state !== 'closed') this.mount();
    }, wait);
  }

  private emit(): void {
    this.opts.onChange?.(this.stats());
  }
}

// Which origin new video frames load from. All frames of one site share one renderer process, and
// Chromium's media stack keeps memory in that process after the players that used it are gone: the
// documents go, the memory does not (a soak: the frames' process grew ~35 MB a minute with 10 tiles
// open at a time while its documents and JS heap stayed flat). Only the process's exit gives it
// back, and with warm frames and tiles always open it never exits. So frames come in generations:
// after `rotateAfter` frames from one origin, new frames (and the warm pool) come from the other;
// the old process ends when its last tile closes, and tiles that stay open (a long incident's) move
// to the new origin's frames a minute later, one at a time, without a gap. A generation is only
// returned to once it has no frame left, so each return is a fresh process. A second origin that
// never loads a frame (a browser that does not resolve *.localhost) is given up: the first stays.

/** frames opened from one origin before the next come from the other (docs/video.md) */
export const DEFAULT_ROTATE_AFTER = 50;
/**
 * After a switch, tiles still playing in the old origin's frames (a long incident's) move to the
 * new one after this long, one at a time and without a gap (RemoteTilePlayer.migrate): most tiles
 * close by themselves within it.
 */
export const DEFAULT_MIGRATE_AFTER_MS = 60_000;
/**
 * An origin that has just lost its last frame is returned to only after this long: Chromium ends
 * the process a moment after its last frame goes (longer on a busy machine), and a frame of the
 * same site loaded meanwhile would go into that very process, memory and all.
 */
export const DEFAULT_DRAIN_MS = 15_000;
/** failures of an origin that never loaded a frame before it is given up */
const FAILURES_BEFORE_BROKEN = 2;

export interface FrameGenerationStats {
  /** where new frames load from now */
  origin: string;
  /** frames opened from it since it became current */
  opened: number;
  rotations: number;
  /** origins given up (never loaded a frame) */
  broken: string[];
  /** frames of an earlier generation that nothing owned any more, removed (frame-census.ts) */
  strays: number;
}

/**
 * Whether to switch: enough frames came from the current origin, there is another one that is not
 * broken, it has no frame left, and has had none for `drainMs` (its process has had time to end).
 * `emptyForMs`: how long it has been seen with none (null: it has some, or was never looked at).
 */
export function shouldRotate(opened: number, rotateAfter: number, next: { broken: boolean; liveFrames: number; emptyForMs?: number | null } | null, drainMs = 0): boolean {
  if (next === null || next.broken || rotateAfter <= 0 || opened < rotateAfter || next.liveFrames > 0) return false;
  return drainMs <= 0 || (next.emptyForMs ?? -1) >= drainMs;
}

export interface FrameGenerationOptions {
  rotateAfter?: number;
  /** how long an origin must have had no frame before it is returned to */
  drainMs?: number;
  now?: () => number;
}

export class FrameGenerations {
  private index = 0;
  private openedHere = 0;
  private rotations = 0;
  private readonly loadedOnce = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly broken = new Set<string>();
  private readonly listeners = new Set<(origin: string) => void>();
  /** when each origin was first seen with no frame left (frames of a past generation only ever go) */
  private readonly emptySince = new Map<string, number>();
  /** origins frames have come from: only those have a process to wait for */
  private readonly used = new Set<string>();
  private strays = 0;
  private readonly rotateAfter: number;
  private readonly drainMs: number;
  private readonly now: () => number;

  /**
   * @param origins where frames may come from, the first first (frameOriginsFor)
   * @param liveFrames how many frames from an origin the page holds now (frame-census.ts)
   */
  constructor(
    private readonly origins: readonly string[],
    private readonly liveFrames: (origin: string) => number,
    o: FrameGenerationOptions = {},
  ) {
    if (origins.length === 0) throw new Error('frame generations need an origin');
    this.rotateAfter = o.rotateAfter ?? DEFAULT_ROTATE_AFTER;
    this.drainMs = o.drainMs ?? 0;
    this.now = o.now ?? (() => performance.now());
    this.used.add(this.current());
  }

  /** Origins other than the current one: earlier generations, whose frames are to go. */
  others(): string[] {
    return this.origins.filter((o) => o !== this.current());
  }

  /** Stray frames of an earlier generation were removed (frame-census.ts sweepOrphans). */
  sweptStrays(n: number): void {
    this.strays += n;
  }

  current(): string {
    return this.origins[this.index];
  }

  /** Told when the current origin changes (the pool drops its warm frames and loads new ones). */
  onRotate(listener: (origin: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A tile opened a frame from the current origin (a warm one or its own): perhaps time to switch. */
  opened(): void {
    this.openedHere++;
    if (this.origins.length < 2) return;
    const nextIndex = (this.index + 1) % this.origins.length;
    const next = this.origins[nextIndex];
    const live = this.liveFrames(next);
    const now = this.now();
    if (live > 0) this.emptySince.delete(next);
    else if (!this.emptySince.has(next)) this.emptySince.set(next, now);
    const since = this.emptySince.get(next);
    if (!shouldRotate(this.openedHere, this.rotateAfter, { broken: this.broken.has(next), liveFrames: live, emptyForMs: since === undefined ? null : now - since }, this.used.has(next) ? this.drainMs : 0)) return;
    this.switchTo(nextIndex);
  }

  /** A frame from `origin` said something: the origin works. */
  loaded(origin: string): void {
    this.loadedOnce.add(origin);
    this.failures.delete(origin);
  }

  /** A frame from `origin` never said a word. An origin that never worked is given up after a few. */
  failed(origin: string): void {
    if (this.loadedOnce.has(origin) || this.broken.has(origin)) return;
    const n = (this.failures.get(origin) ?? 0) + 1;
    this.failures.set(origin, n);
    if (n < FAILURES_BEFORE_BROKEN) return;
    this.broken.add(origin);
    console.error(`video frames from ${origin} did not load (${n} tries, none ever did): frames stay on ${this.origins.find((o) => !this.broken.has(o)) ?? 'none'}`);
    // back to one that works (the first, which the wall started on)
    if (this.current() === origin) {
      const good = this.origins.findIndex((o) => !this.broken.has(o));
      if (good >= 0) this.switchTo(good);
    }
  }

  stats(): FrameGenerationStats {
    return { origin: this.current(), opened: this.openedHere, rotations: this.rotations, broken: [...this.broken], strays: this.strays };
  }

  private switchTo(index: number): void {
    if (index === this.index) return;
    // the one left is looked at afresh: it empties from now on
    this.emptySince.delete(this.current());
    this.index = index;
    this.used.add(this.current());
    this.openedHere = 0;
    this.rotations++;
    for (const l of this.listeners) l(this.current());
  }
}

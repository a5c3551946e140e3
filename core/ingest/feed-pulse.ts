// Is the feed still flowing? A broker can stay connected while nothing comes through it (a
// publisher down, a bridge between brokers stalled, a subscription lost): the wall must then say
// so rather than look live. "Longer than usual" is learned from the feed itself: a silence the
// feed went through at least USUAL_AFTER times in the last hour is usual for it (a batch every two
// minutes, a quiet night), and the feed stalls after `factor` times that, never before the floor.
// One or two outages do not make outages usual, so each is caught as soon as the first was.
//
// Pure: arrival times come in, a verdict goes out; no clock.

export interface FeedPulseOptions {
  /** never call the feed stalled before this much silence (ms) */
  minSilenceMs: number;
  /** stalled after this many times the usual longest silence */
  factor: number;
  /** how far back "usual" looks (ms) */
  windowMs: number;
}

export const DEFAULT_FEED_PULSE: FeedPulseOptions = { minSilenceMs: 60_000, factor: 3, windowMs: 3_600_000 };

export type FeedPulseState = 'waiting' | 'live' | 'stalled';

export interface FeedPulseHealth {
  /** waiting: nothing heard since start; stalled: silent for longer than `stalledAfterMs` */
  state: FeedPulseState;
  lastMessageAt: number | null;
  /** the silence this feed usually goes through (ms): null while it has gone through none often enough to count */
  usualGapMs: number | null;
  /** silence after which the feed counts as stalled, now (ms) */
  stalledAfterMs: number;
  /** when the silence began (the last message, or the start), while stalled; else null */
  stalledSince: number | null;
  /** stalls that ended since start (the one going on, if any, is `state`) */
  stalls: number;
}

/** A silence seen this many times within the window is usual. */
export const USUAL_AFTER = 3;
/** Long silences remembered (the window bounds them too). */
const KEEP = 256;

export class FeedPulse {
  private last: number | null = null;
  /** silences long enough to move the threshold: [when it ended, how long] */
  private readonly long: [number, number][] = [];
  private stalls = 0;

  constructor(
    private readonly startedAt: number,
    private readonly o: FeedPulseOptions = DEFAULT_FEED_PULSE,
  ) {}

  /** A live message arrived at `at` (retained ones say nothing about the feed now: not recorded). */
  record(at: number): void {
    const last = this.last;
    if (last === null || at > last) this.last = at;
    if (last === null || at <= last) return;
    const gap = at - last;
    if (gap > this.threshold(at)) this.stalls++;
    // shorter silences cannot raise the threshold above the floor: not kept
    if (gap * this.o.factor > this.o.minSilenceMs) {
      this.long.push([at, gap]);
      if (this.long.length > KEEP) this.long.shift();
    }
  }

  health(now: number): FeedPulseHealth {
    const stalledAfterMs = this.threshold(now);
    const from = this.last ?? this.startedAt;
    const stalled = now - from > stalledAfterMs;
    return {
      state: stalled ? 'stalled' : this.last === null ? 'waiting' : 'live',
      lastMessageAt: this.last,
      usualGapMs: this.usual(now),
      stalledAfterMs,
      stalledSince: stalled ? from : null,
      stalls: this.stalls,
    };
  }

  private threshold(now: number): number {
    return Math.max(this.o.minSilenceMs, this.o.factor * (this.usual(now) ?? 0));
  }

  /** The USUAL_AFTER-th longest silence of the window: one the feed has gone through that often. */
  private usual(now: number): number | null {
    const since = now - this.o.windowMs;
    while (this.long.length && this.long[0][0] <= since) this.long.shift();
    if (this.long.length < USUAL_AFTER) return null;
    const sorted = this.long.map(([, g]) => g).sort((a, b) => b - a);
    return sorted[USUAL_AFTER - 1];
  }
}

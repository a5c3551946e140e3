// How often the map may redraw for things that can wait (units moving, pulses): a frame-time
// budget. It learns what one deck.gl redraw costs on this machine (frames with a redraw minus
// frames without) and spaces routine redraws so they take at most `share` of the time. On a real
// GPU a redraw costs a millisecond or two and routine redraws run at the 10 Hz tick; on a software
// renderer at 4K one can cost over 100 ms, and units then refresh about once a second instead of
// dragging the whole wall down. Urgent changes (a new incident, a selection, the view) never wait.

export interface RedrawBudgetOptions {
  /** at most this share of the time on routine redraws */
  share: number;
  /** never more often than this (ms) */
  minMs: number;
  /** never less often than this (ms) */
  maxMs: number;
}

// maxMs: units refresh at least this often however dear a redraw is (on a 2-core VM's software
// renderer a 4K base redraw cost 1–1.5 s: every 2 s kept the renderer busy most of the time and
// alarms queued behind it)
export const DEFAULT_REDRAW_BUDGET: RedrawBudgetOptions = { share: 0.08, minMs: 100, maxMs: 4000 };

/** frames kept to find the display's own frame interval (the shortest recent one) */
const VSYNC_FRAMES = 120;
/** the cost is re-estimated over windows of at least this long */
const WINDOW_MS = 1000;

/**
 * What a redraw costs is not only the frame it happens in: with a software compositor, copying a
 * 4K canvas back and compositing it delays the next frames too. So the estimate is the time lost
 * over a window — every frame's excess over the display's frame interval — divided by the
 * redraws in that window. Slow frames with other causes count against redraws too, which only
 * makes the budget more careful.
 */
export class RedrawBudget {
  private prev = -1;
  private recent: number[] = [];
  private windowStart = -1;
  private windowExcess = 0;
  private windowRedraws = 0;
  private costMs = 0;
  /** windows measured */
  samples = 0;

  constructor(private readonly opts: RedrawBudgetOptions = DEFAULT_REDRAW_BUDGET) {}

  /** deck.gl finished drawing (onAfterRender) */
  rendered(_at?: number): void {
    this.windowRedraws++;
  }

  /** An animation frame began at `t` (the requestAnimationFrame timestamp). */
  frame(t: number): void {
    const prev = this.prev;
    this.prev = t;
    if (prev < 0) {
      this.windowStart = t;
      return;
    }
    const d = t - prev;
    // a long gap (a hidden tab, a debugger) says nothing about drawing: start over
    if (!(d > 0) || d >= 5000) {
      this.windowStart = t;
      this.windowExcess = 0;
      this.windowRedraws = 0;
      return;
    }
    this.recent.push(d);
    if (this.recent.length > VSYNC_FRAMES) this.recent.shift();
    const vsync = Math.min(...this.recent);
    this.windowExcess += Math.max(0, d - vsync);
    if (t - this.windowStart >= WINDOW_MS) {
      if (this.windowRedraws > 0) {
        const sample = this.windowExcess / this.windowRedraws;
        this.costMs = this.samples === 0 ? sample : this.costMs + (sample - this.costMs) * 0.3;
        this.samples++;
      }
      this.windowStart = t;
      this.windowExcess = 0;
      this.windowRedraws = 0;
    }
  }

  /** What one redraw costs beyond ordinary frames, ms. */
  cost(): number {
    return this.costMs;
  }

  /** The shortest interval between routine redraws, ms. */
  intervalMs(): number {
    return Math.min(this.opts.maxMs, Math.max(this.opts.minMs, this.costMs / this.opts.share));
  }
}

// How long to wait before retry number `attempt` (0-based): doubling from `minMs`, capped at
// `maxMs`, spread by ±`jitter` so that many clients retrying after one outage (a room of walls
// after a broker restart, tiles after a media server blip) do not come back in lock-step.
// `random` comes in (tests, and core's determinism).

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** fraction of the delay spread either way, 0–1; default none */
  jitter?: number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = () => 0.5): number {
  const base = Math.min(opts.maxMs, opts.minMs * 2 ** Math.max(0, Math.min(attempt, 20)));
  const j = opts.jitter ?? 0;
  return Math.round(base * (1 - j + 2 * j * random()));
}

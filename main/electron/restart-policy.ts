// When a wall window whose page crashed or hung is replaced: at once the first time, then backing
// off, so a page that dies on load does not loop at full speed. Plain functions over times given
// in; the shell's timers call them.

/** The preload beats this often (preload/preload.ts). */
export const HEARTBEAT_MS = 1000;
/** A page silent this long after its last beat is hung. */
export const HUNG_AFTER_MS = 3000;
/** A new page has this long for its first beat (a cold start of the renderer build and the map). */
export const FIRST_BEAT_MS = 30_000;
/** Backoff after a repeated failure: 1 s, doubling, capped. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
/** A display whose window lasted this long since its last failure starts counting afresh. */
export const STABLE_MS = 10 * 60_000;

export interface RestartState {
  /** failures counted since the display was last stable */
  failures: number;
  /** epoch ms of the last failure, null if none */
  lastAt: number | null;
}

export const freshRestartState = (): RestartState => ({ failures: 0, lastAt: null });

/**
 * A window's page failed at `now`: how long to wait before replacing it, and the state after.
 * The first failure (or the first after `STABLE_MS` without one) is replaced at once; repeats wait
 * 1 s, 2 s, 4 s … up to 60 s.
 */
export function onFailure(state: RestartState, now: number): { delayMs: number; state: RestartState } {
  const failures = state.lastAt !== null && now - state.lastAt >= STABLE_MS ? 0 : state.failures;
  const delayMs = failures === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(failures - 1, 16));
  return { delayMs, state: { failures: failures + 1, lastAt: now } };
}

/**
 * Whether a page is hung at `now`: no beat for `HUNG_AFTER_MS` since its last one, or none at all
 * within `FIRST_BEAT_MS` of its window's creation.
 */
export function isHung(w: { createdAt: number; lastBeatAt: number | null }, now: number): boolean {
  return w.lastBeatAt === null ? now - w.createdAt > FIRST_BEAT_MS : now - w.lastBeatAt > HUNG_AFTER_MS;
}

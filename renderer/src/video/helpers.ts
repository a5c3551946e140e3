// Small pure helpers of the video wall (numbers, badges, retry timing, error handling decisions).
import { backoffDelay } from '../../../core/backoff';
import { isManualGroup, type VideoTile } from '../../../core/video/policy';

/**
 * Badge numbers for the alarms that hold tiles: an alarm keeps its number while it has tiles, a
 * new one takes the lowest free number (in the tiles' order), numbers of alarms without tiles free up.
 */
export function assignNumbers(previous: ReadonlyMap<string, number>, tiles: readonly Pick<VideoTile, 'incidentId'>[]): Map<string, number> {
  const ids: string[] = [];
  // a camera opened by hand with no alarm has no alarm to number
  for (const t of tiles) if (!ids.includes(t.incidentId) && !isManualGroup(t.incidentId)) ids.push(t.incidentId);
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const id of ids) {
    const n = previous.get(id);
    if (n !== undefined && !used.has(n)) {
      out.set(id, n);
      used.add(n);
    }
  }
  let next = 1;
  for (const id of ids) {
    if (out.has(id)) continue;
    while (used.has(next)) next++;
    out.set(id, next);
    used.add(next);
  }
  return out;
}

/** What the tiles' UI depends on; a plan whose signature did not change is not republished. */
export function planSignature(tiles: readonly VideoTile[]): string {
  return tiles.map((t) => `${t.cameraId}:${t.incidentId}:${t.reason}:${t.pinned ? 1 : 0}:${t.slot}`).join('|');
}

/** Live when the displayed frame is at most this many seconds old. */
export const LIVE_THRESHOLD_SEC = 4;

export type LatencyBadge = 'live' | 'delayed' | 'unknown';

export function latencyBadge(latencySec: number | null, thresholdSec = LIVE_THRESHOLD_SEC): LatencyBadge {
  if (latencySec === null || !Number.isFinite(latencySec)) return 'unknown';
  return latencySec <= thresholdSec ? 'live' : 'delayed';
}

/** Delay before retry number `attempt` (0-based): 1 s, 2 s, 4 s, then `capMs` (no jitter: one wall's tiles). */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 8000): number {
  return backoffDelay(attempt, { minMs: baseMs, maxMs: capMs });
}

/** Whole seconds left until `at` (never negative). */
export function countdownSec(at: number | null, now: number): number {
  if (at === null) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export type FatalKind = 'network' | 'media' | 'other';
export type Recovery = 'recover' | 'swap-and-recover' | 'rebuild' | 'retry-later';

export interface MediaRecoveryState {
  /** when recoverMediaError() was last tried, ms */
  recoveredAt: number | null;
  /** when swapAudioCodec()+recoverMediaError() was last tried, ms */
  swappedAt: number | null;
}

/**
 * What to do with a fatal hls.js error: network errors wait and rebuild (the countdown shows);
 * media errors first recoverMediaError(), then (again within `windowMs`) swapAudioCodec() and
 * recover, and after that rebuild; anything else rebuilds at once.
 */
export function recoveryFor(kind: FatalKind, s: MediaRecoveryState, now: number, windowMs = 5000): Recovery {
  if (kind === 'network') return 'retry-later';
  if (kind === 'other') return 'rebuild';
  if (s.recoveredAt === null || now - s.recoveredAt > windowMs) return 'recover';
  if (s.swappedAt === null || now - s.swappedAt > windowMs) return 'swap-and-recover';
  return 'rebuild';
}

/** buffered video ahead of the picture (s) that makes a still picture a starved decoder, not a starved network */
export const STARVED_BUFFER_SEC = 1;
/** a starved tile is rebuilt only after this long: a new player would start from nothing on the same busy CPU */
export const STARVED_STALL_MS = 30_000;

/**
 * What to do with a picture that has not moved for `stillMs` although it should. With nothing
 * buffered ahead the stream stopped coming: rebuild after `stallMs` (`firstFrameMs` before the
 * first frame). With video buffered ahead, the data is there and the wall PC's CPU is not keeping
 * up: a rebuild would throw that video away and fetch, transmux and decode it again on the same busy
 * CPU (a soak on 2 saturated cores rebuilt tiles every few seconds, which only added work); it waits.
 */
export function stallAction(stillMs: number, firstFrame: boolean, bufferedAheadSec: number, limits: { stallMs: number; firstFrameMs: number }): 'wait' | 'rebuild' {
  const limit = bufferedAheadSec >= STARVED_BUFFER_SEC ? Math.max(STARVED_STALL_MS, firstFrame ? limits.stallMs : limits.firstFrameMs) : firstFrame ? limits.stallMs : limits.firstFrameMs;
  return stillMs > limit ? 'rebuild' : 'wait';
}

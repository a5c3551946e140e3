// Live playlist reloads aligned to when the next segment is due.
//
// hls.js reloads a live playlist once per target duration counted from whenever it first loaded
// it, so a new segment is noticed anywhere between 0 and a whole segment after the server
// published it, and the player has to hold that much more buffer not to run dry: up to one
// segment of latency for nothing. The playlist itself says when the next segment is due
// (programme date-time of the newest one + its duration + one target duration). After each
// reload we move hls.js's own schedule (LevelDetails.requestScheduled, which it carries from one
// reload to the next) so that the reload after next lands just after that moment; hls.js keeps
// its timers, nothing is held or fetched twice. What we learn from each answer (a reload that
// still finds no new segment was early: later next time; one that does: slowly earlier) absorbs
// clock skew between the camera server and the wall.

export interface ReloadAlign {
  /** when (ms, relative to its nominal time) the next segment is expected: skew and publishing delay */
  offsetMs: number;
  /** the offset never goes below this: a reload this late once found nothing */
  floorMs: number;
  /** newest segment sequence number seen */
  lastSn: number;
  /** nominal due time (epoch ms, server clock) of the segment after the newest one seen */
  nextDueMs: number | null;
  /** reloads re-scheduled, and reloads that found nothing new */
  aligned: number;
  early: number;
}

export const newReloadAlign = (): ReloadAlign => ({ offsetMs: 100, floorMs: -1000, lastSn: -1, nextDueMs: null, aligned: 0, early: 0 });

/** margin kept above a time at which a reload once found nothing */
const FLOOR_MARGIN_MS = 40;
/** margin kept above a time at which a reload found the segment */
const FOUND_MARGIN_MS = 20;

export interface PlaylistFacts {
  live: boolean;
  /** newest segment: sequence number, programme date-time (epoch ms, server clock), duration (s) */
  endSn: number;
  lastPdtMs: number | null;
  lastDurationSec: number;
  targetDurationSec: number;
}

/** The interval hls.js will add for an updated playlist (computeReloadInterval near the live edge). */
export function reloadIntervalMs(f: PlaylistFacts): number {
  const target = f.targetDurationSec * 1000;
  const last = f.lastDurationSec * 1000;
  return Math.round(last > 0 && last < target ? last : target);
}

/**
 * Learns from a reload (asked for at `requestEpoch`) and says what `requestScheduled`
 * (performance.now() clock) to give hls.js; null to leave hls.js alone (not live, no PDT,
 * nonsense timing).
 *
 * Learning: a reload that found a new segment bounds its publication time from above (the offset
 * may come down to just above it), one that found nothing bounds it from below (the floor goes up
 * past it).
 *
 * Scheduling: hls.js has already set the timer for the next reload (S). When S completes at N it
 * does `requestScheduled += interval` if requestScheduled <= N, and otherwise reloads at
 * requestScheduled. Setting requestScheduled = X = when the next segment is due: if S comes after X
 * it finds that segment and the reload after lands at X + interval, when the one after is due; if S
 * comes before X (nothing new yet) hls.js reloads at X. Either way aligned from then on.
 */
export function alignReload(s: ReloadAlign, f: PlaylistFacts, nowEpoch: number, nowPerf: number, requestEpoch: number = nowEpoch): number | null {
  if (!f.live || f.lastPdtMs === null || !Number.isFinite(f.lastPdtMs)) return null;
  const interval = reloadIntervalMs(f);
  if (s.lastSn >= 0 && s.nextDueMs !== null) {
    const rel = requestEpoch - s.nextDueMs;
    // (no creeping below what was seen to work: a reload that finds nothing costs half a segment)
    if (f.endSn > s.lastSn) s.offsetMs = Math.max(s.floorMs, Math.min(s.offsetMs, rel + FOUND_MARGIN_MS));
    else {
      s.early++;
      // only a reload close to the due time says anything about it
      if (rel > -interval / 2) {
        s.floorMs = Math.min(3000, Math.max(s.floorMs, rel + FLOOR_MARGIN_MS));
        s.offsetMs = Math.max(s.offsetMs, s.floorMs);
      }
    }
  }
  if (f.endSn >= s.lastSn) {
    s.lastSn = f.endSn;
    s.nextDueMs = f.lastPdtMs + f.lastDurationSec * 1000 + f.targetDurationSec * 1000;
  }
  const duePerf = nowPerf + (s.nextDueMs! + s.offsetMs - nowEpoch);
  // due more than two segments away or long past: clocks disagree too much to help
  if (duePerf - nowPerf > 2 * interval + 500 || duePerf < nowPerf - interval) return null;
  s.aligned++;
  return duePerf;
}

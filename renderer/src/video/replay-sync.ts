// Video tiles in a replay, held to the replay clock (docs/video.md, "In a replay"). Pure: which
// recording window a replay instant falls in, where the clock stands between the player's
// messages, and what to do with a tile's <video> so that its picture shows that instant. The
// player (player.ts) runs `planSync` every 250 ms and applies what it says.
import { RECORDING_BEFORE_MS, type RecordingWindow } from './recording';

/** The replay clock as a tile needs it: the instant shown, whether it moves, how fast, and when it was heard. */
export interface ReplayVideoClock {
  /** the replay instant (epoch ms) */
  at: number;
  playing: boolean;
  /** ×, 0.25 to 64 */
  speed: number;
  /** Date.now() when `at` was heard (page and frame share the machine's clock) */
  since: number;
}

/** Where the replay clock stands at `now`: the services say it ten times a second; between, it moves at its speed. */
export function clockAt(clock: ReplayVideoClock, now: number): number {
  return clock.at + (clock.playing ? (now - clock.since) * clock.speed : 0);
}

/**
 * The replay clock from what the page holds: the services' player state while the replay is open
 * (a replay reading the recording stands still), the instant asked for while it opens, else null.
 */
export function replayVideoClock(
  player: { mode: 'live' } | { mode: 'replay'; at: number; playing: boolean; speed: number; loading: boolean },
  wish: { at: number; speed: number } | null,
  since: number,
): ReplayVideoClock | null {
  if (player.mode === 'replay') return { at: player.at, playing: player.playing && !player.loading, speed: player.speed, since };
  return wish ? { at: wish.at, playing: false, speed: wish.speed, since } : null;
}

/** A recording window's length in a replay: the live wall's alarm window (2 min before to 3 min after). */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * The recording a tile plays at replay instant `at`: windows of 5 minutes laid end to end from the
 * alarm's own (alarm − 2 min to + 3 min, k = 0). The URL changes only when the clock leaves its
 * window, never as it moves within one (a new URL is a new playlist and a reload).
 */
export function replayRecordingWindow(alarmTs: number, at: number): RecordingWindow {
  const first = alarmTs - RECORDING_BEFORE_MS;
  const k = Math.floor((at - first) / REPLAY_WINDOW_MS);
  const start = first + k * REPLAY_WINDOW_MS;
  return { start, end: start + REPLAY_WINDOW_MS };
}

export type SyncMode = 'native' | 'stepping' | 'paused' | 'outside' | 'waiting';

/** What the plan needs to know of the <video> (and the playlist behind it). */
export interface MediaView {
  currentTime: number;
  paused: boolean;
  seeking: boolean;
  /** seconds; NaN until known */
  duration: number;
  /** epoch ms of media time 0 (the playlist's programme date-time), null until known */
  origin: number | null;
  /** how long the last seek took (ms), null before the first: a corrective seek aims that far ahead */
  lastSeekMs?: number | null;
}

/** What the plan remembers between calls; the caller holds it (newSyncMemory) and passes it back. */
export interface SyncMemory {
  /** the speed the corrective seeks below were counted at; null while the replay does not play */
  speed: number | null;
  /** epoch ms of the corrective seeks made while the video played natively at that speed (the last 5 s) */
  seeks: number[];
  /** the browser could not keep up at this speed: stepping until the speed changes or the replay pauses */
  fallback: boolean;
  /** epoch ms of the last seek this plan asked for, and of the last step */
  seekAt: number | null;
  stepAt: number | null;
  /** media seconds the last step aimed at: the frame a stepping tile should show until the next */
  stepTarget: number | null;
}

export const newSyncMemory = (): SyncMemory => ({ speed: null, seeks: [], fallback: false, seekAt: null, stepAt: null, stepTarget: null });

/** Another recording (the next window): its media time is another timeline; what was learnt about the browser stays. */
export const syncMemoryForNewSource = (m: SyncMemory): SyncMemory => ({ ...m, seekAt: null, stepAt: null, stepTarget: null });

export interface SyncPlan {
  mode: SyncMode;
  /** set the video's currentTime to this (media seconds), or leave it */
  seekTo: number | null;
  /** the playbackRate to play at (meaningful when `play`) */
  rate: number;
  /** the video should play (true) or stand still (false) */
  play: boolean;
  /**
   * media position − where it should be, seconds: against the replay clock (native, paused), against
   * the instant the last step aimed at (stepping: the picture changes once a second by design; null
   * before the first step); null while waiting or outside
   */
  driftSec: number | null;
  /** the replay instant lies before or after the loaded recording */
  outside: 'before' | 'after' | null;
  /** where the replay clock is in media seconds (null while waiting) */
  targetSec: number | null;
}

/** Chromium plays up to 16×; faster, the picture steps. */
export const MAX_NATIVE_SPEED = 16;
/** playing: a corrective seek beyond this much drift (s) */
export const NATIVE_TOLERANCE_SEC = 0.4;
/** paused: the exact frame (s) */
export const PAUSED_TOLERANCE_SEC = 0.1;
/** more than this many corrective seeks within FALLBACK_WINDOW_MS: the browser cannot keep up */
export const FALLBACK_SEEKS = 2;
export const FALLBACK_WINDOW_MS = 5000;
/** stepping: one seek a second at most */
export const STEP_EVERY_MS = 1000;
/** a seek still going after this long is replaced by a new one */
const SEEK_STUCK_MS = 2000;
/** a corrective seek aims ahead by the last seek's duration, but never by more than this (ms) */
const MAX_LEAD_MS = 1000;

/**
 * What to do with a tile's <video> now so that it shows the replay clock's instant:
 * - not loaded yet (no origin or duration) → wait, still;
 * - the instant outside the recording → still, and say so (`outside`);
 * - replay paused → still, on the exact frame (a seek beyond 0.1 s);
 * - playing at up to 16× → the browser plays at the replay's speed, with a corrective seek beyond
 *   0.4 s of drift; needing more than 2 of those within 5 s means it cannot keep up: then, and above
 *   16×, it steps — the video stands still and is moved to the clock's instant once a second —
 *   until the speed changes or the replay pauses.
 * Updates `memory` in place.
 */
export function planSync(clock: ReplayVideoClock, media: MediaView, now: number, memory: SyncMemory): SyncPlan {
  // a new speed, or a pause, starts the count (and the fallback) over
  const playingSpeed = clock.playing ? clock.speed : null;
  if (playingSpeed !== memory.speed) {
    memory.speed = playingSpeed;
    memory.seeks = [];
    memory.fallback = false;
    memory.stepAt = null;
    memory.stepTarget = null;
  }
  const still = (mode: SyncMode, extra: Partial<SyncPlan> = {}): SyncPlan => ({ mode, seekTo: null, rate: 1, play: false, driftSec: null, outside: null, targetSec: null, ...extra });
  if (media.origin === null || !Number.isFinite(media.duration)) return still('waiting');

  const target = (clockAt(clock, now) - media.origin) / 1000;
  if (target < 0) return still('outside', { outside: 'before', targetSec: target });
  if (target > media.duration) return still('outside', { outside: 'after', targetSec: target });
  const seek = (to: number) => {
    memory.seekAt = now;
    return to;
  };

  if (!clock.playing) {
    const drift = media.currentTime - target;
    return still('paused', { driftSec: drift, targetSec: target, seekTo: Math.abs(drift) > PAUSED_TOLERANCE_SEC ? seek(target) : null });
  }

  const seekBusy = media.seeking && memory.seekAt !== null && now - memory.seekAt < SEEK_STUCK_MS;
  if (!memory.fallback && clock.speed <= MAX_NATIVE_SPEED) {
    const drift = media.currentTime - target;
    const plan: SyncPlan = { mode: 'native', seekTo: null, rate: clock.speed, play: true, driftSec: drift, outside: null, targetSec: target };
    // a seek under way has not landed yet: its drift says nothing
    if (Math.abs(drift) <= NATIVE_TOLERANCE_SEC || seekBusy) return plan;
    // only drift the video made while it played counts against the browser (not a start, not a seek)
    if (!media.paused && !media.seeking) {
      memory.seeks = memory.seeks.filter((t) => now - t < FALLBACK_WINDOW_MS);
      memory.seeks.push(now);
      memory.fallback = memory.seeks.length > FALLBACK_SEEKS;
    }
    if (!memory.fallback) {
      // aim where the clock will be when the seek is done
      const lead = (Math.min(MAX_LEAD_MS, Math.max(0, media.lastSeekMs ?? 0)) / 1000) * clock.speed;
      return { ...plan, seekTo: seek(Math.min(media.duration, target + lead)) };
    }
  }

  // stepping: still, moved to the clock's instant once a second (not while the last step is still seeking)
  const drift = memory.stepTarget === null ? null : media.currentTime - memory.stepTarget;
  const due = memory.stepAt === null || (now - memory.stepAt >= STEP_EVERY_MS && !seekBusy);
  let seekTo: number | null = null;
  if (due) {
    memory.stepAt = now;
    memory.stepTarget = target;
    if (Math.abs(media.currentTime - target) > PAUSED_TOLERANCE_SEC) seekTo = seek(target);
  }
  return still('stepping', { driftSec: drift, targetSec: target, seekTo });
}

// What the wall page and a tile's video frame say to each other over postMessage. The frame runs
// the tile's player in a renderer process of its own (a cross-site iframe under site isolation):
// the memory Chromium's media stack holds on to is given back when the frame goes, which it never
// is while the player lives in the wall page itself (docs/video.md, "Players in frames of their own").
// Both sides parse what they receive; anything else is counted and dropped.
import { FRAMES_ALT_HOST } from '../../../core/video/frame-hosts';
import type { Result } from '../../../core/result';
import type { PlayerState, PlayerStats } from './player';
import type { ReplayVideoClock, SyncMode } from './replay-sync';

/** wall page → frame */
export type ToFrame =
  | { t: 'start'; src: string; live: boolean }
  | { t: 'source'; src: string; live: boolean }
  | { t: 'retry' }
  | { t: 'stop' }
  /** hold the video to a replay clock (null: let go); origin: media time 0 when the playlist does not say */
  | { t: 'follow'; clock: ReplayVideoClock | null; origin: number | null }
  /** the wall still holds this frame (frameOrphaned): tiles every second, the pool every few */
  | { t: 'alive' };

/**
 * A frame that has heard nothing from its wall for this long was left behind: Chromium can keep a
 * frame alive after the wall removed its element (seen here under load: frames the page no longer
 * holds — Playwright could still reach them, the page could not — some still playing, for good).
 * It stops its player and empties itself (docs/video.md).
 */
export const ORPHANED_AFTER_MS = 60_000;
/** how often the pool tells its warm frames it still holds them */
export const POOL_ALIVE_EVERY_MS = 5000;

/** Whether a frame was left behind: nothing from its wall for `limitMs`. */
export function frameOrphaned(lastHeardAt: number, now: number, limitMs: number): boolean {
  return now - lastHeardAt >= limitMs;
}


/** frame → wall page */
export type FromFrame = { t: 'ready' } | { t: 'stats'; stats: PlayerStats };

/** Marks our messages among whatever else a window may receive. */
export const FRAME_PROTOCOL = 'watchfloor-video-frame/1';

export type Envelope<M> = { p: typeof FRAME_PROTOCOL; m: M };

/** A message parsed, or why not. */
export type Parsed<M> = Result<M>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unwrap(data: unknown): Parsed<Record<string, unknown>> {
  if (!isObj(data) || data.p !== FRAME_PROTOCOL) return { ok: false, error: 'not a video-frame message' };
  if (!isObj(data.m) || typeof data.m.t !== 'string') return { ok: false, error: 'message without a type' };
  return { ok: true, value: data.m };
}

const MAX_SRC = 4096;
const srcOk = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_SRC;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown): v is number | null => v === null || num(v);
/** the replay's speeds (core/player.ts REPLAY_SPEEDS): 0.25× to 64× */
const MIN_SPEED = 0.25;
const MAX_SPEED = 64;

function parseClock(c: unknown): Parsed<ReplayVideoClock | null> {
  if (c === null) return { ok: true, value: null };
  if (!isObj(c) || !num(c.at) || typeof c.playing !== 'boolean' || !num(c.speed) || !num(c.since)) return { ok: false, error: 'follow: clock { at, playing, speed, since } or null required' };
  if (c.speed < MIN_SPEED || c.speed > MAX_SPEED) return { ok: false, error: `follow: clock.speed ${c.speed} outside ${MIN_SPEED}..${MAX_SPEED}` };
  return { ok: true, value: { at: c.at, playing: c.playing, speed: c.speed, since: c.since } };
}

export function parseToFrame(data: unknown): Parsed<ToFrame> {
  const u = unwrap(data);
  if (!u.ok) return u;
  const m = u.value;
  switch (m.t) {
    case 'start':
    case 'source':
      if (!srcOk(m.src) || typeof m.live !== 'boolean') return { ok: false, error: `${m.t}: src (string) and live (boolean) required` };
      return { ok: true, value: { t: m.t, src: m.src, live: m.live } };
    case 'retry':
    case 'stop':
    case 'alive':
      return { ok: true, value: { t: m.t } };
    case 'follow': {
      const clock = parseClock(m.clock);
      if (!clock.ok) return clock;
      if (!numOrNull(m.origin)) return { ok: false, error: 'follow: origin (number or null) required' };
      return { ok: true, value: { t: 'follow', clock: clock.value, origin: m.origin } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(String(m.t).slice(0, 40))}` };
  }
}

const STATES: readonly PlayerState[] = ['loading', 'playing', 'buffering', 'retrying', 'ended', 'unsupported', 'closed'];
const SYNC_MODES: readonly SyncMode[] = ['native', 'stepping', 'paused', 'outside', 'waiting'];
const OUTSIDE: readonly unknown[] = ['before', 'after', null];

export function parseFromFrame(data: unknown): Parsed<FromFrame> {
  const u = unwrap(data);
  if (!u.ok) return u;
  const m = u.value;
  if (m.t === 'ready') return { ok: true, value: { t: 'ready' } };
  if (m.t !== 'stats') return { ok: false, error: `unknown message type ${JSON.stringify(String(m.t).slice(0, 40))}` };
  const s = m.stats;
  if (!isObj(s)) return { ok: false, error: 'stats: object required' };
  if (!srcOk(s.src) || typeof s.live !== 'boolean' || !STATES.includes(s.state as PlayerState) || typeof s.playing !== 'boolean') return { ok: false, error: 'stats: src, live, state or playing malformed' };
  for (const k of ['currentTime', 'startedAt', 'errors', 'fatalErrors', 'recoveries', 'rebuilds', 'alignedReloads', 'earlyReloads'] as const) if (!num(s[k])) return { ok: false, error: `stats.${k}: number required` };
  for (const k of ['latencySec', 'firstFrameMs', 'firstFrameAt', 'retryAt'] as const) if (!numOrNull(s[k])) return { ok: false, error: `stats.${k}: number or null required` };
  if (!(s.lastError === null || typeof s.lastError === 'string')) return { ok: false, error: 'stats.lastError: string or null required' };
  if (!Array.isArray(s.recentErrors) || !s.recentErrors.every((e) => typeof e === 'string')) return { ok: false, error: 'stats.recentErrors: strings required' };
  const ll = s.lowLatency;
  if (!(ll === null || (isObj(ll) && num(ll.parts) && num(ll.partTargetSec) && typeof ll.canBlockReload === 'boolean' && numOrNull(ll.targetLatencySec)))) return { ok: false, error: 'stats.lowLatency malformed' };
  const sy = s.sync;
  if (!(sy === null || (isObj(sy) && SYNC_MODES.includes(sy.mode as SyncMode) && numOrNull(sy.driftSec) && OUTSIDE.includes(sy.outside)))) return { ok: false, error: 'stats.sync malformed' };
  return { ok: true, value: { t: 'stats', stats: s as unknown as PlayerStats } };
}

export function envelope<M>(m: M): Envelope<M> {
  return { p: FRAME_PROTOCOL, m };
}

/** What a wall does without `?videoFrame=` (or with one it does not know). */
export const DEFAULT_FRAME_MODE = 'auto';

/**
 * Where tiles' frames come from: a site other than the wall's own, so Chromium gives them a
 * process of their own. `param` is the page's `?videoFrame=` ('off' or 'auto'); 'auto' pairs the
 * two loopback names, 127.0.0.1 ↔ localhost (the web shell answers to both, and its content
 * policy lets the one frame the other), and Electron's app://wall with app://video; anywhere else
 * it gives up: players in the page.
 */
export function frameOriginFor(location: { protocol: string; hostname: string; port: string }, param: string | null): string | null {
  return frameOriginsFor(location, param)[0] ?? null;
}

/**
 * Every origin tiles' frames may come from, the first first: the other loopback name, then
 * FRAMES_ALT_HOST for the frames' second generation (frame-generations.ts); in Electron app://video,
 * then app://video2 (main/electron/policy.ts). Empty where frames are off or impossible.
 */
export function frameOriginsFor(location: { protocol: string; hostname: string; port: string }, param: string | null): string[] {
  const mode = param === 'auto' || param === 'off' ? param : DEFAULT_FRAME_MODE;
  if (mode === 'off') return [];
  // the Electron window (app://wall) frames its second host (main/electron/policy.ts APP_VIDEO_ORIGIN)
  if (location.protocol === 'app:') return location.hostname === 'wall' ? ['app://video', 'app://video2'] : [];
  if (location.protocol !== 'http:') return [];
  const other = location.hostname === '127.0.0.1' ? 'localhost' : location.hostname === 'localhost' ? '127.0.0.1' : null;
  if (!other) return [];
  const port = location.port ? `:${location.port}` : '';
  return [`http://${other}${port}`, `http://${FRAMES_ALT_HOST}${port}`];
}

/**
 * The wall pages a video frame takes orders from, given where the frame itself is: the other
 * loopback name on the same port (for a frame on FRAMES_ALT_HOST, either loopback name), or
 * Electron's app://wall for app://video and app://video2; none anywhere else. A frame never trusts the #parent= its
 * URL names beyond this: any other page on the machine could frame it and name itself (and the
 * content policy's frame-ancestors says the same).
 */
export function parentOriginsFor(location: { protocol: string; hostname: string; port: string }): string[] {
  if (location.protocol === 'app:') return location.hostname === 'video' || location.hostname === 'video2' ? ['app://wall'] : [];
  if (location.protocol === 'http:' && location.hostname === FRAMES_ALT_HOST) {
    const port = location.port ? `:${location.port}` : '';
    return [`http://127.0.0.1${port}`, `http://localhost${port}`];
  }
  const other = frameOriginFor(location, 'auto');
  return other ? [other] : [];
}

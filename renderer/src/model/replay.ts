// Live or replay, as the wall's model sees it (core/player.ts). A replay runs in the services; the
// page only asks for it (`?replay=<from>/<to>`), is sent the replayed situation in the same shapes
// as live, and is told by `player` messages which instant it shows. Pure: which clock the wall
// reads, whether it may act, and the addresses that open or leave a replay.
import { type PlayerState, REPLAY_SPEEDS, type ReplaySpeed, replaySpeed } from '../../../core/player';

/**
 * What this page asked to watch, kept up to date from the player's messages: a page that loses its
 * link opens the replay again where it was (the services' replay belongs to the connection).
 */
export interface ReplayWish {
  from: number;
  to: number;
  /** the replay clock, as last heard */
  at: number;
  speed: ReplaySpeed;
  playing: boolean;
}

export interface ReplayInputs {
  player: PlayerState;
  replay: ReplayWish | null;
}

/** The page watches (or is opening) a replay: what it shows is not live, whatever the services send. */
export const inReplay = (m: Partial<ReplayInputs>): boolean => m.player?.mode === 'replay' || (m.replay ?? null) !== null;

/** The replay clock while replaying (or the instant asked for while a replay opens); null on a live wall. */
export function replayClock(m: Partial<ReplayInputs>): number | null {
  if (m.player?.mode === 'replay') return m.player.at;
  return m.replay ? m.replay.at : null;
}

/**
 * The instant the wall shows: what its clock, ages ("3 分钟前"), staleness and "new" are read
 * against. Live: the page's own clock (`localNow`). Replay: the replay clock, which only the
 * player's messages move — never the page's clock, so a paused replay stands still.
 */
export const wallClock = (m: Partial<ReplayInputs>, localNow: number): number => replayClock(m) ?? localNow;

/** The replay is open in the services (not merely asked for). */
export const replayOpen = (m: Partial<ReplayInputs>): boolean => m.player?.mode === 'replay';

/** The next offered speed up (1) or down (-1), held at the ends. */
export function stepSpeed(speed: number, direction: 1 | -1): ReplaySpeed {
  const i = REPLAY_SPEEDS.indexOf(replaySpeed(speed));
  return REPLAY_SPEEDS[Math.min(REPLAY_SPEEDS.length - 1, Math.max(0, i + direction))];
}

/** "8×", "0.25×" */
export const speedLabel = (speed: number): string => `${speed}×`;

/** Before an incident started, and how long after it, a replay of it shows. */
export const REPLAY_BEFORE_MS = 2 * 60_000;
export const REPLAY_AFTER_MS = 30 * 60_000;

/** The period a replay of an incident shows: two minutes before it started to half an hour after, or now. */
export function incidentReplayPeriod(startedAt: number, now: number): { from: number; to: number } {
  const from = startedAt - REPLAY_BEFORE_MS;
  // never an empty period, whatever the clocks say
  return { from, to: Math.max(from + 60_000, Math.min(now, startedAt + REPLAY_AFTER_MS)) };
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** The same page, replaying the period (`?replay=<from>/<to>`, ISO-8601 UTC); other parameters kept. */
export function replayHref(href: string, from: number, to: number): string {
  const u = new URL(href);
  u.searchParams.delete('replay');
  const rest = u.searchParams.toString();
  u.search = `?${rest ? `${rest}&` : ''}replay=${iso(from)}/${iso(to)}`;
  u.hash = '';
  return u.toString();
}

/** The same page, live: without `?replay`. */
export function liveHref(href: string): string {
  const u = new URL(href);
  u.searchParams.delete('replay');
  u.hash = '';
  return u.toString();
}

/**
 * A `player` message may arrive late (the page was busy, the link queued it) but never early, so
 * the moment it was heard overstates when its instant held. While the replay plays on at one speed,
 * a message that puts the clock behind where the last one's run puts it is taken as late, by up to
 * this much, and dated back by the difference: the clock tiles follow does not jump back by a busy
 * moment × speed (20 ms at 64× is 1.3 s of replay). Beyond it the replay really fell behind (it
 * plays only as fast as it reads) and the message is taken as heard.
 */
export const PLAYER_LATE_MAX_MS = 60;

/** When `next` (received at `receivedAt`) held, given the previous state and when that held. */
export function playerHeardAt(prev: PlayerState, prevHeardAt: number, next: PlayerState, receivedAt: number): number {
  if (prev.mode !== 'replay' || next.mode !== 'replay') return receivedAt;
  const running = (p: typeof next) => p.playing && !p.loading;
  if (!running(prev) || !running(next) || prev.speed !== next.speed || prev.from !== next.from || prev.to !== next.to) return receivedAt;
  const expected = prev.at + (receivedAt - prevHeardAt) * prev.speed;
  const lateMs = (expected - next.at) / next.speed;
  return lateMs > 0 && lateMs <= PLAYER_LATE_MAX_MS ? receivedAt - lateMs : receivedAt;
}

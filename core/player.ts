// One Player for live and recorded data (after Foxglove Studio's): the renderer gets the same
// snapshots and deltas from either, and only this state tells it which one it is watching. A
// replay runs in the services (main/journal/replay-player.ts), through the same reducer as live;
// the renderer asks for it over the bridge (replay.* requests) and is sent `player` messages.
import type { IncidentKind } from './domain.js';

/** Replay speeds offered (×): a quarter of real time to 64 times. */
export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** An incident on the timeline: where it started. */
export interface ReplayMarker {
  id: string;
  at: number;
  priority: 1 | 2 | 3 | 4;
  kind: IncidentKind;
  title: string;
}

/** A moment someone marked in a recording, with a note (kept in the data folder). */
export interface Bookmark {
  id: string;
  at: number;
  note: string;
  by?: string;
  createdAt: number;
}

export type PlayerState =
  | { mode: 'live' }
  | {
      mode: 'replay';
      /** the period replayed (epoch ms) */
      from: number;
      to: number;
      /** the replay clock: the situation shown is the one the live wall had at this instant */
      at: number;
      playing: boolean;
      speed: ReplaySpeed;
      /** reading the recording (a seek, or playback waiting for data) */
      loading: boolean;
      markers: ReplayMarker[];
      /** how much was recorded along the period: `counts[i]` bytes in [from + i·bucketMs, +bucketMs) */
      density: { bucketMs: number; counts: number[] };
      bookmarks: Bookmark[];
      /** why the replay cannot go on (a file unreadable, a time not recorded), else null */
      error: string | null;
    };

export type ReplayState = Extract<PlayerState, { mode: 'replay' }>;

export type ReplayControl =
  | { op: 'play' }
  | { op: 'pause' }
  | { op: 'seek'; at: number }
  | { op: 'speed'; speed: number }
  /** to the start of the previous (-1) or next (1) incident */
  | { op: 'step'; direction: 1 | -1 };

/** The nearest offered speed to `s` (a request may ask for anything). */
export function replaySpeed(s: unknown): ReplaySpeed {
  const n = typeof s === 'number' && Number.isFinite(s) ? s : 1;
  return REPLAY_SPEEDS.reduce((best, v) => (Math.abs(Math.log(v / n)) < Math.abs(Math.log(best / n)) ? v : best), 1 as ReplaySpeed);
}

/** Parses the web shell's `?replay=<from>/<to>` (ISO-8601 or epoch ms each); null when malformed. */
export function parseReplayParam(v: string | null): { from: number; to: number } | null {
  if (!v) return null;
  const parts = v.split('/');
  if (parts.length !== 2) return null;
  const t = (s: string) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));
  const from = t(parts[0]);
  const to = t(parts[1]);
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? { from, to } : null;
}

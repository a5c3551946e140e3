// The ReplayPlayer: a recorded period played through the same reducer as live, for one bridge
// connection. It sends what the LivePlayer (the live SituationService through the hub) sends — a
// snapshot, then deltas — so the renderer, the tiles and the video policy cannot tell them apart;
// only the `player` state (core/player.ts) says it is a replay, and of which instant.
//
// A seek rebuilds the situation at the instant (the latest snapshot before it, then the inputs up
// to it) and sends it as a snapshot. Playing advances the replay clock by real time × speed every
// tick (100 ms: ten deltas a second whatever the speed), applying the inputs read ahead up to it.
// Fast, a tick can pass a recorded snapshot with more inputs before it than a restore costs: it
// then seeks instead (as a video player jumps from key frame to key frame), which gives the very
// situation the inputs would have (the snapshot is the live wall's own), and sends it as a
// snapshot, trails and all. A city's 5,000 units at 64× is 320,000 inputs a second, more than one
// core applies; from snapshot to snapshot, the replay keeps its speed.
// Each seek or close starts a new epoch: a read that finishes for an older one is dropped
// (Foxglove's IterablePlayer: one abort per state). While the viewer has not taken the last update
// in (`ready`, the bridge hub's flow control: main/services/update-flow.ts), ticks hold and the
// next covers their time.
import type { PlayerState, ReplayMarker, ReplaySpeed } from '../../core/player.js';
import { replaySpeed } from '../../core/player.js';
import { apply, hasChanges, snapshotOf, takeDelta, type SituationDelta, type SituationSnapshot, type SituationState } from '../../core/situation/situation.js';
import type { BookmarkStore } from './bookmarks.js';
import type { NumberedInput } from './journal-read.js';
import type { Recording } from './recording.js';

export interface ReplayOutput {
  snapshot(s: SituationSnapshot): void;
  delta(d: SituationDelta): void;
  player(p: PlayerState): void;
}

export interface ReplayOptions {
  tickMs?: number;
  /** buckets of the density bar */
  buckets?: number;
  /** monotonic clock (ms) */
  clock?: () => number;
  /** inputs past what is applied at which a tick seeks instead (default SKIP_INPUTS; Infinity: never) */
  skipInputs?: number;
  /**
   * whether the viewer took the last update in (update-flow.ts); while not, ticks hold, and the
   * next one covers the time they held (absent: always)
   */
  ready?: () => boolean;
}

const READ_AHEAD_MS = 2_000;
/**
 * A tick seeks to its target, rather than applying the inputs, once the latest snapshot before
 * the target is this many inputs past what is applied: a seek's fixed part (reading the snapshot,
 * restoring 5,000 units) costs about what applying 15,000 inputs costs (bench:replay, 2026-12-07).
 */
export const SKIP_INPUTS = 20_000;
/**
 * After a jump the next tick waits this long: each jump sends the whole situation (3 MB for 5,000
 * units with trails), and back to back they were 6.5 a second at 64× (21 MB/s to every page)
 * where three do. Ticks that apply their inputs are not held back.
 */
const JUMP_GAP_MS = 250;

export class ReplayPlayer {
  private state: SituationState | null = null;
  private lastN = -1;
  private at: number;
  private playing = false;
  private speed: ReplaySpeed = 1;
  private loading = false;
  private error: string | null = null;
  private markers: ReplayMarker[] = [];
  private density: { bucketMs: number; counts: number[] } = { bucketMs: 1, counts: [] };
  private buffer: NumberedInput[] = [];
  /** inputs up to this time are in `buffer` or applied */
  private bufferTo = 0;
  private epoch = 0;
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  /** ticks that went on by a snapshot instead of the inputs (bench:replay says how many) */
  jumps = 0;
  /** ticks held because the viewer had not taken the last update in */
  held = 0;
  private lastJumpAt = -Infinity;
  private readonly tickMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly rec: Recording,
    private readonly bookmarks: BookmarkStore,
    readonly from: number,
    readonly to: number,
    private readonly out: ReplayOutput,
    private readonly opts: ReplayOptions = {},
  ) {
    this.at = from;
    this.tickMs = opts.tickMs ?? 100;
    this.clock = opts.clock ?? (() => performance.now());
  }

  info(): PlayerState {
    return {
      mode: 'replay',
      from: this.from,
      to: this.to,
      at: this.at,
      playing: this.playing,
      speed: this.speed,
      loading: this.loading,
      markers: this.markers,
      density: this.density,
      bookmarks: this.bookmarks.list(this.from, this.to),
      error: this.error,
    };
  }

  /** The replayed situation now (null before the first seek finished). */
  current(): SituationState | null {
    return this.state;
  }

  /** Reads the period's markers and density, and shows the situation at `at` (default: the start). */
  async open(at?: number, speed?: number): Promise<PlayerState> {
    if (speed !== undefined) this.speed = replaySpeed(speed);
    this.density = await this.rec.density(this.from, this.to, this.opts.buckets ?? 240);
    await this.seek(at ?? this.from);
    return this.info();
  }

  async seek(t: number): Promise<PlayerState> {
    const epoch = ++this.epoch;
    const { lo, hi } = this.bounds();
    const at = Math.min(hi, Math.max(lo, t));
    this.loading = true;
    this.out.player(this.info());
    const r = await this.rec.replayTo(at);
    if (epoch !== this.epoch) return this.info();
    this.loading = false;
    if (!r.ok) {
      this.error = r.error.error;
      this.pauseTimer();
      this.playing = false;
      this.out.player(this.info());
      return this.info();
    }
    this.error = null;
    this.state = r.value.state;
    this.lastN = r.value.lastN;
    this.at = at;
    this.buffer = [];
    this.bufferTo = at;
    if (!this.markers.length) this.markers = this.markersFor(this.state);
    takeDelta(this.state); // what the snapshot holds is not a change
    this.out.snapshot(snapshotOf(this.state));
    this.lastTick = this.clock();
    this.out.player(this.info());
    return this.info();
  }

  play(): PlayerState {
    if (this.at >= this.to) void this.seek(this.from);
    this.playing = true;
    this.lastTick = this.clock();
    this.timer ??= setInterval(() => void this.tick(), this.tickMs);
    this.out.player(this.info());
    return this.info();
  }

  pause(): PlayerState {
    this.playing = false;
    this.pauseTimer();
    this.out.player(this.info());
    return this.info();
  }

  setSpeed(s: number): PlayerState {
    this.speed = replaySpeed(s);
    this.out.player(this.info());
    return this.info();
  }

  /** To the start of the previous or next incident (a seek lands exactly on one, so a repeat press moves on). */
  async step(direction: 1 | -1): Promise<PlayerState> {
    const next = direction > 0 ? this.markers.find((m) => m.at > this.at) : [...this.markers].reverse().find((m) => m.at < this.at);
    if (!next) return this.info();
    return this.seek(next.at);
  }

  bookmark(at: number, note: string, by: string | undefined): PlayerState {
    this.bookmarks.add(Math.min(this.to, Math.max(this.from, at)), note, by, Date.now());
    const info = this.info();
    this.out.player(info);
    return info;
  }

  close(): void {
    this.epoch++;
    this.playing = false;
    this.pauseTimer();
  }

  private pauseTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Where the replay can stand: within the period, and within what is recorded (an incident's
   * replay starts two minutes before it; the recording may start later, or retention may have
   * taken the start; a period may reach past the last recorded input).
   */
  private bounds(): { lo: number; hi: number } {
    const held = this.rec.range();
    const lo = held ? Math.max(this.from, Math.min(held.from, this.to)) : this.from;
    const hi = held ? Math.max(lo, Math.min(this.to, held.to)) : this.to;
    return { lo, hi };
  }

  /** Incidents that started in the period: from the recordings index, and those open at its start. */
  private markersFor(start: SituationState): ReplayMarker[] {
    const seen = new Map<string, ReplayMarker>();
    for (const i of start.incidents.values()) if (i.status === 'open') seen.set(i.id, { id: i.id, at: Math.max(this.from, i.firstSeen), priority: i.priority, kind: i.kind, title: i.title });
    for (const e of this.rec.entries()) {
      if (e.to < this.from || e.from > this.to) continue;
      for (const i of e.incidents) if (i.at >= this.from && i.at <= this.to && !seen.has(i.id)) seen.set(i.id, { id: i.id, at: i.at, priority: i.priority as 1 | 2 | 3 | 4, kind: i.kind, title: i.title });
    }
    return [...seen.values()].sort((a, b) => a.at - b.at);
  }

  /** Whether the latest snapshot at or before `target` holds so many inputs not yet applied that restoring it is cheaper. */
  private snapshotPast(target: number): boolean {
    let latest = -1;
    for (const e of this.rec.entries()) {
      // only the hours between the replay clock and the target: a week's period lists ~200,000 snapshots
      if (e.from > target || e.to < this.at) continue;
      for (const x of e.snapshots) if (x.at <= target && x.n > latest) latest = x.n;
    }
    return latest - this.lastN >= (this.opts.skipInputs ?? SKIP_INPUTS);
  }

  /** On to `target` by its snapshot: the situation there, sent whole, as a seek sends it (the clock keeps playing). */
  private async jumpTo(target: number, epoch: number): Promise<void> {
    const r = await this.rec.replayTo(target);
    if (epoch !== this.epoch) return;
    if (!r.ok) throw new Error(r.error.error);
    this.state = r.value.state;
    this.lastN = r.value.lastN;
    this.at = target;
    this.buffer = [];
    this.bufferTo = target;
    this.jumps++;
    takeDelta(this.state);
    this.out.snapshot(snapshotOf(this.state));
    if (this.at >= this.to) {
      this.playing = false;
      this.pauseTimer();
    }
    this.out.player(this.info());
  }

  private async tick(): Promise<void> {
    if (!this.playing || this.busy || !this.state) return;
    this.busy = true;
    const epoch = this.epoch;
    try {
      const now = this.clock();
      if (now - this.lastJumpAt < JUMP_GAP_MS) return;
      // the viewer is still taking the last update in: the clock's time is kept (lastTick stays),
      // so the next tick goes on by all of it, a jump where it has grown past a snapshot
      if (this.opts.ready && !this.opts.ready()) {
        this.held++;
        return;
      }
      let target = Math.min(this.to, this.at + (now - this.lastTick) * this.speed);
      this.lastTick = now;
      // a jump goes no further than the recording: past its end there is no situation to restore
      // (a long tick, or one after held ones, near the end of a period that reaches past it)
      if (this.snapshotPast(target)) {
        const { hi } = this.bounds();
        if (target > hi) target = hi;
        this.lastJumpAt = now;
        await this.jumpTo(target, epoch);
        return;
      }
      if (this.bufferTo < target) {
        // ahead by two seconds of playing, but never more than 8 s of recording in one read: at a
        // city's scale a read of 2 minutes took longer than the replay could wait (bench:replay (c))
        const upTo = Math.min(this.to, this.bufferTo + Math.min(8_000, Math.max(target - this.bufferTo, READ_AHEAD_MS * Math.max(1, this.speed))));
        const afterN = this.buffer.length ? this.buffer[this.buffer.length - 1].n : this.lastN;
        const more = await this.rec.inputsBetween(afterN, this.bufferTo, upTo);
        if (epoch !== this.epoch) return;
        for (const m of more) this.buffer.push(m);
        this.bufferTo = upTo;
      }
      // a replay that cannot read as fast as it plays goes as fast as it reads, never past its data
      target = Math.min(target, this.bufferTo);
      const state = this.state;
      let k = 0;
      for (; k < this.buffer.length && this.buffer[k].input.at <= target; k++) {
        apply(state, this.buffer[k].input);
        this.lastN = this.buffer[k].n;
      }
      if (k) this.buffer.splice(0, k);
      this.at = target;
      if (hasChanges(state)) this.out.delta(takeDelta(state));
      if (this.at >= this.to) {
        this.playing = false;
        this.pauseTimer();
      }
      this.out.player(this.info());
    } catch (e) {
      this.error = `the recording could not be read: ${(e as Error).message}`;
      this.playing = false;
      this.pauseTimer();
      this.out.player(this.info());
    } finally {
      this.busy = false;
    }
  }
}

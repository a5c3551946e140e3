// A tile's video held to the replay clock (renderer/src/video/replay-sync.ts): where the clock
// stands between the player's messages, which 5-minute recording window a replay instant is in,
// and what the sync does with the <video>: wait, say "outside", the exact frame while paused, the
// browser's own playback with corrective seeks up to 16×, and a step a second beyond that or when
// the browser cannot keep up.
import { describe, expect, it } from 'vitest';
import { RECORDING_AFTER_MS, RECORDING_BEFORE_MS, recordingWindow, recordingWindowUrl } from '../../../renderer/src/video/recording';
import { clockAt, newSyncMemory, planSync, replayRecordingWindow, replayVideoClock, syncMemoryForNewSource, type MediaView, type ReplayVideoClock, type SyncMemory } from '../../../renderer/src/video/replay-sync';

const MIN = 60_000;
const ALARM = Date.UTC(2026, 10, 26, 8, 30, 0);
/** media time 0 of the loaded recording: the window's start, less half a segment */
const ORIGIN = ALARM - 2 * MIN - 1000;
const T0 = 1_790_000_000_000;

const clock = (patch: Partial<ReplayVideoClock> = {}): ReplayVideoClock => ({ at: ORIGIN + 60_000, playing: false, speed: 1, since: T0, ...patch });
const media = (patch: Partial<MediaView> = {}): MediaView => ({ currentTime: 60, paused: true, seeking: false, duration: 300, origin: ORIGIN, lastSeekMs: null, ...patch });

describe('clockAt', () => {
  it('stands still while paused', () => {
    expect(clockAt(clock({ at: 5000 }), T0 + 10_000)).toBe(5000);
  });
  it('moves at the replay speed from when the clock was heard', () => {
    expect(clockAt(clock({ at: 5000, playing: true }), T0 + 300)).toBe(5300);
    expect(clockAt(clock({ at: 5000, playing: true, speed: 8 }), T0 + 250)).toBe(7000);
    expect(clockAt(clock({ at: 5000, playing: true, speed: 0.25 }), T0 + 1000)).toBe(5250);
    expect(clockAt(clock({ at: 5000, playing: true, speed: 64 }), T0)).toBe(5000);
  });
});

describe('replayVideoClock', () => {
  it('is the services player state while the replay is open; a replay reading its recording stands still', () => {
    expect(replayVideoClock({ mode: 'replay', at: 7, playing: true, speed: 8, loading: false }, null, T0)).toEqual({ at: 7, playing: true, speed: 8, since: T0 });
    expect(replayVideoClock({ mode: 'replay', at: 7, playing: true, speed: 8, loading: true }, null, T0)).toEqual({ at: 7, playing: false, speed: 8, since: T0 });
  });
  it('is the instant asked for while the replay opens, and nothing on a live wall', () => {
    expect(replayVideoClock({ mode: 'live' }, { at: 9, speed: 2 }, T0)).toEqual({ at: 9, playing: false, speed: 2, since: T0 });
    expect(replayVideoClock({ mode: 'live' }, null, T0)).toBeNull();
  });
});

describe('replayRecordingWindow', () => {
  it('is the alarm window itself (2 min before to 3 min after) around the alarm', () => {
    expect(replayRecordingWindow(ALARM, ALARM)).toEqual(recordingWindow(ALARM));
    expect(replayRecordingWindow(ALARM, ALARM - RECORDING_BEFORE_MS)).toEqual(recordingWindow(ALARM));
    expect(replayRecordingWindow(ALARM, ALARM + RECORDING_AFTER_MS - 1)).toEqual(recordingWindow(ALARM));
  });
  it('goes on in 5-minute windows laid end to end, before and after', () => {
    const first = ALARM - RECORDING_BEFORE_MS;
    expect(replayRecordingWindow(ALARM, ALARM + RECORDING_AFTER_MS)).toEqual({ start: first + 5 * MIN, end: first + 10 * MIN });
    expect(replayRecordingWindow(ALARM, ALARM + 40 * MIN)).toEqual({ start: first + 40 * MIN, end: first + 45 * MIN });
    expect(replayRecordingWindow(ALARM, first - 1)).toEqual({ start: first - 5 * MIN, end: first });
    expect(replayRecordingWindow(ALARM, first - 5 * MIN)).toEqual({ start: first - 5 * MIN, end: first });
    expect(replayRecordingWindow(ALARM, first - 5 * MIN - 1)).toEqual({ start: first - 10 * MIN, end: first - 5 * MIN });
  });
  it('holds every instant, and stays the same while the clock moves within it (no reload each second)', () => {
    let changes = 0;
    let prev = replayRecordingWindow(ALARM, ALARM - 10 * MIN);
    for (let at = ALARM - 10 * MIN; at < ALARM + 20 * MIN; at += 1000) {
      const w = replayRecordingWindow(ALARM, at);
      expect(w.start).toBeLessThanOrEqual(at);
      expect(w.end).toBeGreaterThan(at);
      expect(w.end - w.start).toBe(5 * MIN);
      if (w.start !== prev.start) changes++;
      prev = w;
    }
    // 30 minutes of replay cross six window edges (alarm −7, −2, +3, +8, +13, +18 min): six new windows, not 1,800
    expect(changes).toBe(6);
  });
  it('fills the camera template with the window', () => {
    const w = replayRecordingWindow(ALARM, ALARM + 4 * MIN);
    expect(recordingWindowUrl('/video/vod/C001.m3u8?start={start}&end={end}', w)).toBe('/video/vod/C001.m3u8?start=2026-11-26T08%3A33%3A00.000Z&end=2026-11-26T08%3A38%3A00.000Z');
    expect(recordingWindowUrl(undefined, w)).toBeNull();
  });
});

/** One plan at `now`, the memory carried. */
const plan = (c: ReplayVideoClock, m: MediaView, now: number, mem: SyncMemory) => planSync(c, m, now, mem);

describe('planSync: before the recording is known, and outside it', () => {
  it('waits, still, until the playlist says where media time 0 is and the duration is known', () => {
    const mem = newSyncMemory();
    expect(plan(clock({ playing: true }), media({ origin: null }), T0, mem)).toMatchObject({ mode: 'waiting', play: false, seekTo: null, driftSec: null, outside: null });
    expect(plan(clock({ playing: true }), media({ duration: Number.NaN }), T0, mem)).toMatchObject({ mode: 'waiting', play: false, seekTo: null });
  });
  it('says the instant is before or after the recording, and holds the video still', () => {
    const mem = newSyncMemory();
    expect(plan(clock({ at: ORIGIN - 1 }), media(), T0, mem)).toMatchObject({ mode: 'outside', outside: 'before', play: false, seekTo: null, driftSec: null });
    expect(plan(clock({ at: ORIGIN + 300_001 }), media(), T0, mem)).toMatchObject({ mode: 'outside', outside: 'after', play: false, seekTo: null });
    // playing into the recording's end: outside from the moment it passes it
    const c = clock({ at: ORIGIN + 299_000, playing: true });
    expect(plan(c, media({ currentTime: 299, paused: false }), T0 + 900, mem)).toMatchObject({ mode: 'native', outside: null });
    expect(plan(c, media({ currentTime: 299.9, paused: false }), T0 + 1100, mem)).toMatchObject({ mode: 'outside', outside: 'after', play: false });
    // the edges themselves are inside
    expect(plan(clock({ at: ORIGIN }), media({ currentTime: 0 }), T0, mem).mode).toBe('paused');
    expect(plan(clock({ at: ORIGIN + 300_000 }), media({ currentTime: 300 }), T0, mem).mode).toBe('paused');
  });
});

describe('planSync: a paused replay', () => {
  it('shows the exact frame: a seek beyond 0.1 s of drift, none within', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000 });
    expect(plan(c, media({ currentTime: 10 }), T0, mem)).toMatchObject({ mode: 'paused', play: false, seekTo: 42, driftSec: -32, targetSec: 42 });
    expect(plan(c, media({ currentTime: 42.15 }), T0, mem).seekTo).toBe(42);
    const close = plan(c, media({ currentTime: 42.08 }), T0, mem);
    expect(close.seekTo).toBeNull();
    expect(close.driftSec).toBeCloseTo(0.08, 6);
  });
  it('does not move with the page clock', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000 });
    expect(plan(c, media({ currentTime: 42 }), T0 + 60_000, mem)).toMatchObject({ mode: 'paused', seekTo: null, driftSec: 0 });
  });
  it('pauses a playing video', () => {
    expect(plan(clock({ at: ORIGIN + 42_000 }), media({ currentTime: 42, paused: false }), T0, newSyncMemory()).play).toBe(false);
  });
});

describe('planSync: playing at up to 16×', () => {
  it('lets the browser play at the replay speed', () => {
    for (const speed of [0.25, 0.5, 1, 2, 4, 8, 16]) {
      const p = plan(clock({ at: ORIGIN + 42_000, playing: true, speed }), media({ currentTime: 42, paused: false }), T0, newSyncMemory());
      expect(p, `${speed}×`).toMatchObject({ mode: 'native', rate: speed, play: true, seekTo: null, driftSec: 0 });
    }
  });
  it('reads the clock where it is now, not where it was heard', () => {
    const p = plan(clock({ at: ORIGIN + 42_000, playing: true, speed: 4 }), media({ currentTime: 42, paused: false }), T0 + 250, newSyncMemory());
    expect(p.targetSec).toBe(43);
    expect(p.driftSec).toBe(-1);
    expect(p.seekTo).toBe(43);
  });
  it('corrects beyond 0.4 s of drift either way, not within', () => {
    const c = clock({ at: ORIGIN + 42_000, playing: true });
    expect(plan(c, media({ currentTime: 42.39, paused: false }), T0, newSyncMemory()).seekTo).toBeNull();
    expect(plan(c, media({ currentTime: 41.61, paused: false }), T0, newSyncMemory()).seekTo).toBeNull();
    expect(plan(c, media({ currentTime: 42.41, paused: false }), T0, newSyncMemory()).seekTo).toBe(42);
    expect(plan(c, media({ currentTime: 41.5, paused: false }), T0, newSyncMemory()).seekTo).toBe(42);
  });
  it('aims a corrective seek where the clock will be when the seek has landed', () => {
    const p = plan(clock({ at: ORIGIN + 42_000, playing: true, speed: 8 }), media({ currentTime: 30, paused: false, lastSeekMs: 100 }), T0, newSyncMemory());
    expect(p.seekTo).toBeCloseTo(42.8, 6);
    // never past the end
    expect(plan(clock({ at: ORIGIN + 299_500, playing: true, speed: 8 }), media({ currentTime: 280, paused: false, lastSeekMs: 200 }), T0, newSyncMemory()).seekTo).toBe(300);
  });
  it('does not seek again while its own seek is under way (for up to 2 s)', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 4 });
    expect(plan(c, media({ currentTime: 10, paused: false }), T0, mem).seekTo).toBe(42);
    expect(plan(c, media({ currentTime: 42, paused: false, seeking: true }), T0 + 250, mem)).toMatchObject({ mode: 'native', seekTo: null });
    expect(plan(c, media({ currentTime: 42, paused: false, seeking: true }), T0 + 2100, mem).seekTo).toBeCloseTo(50.4, 6);
  });
  it('starts a paused video playing, and puts it where the clock is without counting that against the browser', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true });
    for (let i = 0; i < 4; i++) {
      const p = plan(c, media({ currentTime: 0, paused: true }), T0 + i * 300, mem);
      expect(p).toMatchObject({ mode: 'native', play: true, rate: 1 });
      expect(p.seekTo).toBeCloseTo(42 + i * 0.3, 6);
    }
    expect(mem.seeks).toEqual([]);
    expect(mem.fallback).toBe(false);
  });
});

describe('planSync: stepping', () => {
  it('steps above 16×: still, moved to the clock once a second', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 64 });
    const first = plan(c, media({ currentTime: 10, paused: false }), T0, mem);
    // (no step aimed yet: no drift to speak of)
    expect(first).toMatchObject({ mode: 'stepping', play: false, seekTo: 42, driftSec: null });
    // within the second: no new seek, though the clock has run on 16 s
    const between = plan(c, media({ currentTime: 42 }), T0 + 250, mem);
    expect(between).toMatchObject({ mode: 'stepping', play: false, seekTo: null, targetSec: 58 });
    // the picture is the one the step aimed at
    expect(between.driftSec).toBe(0);
    expect(plan(c, media({ currentTime: 42 }), T0 + 999, mem).seekTo).toBeNull();
    expect(plan(c, media({ currentTime: 42 }), T0 + 1000, mem).seekTo).toBe(106);
    expect(plan(c, media({ currentTime: 106 }), T0 + 1250, mem)).toMatchObject({ seekTo: null, driftSec: 0 });
    expect(plan(c, media({ currentTime: 106 }), T0 + 2000, mem).seekTo).toBe(170);
  });
  it('steps at once on another recording (the next window), its timeline its own', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 64 });
    plan(c, media({ currentTime: 10 }), T0, mem);
    const next = syncMemoryForNewSource(mem);
    expect(next.speed).toBe(64);
    const p = plan(c, media({ currentTime: 3, origin: ORIGIN + 40_000 }), T0 + 300, next);
    expect(p).toMatchObject({ mode: 'stepping', driftSec: null });
    expect(p.seekTo).toBeCloseTo(2 + 0.3 * 64, 6);
  });
  it('waits for a step that is still seeking (up to 2 s) before the next', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 32 });
    expect(plan(c, media({ currentTime: 10 }), T0, mem).seekTo).toBe(42);
    expect(plan(c, media({ currentTime: 42, seeking: true }), T0 + 1200, mem).seekTo).toBeNull();
    expect(plan(c, media({ currentTime: 42, seeking: false }), T0 + 1450, mem).seekTo).toBeCloseTo(42 + 1.45 * 32, 6);
  });
  it('falls back to stepping when the browser cannot keep up (a third corrective seek within 5 s), for that speed only', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 8 });
    /** the video falls a second of replay behind the clock each time (stuck buffering at 8×) */
    const behind = (now: number) => media({ currentTime: (clockAt(c, now) - ORIGIN) / 1000 - 1, paused: false });
    expect(plan(c, behind(T0), T0, mem)).toMatchObject({ mode: 'native', seekTo: 42 });
    expect(plan(c, behind(T0 + 2000), T0 + 2000, mem)).toMatchObject({ mode: 'native', seekTo: 58 });
    const third = plan(c, behind(T0 + 4000), T0 + 4000, mem);
    expect(third).toMatchObject({ mode: 'stepping', play: false, seekTo: 74 });
    expect(mem.fallback).toBe(true);
    // and stays stepping at this speed, however well the video does
    expect(plan(c, media({ currentTime: 74 + 8 * 0.25 }), T0 + 4250, mem).mode).toBe('stepping');
    expect(plan(c, media({ currentTime: 74 }), T0 + 5000, mem)).toMatchObject({ mode: 'stepping', seekTo: 82 });
    // another speed: the browser gets another chance
    const slower = clock({ at: ORIGIN + 90_000, playing: true, speed: 4, since: T0 + 6000 });
    expect(plan(slower, media({ currentTime: 90 }), T0 + 6000, mem)).toMatchObject({ mode: 'native', rate: 4, play: true });
    expect(mem.fallback).toBe(false);
  });
  it('does not fall back for seeks spread over more than 5 s', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 2 });
    const behind = (now: number) => media({ currentTime: (clockAt(c, now) - ORIGIN) / 1000 - 1, paused: false });
    for (const t of [0, 2600, 5200, 7800, 10_400]) expect(plan(c, behind(T0 + t), T0 + t, mem).mode, `at +${t} ms`).toBe('native');
    expect(mem.fallback).toBe(false);
  });
  it('goes back to the browser playing when the replay pauses and plays again at the same speed', () => {
    const mem = newSyncMemory();
    const c = clock({ at: ORIGIN + 42_000, playing: true, speed: 8 });
    const behind = (now: number) => media({ currentTime: (clockAt(c, now) - ORIGIN) / 1000 - 1, paused: false });
    for (const t of [0, 1000, 2000]) plan(c, behind(T0 + t), T0 + t, mem);
    expect(mem.fallback).toBe(true);
    expect(plan(clock({ at: ORIGIN + 70_000, since: T0 + 3000 }), media({ currentTime: 70 }), T0 + 3000, mem).mode).toBe('paused');
    expect(plan(clock({ at: ORIGIN + 70_000, playing: true, speed: 8, since: T0 + 4000 }), media({ currentTime: 70 }), T0 + 4000, mem)).toMatchObject({ mode: 'native', rate: 8, play: true });
  });
});

// Live playlist reloads aligned to when the next segment is due (renderer/src/video/reload-align.ts),
// checked against a simulation of hls.js's own reload scheduling and the demo server's live window.
import { describe, expect, it } from 'vitest';
import { alignReload, newReloadAlign, reloadIntervalMs, type PlaylistFacts } from '../../../renderer/src/video/reload-align';

const SEG = 2000;

/** The demo server at wall time t: segments [k·2 s, (k+1)·2 s) listed once complete (skewed server clock). */
function playlistAt(t: number, skewMs = 0): PlaylistFacts {
  const serverNow = t + skewMs;
  const endSn = Math.floor(serverNow / SEG) - 1;
  return { live: true, endSn, lastPdtMs: endSn * SEG, lastDurationSec: SEG / 1000, targetDurationSec: SEG / 1000 };
}

/**
 * hls.js (base-playlist-controller): after each load at `now`, with interval I (half when nothing new),
 * requestScheduled = now when it fell behind, else += I; the next load happens at requestScheduled.
 * Returns, for each new segment, how long after it became available the player saw it.
 */
function simulate(opts: { firstLoadAt: number; loads: number; align: boolean; skewMs?: number; rttMs?: number }): { lags: number[]; early: number } {
  const s = newReloadAlign();
  const rtt = opts.rttMs ?? 30;
  let requestScheduled = -1;
  let t = opts.firstLoadAt;
  let lastSn = -1;
  const lags: number[] = [];
  for (let i = 0; i < opts.loads; i++) {
    const f = playlistAt(t, opts.skewMs); // the server answers as of the request
    const now = t + rtt;
    const updated = f.endSn !== lastSn;
    if (updated && lastSn >= 0) for (let sn = lastSn + 1; sn <= f.endSn; sn++) lags.push(now - (sn + 1) * SEG + (opts.skewMs ?? 0));
    lastSn = f.endSn;
    if (requestScheduled === -1) requestScheduled = t;
    const interval = updated ? reloadIntervalMs(f) : SEG / 2;
    if (requestScheduled + interval < now) requestScheduled = now;
    else if (requestScheduled <= now) requestScheduled += interval;
    const next = requestScheduled; // the timer hls.js sets
    if (opts.align) {
      const at = alignReload(s, f, now, now, t); // one clock for both in the simulation
      if (at !== null) requestScheduled = at;
    }
    t = next;
  }
  return { lags, early: s.early };
}

describe('reload alignment', () => {
  it('plain hls.js sees each segment up to a whole segment late, depending on when it started', () => {
    const { lags } = simulate({ firstLoadAt: 100_000 + 1700, loads: 30, align: false });
    const steady = lags.slice(3);
    expect(Math.min(...steady)).toBeGreaterThan(1500);
  });

  it('aligned reloads see each segment ~0.1–0.2 s after it is published, whatever the start phase', () => {
    for (const phase of [50, 400, 999, 1500, 1950]) {
      const { lags, early } = simulate({ firstLoadAt: 100_000 + phase, loads: 30, align: true });
      // at most the one reload hls.js had already scheduled finds nothing
      expect(early).toBeLessThanOrEqual(1);
      const steady = lags.slice(4);
      expect(steady.length).toBeGreaterThan(20);
      for (const lag of steady) expect(lag, `phase ${phase}`).toBeLessThan(300);
      for (const lag of steady) expect(lag).toBeGreaterThanOrEqual(0);
    }
  });

  it('learns a server clock that runs behind the wall', () => {
    // server 600 ms behind: segments appear 600 ms later than their PDT says
    const { lags, early } = simulate({ firstLoadAt: 100_000 + 900, loads: 60, align: true, skewMs: -600 });
    expect(early).toBeGreaterThan(0);
    const tail = lags.slice(-10);
    for (const lag of tail) expect(lag).toBeLessThan(400);
  });

  it('leaves hls.js alone without programme date-times, for VOD, and for absurd clocks', () => {
    const s = newReloadAlign();
    const f = playlistAt(100_000);
    expect(alignReload(s, { ...f, lastPdtMs: null }, 100_000, 5_000)).toBeNull();
    expect(alignReload(s, { ...f, live: false }, 100_000, 5_000)).toBeNull();
    expect(alignReload(s, f, 100_000 - 3_600_000, 5_000)).toBeNull();
    expect(alignReload(s, f, 100_000 + 3_600_000, 5_000)).toBeNull();
  });

  it('returns the due time on the performance clock', () => {
    const s = newReloadAlign();
    const f = playlistAt(100_500); // newest segment ends at 100 000
    // next segment due at 102 000 (+ offset) wall time = 1 500 ms + offset from now
    expect(alignReload(s, f, 100_500, 7_000)).toBe(7_000 + 1_500 + 100);
  });

  it('uses the last segment duration when it is shorter than the target', () => {
    expect(reloadIntervalMs({ live: true, endSn: 1, lastPdtMs: 0, lastDurationSec: 1.5, targetDurationSec: 2 })).toBe(1500);
    expect(reloadIntervalMs({ live: true, endSn: 1, lastPdtMs: 0, lastDurationSec: 2, targetDurationSec: 2 })).toBe(2000);
  });
});

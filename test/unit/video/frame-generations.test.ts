// Frames come in generations so that the frames' process can end and give back what Chromium's
// media stack kept: after so many frames from one origin new ones come from the other, and an
// origin is only returned to once none of its frames is left (a fresh process each time).
import { describe, expect, it, vi } from 'vitest';
import { FrameGenerations, shouldRotate } from '../../../renderer/src/video/frame-generations';

const A = 'http://localhost:5170';
const B = 'http://frames.localhost:5170';

describe('shouldRotate', () => {
  it('switches after enough frames, to an origin with no frame left that is not given up', () => {
    expect(shouldRotate(99, 100, { broken: false, liveFrames: 0 })).toBe(false);
    expect(shouldRotate(100, 100, { broken: false, liveFrames: 0 })).toBe(true);
    expect(shouldRotate(500, 100, { broken: false, liveFrames: 1 })).toBe(false);
    expect(shouldRotate(500, 100, { broken: true, liveFrames: 0 })).toBe(false);
    expect(shouldRotate(500, 0, { broken: false, liveFrames: 0 })).toBe(false);
    expect(shouldRotate(500, 100, null)).toBe(false);
  });

  it('returns to an origin only once it has had no frame for the drain time', () => {
    expect(shouldRotate(100, 100, { broken: false, liveFrames: 0, emptyForMs: 14_999 }, 15_000)).toBe(false);
    expect(shouldRotate(100, 100, { broken: false, liveFrames: 0, emptyForMs: null }, 15_000)).toBe(false);
    expect(shouldRotate(100, 100, { broken: false, liveFrames: 0, emptyForMs: 15_000 }, 15_000)).toBe(true);
    expect(shouldRotate(100, 100, { broken: false, liveFrames: 1, emptyForMs: 60_000 }, 15_000)).toBe(false);
  });
});

describe('FrameGenerations', () => {
  it('moves new frames to the other origin after so many, and back only once the first has none open', () => {
    const live = new Map<string, number>();
    const g = new FrameGenerations([A, B], (o) => live.get(o) ?? 0, { rotateAfter: 3 });
    const seen: string[] = [];
    g.onRotate((o) => seen.push(o));
    expect(g.current()).toBe(A);
    g.opened();
    g.opened();
    expect(g.current()).toBe(A);
    g.opened();
    expect(g.current()).toBe(B);
    expect(seen).toEqual([B]);
    // three from B, but A still has a tile open: B goes on until A's last frame is gone
    live.set(A, 1);
    for (let i = 0; i < 5; i++) g.opened();
    expect(g.current()).toBe(B);
    live.set(A, 0);
    g.opened();
    expect(g.current()).toBe(A);
    expect(g.stats()).toEqual({ origin: A, opened: 0, rotations: 2, broken: [], strays: 0 });
  });

  it('goes back to an emptied origin only after it has been seen empty for the drain time (its process has ended)', () => {
    let now = 0;
    const live = new Map<string, number>([[A, 0]]);
    const g = new FrameGenerations([A, B], (o) => live.get(o) ?? 0, { rotateAfter: 2, drainMs: 10_000, now: () => now });
    g.opened();
    g.opened();
    expect(g.current()).toBe(B);
    // A's last tile is still open for a while
    live.set(A, 1);
    now = 5_000;
    g.opened();
    g.opened();
    expect(g.current()).toBe(B);
    // it closes; the next frames still come from B until A has been empty for 10 s
    live.set(A, 0);
    now = 20_000;
    g.opened();
    expect(g.current()).toBe(B);
    now = 29_999;
    g.opened();
    expect(g.current()).toBe(B);
    now = 30_000;
    g.opened();
    expect(g.current()).toBe(A);
    // and B, just left, is looked at afresh: seen empty at once is not empty for long
    now = 31_000;
    g.opened();
    g.opened();
    expect(g.current()).toBe(A);
    now = 41_000;
    g.opened();
    expect(g.current()).toBe(B);
    g.sweptStrays(2);
    expect(g.stats().strays).toBe(2);
  });

  it('gives up a second origin that never loads a frame, and goes back to the first for good', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const g = new FrameGenerations([A, B], () => 0, { rotateAfter: 1 });
    g.loaded(A);
    g.opened();
    expect(g.current()).toBe(B);
    g.failed(B);
    expect(g.current()).toBe(B);
    g.failed(B);
    expect(g.current()).toBe(A);
    expect(g.stats().broken).toEqual([B]);
    for (let i = 0; i < 5; i++) g.opened();
    expect(g.current()).toBe(A);
    // an origin that has loaded once is not given up for later failures (a crash is not "unreachable")
    g.failed(A);
    g.failed(A);
    expect(g.stats().broken).toEqual([B]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });

  it('never rotates with one origin (Electron) or with rotation off', () => {
    const one = new FrameGenerations([A], () => 0, { rotateAfter: 1 });
    for (let i = 0; i < 5; i++) one.opened();
    expect(one.current()).toBe(A);
    const off = new FrameGenerations([A, B], () => 0, { rotateAfter: 0 });
    for (let i = 0; i < 5; i++) off.opened();
    expect(off.current()).toBe(A);
  });
});

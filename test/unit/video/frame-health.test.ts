import { describe, expect, it } from 'vitest';
import { FRAME_FAILURES_BEFORE_FALLBACK, FrameHealth } from '../../../renderer/src/video/frame-health';

describe('FrameHealth', () => {
  it('gives up on frames after enough failures with none ever loaded, once', () => {
    const calls: number[] = [];
    const h = new FrameHealth((n) => calls.push(n));
    for (let i = 1; i < FRAME_FAILURES_BEFORE_FALLBACK; i++) h.failed();
    expect(h.isDown()).toBe(false);
    h.failed();
    expect(h.isDown()).toBe(true);
    h.failed();
    expect(calls).toEqual([FRAME_FAILURES_BEFORE_FALLBACK]);
  });

  it('never gives up once a frame has loaded: later failures are crashes, rebuilt elsewhere', () => {
    const calls: number[] = [];
    const h = new FrameHealth((n) => calls.push(n));
    h.failed();
    h.loaded();
    for (let i = 0; i < 10; i++) h.failed();
    expect(h.isDown()).toBe(false);
    expect(calls).toEqual([]);
  });
});

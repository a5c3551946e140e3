import { describe, expect, it } from 'vitest';
import { FIRST_BEAT_MS, freshRestartState, HUNG_AFTER_MS, isHung, onFailure, STABLE_MS } from '../../../main/electron/restart-policy.js';

describe('when a crashed or hung wall window is replaced', () => {
  it('at once the first time, then after 1 s, 2 s, 4 s … capped at 60 s', () => {
    let state = freshRestartState();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = onFailure(state, 1000 + i * 5000);
      delays.push(r.delayMs);
      state = r.state;
    }
    expect(delays).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(state.failures).toBe(10);
  });

  it('counts afresh after 10 minutes without a failure', () => {
    let state = freshRestartState();
    for (const t of [0, 1000, 2000]) state = onFailure(state, t).state;
    expect(onFailure(state, 2000 + STABLE_MS - 1).delayMs).toBe(4000);
    const after = onFailure(state, 2000 + STABLE_MS);
    expect(after.delayMs).toBe(0);
    expect(after.state.failures).toBe(1);
  });

  it('never overflows, however many failures', () => {
    expect(onFailure({ failures: 5000, lastAt: 0 }, 1).delayMs).toBe(60_000);
  });
});

describe('when a page is hung', () => {
  it('after 3 s without a heartbeat', () => {
    expect(isHung({ createdAt: 0, lastBeatAt: 10_000 }, 10_000 + HUNG_AFTER_MS)).toBe(false);
    expect(isHung({ createdAt: 0, lastBeatAt: 10_000 }, 10_001 + HUNG_AFTER_MS)).toBe(true);
  });

  it('a new page gets 30 s for its first beat', () => {
    expect(isHung({ createdAt: 0, lastBeatAt: null }, FIRST_BEAT_MS)).toBe(false);
    expect(isHung({ createdAt: 0, lastBeatAt: null }, FIRST_BEAT_MS + 1)).toBe(true);
  });
});

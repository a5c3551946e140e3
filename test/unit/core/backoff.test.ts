import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../core/backoff.js';

describe('backoffDelay (the one backoff: MQTT reconnects, the bridge, video tiles and frames)', () => {
  it('doubles from the minimum up to the cap', () => {
    const b = { minMs: 500, maxMs: 10_000 };
    expect([0, 1, 3, 30].map((a) => backoffDelay(a, b))).toEqual([500, 1000, 4000, 10_000]);
    expect(backoffDelay(-3, b)).toBe(500);
  });
  it('spreads by the jitter asked for, and only then', () => {
    const b = { minMs: 500, maxMs: 10_000, jitter: 0.2 };
    expect(backoffDelay(0, b, () => 0)).toBe(400);
    expect(backoffDelay(0, b, () => 0.5)).toBe(500);
    expect(backoffDelay(0, b, () => 1)).toBe(600);
    expect(backoffDelay(0, { minMs: 500, maxMs: 10_000 }, () => 0)).toBe(500);
  });
});

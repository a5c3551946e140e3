// How often the warm frames may be dropped: a frames' process only starved of CPU looks dead too,
// and refilling the pool into it starved it further (a soak: 164 flushes in 8 minutes).
import { describe, expect, it } from 'vitest';
import { FLUSH_MIN_GAP_MS, flushAllowed } from '../../../renderer/src/video/frame-pool';

describe('flushAllowed', () => {
  it('lets the first flush through', () => {
    expect(flushAllowed(null, 0)).toBe(true);
    expect(flushAllowed(null, 123_456)).toBe(true);
  });
  it('refuses another within the gap, and allows it once the gap has passed', () => {
    expect(FLUSH_MIN_GAP_MS).toBeGreaterThanOrEqual(10_000);
    expect(flushAllowed(1000, 1000)).toBe(false);
    expect(flushAllowed(1000, 1000 + FLUSH_MIN_GAP_MS - 1)).toBe(false);
    expect(flushAllowed(1000, 1000 + FLUSH_MIN_GAP_MS)).toBe(true);
    expect(flushAllowed(1000, 1500, 400)).toBe(true);
    expect(flushAllowed(1000, 1300, 400)).toBe(false);
  });
});

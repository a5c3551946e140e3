// Whether the feed still flows: stalled after longer than usual, "usual" learned from the feed,
// outages not counted as usual.
import { describe, expect, it } from 'vitest';
import { FeedPulse } from '../../../core/ingest/feed-pulse';

const T0 = Date.UTC(2026, 11, 5, 8);
const opts = { minSilenceMs: 10_000, factor: 3, windowMs: 3_600_000 };

describe('FeedPulse', () => {
  it('waits for the first message, and calls a feed that never started stalled after the floor', () => {
    const p = new FeedPulse(T0, opts);
    expect(p.health(T0 + 5_000)).toMatchObject({ state: 'waiting', lastMessageAt: null, stalledSince: null });
    expect(p.health(T0 + 10_001)).toMatchObject({ state: 'stalled', stalledSince: T0 });
  });

  it('a busy feed stalls after the floor; one message brings it back', () => {
    const p = new FeedPulse(T0, opts);
    for (let t = 0; t < 60_000; t += 100) p.record(T0 + t);
    const last = T0 + 59_900;
    expect(p.health(last + 9_000)).toMatchObject({ state: 'live', stalledAfterMs: 10_000, usualGapMs: null });
    expect(p.health(last + 10_001)).toMatchObject({ state: 'stalled', stalledSince: last, lastMessageAt: last });
    p.record(last + 20_000);
    expect(p.health(last + 20_001)).toMatchObject({ state: 'live', stalls: 1 });
  });

  it('learns a feed that is quiet by nature: a batch every two minutes is not a stall', () => {
    const p = new FeedPulse(T0, opts);
    for (let batch = 0; batch < 10; batch++) for (let i = 0; i < 50; i++) p.record(T0 + batch * 120_000 + i * 10);
    const last = T0 + 9 * 120_000 + 490;
    const h = p.health(last + 119_000);
    expect(h.usualGapMs).toBe(120_000 - 490);
    expect(h.state).toBe('live');
    expect(h.stalledAfterMs).toBe(3 * (120_000 - 490));
    expect(p.health(last + 3 * 120_000).state).toBe('stalled');
  });

  it('does not take an outage for what is usual: the next outage is caught as soon as the first was', () => {
    const p = new FeedPulse(T0, opts);
    let t = T0;
    for (; t < T0 + 30_000; t += 200) p.record(t);
    // a ten-minute outage, then the feed again
    t += 600_000;
    for (const end = t + 30_000; t < end; t += 200) p.record(t);
    const last = t - 200;
    expect(p.health(last).usualGapMs).toBe(null);
    expect(p.health(last + 10_001)).toMatchObject({ state: 'stalled', stalledAfterMs: 10_000, stalls: 1 });
    // nor two
    t = last + 600_000;
    for (const end = t + 30_000; t < end; t += 200) p.record(t);
    expect(p.health(t - 200 + 10_001)).toMatchObject({ state: 'stalled', stalledAfterMs: 10_000, stalls: 2 });
  });

  it('forgets what was usual more than the window ago', () => {
    const p = new FeedPulse(T0, { ...opts, windowMs: 600_000 });
    let t = T0;
    for (let i = 0; i < 4; i++, t += 9_000) p.record(t); // three silences of 9 s
    expect(p.health(t).usualGapMs).toBe(9_000);
    expect(p.health(t).stalledAfterMs).toBe(27_000);
    for (const end = t + 700_000; t < end; t += 1000) p.record(t);
    expect(p.health(t).usualGapMs).toBe(null);
    expect(p.health(t).stalledAfterMs).toBe(10_000);
  });

  it('ignores time going backwards', () => {
    const p = new FeedPulse(T0, opts);
    p.record(T0 + 5000);
    p.record(T0 + 1000);
    expect(p.health(T0 + 6000)).toMatchObject({ lastMessageAt: T0 + 5000, usualGapMs: null });
  });
});

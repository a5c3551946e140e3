import { describe, expect, it } from 'vitest';
import { RedrawBudget } from '../../../renderer/src/map/redrawBudget';

/** Feeds frames: `cost` ms extra on the frame after each redraw, one redraw every `every` frames. */
function run(b: RedrawBudget, cost: number, every: number, frames = 300): void {
  let t = 0;
  for (let i = 0; i < frames; i++) {
    const drew = i % every === 0;
    b.frame(t);
    if (drew) b.rendered();
    t += 1000 / 60 + (drew ? cost : 0);
  }
}

describe('RedrawBudget', () => {
  it('keeps the 10 Hz tick when a redraw is cheap', () => {
    const b = new RedrawBudget();
    run(b, 1, 6);
    expect(b.cost()).toBeLessThan(2);
    expect(b.intervalMs()).toBe(100);
  });

  it('spaces routine redraws so they take at most a tenth of the time when a redraw is expensive', () => {
    const b = new RedrawBudget();
    run(b, 150, 3);
    expect(b.cost()).toBeGreaterThan(120);
    expect(b.cost()).toBeLessThan(180);
    expect(b.intervalMs()).toBeGreaterThan(1500);
    expect(b.intervalMs()).toBeLessThanOrEqual(2000);
    expect(b.samples).toBeGreaterThan(5);
  });

  it('counts what a redraw delays in the frames after it, not only its own', () => {
    const b = new RedrawBudget();
    let t = 0;
    for (let i = 0; i < 600; i++) {
      b.frame(t);
      if (i % 20 === 0) b.rendered();
      // each redraw slows the next three frames by 40 ms each
      t += 1000 / 60 + (i % 20 >= 1 && i % 20 <= 3 ? 40 : 0);
    }
    expect(b.cost()).toBeGreaterThan(100);
    expect(b.cost()).toBeLessThan(140);
  });

  it('ignores long pauses', () => {
    const b = new RedrawBudget();
    b.frame(0);
    b.rendered();
    b.frame(60_000);
    b.frame(60_016);
    expect(b.samples).toBe(0);
    expect(b.intervalMs()).toBe(100);
  });
});

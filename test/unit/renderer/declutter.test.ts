import { describe, expect, it } from 'vitest';
import { circleBox, declutter, labelBox, textWidth, type Box } from '../../../renderer/src/model/declutter';

const box = (x: number, y: number, w = 40, h = 20): Box => ({ x, y, w, h });

describe('declutter', () => {
  it('keeps the more important of two overlapping labels', () => {
    const shown = declutter([
      { item: 'street', box: box(0, 0), priority: 20 },
      { item: 'P1', box: box(20, 5), priority: 1 },
      { item: 'elsewhere', box: box(200, 200), priority: 30 },
    ]);
    expect(shown).toEqual(['P1', 'elsewhere']);
  });

  it('never lets chosen labels overlap each other or an obstacle', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cands = Array.from({ length: 400 }, (_, i) => ({ item: i, box: box(rnd() * 1000, rnd() * 600, 20 + rnd() * 60, 14 + rnd() * 10), priority: Math.floor(rnd() * 5) }));
    const obstacles = [circleBox(500, 300, 30)];
    const shown = new Set(declutter(cands, obstacles, { pad: 2 }));
    expect(shown.size).toBeGreaterThan(20);
    const chosen = cands.filter((c) => shown.has(c.item)).map((c) => c.box);
    const hit = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (let i = 0; i < chosen.length; i++) {
      expect(hit(chosen[i], obstacles[0])).toBe(false);
      for (let j = i + 1; j < chosen.length; j++) expect(hit(chosen[i], chosen[j])).toBe(false);
    }
  });

  it('drops labels that do not fit inside the bounds, and keeps input order among equals', () => {
    const shown = declutter(
      [
        { item: 'out', box: box(-10, 0), priority: 0 },
        { item: 'a', box: box(0, 100), priority: 5 },
        { item: 'b', box: box(100, 100), priority: 5 },
      ],
      [],
      { bounds: { x: 0, y: 0, w: 500, h: 500 } },
    );
    expect(shown).toEqual(['a', 'b']);
  });

  it('estimates text widths: CJK one em, Latin narrower', () => {
    expect(textWidth('鼓楼区', 20)).toBe(60);
    expect(textWidth('Fight', 20)).toBeCloseTo(60);
    expect(textWidth('鼓楼区', 20, 0.1)).toBeCloseTo(66);
    const b = labelBox(100, 50, '火情', 15, 4, 2);
    expect(b.x + b.w / 2).toBe(100);
    expect(b.y + b.h).toBe(50);
    const c = labelBox(100, 50, '火情', 15, 0, 0, 'center');
    expect(c.y + c.h / 2).toBe(50);
  });
});

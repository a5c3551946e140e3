// Which preset holds: operators choose and revert, a priority-1 incident brings the automatic
// preset and its closing takes it away, and an operator's word is never overridden by a P1 that
// was already open when they spoke (a property over random event sequences).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayoutPreset } from '../../../core/display.js';
import { initialLayout, isOpenP1, layoutReduce, type LayoutEvent, type LayoutModel } from '../../../core/layout/policy.js';
import type { AutoOnP1 } from '../../../core/layout/presets.js';

const PRESETS: LayoutPreset[] = [
  { id: 'day', screens: {} },
  { id: 'major', screens: { center: { roles: ['video'] } } },
  { id: 'night', screens: { left: { roles: ['map', 'board'] } } },
];
const T = 1_795_680_000_000;

function run(m: LayoutModel, ...events: LayoutEvent[]): LayoutModel {
  for (const e of events) {
    const r = layoutReduce(m, e);
    if (!r.ok) throw new Error(r.error.message);
    m = r.value;
  }
  return m;
}
const start = (auto: AutoOnP1 | null = { preset: 'major', revert: 'on_close' }) => initialLayout(PRESETS, auto, T);
const apply = (preset: string, by = '张伟', at = T + 1): LayoutEvent => ({ type: 'apply', preset, by, at });
const p1 = (open: string[], at = T + 2): LayoutEvent => ({ type: 'p1', open, at });
const revert = (by = '张伟', at = T + 3): LayoutEvent => ({ type: 'revert', by, at });

describe('layout policy', () => {
  it('starts on the first preset, chosen by nobody', () => {
    expect(start().layout).toEqual({ presets: PRESETS, active: 'day', cause: 'default', by: null, since: T, revertTo: null, autoFor: [] });
  });

  it('applies an operator choice with who and when, and refuses an unknown preset saying which there are', () => {
    const m = run(start(), apply('night', '张伟', T + 5));
    expect(m.layout).toMatchObject({ active: 'night', cause: 'operator', by: '张伟', since: T + 5 });
    expect(layoutReduce(m, apply('nope'))).toEqual({ ok: false, error: { code: 'not_found', message: 'no preset "nope" (presets: day, major, night)' } });
  });

  it('switches to the automatic preset when a P1 opens and goes back, as it was, when none is open', () => {
    const chosen = run(start(), apply('night', '张伟', T + 1));
    const auto = run(chosen, p1(['A'], T + 10));
    expect(auto.layout).toMatchObject({ active: 'major', cause: 'auto', by: null, since: T + 10, revertTo: 'night', autoFor: ['A'] });
    // a second P1 joins the episode; the first closing is not the end of it
    const both = run(auto, p1(['A', 'B'], T + 11), p1(['B'], T + 12));
    expect(both.layout).toMatchObject({ active: 'major', cause: 'auto', autoFor: ['A', 'B'] });
    const after = run(both, p1([], T + 20));
    expect(after.layout).toEqual({ ...chosen.layout, since: T + 20 });
    // from the default, back to the default
    expect(run(start(), p1(['A']), p1([], T + 9)).layout).toMatchObject({ active: 'day', cause: 'default', by: null, since: T + 9 });
  });

  it('does nothing automatic when the automatic preset is already active, or when switching is off', () => {
    const m = run(start(), apply('major'), p1(['A']));
    expect(m.layout).toMatchObject({ active: 'major', cause: 'operator', by: '张伟' });
    expect(run(start(null), p1(['A'])).layout).toMatchObject({ active: 'day', cause: 'default' });
    // an automatic preset that is not in the list is no automatic switching
    expect(initialLayout(PRESETS, { preset: 'ghost', revert: 'on_close' }, T).auto).toBeNull();
  });

  it('keeps an operator choice made during the episode, even when the P1 closes, until a new P1 opens', () => {
    const m = run(start(), p1(['A']), apply('night', '李娜', T + 5));
    expect(m.layout).toMatchObject({ active: 'night', cause: 'operator', by: '李娜', revertTo: null, autoFor: [] });
    expect(run(m, p1(['A'])).layout).toMatchObject({ active: 'night', cause: 'operator', by: '李娜' });
    expect(run(m, p1(['A']), p1([])).layout).toMatchObject({ active: 'night', cause: 'operator', by: '李娜' });
    expect(run(m, p1(['A', 'B'], T + 30)).layout).toMatchObject({ active: 'major', cause: 'auto', revertTo: 'night', autoFor: ['B'] });
    // a P1 closed and opened again (reopened, or raised back to priority 1) is a new one
    expect(run(m, p1([]), p1(['A'], T + 31)).layout).toMatchObject({ active: 'major', cause: 'auto', autoFor: ['A'] });
  });

  it("with revert 'operator', holds the automatic preset after the P1 closed until an operator reverts", () => {
    const m = run(start({ preset: 'major', revert: 'operator' }), apply('night'), p1(['A']), p1([]));
    expect(m.layout).toMatchObject({ active: 'major', cause: 'auto', revertTo: 'night' });
    expect(run(m, revert('王芳', T + 40)).layout).toMatchObject({ active: 'night', cause: 'operator', by: '王芳', since: T + 40, revertTo: null });
  });

  it('refuses a revert when nothing was switched automatically', () => {
    expect(layoutReduce(start(), revert())).toEqual({ ok: false, error: { code: 'illegal', message: 'nothing to revert: the layout was not switched automatically' } });
  });

  it('counts a P1 as open until resolved, a false alarm or merged', () => {
    for (const state of ['new', 'acknowledged', 'dispatched', 'on_scene'] as const) expect(isOpenP1({ priority: 1, state })).toBe(true);
    for (const state of ['resolved', 'false_alarm', 'merged'] as const) expect(isOpenP1({ priority: 1, state })).toBe(false);
    expect(isOpenP1({ priority: 2, state: 'new' })).toBe(false);
  });

  it('over any sequence of events: the active preset is always one of the presets, and an operator choice made after a P1 opened holds until a new P1 opens', () => {
    const ids = ['A', 'B', 'C', 'D'];
    const event = fc.oneof(
      fc.record({ type: fc.constant('apply' as const), preset: fc.constantFrom('day', 'major', 'night', 'ghost'), by: fc.constantFrom('张伟', '李娜') }),
      fc.record({ type: fc.constant('revert' as const), by: fc.constant('王芳') }),
      fc.record({ type: fc.constant('p1' as const), open: fc.subarray(ids) }),
    );
    const auto = fc.option(fc.record({ preset: fc.constantFrom('day', 'major', 'night'), revert: fc.constantFrom('on_close' as const, 'operator' as const) }), { nil: null });
    fc.assert(
      fc.property(auto, fc.array(event, { maxLength: 60 }), (autoOnP1, events) => {
        let m = initialLayout(PRESETS, autoOnP1, T);
        /** the operator's choice that must hold, while no new P1 has opened since */
        let held: string | null = null;
        events.forEach((raw, i) => {
          const e = { ...raw, at: T + i + 1 } as LayoutEvent;
          const before = m;
          const r = layoutReduce(m, e);
          if (r.ok) m = r.value;
          const l = m.layout;
          expect(PRESETS.map((p) => p.id)).toContain(l.active);
          if (l.cause === 'auto') {
            expect(l.active).toBe(autoOnP1?.preset);
            expect(l.autoFor.length).toBeGreaterThan(0);
            if (autoOnP1?.revert === 'on_close') expect(m.p1Open.length).toBeGreaterThan(0);
          } else expect(l.revertTo).toBeNull();
          if (!r.ok) expect(m).toBe(before);
          if (e.type === 'p1') {
            const opened = e.open.some((id) => !before.p1Open.includes(id));
            if (opened) held = null;
            else if (held !== null) expect(l).toMatchObject({ active: held, cause: 'operator' });
          }
          if (e.type === 'apply' && r.ok) held = e.preset;
          if (e.type === 'revert' && r.ok) held = l.active;
        });
      }),
      { numRuns: 500 },
    );
  });
});

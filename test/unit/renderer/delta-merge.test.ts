// Deltas held for a slow page and sent as one (core/situation/delta-merge.ts): whatever runs of
// deltas are merged, a renderer that applies the merged ones holds exactly what one that applied
// every delta holds, which the round trip (round-trip.test.ts) ties to a snapshot taken at the
// end. Random worlds through the real reducer and the real renderer functions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeDeltas } from '../../../core/situation/delta-merge';
import { apply, createSituation, type SituationDelta, snapshotOf, takeAlertDelta, takeDelta } from '../../../core/situation/situation';
import { applyDelta, applySnapshot, type SituationData } from '../../../renderer/src/model/situation';
import { UnitTable } from '../../../renderer/src/model/units';
import { held, locate, reference, step, type Step, T0 } from './situation-steps';

/** The deltas a world's steps cut, after the snapshot a page starts from. */
function world(steps: Step[], trailLength: number) {
  const state = createSituation(reference, locate, { trailLength, rejectsKept: 5, staleAfterMs: 20_000, closedRetentionMs: 30_000, forgetUnitsAfterMs: 150_000 });
  apply(state, { t: 'tick', at: T0 });
  takeDelta(state);
  const snapshot = snapshotOf(state);
  const deltas: SituationDelta[] = [];
  let at = T0;
  for (const s of [...steps, { cut: 'all' } as Step]) {
    if (s.cut === 'alerts') {
      const alerts = takeAlertDelta(state);
      if (alerts) deltas.push(alerts);
    } else if (s.cut) deltas.push(takeDelta(state));
    else {
      at += s.dt;
      apply(state, s.make(at));
    }
  }
  return { snapshot, deltas, end: snapshotOf(state) };
}

/** Cuts `deltas` into runs at the given lengths (the rest is one run). */
function runs<T>(deltas: T[], lengths: number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const n of lengths) {
    if (i >= deltas.length) break;
    out.push(deltas.slice(i, i + n));
    i += n;
  }
  if (i < deltas.length) out.push(deltas.slice(i));
  return out;
}

describe('merging deltas', () => {
  it('a page given runs of deltas merged holds what a page given each delta holds, and what the last snapshot gives', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), fc.constantFrom(0, 1, 4), fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 20 }), (steps, trailLength, lengths) => {
        const { snapshot, deltas, end } = world(steps, trailLength);
        const before = JSON.stringify(deltas);
        const one = new UnitTable();
        let each: SituationData = applySnapshot(snapshot, one);
        for (const d of deltas) each = applyDelta(each, d, one);
        const merged = new UnitTable();
        let fewer: SituationData = applySnapshot(snapshot, merged);
        for (const run of runs(deltas, lengths)) fewer = applyDelta(fewer, mergeDeltas(run, trailLength), merged);
        expect(held(fewer, merged)).toEqual(held(each, one));
        const fresh = new UnitTable();
        expect(held(fewer, merged)).toEqual(held(applySnapshot(end, fresh), fresh));
        // the deltas themselves are shared with other pages: untouched
        expect(JSON.stringify(deltas)).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it('everything merged at once as well', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), fc.constantFrom(1, 4, 10), (steps, trailLength) => {
        const { snapshot, deltas, end } = world(steps, trailLength);
        const t = new UnitTable();
        const data = applyDelta(applySnapshot(snapshot, t), mergeDeltas(deltas, trailLength), t);
        const fresh = new UnitTable();
        expect(held(data, t)).toEqual(held(applySnapshot(end, fresh), fresh));
      }),
      { numRuns: 300 },
    );
  });

  it('is smaller than what it merges when the same units move again and again', () => {
    const state = createSituation(reference, locate, { trailLength: 10 });
    apply(state, { t: 'tick', at: T0 });
    const deltas: SituationDelta[] = [];
    for (let k = 1; k <= 40; k++) {
      const at = T0 + k * 50;
      for (let u = 0; u < 50; u++) apply(state, { t: 'events', at, topic: `u/V${u}`, events: [{ type: 'unitFix', source: 'units', fix: { id: `V${u}`, ts: at, lat: 26.05, lon: 119.3 + (u + k) * 1e-4, kind: 'volunteer' } }] });
      deltas.push(takeDelta(state));
    }
    const merged = mergeDeltas(deltas.slice(1), 10);
    // one tuple per unit instead of 39, and of the places it passed only the ten its trail keeps
    expect(merged.unitMoves.length + merged.units.length).toBe(50);
    expect(merged.trailPoints.length).toBe(50 * 10);
    expect(JSON.stringify(merged).length).toBeLessThan(JSON.stringify(deltas.slice(1)).length / 5);
    // without the trail's length every point travels
    expect(mergeDeltas(deltas.slice(1)).trailPoints.length).toBe(50 * 39);
    expect(mergeDeltas([deltas[0]])).toBe(deltas[0]);
    expect(() => mergeDeltas([])).toThrow(/nothing to merge/);
  });
});

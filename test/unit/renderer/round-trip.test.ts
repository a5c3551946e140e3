// The round trip the wall depends on: what a renderer builds from the first snapshot and every
// delta after it is what it would build from a snapshot taken at the end. Random input sequences
// (bursts, late and out-of-order fixes, units going offline and forgotten, incidents raised and
// closed, rejects), cut into deltas at random points, through the real reducer and the real
// renderer functions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, createSituation, snapshotOf, takeAlertDelta, takeDelta } from '../../../core/situation/situation';
import { applyDelta, applySnapshot } from '../../../renderer/src/model/situation';
import { UnitTable } from '../../../renderer/src/model/units';
import { held, locate, reference, step, type Step, T0 } from './situation-steps';

describe('renderer round trip', () => {
  it('deltas applied to the first snapshot give what the last snapshot gives (units with their trails, incidents, kiosks, cameras, stats, rejects)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), fc.constantFrom(0, 1, 4), (steps, trailLength) => {
        const state = createSituation(reference, locate, { trailLength, rejectsKept: 5, staleAfterMs: 20_000, closedRetentionMs: 30_000, forgetUnitsAfterMs: 150_000 });
        apply(state, { t: 'tick', at: T0 });
        takeDelta(state);
        const live = new UnitTable();
        let data = applySnapshot(snapshotOf(state), live);
        let at = T0;
        for (const s of [...steps, { cut: 'all' } as Step]) {
          if (s.cut === 'alerts') {
            const alerts = takeAlertDelta(state);
            if (alerts) data = applyDelta(data, alerts, live);
            continue;
          }
          if (s.cut) {
            data = applyDelta(data, takeDelta(state), live);
            continue;
          }
          at += s.dt;
          apply(state, s.make(at));
        }
        const fresh = new UnitTable();
        const fromSnapshot = applySnapshot(snapshotOf(state), fresh);
        expect(held(data, live)).toEqual(held(fromSnapshot, fresh));
      }),
      { numRuns: 400 },
    );
  });
});

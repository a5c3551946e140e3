// Random worlds for the renderer's tests: input sequences (bursts, late and out-of-order fixes,
// units going offline and forgotten, incidents raised and closed, rejects, clock ticks) with delta
// cuts among them, and what a renderer holds in a form two can be compared in.
import fc from 'fast-check';
import type { IncidentReport, UnitFix } from '../../../core/domain';
import type { SituationInput } from '../../../core/inputs';
import type { SituationData } from '../../../renderer/src/model/situation';
import type { UnitTable } from '../../../renderer/src/model/units';

export const T0 = Date.UTC(2026, 11, 2, 8);
export const reference = { cameras: [{ id: 'C1', name: '北门', lat: 26.05, lon: 119.3 }], kiosks: [{ id: 'K1', name: '南门', lat: 26.06, lon: 119.31, cameraId: 'C1' }] };
export const locate = (lon: number) => ({ id: lon < 119.3 ? 'W' : 'E', ids: ['city'], names: ['福州市'] });

/** One step of the world: an input at an offset from the previous step, or a delta cut (all, or the alarm lane's). */
export type Step = { cut: 'all' | 'alerts' } | { cut: false; dt: number; make: (at: number) => SituationInput };

const unitId = fc.constantFrom('U0', 'U1', 'U2', 'U3');
const fixStep = fc.record({ id: unitId, back: fc.oneof(fc.constant(0), fc.integer({ min: -30_000, max: 5_000 })), dLon: fc.integer({ min: -50, max: 50 }), kind: fc.constantFrom('volunteer', 'patrol') as fc.Arbitrary<UnitFix['kind']> });
export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Step>({ cut: 'all' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ cut: 'alerts' }) },
  {
    weight: 8,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 3_000 }), fixStep).map(([dt, f]): Step => ({
      cut: false,
      dt,
      // ts near the receive time, sometimes behind it (a late fix), sometimes several per delta
      make: (at) => ({ t: 'events', at, topic: `u/${f.id}`, events: [{ type: 'unitFix', source: 'units', fix: { id: f.id, ts: at + f.back, lat: 26.05, lon: 119.3 + f.dLon * 1e-4, kind: f.kind } }] }),
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.constantFrom('A0', 'A1', 'A2'), fc.constantFrom('open', 'closed') as fc.Arbitrary<'open' | 'closed'>, fc.integer({ min: 1, max: 4 })).map(
      ([dt, id, status, priority]): Step => ({
        cut: false,
        dt,
        make: (at) => {
          const r: IncidentReport = { id, ts: at, kind: 'theft', priority: priority as 1, lat: 26.04, lon: 119.28, title: `警情 ${id}`, status };
          return { t: 'events', at, topic: 'alarms/110', events: [{ type: 'incident', source: '110', report: r }] };
        },
      }),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2_000 }), unitId).map(([dt, id]): Step => ({ cut: false, dt, make: (at) => ({ t: 'events', at, topic: `u/${id}`, events: [{ type: 'unitOffline', source: 'units', id, ts: at }] }) })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.boolean()).map(([dt, sos]): Step => ({ cut: false, dt, make: (at) => ({ t: 'events', at, topic: 'kiosks/K1', events: [{ type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: at, online: true, sos } }] }) })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000 }).map((dt): Step => ({ cut: false, dt, make: (at) => ({ t: 'reject', at, topic: 'x', reason: 'invalid_json', message: 'bad', excerpt: '{' }) })) },
  // the clock: staleness, closed incidents leaving, silent units forgotten
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: 500, max: 5_000 }), fc.integer({ min: 60_000, max: 200_000 })).map((dt): Step => ({ cut: false, dt, make: (at) => ({ t: 'tick', at }) })) },
);

/** What a renderer holds, in a form two can be compared in. */
export function held(data: SituationData, units: UnitTable) {
  const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));
  const sorted = <T extends { id: string }>(m: Map<string, T>) => plain([...m.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
  return {
    units: plain(units.units.slice(0, units.count).sort((a, b) => (a.id < b.id ? -1 : 1))),
    incidents: sorted(data.incidents),
    kiosks: sorted(data.kiosks),
    cameras: sorted(data.cameras),
    stats: plain(data.stats),
    rejects: plain(data.rejects),
    limits: data.limits,
  };
}


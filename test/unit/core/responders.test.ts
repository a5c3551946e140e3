// Units asked to an incident and their answers, in the reducer: who was asked and how far, what may
// follow what, the first arrival putting the incident on scene, replies that do not fit rejected.
import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../core/domain.js';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, applyAction, createSituation } from '../../../core/situation/situation.js';
import { T0 } from '../../helpers/context.js';

const make = () => createSituation({ cameras: [], kiosks: [] }, () => undefined);
const report: IncidentReport = { id: 'A1', ts: T0, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open' };
const ev = (at: number, events: IngestEvent[]): SituationInput => ({ t: 'events', at, topic: 't', events });
const reply = (unitId: string, answer: 'accept' | 'decline' | 'enroute' | 'arrived' | 'done', dispatchId = 'D1') =>
  ev(T0 + 10, [{ type: 'unitReply', source: 'units', reply: { unitId, dispatchId, incidentId: 'A1', answer, ts: T0 } }]);

function dispatched() {
  const s = make();
  apply(s, ev(T0, [{ type: 'incident', source: '110', report }]));
  for (const [id, dLon] of [['v1', 0.002], ['v2', 0.004]] as const) apply(s, ev(T0, [{ type: 'unitFix', source: 'units', fix: { id, ts: T0, kind: 'volunteer', name: `志愿者${id}`, lat: 26.04, lon: 119.28 + dLon } }]));
  const r = applyAction(s, T0 + 5, { id: 'a1', incidentId: 'A1', kind: 'dispatch', order: { id: 'D1', mode: 'broadcast', unitIds: ['v1', 'v2'], radiusM: 500 } });
  expect(r.ok).toBe(true);
  return s;
}

describe('responders', () => {
  it('asks the units the order names, with how far they were, and says how many in the timeline', () => {
    const s = dispatched();
    const i = s.incidents.get('A1')!;
    expect(i.state).toBe('dispatched');
    expect(i.responders.map((r) => [r.unitId, r.name, r.answer, r.askedAt])).toEqual([['v1', '志愿者v1', 'asked', T0 + 5], ['v2', '志愿者v2', 'asked', T0 + 5]]);
    expect(i.responders[0].distanceM).toBeGreaterThan(150);
    expect(i.responders[0].distanceM).toBeLessThan(250);
    expect(i.timeline.at(-1)).toMatchObject({ kind: 'dispatched', asked: 2 });
  });

  it('takes answers in order; the first arrival puts the incident on scene; a repeat is a duplicate; what does not fit is rejected', () => {
    const s = dispatched();
    apply(s, reply('v1', 'accept'));
    apply(s, reply('v1', 'accept'));
    expect(s.stats.duplicates).toBe(1);
    apply(s, reply('v2', 'decline'));
    apply(s, reply('v1', 'arrived'));
    const i = s.incidents.get('A1')!;
    expect(i.state).toBe('on_scene');
    expect(i.responders.map((r) => r.answer)).toEqual(['arrived', 'decline']);
    apply(s, reply('v1', 'accept'));
    apply(s, reply('v9', 'accept'));
    apply(s, reply('v2', 'accept', 'D9'));
    expect(s.stats.rejectedByReason.unknown_dispatch).toBe(3);
    expect(s.rejects.map((r) => r.message)).toEqual([
      'answer accept cannot follow arrived (unit v1)',
      'unit v9 was not asked in dispatch D1 of incident A1',
      'unit v2 was not asked in dispatch D9 of incident A1',
    ]);
    // a decline may be taken back
    apply(s, reply('v2', 'accept'));
    expect(s.incidents.get('A1')!.responders[1].answer).toBe('accept');
  });

  it('an order without units, or on another action, is refused; responders survive a restart', () => {
    const s = dispatched();
    expect(applyAction(s, T0 + 6, { id: 'a2', incidentId: 'A1', kind: 'dispatch', order: { id: 'D2', mode: 'assign', unitIds: [] } })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(applyAction(s, T0 + 6, { id: 'a3', incidentId: 'A1', kind: 'note', note: 'x', order: { id: 'D3', mode: 'assign', unitIds: ['v1'] } })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    apply(s, reply('v1', 'accept'));
    const back = make();
    expect(restoreCheckpoint(back, checkpointOf(s)).ok).toBe(true);
    expect(back.incidents.get('A1')!.responders).toEqual(s.incidents.get('A1')!.responders);
    apply(back, reply('v1', 'arrived'));
    expect(back.incidents.get('A1')!.state).toBe('on_scene');
  });
});

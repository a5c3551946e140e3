// An incident's life in the reducer: which action may follow which, refusals with reasons,
// actions applied once by id, merges that keep both stories, and escalation on the clock's input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOSED_STATES, type IncidentReport, OPERATOR_ACTIONS, type OperatorAction, type OperatorActionKind } from '../../../core/domain.js';
import type { SituationInput } from '../../../core/inputs.js';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, applyAction, createSituation, type SituationState } from '../../../core/situation/situation.js';
import { T0 } from '../../helpers/context.js';

const make = () => createSituation({ cameras: [], kiosks: [] }, () => undefined);
const report = (over: Partial<IncidentReport> = {}): IncidentReport => ({ id: 'A1', ts: T0, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open', ...over });
const raise = (s: SituationState, r: IncidentReport, at = T0) => apply(s, { t: 'events', at, topic: 'watchfloor/v1/alarms/110', events: [{ type: 'incident', source: '110', report: r }] });
let n = 0;
const act = (kind: OperatorActionKind, over: Partial<OperatorAction> = {}): OperatorAction => ({ id: `act-${++n}`, incidentId: 'A1', kind, by: '张警官', role: 'dispatcher', ...over });

describe('incident lifecycle', () => {
  it('goes new → acknowledged → dispatched → on_scene → resolved, each step in the timeline with who, role and note', () => {
    const s = make();
    raise(s, report());
    expect(s.incidents.get('A1')!.state).toBe('new');
    for (const [kind, at] of [['ack', 1], ['dispatch', 2], ['on_scene', 3], ['resolve', 4]] as const) {
      expect(applyAction(s, T0 + at * 1000, act(kind, kind === 'resolve' ? { note: '嫌疑人已控制' } : {}))).toEqual({ ok: true, value: 'applied' });
    }
    const i = s.incidents.get('A1')!;
    expect(i).toMatchObject({ state: 'resolved', status: 'closed', closedAt: T0 + 4000, closedBy: '张警官', acknowledgedAt: T0 + 1000 });
    expect(i.timeline.slice(1)).toEqual([
      { at: T0 + 1000, kind: 'acknowledged', by: '张警官', role: 'dispatcher' },
      { at: T0 + 2000, kind: 'dispatched', by: '张警官', role: 'dispatcher' },
      { at: T0 + 3000, kind: 'on_scene', by: '张警官', role: 'dispatcher' },
      { at: T0 + 4000, kind: 'resolved', by: '张警官', role: 'dispatcher', note: '嫌疑人已控制' },
    ]);
  });

  it('refuses what does not fit, saying why, and changes nothing', () => {
    const s = make();
    raise(s, report());
    applyAction(s, T0 + 1, act('resolve'));
    const before = structuredClone(s.incidents.get('A1'));
    const refused = (a: OperatorAction) => {
      const r = applyAction(s, T0 + 2, a);
      return r.ok ? null : r.error;
    };
    expect(refused(act('ack'))).toEqual({ code: 'illegal', message: 'cannot ack an incident that is resolved' });
    expect(refused(act('dispatch'))).toMatchObject({ code: 'illegal' });
    expect(refused(act('note', { note: '  ' }))).toMatchObject({ code: 'invalid' });
    expect(refused(act('ack', { incidentId: 'nope' }))).toMatchObject({ code: 'not_found' });
    expect(refused(act('nonsense' as OperatorActionKind))).toMatchObject({ code: 'invalid' });
    expect(s.incidents.get('A1')).toEqual(before);
    // a resolved incident can be reopened, then worked again
    expect(applyAction(s, T0 + 3, act('reopen')).ok).toBe(true);
    expect(s.incidents.get('A1')).toMatchObject({ state: 'acknowledged', status: 'open', closedAt: undefined });
  });

  it('applies an action once, however often it arrives (a retry, the broker’s copy)', () => {
    const s = make();
    raise(s, report());
    const note = act('note', { note: '现场有监控' });
    expect(applyAction(s, T0 + 1, note)).toEqual({ ok: true, value: 'applied' });
    expect(applyAction(s, T0 + 2, note)).toEqual({ ok: true, value: 'duplicate' });
    apply(s, { t: 'action', at: T0 + 3, action: note });
    expect(s.incidents.get('A1')!.timeline.filter((e) => e.kind === 'note')).toHaveLength(1);
    // and after a restart from the checkpoint
    const back = make();
    expect(restoreCheckpoint(back, checkpointOf(s)).ok).toBe(true);
    expect(applyAction(back, T0 + 4, note)).toEqual({ ok: true, value: 'duplicate' });
    expect(back.incidents.get('A1')!.timeline.filter((e) => e.kind === 'note')).toHaveLength(1);
  });

  it('merges one into another: closed as merged, the other gains its cameras, photos and a line of its story', () => {
    const s = make();
    raise(s, report({ cameraIds: ['C1'], media: [{ url: '/m/1.jpg', type: 'image/jpeg' }] }));
    raise(s, report({ id: 'B1', title: '同一起：群众线索', cameraIds: ['C2'], media: [{ url: '/m/1.jpg', type: 'image/jpeg' }, { url: '/m/2.jpg', type: 'image/jpeg' }] }));
    expect(applyAction(s, T0 + 1, act('merge', { incidentId: 'B1', into: 'A1', note: '同一嫌疑人' })).ok).toBe(true);
    expect(s.incidents.get('B1')).toMatchObject({ state: 'merged', status: 'closed', mergedInto: 'A1' });
    const a = s.incidents.get('A1')!;
    expect(a.cameraIds).toEqual(['C1', 'C2']);
    expect(a.media.map((m) => m.url)).toEqual(['/m/1.jpg', '/m/2.jpg']);
    expect(a.timeline.at(-1)).toMatchObject({ kind: 'absorbed', other: 'B1', note: '同一嫌疑人' });
    // not into itself, not into something closed, not reopened on its own
    expect(applyAction(s, T0 + 2, act('merge', { into: 'A1' }))).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(applyAction(s, T0 + 2, act('reopen', { incidentId: 'B1' }))).toMatchObject({ ok: false, error: { code: 'illegal' } });
    raise(s, report({ id: 'C1' }));
    expect(applyAction(s, T0 + 3, act('merge', { incidentId: 'C1', into: 'B1' }))).toMatchObject({ ok: false, error: { code: 'illegal', message: 'cannot merge into an incident that is merged' } });
  });

  it('escalates what is still new past its priority’s time, once, on the clock’s input; never a P4', () => {
    const s = make();
    raise(s, report({ id: 'P1', priority: 1 }));
    raise(s, report({ id: 'P2', priority: 2 }));
    raise(s, report({ id: 'P4', priority: 4 }));
    apply(s, { t: 'tick', at: T0 + 29_999 });
    expect(s.incidents.get('P1')!.escalatedAt).toBeUndefined();
    apply(s, { t: 'tick', at: T0 + 30_000 });
    expect(s.incidents.get('P1')!.escalatedAt).toBe(T0 + 30_000);
    applyAction(s, T0 + 60_000, act('ack', { incidentId: 'P2' }));
    for (let t = 31; t <= 3600; t += 30) apply(s, { t: 'tick', at: T0 + t * 1000 });
    expect(s.incidents.get('P1')!.timeline.filter((e) => e.kind === 'escalated')).toHaveLength(1);
    expect(s.incidents.get('P2')!.escalatedAt).toBeUndefined();
    expect(s.incidents.get('P4')!.escalatedAt).toBeUndefined();
  });

  it('no sequence of actions reaches an inconsistent state, and the same inputs give the same incident', () => {
    const actionArb = fc.record({
      kind: fc.constantFrom(...OPERATOR_ACTIONS),
      target: fc.constantFrom('A1', 'B1', 'C1'),
      into: fc.constantFrom('A1', 'B1', 'C1', undefined),
      note: fc.constantFrom('备注', '', undefined),
      id: fc.integer({ min: 0, max: 30 }),
      dt: fc.integer({ min: 0, max: 90_000 }),
      report: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 40 }), (steps) => {
        const inputs: SituationInput[] = [];
        let at = T0;
        // C1 is a citizen clue: verify / reject apply to it alone
        for (const id of ['A1', 'B1', 'C1']) inputs.push({ t: 'events', at, topic: 't', events: [{ type: 'incident', source: id === 'C1' ? 'clue' : '110', report: report({ id, priority: 1 }) }] });
        for (const st of steps) {
          at += st.dt;
          inputs.push({ t: 'tick', at });
          if (st.report) inputs.push({ t: 'events', at, topic: 't', events: [{ type: 'incident', source: '110', report: report({ id: st.target, priority: 1, title: `更新 ${at}` }) }] });
          inputs.push({ t: 'action', at, action: { id: `a${st.id}`, incidentId: st.target, kind: st.kind, ...(st.into ? { into: st.into } : {}), ...(st.note !== undefined ? { note: st.note } : {}) } });
        }
        const run = () => {
          const s = make();
          for (const i of inputs) apply(s, i);
          return s;
        };
        const s = run();
        for (const i of s.incidents.values()) {
          expect(i.status === 'closed').toBe(CLOSED_STATES.includes(i.state));
          expect(i.acknowledged).toBe(i.state !== 'new');
          expect(i.state === 'merged').toBe(i.mergedInto !== undefined);
          if (i.mergedInto) expect(i.mergedInto).not.toBe(i.id);
          if (i.status === 'closed') expect(i.closedAt).toBeDefined();
          else expect(i.closedAt).toBeUndefined();
          // a clue is judged once, and only a clue is judged
          const verdicts = i.timeline.filter((e) => e.kind === 'clue_verified' || e.kind === 'clue_rejected');
          if (i.id !== 'C1') expect(i.clue).toBeUndefined();
          else expect(i.clue!.state).toBe(verdicts.length === 0 ? 'pending' : verdicts[0].kind === 'clue_verified' ? 'verified' : 'rejected');
          expect(verdicts.length).toBeLessThanOrEqual(1);
          if (i.clue?.state === 'rejected') expect(i.clue.reason).toBeTruthy();
          const times = i.timeline.map((e) => e.at);
          expect(times).toEqual([...times].sort((a, b) => a - b));
        }
        expect([...run().incidents.values()]).toEqual([...s.incidents.values()]);
      }),
      { numRuns: 300 },
    );
  });
});

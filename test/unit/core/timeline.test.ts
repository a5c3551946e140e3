// An incident's timeline, as the reducer keeps it: the reports that changed something, what
// operators did and when, bounded, and carried across a restart.
import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../core/domain.js';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, createSituation } from '../../../core/situation/situation.js';
import { TIMELINE_MAX } from '../../../core/situation/timeline.js';
import { T0 } from '../../helpers/context.js';

const make = () => createSituation({ cameras: [], kiosks: [] }, () => undefined);
const report = (over: Partial<IncidentReport> = {}): IncidentReport => ({ id: 'A1', ts: T0, kind: 'theft', priority: 3, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open', ...over });
const inc = (r: IncidentReport): IngestEvent => ({ type: 'incident', source: '110', report: r });
const ev = (at: number, r: IncidentReport): SituationInput => ({ t: 'events', at, topic: 'watchfloor/v1/alarms/110', events: [inc(r)] });

describe('incident timeline', () => {
  it('enters the first report, updates that change what an operator reads, and every action with its time and actor', () => {
    const s = make();
    apply(s, ev(T0, report()));
    // GPS jitter (~10 m) and a repeat with another timestamp: counted as updates, not news
    apply(s, ev(T0 + 1000, report({ ts: T0 + 1000, lat: 26.04009 })));
    apply(s, ev(T0 + 2000, report({ ts: T0 + 2000, priority: 2, detail: '嫌疑人两名' })));
    apply(s, ev(T0 + 3000, report({ ts: T0 + 3000, priority: 2, detail: '嫌疑人两名', lat: 26.041, media: [{ url: '/media/a.jpg', type: 'image/jpeg' }] })));
    apply(s, { t: 'ack', at: T0 + 4000, incidentId: 'A1', by: '张警官' });
    apply(s, { t: 'ack', at: T0 + 4500, incidentId: 'A1', by: '李警官' });
    apply(s, { t: 'close', at: T0 + 5000, incidentId: 'A1' });
    const i = s.incidents.get('A1')!;
    expect(i.updates).toBe(3);
    expect(i.acknowledgedAt).toBe(T0 + 4000);
    expect(i.acknowledgedBy).toBe('张警官');
    expect(i.timeline).toEqual([
      { at: T0, kind: 'reported', priority: 3 },
      { at: T0 + 2000, kind: 'updated', changed: ['priority', 'detail'], priority: 2 },
      { at: T0 + 3000, kind: 'updated', changed: ['position', 'media'] },
      { at: T0 + 4000, kind: 'acknowledged', by: '张警官' },
      { at: T0 + 5000, kind: 'resolved' },
    ]);
  });

  it('a close without acknowledgement acknowledges at the same moment; a source reopening it starts over', () => {
    const s = make();
    apply(s, ev(T0, report()));
    apply(s, { t: 'close', at: T0 + 1000, incidentId: 'A1', by: 'op' });
    expect(s.incidents.get('A1')).toMatchObject({ acknowledgedAt: T0 + 1000, acknowledgedBy: 'op', closedBy: 'op', closedAt: T0 + 1000 });
    apply(s, ev(T0 + 2000, report({ ts: T0 + 2000, title: '手机被盗（再次报警）' })));
    const i = s.incidents.get('A1')!;
    expect(i).toMatchObject({ status: 'open', acknowledged: false });
    expect(i.acknowledgedAt).toBeUndefined();
    expect(i.timeline.map((e) => e.kind)).toEqual(['reported', 'resolved', 'updated', 'reopened']);
    expect(i.state).toBe('new');
  });

  it('stays bounded: old updates go first, the first report and operator actions stay', () => {
    const s = make();
    apply(s, ev(T0, report()));
    apply(s, { t: 'ack', at: T0 + 1, incidentId: 'A1' });
    for (let n = 1; n <= 200; n++) apply(s, ev(T0 + n * 1000, report({ ts: T0 + n * 1000, detail: `更新 ${n}` })));
    const tl = s.incidents.get('A1')!.timeline;
    expect(tl).toHaveLength(TIMELINE_MAX);
    expect(tl[0].kind).toBe('reported');
    expect(tl[1].kind).toBe('acknowledged');
    expect(tl.at(-1)).toMatchObject({ at: T0 + 200_000, kind: 'updated' });
  });

  it("keeps the operators' steps when a broadcast's answers overflow it: the oldest answers go first", () => {
    const s = make();
    apply(s, ev(T0, report()));
    const unitIds = Array.from({ length: 60 }, (_, i) => `v${i}`);
    for (const id of unitIds) apply(s, { t: 'events', at: T0, topic: 't', events: [{ type: 'unitFix', source: 'units', fix: { id, ts: T0, kind: 'volunteer', lat: 26.041, lon: 119.281 } }] });
    apply(s, { t: 'action', at: T0 + 1000, action: { id: 'd1', incidentId: 'A1', kind: 'dispatch', order: { id: 'o1', mode: 'broadcast', unitIds } } });
    const reply = (at: number, unit: string, answer: 'accept' | 'arrived'): SituationInput => ({ t: 'events', at, topic: 't', events: [{ type: 'unitReply', source: 'units', reply: { unitId: unit, dispatchId: 'o1', incidentId: 'A1', answer, ts: at } }] });
    unitIds.forEach((u, i) => apply(s, reply(T0 + 2000 + i, u, 'accept')));
    apply(s, reply(T0 + 9000, 'v0', 'arrived'));
    apply(s, { t: 'action', at: T0 + 10_000, action: { id: 'r1', incidentId: 'A1', kind: 'resolve' } });
    const tl = s.incidents.get('A1')!.timeline;
    expect(tl).toHaveLength(TIMELINE_MAX);
    expect(tl.filter((e) => e.kind !== 'reply').map((e) => e.kind)).toEqual(['reported', 'dispatched', 'on_scene', 'resolved']);
    // the newest answers are the ones kept
    expect(tl.filter((e) => e.kind === 'reply').at(-1)).toMatchObject({ answer: 'arrived' });
  });

  it('comes back from a checkpoint; an older checkpoint without one gets its first report', () => {
    const s = make();
    apply(s, ev(T0, report()));
    apply(s, { t: 'ack', at: T0 + 1000, incidentId: 'A1', by: '张警官' });
    const cp = checkpointOf(s);
    const back = make();
    expect(restoreCheckpoint(back, cp).ok).toBe(true);
    expect(back.incidents.get('A1')!.timeline).toEqual(s.incidents.get('A1')!.timeline);
    expect(back.incidents.get('A1')!.acknowledgedBy).toBe('张警官');

    const old = structuredClone(cp) as unknown as { incidents: Record<string, unknown>[] };
    for (const i of old.incidents) {
      delete i.timeline;
      delete i.acknowledgedAt;
      delete i.acknowledgedBy;
    }
    const older = make();
    expect(restoreCheckpoint(older, old as never).ok).toBe(true);
    expect(older.incidents.get('A1')!.timeline).toEqual([{ at: T0, kind: 'reported', priority: 3 }]);
  });
});

// What the reducer does with floods and replays: retained messages a broker sends on every
// subscription, the last message of an incident long closed, more incidents than it may hold.
import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../core/domain.js';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, createSituation, type SituationOptions } from '../../../core/situation/situation.js';
import { T0 } from '../../helpers/context.js';

const make = (opts: Partial<SituationOptions> = {}) => createSituation({ cameras: [], kiosks: [] }, () => undefined, opts);
const report = (over: Partial<IncidentReport> = {}): IncidentReport => ({ id: 'A1', ts: T0, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open', ...over });
const inc = (r: IncidentReport): IngestEvent => ({ type: 'incident', source: '110', report: r });
const ev = (at: number, events: IngestEvent[], retained = false): SituationInput => ({ t: 'events', at, topic: 'watchfloor/v1/alarms/110', events, ...(retained ? { retained } : {}) });

describe('retained messages', () => {
  it('a broker replaying its retained alarms on a new subscription counts them apart, not as duplicates', () => {
    const s = make();
    for (let i = 0; i < 500; i++) apply(s, ev(T0, [inc(report({ id: `R${i}` }))]));
    // the same 500, retained, on each of three subscriptions
    for (let round = 1; round <= 3; round++) for (let i = 0; i < 500; i++) apply(s, ev(T0 + round * 1000, [inc(report({ id: `R${i}` }))], true));
    expect(s.stats).toMatchObject({ accepted: 500, duplicates: 0, retained: 1500 });
    expect(s.incidents.size).toBe(500);
  });

  it('a retained alarm is raised only when recent, and never for an incident already closed', () => {
    const s = make({ retainedAlarmMaxAgeMs: 10 * 60_000 });
    apply(s, ev(T0, [inc(report({ id: 'old', ts: T0 - 3600_000 }))], true));
    apply(s, ev(T0, [inc(report({ id: 'recent', ts: T0 - 60_000 }))], true));
    expect([...s.incidents.keys()]).toEqual(['recent']);
    apply(s, { t: 'close', at: T0 + 1000, incidentId: 'recent' });
    // its retained copy with different content (another broker's copy) must not reopen it
    apply(s, ev(T0 + 2000, [inc(report({ id: 'recent', ts: T0 - 60_000, detail: '更新' }))], true));
    expect(s.incidents.get('recent')!.status).toBe('closed');
    expect(s.stats.retainedIgnored).toBe(2);
  });

  it('the last message of an incident closed and gone does not raise it again (tombstone), across a restart', () => {
    const s = make({ closedRetentionMs: 60_000 });
    apply(s, ev(T0, [inc(report())]));
    apply(s, { t: 'close', at: T0 + 1000, incidentId: 'A1' });
    apply(s, { t: 'tick', at: T0 + 120_000 });
    expect(s.incidents.has('A1')).toBe(false);
    // QoS 1 redelivery of the same message, or its retained copy
    apply(s, ev(T0 + 130_000, [inc(report())]));
    apply(s, ev(T0 + 130_000, [inc(report())], true));
    expect(s.incidents.has('A1')).toBe(false);
    const restored = make({ closedRetentionMs: 60_000 });
    expect(restoreCheckpoint(restored, JSON.parse(JSON.stringify(checkpointOf(s)))).ok).toBe(true);
    apply(restored, ev(T0 + 140_000, [inc(report())]));
    expect(restored.incidents.has('A1')).toBe(false);
    // a sender that really raises it again (new content) is heard
    apply(restored, ev(T0 + 150_000, [inc(report({ detail: '嫌疑人再次出现' }))]));
    expect(restored.incidents.get('A1')).toMatchObject({ status: 'open', detail: '嫌疑人再次出现' });
  });

  it('remembers closed incidents for a bounded time and number', () => {
    const s = make({ closedRetentionMs: 0, tombstoneMs: 3600_000, maxTombstones: 100 });
    for (let i = 0; i < 300; i++) apply(s, ev(T0, [inc(report({ id: `X${i}`, status: 'closed' }))]));
    apply(s, { t: 'tick', at: T0 + 1000 });
    expect(s.tombstones.size).toBe(100);
    apply(s, { t: 'tick', at: T0 + 2 * 3600_000 });
    expect(s.tombstones.size).toBe(0);
  });
});

describe('incident limit', () => {
  it('rejects new incidents beyond limits.maxIncidents by reason, keeps updating those held, and keeps room for P1', () => {
    const s = make({ maxIncidents: 100 });
    for (let i = 0; i < 150; i++) apply(s, ev(T0 + i, [inc(report({ id: `F${i}`, priority: 3 }))]));
    expect(s.incidents.size).toBe(100);
    expect(s.stats.rejectedByReason.incident_limit).toBe(50);
    expect(s.stats.accepted).toBe(100);
    expect(s.stats.duplicates).toBe(0);
    expect(s.rejects.at(-1)).toMatchObject({ reason: 'incident_limit', topic: 'watchfloor/v1/alarms/110' });
    // an update of one already held still applies
    apply(s, ev(T0 + 200, [inc(report({ id: 'F1', priority: 3, detail: '更新' }))]));
    expect(s.incidents.get('F1')!.detail).toBe('更新');
    // an SOS still gets in
    apply(s, ev(T0 + 300, [inc(report({ id: 'SOS', priority: 1, kind: 'sos' }))]));
    expect(s.incidents.has('SOS')).toBe(true);
  });
});

describe('source-side ends and fix-less positions', () => {
  it('incidentEnd closes what its source opened, and is harmless for what was never raised', () => {
    const s = make();
    apply(s, ev(T0, [inc(report({ id: 'frigate:r1' }))]));
    apply(s, ev(T0 + 1000, [{ type: 'incidentEnd', source: 'frigate', id: 'frigate:r1' }]));
    expect(s.incidents.get('frigate:r1')).toMatchObject({ status: 'closed', closedAt: T0 + 1000 });
    apply(s, ev(T0 + 2000, [{ type: 'incidentEnd', source: 'frigate', id: 'frigate:never' }]));
    expect(s.incidents.has('frigate:never')).toBe(false);
    expect(s.stats).toMatchObject({ accepted: 3, rejected: 0 });
  });

  it('a position without a fix keeps a unit alive without moving it', () => {
    const s = make({ staleAfterMs: 60_000 });
    apply(s, ev(T0, [{ type: 'unitFix', source: 'traccar', fix: { id: 'traccar:1', ts: T0, lat: 26.1, lon: 119.3, kind: 'patrol' } }]));
    apply(s, { t: 'tick', at: T0 + 90_000 });
    expect(s.units.get('traccar:1')!.stale).toBe(true);
    apply(s, ev(T0 + 95_000, [{ type: 'unitNoFix', source: 'traccar', id: 'traccar:1' }]));
    expect(s.units.get('traccar:1')).toMatchObject({ stale: false, lat: 26.1, ts: T0, lastSeen: T0 + 95_000 });
    expect(s.stats).toMatchObject({ noFix: 1, rejected: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { apply, createSituation, snapshotOf, takeDelta, type ReferenceData } from '../../../core/situation/situation.js';
import type { IncidentReport, UnitFix } from '../../../core/domain.js';
import { T0 } from '../../helpers/context.js';
import { decodeUnit } from '../../../core/situation/unit-wire.js';

const reference: ReferenceData = {
  cameras: [{ id: 'C1', name: '万达北门', lat: 26.043, lon: 119.283 }],
  kiosks: [{ id: 'K1', name: '金山小学南门', lat: 26.05, lon: 119.27, cameraId: 'C1' }],
};
// A toy locator: two grids split at lon 119.3.
const locate = (lon: number) => (lon < 119.3 ? { id: 'G-W', ids: ['city', 'G-W'], names: ['福州市', '西格'] } : { id: 'G-E', ids: ['city', 'G-E'], names: ['福州市', '东格'] });
const make = (opts = {}) => createSituation(reference, locate, opts);

const report = (over: Partial<IncidentReport> = {}): IncidentReport => ({ id: 'A1', ts: T0, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open', ...over });
const fix = (over: Partial<UnitFix> = {}): UnitFix => ({ id: 'V1', ts: T0, lat: 26.07, lon: 119.29, kind: 'volunteer', ...over });
const ev = (at: number, ...events: IngestEvent[]): SituationInput => ({ t: 'events', at, topic: 't', events });
const inc = (r: IncidentReport, source = '110'): IngestEvent => ({ type: 'incident', source, report: r });
const uf = (f: UnitFix): IngestEvent => ({ type: 'unitFix', source: 'units', fix: f });

describe('situation reducer', () => {
  it('creates, updates and closes an incident by id, tagged with its grid', () => {
    const s = make();
    apply(s, ev(T0, inc(report())));
    expect(s.incidents.get('A1')).toMatchObject({ status: 'open', firstSeen: T0, updates: 0, grid: { id: 'G-W' }, source: '110' });
    apply(s, ev(T0 + 1000, inc(report({ detail: '两名嫌疑人', ts: T0 + 900 }))));
    expect(s.incidents.get('A1')).toMatchObject({ detail: '两名嫌疑人', updates: 1, firstSeen: T0, lastSeen: T0 + 1000 });
    apply(s, ev(T0 + 2000, inc(report({ status: 'closed', ts: T0 + 1900 }))));
    expect(s.incidents.get('A1')).toMatchObject({ status: 'closed', closedAt: T0 + 2000 });
    expect(s.stats.accepted).toBe(3);
  });

  it('knows when an incident started: its earliest reported time, never after it arrived; updates do not move it later', () => {
    const s = make();
    apply(s, ev(T0 + 5000, inc(report({ ts: T0 }))));
    expect(s.incidents.get('A1')!.startedAt).toBe(T0);
    apply(s, ev(T0 + 60_000, inc(report({ ts: T0 + 59_000, detail: '更新' }))));
    expect(s.incidents.get('A1')!.startedAt).toBe(T0);
    // a correction that says it began earlier is taken
    apply(s, ev(T0 + 61_000, inc(report({ ts: T0 - 30_000, detail: '更正' }))));
    expect(s.incidents.get('A1')!.startedAt).toBe(T0 - 30_000);
    // a sender's clock ahead of ours (within the skew allowed) does not start it in the future
    apply(s, ev(T0, inc(report({ id: 'A2', ts: T0 + 90_000 }))));
    expect(s.incidents.get('A2')!.startedAt).toBe(T0);
  });

  it('counts an exact repeat as a duplicate, not a new incident or update', () => {
    const s = make();
    apply(s, ev(T0, inc(report())));
    apply(s, ev(T0 + 5, inc(report())));
    expect(s.incidents.size).toBe(1);
    expect(s.incidents.get('A1')!.updates).toBe(0);
    expect(s.stats).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('keeps the latest fix and records out-of-order fixes without moving back', () => {
    const s = make();
    apply(s, ev(T0, uf(fix())));
    apply(s, ev(T0 + 10, uf(fix({ ts: T0 + 5000, lon: 119.31 }))));
    apply(s, ev(T0 + 20, uf(fix({ ts: T0 + 2000, lon: 119.295 }))));
    const u = s.units.get('V1')!;
    expect(u.lon).toBe(119.31);
    expect(u.ts).toBe(T0 + 5000);
    expect(u.gridId).toBe('G-E');
    expect(u.outOfOrder).toBe(1);
    expect(s.stats.outOfOrder).toBe(1);
    expect(u.trail.map((p) => p[2])).toEqual([T0, T0 + 2000, T0 + 5000]);
  });

  it('treats an identical fix as a duplicate', () => {
    const s = make();
    apply(s, ev(T0, uf(fix())));
    apply(s, ev(T0 + 1, uf(fix())));
    expect(s.stats).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('marks units stale after the configured silence and fresh on the next fix', () => {
    const s = make({ staleAfterMs: 60_000 });
    apply(s, ev(T0, uf(fix())));
    apply(s, { t: 'tick', at: T0 + 30_000 });
    expect(s.units.get('V1')!.stale).toBe(false);
    apply(s, { t: 'tick', at: T0 + 61_000 });
    expect(s.units.get('V1')!.stale).toBe(true);
    apply(s, ev(T0 + 62_000, uf(fix({ ts: T0 + 62_000 }))));
    expect(s.units.get('V1')!.stale).toBe(false);
  });

  it('caps the trail at the configured length', () => {
    const s = make({ trailLength: 3 });
    for (let i = 0; i < 10; i++) apply(s, ev(T0 + i, uf(fix({ ts: T0 + i * 1000, lat: 26.07 + i * 1e-4 }))));
    expect(s.units.get('V1')!.trail).toHaveLength(3);
    expect(s.units.get('V1')!.trail[2][2]).toBe(T0 + 9000);
  });

  it('a kiosk SOS raises one priority-1 sos incident with the kiosk camera', () => {
    const s = make();
    const sos = (at: number, on: boolean): SituationInput => ev(at, { type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: at, online: true, sos: on } });
    apply(s, sos(T0, true));
    apply(s, sos(T0 + 1000, true));
    const incidents = [...s.incidents.values()];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ kind: 'sos', priority: 1, kioskId: 'K1', cameraIds: ['C1'], title: '金山小学南门' });
    expect(s.kiosks.get('K1')).toMatchObject({ sos: true, online: true });
    apply(s, sos(T0 + 2000, false));
    expect(s.kiosks.get('K1')!.sos).toBe(false);
    expect(incidents[0].status).toBe('open');
  });

  it('refuses status from devices it cannot place, and counts it', () => {
    const s = make();
    apply(s, ev(T0, { type: 'kioskStatus', source: 'kiosks', status: { id: 'K-unknown', ts: T0, online: true, sos: true } }));
    expect(s.incidents.size).toBe(0);
    expect(s.stats.rejectedByReason.unknown_device).toBe(1);
    expect(s.rejects[0].message).toContain('K-unknown');
  });

  it('acknowledges and closes by operator action; closed incidents leave after retention', () => {
    const s = make({ closedRetentionMs: 60_000 });
    apply(s, ev(T0, inc(report())));
    apply(s, { t: 'ack', at: T0 + 1, incidentId: 'A1' });
    expect(s.incidents.get('A1')!.acknowledged).toBe(true);
    apply(s, { t: 'close', at: T0 + 2, incidentId: 'A1' });
    takeDelta(s);
    apply(s, { t: 'tick', at: T0 + 30_000 });
    expect(s.incidents.has('A1')).toBe(true);
    apply(s, { t: 'tick', at: T0 + 61_000 });
    expect(s.incidents.has('A1')).toBe(false);
    expect(takeDelta(s).removedIncidents).toEqual(['A1']);
  });

  it('keeps the last N rejects and counts by reason', () => {
    const s = make({ rejectsKept: 5 });
    for (let i = 0; i < 12; i++) apply(s, { t: 'reject', at: T0 + i, topic: 'x', reason: i % 2 ? 'schema' : 'invalid_json', message: `m${i}`, excerpt: '' });
    expect(s.rejects.map((r) => r.message)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    expect(s.stats).toMatchObject({ rejected: 12, rejectedByReason: { schema: 6, invalid_json: 6 } });
  });

  it('measures messages per second from receive times', () => {
    const s = make();
    for (let i = 0; i < 500; i++) apply(s, ev(T0 + i * 10, uf(fix({ ts: T0 + i * 10 }))));
    apply(s, { t: 'tick', at: T0 + 5000 });
    expect(s.stats.messagesPerSecond).toBe(100);
  });

  it('deltas carry only what changed since the last one', () => {
    const s = make();
    apply(s, ev(T0, uf(fix()), uf(fix({ id: 'V2' }))));
    const d1 = takeDelta(s);
    expect(d1.units.map((u) => decodeUnit(u).id).sort()).toEqual(['V1', 'V2']);
    expect('trail' in decodeUnit(d1.units[0])).toBe(false);
    apply(s, ev(T0 + 1, uf(fix({ id: 'V2', ts: T0 + 1000, lat: 26.08 }))));
    const d2 = takeDelta(s);
    // a plain move travels as a short move tuple
    expect(d2.units).toEqual([]);
    expect(d2.unitMoves.map((m) => m[0])).toEqual(['V2']);
    expect(d2.unitMoves[0].slice(1, 4)).toEqual([26.08, 119.29, T0 + 1000]);
    const empty = takeDelta(s);
    expect([empty.units, empty.unitMoves]).toEqual([[], []]);
    // a change beyond moving (status, name, grid…) sends the whole unit
    apply(s, ev(T0 + 2, uf(fix({ id: 'V2', ts: T0 + 2000, lat: 26.081, status: 'busy' }))));
    const d3 = takeDelta(s);
    expect(d3.unitMoves).toEqual([]);
    expect(decodeUnit(d3.units[0])).toMatchObject({ id: 'V2', status: 'busy', lat: 26.081 });
  });

  it('is deterministic: the same inputs give the same situation, however they are batched into deltas', () => {
    const input = fc.oneof(
      fc.record({ id: fc.constantFrom('A1', 'A2', 'A3'), p: fc.constantFrom(1, 2, 3, 4), closed: fc.boolean(), dt: fc.nat(5000) }).map((r) => ({ kind: 'inc' as const, ...r })),
      fc.record({ id: fc.constantFrom('V1', 'V2'), dlat: fc.integer({ min: -100, max: 100 }), dts: fc.integer({ min: -3000, max: 5000 }) }).map((r) => ({ kind: 'fix' as const, ...r })),
      fc.record({ dt: fc.nat(200_000) }).map((r) => ({ kind: 'tick' as const, ...r })),
      fc.constantFrom('A1', 'A2').map((id) => ({ kind: 'ack' as const, id })),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), fc.array(fc.boolean(), { maxLength: 60 }), (steps, cuts) => {
        const toInputs = (): SituationInput[] => {
          let at = T0;
          return steps.map((st) => {
            at += 100;
            if (st.kind === 'inc') return ev(at, inc(report({ id: st.id, priority: st.p as 1, status: st.closed ? 'closed' : 'open', ts: T0 + st.dt })));
            if (st.kind === 'fix') return ev(at, uf(fix({ id: st.id, lat: 26.07 + st.dlat * 1e-4, ts: T0 + st.dts })));
            if (st.kind === 'tick') return { t: 'tick', at: at + st.dt };
            return { t: 'ack', at, incidentId: st.id };
          });
        };
        const a = make();
        const b = make();
        toInputs().forEach((i) => apply(a, i));
        toInputs().forEach((i, n) => {
          apply(b, i);
          if (cuts[n]) takeDelta(b);
        });
        expect(snapshotOf(b)).toEqual(snapshotOf(a));
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { IncidentReport, UnitFix } from '../../../core/domain.js';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { CHECKPOINT_FORMAT, checkpointOf, restoreCheckpoint, unitFast, unitSchema } from '../../../core/situation/checkpoint.js';
import { apply, createSituation, snapshotOf, takeDelta, type ReferenceData, type SituationSnapshot } from '../../../core/situation/situation.js';
import { T0 } from '../../helpers/context.js';

const reference: ReferenceData = {
  cameras: [{ id: 'C1', name: '万达北门', lat: 26.043, lon: 119.283 }],
  kiosks: [{ id: 'K1', name: '金山小学南门', lat: 26.05, lon: 119.27, cameraId: 'C1' }],
};
const locate = (lon: number) => (lon < 119.3 ? { id: 'G-W', ids: ['city', 'G-W'], names: ['福州市', '西格'] } : { id: 'G-E', ids: ['city', 'G-E'], names: ['福州市', '东格'] });
const make = () => createSituation(reference, locate, { trailLength: 5 });

const ev = (at: number, ...events: IngestEvent[]): SituationInput => ({ t: 'events', at, topic: 't', events });
const inc = (r: Partial<IncidentReport> & { id: string }): IngestEvent => ({
  type: 'incident',
  source: '110',
  report: { ts: T0, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '手机被盗', status: 'open', ...r },
});
const uf = (f: Partial<UnitFix> & { id: string }): IngestEvent => ({ type: 'unitFix', source: 'units', fix: { ts: T0, lat: 26.07, lon: 119.29, kind: 'volunteer', ...f } });

/** what a checkpoint promises to bring back: everything but statistics, rejects and trail history */
function comparable(s: SituationSnapshot) {
  return { now: s.now, incidents: s.incidents, kiosks: s.kiosks, cameras: s.cameras, units: s.units.map(({ trail: _t, ...u }) => u) };
}

function roundTrip(state: ReturnType<typeof make>) {
  const fresh = make();
  const restored = restoreCheckpoint(fresh, JSON.parse(JSON.stringify(checkpointOf(state))));
  if (!restored.ok) throw new Error(restored.error);
  return { fresh, report: restored.report };
}

describe('situation checkpoint', () => {
  it('brings back incidents with their acknowledgement, units, kiosk SOS and camera status', () => {
    const s = make();
    apply(s, ev(T0, inc({ id: 'A1', detail: '两名嫌疑人', cameraIds: ['C1'], media: [{ url: '/media/a.jpg', type: 'image/jpeg' }] })));
    apply(s, { t: 'ack', at: T0 + 1000, incidentId: 'A1' });
    apply(s, ev(T0 + 2000, inc({ id: 'A2', status: 'closed', lon: 119.31 })));
    apply(s, ev(T0 + 3000, uf({ id: 'V1', name: '志愿者甲', battery: 80 }), uf({ id: 'P1', kind: 'patrol', heading: 90, lon: 119.32 })));
    apply(s, ev(T0 + 4000, { type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: T0 + 4000, online: true, sos: true } }));
    apply(s, ev(T0 + 5000, { type: 'cameraStatus', source: 'cameras', status: { id: 'C9', ts: T0 + 5000, online: false, lat: 26.1, lon: 119.35 } }));
    const { fresh, report } = roundTrip(s);
    expect(report).toMatchObject({ incidents: 3, units: 2, kiosks: 1, cameras: 2, skippedCount: 0, savedAt: T0 + 5000 });
    expect(comparable(snapshotOf(fresh))).toEqual(comparable(snapshotOf(s)));
    expect(fresh.incidents.get('A1')).toMatchObject({ acknowledged: true, grid: { id: 'G-W' } });
    expect(fresh.kiosks.get('K1')).toMatchObject({ sos: true, online: true });
    // the renderer hears about everything restored
    const d = takeDelta(fresh);
    expect(d.incidents.map((i) => i.id).sort()).toEqual(['A1', 'A2', s.kiosks.get('K1')!.sosIncidentId!].sort());
    expect(d.units).toHaveLength(2);
  });

  it('restores units with the very fields, in the very order, of units a fix made (one hidden class: applyFix ran ~3× slower on restored units)', () => {
    const s = make();
    // a unit with every optional field, and one with none
    apply(s, ev(T0, uf({ id: 'V1', name: '志愿者甲', heading: 90, speed: 1.2, accuracy: 8, battery: 80, status: 'busy' }), uf({ id: 'V2' })));
    const { fresh } = roundTrip(s);
    for (const id of ['V1', 'V2']) expect(Object.keys(fresh.units.get(id)!)).toEqual(Object.keys(s.units.get(id)!));
    expect(Object.keys(fresh.units.get('V2')!)).toEqual(Object.keys(s.units.get('V1')!));
  });

  it('brings back when each incident started; one written before it was kept starts at its first report or arrival', () => {
    const s = make();
    apply(s, ev(T0 + 9000, inc({ id: 'A1', ts: T0 })));
    apply(s, ev(T0 + 20_000, inc({ id: 'A1', ts: T0 + 19_000, detail: '更新' })));
    const cp = JSON.parse(JSON.stringify(checkpointOf(s)));
    expect(roundTrip(s).fresh.incidents.get('A1')!.startedAt).toBe(T0);
    // an older checkpoint: no startedAt, the last report's ts and the first arrival
    delete cp.incidents[0].startedAt;
    const fresh = make();
    expect(restoreCheckpoint(fresh, cp).ok).toBe(true);
    expect(fresh.incidents.get('A1')!.startedAt).toBe(T0 + 9000);
  });

  it('still knows a redelivered message as a duplicate after the restore', () => {
    const s = make();
    const alarm = ev(T0, inc({ id: 'A1' }));
    apply(s, alarm);
    const { fresh } = roundTrip(s);
    apply(fresh, { ...alarm, at: T0 + 60_000 });
    expect(fresh.stats.duplicates).toBe(1);
    expect(fresh.incidents.get('A1')!.updates).toBe(0);
  });

  it('looks grid tags up again instead of trusting the file', () => {
    const s = make();
    apply(s, ev(T0, uf({ id: 'V1', lon: 119.35 })));
    const cp = JSON.parse(JSON.stringify(checkpointOf(s)));
    cp.units[0].gridId = 'G-FORGED';
    const fresh = make();
    expect(restoreCheckpoint(fresh, cp).ok).toBe(true);
    expect(fresh.units.get('V1')!.gridId).toBe('G-E');
  });

  it('refuses a file of another format or version, and loads only into an empty situation', () => {
    const s = make();
    apply(s, ev(T0, inc({ id: 'A1' })));
    const cp = JSON.parse(JSON.stringify(checkpointOf(s)));
    for (const bad of [null, [], 'x', { ...cp, format: 'other' }, { ...cp, version: 2 }, { ...cp, incidents: 'no' }]) {
      const r = restoreCheckpoint(make(), bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/not a Watchfloor situation checkpoint/);
    }
    expect(restoreCheckpoint(s, cp)).toMatchObject({ ok: false, error: expect.stringMatching(/fresh/) });
  });

  it('leaves out bad entries, says which and why, and keeps the rest', () => {
    const s = make();
    apply(s, ev(T0, inc({ id: 'A1' }), inc({ id: 'A2' })));
    apply(s, ev(T0 + 1, uf({ id: 'V1' }), uf({ id: 'V2' })));
    const cp = JSON.parse(JSON.stringify(checkpointOf(s)));
    cp.incidents[0].priority = 9;
    cp.units[1].lat = 'north';
    cp.kiosks.push({ id: '' });
    const fresh = make();
    const r = restoreCheckpoint(fresh, cp);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report).toMatchObject({ incidents: 1, units: 1, skippedCount: 3 });
    expect(r.report.skipped.map((x) => `${x.list}[${x.index}]`)).toEqual(['incidents[0]', 'units[1]', 'kiosks[1]']);
    expect(r.report.skipped[0].reason).toMatch(/priority/);
    expect([...fresh.incidents.keys()]).toEqual(['A2']);
    expect([...fresh.units.keys()]).toEqual(['V1']);
  });

  it('a restored situation goes on exactly like the one that never stopped (random histories)', () => {
    const ids = ['A1', 'A2', 'A3'];
    const units = ['V1', 'V2', 'P1'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('alarm' as const), id: fc.constantFrom(...ids), p: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, closed: fc.boolean(), lon: fc.constantFrom(119.28, 119.31) }),
      fc.record({ kind: fc.constant('fix' as const), id: fc.constantFrom(...units), dt: fc.integer({ min: -3000, max: 5000 }), lon: fc.double({ min: 119.2, max: 119.4, noNaN: true }) }),
      fc.record({ kind: fc.constantFrom('ack' as const, 'close' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('sos' as const), on: fc.boolean() }),
      fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 200_000 }) }),
    );
    const toInputs = (steps: fc.Arbitrary<unknown>[] | unknown[], start: number): SituationInput[] => {
      let at = start;
      return (steps as ({ kind: string } & Record<string, never>)[]).map((x): SituationInput => {
        at += 1000;
        switch (x.kind) {
          case 'alarm':
            return ev(at, inc({ id: x.id, priority: x.p, status: x.closed ? 'closed' : 'open', lon: x.lon, ts: at }));
          case 'fix':
            return ev(at, uf({ id: x.id, ts: at + x.dt, lon: x.lon }));
          case 'ack':
          case 'close':
            return { t: x.kind, at, incidentId: x.id };
          case 'sos':
            return ev(at, { type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: at, online: true, sos: x.on } });
          default:
            at += x.dt;
            return { t: 'tick', at };
        }
      });
    };
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(step, { minLength: 1, maxLength: 20 }), (before, after) => {
        const original = make();
        const history = toInputs(before, T0);
        for (const i of history) apply(original, i);
        const { fresh } = roundTrip(original);
        const next = toInputs(after, (history.at(-1)?.at ?? T0) + 1);
        for (const i of next) {
          apply(original, i);
          apply(fresh, i);
        }
        expect(comparable(snapshotOf(fresh))).toEqual(comparable(snapshotOf(original)));
      }),
      { numRuns: 300 },
    );
  });

  it('checks a unit the fast way exactly as its schema does (random units, valid and not)', () => {
    const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.string({ maxLength: 3 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 60), fc.integer({ min: -5, max: 5 }), fc.constant([]));
    const point = fc.oneof({ weight: 5, arbitrary: fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }), fc.integer()) }, { weight: 1, arbitrary: fc.array(anything, { maxLength: 4 }) });
    const valid = fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 130 }),
        kind: fc.constantFrom('volunteer', 'patrol', 'police', 'vehicle', 'drone'),
        name: fc.string({ maxLength: 205 }),
        lat: fc.double({ min: -91, max: 91, noNaN: true }),
        lon: fc.double({ min: -181, max: 181, noNaN: true }),
        heading: fc.double(),
        speed: fc.double(),
        accuracy: fc.double(),
        battery: fc.double(),
        status: fc.constantFrom('available', 'busy', 'offline', 'lost'),
        ts: fc.double(),
        lastSeen: fc.double(),
        stale: fc.boolean(),
        source: fc.string({ maxLength: 260 }),
        outOfOrder: fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double()),
        trail: fc.array(point, { maxLength: 4 }),
        extra: anything,
      },
      { requiredKeys: ['id', 'kind', 'lat', 'lon', 'status', 'ts', 'lastSeen', 'stale', 'source', 'outOfOrder'] },
    );
    // and each field now and then replaced by anything at all
    const unit = fc.tuple(valid, fc.option(fc.constantFrom('id', 'kind', 'name', 'lat', 'lon', 'heading', 'status', 'ts', 'stale', 'source', 'outOfOrder', 'trail'), { nil: null }), anything).map(([u, key, v]) => (key ? { ...u, [key]: v } : u));
    fc.assert(
      fc.property(fc.oneof(unit, anything), (raw) => {
        const z = unitSchema.safeParse(raw);
        const fast = unitFast(raw);
        expect(fast !== null).toBe(z.success);
        // (toEqual: a key present as undefined — which JSON never holds — zod keeps and the fast way leaves out)
        if (z.success) expect(fast).toEqual(z.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes a self-describing format', () => {
    const s = make();
    apply(s, ev(T0, inc({ id: 'A1' })));
    const cp = checkpointOf(s);
    expect(cp).toMatchObject({ format: CHECKPOINT_FORMAT, version: 1, savedAt: T0 });
    expect(cp.incidents[0]).not.toHaveProperty('grid');
    expect(typeof cp.incidents[0].key).toBe('string');
  });
});

import { describe, expect, it } from 'vitest';
import type { RejectRecord } from '../../../core/domain';
import {
  appendRejects,
  applyDelta,
  applySnapshot,
  availableUnits,
  boardRows,
  isNew,
  NEWEST_MS,
  newestArrival,
  openCountsByPriority,
  stepSelection,
} from '../../../renderer/src/model/situation';
import { UnitTable } from '../../../renderer/src/model/units';
import { delta, incident, unit } from './fixtures';
import { emptyStats } from '../../../renderer/src/model/situation';
import { encodeUnit } from '../../../core/situation/unit-wire';

const LIMITS = { trailLength: 10, rejectsKept: 200, staleAfterMs: 120_000 };
const reject = (at: number): RejectRecord => ({ at, topic: 't', reason: 'invalid_json', message: 'm', excerpt: 'x' });

describe('snapshot and delta', () => {
  it('a snapshot replaces everything', () => {
    const units = new UnitTable();
    units.load([unit('old')]);
    const data = applySnapshot(
      { now: 5, limits: LIMITS, incidents: [incident('a')], units: [unit('u1'), unit('u2')], kiosks: [], cameras: [], stats: emptyStats(), rejects: [reject(1)] },
      units,
    );
    expect([...data.incidents.keys()]).toEqual(['a']);
    expect(units.count).toBe(2);
    expect(units.get('old')).toBeUndefined();
    expect(data.rejects).toHaveLength(1);
  });

  it('a delta changes only what it names and keeps untouched maps', () => {
    const units = new UnitTable();
    const s0 = applySnapshot({ now: 1, limits: LIMITS, incidents: [incident('a'), incident('b')], units: [], kiosks: [], cameras: [], stats: emptyStats(), rejects: [] }, units);
    const s1 = applyDelta(s0, delta({ incidents: [incident('a', { acknowledged: true })], removedIncidents: ['b'] }), units);
    expect(s1.incidents).not.toBe(s0.incidents);
    expect(s1.incidents.get('a')!.acknowledged).toBe(true);
    expect(s1.incidents.has('b')).toBe(false);
    expect(s0.incidents.has('b')).toBe(true); // not mutated
    expect(s1.kiosks).toBe(s0.kiosks);
    const s2 = applyDelta(s1, delta({ now: 0 }), units);
    expect(s2.incidents).toBe(s1.incidents);
    expect(s2.now).toBe(2_000); // never goes back
  });

  it('a delta moves units and extends their trails', () => {
    const units = new UnitTable();
    const s0 = applySnapshot({ now: 1, limits: LIMITS, incidents: [], units: [unit('u')], kiosks: [], cameras: [], stats: emptyStats(), rejects: [] }, units);
    const { trail: _t, ...moved } = unit('u', { lon: 119.31, ts: 2_000 });
    applyDelta(s0, delta({ units: [encodeUnit(moved)], removedUnits: [] }), units);
    expect(units.get('u')!.trail).toEqual([
      [119.3, 26.08, 1_000],
      [119.31, 26.08, 2_000],
    ]);
    // a move tuple extends the trail and keeps what it does not carry
    applyDelta(s0, delta({ unitMoves: [['u', 26.09, 119.32, 3_000, 3_000, 45, 1.5, null, 0]] }), units);
    expect(units.get('u')).toMatchObject({ lon: 119.32, lat: 26.09, heading: 45, speed: 1.5, kind: unit('u').kind });
    expect(units.get('u')!.trail).toHaveLength(3);
    applyDelta(s0, delta({ removedUnits: ['u'] }), units);
    expect(units.count).toBe(0);
  });

  it('keeps as many rejects as the services do', () => {
    let ring: RejectRecord[] = [];
    for (let i = 0; i < 25; i++) ring = appendRejects(ring, Array.from({ length: 10 }, (_, k) => reject(i * 10 + k)), 200);
    expect(ring).toHaveLength(200);
    expect(ring[0].at).toBe(50);
    expect(ring[199].at).toBe(249);
    expect(appendRejects(ring, [], 200)).toBe(ring);
    // the snapshot says how many
    const units = new UnitTable();
    const s0 = applySnapshot({ now: 1, limits: { trailLength: 10, rejectsKept: 3, staleAfterMs: 120_000 }, incidents: [], units: [], kiosks: [], cameras: [], stats: emptyStats(), rejects: [reject(1), reject(2)] }, units);
    expect(applyDelta(s0, delta({ rejects: [reject(3), reject(4)] }), units).rejects.map((r) => r.at)).toEqual([2, 3, 4]);
  });
});

describe('new incidents and the board', () => {
  const looked = 100_000;
  it('new = open, unacknowledged, recent, and arrived since the operator last touched the wall (or just now)', () => {
    expect(isNew(incident('a', { firstSeen: 110_000 }), looked, 120_000)).toBe(true);
    expect(isNew(incident('a', { firstSeen: 110_000, acknowledged: true }), looked, 120_000)).toBe(false);
    expect(isNew(incident('a', { firstSeen: 110_000, status: 'closed' }), looked, 120_000)).toBe(false);
    // before the operator's last touch: new only while it is fresh (30 s)
    expect(isNew(incident('a', { firstSeen: 95_000 }), looked, 120_000)).toBe(true);
    expect(isNew(incident('a', { firstSeen: 85_000 }), looked, 120_000)).toBe(false);
    // nobody touched the wall: new for the window, then only waiting
    expect(isNew(incident('a', { firstSeen: 110_000 }), looked, 110_000 + 60_000, 60_000)).toBe(true);
    expect(isNew(incident('a', { firstSeen: 110_000 }), looked, 110_000 + 60_001, 60_000)).toBe(false);
  });

  it('the newest arrival stands out for a few seconds', () => {
    const m = [incident('a', { firstSeen: 1_000 }), incident('b', { firstSeen: 5_000 }), incident('c', { firstSeen: 9_000, status: 'closed' })];
    expect(newestArrival(m, 5_000 + NEWEST_MS)).toBe('b');
    expect(newestArrival(m, 5_001 + NEWEST_MS)).toBe(null);
  });

  it('sorts unacknowledged first, then by priority, then longest waiting from the start; newness moves nothing; closed ones are left out', () => {
    const now = 10 * 3600_000;
    const m = new Map(
      [
        incident('acked-p1', { priority: 1, startedAt: 1_000, firstSeen: 1_000, acknowledged: true }),
        incident('acked-p3-older', { priority: 3, startedAt: 2_000, firstSeen: 2_000, acknowledged: true }),
        incident('acked-p3-newer', { priority: 3, startedAt: 3_000, firstSeen: 3_000, acknowledged: true }),
        incident('new-p2', { priority: 2, startedAt: now - 1000, firstSeen: now - 1000 }),
        // seen just now, but it started long ago (its updates do not make it younger)
        incident('p1-started-early', { priority: 1, startedAt: now - 400_000, firstSeen: now - 2000 }),
        incident('new-p1', { priority: 1, startedAt: now - 5000, firstSeen: now - 5000 }),
        incident('waiting-p1', { priority: 1, startedAt: now - 300_000, firstSeen: now - 300_000 }),
        incident('closed', { status: 'closed', firstSeen: now }),
      ].map((i) => [i.id, i]),
    );
    const order = ['p1-started-early', 'waiting-p1', 'new-p1', 'new-p2', 'acked-p1', 'acked-p3-older', 'acked-p3-newer'];
    const rows = boardRows(m, now - 60_000, now);
    expect(rows.map((r) => r.incident.id)).toEqual(order);
    expect(rows.filter((r) => r.isNew).map((r) => r.incident.id)).toEqual(['p1-started-early', 'new-p1', 'new-p2']);
    // the operator touches the wall: fewer rows are new, none moves
    const later = boardRows(m, now, now + 40_000);
    expect(later.map((r) => r.incident.id)).toEqual(order);
    expect(later.filter((r) => r.isNew)).toHaveLength(0);
  });

  it('counts open incidents by priority and available units', () => {
    const m = new Map([incident('a', { priority: 1 }), incident('b', { priority: 1 }), incident('c', { priority: 4 }), incident('d', { priority: 2, status: 'closed' })].map((i) => [i.id, i]));
    expect(openCountsByPriority(m)).toEqual({ 1: 2, 2: 0, 3: 0, 4: 1 });
    const units = new UnitTable();
    units.load([unit('a'), unit('b', { status: 'busy' }), unit('c', { stale: true }), unit('d', { status: 'offline' })]);
    expect(availableUnits(units)).toEqual({ available: 1, total: 3 });
  });

  it('steps the selection through the rows, wrapping', () => {
    const rows = ['a', 'b', 'c'].map((id) => ({ incident: incident(id), isNew: false }));
    expect(stepSelection(rows, null, 1)).toBe('a');
    expect(stepSelection(rows, null, -1)).toBe('c');
    expect(stepSelection(rows, 'c', 1)).toBe('a');
    expect(stepSelection(rows, 'a', -1)).toBe('c');
    expect(stepSelection(rows, 'gone', 1)).toBe('a');
    expect(stepSelection([], 'a', 1)).toBeNull();
  });
});

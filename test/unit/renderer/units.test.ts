import { describe, expect, it } from 'vitest';
import { buildTrailSegments, UnitTable, unitStyle } from '../../../renderer/src/model/units';
import { unit } from './fixtures';

const view = (u: ReturnType<typeof unit>) => {
  const { trail: _t, ...v } = u;
  return v;
};

describe('unitStyle', () => {
  it('tells volunteers from patrols and hides offline units unless asked', () => {
    const v = unitStyle({ kind: 'volunteer', stale: false, status: 'available' }, { showOffline: false });
    const p = unitStyle({ kind: 'patrol', stale: false, status: 'available' }, { showOffline: false });
    expect(p.radius).toBeGreaterThan(v.radius);
    expect(p.line[3]).toBeGreaterThan(0);
    expect(v.line[3]).toBe(0);
    expect(v.fill.slice(0, 3)).not.toEqual(p.fill.slice(0, 3));
    const off = unitStyle({ kind: 'patrol', stale: false, status: 'offline' }, { showOffline: false });
    expect(off.visible).toBe(false);
    expect(off.fill[3]).toBe(0);
    expect(unitStyle({ kind: 'patrol', stale: false, status: 'offline' }, { showOffline: true }).visible).toBe(true);
  });
  it('dims stale units', () => {
    const fresh = unitStyle({ kind: 'patrol', stale: false, status: 'available' }, { showOffline: false });
    const stale = unitStyle({ kind: 'patrol', stale: true, status: 'available' }, { showOffline: false });
    expect(stale.fill[3]).toBeLessThan(fresh.fill[3]);
  });
});

describe('UnitTable', () => {
  it('loads a snapshot into typed columns', () => {
    const t = new UnitTable();
    t.load([unit('a', { lon: 119.1, lat: 26.1 }), unit('b', { lon: 119.2, lat: 26.2, kind: 'patrol', heading: 90 })]);
    expect(t.count).toBe(2);
    const i = t.index.get('b')!;
    expect(t.positions[i * 2]).toBeCloseTo(119.2, 5);
    expect(t.positions[i * 2 + 1]).toBeCloseTo(26.2, 5);
    expect(t.angles[i]).toBe(-90);
    expect(t.arrowSizes[i]).toBeGreaterThan(0);
    expect(t.arrowSizes[t.index.get('a')!]).toBe(0);
  });

  it('updates in place, extends trails from delta fixes, and bumps the version', () => {
    const t = new UnitTable();
    t.load([unit('a')]);
    const v0 = t.version;
    for (let k = 1; k <= 12; k++) t.upsert(view(unit('a', { lon: 119.3 + k * 0.001, ts: 1_000 + k })));
    expect(t.version).toBeGreaterThan(v0);
    expect(t.count).toBe(1);
    const u = t.get('a')!;
    expect(u.trail).toHaveLength(10);
    expect(u.trail[9]).toEqual([119.312, 26.08, 1_012]);
    expect(t.positions[0]).toBeCloseTo(119.312, 5);
  });

  it('adds units met first in a delta with a one-point trail', () => {
    const t = new UnitTable();
    t.upsert(view(unit('n', { lon: 119.5 })));
    expect(t.get('n')!.trail).toEqual([[119.5, 26.08, 1_000]]);
  });

  it('removes by swapping the last row into the hole', () => {
    const t = new UnitTable();
    t.load([unit('a', { lon: 1 }), unit('b', { lon: 2 }), unit('c', { lon: 3 })]);
    t.remove('a');
    expect(t.count).toBe(2);
    expect(t.get('a')).toBeUndefined();
    const ci = t.index.get('c')!;
    expect(ci).toBe(0);
    expect(t.positions[ci * 2]).toBe(3);
    expect(t.units[t.index.get('b')!].id).toBe('b');
    t.remove('missing');
    expect(t.count).toBe(2);
  });

  it('grows past its capacity without losing rows', () => {
    const t = new UnitTable();
    for (let i = 0; i < 1000; i++) t.upsert(view(unit(`u${i}`, { lon: i })));
    expect(t.count).toBe(1000);
    expect(t.capacity).toBeGreaterThanOrEqual(1000);
    expect(t.positions[999 * 2]).toBe(999);
    expect(t.positions[0]).toBe(0);
  });

  it('restyles every row when offline units are shown', () => {
    const t = new UnitTable({ showOffline: false });
    t.load([unit('o', { status: 'offline' })]);
    expect(t.fillColors[3]).toBe(0);
    t.setStyle({ showOffline: true });
    expect(t.fillColors[3]).toBeGreaterThan(0);
  });
});

describe('buildTrailSegments', () => {
  it('draws the last fixes of visible units as segments, patrols first, up to a cap', () => {
    const t = new UnitTable();
    const trail = (n: number): [number, number, number][] => Array.from({ length: n }, (_, i) => [i, i, i]);
    t.load([
      unit('v1', { trail: trail(10) }),
      unit('p1', { kind: 'patrol', trail: trail(3) }),
      unit('off', { kind: 'patrol', status: 'offline', trail: trail(3) }),
      unit('one', { kind: 'patrol', trail: trail(1) }),
    ]);
    const all = buildTrailSegments(t, { showOffline: false }, 10, 6);
    expect(all.units).toBe(2);
    // p1: 2 segments, then v1: its last 6 fixes → 5 segments
    expect(all.length).toBe(7);
    expect([...all.sources.slice(0, 4)]).toEqual([0, 0, 1, 1]);
    expect([...all.targets.slice(0, 4)]).toEqual([1, 1, 2, 2]);
    expect([...all.sources.slice(4, 6)]).toEqual([4, 4]);
    // newer segments are more opaque
    expect(all.colors[4 * 6 + 3]).toBeGreaterThan(all.colors[4 * 2 + 3]);
    const capped = buildTrailSegments(t, { showOffline: false }, 1, 6);
    expect(capped.units).toBe(1);
    expect(capped.length).toBe(2);
  });
});

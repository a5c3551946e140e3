import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../core/domain';
import {
  binLabels,
  binOf,
  countOpen,
  countSince,
  countUnits,
  fillColorFor,
  gridCatalog,
  GridMeasures,
  levelForZoom,
  maxAtLevel,
  niceBreaks,
  rampFor,
  UNIT_COUNTS_EVERY_MS,
} from '../../../renderer/src/model/grids';
import { IncidentLog } from '../../../renderer/src/model/history';
import { UnitTable } from '../../../renderer/src/model/units';
import { incident, unit } from './fixtures';
import { GRIDS } from './grid-fixture';

const inGrid = (id: string, over: Partial<Incident> = {}) => {
  const cat = gridCatalog(GRIDS);
  const e = cat.byId.get('G' + id.slice(-1))!;
  return incident(id, { grid: { id: e.id, ids: e.ids, names: e.names }, ...over });
};

describe('grid catalog', () => {
  it('indexes every feature with its path, a point inside and its bounds, and groups fillable levels', () => {
    const cat = gridCatalog(GRIDS);
    expect(gridCatalog(GRIDS)).toBe(cat); // memoised
    expect(cat.entries).toHaveLength(9);
    expect(cat.byId.get('G2')!.ids).toEqual(['C', 'D1', 'S1', 'M1', 'G2']);
    expect(cat.byId.get('S3')!.center).toEqual([2.5, 0.5]);
    expect(cat.byId.get('D2')!.bounds).toEqual([2, 0, 4, 2]);
    expect(cat.features.street.map((f) => f.properties.id)).toEqual(['S1', 'S2', 'S3']);
    expect(cat.featureById.get('M1')!.properties.level).toBe('community');
    expect(gridCatalog(null).entries).toEqual([]);
  });
});

describe('level by zoom', () => {
  it('goes district → street → community → grid as the map zooms in', () => {
    expect(levelForZoom(9)).toBe('district');
    expect(levelForZoom(11)).toBe('street');
    expect(levelForZoom(12.9)).toBe('street');
    expect(levelForZoom(13)).toBe('community');
    expect(levelForZoom(14.5)).toBe('grid');
    expect(levelForZoom(18)).toBe('grid');
  });
});

describe('counts', () => {
  it('counts open incidents in their grid and every ancestor', () => {
    const incidents = [inGrid('a1'), inGrid('b1'), inGrid('c2'), inGrid('d2', { status: 'closed' }), incident('nogrid')];
    const c = countOpen(incidents);
    expect(c.get('G1')).toBe(2);
    expect(c.get('G2')).toBe(1);
    expect(c.get('M1')).toBe(3);
    expect(c.get('S1')).toBe(3);
    expect(c.get('D1')).toBe(3);
    expect(c.get('C')).toBe(3);
    expect(c.get('S2')).toBeUndefined();
    const cat = gridCatalog(GRIDS);
    expect(maxAtLevel(c, cat, 'street')).toBe(3);
    expect(maxAtLevel(c, cat, 'grid')).toBe(2);
  });

  it('counts incidents of the last day from the log, closed ones too', () => {
    const log = new IncidentLog();
    const day = 24 * 3600_000;
    const now = 10 * day;
    log.record([inGrid('a1', { ts: now - 1000 }), inGrid('b2', { ts: now - day + 5, status: 'closed' }), inGrid('old1', { ts: now - day - 5 })]);
    const c = countSince(log.values(), now - day);
    expect(c.get('G1')).toBe(1);
    expect(c.get('G2')).toBe(1);
    expect(c.get('D1')).toBe(2);
    const v = log.version;
    expect(log.record([inGrid('a1', { ts: now - 1000 })])).toBe(false);
    expect(log.version).toBe(v);
    log.prune(now - day);
    expect(log.size).toBe(2);
  });

  it('counts units on duty through their grid’s ancestors; offline ones do not count', () => {
    const t = new UnitTable({ showOffline: false });
    t.load([unit('u1', { gridId: 'G1' }), unit('u2', { gridId: 'G2', status: 'busy' }), unit('u3', { gridId: 'G2', status: 'offline' }), unit('u4', { gridId: 'S3' }), unit('u5')]);
    const c = countUnits(t, gridCatalog(GRIDS));
    expect(c.get('G1')).toBe(1);
    expect(c.get('G2')).toBe(1);
    expect(c.get('S1')).toBe(2);
    expect(c.get('S3')).toBe(1);
    expect(c.get('D2')).toBe(1);
    expect(c.get('C')).toBe(3);
  });

  it('recomputes a measure only when its source changed; units at most every 2 s', () => {
    const cat = gridCatalog(GRIDS);
    const m = new GridMeasures();
    const units = new UnitTable();
    units.load([unit('u1', { gridId: 'G1' })]);
    const incidents = new Map([['a1', inGrid('a1')]]);
    const src = { incidents, history: new IncidentLog(), historyVersion: 0, units, unitsVersion: units.version, now: 1_000_000 };
    const a = m.counts('open', src, cat);
    expect(m.counts('open', { ...src }, cat).key).toBe(a.key);
    expect(m.counts('open', { ...src, incidents: new Map(incidents) }, cat).key).not.toBe(a.key);
    const u1 = m.counts('units', src, cat);
    units.upsert({ ...units.get('u1')!, gridId: 'G2' });
    const soon = m.counts('units', { ...src, unitsVersion: units.version, now: src.now + 500 }, cat);
    expect(soon.key).toBe(u1.key);
    const later = m.counts('units', { ...src, unitsVersion: units.version, now: src.now + UNIT_COUNTS_EVERY_MS }, cat);
    expect(later.key).not.toBe(u1.key);
    expect(later.counts.get('G2')).toBe(1);
    expect(m.figures('M1', { ...src, unitsVersion: units.version, now: src.now + UNIT_COUNTS_EVERY_MS }, cat)).toEqual({ open: 1, day: 0, units: 1 });
  });
});

describe('classes and colours', () => {
  it('makes nice classes for any maximum', () => {
    expect(niceBreaks(0)).toEqual([]);
    expect(niceBreaks(3)).toEqual([1, 2, 3]);
    expect(niceBreaks(5)).toEqual([1, 2, 3, 4, 5]);
    expect(niceBreaks(12)).toEqual([1, 4, 7, 10]);
    expect(niceBreaks(100)).toEqual([1, 2, 5, 10, 30]);
    expect(niceBreaks(50_000)).toEqual([1, 5, 50, 500, 5000]);
    for (const max of [6, 17, 26, 99, 1234, 99_999]) {
      const b = niceBreaks(max);
      expect(b[0]).toBe(1);
      expect(b.length).toBeLessThanOrEqual(5);
      expect(b.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
      expect(b[b.length - 1]).toBeLessThanOrEqual(max);
    }
  });

  it('puts values in classes and labels them', () => {
    const b = [1, 2, 5, 10, 30];
    expect(binOf(0, b)).toBe(-1);
    expect(binOf(1, b)).toBe(0);
    expect(binOf(4, b)).toBe(1);
    expect(binOf(100, b)).toBe(4);
    expect(binLabels(b, 100)).toEqual(['1', '2–4', '5–9', '10–29', '≥30']);
    expect(binLabels([1, 2, 3], 3)).toEqual(['1', '2', '3']);
  });

  it('leaves zero transparent and darkens nothing above it: lightness rises with the class', () => {
    const b = [1, 2, 5, 10, 30];
    expect(fillColorFor(0, b)[3]).toBe(0);
    const ramp = rampFor(5);
    const light = (c: number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    for (let i = 1; i < ramp.length; i++) expect(light(ramp[i])).toBeGreaterThan(light(ramp[i - 1]));
    expect(fillColorFor(100, b)).toEqual(ramp[4]);
    expect(rampFor(1)).toHaveLength(1);
    expect(rampFor(3)[0]).toEqual(ramp[0]);
    expect(rampFor(3)[2]).toEqual(ramp[4]);
  });
});

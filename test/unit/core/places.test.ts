// The places registry (a gazetteer of landmarks): parsed entry by entry like the other registries.
import { describe, expect, it } from 'vitest';
import { hasOwnId } from '../../../core/places.js';
import { parsePlaces } from '../../../core/reference.js';

const WANDA = { id: 'wanda', name: '仓山万达广场', aliases: ['万达', '万达广场'], kind: 'mall', lat: 26.0425, lon: 119.2826 };

describe('parsePlaces', () => {
  it('reads an array or { places: [...] }, keeping name, aliases, kind and position', () => {
    for (const file of [[WANDA], { places: [WANDA] }]) {
      const r = parsePlaces(file, 'WGS84');
      expect(r).toEqual({ ok: true, items: [{ id: 'wanda', name: '仓山万达广场', aliases: ['万达', '万达广场'], kind: 'mall', lat: 26.0425, lon: 119.2826 }], skipped: [] });
    }
  });

  it('needs only a name and a position; an entry without an id is named by its index', () => {
    const r = parsePlaces([WANDA, { name: '  福州南站 ', lat: 25.987, lon: 119.389, note: 'extra keys are ignored' }], 'WGS84');
    expect(r.ok && r.items[1]).toEqual({ id: '#1', name: '福州南站', lat: 25.987, lon: 119.389 });
    expect(r.ok && r.items.map(hasOwnId)).toEqual([true, false]);
  });

  it('converts an entry in another datum to the map datum', () => {
    const r = parsePlaces([{ ...WANDA, datum: 'GCJ02' }, { ...WANDA, id: 'w2' }], 'WGS84');
    if (!r.ok) throw new Error(r.error);
    const [gcj, wgs] = r.items;
    // in Fuzhou a GCJ-02 position lies a few hundred metres east and south of the WGS-84 one
    expect(gcj.lon).toBeLessThan(wgs.lon);
    expect(gcj.lat).toBeGreaterThan(wgs.lat);
    expect(wgs.lon - gcj.lon).toBeLessThan(0.01);
    expect(gcj.lat - wgs.lat).toBeLessThan(0.01);
    expect(gcj).not.toHaveProperty('datum');
  });

  it('skips bad entries with their index and reason and keeps the rest', () => {
    const r = parsePlaces(
      [
        WANDA,
        { id: 'no-name', lat: 26, lon: 119 },
        { id: 'blank', name: '   ', lat: 26, lon: 119 },
        { id: 'far', name: '北极', lat: 91, lon: 119 },
        { id: 'text-lat', name: '文字', lat: '26.05', lon: 119.3 },
        { id: 'bad-alias', name: '某地', aliases: ['ok', 3], lat: 26, lon: 119 },
        { id: 'wanda', name: '又一个万达', lat: 26, lon: 119 },
        { id: '#9', name: '假编号', lat: 26, lon: 119 },
        { id: 'mars', name: '火星', lat: 26, lon: 119, datum: 'MARS' },
        null,
        '五一广场',
        { id: 'ok', name: '五一广场', lat: 26.077, lon: 119.3046 },
      ],
      'WGS84',
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.items.map((p) => p.id)).toEqual(['wanda', 'ok']);
    const why = Object.fromEntries(r.skipped.map((s) => [s.index, s.reason]));
    expect(Object.keys(why).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(why[1]).toMatch(/^name: /);
    expect(why[2]).toMatch(/^name: /);
    expect(why[3]).toMatch(/^lat: /);
    expect(why[4]).toMatch(/^lat: /);
    expect(why[5]).toMatch(/^aliases\.1: /);
    expect(why[6]).toBe('duplicate id wanda');
    expect(why[7]).toMatch(/^id: must not start with #/);
    expect(why[8]).toMatch(/^datum: /);
    expect(why[9]).toMatch(/^\(entry\): /);
    expect(why[10]).toMatch(/^\(entry\): /);
  });

  it('refuses a file that holds no list of places, saying what it expected', () => {
    for (const file of [null, 42, 'places', {}, { places: {} }, { cameras: [WANDA] }]) {
      expect(parsePlaces(file, 'WGS84')).toEqual({ ok: false, error: 'expected an array or an object with a "places" array' });
    }
  });
});

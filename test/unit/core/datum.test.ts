import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { convertDatum, parseDatum } from '../../../core/geo/datum.js';
import { distanceMeters } from '../../../core/geo/polygon.js';

describe('datum conversion', () => {
  it('reads the spellings clients use', () => {
    expect(parseDatum('gcj-02')).toBe('GCJ02');
    expect(parseDatum(' BD09LL ')).toBe('BD09');
    expect(parseDatum('gps')).toBe('WGS84');
    expect(parseDatum('EPSG:3857')).toBeUndefined();
  });

  it('is the identity within one datum', () => {
    expect(convertDatum(119.3, 26.08, 'WGS84', 'WGS84')).toEqual([119.3, 26.08]);
  });

  it('moves Fuzhou points by the known GCJ-02 offset (a few hundred metres) and BD-09 further', () => {
    const [glon, glat] = convertDatum(119.3, 26.08, 'WGS84', 'GCJ02');
    const gcjShift = distanceMeters(119.3, 26.08, glon, glat);
    expect(gcjShift).toBeGreaterThan(300);
    expect(gcjShift).toBeLessThan(800);
    const [blon, blat] = convertDatum(119.3, 26.08, 'WGS84', 'BD09');
    expect(distanceMeters(119.3, 26.08, blon, blat)).toBeGreaterThan(gcjShift);
  });

  it('round-trips within a metre across China', () => {
    fc.assert(
      fc.property(fc.double({ min: 100, max: 125, noNaN: true }), fc.double({ min: 20, max: 45, noNaN: true }), fc.constantFrom('GCJ02', 'BD09') as fc.Arbitrary<'GCJ02' | 'BD09'>, (lon, lat, d) => {
        const [x, y] = convertDatum(lon, lat, 'WGS84', d);
        const [lon2, lat2] = convertDatum(x, y, d, 'WGS84');
        expect(distanceMeters(lon, lat, lon2, lat2)).toBeLessThan(1);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves points outside China alone (GCJ-02 only applies inside)', () => {
    expect(convertDatum(2.35, 48.85, 'WGS84', 'GCJ02')).toEqual([2.35, 48.85]);
  });
});

// Regression: a property run found a Traccar speed of 3.5e305 knots turning into Infinity m/s.
// Implausible speeds are dropped; the position still counts.
import { describe, expect, it } from 'vitest';
import { createOwnTracksAdapter } from '../../../core/adapters/owntracks.js';
import { createTraccarAdapter } from '../../../core/adapters/traccar.js';
import { MAX_SPEED_MS, plausibleSpeed } from '../../../core/adapters/common.js';
import { makeContext, RECEIVED_AT } from './context.js';

const fixOf = (outcome: ReturnType<ReturnType<typeof createTraccarAdapter>['adapt']>) => {
  if (!outcome.ok) throw new Error(outcome.message);
  const e = outcome.events.find((x) => x.type === 'unitFix');
  if (!e || e.type !== 'unitFix') throw new Error('no fix');
  return e.fix;
};

describe('implausible speeds', () => {
  it('plausibleSpeed keeps 0…200 m/s and drops the rest', () => {
    expect(plausibleSpeed(12.3456)).toBe(12.346);
    expect(plausibleSpeed(MAX_SPEED_MS)).toBe(MAX_SPEED_MS);
    for (const v of [MAX_SPEED_MS + 1, -1, NaN, Infinity, 3.49e305 * 0.514444]) expect(plausibleSpeed(v)).toBeUndefined();
  });

  it('Traccar: 3.5e305 knots → no speed, position kept', () => {
    const adapter = createTraccarAdapter();
    const fix = fixOf(adapter.adapt('positions', { position: { deviceId: 7, latitude: 26.08, longitude: 119.3, fixTime: RECEIVED_AT - 1000, speed: 3.494438918254107e305 } }, makeContext()));
    expect(fix.speed).toBeUndefined();
    expect(fix.lat).toBe(26.08);
  });

  it('OwnTracks: 1e9 km/h → no speed, position kept', () => {
    const adapter = createOwnTracksAdapter();
    const fix = fixOf(adapter.adapt('owntracks/li/phone', { _type: 'location', lat: 26.08, lon: 119.3, tst: Math.floor(RECEIVED_AT / 1000) - 5, vel: 1e9 }, makeContext()));
    expect(fix.speed).toBeUndefined();
    expect(fix.lon).toBe(119.3);
  });
});

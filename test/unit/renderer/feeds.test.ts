import { describe, expect, it } from 'vitest';
import { feedsOf, feedState } from '../../../renderer/src/model/feeds';
import { UnitTable } from '../../../renderer/src/model/units';
import { incident, unit } from './fixtures';

describe('feeds', () => {
  it('lists alarm sources, unit sources, kiosks and cameras with when each was last heard', () => {
    const units = new UnitTable();
    units.load([unit('u1', { source: 'units', lastSeen: 5_000 }), unit('u2', { source: 'owntracks', lastSeen: 7_000 }), unit('u3', { source: 'units', lastSeen: 9_000 })]);
    const feeds = feedsOf({
      incidents: new Map([
        ['a', incident('a', { source: '110', lastSeen: 3_000 })],
        ['b', incident('b', { source: '110', lastSeen: 4_000 })],
        ['c', incident('c', { source: 'frigate', lastSeen: 1_000 })],
      ]),
      units,
      kiosks: new Map([
        ['k1', { id: 'k1', name: 'k', lat: 0, lon: 0, online: true, sos: false, lastSeen: 8_000 }],
        ['k2', { id: 'k2', name: 'k', lat: 0, lon: 0, online: null, sos: false }],
      ]),
      cameras: new Map(),
    });
    expect(feeds.map((f) => [f.key, f.lastHeard, f.count])).toEqual([
      ['alarms:110', 4_000, 2],
      ['alarms:frigate', 1_000, 1],
      ['units:owntracks', 7_000, 1],
      ['units:units', 9_000, 2],
      ['kiosks:kiosks', 8_000, 1],
    ]);
  });

  it('calls a feed live, quiet or silent by how long ago it was heard', () => {
    expect(feedState(0, 60_000)).toBe('live');
    expect(feedState(0, 5 * 60_000)).toBe('quiet');
    expect(feedState(0, 20 * 60_000)).toBe('silent');
  });
});

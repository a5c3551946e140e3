import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdaptOutcome } from '../../../core/adapters/common.js';
import { createOwnTracksAdapter } from '../../../core/adapters/owntracks.js';
import { convertDatum } from '../../../core/geo/datum.js';
import type { IngestEvent } from '../../../core/inputs.js';
import fx from '../../fixtures/adapters/owntracks.json';
import { anyJson, expectWellFormed, loose, makeContext, nearReceiveMs, RECEIVED_AT } from './context.js';

const adapter = createOwnTracksAdapter({});
const ctx = makeContext();
const TOPIC = 'owntracks/jane/iphone';

function events(outcome: AdaptOutcome): IngestEvent[] {
  if (!outcome.ok) throw new Error(`rejected: ${outcome.reason}: ${outcome.message}`);
  return outcome.events;
}

function onlyFix(outcome: AdaptOutcome) {
  const evs = events(outcome);
  expect(evs).toHaveLength(1);
  const [e] = evs;
  if (e.type !== 'unitFix') throw new Error(`expected unitFix, got ${e.type}`);
  expect(e.source).toBe('owntracks');
  return e.fix;
}

function reason(outcome: AdaptOutcome): string {
  expect(outcome.ok).toBe(false);
  return outcome.ok ? 'ok' : outcome.reason;
}

describe('OwnTracks adapter: topics', () => {
  it('subscribes to location and event topics under the prefix', () => {
    expect(adapter.name).toBe('owntracks');
    expect(adapter.filters).toEqual(['owntracks/+/+', 'owntracks/+/+/event']);
    expect(adapter.matches('owntracks/jane/iphone')).toBe(true);
    expect(adapter.matches('frigate/reviews')).toBe(false);
    expect(adapter.matches('owntracksX/jane/iphone')).toBe(false);
  });

  it('honours a custom prefix with slashes', () => {
    const a = createOwnTracksAdapter({ topicPrefix: 'city/ot/' });
    expect(a.filters).toEqual(['city/ot/+/+', 'city/ot/+/+/event']);
    const fix = onlyFix(a.adapt('city/ot/li/pixel', fx.locationMinimal, ctx));
    expect(fix.id).toBe('owntracks:li:pixel');
  });

  it.each([
    'owntracks/jane',
    'owntracks/jane/iphone/cmd',
    'owntracks/jane/iphone/event/x',
    'owntracks//iphone',
    'owntracks/jane/',
    'other/jane/iphone',
  ])('rejects %s as unknown_topic', (topic) => {
    expect(reason(adapter.adapt(topic, fx.locationIos, ctx))).toBe('unknown_topic');
  });

  it('rejects a user/device too long for a 128-char id', () => {
    expect(reason(adapter.adapt(`owntracks/${'u'.repeat(80)}/${'d'.repeat(80)}`, fx.locationIos, ctx))).toBe('unknown_topic');
  });
});

describe('OwnTracks adapter: location', () => {
  it('maps an iOS location with unit conversions', () => {
    const fix = onlyFix(adapter.adapt(TOPIC, fx.locationIos, ctx));
    expect(fix).toEqual({
      id: 'owntracks:jane:iphone',
      ts: 1718987100 * 1000, // tst is seconds
      lat: 26.074508,
      lon: 119.296494,
      kind: 'volunteer',
      name: 'JP',
      heading: 270,
      speed: 15, // 54 km/h
      accuracy: 5,
      battery: 87,
    });
  });

  it('maps an Android location: vel 0 is 0 m/s, no cog means no heading', () => {
    const fix = onlyFix(adapter.adapt('owntracks/li/pixel', fx.locationAndroid, ctx));
    expect(fix.speed).toBe(0);
    expect(fix.heading).toBeUndefined();
    expect(fix.name).toBe('ne');
    expect(fix.battery).toBe(61);
  });

  it('accepts an older payload (vacc, p, rad) and converts 36 km/h to 10 m/s', () => {
    const fix = onlyFix(adapter.adapt(TOPIC, fx.locationOld, ctx));
    expect(fix.speed).toBe(10);
    expect(fix.heading).toBe(90);
  });

  it('accepts a minimal payload: name falls back to the user', () => {
    const fix = onlyFix(adapter.adapt(TOPIC, fx.locationMinimal, ctx));
    expect(fix).toEqual({ id: 'owntracks:jane:iphone', ts: 1718987000000, lat: 26.0712, lon: 119.2899, kind: 'volunteer', name: 'jane' });
  });

  it('asks the context for the unit kind by user', () => {
    const fix = onlyFix(adapter.adapt('owntracks/police-wang/phone', fx.locationMinimal, ctx));
    expect(fix.kind).toBe('police');
  });

  it('converts from the configured source datum', () => {
    const gcj = makeContext({ datums: { owntracks: 'GCJ02' } });
    const fix = onlyFix(adapter.adapt(TOPIC, fx.locationIos, gcj));
    const [lon, lat] = convertDatum(119.296494, 26.074508, 'GCJ02', 'WGS84');
    expect(fix.lat).toBeCloseTo(lat, 6);
    expect(fix.lon).toBeCloseTo(lon, 6);
    expect(Math.abs(fix.lon - 119.296494)).toBeGreaterThan(1e-3); // the offset is hundreds of metres
  });

  it('drops "unknown" negative cog/vel/acc and out-of-range battery', () => {
    const fix = onlyFix(adapter.adapt(TOPIC, { ...fx.locationMinimal, cog: -1, vel: -1, acc: -1, batt: 140 }, ctx));
    expect(fix.heading).toBeUndefined();
    expect(fix.speed).toBeUndefined();
    expect(fix.accuracy).toBeUndefined();
    expect(fix.battery).toBeUndefined();
  });

  it('reads null optional fields as absent', () => {
    const fix = onlyFix(adapter.adapt(TOPIC, { ...fx.locationMinimal, acc: null, tid: null }, ctx));
    expect(fix.accuracy).toBeUndefined();
    expect(fix.name).toBe('jane');
  });
});

describe('OwnTracks adapter: transition, lwt and other types', () => {
  it('treats a transition as a fix at its position', () => {
    const fix = onlyFix(adapter.adapt('owntracks/jane/iphone/event', fx.transition, ctx));
    expect(fix).toMatchObject({ id: 'owntracks:jane:iphone', ts: 1718987200000, lat: 26.0755, lon: 119.2977, accuracy: 130 });
  });

  it('accepts a transition without a position with no events', () => {
    expect(adapter.adapt('owntracks/jane/iphone/event', fx.transitionNoPosition, ctx)).toEqual({ ok: true, events: [] });
  });

  it('turns lwt into unitOffline at receive time, not its tst', () => {
    expect(events(adapter.adapt(TOPIC, fx.lwt, ctx))).toEqual([{ type: 'unitOffline', source: 'owntracks', id: 'owntracks:jane:iphone', ts: RECEIVED_AT }]);
  });

  it.each(['waypoint', 'waypoints', 'card', 'cmd', 'status', 'steps', 'beacon', 'encrypted', 'configuration', 'dump', 'request'] as const)(
    'accepts _type %s with no events',
    (name) => {
      expect(adapter.adapt(TOPIC, fx[name], ctx)).toEqual({ ok: true, events: [] });
    },
  );
});

describe('OwnTracks adapter: rejections', () => {
  const cases: [string, unknown, string][] = [
    ['no _type', { lat: 26, lon: 119, tst: 1718987000 }, 'schema'],
    ['unknown _type', { _type: 'msg', title: 'x' }, 'schema'],
    ['numeric _type', { _type: 1 }, 'schema'],
    ['not an object', [fx.locationIos], 'schema'],
    ['null', null, 'schema'],
    ['a string', 'location', 'schema'],
    ['acc as a string', { ...fx.locationIos, acc: '5' }, 'schema'],
    ['vel as a string', { ...fx.locationIos, vel: '54' }, 'schema'],
    ['tid as a number', { ...fx.locationIos, tid: 42 }, 'schema'],
    ['missing tst', { _type: 'location', lat: 26, lon: 119 }, 'bad_timestamp'],
    ['tst as a string', { ...fx.locationIos, tst: '1718987100' }, 'bad_timestamp'],
    ['tst before 2000', { ...fx.locationIos, tst: 86400 }, 'bad_timestamp'],
    ['tst in milliseconds (far future)', { ...fx.locationIos, tst: 1718987100000 }, 'future_timestamp'],
    ['tst an hour ahead', { ...fx.locationIos, tst: RECEIVED_AT / 1000 + 3600 }, 'future_timestamp'],
    ['missing lat', { _type: 'location', lon: 119, tst: 1718987000 }, 'bad_coordinates'],
    ['lat as a string', { ...fx.locationIos, lat: '26.07' }, 'bad_coordinates'],
    ['lat out of range', { ...fx.locationIos, lat: 96 }, 'bad_coordinates'],
    ['0,0', { ...fx.locationIos, lat: 0, lon: 0 }, 'bad_coordinates'],
    ['transition with a bad lat', { ...fx.transition, lat: 'x' }, 'bad_coordinates'],
  ];
  it.each(cases)('%s', (_name, payload, expected) => {
    const outcome = adapter.adapt(TOPIC, payload, ctx);
    expect(reason(outcome)).toBe(expected);
    expectWellFormed(outcome);
  });

  it('rejects a configured unit kind that is not a unit kind', () => {
    const bad = makeContext({ unitKindFor: () => 'tank' as never });
    expect(reason(adapter.adapt(TOPIC, fx.locationIos, bad))).toBe('unknown_kind');
  });

  it('turns a throwing context callback into a rejection', () => {
    const throwing = makeContext({
      unitKindFor: () => {
        throw new Error('boom');
      },
    });
    expect(reason(adapter.adapt(TOPIC, fx.locationIos, throwing))).toBe('schema');
  });
});

describe('OwnTracks adapter: properties', () => {
  const topic = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(TOPIC, 'owntracks/jane/iphone/event') },
    { weight: 1, arbitrary: fc.constantFrom('owntracks/a/b/c', 'owntracks/x') },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
  const shaped = fc.record(
    {
      _type: loose(fc.constantFrom('location', 'transition', 'lwt', 'waypoint', 'card', 'msg')),
      lat: loose(fc.double({ min: -95, max: 95, noNaN: true })),
      lon: loose(fc.double({ min: -185, max: 185, noNaN: true })),
      tst: loose(nearReceiveMs().map((ms) => Math.floor(ms / 1000))),
      acc: loose(fc.integer({ min: -5, max: 5000 })),
      vel: loose(fc.double({ min: -5, max: 300 })),
      cog: loose(fc.integer({ min: -1, max: 400 })),
      batt: loose(fc.integer({ min: -5, max: 120 })),
      tid: loose(fc.string({ maxLength: 3 })),
    },
    { requiredKeys: ['_type', 'lat', 'lon', 'tst'] },
  );

  it('never throws on arbitrary JSON and always gives ok or a known reason', () => {
    let withEvents = 0;
    fc.assert(
      fc.property(topic, fc.oneof({ weight: 1, arbitrary: anyJson() }, { weight: 3, arbitrary: shaped }), (t, json) => {
        const outcome = adapter.adapt(t, json, ctx);
        expectWellFormed(outcome);
        if (outcome.ok && outcome.events.length > 0) withEvents++;
      }),
      { numRuns: 400 },
    );
    // the shaped generator reaches the mapping code, not only the rejections
    expect(withEvents).toBeGreaterThan(0);
  });
});

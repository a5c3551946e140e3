import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdaptOutcome } from '../../../core/adapters/common.js';
import { createTraccarAdapter } from '../../../core/adapters/traccar.js';
import type { IncidentReport, UnitFix } from '../../../core/domain.js';
import { convertDatum } from '../../../core/geo/datum.js';
import type { IngestEvent } from '../../../core/inputs.js';
import fx from '../../fixtures/adapters/traccar.json';
import { anyJson, expectWellFormed, loose, makeContext, nearReceiveMs, RECEIVED_AT } from './context.js';

const adapter = createTraccarAdapter({});
const ctx = makeContext();
const POSITIONS = 'positions';
const EVENTS = 'events';

function events(outcome: AdaptOutcome): IngestEvent[] {
  if (!outcome.ok) throw new Error(`rejected: ${outcome.reason}: ${outcome.message}`);
  for (const e of outcome.events) expect(e.source).toBe('traccar');
  return outcome.events;
}
const fixes = (evs: IngestEvent[]): UnitFix[] => evs.flatMap((e) => (e.type === 'unitFix' ? [e.fix] : []));
const incidents = (evs: IngestEvent[]): IncidentReport[] => evs.flatMap((e) => (e.type === 'incident' ? [e.report] : []));

function rejection(outcome: AdaptOutcome): { reason: string; message: string } {
  expect(outcome.ok).toBe(false);
  return outcome.ok ? { reason: 'ok', message: '' } : outcome;
}

/** A copy of a position message with `position` patched. */
function withPosition(msg: { position: Record<string, unknown>; device?: unknown }, patch: Record<string, unknown>) {
  return { ...msg, position: { ...msg.position, ...patch } };
}

const SOS_TS = Date.parse('2024-06-21T16:29:00.000+00:00');
/** What Traccar's OutdatedHandler fills in for a device that has never had a fix (6.9+: GPS epoch; 5.x: 1970). */
const NEVER_FIXED = { fixTime: '1980-01-06T00:00:00.000+00:00', latitude: 0, longitude: 0, valid: false };

describe('Traccar adapter: topics', () => {
  it('subscribes to the positions and events topics', () => {
    expect(adapter.name).toBe('traccar');
    expect(adapter.filters).toEqual(['positions', 'events']);
    expect(adapter.matches('positions')).toBe(true);
    expect(adapter.matches('events')).toBe(true);
    expect(adapter.matches('positions/x')).toBe(false);
    expect(rejection(adapter.adapt('positions/x', fx.position, ctx)).reason).toBe('unknown_topic');
  });

  it('honours configured topics, and one shared topic is told apart by the payload', () => {
    const a = createTraccarAdapter({ positionsTopic: 'traccar/out', eventsTopic: 'traccar/out' });
    expect(a.filters).toEqual(['traccar/out']);
    expect(fixes(events(a.adapt('traccar/out', fx.position, ctx)))).toHaveLength(1);
    expect(events(a.adapt('traccar/out', fx.eventOffline, ctx))[0].type).toBe('unitOffline');
  });
});

describe('Traccar adapter: positions', () => {
  it('maps a full position with knots → m/s and the battery level', () => {
    const evs = events(adapter.adapt(POSITIONS, fx.position, ctx));
    expect(evs).toEqual([
      {
        type: 'unitFix',
        source: 'traccar',
        fix: {
          id: 'traccar:865123456789012',
          ts: Date.parse('2024-06-21T16:28:00.000+00:00'),
          lat: 26.0745,
          lon: 119.2965,
          kind: 'vehicle', // category car
          name: '巡逻车 01',
          heading: 180,
          speed: 10.289, // 20 kn × 0.514444
          accuracy: 5,
          battery: 85,
        },
      },
      // and which alarms are active (none): an alarm episode the device no longer reports is over
      { type: 'deviceAlarms', source: 'traccar', device: 'traccar:865123456789012', alarms: [] },
    ]);
  });

  it('converts from the configured source datum', () => {
    const gcj = makeContext({ datums: { traccar: 'GCJ02' } });
    const [fix] = fixes(events(adapter.adapt(POSITIONS, fx.position, gcj)));
    const [lon, lat] = convertDatum(119.2965, 26.0745, 'GCJ02', 'WGS84');
    expect(fix.lat).toBeCloseTo(lat, 6);
    expect(fix.lon).toBeCloseTo(lon, 6);
    expect(Math.abs(fix.lat - 26.0745)).toBeGreaterThan(1e-3);
  });

  it('accepts a minimal position from an older server: id falls back to device.id', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, fx.positionMinimal, ctx)));
    expect(fix).toEqual({ id: 'traccar:12', ts: Date.parse('2024-06-21T16:27:00.000+00:00'), lat: 26.07, lon: 119.29, kind: 'patrol', name: 'Old tracker' });
  });

  it('accepts nulls (Traccar configured to include them); 0 accuracy reads as unknown', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, fx.positionWithNulls, ctx)));
    expect(fix.id).toBe('traccar:oldtrk');
    expect(fix.kind).toBe('patrol'); // category null
    expect(fix.accuracy).toBeUndefined();
    expect(fix.speed).toBeCloseTo(3 * 0.514444, 3);
    expect(fix.heading).toBe(45);
  });

  it('uses deviceId when there is no device object', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, { position: fx.position.position }, ctx)));
    expect(fix.id).toBe('traccar:10');
    expect(fix.name).toBe('10');
  });

  it('keeps an outdated position as a fix', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, fx.positionOutdated, ctx)));
    expect(fix.ts).toBe(Date.parse('2024-06-21T16:15:00.000+00:00'));
  });

  it('falls back to deviceTime when fixTime is missing', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, withPosition(fx.position, { fixTime: undefined }), ctx)));
    expect(fix.ts).toBe(Date.parse('2024-06-21T16:28:00.000+00:00'));
  });

  it('accepts epoch-millisecond times', () => {
    const [fix] = fixes(events(adapter.adapt(POSITIONS, withPosition(fx.position, { fixTime: RECEIVED_AT - 5000 }), ctx)));
    expect(fix.ts).toBe(RECEIVED_AT - 5000);
  });

  it('takes an invalid fix without an alarm as "no new fix": accepted, the unit alive, not moved, not a rejection', () => {
    expect(events(adapter.adapt(POSITIONS, fx.positionInvalid, ctx))).toEqual([
      { type: 'unitNoFix', source: 'traccar', id: 'traccar:865123456789012' },
      { type: 'deviceAlarms', source: 'traccar', device: 'traccar:865123456789012', alarms: [] },
    ]);
    // a tracker that never had a fix (Traccar fills in GPS epoch and 0,0) too
    expect(events(adapter.adapt(POSITIONS, withPosition(fx.positionInvalid, NEVER_FIXED), ctx)).map((e) => e.type)).toEqual(['unitNoFix', 'deviceAlarms']);
  });

  it('says what a pre-2000 fix time is: a device without a fix, not seconds sent as milliseconds', () => {
    const out = rejection(adapter.adapt(POSITIONS, withPosition(fx.position, { fixTime: '1980-01-06T00:00:00.000+00:00' }), ctx));
    expect(out.reason).toBe('bad_timestamp');
    expect(out.message).not.toContain('seconds');
    expect(out.message).toContain('without a clock or fix');
  });
});

describe('Traccar adapter: alarms', () => {
  it('gives a fix and an SOS incident for attributes.alarm = sos', () => {
    const evs = events(adapter.adapt(POSITIONS, fx.positionSos, ctx));
    expect(fixes(evs)).toHaveLength(1);
    expect(fixes(evs)[0]).toMatchObject({ id: 'traccar:4209917', kind: 'patrol', battery: 40, speed: 0 });
    expect(incidents(evs)).toEqual([
      {
        id: `traccar:4209917:sos:${SOS_TS}`,
        ts: SOS_TS,
        kind: 'sos',
        priority: 1,
        lat: 26.0811,
        lon: 119.3055,
        title: 'Traccar 报警 sos: 网格员 张三',
        detail: 'device 4209917',
        reporter: '网格员 张三',
        status: 'open',
        episode: { device: 'traccar:4209917', alarm: 'sos' },
      },
    ]);
    expect(evs.at(-1)).toEqual({ type: 'deviceAlarms', source: 'traccar', device: 'traccar:4209917', alarms: ['sos'] });
  });

  it('splits comma-joined alarms into one incident each, kind other, priority 2', () => {
    const inc = incidents(events(adapter.adapt(POSITIONS, fx.positionMultiAlarm, ctx)));
    expect(inc.map((i) => [i.kind, i.priority, i.title])).toEqual([
      ['other', 2, 'Traccar 报警 powerCut: 巡逻车 01'],
      ['other', 2, 'Traccar 报警 lowBattery: 巡逻车 01'],
    ]);
    expect(new Set(inc.map((i) => i.id)).size).toBe(2);
  });

  it('still raises an SOS on an invalid fix, at the last known position, dated when it was pressed', () => {
    const evs = events(adapter.adapt(POSITIONS, withPosition(fx.positionInvalid, { attributes: { alarm: 'sos' } }), ctx));
    expect(fixes(evs)).toHaveLength(0);
    expect(evs[0]).toEqual({ type: 'unitNoFix', source: 'traccar', id: 'traccar:865123456789012' });
    const [inc] = incidents(evs);
    expect(inc.kind).toBe('sos');
    const pressed = Date.parse(fx.positionInvalid.position.deviceTime);
    expect(inc.ts).toBe(pressed);
    expect(inc.id).toBe(`traccar:865123456789012:sos:${pressed}`);
    expect(inc.positionAt).toBe(Date.parse(fx.positionInvalid.position.fixTime));
    expect(inc.detail).toContain('last known position');
  });

  it('dates an alarm without a new GPS fix by the press, not by the stale fix it carries, and says how old its position is', () => {
    // Traccar's outdated handling: the previous fix's fixTime and coordinates, deviceTime = now
    const [inc] = incidents(events(adapter.adapt(POSITIONS, withPosition(fx.positionOutdated, { attributes: { alarm: 'sos' } }), ctx)));
    const pressed = Date.parse(fx.positionOutdated.position.deviceTime);
    const fixed = Date.parse(fx.positionOutdated.position.fixTime);
    expect(pressed - fixed).toBeGreaterThan(10 * 60_000);
    expect(inc.ts).toBe(pressed);
    expect(inc.positionAt).toBe(fixed);
    expect(inc.detail).toContain(`last known position, fixed ${(pressed - fixed) / 1000} s before the alarm`);
    // a second press on the same stale fix is a different alarm
    const again = incidents(events(adapter.adapt(POSITIONS, withPosition(fx.positionOutdated, { attributes: { alarm: 'sos' }, deviceTime: '2024-06-21T16:29:50.000+00:00' }), ctx)));
    expect(again[0].id).not.toBe(inc.id);
    // a fresh fix carries no positionAt
    expect(incidents(events(adapter.adapt(POSITIONS, fx.positionSos, ctx)))[0].positionAt).toBeUndefined();
  });

  it("rejects the first alarm of a device that never had a fix as bad_coordinates, saying so", () => {
    const out = rejection(adapter.adapt(POSITIONS, withPosition(fx.positionInvalid, { ...NEVER_FIXED, attributes: { alarm: 'sos' } }), ctx));
    expect(out.reason).toBe('bad_coordinates');
    expect(out.message).toContain('cannot be placed');
    expect(out.message).toContain('GPS fix');
  });

  it('an alarm event gives the same incident id as the position topic', () => {
    const fromPosition = incidents(events(adapter.adapt(POSITIONS, fx.positionSos, ctx)));
    const evs = events(adapter.adapt(EVENTS, fx.eventAlarm, ctx));
    expect(incidents(evs)).toEqual(fromPosition);
    expect(fixes(evs)).toHaveLength(1);
  });

  it('an alarm event takes the alarm from the event attributes', () => {
    const msg = { ...fx.eventAlarm, event: { ...fx.eventAlarm.event, attributes: { alarm: 'tampering' } } };
    const [inc] = incidents(events(adapter.adapt(EVENTS, msg, ctx)));
    expect(inc.id).toBe(`traccar:4209917:tampering:${SOS_TS}`);
    expect(inc.kind).toBe('other');
  });

  it('rejects an alarm event without a position as unknown_device', () => {
    expect(rejection(adapter.adapt(EVENTS, fx.eventAlarmNoPosition, ctx)).reason).toBe('unknown_device');
  });
});

describe('Traccar adapter: events', () => {
  it('deviceOffline → unitOffline at the event time', () => {
    expect(events(adapter.adapt(EVENTS, fx.eventOffline, ctx))).toEqual([
      { type: 'unitOffline', source: 'traccar', id: 'traccar:865123456789012', ts: Date.parse('2024-06-21T16:29:40.000+00:00') },
    ]);
  });

  it('deviceOffline without eventTime uses the receive time', () => {
    const msg = { ...fx.eventOffline, event: { ...fx.eventOffline.event, eventTime: undefined } };
    expect(events(adapter.adapt(EVENTS, msg, ctx))).toEqual([{ type: 'unitOffline', source: 'traccar', id: 'traccar:865123456789012', ts: RECEIVED_AT }]);
  });

  it('other events raise nothing but move the unit when they carry a position', () => {
    const evs = events(adapter.adapt(EVENTS, fx.eventGeofenceEnter, ctx));
    expect(evs.map((e) => e.type)).toEqual(['unitFix']);
    expect(fixes(evs)[0]).toMatchObject({ id: 'traccar:865123456789012', lat: 26.076, lon: 119.298, battery: 84 });
    expect(adapter.adapt(EVENTS, fx.eventDeviceOnline, ctx)).toEqual({ ok: true, events: [] });
  });

  it('other events with an unusable position are accepted with no events', () => {
    const msg = { ...fx.eventGeofenceEnter, position: { ...fx.eventGeofenceEnter.position, valid: false } };
    expect(adapter.adapt(EVENTS, msg, ctx)).toEqual({ ok: true, events: [] });
  });
});

describe('Traccar adapter: rejections', () => {
  const positionCases: [string, unknown, string][] = [
    ['null', null, 'schema'],
    ['no position', { device: fx.position.device }, 'schema'],
    ['position not an object', { position: 'here', device: fx.position.device }, 'schema'],
    ['speed as a string', withPosition(fx.position, { speed: '20' }), 'schema'],
    ['valid as a string', withPosition(fx.position, { valid: 'true' }), 'schema'],
    ['attributes an array', withPosition(fx.position, { attributes: [] }), 'schema'],
    ['device name as a number', { ...fx.position, device: { ...fx.position.device, name: 7 } }, 'schema'],
    ['no device identity at all', { position: { ...fx.position.position, deviceId: undefined } }, 'schema'],
    ['uniqueId too long', { ...fx.position, device: { ...fx.position.device, uniqueId: 'x'.repeat(130) } }, 'schema'],
    ['fixTime without an offset', withPosition(fx.position, { fixTime: '2024-06-21T16:28:00' }), 'bad_timestamp'],
    ['no time at all', withPosition(fx.position, { fixTime: undefined, deviceTime: undefined, serverTime: undefined }), 'bad_timestamp'],
    ['fixTime an hour ahead', withPosition(fx.position, { fixTime: '2024-06-21T17:30:00.000+00:00' }), 'future_timestamp'],
    ['latitude missing', withPosition(fx.position, { latitude: undefined }), 'bad_coordinates'],
    ['0,0', withPosition(fx.position, { latitude: 0, longitude: 0 }), 'bad_coordinates'],
    ['latitude out of range', withPosition(fx.position, { latitude: -91 }), 'bad_coordinates'],
  ];
  it.each(positionCases)('position: %s', (_name, payload, expected) => {
    const outcome = adapter.adapt(POSITIONS, payload, ctx);
    expect(rejection(outcome).reason).toBe(expected);
    expectWellFormed(outcome);
  });

  const eventCases: [string, unknown, string][] = [
    ['no event', { device: fx.eventOffline.device }, 'schema'],
    ['event type missing', { ...fx.eventOffline, event: { ...fx.eventOffline.event, type: undefined } }, 'schema'],
    ['event type a number', { ...fx.eventOffline, event: { ...fx.eventOffline.event, type: 3 } }, 'schema'],
    ['offline with a bad eventTime', { ...fx.eventOffline, event: { ...fx.eventOffline.event, eventTime: 'yesterday' } }, 'bad_timestamp'],
    ['alarm at 0,0', { ...fx.eventAlarm, position: { ...fx.eventAlarm.position, latitude: 0, longitude: 0 } }, 'bad_coordinates'],
  ];
  it.each(eventCases)('event: %s', (_name, payload, expected) => {
    const outcome = adapter.adapt(EVENTS, payload, ctx);
    expect(rejection(outcome).reason).toBe(expected);
    expectWellFormed(outcome);
  });

  it('rejects a configured unit kind that is not a unit kind', () => {
    const bad = makeContext({ unitKindFor: () => 'tank' as never });
    expect(rejection(adapter.adapt(POSITIONS, fx.position, bad)).reason).toBe('unknown_kind');
  });
});

describe('Traccar adapter: properties', () => {
  const topic = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(POSITIONS, EVENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
  const time = loose(fc.oneof(nearReceiveMs().map((ms) => new Date(ms).toISOString()), nearReceiveMs(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())));
  const position = fc.record(
    {
      deviceId: loose(fc.integer()),
      latitude: loose(fc.double({ min: -95, max: 95, noNaN: true })),
      longitude: loose(fc.double({ min: -185, max: 185, noNaN: true })),
      fixTime: time,
      valid: loose(fc.boolean()),
      outdated: loose(fc.boolean()),
      speed: loose(fc.double({ min: -5, max: 300 })),
      course: loose(fc.double({ min: -5, max: 400 })),
      accuracy: loose(fc.double({ min: -5, max: 100 })),
      attributes: loose(fc.record({ alarm: loose(fc.constantFrom('sos', 'sos,lowBattery', '', ',')), batteryLevel: loose(fc.double()) }, { requiredKeys: [] })),
    },
    { requiredKeys: ['latitude', 'longitude', 'fixTime'] },
  );
  const device = fc.record(
    { id: loose(fc.integer()), name: loose(fc.string({ maxLength: 10 })), uniqueId: loose(fc.string({ maxLength: 140 })), category: loose(fc.constantFrom('car', 'person')) },
    { requiredKeys: [] },
  );
  const event = fc.record(
    { type: loose(fc.constantFrom('alarm', 'deviceOffline', 'geofenceEnter')), eventTime: time, attributes: loose(fc.record({ alarm: loose(fc.constantFrom('sos', 'fallDown')) })) },
    { requiredKeys: [] },
  );
  const positionMessage = fc.record({ position: loose(position), device: loose(device) }, { requiredKeys: ['position'] });
  const eventMessage = fc.record({ event: loose(event), position: loose(position), device: loose(device) }, { requiredKeys: ['event'] });
  const message = fc.oneof(positionMessage, eventMessage);
  /** mostly each message on its own topic, sometimes crossed or arbitrary */
  const topicAndJson = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.constant(POSITIONS), positionMessage) },
    { weight: 3, arbitrary: fc.tuple(fc.constant(EVENTS), eventMessage) },
    { weight: 2, arbitrary: fc.tuple(topic, fc.oneof(anyJson(), message)) },
  );

  it('never throws on arbitrary JSON and always gives ok or a known reason', () => {
    let withEvents = 0;
    fc.assert(
      fc.property(topicAndJson, ([t, json]) => {
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

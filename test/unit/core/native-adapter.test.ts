import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createNativeAdapter } from '../../../core/adapters/native.js';
import { createIngest } from '../../../core/ingest/pipeline.js';
import { REJECT_REASONS } from '../../../core/domain.js';
import { convertDatum } from '../../../core/geo/datum.js';
import { enc, makeContext, T0 } from '../../helpers/context.js';

const P = 'watchfloor/v1';
const alarm = { id: 'A-1', ts: T0, kind: 'theft', priority: 2, lat: 26.0425, lon: 119.2826, title: '万达广场服装店手机被盗' };
const ingest = (ctx = makeContext(), max = 65536) => createIngest([createNativeAdapter({ topicPrefix: P })], ctx, { maxPayloadBytes: max });

describe('native adapter', () => {
  it('accepts a valid alarm with defaults applied', () => {
    const out = ingest()(`${P}/alarms/110`, enc(alarm), T0 + 10);
    expect(out.t).toBe('events');
    if (out.t !== 'events') return;
    expect(out.events).toHaveLength(1);
    const e = out.events[0];
    expect(e.type).toBe('incident');
    if (e.type !== 'incident') return;
    expect(e.source).toBe('110');
    expect(e.report).toMatchObject({ id: 'A-1', kind: 'theft', priority: 2, status: 'open', ts: T0 });
  });

  it('reads a unit’s reply and another wall’s action; refuses them malformed or on the wrong topic', () => {
    const run = ingest();
    const reply = run(`${P}/units/v1/reply`, enc({ dispatchId: 'D1', incidentId: 'A-1', answer: 'accept', ts: T0, note: '马上到' }), T0 + 10);
    expect(reply).toMatchObject({ t: 'events', events: [{ type: 'unitReply', reply: { unitId: 'v1', dispatchId: 'D1', incidentId: 'A-1', answer: 'accept', ts: T0, note: '马上到' } }] });
    expect(run(`${P}/units/v1/reply`, enc({ dispatchId: 'D1', incidentId: 'A-1', answer: 'maybe', ts: T0 }), T0)).toMatchObject({ t: 'reject', reason: 'schema' });
    const action = { action: { id: 'x1', incidentId: 'A-1', kind: 'dispatch', by: '张警官', role: 'dispatcher', order: { id: 'D1', mode: 'assign', unitIds: ['v1'] } }, at: T0, origin: 'wall-b' };
    expect(run(`${P}/actions/A-1`, enc(action), T0 + 10)).toMatchObject({ t: 'events', events: [{ type: 'operatorAction', at: T0, action: { id: 'x1', kind: 'dispatch', order: { unitIds: ['v1'] } } }] });
    expect(run(`${P}/actions/B-2`, enc(action), T0)).toMatchObject({ t: 'reject', reason: 'conflict' });
    expect(run(`${P}/actions/A-1`, enc({ ...action, action: { ...action.action, kind: 'explode' } }), T0)).toMatchObject({ t: 'reject', reason: 'schema' });
    expect(run(`${P}/actions/A-1`, enc({ ...action, action: { ...action.action, role: 'admin' } }), T0)).toMatchObject({ t: 'reject', reason: 'schema' });
  });

  it('reads ISO-8601 timestamps with offsets and refuses ones without', () => {
    const ok = ingest()(`${P}/alarms/110`, enc({ ...alarm, ts: '2026-11-26T16:00:00+08:00' }), T0);
    expect(ok.t === 'events' && ok.events[0].type === 'incident' && ok.events[0].report.ts).toBe(T0);
    const bad = ingest()(`${P}/alarms/110`, enc({ ...alarm, ts: '2026-11-26 16:00:00' }), T0);
    expect(bad).toMatchObject({ t: 'reject', reason: 'bad_timestamp' });
  });

  it('defaults priority to 3', () => {
    const { priority: _p, ...noPriority } = alarm;
    const out = ingest()(`${P}/alarms/clue`, enc(noPriority), T0);
    expect(out.t === 'events' && out.events[0].type === 'incident' && out.events[0].report.priority).toBe(3);
  });

  it.each([
    ['not json', '{"id":', 'invalid_json'],
    ['unknown kind', { ...alarm, kind: 'alien' }, 'unknown_kind'],
    ['missing title', { ...alarm, title: undefined }, 'schema'],
    ['NaN-ish latitude', { ...alarm, lat: 'NaN' }, 'bad_coordinates'],
    ['out of range', { ...alarm, lat: 91 }, 'bad_coordinates'],
    ['null island', { ...alarm, lat: 0, lon: 0 }, 'bad_coordinates'],
    ['far future', { ...alarm, ts: T0 + 3600_000 }, 'future_timestamp'],
    ['seconds sent as ms', { ...alarm, ts: 1_700_000_000 }, 'bad_timestamp'],
    ['priority 7', { ...alarm, priority: 7 }, 'schema'],
    ['id too long', { ...alarm, id: 'x'.repeat(129) }, 'schema'],
    ['array payload', [alarm], 'schema'],
    ['unknown crs', { ...alarm, crs: 'EPSG:3857' }, 'schema'],
  ])('rejects %s', (_name, payload, reason) => {
    const out = ingest()(`${P}/alarms/110`, enc(payload), T0);
    expect(out).toMatchObject({ t: 'reject', reason });
    if (out.t === 'reject') expect(out.message.length).toBeGreaterThan(3);
  });

  it('rejects oversized payloads before parsing them, with an excerpt', () => {
    const out = ingest(makeContext(), 1024)(`${P}/alarms/110`, enc({ ...alarm, detail: 'x'.repeat(2000) }), T0);
    expect(out).toMatchObject({ t: 'reject', reason: 'oversized' });
    if (out.t === 'reject') expect(out.excerpt.startsWith('{"id":"A-1"')).toBe(true);
  });

  it('rejects invalid UTF-8 and unknown topics', () => {
    expect(ingest()(`${P}/alarms/110`, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), T0)).toMatchObject({ reason: 'invalid_encoding' });
    expect(ingest()(`${P}/bogus/1`, enc(alarm), T0)).toMatchObject({ reason: 'unknown_topic' });
    expect(ingest()(`other/alarms/1`, enc(alarm), T0)).toMatchObject({ reason: 'unknown_topic' });
  });

  it('converts GCJ-02 and BD-09 into the map datum (source default and per-message crs)', () => {
    const ctx = makeContext({ datums: { amap: 'GCJ02' } });
    const out = ingest(ctx)(`${P}/alarms/amap`, enc(alarm), T0);
    const [lon, lat] = convertDatum(alarm.lon, alarm.lat, 'GCJ02', 'WGS84');
    expect(out.t === 'events' && out.events[0].type === 'incident' && out.events[0].report).toMatchObject({ lat: +lat.toFixed(6), lon: +lon.toFixed(6) });
    // about 500 m of offset in Fuzhou: the conversion really moved the point
    expect(Math.abs(lon - alarm.lon) * 100_000).toBeGreaterThan(200);
    const bd = ingest()(`${P}/alarms/x`, enc({ ...alarm, crs: 'bd09' }), T0);
    const [blon] = convertDatum(alarm.lon, alarm.lat, 'BD09', 'WGS84');
    expect(bd.t === 'events' && bd.events[0].type === 'incident' && bd.events[0].report.lon).toBeCloseTo(blon, 6);
  });

  it('accepts unit locations and refuses a payload id that contradicts the topic', () => {
    const fix = { id: 'V1', ts: T0, lat: 26.07, lon: 119.3, kind: 'volunteer', speed: 1.2, heading: 90 };
    const out = ingest()(`${P}/units/V1/location`, enc(fix), T0);
    expect(out.t === 'events' && out.events[0]).toMatchObject({ type: 'unitFix', fix: { id: 'V1', speed: 1.2 } });
    expect(ingest()(`${P}/units/V2/location`, enc(fix), T0)).toMatchObject({ reason: 'conflict' });
    expect(ingest()(`${P}/units/V1/location`, enc({ ...fix, kind: 'ufo' }), T0)).toMatchObject({ reason: 'unknown_kind' });
    expect(ingest()(`${P}/units/V1/location`, enc({ ...fix, heading: 400 }), T0)).toMatchObject({ reason: 'schema' });
  });

  it('reads kiosk and camera status', () => {
    const out = ingest()(`${P}/kiosks/K1/status`, enc({ online: true, sos: true, ts: T0 }), T0);
    expect(out.t === 'events' && out.events[0]).toMatchObject({ type: 'kioskStatus', status: { id: 'K1', online: true, sos: true } });
    const cam = ingest()(`${P}/cameras/C1/status`, enc({ online: false, ts: T0 }), T0);
    expect(cam.t === 'events' && cam.events[0]).toMatchObject({ type: 'cameraStatus', status: { id: 'C1', online: false } });
    expect(ingest()(`${P}/kiosks/K1/status`, enc({ online: 'yes', ts: T0 }), T0)).toMatchObject({ reason: 'schema' });
  });

  it('never throws and always answers with a known reason, whatever the bytes or JSON', () => {
    const run = ingest();
    const topics = fc.constantFrom(`${P}/alarms/110`, `${P}/units/U1/location`, `${P}/kiosks/K1/status`, `${P}/cameras/C1/status`, `${P}/x`, 'a/b');
    fc.assert(
      fc.property(topics, fc.oneof(fc.json(), fc.uint8Array({ maxLength: 300 }).map((b) => b)), (topic, body) => {
        const out = run(topic, typeof body === 'string' ? enc(body) : body, T0);
        if (out.t === 'reject') expect(REJECT_REASONS).toContain(out.reason);
        else expect(out.t).toBe('events');
      }),
      { numRuns: 2000 },
    );
  });

  it('any mutation of one field of a valid alarm is either accepted as valid data or rejected with a reason', () => {
    const run = ingest();
    const keys = Object.keys(alarm) as (keyof typeof alarm)[];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const out = run(`${P}/alarms/110`, enc({ ...alarm, [key]: value }), T0);
        if (out.t === 'events') {
          const e = out.events[0];
          expect(e.type).toBe('incident');
          if (e.type === 'incident') {
            expect(Number.isFinite(e.report.lat) && Math.abs(e.report.lat) <= 90).toBe(true);
            expect(Number.isFinite(e.report.ts)).toBe(true);
          }
        } else expect(REJECT_REASONS).toContain(out.reason);
      }),
      { numRuns: 2000 },
    );
  });
});

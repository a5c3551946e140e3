// Unit fixes in the journal's compact channel (core/journal/fix-codec.ts): every fix comes back
// exactly as the JSON journal would have brought it back, whatever its strings and numbers; what
// the channel cannot hold exactly stays JSON; and protobufjs (what Foxglove decodes protobuf
// with) reads a batch through the channel's own FileDescriptorSet.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { InputBatcher } from '../../../core/journal/batcher.js';
import { channelIdOf, FIX_CHANNEL } from '../../../core/journal/channels.js';
import { compactFix, decodeFixBatch, FixBatchEncoder, FixBatchReader, fixBatchDescriptorSet } from '../../../core/journal/fix-codec.js';
import { ProtoReader, ProtoWriter } from '../../../core/journal/protobuf.js';
import type { SituationInput } from '../../../core/inputs.js';

type FixIn = Extract<SituationInput, { t: 'events' }>;
const T = Date.UTC(2026, 11, 5, 9);

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('V00017', '志愿者-17', '巡逻车 闽A·12345', ''), fc.string({ unit: 'grapheme', maxLength: 6 }));
/** coordinates as they come: 6–7 decimals, full doubles from a datum conversion, edge values */
const coord = fc.oneof(
  fc.integer({ min: -1_800_000_000, max: 1_800_000_000 }).map((q) => q / 1e7),
  fc.double({ min: -180, max: 180, noNaN: true }),
  fc.constantFrom(0, -0, 26.0411234, 119.2962, 1e-9),
);
const num = fc.oneof(fc.integer({ min: -1000, max: 100_000 }).map((q) => q / 100), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1.2, 359.99));
const fixInput = fc
  .record({
    at: fc.integer({ min: T - 1e9, max: T + 1e9 }),
    id: text,
    topicKind: fc.constantFrom('owntracks', 'native', 'no id'),
    source: fc.constantFrom('native', 'traccar', 'owntracks'),
    kind: fc.constantFrom('volunteer', 'patrol', 'police', 'vehicle'),
    lag: fc.oneof(fc.integer({ min: -5000, max: 600_000 }), fc.double({ min: -5000, max: 5000, noNaN: true })),
    lat: coord,
    lon: coord,
    name: fc.option(text, { nil: undefined }),
    status: fc.option(fc.constantFrom('available', 'busy', 'offline'), { nil: undefined }),
    heading: fc.option(num, { nil: undefined }),
    speed: fc.option(num, { nil: undefined }),
    accuracy: fc.option(num, { nil: undefined }),
    battery: fc.option(num, { nil: undefined }),
    retained: fc.option(fc.boolean(), { nil: undefined }),
  })
  .filter((x) => !x.id.includes('\u0000') && !x.id.includes('\u0001') && !(x.name ?? '').includes('\u0000'))
  .map((x): FixIn => {
    const topic = x.topicKind === 'owntracks' ? `owntracks/fz/${x.id}` : x.topicKind === 'native' ? `watchfloor/v1/units/${x.id}/location` : 'gps/all';
    const fix = { id: x.id, ts: x.at - x.lag, lat: x.lat, lon: x.lon, kind: x.kind as 'volunteer', name: x.name, status: x.status as 'busy' | undefined, heading: x.heading, speed: x.speed, accuracy: x.accuracy, battery: x.battery };
    const input: FixIn = { t: 'events', at: x.at, topic, events: [{ type: 'unitFix', source: x.source, fix }] };
    if (x.retained !== undefined) input.retained = x.retained;
    return input;
  });

/** what the JSON journal brings an input back as */
const viaJson = (i: SituationInput) => JSON.parse(JSON.stringify(i)) as SituationInput;

describe('the compact fix channel', () => {
  it('brings every fix back as the JSON journal would, in a batch of any size, batch after batch from one encoder', () => {
    fc.assert(
      // one encoder for several batches, as the journal keeps it: nothing of a batch leaks into the next
      fc.property(fc.array(fc.array(fixInput, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 1e9 }), (batches, n0) => {
        const e = new FixBatchEncoder();
        for (const inputs of batches) {
          inputs.forEach((i, k) => {
            expect(compactFix(i)).not.toBeNull();
            expect(e.tryAdd(n0 + k * 3, i)).toBe(true);
          });
          expect(e.count).toBe(inputs.length);
          const back = decodeFixBatch(e.finish());
          expect(e.count).toBe(0);
          expect(back.map((x) => x.n)).toEqual(inputs.map((_, k) => n0 + k * 3));
          // Object.is on numbers: -0 comes back as 0, as from JSON
          back.forEach((x, k) => expect(x.input).toStrictEqual(viaJson(inputs[k])));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('takes exactly what compactFix takes, fix after fix, whatever the fixes before it (its strings are checked once each, as they first come)', () => {
    // a good fix made hostile in one place: a separator in one of its strings, a field of another
    // type, a key the channel has no column for. The encoder checks a unit's id and name, a topic
    // and the last source, kind and status only when they first come, so a bad one must be caught
    // after good fixes of the same unit, topic and strings (and a refused fix must leave nothing)
    const hostile = fc.tuple(
      fixInput,
      fc.constantFrom('id', 'name', 'status', 'kind', 'source', 'topic', 'extra fix key', 'extra input key', 'extra event key', 'name not a string', 'ts not finite', 'retained not boolean', 'two events'),
      fc.constantFrom('\u0000', '\u0001', '\ud800', '\udfff'),
    ).map(([good, where, mark]): FixIn => {
      const ev = good.events[0] as Extract<FixIn['events'][number], { type: 'unitFix' }>;
      const fix: Record<string, unknown> = { ...ev.fix };
      const input: Record<string, unknown> = { ...good };
      const event: Record<string, unknown> = { ...ev, fix };
      input.events = [event];
      if (where === 'id' || where === 'name' || where === 'status' || where === 'kind') fix[where] = `${String(fix[where] ?? '')}${mark}x`;
      else if (where === 'source') event.source = `${ev.source}${mark}`;
      else if (where === 'topic') input.topic = `${good.topic}${mark}`;
      else if (where === 'extra fix key') fix.altitude = 3;
      else if (where === 'extra input key') input.qos = 1;
      else if (where === 'extra event key') event.extra = true;
      else if (where === 'name not a string') fix.name = 17;
      else if (where === 'ts not finite') fix.ts = Number.POSITIVE_INFINITY;
      else if (where === 'retained not boolean') input.retained = 1;
      else input.events = [event, event];
      return input as FixIn;
    });
    // the same unit, name and topic again and again, so a bad one comes after good ones
    const sameUnit = (x: FixIn, k: number): FixIn => {
      const ev = x.events[0] as Extract<FixIn['events'][number], { type: 'unitFix' }>;
      if (k % 2) return x;
      const fix = { ...ev.fix, id: 'V00017', name: ev.fix.name === undefined ? undefined : '志愿者-17' };
      return { ...x, topic: x.topic.includes('\u0000') || x.topic.includes('\u0001') ? x.topic : 'watchfloor/v1/units/V00017/location', events: [{ ...ev, fix }] } as FixIn;
    };
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fixInput, hostile), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }), (batches) => {
        const e = new FixBatchEncoder();
        for (const raw of batches) {
          const inputs = raw.map(sameUnit);
          const taken: SituationInput[] = [];
          inputs.forEach((i, k) => {
            const fits = compactFix(i) !== null;
            expect(e.tryAdd(k, i), JSON.stringify(i)).toBe(fits);
            if (fits) taken.push(i);
          });
          expect(e.count).toBe(taken.length);
          if (!taken.length) continue;
          const back = decodeFixBatch(e.finish());
          back.forEach((x, k) => expect(x.input).toStrictEqual(viaJson(taken[k])));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('leaves to JSON what it cannot hold exactly', () => {
    const ok: FixIn = { t: 'events', at: T, topic: 'watchfloor/v1/units/u1/location', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', ts: T, lat: 26, lon: 119, kind: 'volunteer' } }] };
    expect(compactFix(ok)).toBe(ok);
    const fix = ok.events[0].type === 'unitFix' ? ok.events[0].fix : null!;
    const variants: [string, unknown][] = [
      ['another field on the fix', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, altitude: 12 } }] }],
      ['another field on the input', { ...ok, extra: 1 }],
      ['two events', { ...ok, events: [...ok.events, ...ok.events] }],
      ['a fix and an incident', { ...ok, events: [...ok.events, { type: 'incident', source: '110', report: {} }] }],
      ['no position', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, lat: Number.NaN } }] }],
      ['a name that is not a string', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, name: null } }] }],
      ['a NUL in the name', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, name: 'a\u0000b' } }] }],
      // UTF-8 has no form for a lone surrogate (it came back as U+FFFD); JSON keeps it as an escape
      ['a lone surrogate in the name', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, name: '志愿者\ud83d' } }] }],
      ['a lone low surrogate in the id', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, id: '\udc00u1' } }] }],
      ['a lone surrogate in the status', { ...ok, events: [{ type: 'unitFix', source: 'native', fix: { ...fix, status: '\ud800' as 'busy' } }] }],
      ['U+0001 in the topic', { ...ok, topic: 'x\u0001y' }],
      ['a receive time that is not whole', { ...ok, at: T + 0.5 }],
      ['a unit offline', { ...ok, events: [{ type: 'unitOffline', source: 'native', id: 'u1', ts: T }] }],
    ];
    for (const [why, input] of variants) expect(compactFix(input as SituationInput), why).toBeNull();
    // through the batcher: the fix to the fix channel, the odd ones to the events channel as JSON
    const b = new InputBatcher();
    b.add(1, ok);
    b.add(2, variants[0][1] as SituationInput);
    b.add(3, { t: 'tick', at: T + 1 });
    const msgs = b.drain();
    expect(msgs.map((m) => m.channelId).sort()).toEqual([channelIdOf('events'), channelIdOf('ticks'), FIX_CHANNEL].sort());
    const events = msgs.find((m) => m.channelId === channelIdOf('events'))!;
    expect(JSON.parse(new TextDecoder().decode(events.data))).toEqual({ n: [2], inputs: [viaJson(variants[0][1] as SituationInput)] });
    expect(decodeFixBatch(msgs.find((m) => m.channelId === FIX_CHANNEL)!.data)).toEqual([{ n: 1, input: ok }]);
    expect(b.count).toBe(0);
  });

  it('keeps numbers too large for a zigzag varint exact (as doubles)', () => {
    // found by the property above: a speed of -4.5e15 is a safe integer ×100, but its zigzag
    // (×2) is not, and came back positive
    const big: FixIn = { t: 'events', at: T, topic: 't/u1', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', ts: T - 2 ** 52, lat: 26, lon: 119, kind: 'volunteer', speed: -45041104879452.45, battery: 2 ** 51 } }] };
    const e = new FixBatchEncoder();
    e.tryAdd(1, big);
    expect(decodeFixBatch(e.finish())[0].input).toStrictEqual(viaJson(big));
  });

  it('reads fix by fix into one reused input, the same fixes as the copies', () => {
    const e = new FixBatchEncoder();
    const a: FixIn = { t: 'events', at: T, topic: 'watchfloor/v1/units/V1/location', retained: true, events: [{ type: 'unitFix', source: 'native', fix: { id: 'V1', ts: T - 150, lat: 26.04, lon: 119.29, kind: 'volunteer', name: '志愿者-1', speed: 1.2, status: 'available' } }] };
    const b: FixIn = { t: 'events', at: T + 40, topic: 'watchfloor/v1/units/P2/location', events: [{ type: 'unitFix', source: 'traccar', fix: { id: 'P2', ts: T + 20, lat: 26.05, lon: 119.3, kind: 'patrol', heading: 90, battery: 50 } }] };
    e.tryAdd(10, a);
    e.tryAdd(12, b);
    const data = e.finish();
    // what a seek looks at to pass over a batch its snapshot holds
    expect(FixBatchReader.lastNumber(data)).toBe(12);
    expect(FixBatchReader.lastNumber(data.subarray(0, 3))).toBeNaN();
    const r = new FixBatchReader(data);
    expect([r.count, r.peekN(), r.peekAt()]).toEqual([2, 10, T]);
    const first = r.next();
    // every field there, the absent ones undefined: what the reducer reads is the same
    expect(first).toEqual(a);
    expect(r.peekN()).toBe(12);
    const second = r.next();
    expect(second).toBe(first);
    expect(second).toEqual(b);
    expect(second.retained).toBeUndefined();
    expect(r.done).toBe(true);
    expect(r.peekN()).toBeNaN();
  });

  it('refuses a batch whose numbers go back or whose strings are not in its table', () => {
    const one = (n: number, id: string): [number, FixIn] => [n, { t: 'events', at: T, topic: `t/${id}`, events: [{ type: 'unitFix', source: 'native', fix: { id, ts: T, lat: 26, lon: 119, kind: 'volunteer' } }] }];
    const e = new FixBatchEncoder();
    for (const [n, i] of [one(5, 'a'), one(3, 'b')]) e.tryAdd(n, i);
    expect(() => new FixBatchReader(e.finish())).toThrow(/does not follow/);
    // the string table cut to its first entry: the other indexes point past it
    e.tryAdd(1, one(1, 'a')[1]);
    e.tryAdd(2, one(2, 'b')[1]);
    const good = e.finish();
    const w = new ProtoWriter();
    const r = new ProtoReader(good);
    for (let f = r.next(); f; f = r.next()) {
      if (f.field === 3) w.bytes(3, new TextEncoder().encode('t/\u0001'));
      else w.bytes(f.field, good.subarray(f.value, f.end));
    }
    expect(() => new FixBatchReader(w.finish())).toThrow(/string \d+ of 1/);
  });

  it('refuses a cut or malformed batch with an error, never a wrong fix', () => {
    const e = new FixBatchEncoder();
    e.tryAdd(1, { t: 'events', at: T, topic: 't/u1', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', ts: T, lat: 26, lon: 119, kind: 'volunteer', name: 'n', heading: 12 } }] });
    const good = e.finish();
    expect(decodeFixBatch(good)).toHaveLength(1);
    for (let cut = 1; cut < good.length; cut++) expect(() => decodeFixBatch(good.subarray(0, cut)), `cut at ${cut} of ${good.length}`).toThrow(/protobuf|FixBatch/);
    expect(() => decodeFixBatch(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
  });

  it('is read by protobufjs through the channel’s FileDescriptorSet (as Foxglove reads it)', () => {
    const set = (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet.decode(fixBatchDescriptorSet());
    const root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor(set);
    const type = root.lookupType('watchfloor.FixBatch');
    const e = new FixBatchEncoder();
    const a: FixIn = { t: 'events', at: T, topic: 'watchfloor/v1/units/V1/location', events: [{ type: 'unitFix', source: 'native', fix: { id: 'V1', ts: T - 150, lat: 26.0411234, lon: 119.2962, kind: 'volunteer', name: '志愿者-1', speed: 1.2, status: 'available' } }] };
    const b: FixIn = { t: 'events', at: T + 40, topic: 'watchfloor/v1/units/P2/location', events: [{ type: 'unitFix', source: 'native', fix: { id: 'P2', ts: T + 20, lat: 26.05, lon: 119.3, kind: 'patrol', heading: 90 } }] };
    e.tryAdd(10, a);
    e.tryAdd(12, b);
    const m = type.toObject(type.decode(e.finish()), { longs: Number, defaults: false }) as Record<string, unknown>;
    expect(m.n).toEqual([10, 2]);
    expect(m.at).toEqual([T, 40]);
    const strings = (m.strings as string).split('\u0000');
    expect((m.id as number[]).map((i) => strings[i])).toEqual(['V1', 'P2']);
    expect((m.name as number[]).map((i) => strings[i])).toEqual(['志愿者-1']);
    expect(strings[(m.topic as number[])[0]]).toBe('watchfloor/v1/units/\u0001/location');
    expect(m.lat_e7).toEqual([260411234, 260500000 - 260411234]);
    expect(m.ts_lag).toEqual([150, 20]);
    expect(m.speed_e2).toEqual([120]);
    expect(m.heading_e2).toEqual([9000]);
    expect(m.present).toEqual([1 | 4 | 16, 2]);
  });
});

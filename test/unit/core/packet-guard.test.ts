// The oversize guard against MQTT's own encoder and parser (mqtt-packet, what mqtt.js and Aedes
// use): random packet streams cut into random chunks come out as the same packets, except that a
// PUBLISH over the limit comes out as the same PUBLISH carrying a marker and an excerpt.
import fc from 'fast-check';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createPacketGuard, OVERSIZE_EXCERPT_BYTES, oversizeMarker, oversizeMarkerKey, readOversizeMarker, useOversizeMarkerKey } from '../../../core/ingest/packet-guard.js';

const LIMIT = 2000;

function parseAll(bytes: Uint8Array[], protocolVersion: 4 | 5): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const out: Packet[] = [];
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e) => {
    throw e;
  });
  for (const b of bytes) parser.parse(Buffer.from(b));
  return out;
}

const topic = fc.stringMatching(/^[a-z0-9/]{1,40}$/);
const publish = (v5: boolean) =>
  fc.record({
    topic,
    size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: LIMIT - 5, max: LIMIT + 5 }), fc.integer({ min: LIMIT + 1, max: 20_000 })),
    qos: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
    retain: fc.boolean(),
    id: fc.integer({ min: 1, max: 65535 }),
    userProp: v5 ? fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) : fc.constant(undefined),
  }).map(({ topic, size, qos, retain, id, userProp }): IPublishPacket => {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = 32 + ((i * 7 + size) % 90);
    return {
      cmd: 'publish',
      topic,
      payload,
      qos,
      retain,
      dup: false,
      ...(qos > 0 ? { messageId: id } : {}),
      ...(userProp !== undefined ? { properties: { userProperties: { k: userProp } } } : {}),
    } as IPublishPacket;
  });
const control = fc.constantFrom<Packet>({ cmd: 'pingresp' }, { cmd: 'puback', messageId: 7 } as Packet, { cmd: 'suback', messageId: 3, granted: [1, 1] } as Packet);

/** The stream cut at random places, as TCP would. */
function chunks(bytes: Buffer, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    if (p > at) out.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  return out;
}

describe('oversize packet guard', () => {
  for (const protocolVersion of [4, 5] as const) {
    it(`passes small packets untouched and cuts large PUBLISHes to a marker (MQTT v${protocolVersion})`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(publish(protocolVersion === 5), control), { minLength: 1, maxLength: 12 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (packets, cuts) => {
          const stream = Buffer.concat(packets.map((p) => mqttPacket.generate(p, { protocolVersion })));
          const guard = createPacketGuard({ maxPayloadBytes: LIMIT, protocolVersion });
          const out: Uint8Array[] = [];
          for (const c of chunks(stream, cuts)) {
            const r = guard.feed(c);
            expect(r.ok).toBe(true);
            if (r.ok) out.push(...r.chunks);
          }
          const parsed = parseAll(out, protocolVersion);
          expect(parsed).toHaveLength(packets.length);
          let cut = 0;
          packets.forEach((p, i) => {
            const got = parsed[i];
            if (p.cmd !== 'publish') return expect(got).toMatchObject(p as object);
            const pub = got as IPublishPacket;
            expect({ cmd: pub.cmd, topic: pub.topic, qos: pub.qos, retain: pub.retain, messageId: pub.messageId }).toEqual({ cmd: 'publish', topic: p.topic, qos: p.qos, retain: p.retain, messageId: p.messageId });
            if (protocolVersion === 5) expect(pub.properties?.userProperties).toEqual(p.properties?.userProperties);
            const payload = p.payload as Buffer;
            if (payload.length <= LIMIT) return expect(Buffer.from(pub.payload as Buffer).equals(payload)).toBe(true);
            cut++;
            const marker = readOversizeMarker(pub.payload as Buffer);
            expect(marker?.bytes).toBe(payload.length);
            expect(Buffer.from(marker!.head).equals(payload.subarray(0, OVERSIZE_EXCERPT_BYTES))).toBe(true);
          });
          expect(guard.stats.cut).toBe(cut);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('never holds a large payload: what it hands on stays small however big the message', () => {
    const payload = Buffer.alloc(10 * 1024 * 1024, 0x41);
    const bytes = mqttPacket.generate({ cmd: 'publish', topic: 'frigate/events', payload, qos: 1, messageId: 9, retain: false, dup: false } as IPublishPacket, { protocolVersion: 4 });
    const guard = createPacketGuard({ maxPayloadBytes: 64 * 1024, protocolVersion: 4 });
    let handedOn = 0;
    for (let at = 0; at < bytes.length; at += 65536) {
      const r = guard.feed(bytes.subarray(at, at + 65536));
      if (!r.ok) throw new Error(r.error);
      handedOn += r.chunks.reduce((n, c) => n + c.length, 0);
    }
    expect(handedOn).toBeLessThan(2 * 1024);
    expect(guard.stats.skippedBytes).toBeGreaterThan(10 * 1024 * 1024 - 2048);
    expect(readOversizeMarker(new TextEncoder().encode('{"not":"a marker"}'))).toBeNull();
  });

  it('reads only markers made with this process\'s key: a publisher cannot dress a payload up as a cut one', () => {
    const key = oversizeMarkerKey();
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const head = new TextEncoder().encode('{"id":"X"}');
    expect(readOversizeMarker(oversizeMarker(123_456, head))).toMatchObject({ bytes: 123_456 });
    const enc = (s: string) => new TextEncoder().encode(s);
    // the marker's form before it had a key, and one with a key guessed
    expect(readOversizeMarker(enc('\u0000watchfloor:oversized:99999999\u0000{"id":"F"}'))).toBeNull();
    expect(readOversizeMarker(enc(`\u0000watchfloor:oversized:${'0'.repeat(32)}:99999999\u0000{"id":"F"}`))).toBeNull();
    // a worker thread takes its parent's key, and then reads what the parent marks and vice versa
    const made = oversizeMarker(77, head);
    const other = 'ab'.repeat(16);
    useOversizeMarkerKey(other);
    try {
      expect(readOversizeMarker(made)).toBeNull();
      expect(readOversizeMarker(oversizeMarker(77, head))).toMatchObject({ bytes: 77 });
      expect(() => useOversizeMarkerKey('not a key')).toThrow(/32 hex digits/);
    } finally {
      useOversizeMarkerKey(key);
    }
    expect(readOversizeMarker(made)).toMatchObject({ bytes: 77 });
  });

  it('refuses a stream that is not MQTT it accepts, rather than buffering it', () => {
    const guard = createPacketGuard({ maxPayloadBytes: 1024, protocolVersion: 4 });
    // a SUBACK claiming 200 MB, and a remaining length that never ends
    expect(guard.feed(Uint8Array.from([0x90, 0x80, 0x80, 0x80, 0x60])).ok).toBe(false);
    expect(createPacketGuard({ maxPayloadBytes: 1024, protocolVersion: 4 }).feed(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).ok).toBe(false);
  });
});

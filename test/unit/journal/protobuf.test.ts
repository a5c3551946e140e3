// The journal's hand-written protobuf parts (core/journal/protobuf.ts) against protobufjs, an
// independent implementation: every value from 0 to 2^53 (and signed, delta-coded) written by one
// is read back by the other, and cut fields are refused.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWriter, varintSize } from '../../../core/journal/protobuf.js';

const unsigned = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(127, 128, 2 ** 14 - 1, 2 ** 14, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35, Number.MAX_SAFE_INTEGER), fc.maxSafeNat());
// within ±2^51, so that the difference of any two (delta coding) zigzags below 2^53
const signed = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.constantFrom(-(2 ** 31), 2 ** 31, -(2 ** 51), 2 ** 51 - 1, 1_765_000_000_000), fc.integer({ min: -(2 ** 51), max: 2 ** 51 - 1 }));

const fromJs = (field: number, write: (w: protobuf.Writer) => void) => {
  const w = protobuf.Writer.create();
  w.uint32((field << 3) | 2).fork();
  write(w);
  w.ldelim();
  return w.finish();
};

describe('the journal’s protobuf writer and reader', () => {
  it('writes a string table byte for byte as joining and encoding would, and refuses a separator or a lone surrogate with nothing written', () => {
    // strings of every width (ASCII, 2- and 3-byte UTF-8, surrogate pairs), tables around the
    // lengths where the length's varint grows (its room is made for the longest it could be)
    const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom('志愿者-17', 'é', '😀', 'a'.repeat(127), 'b'.repeat(128), '闽'.repeat(42), '闽'.repeat(43)));
    const clean = piece.filter((x) => !x.includes('\u0000'));
    fc.assert(
      fc.property(fc.array(clean, { maxLength: 200 }), fc.integer({ min: 0, max: 20 }), (strings, before) => {
        const w = new ProtoWriter(4);
        for (let i = 0; i < before; i++) w.varint(i);
        const start = w.length;
        expect(w.stringTable(3, strings)).toBe(true);
        const got = w.finish().subarray(start);
        const r = new ProtoReader(got);
        const f = r.next()!;
        expect(f.field).toBe(3);
        expect(new TextDecoder('utf-8', { fatal: true }).decode(got.subarray(f.value, f.end))).toBe(strings.join('\u0000'));
        expect(f.end).toBe(got.length);
        // protobufjs writes the same bytes
        const js = protobuf.Writer.create();
        js.uint32((3 << 3) | 2).string(strings.join('\u0000'));
        expect([...got]).toEqual([...js.finish()]);
      }),
      { numRuns: 300 },
    );
    for (const bad of [['ok', 'a\u0000b'], ['x\ud800'], ['\udc00'], ['ok', '😀', 'end\ud83d']]) {
      const w = new ProtoWriter(4);
      w.varint(5);
      expect(w.stringTable(3, bad), JSON.stringify(bad)).toBe(false);
      expect([...w.finish()]).toEqual([5]);
    }
  });

  it('write packed varints protobufjs reads, and read what protobufjs writes', () => {
    fc.assert(
      fc.property(fc.array(unsigned, { minLength: 1, maxLength: 30 }), fc.array(signed, { minLength: 1, maxLength: 30 }), (us, ss) => {
        for (const v of us) {
          const one = new ProtoWriter(16);
          one.varint(v);
          expect(one.length).toBe(varintSize(v));
        }
        const w = new ProtoWriter(8);
        w.packedUint(1, us);
        w.packedSint(2, ss);
        w.packedSint(3, ss, ss.length, true);
        w.packedDouble(4, ss);
        const bytes = w.finish();
        // protobufjs reads them
        const r = protobuf.Reader.create(bytes);
        const read = (tag: number, one: () => number) => {
          expect(r.uint32()).toBe(tag);
          const end = r.uint32() + r.pos;
          const out: number[] = [];
          while (r.pos < end) out.push(one());
          return out;
        };
        expect(read((1 << 3) | 2, () => Number(r.uint64()))).toEqual(us);
        expect(read((2 << 3) | 2, () => Number(r.sint64()))).toEqual(ss);
        expect(read((3 << 3) | 2, () => Number(r.sint64()))).toEqual(ss.map((v, i) => v - (i ? ss[i - 1] : 0)));
        expect(read((4 << 3) | 2, () => r.double())).toEqual(ss);
        // and ours reads what protobufjs wrote
        const theirs = [...fromJs(1, (x) => us.forEach((v) => x.uint64(v))), ...fromJs(2, (x) => ss.forEach((v) => x.sint64(v)))];
        const ours = new ProtoReader(Uint8Array.from(theirs));
        expect([...ours.packedUint(ours.next()!)]).toEqual(us);
        expect([...ours.packedSint(ours.next()!)]).toEqual(ss);
        expect(ours.next()).toBeNull();
        const back = new ProtoReader(bytes);
        back.next();
        back.next();
        expect([...back.packedSint(back.next()!, true)]).toEqual(ss);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a packed field whose last varint is cut', () => {
    const w = new ProtoWriter();
    w.packedUint(1, [5, 2 ** 40]);
    const bytes = w.finish();
    // the field's length says one byte fewer: its last varint ends past it
    const cut = Uint8Array.from(bytes);
    cut[1]--;
    const r = new ProtoReader(cut.subarray(0, cut.length - 1));
    expect(() => r.packedUint(r.next()!)).toThrow(/runs past the end/);
  });
});

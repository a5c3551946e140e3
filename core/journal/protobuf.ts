// The few parts of the protobuf wire format the journal's compact channels need: varints (zigzag
// for signed), packed repeated fields, length-delimited bytes and strings. Hand-written because the
// journal writes and reads millions of values an hour and only these shapes occur; numbers are
// JavaScript numbers up to 2^53 (safe integers), never BigInt. Pure.

/** Wire types (protobuf encoding). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;

export const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (u: number): number => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);

/** Bytes of `v` as a varint (0 ≤ v < 2^53). */
export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  v = Math.floor(v / 0x10000000);
  while (v >= 0x80) {
    n++;
    v = Math.floor(v / 0x80);
  }
  return n + 1;
}

/** Numbers to write as a packed field: a plain array, or a typed column and how many of it count. */
type Values = ArrayLike<number>;

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(size = 4096) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** An unsigned integer, 0 ≤ v < 2^53. */
  varint(v: number): void {
    this.room(10);
    this.put(v);
  }

  /** a varint where room was made already; bit operations below 2^31, division above */
  private put(v: number): void {
    const buf = this.buf;
    let p = this.length;
    while (v > 0x7fffffff) {
      buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    while (v >= 0x80) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.length = p;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(data.length);
    this.room(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /**
   * Strings as one length-delimited field: UTF-8, with the one-byte character `sep` between them.
   * Encoded here code unit by code unit, straight into the buffer: joining a batch's tens of
   * thousands of strings and encoding the result cost ~15× as much. False, with nothing written,
   * when a string holds `sep` or a lone surrogate (UTF-8 has no form for one: it would come back
   * as U+FFFD), so the caller can keep that message exact another way.
   */
  stringTable(field: number, strings: readonly string[], count = strings.length, sep = 0): boolean {
    const start = this.length;
    let codeUnits = 0;
    for (let k = 0; k < count; k++) codeUnits += strings[k].length;
    // a UTF-16 code unit takes at most 3 bytes (a surrogate pair 4 for the two)
    const max = codeUnits * 3 + count;
    const lenBytes = varintSize(max);
    this.tag(field, LEN);
    this.room(lenBytes + max);
    const buf = this.buf;
    const body = this.length + lenBytes;
    let p = body;
    for (let k = 0; k < count; k++) {
      if (k > 0) buf[p++] = sep;
      const s = strings[k];
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) {
          if (c === sep) return this.rollBack(start);
          buf[p++] = c;
        } else if (c < 0x800) {
          buf[p++] = 0xc0 | (c >> 6);
          buf[p++] = 0x80 | (c & 0x3f);
        } else if (c < 0xd800 || c > 0xdfff) {
          buf[p++] = 0xe0 | (c >> 12);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        } else {
          const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (d < 0xdc00 || d > 0xdfff) return this.rollBack(start);
          i++;
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
        }
      }
    }
    // the length goes before the bytes: room was left for the longest it could be
    const size = p - body;
    const sizeBytes = varintSize(size);
    if (sizeBytes < lenBytes) buf.copyWithin(body - lenBytes + sizeBytes, body, p);
    this.length = body - lenBytes;
    this.put(size);
    this.length += size;
    return true;
  }

  private rollBack(to: number): false {
    this.length = to;
    return false;
  }

  /** A packed repeated uint32/uint64 field of the first `count` values (nothing when none, as protobuf writes it). */
  packedUint(field: number, values: Values, count = values.length): void {
    if (!count) return;
    let size = 0;
    for (let i = 0; i < count; i++) size += varintSize(values[i]);
    this.tag(field, LEN);
    this.varint(size);
    this.room(size);
    for (let i = 0; i < count; i++) this.put(values[i]);
  }

  /**
   * A packed repeated sint64 field (zigzag) of the first `count` values, each written as its
   * difference from the one before when `delta` (the first from 0).
   */
  packedSint(field: number, values: Values, count = values.length, delta = false): void {
    if (!count) return;
    let size = 0;
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      size += varintSize(zigzag(delta ? v - prev : v));
      prev = v;
    }
    this.tag(field, LEN);
    this.varint(size);
    this.room(size);
    prev = 0;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      this.put(zigzag(delta ? v - prev : v));
      prev = v;
    }
  }

  /** A packed repeated double field of the first `count` values. */
  packedDouble(field: number, values: Values, count = values.length): void {
    if (!count) return;
    this.tag(field, LEN);
    this.varint(count * 8);
    this.room(count * 8);
    for (let i = 0; i < count; i++) {
      this.view.setFloat64(this.length, values[i], true);
      this.length += 8;
    }
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /**
   * What was written, as a view of the writer's own buffer: no copy, but valid only until the
   * writer is written to again. For a caller that copies it at once (a chunk of an MCAP file):
   * the copy of a batch's megabytes into fresh memory cost more than encoding the batch's numbers.
   */
  written(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Empties the writer, keeping its buffer (a writer used batch after batch allocates once). */
  reset(): void {
    this.length = 0;
  }
}

/** One field as read: its number, wire type and, for LEN fields, where its bytes are. */
export interface ProtoField {
  field: number;
  wire: number;
  /** VARINT: the value; LEN: the start of its bytes */
  value: number;
  /** LEN: the end of its bytes */
  end: number;
}

export class ProtoReader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  varint(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    // up to four bytes (below 2^28) in bit operations, the rest by multiplication
    let v = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) throw new Error('protobuf: a varint runs past the end');
      const b = buf[p++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = p;
        return v;
      }
    }
    let scale = 0x10000000;
    for (;;) {
      if (p >= end) throw new Error('protobuf: a varint runs past the end');
      const b = buf[p++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = p;
        return v;
      }
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('protobuf: a varint longer than 8 bytes');
    }
  }

  /** The next field, or null at the end. Fields of wire types other than VARINT, FIXED64 and LEN are refused. */
  next(): ProtoField | null {
    if (this.pos >= this.end) return null;
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === VARINT) return { field, wire, value: this.varint(), end: this.pos };
    if (wire === FIXED64) {
      const start = this.pos;
      this.pos += 8;
      if (this.pos > this.end) throw new Error('protobuf: a fixed64 runs past the end');
      return { field, wire, value: start, end: this.pos };
    }
    if (wire === LEN) {
      const len = this.varint();
      const start = this.pos;
      this.pos += len;
      if (this.pos > this.end) throw new Error(`protobuf: field ${field} runs past the end`);
      return { field, wire, value: start, end: this.pos };
    }
    throw new Error(`protobuf: wire type ${wire} of field ${field} is not used here`);
  }

  /** How many varints a packed field holds (each ends in the one byte of it below 0x80). */
  private countVarints(f: ProtoField): number {
    let n = 0;
    for (let p = f.value; p < f.end; p++) if (this.buf[p] < 0x80) n++;
    return n;
  }

  /** A packed repeated unsigned varint field's values. */
  packedUint(f: ProtoField): Float64Array {
    const r = new ProtoReader(this.buf, f.value, f.end);
    const out = new Float64Array(this.countVarints(f));
    for (let i = 0; i < out.length; i++) out[i] = r.varint();
    if (r.pos !== r.end) throw new Error('protobuf: a varint runs past the end');
    return out;
  }

  /** A packed repeated sint64 field's values; running sums of them when `delta` (the field holds differences). */
  packedSint(f: ProtoField, delta = false): Float64Array {
    const r = new ProtoReader(this.buf, f.value, f.end);
    const out = new Float64Array(this.countVarints(f));
    let acc = 0;
    for (let i = 0; i < out.length; i++) {
      const v = unzigzag(r.varint());
      out[i] = delta ? (acc += v) : v;
    }
    if (r.pos !== r.end) throw new Error('protobuf: a varint runs past the end');
    return out;
  }

  packedDouble(f: ProtoField): Float64Array {
    if ((f.end - f.value) % 8) throw new Error(`protobuf: packed doubles of field ${f.field} are not a multiple of 8 bytes`);
    const out = new Float64Array((f.end - f.value) / 8);
    for (let i = 0, p = f.value; i < out.length; i++, p += 8) out[i] = this.view.getFloat64(p, true);
    return out;
  }
}

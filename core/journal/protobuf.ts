// The few parts of the protobuf wire format the journal's compact channels need: varints (zigzag
// for signed), packed repeated fields, length-delimited bytes and strings. Hand-written because the
// journal writes and reads millions of values an hour and only these shapes occur; numbers are
// JavaScript numbers up to 2^53 (safe integers), never BigInt. Pure.

/** Wire types (protobuf encoding). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (u: number): number => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);

export class ProtoWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  length = 0;

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
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
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

  /** A packed repeated uint32/uint64 field (nothing when empty, as protobuf writes it). */
  packedUint(field: number, values: readonly number[]): void {
    if (!values.length) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** A packed repeated sint64 field (zigzag). */
  packedSint(field: number, values: readonly number[]): void {
    if (!values.length) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(zigzag(v));
    this.bytes(field, inner.finish());
  }

  /** A packed repeated double field. */
  packedDouble(field: number, values: readonly number[]): void {
    if (!values.length) return;
    this.tag(field, LEN);
    this.varint(values.length * 8);
    this.room(values.length * 8);
    for (const v of values) {
      this.view.setFloat64(this.length, v, true);
      this.length += 8;
    }
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
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
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('protobuf: a varint runs past the end');
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
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

  /** A packed repeated unsigned varint field's values. */
  packedUint(f: ProtoField): number[] {
    const r = new ProtoReader(this.buf, f.value, f.end);
    const out: number[] = [];
    while (r.pos < r.end) out.push(r.varint());
    return out;
  }

  /** A packed repeated sint64 field's values. */
  packedSint(f: ProtoField): number[] {
    const r = new ProtoReader(this.buf, f.value, f.end);
    const out: number[] = [];
    while (r.pos < r.end) out.push(unzigzag(r.varint()));
    return out;
  }

  packedDouble(f: ProtoField): number[] {
    if ((f.end - f.value) % 8) throw new Error(`protobuf: packed doubles of field ${f.field} are not a multiple of 8 bytes`);
    const out: number[] = [];
    for (let p = f.value; p < f.end; p += 8) out.push(this.view.getFloat64(p, true));
    return out;
  }
}

// Columns of numbers for the journal's protobuf messages (fix batches, unit tables): growing typed
// arrays kept from message to message, and number columns written as zigzag varints of whole
// multiples of 1/scale where every value is one (checked to come back bit for bit), else as
// doubles. Pure.
import { ProtoReader, ProtoWriter, type ProtoField } from './protobuf.js';

/**
 * A whole number small enough to go as a zigzag varint, itself or as the difference of two such:
 * zigzag doubles a number, and a double holds whole numbers exactly only below 2^53.
 */
const ZIGZAG_MAX = 2 ** 50;
export const wholeWithin = (v: number): boolean => Number.isInteger(v) && Math.abs(v) < ZIGZAG_MAX;

/**
 * A growing column of numbers, kept between batches (a batch's thousands of pushes allocate
 * nothing). Two classes, not one generic: each push site then sees one kind of array.
 */
export class Doubles {
  values = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }
}

export class Indexes {
  values = new Uint32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.values.length) {
      const next = new Uint32Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }
}
export const doubles = () => new Doubles();
export const indexes = () => new Indexes();

/**
 * A number column: whole multiples of 1/scale (checked to come back bit for bit) as zigzag
 * varints, delta-coded where neighbours are close; otherwise the whole column as doubles. A push
 * only stores the value: scaling and the check run when the column is written, in one tight loop
 * over the values (on the live journal's path a push is paid for every fix of every unit).
 */
export class NumberColumn {
  private readonly values = doubles();
  /** scratch for the scaled values, kept between writes */
  private ints = new Float64Array(0);
  constructor(
    private readonly scale: number,
    private readonly delta: boolean,
    private readonly intField: number,
    private readonly doubleField: number,
  ) {}

  push(v: number): void {
    // -0 as 0, as JSON writes it (the journal's fixes come back as the JSON journal's would)
    this.values.push(v === 0 ? 0 : v);
  }

  write(w: ProtoWriter): void {
    const { values, length } = this.values;
    if (this.ints.length < length) this.ints = new Float64Array(values.length);
    const ints = this.ints;
    const scale = this.scale;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      const q = Math.round(v * scale);
      if (!wholeWithin(q) || q / scale !== v) {
        w.packedDouble(this.doubleField, values, length);
        return;
      }
      ints[i] = q;
    }
    w.packedSint(this.intField, ints, length, this.delta);
  }

  reset(): void {
    this.values.length = 0;
  }
}

/** Reads one NumberColumn back (whichever of its two fields the batch holds). */
export function readNumbers(r: ProtoReader, ints: ProtoField | undefined, doubles: ProtoField | undefined, scale: number, delta: boolean): Float64Array {
  if (doubles) return r.packedDouble(doubles);
  if (!ints) return new Float64Array(0);
  const q = r.packedSint(ints, delta);
  for (let i = 0; i < q.length; i++) q[i] /= scale;
  return q;
}

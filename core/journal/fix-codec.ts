// Unit fixes in the journal, column by column: the bulk of a city's traffic (5,000 units at 1 Hz)
// is one location message after another, and as JSON each costs ~300 bytes to write and ~10 µs to
// read back (UTF-8 decoding, parsing, garbage). A batch of them becomes one protobuf message
// (`watchfloor.FixBatch`, schema below, so Foxglove and protobuf tools decode it too) of packed
// columns: numbers as varints (whole milliseconds, coordinates in 1e-7 degrees, delta-coded) and
// strings once each. Only an input that comes back exactly as JSON would bring it back takes this
// path (compactFix); anything else — another field, an odd type, a second event — stays JSON on
// the events channel. Pure.
import type { SituationInput } from '../inputs.js';
import { ProtoReader, ProtoWriter } from './protobuf.js';

/** An input the fix channel can hold: one unit fix, nothing else. */
type FixInput = Extract<SituationInput, { t: 'events' }>;

const INPUT_KEYS = new Set(['t', 'at', 'topic', 'events', 'retained']);
const EVENT_KEYS = new Set(['type', 'source', 'fix']);
const FIX_KEYS = new Set(['id', 'ts', 'lat', 'lon', 'kind', 'name', 'heading', 'speed', 'accuracy', 'status', 'battery']);
/** stands for the unit's id in a topic (so one topic template serves every unit) */
const ID_MARK = '\u0001';
/** between the strings of a batch's table (one UTF-8 decode for them all) */
const SEP = '\u0000';

/** the optional numbers, in field order, each with its bit in `present` */
const OPTIONAL_NUMBERS = ['heading', 'speed', 'accuracy', 'battery'] as const;
type OptionalNumber = (typeof OPTIONAL_NUMBERS)[number];
const BIT = { name: 1, heading: 2, speed: 4, accuracy: 8, status: 16, battery: 32, retained: 64, retainedTrue: 128 } as const;

const onlyKeys = (o: object, allowed: Set<string>): boolean => {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
};
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNumber = (v: unknown): boolean => v === undefined || finite(v);
const optString = (v: unknown): boolean => v === undefined || (typeof v === 'string' && !v.includes(SEP));
const plainString = (v: unknown): v is string => typeof v === 'string' && !v.includes(SEP) && !v.includes(ID_MARK);

/** The input, when it is one unit fix the fix channel holds exactly; null: it goes as JSON. */
export function compactFix(input: SituationInput): FixInput | null {
  if (input.t !== 'events' || input.events.length !== 1 || !Number.isSafeInteger(input.at) || !plainString(input.topic)) return null;
  if (input.retained !== undefined && typeof input.retained !== 'boolean') return null;
  const ev = input.events[0];
  if (ev.type !== 'unitFix' || !plainString(ev.source) || !onlyKeys(input, INPUT_KEYS) || !onlyKeys(ev, EVENT_KEYS)) return null;
  const f = ev.fix;
  if (typeof f !== 'object' || f === null || !onlyKeys(f, FIX_KEYS)) return null;
  if (!plainString(f.id) || !plainString(f.kind) || !finite(f.ts) || !finite(f.lat) || !finite(f.lon)) return null;
  if (!optString(f.name) || !optString(f.status) || !optNumber(f.heading) || !optNumber(f.speed) || !optNumber(f.accuracy) || !optNumber(f.battery)) return null;
  return input;
}

/**
 * A number column: whole multiples of 1/scale (checked to come back bit for bit) as zigzag
 * varints, delta-coded where neighbours are close; otherwise the whole column as doubles.
 */
class NumberColumn {
  readonly values: number[] = [];
  private scaled = true;
  constructor(
    private readonly scale: number,
    private readonly delta: boolean,
    private readonly intField: number,
    private readonly doubleField: number,
  ) {}

  push(v: number): void {
    this.values.push(v);
    if (this.scaled) {
      const q = Math.round(v * this.scale);
      if (!Number.isSafeInteger(q) || q / this.scale !== v) this.scaled = false;
    }
  }

  write(w: ProtoWriter): void {
    // -0 as 0, as JSON writes it (the journal's fixes come back as the JSON journal's would)
    if (!this.scaled) return w.packedDouble(this.doubleField, this.values.map((v) => (v === 0 ? 0 : v)));
    let prev = 0;
    const ints = this.values.map((v) => {
      const q = Math.round(v * this.scale);
      const d = this.delta ? q - prev : q;
      prev = q;
      return d;
    });
    w.packedSint(this.intField, ints);
  }
}

/** Reads one NumberColumn back (whichever of its two fields the batch holds). */
function readNumbers(r: ProtoReader, ints: ReturnType<ProtoReader['next']> | undefined, doubles: ReturnType<ProtoReader['next']> | undefined, scale: number, delta: boolean): number[] {
  if (doubles) return r.packedDouble(doubles);
  if (!ints) return [];
  const q = r.packedSint(ints);
  let acc = 0;
  return q.map((d) => {
    acc = delta ? acc + d : d;
    return acc / scale;
  });
}

/** The field numbers of watchfloor.FixBatch (FIX_BATCH_PROTO). */
const F = {
  n: 1,
  at: 2,
  strings: 3,
  topic: 4,
  source: 5,
  id: 6,
  kind: 7,
  present: 8,
  name: 9,
  status: 10,
  tsLag: 11,
  ts: 12,
  latE7: 13,
  lat: 14,
  lonE7: 15,
  lon: 16,
  headingE2: 17,
  heading: 18,
  speedE2: 19,
  speed: 20,
  accuracyE2: 21,
  accuracy: 22,
  batteryE2: 23,
  battery: 24,
} as const;

/** Gathers fixes (with their numbers in the wall's sequence) into one FixBatch message. */
export class FixBatchEncoder {
  private readonly strings = new Map<string, number>();
  private readonly n: number[] = [];
  private readonly at: number[] = [];
  private readonly topic: number[] = [];
  private readonly source: number[] = [];
  private readonly id: number[] = [];
  private readonly kind: number[] = [];
  private readonly present: number[] = [];
  private readonly name: number[] = [];
  private readonly status: number[] = [];
  private readonly tsLag: number[] = [];
  private tsWhole = true;
  private readonly ts: number[] = [];
  private readonly lat = new NumberColumn(1e7, true, F.latE7, F.lat);
  private readonly lon = new NumberColumn(1e7, true, F.lonE7, F.lon);
  private readonly optional: Record<OptionalNumber, NumberColumn> = {
    heading: new NumberColumn(100, false, F.headingE2, F.heading),
    speed: new NumberColumn(100, false, F.speedE2, F.speed),
    accuracy: new NumberColumn(100, false, F.accuracyE2, F.accuracy),
    battery: new NumberColumn(100, false, F.batteryE2, F.battery),
  };
  /** the first fix's receive time (the message's log time) */
  firstAt = 0;
  /** roughly the bytes the batch will take (for chunk sizing) */
  bytes = 0;

  get count(): number {
    return this.n.length;
  }

  private str(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) {
      this.strings.set(s, (i = this.strings.size));
      this.bytes += s.length * 2;
    }
    return i;
  }

  /** the last topic template, as [prefix, suffix, index]: the same one fix after fix, found without making a string */
  private lastTemplate: [string, string, number] | null = null;

  private topicIndex(topic: string, id: string): number {
    const l = this.lastTemplate;
    if (l && id && topic.length === l[0].length + id.length + l[1].length && topic.startsWith(l[0]) && topic.endsWith(l[1]) && topic.startsWith(id, l[0].length)) return l[2];
    if (!id) return this.str(topic);
    const parts = topic.split(id);
    const index = this.str(parts.join(ID_MARK));
    if (parts.length === 2) this.lastTemplate = [parts[0], parts[1], index];
    return index;
  }

  /** Adds input `n`, which compactFix accepted. */
  add(n: number, input: FixInput): void {
    const ev = input.events[0] as Extract<FixInput['events'][number], { type: 'unitFix' }>;
    const f = ev.fix;
    if (!this.n.length) this.firstAt = input.at;
    this.n.push(n);
    this.at.push(input.at);
    this.topic.push(this.topicIndex(input.topic, f.id));
    this.source.push(this.str(ev.source));
    this.id.push(this.str(f.id));
    this.kind.push(this.str(f.kind));
    let bits = 0;
    if (f.name !== undefined) {
      bits |= BIT.name;
      this.name.push(this.str(f.name));
    }
    if (f.status !== undefined) {
      bits |= BIT.status;
      this.status.push(this.str(f.status));
    }
    for (const k of OPTIONAL_NUMBERS) {
      const v = f[k];
      if (v === undefined) continue;
      bits |= BIT[k];
      this.optional[k].push(v);
    }
    if (input.retained !== undefined) bits |= BIT.retained | (input.retained ? BIT.retainedTrue : 0);
    this.present.push(bits);
    this.ts.push(f.ts);
    if (this.tsWhole && !(Number.isSafeInteger(f.ts) && Number.isSafeInteger(input.at - f.ts))) this.tsWhole = false;
    this.lat.push(f.lat);
    this.lon.push(f.lon);
    this.bytes += 24;
  }

  finish(): Uint8Array {
    const w = new ProtoWriter();
    const delta = (xs: number[]) => xs.map((x, i) => x - (i ? xs[i - 1] : 0));
    w.packedSint(F.n, delta(this.n));
    w.packedSint(F.at, delta(this.at));
    w.bytes(F.strings, new TextEncoder().encode([...this.strings.keys()].join(SEP)));
    w.packedUint(F.topic, this.topic);
    w.packedUint(F.source, this.source);
    w.packedUint(F.id, this.id);
    w.packedUint(F.kind, this.kind);
    w.packedUint(F.present, this.present);
    w.packedUint(F.name, this.name);
    w.packedUint(F.status, this.status);
    if (this.tsWhole) w.packedSint(F.tsLag, this.at.map((a, i) => a - this.ts[i]));
    else w.packedDouble(F.ts, this.ts.map((v) => (v === 0 ? 0 : v)));
    this.lat.write(w);
    this.lon.write(w);
    for (const k of OPTIONAL_NUMBERS) this.optional[k].write(w);
    return w.finish();
  }
}

interface UnitFixOut {
  id: string;
  ts: number;
  lat: number;
  lon: number;
  kind: string;
  name?: string;
  heading?: number;
  speed?: number;
  accuracy?: number;
  status?: string;
  battery?: number;
}

export interface NumberedFix {
  n: number;
  input: FixInput;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The fixes of one FixBatch message, each as the input it was recorded from. Throws on a malformed batch. */
export function decodeFixBatch(data: Uint8Array): NumberedFix[] {
  const r = new ProtoReader(data);
  const f = new Map<number, NonNullable<ReturnType<ProtoReader['next']>>>();
  for (let x = r.next(); x; x = r.next()) f.set(x.field, x);
  const ints = (k: number) => (f.has(k) ? r.packedUint(f.get(k)!) : []);
  const undelta = (xs: number[]) => {
    let acc = 0;
    return xs.map((d) => (acc += d));
  };
  const n = undelta(f.has(F.n) ? r.packedSint(f.get(F.n)!) : []);
  const at = undelta(f.has(F.at) ? r.packedSint(f.get(F.at)!) : []);
  const s = f.get(F.strings);
  const strings = s ? utf8.decode(data.subarray(s.value, s.end)).split(SEP) : [];
  const [topic, source, id, kind, present, name, status] = [F.topic, F.source, F.id, F.kind, F.present, F.name, F.status].map(ints);
  const ts = f.has(F.ts) ? r.packedDouble(f.get(F.ts)!) : (f.has(F.tsLag) ? r.packedSint(f.get(F.tsLag)!) : []).map((lag, i) => at[i] - lag);
  const lat = readNumbers(r, f.get(F.latE7), f.get(F.lat), 1e7, true);
  const lon = readNumbers(r, f.get(F.lonE7), f.get(F.lon), 1e7, true);
  const opt = {
    heading: readNumbers(r, f.get(F.headingE2), f.get(F.heading), 100, false),
    speed: readNumbers(r, f.get(F.speedE2), f.get(F.speed), 100, false),
    accuracy: readNumbers(r, f.get(F.accuracyE2), f.get(F.accuracy), 100, false),
    battery: readNumbers(r, f.get(F.batteryE2), f.get(F.battery), 100, false),
  };
  const count = n.length;
  for (const [what, col] of Object.entries({ at, topic, source, id, kind, present, ts, lat, lon }))
    if (col.length !== count) throw new Error(`FixBatch: ${count} fixes but ${col.length} ${what}`);
  const str = (i: number) => {
    const v = strings[i];
    if (v === undefined) throw new Error(`FixBatch: string ${i} of ${strings.length}`);
    return v;
  };
  // a topic template's parts around the unit's id, split once per batch
  const templates = new Map<number, string[]>();
  const topicOf = (i: number, unit: string) => {
    let parts = templates.get(i);
    if (!parts) templates.set(i, (parts = str(i).split(ID_MARK)));
    return parts.length === 1 || !unit ? parts.join(ID_MARK) : parts.length === 2 ? parts[0] + unit + parts[1] : parts.join(unit);
  };
  const { heading, speed, accuracy, battery } = opt;
  let [iName, iStatus, iHeading, iSpeed, iAccuracy, iBattery] = [0, 0, 0, 0, 0, 0];
  const out: NumberedFix[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const bits = present[i];
    const unit = str(id[i]);
    const fix: UnitFixOut = { id: unit, ts: ts[i], lat: lat[i], lon: lon[i], kind: str(kind[i]) };
    if (bits & BIT.name) fix.name = str(name[iName++]);
    if (bits & BIT.heading) fix.heading = heading[iHeading++];
    if (bits & BIT.speed) fix.speed = speed[iSpeed++];
    if (bits & BIT.accuracy) fix.accuracy = accuracy[iAccuracy++];
    if (bits & BIT.status) fix.status = str(status[iStatus++]);
    if (bits & BIT.battery) fix.battery = battery[iBattery++];
    const input: FixInput = { t: 'events', at: at[i], topic: topicOf(topic[i], unit), events: [{ type: 'unitFix', source: str(source[i]), fix: fix as never }] };
    if (bits & BIT.retained) input.retained = (bits & BIT.retainedTrue) !== 0;
    out[i] = { n: n[i], input };
  }
  // every optional column used up exactly: a batch whose bits and columns disagree is not read
  const used: [string, number, number][] = [['name', iName, name.length], ['status', iStatus, status.length], ['heading', iHeading, heading.length], ['speed', iSpeed, speed.length], ['accuracy', iAccuracy, accuracy.length], ['battery', iBattery, battery.length]];
  for (const [what, took, held] of used) if (took !== held) throw new Error(`FixBatch: ${took} fixes with a ${what} but ${held} values`);
  return out;
}

/** watchfloor.FixBatch as a .proto (docs/replay.md; the channel's schema is its FileDescriptorSet). */
export const FIX_BATCH_PROTO = `syntax = "proto3";
package watchfloor;

// Unit fixes, one MQTT location message each, column by column: fix k is the k-th entry of every
// per-fix column; name, status and the optional numbers hold entries only for the fixes whose
// "present" bits say they have one. A number column is either its *_e7/*_e2 field (whole
// multiples of 1e-7 or 1e-2, zigzag varints) or its double field.
message FixBatch {
  repeated sint64 n = 1;           // the input's place in the wall's sequence, delta-coded
  repeated sint64 at = 2;          // receive time, ms since the epoch, delta-coded
  string strings = 3;              // the batch's strings, NUL-separated; the columns below index it
  repeated uint32 topic = 4;       // MQTT topic, with U+0001 standing for the unit's id
  repeated uint32 source = 5;      // the adapter
  repeated uint32 id = 6;          // the unit
  repeated uint32 kind = 7;
  repeated uint32 present = 8;     // bits: 1 name, 2 heading, 4 speed, 8 accuracy, 16 status, 32 battery, 64 retained set, 128 retained true
  repeated uint32 name = 9;
  repeated uint32 status = 10;
  repeated sint64 ts_lag = 11;     // at - the fix's own time, ms
  repeated double ts = 12;         // the fix's own time, when some is not a whole ms
  repeated sint64 lat_e7 = 13;     // delta-coded
  repeated double lat = 14;
  repeated sint64 lon_e7 = 15;     // delta-coded
  repeated double lon = 16;
  repeated sint64 heading_e2 = 17;
  repeated double heading = 18;
  repeated sint64 speed_e2 = 19;   // m/s
  repeated double speed = 20;
  repeated sint64 accuracy_e2 = 21; // m
  repeated double accuracy = 22;
  repeated sint64 battery_e2 = 23; // %
  repeated double battery = 24;
}
`;

/** FIX_BATCH_PROTO as a google.protobuf.FileDescriptorSet: what an MCAP protobuf schema holds. */
export function fixBatchDescriptorSet(): Uint8Array {
  // FieldDescriptorProto: name 1, number 3, label 4 (3 repeated, 1 optional), type 5
  // (1 double, 9 string, 13 uint32, 18 sint64), json_name 10
  const TYPE = { double: 1, string: 9, uint32: 13, sint64: 18 } as const;
  const fields: [string, number, keyof typeof TYPE, boolean][] = [
    ['n', 1, 'sint64', true],
    ['at', 2, 'sint64', true],
    ['strings', 3, 'string', false],
    ['topic', 4, 'uint32', true],
    ['source', 5, 'uint32', true],
    ['id', 6, 'uint32', true],
    ['kind', 7, 'uint32', true],
    ['present', 8, 'uint32', true],
    ['name', 9, 'uint32', true],
    ['status', 10, 'uint32', true],
    ['ts_lag', 11, 'sint64', true],
    ['ts', 12, 'double', true],
    ['lat_e7', 13, 'sint64', true],
    ['lat', 14, 'double', true],
    ['lon_e7', 15, 'sint64', true],
    ['lon', 16, 'double', true],
    ['heading_e2', 17, 'sint64', true],
    ['heading', 18, 'double', true],
    ['speed_e2', 19, 'sint64', true],
    ['speed', 20, 'double', true],
    ['accuracy_e2', 21, 'sint64', true],
    ['accuracy', 22, 'double', true],
    ['battery_e2', 23, 'sint64', true],
    ['battery', 24, 'double', true],
  ];
  const enc = new TextEncoder();
  const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const message = new ProtoWriter();
  message.bytes(1, enc.encode('FixBatch'));
  for (const [name, number, type, repeated] of fields) {
    const fd = new ProtoWriter();
    fd.bytes(1, enc.encode(name));
    fd.tag(3, 0);
    fd.varint(number);
    fd.tag(4, 0);
    fd.varint(repeated ? 3 : 1);
    fd.tag(5, 0);
    fd.varint(TYPE[type]);
    fd.bytes(10, enc.encode(camel(name)));
    message.bytes(2, fd.finish());
  }
  const file = new ProtoWriter();
  file.bytes(1, enc.encode('watchfloor/fix_batch.proto'));
  file.bytes(2, enc.encode('watchfloor'));
  file.bytes(4, message.finish());
  file.bytes(12, enc.encode('proto3'));
  const set = new ProtoWriter();
  set.bytes(1, file.finish());
  return set.finish();
}

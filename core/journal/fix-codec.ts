// Unit fixes in the journal, column by column: the bulk of a city's traffic (5,000 units at 1 Hz)
// is one location message after another, and as JSON each costs ~300 bytes to write and ~10 µs to
// read back (UTF-8 decoding, parsing, garbage). A batch of them becomes one protobuf message
// (`watchfloor.FixBatch`, schema below, so Foxglove and protobuf tools decode it too) of packed
// columns: numbers as varints (whole milliseconds, coordinates in 1e-7 degrees, delta-coded) and
// strings once each. Only an input that comes back exactly as JSON would bring it back takes this
// path (compactFix); anything else — another field, an odd type, a second event, a string with a
// lone surrogate (UTF-8 has no form for one) — stays JSON on the events channel. Pure.
import type { SituationInput } from '../inputs.js';
import { doubles, indexes, NumberColumn, readNumbers, wholeWithin } from './columns.js';
import { descriptorSetOf } from './proto-descriptor.js';
import { ProtoReader, ProtoWriter, unzigzag, type ProtoField } from './protobuf.js';

/** An input the fix channel can hold: one unit fix, nothing else. */
type FixInput = Extract<SituationInput, { t: 'events' }>;

/** stands for the unit's id in a topic (so one topic template serves every unit) */
const ID_MARK = '\u0001';
/** between the strings of a batch's table (one UTF-8 decode for them all) */
const SEP = '\u0000';

const BIT = { name: 1, heading: 2, speed: 4, accuracy: 8, status: 16, battery: 32, retained: 64, retainedTrue: 128 } as const;

// no key the channel has no column for: property names compared one by one (internalized
// strings), cheaper than a set's lookup for every key of every fix
const inputKeysOnly = (o: object): boolean => {
  for (const k in o) if (k !== 't' && k !== 'at' && k !== 'topic' && k !== 'events' && k !== 'retained') return false;
  return true;
};
const eventKeysOnly = (o: object): boolean => {
  for (const k in o) if (k !== 'type' && k !== 'source' && k !== 'fix') return false;
  return true;
};
const fixKeysOnly = (o: object): boolean => {
  for (const k in o)
    if (k !== 'id' && k !== 'ts' && k !== 'lat' && k !== 'lon' && k !== 'kind' && k !== 'name' && k !== 'heading' && k !== 'speed' && k !== 'accuracy' && k !== 'status' && k !== 'battery') return false;
  return true;
};
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNumber = (v: unknown): boolean => v === undefined || finite(v);
/** no lone surrogate: UTF-8 has no form for one (JSON keeps it, as an escape) */
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
/** a string the batch's table can hold: no separator, no lone surrogate */
const tableText = (v: string): boolean => !v.includes(SEP) && wellFormed(v);
const optString = (v: unknown): boolean => v === undefined || (typeof v === 'string' && tableText(v));
const plainString = (v: unknown): v is string => typeof v === 'string' && !v.includes(ID_MARK) && tableText(v);

/**
 * The input, when it is one unit fix the fix channel holds exactly; null: it goes as JSON. The rule
 * stated once, plainly, for any single input: the encoder's own `tryAdd` applies the same rule with
 * its string checks memoised, and a property test holds the two to the same answer.
 */
export function compactFix(input: SituationInput): FixInput | null {
  if (input.t !== 'events' || input.events.length !== 1 || !wholeWithin(input.at) || !plainString(input.topic)) return null;
  if (input.retained !== undefined && typeof input.retained !== 'boolean') return null;
  const ev = input.events[0];
  if (ev.type !== 'unitFix' || !plainString(ev.source) || !inputKeysOnly(input) || !eventKeysOnly(ev)) return null;
  const f = ev.fix;
  if (typeof f !== 'object' || f === null || !fixKeysOnly(f)) return null;
  if (!plainString(f.id) || !plainString(f.kind) || !finite(f.ts) || !finite(f.lat) || !finite(f.lon)) return null;
  if (!optString(f.name) || !optString(f.status) || !optNumber(f.heading) || !optNumber(f.speed) || !optNumber(f.accuracy) || !optNumber(f.battery)) return null;
  return input;
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

/** the last string of a column and its index: most columns repeat one value fix after fix */
interface Memo {
  s: string | undefined;
  i: number;
}

/** where a unit's id and name went in the current batch's string table */
interface UnitStrings {
  batch: number;
  id: number;
  name: string | undefined;
  nameIndex: number;
}

/** units remembered between batches; past this many the memory is emptied (ids a city no longer sends) */
const UNITS_REMEMBERED = 100_000;

/** Gathers fixes (with their numbers in the wall's sequence) into one FixBatch message; reusable after `finish()`. */
export class FixBatchEncoder {
  /** the batch's strings, by index */
  private readonly table: string[] = [];
  /** the few strings many fixes share (topic templates, sources, kinds, statuses) */
  private readonly strings = new Map<string, number>();
  /**
   * Each unit's id and name, found by one lookup of the id in a map kept from batch to batch: a
   * city's thousands of ids and names would otherwise fill a new map every batch (two lookups
   * of a fresh string a fix, and the map's growth)
   */
  private readonly units = new Map<string, UnitStrings>();
  private batch = 0;
  private readonly n = doubles();
  private readonly at = doubles();
  private readonly topic = indexes();
  private readonly source = indexes();
  private readonly id = indexes();
  private readonly kind = indexes();
  private readonly present = indexes();
  private readonly name = indexes();
  private readonly status = indexes();
  /** scratch for the ts_lag column, worked out when the batch is written */
  private tsLag = new Float64Array(0);
  private readonly ts = doubles();
  private readonly lat = new NumberColumn(1e7, true, F.latE7, F.lat);
  private readonly lon = new NumberColumn(1e7, true, F.lonE7, F.lon);
  private readonly heading = new NumberColumn(100, false, F.headingE2, F.heading);
  private readonly speed = new NumberColumn(100, false, F.speedE2, F.speed);
  private readonly accuracy = new NumberColumn(100, false, F.accuracyE2, F.accuracy);
  private readonly battery = new NumberColumn(100, false, F.batteryE2, F.battery);
  private readonly memo = { source: { s: undefined, i: 0 } as Memo, kind: { s: undefined, i: 0 } as Memo, status: { s: undefined, i: 0 } as Memo };
  private readonly writer = new ProtoWriter(1 << 16);
  /** the first fix's receive time (the message's log time) */
  firstAt = 0;
  /** roughly the bytes the batch will take (for chunk sizing) */
  bytes = 0;

  get count(): number {
    return this.n.length;
  }

  private str(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) this.strings.set(s, (i = this.entry(s)));
    return i;
  }

  /** a new entry in the table (a string may be there twice: the decoder only follows indexes) */
  private entry(s: string): number {
    this.bytes += s.length * 2;
    return this.table.push(s) - 1;
  }

  /** the unit's id and name in this batch's table: entered with the unit's first fix, again only when the name changes (`u`: its entry, looked up already) */
  private unitStrings(id: string, name: string | undefined, u: UnitStrings | undefined): UnitStrings {
    if (!u) this.units.set(id, (u = { batch: -1, id: 0, name: undefined, nameIndex: -1 }));
    if (u.batch !== this.batch) {
      u.batch = this.batch;
      u.id = this.entry(id);
      u.nameIndex = -1;
    }
    if (name !== undefined && (u.nameIndex < 0 || name !== u.name)) {
      u.name = name;
      u.nameIndex = this.entry(name);
    }
    return u;
  }

  /** str() for a column whose value seldom changes: a string comparison instead of a lookup */
  private repeated(s: string, m: Memo): number {
    if (s !== m.s) {
      m.i = this.str(s);
      m.s = s;
    }
    return m.i;
  }

  /** the last topic template, as [prefix, suffix, index]: the same one fix after fix, found without making a string */
  private lastTemplate: [string, string, number] | null = null;

  /** the topic's template in the table; -1 when the topic holds a separator (`id` is known to hold none) */
  private topicIndex(topic: string, id: string): number {
    const l = this.lastTemplate;
    // the last template with this (checked) id in it: made of checked strings, nothing to check
    if (l && id && topic.length === l[0].length + id.length + l[1].length && topic.startsWith(l[0]) && topic.endsWith(l[1]) && topic.startsWith(id, l[0].length)) return l[2];
    if (!plainString(topic)) return -1;
    if (!id) return this.str(topic);
    const parts = topic.split(id);
    const index = this.str(parts.join(ID_MARK));
    if (parts.length === 2) this.lastTemplate = [parts[0], parts[1], index];
    return index;
  }

  /**
   * Adds input `n` when it is one unit fix the channel holds exactly (as compactFix says); false
   * when not, with nothing of it added (it goes as JSON). A string is checked for the table's
   * separators as it first comes (a unit's id and name, a topic, a new source, kind or status),
   * not fix after fix: on the live journal's path every check is paid for every fix of every unit.
   */
  tryAdd(n: number, input: SituationInput): boolean {
    if (input.t !== 'events' || input.events.length !== 1) return false;
    const at = input.at;
    const topic = input.topic;
    const retained = input.retained;
    if (!wholeWithin(at) || typeof topic !== 'string' || (retained !== undefined && typeof retained !== 'boolean') || !inputKeysOnly(input)) return false;
    const ev = input.events[0];
    if (ev.type !== 'unitFix' || typeof ev.source !== 'string' || !eventKeysOnly(ev)) return false;
    const f = ev.fix;
    if (typeof f !== 'object' || f === null || !fixKeysOnly(f)) return false;
    const { id, kind, name, status, ts, lat, lon, heading, speed, accuracy, battery } = f;
    if (typeof id !== 'string' || typeof kind !== 'string' || !finite(ts) || !finite(lat) || !finite(lon)) return false;
    if ((name !== undefined && typeof name !== 'string') || (status !== undefined && typeof status !== 'string')) return false;
    if (!optNumber(heading) || !optNumber(speed) || !optNumber(accuracy) || !optNumber(battery)) return false;
    const source = ev.source;
    const memo = this.memo;
    if ((source !== memo.source.s && !plainString(source)) || (kind !== memo.kind.s && !plainString(kind))) return false;
    if (status !== undefined && status !== memo.status.s && !tableText(status)) return false;
    // a unit it knows has a checked id, and the name it knows is checked
    const known = this.units.get(id);
    if (known === undefined && !plainString(id)) return false;
    if (name !== undefined && (known === undefined || name !== known.name) && !tableText(name)) return false;
    const topicIndex = this.topicIndex(topic, id);
    if (topicIndex < 0) return false;
    if (!this.n.length) this.firstAt = at;
    this.n.push(n);
    this.at.push(at);
    this.topic.push(topicIndex);
    this.source.push(this.repeated(source, memo.source));
    const u = this.unitStrings(id, name, known);
    this.id.push(u.id);
    this.kind.push(this.repeated(kind, memo.kind));
    // written out field by field: a loop over their names costs a keyed lookup each
    let bits = 0;
    if (name !== undefined) {
      bits |= BIT.name;
      this.name.push(u.nameIndex);
    }
    if (status !== undefined) {
      bits |= BIT.status;
      this.status.push(this.repeated(status, memo.status));
    }
    if (heading !== undefined) {
      bits |= BIT.heading;
      this.heading.push(heading);
    }
    if (speed !== undefined) {
      bits |= BIT.speed;
      this.speed.push(speed);
    }
    if (accuracy !== undefined) {
      bits |= BIT.accuracy;
      this.accuracy.push(accuracy);
    }
    if (battery !== undefined) {
      bits |= BIT.battery;
      this.battery.push(battery);
    }
    if (retained !== undefined) bits |= BIT.retained | (retained ? BIT.retainedTrue : 0);
    this.present.push(bits);
    this.ts.push(ts === 0 ? 0 : ts);
    this.lat.push(lat);
    this.lon.push(lon);
    this.bytes += 24;
    return true;
  }

  /** The batch as one FixBatch message; the encoder is empty after, ready for the next batch. */
  finish(): Uint8Array {
    return this.encode().slice();
  }

  /** finish(), as a view of the encoder's buffer: valid only until its next batch is written (see ProtoWriter.written). */
  finishView(): Uint8Array {
    return this.encode();
  }

  private encode(): Uint8Array {
    const w = this.writer;
    w.reset();
    const count = this.n.length;
    w.packedSint(F.n, this.n.values, count, true);
    w.packedSint(F.at, this.at.values, count, true);
    // every string was checked as it came (no separator, no lone surrogate): the table always fits
    if (!w.stringTable(F.strings, this.table)) throw new Error('FixBatch: a string in its table holds a separator or a lone surrogate');
    for (const [field, col] of [
      [F.topic, this.topic],
      [F.source, this.source],
      [F.id, this.id],
      [F.kind, this.kind],
      [F.present, this.present],
      [F.name, this.name],
      [F.status, this.status],
    ] as const)
      w.packedUint(field, col.values, col.length);
    // the fix's own time as its lag behind the receive time (a few ms, a short varint) where every
    // one is a whole ms; worked out here in one loop rather than fix by fix
    const ts = this.ts.values;
    const at = this.at.values;
    if (this.tsLag.length < count) this.tsLag = new Float64Array(ts.length);
    const lags = this.tsLag;
    let whole = true;
    for (let i = 0; i < count && whole; i++) {
      const lag = at[i] - ts[i];
      if (Number.isSafeInteger(ts[i]) && wholeWithin(lag)) lags[i] = lag;
      else whole = false;
    }
    if (whole) w.packedSint(F.tsLag, lags, count);
    else w.packedDouble(F.ts, ts, count);
    for (const c of [this.lat, this.lon, this.heading, this.speed, this.accuracy, this.battery]) c.write(w);
    const out = w.written();
    this.reset();
    return out;
  }

  private reset(): void {
    this.table.length = 0;
    this.strings.clear();
    this.batch++;
    if (this.units.size > UNITS_REMEMBERED) this.units.clear();
    for (const c of [this.n, this.at, this.topic, this.source, this.id, this.kind, this.present, this.name, this.status, this.ts]) c.length = 0;
    for (const c of [this.lat, this.lon, this.heading, this.speed, this.accuracy, this.battery]) c.reset();
    for (const m of Object.values(this.memo)) m.s = undefined;
    this.lastTemplate = null;
    this.firstAt = 0;
    this.bytes = 0;
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

/** the one fix object a reader fills for every fix: every field there, the absent ones undefined */
interface SharedFix {
  id: string;
  ts: number;
  lat: number;
  lon: number;
  kind: string;
  name: string | undefined;
  heading: number | undefined;
  speed: number | undefined;
  accuracy: number | undefined;
  status: string | undefined;
  battery: number | undefined;
}

/**
 * One FixBatch message read fix by fix, in order. `next()` gives each fix in one input object
 * reused for every fix of the batch (valid until the next call: what a seek hands the reducer,
 * which keeps no input): a seek of 50,000 fixes then makes no 200,000 objects to collect.
 * `nextCopy()` gives a fresh object, as JSON would have. The whole batch is checked when it
 * opens: a malformed one throws there, before any fix of it is used.
 */
export class FixBatchReader {
  readonly count: number;
  /** the fixes' numbers in the wall's sequence, ascending */
  readonly n: Float64Array;
  /** their receive times */
  readonly at: Float64Array;
  private k = 0;
  private iName = 0;
  private iStatus = 0;
  private iHeading = 0;
  private iSpeed = 0;
  private iAccuracy = 0;
  private iBattery = 0;
  private readonly strings: string[];
  private readonly topic: Float64Array;
  private readonly source: Float64Array;
  private readonly id: Float64Array;
  private readonly kind: Float64Array;
  private readonly present: Float64Array;
  private readonly name: Float64Array;
  private readonly status: Float64Array;
  private readonly ts: Float64Array;
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly heading: Float64Array;
  private readonly speed: Float64Array;
  private readonly accuracy: Float64Array;
  private readonly battery: Float64Array;
  /** a topic template's parts around the unit's id, split once per batch */
  private readonly templates = new Map<number, string[]>();
  private readonly fix: SharedFix = { id: '', ts: 0, lat: 0, lon: 0, kind: '', name: undefined, heading: undefined, speed: undefined, accuracy: undefined, status: undefined, battery: undefined };
  private readonly event = { type: 'unitFix' as const, source: '', fix: this.fix as unknown as UnitFixOut };
  private readonly input: FixInput = { t: 'events', at: 0, topic: '', events: [this.event as never], retained: undefined };

  /**
   * The highest number in a batch, from its number column alone (NaN when it has none, or it does
   * not read): a seek passes over the batches its snapshot already holds without decoding them.
   */
  static lastNumber(data: Uint8Array): number {
    try {
      const r = new ProtoReader(data);
      for (let x = r.next(); x; x = r.next()) {
        if (x.field !== F.n) continue;
        // the numbers ascend: the last running sum is the highest
        const q = new ProtoReader(data, x.value, x.end);
        let last = Number.NaN;
        let acc = 0;
        while (q.pos < q.end) last = acc += unzigzag(q.varint());
        return last;
      }
    } catch {
      // read whole by the constructor, which says why
    }
    return Number.NaN;
  }

  constructor(data: Uint8Array) {
    const r = new ProtoReader(data);
    const f = new Map<number, ProtoField>();
    for (let x = r.next(); x; x = r.next()) f.set(x.field, x);
    const none: Float64Array = new Float64Array(0);
    const ints = (k: number) => (f.has(k) ? r.packedUint(f.get(k)!) : none);
    this.n = f.has(F.n) ? r.packedSint(f.get(F.n)!, true) : none;
    this.at = f.has(F.at) ? r.packedSint(f.get(F.at)!, true) : none;
    const s = f.get(F.strings);
    this.strings = s ? utf8.decode(data.subarray(s.value, s.end)).split(SEP) : [];
    [this.topic, this.source, this.id, this.kind, this.present, this.name, this.status] = [F.topic, F.source, F.id, F.kind, F.present, F.name, F.status].map(ints);
    const at = this.at;
    let ts = none;
    if (f.has(F.ts)) ts = r.packedDouble(f.get(F.ts)!);
    else if (f.has(F.tsLag)) {
      ts = r.packedSint(f.get(F.tsLag)!);
      if (ts.length !== at.length) throw new Error(`FixBatch: ${at.length} receive times but ${ts.length} ts`);
      for (let i = 0; i < ts.length; i++) ts[i] = at[i] - ts[i];
    }
    this.ts = ts;
    this.lat = readNumbers(r, f.get(F.latE7), f.get(F.lat), 1e7, true);
    this.lon = readNumbers(r, f.get(F.lonE7), f.get(F.lon), 1e7, true);
    this.heading = readNumbers(r, f.get(F.headingE2), f.get(F.heading), 100, false);
    this.speed = readNumbers(r, f.get(F.speedE2), f.get(F.speed), 100, false);
    this.accuracy = readNumbers(r, f.get(F.accuracyE2), f.get(F.accuracy), 100, false);
    this.battery = readNumbers(r, f.get(F.batteryE2), f.get(F.battery), 100, false);
    const count = (this.count = this.n.length);
    for (const [what, col] of Object.entries({ at, topic: this.topic, source: this.source, id: this.id, kind: this.kind, present: this.present, ts, lat: this.lat, lon: this.lon }))
      if (col.length !== count) throw new Error(`FixBatch: ${count} fixes but ${col.length} ${what}`);
    // every optional column used up exactly, and every string index in the table: a batch whose
    // bits and columns disagree is not read
    const held = { name: 0, heading: 0, speed: 0, accuracy: 0, status: 0, battery: 0 };
    for (let i = 0; i < count; i++) {
      const bits = this.present[i];
      if (bits & BIT.name) held.name++;
      if (bits & BIT.heading) held.heading++;
      if (bits & BIT.speed) held.speed++;
      if (bits & BIT.accuracy) held.accuracy++;
      if (bits & BIT.status) held.status++;
      if (bits & BIT.battery) held.battery++;
      if (i > 0 && !(this.n[i] > this.n[i - 1])) throw new Error(`FixBatch: fix ${i}'s number ${this.n[i]} does not follow ${this.n[i - 1]}`);
    }
    for (const k of Object.keys(held) as (keyof typeof held)[]) if (held[k] !== this[k].length) throw new Error(`FixBatch: ${held[k]} fixes with a ${k} but ${this[k].length} values`);
    const tableSize = this.strings.length;
    for (const col of [this.topic, this.source, this.id, this.kind, this.name, this.status])
      for (let i = 0; i < col.length; i++) if (col[i] >= tableSize) throw new Error(`FixBatch: string ${col[i]} of ${tableSize}`);
  }

  get done(): boolean {
    return this.k >= this.count;
  }

  /** the next fix's number (NaN when done) */
  peekN(): number {
    return this.k < this.count ? this.n[this.k] : Number.NaN;
  }

  /** the next fix's receive time (NaN when done) */
  peekAt(): number {
    return this.k < this.count ? this.at[this.k] : Number.NaN;
  }

  private topicOf(i: number, unit: string): string {
    let parts = this.templates.get(i);
    if (!parts) this.templates.set(i, (parts = this.strings[i].split(ID_MARK)));
    return parts.length === 1 || !unit ? parts.join(ID_MARK) : parts.length === 2 ? parts[0] + unit + parts[1] : parts.join(unit);
  }

  /** Passes over the next fix. */
  skip(): void {
    const bits = this.present[this.k++];
    if (bits & BIT.name) this.iName++;
    if (bits & BIT.heading) this.iHeading++;
    if (bits & BIT.speed) this.iSpeed++;
    if (bits & BIT.accuracy) this.iAccuracy++;
    if (bits & BIT.status) this.iStatus++;
    if (bits & BIT.battery) this.iBattery++;
  }

  /** The next fix, in the input object this reader reuses (absent fields undefined); valid until the next call. */
  next(): FixInput {
    const i = this.k++;
    const bits = this.present[i];
    const s = this.strings;
    const fix = this.fix;
    const unit = s[this.id[i]];
    fix.id = unit;
    fix.ts = this.ts[i];
    fix.lat = this.lat[i];
    fix.lon = this.lon[i];
    fix.kind = s[this.kind[i]];
    fix.name = bits & BIT.name ? s[this.name[this.iName++]] : undefined;
    fix.heading = bits & BIT.heading ? this.heading[this.iHeading++] : undefined;
    fix.speed = bits & BIT.speed ? this.speed[this.iSpeed++] : undefined;
    fix.accuracy = bits & BIT.accuracy ? this.accuracy[this.iAccuracy++] : undefined;
    fix.status = bits & BIT.status ? s[this.status[this.iStatus++]] : undefined;
    fix.battery = bits & BIT.battery ? this.battery[this.iBattery++] : undefined;
    this.event.source = s[this.source[i]];
    const input = this.input;
    input.at = this.at[i];
    input.topic = this.topicOf(this.topic[i], unit);
    input.retained = bits & BIT.retained ? (bits & BIT.retainedTrue) !== 0 : undefined;
    return input;
  }

  /** The next fix as a new input object, with only the fields it has (as the JSON journal brings it back). */
  nextCopy(): FixInput {
    const shared = this.next();
    const f = this.fix;
    const fix: UnitFixOut = { id: f.id, ts: f.ts, lat: f.lat, lon: f.lon, kind: f.kind };
    if (f.name !== undefined) fix.name = f.name;
    if (f.heading !== undefined) fix.heading = f.heading;
    if (f.speed !== undefined) fix.speed = f.speed;
    if (f.accuracy !== undefined) fix.accuracy = f.accuracy;
    if (f.status !== undefined) fix.status = f.status;
    if (f.battery !== undefined) fix.battery = f.battery;
    const input: FixInput = { t: 'events', at: shared.at, topic: shared.topic, events: [{ type: 'unitFix', source: this.event.source, fix: fix as never }] };
    if (shared.retained !== undefined) input.retained = shared.retained;
    return input;
  }
}

/** The fixes of one FixBatch message, each as the input it was recorded from. Throws on a malformed batch. */
export function decodeFixBatch(data: Uint8Array): NumberedFix[] {
  const r = new FixBatchReader(data);
  const out: NumberedFix[] = new Array(r.count);
  for (let i = 0; i < r.count; i++) out[i] = { n: r.n[i], input: r.nextCopy() };
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
  return descriptorSetOf(FIX_BATCH_PROTO, 'watchfloor/fix_batch.proto');
}

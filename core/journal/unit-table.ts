// The units of a journal snapshot, column by column (`watchfloor.UnitTable`, schema below): a
// city's 5,000 units with 10-point trails were 4 MB of the snapshot's JSON, and a seek spent
// ~80 ms decoding and parsing it. The snapshot's JSON message then holds everything else and says
// `"units": "table"`; the table goes on a channel of its own, in the same chunk, with the same
// number and time. Decoded, each unit is the object the JSON would have given (the checkpoint's
// unit: only the fields it has, its trail as [lon, lat, t] points), so restoring goes the one way
// it always went. Pure.
import { descriptorSetOf } from './proto-descriptor.js';
import type { Unit } from '../domain.js';
import { doubles, indexes, NumberColumn, readNumbers } from './columns.js';
import { ProtoReader, ProtoWriter, unzigzag, VARINT, zigzag, type ProtoField } from './protobuf.js';

/**
 * A unit as a snapshot holds it (the checkpoint's unit with its trail): the reducer's unit less its
 * grid (looked up again on restore), its kind and status as read (checked on restore).
 */
export type TableUnit = Omit<Unit, 'kind' | 'status' | 'gridId'> & { kind: string; status: string };

const SEP = '\u0000';
const BIT = { name: 1, heading: 2, speed: 4, accuracy: 8, battery: 16, stale: 32 } as const;

/** The field numbers of watchfloor.UnitTable (UNIT_TABLE_PROTO). */
const F = {
  n: 1,
  at: 2,
  strings: 3,
  id: 4,
  kind: 5,
  status: 6,
  source: 7,
  name: 8,
  present: 9,
  tsMs: 10,
  ts: 11,
  lastSeenMs: 12,
  lastSeen: 13,
  latE7: 14,
  lat: 15,
  lonE7: 16,
  lon: 17,
  headingE2: 18,
  heading: 19,
  speedE2: 20,
  speed: 21,
  accuracyE2: 22,
  accuracy: 23,
  batteryE2: 24,
  battery: 25,
  outOfOrder: 26,
  trailLength: 27,
  trailLonE7: 28,
  trailLon: 29,
  trailLatE7: 30,
  trailLat: 31,
  trailTMs: 32,
  trailT: 33,
  count: 34,
} as const;

/**
 * The units (with their trails) after input `n`, at `at`, as one UnitTable message; null when a
 * unit's string holds the table's separator (NUL) or a lone surrogate, which it could not bring
 * back exactly (a name of a hostile client's: the snapshot then keeps its units in its JSON).
 */
export function encodeUnitTable(units: Iterable<Unit>, n: number, at: number): Uint8Array | null {
  const table: string[] = [];
  const seen = new Map<string, number>();
  const str = (s: string) => {
    let i = seen.get(s);
    if (i === undefined) seen.set(s, (i = table.push(s) - 1));
    return i;
  };
  const id = indexes();
  const kind = indexes();
  const status = indexes();
  const source = indexes();
  const name = indexes();
  const present = indexes();
  const outOfOrder = doubles();
  const trailLength = indexes();
  const ts = new NumberColumn(1, true, F.tsMs, F.ts);
  const lastSeen = new NumberColumn(1, true, F.lastSeenMs, F.lastSeen);
  const lat = new NumberColumn(1e7, true, F.latE7, F.lat);
  const lon = new NumberColumn(1e7, true, F.lonE7, F.lon);
  const heading = new NumberColumn(100, false, F.headingE2, F.heading);
  const speed = new NumberColumn(100, false, F.speedE2, F.speed);
  const accuracy = new NumberColumn(100, false, F.accuracyE2, F.accuracy);
  const battery = new NumberColumn(100, false, F.batteryE2, F.battery);
  const trailLon = new NumberColumn(1e7, true, F.trailLonE7, F.trailLon);
  const trailLat = new NumberColumn(1e7, true, F.trailLatE7, F.trailLat);
  const trailT = new NumberColumn(1, true, F.trailTMs, F.trailT);
  for (const u of units) {
    // the unit's id is its own entry: ids are unique, a lookup would only cost
    id.push(table.push(u.id) - 1);
    kind.push(str(u.kind));
    status.push(str(u.status));
    source.push(str(u.source));
    let bits = u.stale ? BIT.stale : 0;
    if (u.name !== undefined) {
      bits |= BIT.name;
      name.push(table.push(u.name) - 1);
    }
    if (u.heading !== undefined) {
      bits |= BIT.heading;
      heading.push(u.heading);
    }
    if (u.speed !== undefined) {
      bits |= BIT.speed;
      speed.push(u.speed);
    }
    if (u.accuracy !== undefined) {
      bits |= BIT.accuracy;
      accuracy.push(u.accuracy);
    }
    if (u.battery !== undefined) {
      bits |= BIT.battery;
      battery.push(u.battery);
    }
    present.push(bits);
    ts.push(u.ts);
    lastSeen.push(u.lastSeen);
    lat.push(u.lat);
    lon.push(u.lon);
    outOfOrder.push(u.outOfOrder);
    trailLength.push(u.trail.length);
    for (const p of u.trail) {
      trailLon.push(p[0]);
      trailLat.push(p[1]);
      trailT.push(p[2]);
    }
  }
  const w = new ProtoWriter(1 << 16);
  w.tag(F.n, VARINT);
  w.varint(zigzag(n));
  w.tag(F.at, VARINT);
  w.varint(zigzag(Math.round(at)));
  // the count first: a table cut after it is found short, even one cut before any column
  w.tag(F.count, VARINT);
  w.varint(id.length);
  if (!w.stringTable(F.strings, table)) return null;
  for (const [field, col] of [
    [F.id, id],
    [F.kind, kind],
    [F.status, status],
    [F.source, source],
    [F.name, name],
    [F.present, present],
    [F.trailLength, trailLength],
  ] as const)
    w.packedUint(field, col.values, col.length);
  w.packedUint(F.outOfOrder, outOfOrder.values, outOfOrder.length);
  for (const c of [ts, lastSeen, lat, lon, heading, speed, accuracy, battery, trailLon, trailLat, trailT]) c.write(w);
  return w.finish();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A UnitTable message's number, time and units. Throws on a malformed table. */
export function decodeUnitTable(data: Uint8Array): { n: number; at: number; units: TableUnit[] } {
  const r = new ProtoReader(data);
  const f = new Map<number, ProtoField>();
  for (let x = r.next(); x; x = r.next()) f.set(x.field, x);
  const n = f.get(F.n);
  const at = f.get(F.at);
  const declared = f.get(F.count);
  if (n?.wire !== VARINT || at?.wire !== VARINT || declared?.wire !== VARINT) throw new Error('UnitTable: no number, time or count');
  const none: Float64Array = new Float64Array(0);
  const ints = (k: number) => (f.has(k) ? r.packedUint(f.get(k)!) : none);
  const s = f.get(F.strings);
  const strings = s ? utf8.decode(data.subarray(s.value, s.end)).split(SEP) : [];
  const [id, kind, status, source, name, present, outOfOrder, trailLength] = [F.id, F.kind, F.status, F.source, F.name, F.present, F.outOfOrder, F.trailLength].map(ints);
  const nums = (i: number, d: number, scale: number, delta: boolean) => readNumbers(r, f.get(i), f.get(d), scale, delta);
  const ts = nums(F.tsMs, F.ts, 1, true);
  const lastSeen = nums(F.lastSeenMs, F.lastSeen, 1, true);
  const lat = nums(F.latE7, F.lat, 1e7, true);
  const lon = nums(F.lonE7, F.lon, 1e7, true);
  const heading = nums(F.headingE2, F.heading, 100, false);
  const speed = nums(F.speedE2, F.speed, 100, false);
  const accuracy = nums(F.accuracyE2, F.accuracy, 100, false);
  const battery = nums(F.batteryE2, F.battery, 100, false);
  const trailLon = nums(F.trailLonE7, F.trailLon, 1e7, true);
  const trailLat = nums(F.trailLatE7, F.trailLat, 1e7, true);
  const trailT = nums(F.trailTMs, F.trailT, 1, true);
  const count = declared.value;
  if (id.length !== count) throw new Error(`UnitTable: ${count} units but ${id.length} ids`);
  for (const [what, col] of Object.entries({ kind, status, source, present, ts, lastSeen, lat, lon, outOfOrder, trailLength }))
    if (col.length !== count) throw new Error(`UnitTable: ${count} units but ${col.length} ${what}`);
  let points = 0;
  for (let i = 0; i < count; i++) points += trailLength[i];
  if (trailLon.length !== points || trailLat.length !== points || trailT.length !== points) throw new Error(`UnitTable: trails of ${points} points but ${trailLon.length}/${trailLat.length}/${trailT.length} values`);
  const str = (i: number) => {
    const v = strings[i];
    if (v === undefined) throw new Error(`UnitTable: string ${i} of ${strings.length}`);
    return v;
  };
  let [iName, iHeading, iSpeed, iAccuracy, iBattery, p] = [0, 0, 0, 0, 0, 0];
  const units: TableUnit[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const bits = present[i];
    const trail: [number, number, number][] = new Array(trailLength[i]);
    for (let k = 0; k < trail.length; k++, p++) trail[k] = [trailLon[p], trailLat[p], trailT[p]];
    const u: TableUnit = { id: str(id[i]), kind: str(kind[i]), lat: lat[i], lon: lon[i], status: str(status[i]), ts: ts[i], lastSeen: lastSeen[i], stale: (bits & BIT.stale) !== 0, source: str(source[i]), outOfOrder: outOfOrder[i], trail };
    // only the optional fields it has, as in the checkpoint's JSON (absent, not undefined)
    if (bits & BIT.name) u.name = str(name[iName++]);
    if (bits & BIT.heading) u.heading = heading[iHeading++];
    if (bits & BIT.speed) u.speed = speed[iSpeed++];
    if (bits & BIT.accuracy) u.accuracy = accuracy[iAccuracy++];
    if (bits & BIT.battery) u.battery = battery[iBattery++];
    units[i] = u;
  }
  const used: [string, number, number][] = [['name', iName, name.length], ['heading', iHeading, heading.length], ['speed', iSpeed, speed.length], ['accuracy', iAccuracy, accuracy.length], ['battery', iBattery, battery.length]];
  for (const [what, took, held] of used) if (took !== held) throw new Error(`UnitTable: ${took} units with a ${what} but ${held} values`);
  return { n: unzigzag(n.value), at: unzigzag(at.value), units };
}

/** watchfloor.UnitTable as a .proto (docs/replay.md; the channel's schema is its FileDescriptorSet). */
export const UNIT_TABLE_PROTO = `syntax = "proto3";
package watchfloor;

// The units of the snapshot with the same n on /watchfloor/snapshot, column by column: unit k is
// the k-th entry of every per-unit column; name and the optional numbers hold entries only for the
// units whose "present" bits say they have one. A number column is either its *_ms/*_e7/*_e2
// field (whole multiples of 1, 1e-7 or 1e-2, zigzag varints) or its double field. Trails are
// flattened: unit k's trail_length[k] points follow unit k-1's.
message UnitTable {
  sint64 n = 1;                      // the snapshot's input number
  sint64 at = 2;                     // the snapshot's time, whole ms since the epoch
  string strings = 3;                // the table's strings, NUL-separated; the columns below index it
  repeated uint32 id = 4;
  repeated uint32 kind = 5;
  repeated uint32 status = 6;
  repeated uint32 source = 7;
  repeated uint32 name = 8;
  repeated uint32 present = 9;       // bits: 1 name, 2 heading, 4 speed, 8 accuracy, 16 battery, 32 stale
  repeated sint64 ts_ms = 10;        // the last fix's own time, delta-coded
  repeated double ts = 11;
  repeated sint64 last_seen_ms = 12; // when the wall last heard of it, delta-coded
  repeated double last_seen = 13;
  repeated sint64 lat_e7 = 14;       // delta-coded
  repeated double lat = 15;
  repeated sint64 lon_e7 = 16;       // delta-coded
  repeated double lon = 17;
  repeated sint64 heading_e2 = 18;
  repeated double heading = 19;
  repeated sint64 speed_e2 = 20;
  repeated double speed = 21;
  repeated sint64 accuracy_e2 = 22;
  repeated double accuracy = 23;
  repeated sint64 battery_e2 = 24;
  repeated double battery = 25;
  repeated uint64 out_of_order = 26; // late fixes counted
  repeated uint32 trail_length = 27;
  repeated sint64 trail_lon_e7 = 28; // delta-coded over all trails
  repeated double trail_lon = 29;
  repeated sint64 trail_lat_e7 = 30;
  repeated double trail_lat = 31;
  repeated sint64 trail_t_ms = 32;
  repeated double trail_t = 33;
  uint32 count = 34;                 // how many units (written after n and at)
}
`;

/** UNIT_TABLE_PROTO as a google.protobuf.FileDescriptorSet: what an MCAP protobuf schema holds. */
export function unitTableDescriptorSet(): Uint8Array {
  return descriptorSetOf(UNIT_TABLE_PROTO, 'watchfloor/unit_table.proto');
}

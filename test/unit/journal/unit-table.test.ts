// A journal snapshot's units as a UnitTable (core/journal/unit-table.ts): every unit comes back as
// the snapshot's JSON would have brought it back, whatever its strings and numbers; protobufjs
// (what Foxglove decodes protobuf with) reads the table through the channel's own descriptor;
// a damaged table is refused, and a snapshot whose table is missing gives way to the one before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { JOURNAL_CHANNELS, SNAPSHOT_CHANNEL, type SnapshotMessage } from '../../../core/journal/channels.js';
import { snapshotMessages } from '../../../core/journal/snapshot.js';
import { decodeUnitTable, encodeUnitTable, unitTableDescriptorSet } from '../../../core/journal/unit-table.js';
import type { Unit } from '../../../core/domain.js';
import { checkpointOf } from '../../../core/situation/checkpoint.js';
import { apply, createSituation } from '../../../core/situation/situation.js';
import { zstdCodec } from '../../../main/journal/codec.js';
import { readLastSnapshot } from '../../../main/journal/journal-read.js';
import { McapFileWriter } from '../../../main/journal/mcap-file.js';

const T = Date.UTC(2026, 11, 6, 9);
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('V00017', '志愿者-17', '巡逻车 闽A·12345'), fc.string({ unit: 'grapheme', maxLength: 6 })).filter((s) => !s.includes('\u0000'));
const coord = fc.oneof(fc.integer({ min: -900_000_000, max: 900_000_000 }).map((q) => q / 1e7), fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(0, -0, 26.0411234));
const num = fc.oneof(fc.integer({ min: -1000, max: 100_000 }).map((q) => q / 100), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1.2, -45041104879452.45));
const time = fc.oneof(fc.integer({ min: T - 1e9, max: T + 1e9 }), fc.double({ min: T - 1e6, max: T + 1e6, noNaN: true }), fc.constant(2 ** 52));
const unit = fc.record({
  id: text,
  kind: fc.constantFrom('volunteer', 'patrol', 'police', 'vehicle'),
  name: fc.option(text, { nil: undefined }),
  lat: coord,
  lon: coord,
  heading: fc.option(num, { nil: undefined }),
  speed: fc.option(num, { nil: undefined }),
  accuracy: fc.option(num, { nil: undefined }),
  battery: fc.option(num, { nil: undefined }),
  status: fc.constantFrom('available', 'busy', 'offline'),
  ts: time,
  lastSeen: time,
  stale: fc.boolean(),
  source: fc.constantFrom('native', 'traccar', 'owntracks'),
  gridId: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }),
  trail: fc.array(fc.tuple(coord, coord, time), { maxLength: 12 }),
  outOfOrder: fc.nat({ max: 1e6 }),
}) as fc.Arbitrary<Unit>;

/** what the snapshot's JSON brought a unit back as (the checkpoint's unit, with its trail) */
const viaJson = (u: Unit) => {
  const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
  s.units.set(u.id, u);
  return JSON.parse(JSON.stringify(checkpointOf(s, { trails: true }).units[0]));
};

describe('the unit table of a journal snapshot', () => {
  it('brings every unit back as the snapshot’s JSON would, trails included', () => {
    fc.assert(
      fc.property(fc.uniqueArray(unit, { selector: (u) => u.id, maxLength: 30 }), fc.integer({ min: -1, max: 1e9 }), (units, n) => {
        const back = decodeUnitTable(encodeUnitTable(units, n, T)!);
        expect([back.n, back.at]).toEqual([n, T]);
        expect(back.units).toHaveLength(units.length);
        back.units.forEach((u, k) => expect(u).toStrictEqual(viaJson(units[k])));
      }),
      { numRuns: 300 },
    );
  });

  it('is read by protobufjs through the channel’s FileDescriptorSet (as Foxglove reads it)', () => {
    const set = (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet.decode(unitTableDescriptorSet());
    const root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor(set);
    const type = root.lookupType('watchfloor.UnitTable');
    const u: Unit = { id: 'V1', kind: 'volunteer', name: '志愿者-1', lat: 26.0411234, lon: 119.2962, heading: undefined, speed: 1.2, accuracy: undefined, battery: 80, status: 'available', ts: T - 150, lastSeen: T, stale: false, source: 'native', gridId: undefined, trail: [[119.2961, 26.0411, T - 1150], [119.2962, 26.0411234, T - 150]], outOfOrder: 2 };
    const m = type.toObject(type.decode(encodeUnitTable([u], 42, T)!), { longs: Number, defaults: false }) as Record<string, unknown>;
    expect([m.n, m.at]).toEqual([42, T]);
    const strings = (m.strings as string).split('\u0000');
    expect((m.id as number[]).map((i) => strings[i])).toEqual(['V1']);
    expect((m.name as number[]).map((i) => strings[i])).toEqual(['志愿者-1']);
    expect(m.lat_e7).toEqual([260411234]);
    expect(m.ts_ms).toEqual([T - 150]);
    expect(m.trail_length).toEqual([2]);
    expect(m.trail_t_ms).toEqual([T - 1150, 1000]);
    expect(m.out_of_order).toEqual([2]);
    expect(m.battery_e2).toEqual([8000]);
  });

  it('refuses a cut or inconsistent table with an error, never a wrong unit', () => {
    const u: Unit = { id: 'V1', kind: 'volunteer', name: 'n', lat: 26, lon: 119, heading: 12, speed: undefined, accuracy: undefined, battery: undefined, status: 'available', ts: T, lastSeen: T, stale: true, source: 'native', gridId: undefined, trail: [[119, 26, T]], outOfOrder: 0 };
    const good = encodeUnitTable([u], 7, T)!;
    expect(decodeUnitTable(good).units).toHaveLength(1);
    for (let cut = 1; cut < good.length; cut++) expect(() => decodeUnitTable(good.subarray(0, cut)), `cut at ${cut} of ${good.length}`).toThrow(/protobuf|UnitTable/);
  });

  it('leaves to the snapshot’s JSON the units whose strings the table cannot hold (a NUL, a lone surrogate), and they come back exactly', async () => {
    // a NUL in a name used to shift every later string of the table: the next unit came back with
    // the rest of the name as its id. A lone surrogate came back as U+FFFD.
    const odd = fc.constantFrom('x\u0000y', '\u0000', 'a\ud800', '\udc00b', 'ok\ud83d');
    fc.assert(
      fc.property(fc.uniqueArray(unit, { selector: (u) => u.id, minLength: 1, maxLength: 8 }), fc.nat(), fc.constantFrom('id', 'name', 'kind', 'status', 'source'), odd, (units, k, field, value) => {
        const bad = units[k % units.length] as unknown as Record<string, unknown>;
        bad[field] = value;
        expect(encodeUnitTable(units, 1, T)).toBeNull();
      }),
      { numRuns: 200 },
    );
    const dir = mkdtempSync(join(tmpdir(), 'wf-unit-table-'));
    try {
      const state = createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 5 });
      const w = McapFileWriter.create(join(dir, 'x.mcap'), JOURNAL_CHANNELS.map((c) => ({ ...c, schema: c.schema })), await zstdCodec(3));
      apply(state, { t: 'events', at: T, topic: 't/u1', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', kind: 'volunteer', name: 'x\u0000y', lat: 26.05, lon: 119.3, ts: T } }] });
      apply(state, { t: 'events', at: T, topic: 't/u2', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u2', kind: 'patrol', name: '巡逻\ud800', lat: 26.06, lon: 119.31, ts: T } }] });
      apply(state, { t: 'events', at: T, topic: 't/u3', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u3', kind: 'patrol', name: '志愿者-3', lat: 26.07, lon: 119.32, ts: T } }] });
      const msgs = snapshotMessages(state, 0, T);
      expect(msgs.map((m) => m.channelId)).toEqual([SNAPSHOT_CHANNEL]);
      for (const m of msgs) w.add(m.channelId, T, m.data);
      w.close();
      const snap = (await readLastSnapshot([join(dir, 'x.mcap')]))!.snapshot;
      expect(snap.units).toBeUndefined();
      expect(snap.situation.units.map((x) => [x.id, x.name])).toEqual([
        ['u1', 'x\u0000y'],
        ['u2', '巡逻\ud800'],
        ['u3', '志愿者-3'],
      ]);
      // whole, trails included, as the table would have brought them back
      expect(snap.situation.units).toEqual(JSON.parse(JSON.stringify(checkpointOf(state, { trails: true }).units)));
      expect(snap.situation.units[2].trail).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a snapshot whose table is missing gives way to the snapshot before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-unit-table-'));
    try {
      const state = createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 5 });
      const w = McapFileWriter.create(join(dir, 'x.mcap'), JOURNAL_CHANNELS.map((c) => ({ ...c, schema: c.schema })), await zstdCodec(3));
      apply(state, { t: 'events', at: T, topic: 't/u1', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', kind: 'volunteer', lat: 26.05, lon: 119.3, ts: T } }] });
      for (const m of snapshotMessages(state, 0, T)) w.add(m.channelId, T, m.data);
      apply(state, { t: 'events', at: T + 1000, topic: 't/u2', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u2', kind: 'patrol', lat: 26.06, lon: 119.31, ts: T + 1000 } }] });
      // the second snapshot's JSON without its table (what a damaged file would hold)
      const [json] = snapshotMessages(state, 1, T + 1000);
      expect(json.channelId).toBe(SNAPSHOT_CHANNEL);
      w.add(json.channelId, T + 1000, json.data);
      w.close();
      const found = await readLastSnapshot([join(dir, 'x.mcap')]);
      const snap: SnapshotMessage = found!.snapshot;
      expect(snap.n).toBe(0);
      expect(snap.situation.units.map((x) => [x.id, x.trail])).toEqual([['u1', [[119.3, 26.05, T]]]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

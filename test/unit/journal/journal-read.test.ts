// Reading inputs back (main/journal/journal-read.ts): the fix channel and the JSON channels merge
// by number, a seek's shared input object carries the same fixes as the copies, and fix batches
// whose numbers overlap (files of two writers given together) still come back in number order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputBatcher } from '../../../core/journal/batcher.js';
import { JOURNAL_CHANNELS } from '../../../core/journal/channels.js';
import type { SituationInput } from '../../../core/inputs.js';
import { zstdCodec } from '../../../main/journal/codec.js';
import { applyInputs, readInputs } from '../../../main/journal/journal-read.js';
import { McapFileWriter } from '../../../main/journal/mcap-file.js';

const T = Date.UTC(2026, 11, 6, 10);
const fix = (at: number, id: string): SituationInput => ({ t: 'events', at, topic: `watchfloor/v1/units/${id}/location`, events: [{ type: 'unitFix', source: 'native', fix: { id, kind: 'volunteer', lat: 26.05, lon: 119.3 + at / 1e9, ts: at } }] });

async function write(path: string, inputs: [number, SituationInput][], batchEvery: number): Promise<void> {
  const w = McapFileWriter.create(path, JOURNAL_CHANNELS, await zstdCodec(3));
  const b = new InputBatcher();
  inputs.forEach(([n, input], k) => {
    b.add(n, input);
    if ((k + 1) % batchEvery === 0) for (const m of b.drain()) w.add(m.channelId, m.at, m.data);
  });
  for (const m of b.drain()) w.add(m.channelId, m.at, m.data);
  w.close();
}

describe('reading the journal’s inputs', () => {
  it('merges fixes and other inputs by number; the shared object carries the same fixes as the copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    try {
      const inputs: [number, SituationInput][] = [];
      for (let n = 0; n < 40; n++) inputs.push([n, n % 5 === 4 ? { t: 'tick', at: T + n * 100 } : fix(T + n * 100, `u${n % 3}`)]);
      await write(join(dir, 'a.mcap'), inputs, 7);
      const copies = await readInputs([join(dir, 'a.mcap')], { afterN: 9, toMs: T + 3_000 });
      expect(copies.map((x) => x.n)).toEqual(inputs.filter(([n, i]) => n > 9 && i.at <= T + 3_000).map(([n]) => n));
      expect(copies.map((x) => x.input)).toEqual(inputs.filter(([n, i]) => n > 9 && i.at <= T + 3_000).map(([, i]) => i));
      const seen: [number, string][] = [];
      const count = await applyInputs([join(dir, 'a.mcap')], { afterN: 9, toMs: T + 3_000 }, (n, input) => seen.push([n, JSON.stringify(input)]));
      expect(count).toBe(copies.length);
      expect(seen).toEqual(copies.map((x) => [x.n, JSON.stringify(x.input)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts overlapping fix batches of two files back in number order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    try {
      await write(join(dir, 'a.mcap'), [1, 3, 5].map((n) => [n, fix(T + n, 'a')]), 10);
      await write(join(dir, 'b.mcap'), [2, 4, 6].map((n) => [n, fix(T + n, 'b')]), 10);
      const files = [join(dir, 'a.mcap'), join(dir, 'b.mcap')];
      expect((await readInputs(files, { afterN: 1 })).map((x) => x.n)).toEqual([2, 3, 4, 5, 6]);
      const seen: number[] = [];
      await applyInputs(files, { afterN: 1, toMs: T + 5 }, (n) => seen.push(n));
      expect(seen).toEqual([2, 3, 4, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

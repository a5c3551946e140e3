// The journal's MCAP files: written chunk by chunk, read back through their index by @mcap/core's
// own reader, and repaired after being cut at any byte (a kill -9 or a power cut mid-write).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapStreamReader } from '@mcap/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { decompressHandlers, decompressSync, zstdCodec } from '../../../main/journal/codec.js';
import { McapFileWriter, type ChannelSpec } from '../../../main/journal/mcap-file.js';
import { repairMcap, scanMcap } from '../../../main/journal/mcap-repair.js';
import { McapReaderPool, msOf, nsOf, openMcap } from '../../../main/journal/mcap-read.js';

const channels: ChannelSpec[] = [
  { topic: '/a', schemaName: 'A', schema: { type: 'object' } },
  { topic: '/b', schemaName: 'B', schema: { type: 'object' }, metadata: { note: '说明' } },
];
const enc = new TextEncoder();
const dec = new TextDecoder();

/** n chunks of `per` messages, alternating channels, times 1 ms apart from t0 */
async function writeFile(path: string, chunks: number, per: number, t0 = 1_700_000_000_000): Promise<McapFileWriter> {
  const w = McapFileWriter.create(path, channels, await zstdCodec(3));
  let t = t0;
  for (let c = 0; c < chunks; c++) {
    for (let i = 0; i < per; i++, t++) w.add(i % 2, t, enc.encode(JSON.stringify({ c, i, t })));
    w.flush();
  }
  return w;
}

async function readAll(path: string): Promise<{ topic: string; t: number; body: { c: number; i: number; t: number } }[]> {
  const r = await openMcap(path);
  try {
    const out = [];
    for await (const m of r.reader.readMessages()) out.push({ topic: r.reader.channelsById.get(m.channelId)!.topic, t: msOf(m.logTime), body: JSON.parse(dec.decode(m.data)) });
    return out;
  } finally {
    await r.close();
  }
}

describe('journal MCAP files', () => {
  it('a closed file is an indexed MCAP: summary, statistics, chunk indexes, time-range reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-mcap-'));
    const path = join(dir, 'x.mcap');
    const w = await writeFile(path, 5, 40);
    w.close();
    const r = await openMcap(path);
    expect(r.reader.header.profile).toBe('watchfloor');
    expect(r.reader.chunkIndexes).toHaveLength(5);
    expect(r.reader.statistics!.messageCount).toBe(200n);
    expect(r.reader.statistics!.channelMessageCounts.get(0)).toBe(100n);
    expect([...r.reader.channelsById.values()].map((c) => c.topic)).toEqual(['/a', '/b']);
    expect(r.reader.channelsById.get(1)!.metadata.get('note')).toBe('说明');
    // a period in the middle: only its messages, in time order
    const got: number[] = [];
    for await (const m of r.reader.readMessages({ startTime: nsOf(1_700_000_000_050), endTime: nsOf(1_700_000_000_059) })) got.push(msOf(m.logTime));
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => 1_700_000_000_050 + i));
    await r.close();
    expect(repairMcap(path, decompressSync)).toBeNull(); // a complete file is left alone
    // the streaming reader (what other tools use) validates every CRC
    const s = new McapStreamReader({ decompressHandlers: await decompressHandlers(), validateCrcs: true });
    s.append(readFileSync(path));
    let messages = 0;
    for (let rec; (rec = s.nextRecord()); ) if (rec.type === 'Message') messages++;
    expect(s.done()).toBe(true);
    expect(messages).toBe(200);
  });

  it('a file cut at any byte is repaired up to its last complete chunk, and reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-mcap-'));
    const whole = join(dir, 'whole.mcap');
    const w = await writeFile(whole, 6, 25);
    w.abandon(); // never closed: no summary, no footer
    const size = statSync(whole).size;
    const chunkEnds = scanMcap(whole, decompressSync).summary.chunkIndexes.map((c) => Number(c.chunkStartOffset + c.chunkLength + c.messageIndexLength));
    expect(chunkEnds).toHaveLength(6);
    expect(chunkEnds.at(-1)).toBe(size);
    const headerEnd = 8 + 9 + Number(Buffer.from(readFileSync(whole)).readBigUInt64LE(9));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 8, max: size }), async (cut) => {
        const p = join(dir, `cut-${cut}.mcap`);
        copyFileSync(whole, p);
        truncateSync(p, cut);
        if (cut < headerEnd) {
          // cut before its header ended (only a power cut does that: the start is one write): left alone
          expect(repairMcap(p, decompressSync)).toBeNull();
          return;
        }
        const report = repairMcap(p, decompressSync)!;
        const kept = chunkEnds.filter((e) => e <= cut).length;
        expect(report.chunks).toBe(kept);
        expect(report.messages).toBe(kept * 25);
        const msgs = await readAll(p);
        expect(msgs.map((m) => m.body.c * 25 + m.body.i)).toEqual(Array.from({ length: kept * 25 }, (_, i) => i));
        // repairing again changes nothing
        const after = readFileSync(p);
        expect(repairMcap(p, decompressSync)).toBeNull();
        expect(readFileSync(p).equals(after)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a repair cut short is finished by the next one; garbage after a chunk is cut off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-mcap-'));
    const p = join(dir, 'x.mcap');
    (await writeFile(p, 3, 10)).abandon();
    const good = statSync(p).size;
    repairMcap(p, decompressSync);
    const repaired = statSync(p).size;
    // cut inside the summary the repair wrote: still open, repaired again to the same file
    truncateSync(p, good + Math.floor((repaired - good) / 2));
    expect(repairMcap(p, decompressSync)!.chunks).toBe(3);
    expect((await readAll(p)).length).toBe(30);
    // a file that is not an MCAP is never touched
    const junk = join(dir, 'junk.mcap');
    writeFileSync(junk, 'not an mcap');
    expect(repairMcap(junk, decompressSync)).toBeNull();
    expect(readFileSync(junk, 'utf8')).toBe('not an mcap');
  });
});

describe('the reader pool', () => {
  const count = (pool: McapReaderPool, path: string) =>
    pool.use(path, async (r) => {
      let n = 0;
      for await (const m of r.reader.readMessages()) n += m.data.length > 0 ? 1 : 0;
      return n;
    });
  const openFds = () => readdirSync('/proc/self/fd').length;

  it('keeps finished files open between reads, a few at most, and opens again a file that changed or went', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-pool-'));
    const paths = Array.from({ length: 6 }, (_, k) => join(dir, `f${k}.mcap`));
    for (const p of paths) (await writeFile(p, 2, 3)).close();
    const pool = new McapReaderPool(3);
    const before = openFds();
    for (const p of paths) expect(await count(pool, p)).toBe(6);
    // reads overlap on one reader
    expect(await Promise.all([count(pool, paths[5]), count(pool, paths[5])])).toEqual([6, 6]);
    expect(openFds() - before).toBe(3);
    // the same file rewritten (a repair, a new file of that name): read as it is now
    unlinkSync(paths[5]);
    (await writeFile(paths[5], 3, 3)).close();
    expect(await count(pool, paths[5])).toBe(9);
    // deleted (retention): an error for the reader, nothing kept
    const held = openFds();
    unlinkSync(paths[4]);
    await expect(count(pool, paths[4])).rejects.toThrow(/ENOENT/);
    // and its reader let go (an open one would keep the deleted file's space taken)
    await vi.waitFor(() => expect(openFds()).toBe(held - 1));
    pool.closeAll();
    await vi.waitFor(() => expect(openFds()).toBe(before));
  });
});


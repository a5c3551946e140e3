// Reading the journal back: the last snapshot before a time, and the inputs after it in the exact
// order the reducer applied them (merged across the families' channels by their sequence number).
import { FAMILIES, FIX_TOPIC, inputTopic, SNAPSHOT_TOPIC, type InputBatch, type SnapshotMessage } from '../../core/journal/channels.js';
import { decodeFixBatch } from '../../core/journal/fix-codec.js';
import type { SituationInput } from '../../core/inputs.js';
import { McapReaderPool, msOf, nsOf, openMcap, type McapSource, type OpenRecording } from './mcap-read.js';

const dec = new TextDecoder();
const INPUT_TOPICS = [...FAMILIES.map(inputTopic), FIX_TOPIC];
/** a batch's time is its first input's: the inputs in it reach up to a flush interval later */
export const BATCH_SPAN_MS = 5_000;

export type Source = string | McapSource;
const pathOf = (s: Source): string => (typeof s === 'string' ? s : s.path);

export interface FoundSnapshot {
  /** the path of the file it is in */
  file: string;
  snapshot: SnapshotMessage;
}

/**
 * Runs `fn` on the file opened (through `pool` when given); undefined when the file does not open
 * (a reader looks on in the files that do).
 */
async function withFile<T>(file: Source, pool: McapReaderPool | undefined, fn: (r: OpenRecording) => Promise<T>): Promise<T | undefined> {
  if (pool) {
    let opened = false;
    try {
      return await pool.use(file, (r) => {
        opened = true;
        return fn(r);
      });
    } catch (e) {
      if (opened) throw e;
      return undefined;
    }
  }
  let r: OpenRecording;
  try {
    r = await openMcap(file);
  } catch {
    return undefined;
  }
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

/**
 * The newest snapshot at or before `atMost` (ms; none = the newest of all), looking from the last
 * file back; `notBefore`: one is known to be there at that time (the recordings index), so nothing
 * older is looked at — unless no file holds one from then on, when the whole files are searched.
 */
export async function readLastSnapshot(files: readonly Source[], atMost?: number, pool?: McapReaderPool, notBefore?: number): Promise<FoundSnapshot | null> {
  if (notBefore !== undefined) {
    const found = await lastSnapshotIn(files, atMost, pool, notBefore);
    if (found) return found;
  }
  return lastSnapshotIn(files, atMost, pool, undefined);
}

async function lastSnapshotIn(files: readonly Source[], atMost: number | undefined, pool: McapReaderPool | undefined, notBefore: number | undefined): Promise<FoundSnapshot | null> {
  for (let i = files.length - 1; i >= 0; i--) {
    const found = await withFile(files[i], pool, async (r) => {
      const stats = r.reader.statistics;
      if (atMost !== undefined && stats && stats.messageCount > 0n && msOf(stats.messageStartTime) > atMost) return null;
      if (notBefore !== undefined && stats && stats.messageCount > 0n && msOf(stats.messageEndTime) < notBefore) return null;
      const startTime = notBefore === undefined ? undefined : nsOf(notBefore);
      for await (const m of r.reader.readMessages({ topics: [SNAPSHOT_TOPIC], startTime, endTime: atMost === undefined ? undefined : nsOf(atMost), reverse: true })) {
        return { file: pathOf(files[i]), snapshot: JSON.parse(dec.decode(m.data)) as SnapshotMessage };
      }
      return null;
    });
    if (found) return found;
  }
  return null;
}

export interface NumberedInput {
  n: number;
  input: SituationInput;
}

/**
 * Inputs numbered above `afterN` (and received at or before `toMs`) from `files`, in the order the
 * reducer applied them. `fromMs` skips chunks that end before it (less a batch's span).
 */
export async function readInputs(files: readonly Source[], o: { afterN: number; fromMs?: number; toMs?: number; pool?: McapReaderPool }): Promise<NumberedInput[]> {
  const out: NumberedInput[] = [];
  for (const file of files) {
    await withFile(file, o.pool, async (r) => {
      const startTime = o.fromMs === undefined ? undefined : nsOf(o.fromMs - BATCH_SPAN_MS);
      const endTime = o.toMs === undefined ? undefined : nsOf(o.toMs);
      const fixChannel = [...r.reader.channelsById.values()].find((c) => c.topic === FIX_TOPIC)?.id;
      for await (const m of r.reader.readMessages({ topics: INPUT_TOPICS, startTime, endTime })) {
        if (m.channelId === fixChannel) {
          for (const x of decodeFixBatch(m.data)) if (x.n > o.afterN && (o.toMs === undefined || x.input.at <= o.toMs)) out.push(x);
          continue;
        }
        const b = JSON.parse(dec.decode(m.data)) as InputBatch;
        for (let k = 0; k < b.n.length; k++) {
          if (b.n[k] <= o.afterN) continue;
          if (o.toMs !== undefined && b.inputs[k].at > o.toMs) continue;
          out.push({ n: b.n[k], input: b.inputs[k] });
        }
      }
    });
  }
  return out.sort((a, b) => a.n - b.n);
}

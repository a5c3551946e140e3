// Reading the journal back: the last snapshot before a time, and the inputs after it in the exact
// order the reducer applied them (merged across the families' channels by their sequence number).
import { FAMILIES, FIX_TOPIC, inputTopic, SNAPSHOT_TOPIC, UNIT_TABLE_TOPIC, type InputBatch, type SnapshotMessage } from '../../core/journal/channels.js';
import { FixBatchReader } from '../../core/journal/fix-codec.js';
import { decodeUnitTable, type TableUnit } from '../../core/journal/unit-table.js';
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
        const snapshot = JSON.parse(dec.decode(m.data)) as SnapshotMessage;
        if (snapshot.units === 'table') {
          const units = await unitTableOf(r, m.logTime, snapshot.n);
          // its table missing or unreadable (a damaged file): the snapshot before it
          if (!units) continue;
          snapshot.situation.units = units as SnapshotMessage['situation']['units'];
        }
        return { file: pathOf(files[i]), snapshot };
      }
      return null;
    });
    if (found) return found;
  }
  return null;
}

/** The units of snapshot `n`, from its UnitTable (written at the same time); null when there is none that reads. */
async function unitTableOf(r: OpenRecording, logTime: bigint, n: number): Promise<TableUnit[] | null> {
  for await (const m of r.reader.readMessages({ topics: [UNIT_TABLE_TOPIC], startTime: logTime, endTime: logTime })) {
    try {
      const table = decodeUnitTable(m.data);
      if (table.n === n) return table.units;
    } catch {
      // a table that does not read is no table
    }
  }
  return null;
}

export interface NumberedInput {
  n: number;
  input: SituationInput;
}

export interface InputRange {
  afterN: number;
  fromMs?: number;
  toMs?: number;
  pool?: McapReaderPool;
}

/**
 * Inputs numbered above `afterN` (and received at or before `toMs`) from `files`, in the order the
 * reducer applied them. `fromMs` skips chunks that end before it (less a batch's span).
 */
export async function readInputs(files: readonly Source[], o: InputRange): Promise<NumberedInput[]> {
  const out: NumberedInput[] = [];
  await eachInput(files, o, (n, input) => out.push({ n, input }), true);
  return out;
}

/**
 * The same inputs, handed to `fn` one by one in the order they were applied — each unit fix in
 * one object reused from fix to fix (valid only during the call: `fn` must keep nothing of it).
 * What a seek and a recovery use: the reducer keeps no input, and 50,000 fixes then make no
 * 200,000 objects. Returns how many were handed over.
 */
export async function applyInputs(files: readonly Source[], o: InputRange, fn: (n: number, input: SituationInput) => void): Promise<number> {
  let count = 0;
  await eachInput(files, o, (n, input) => {
    count++;
    fn(n, input);
  }, false);
  return count;
}

async function eachInput(files: readonly Source[], o: InputRange, emit: (n: number, input: SituationInput) => void, copies: boolean): Promise<void> {
  // the fix batches as readers, the other families' inputs as they are: merged by number below
  const fixes: FixBatchReader[] = [];
  const others: NumberedInput[] = [];
  for (const file of files) {
    await withFile(file, o.pool, async (r) => {
      const startTime = o.fromMs === undefined ? undefined : nsOf(o.fromMs - BATCH_SPAN_MS);
      const endTime = o.toMs === undefined ? undefined : nsOf(o.toMs);
      const fixChannel = [...r.reader.channelsById.values()].find((c) => c.topic === FIX_TOPIC)?.id;
      for await (const m of r.reader.readMessages({ topics: INPUT_TOPICS, startTime, endTime })) {
        if (m.channelId === fixChannel) {
          // a batch the snapshot holds (the chunks read reach back a batch's span before it): not decoded
          if (FixBatchReader.lastNumber(m.data) <= o.afterN) continue;
          const batch = new FixBatchReader(m.data);
          if (batch.count && batch.n[batch.count - 1] > o.afterN) fixes.push(batch);
          continue;
        }
        const b = JSON.parse(dec.decode(m.data)) as InputBatch;
        for (let k = 0; k < b.n.length; k++) {
          if (b.n[k] <= o.afterN) continue;
          if (o.toMs !== undefined && b.inputs[k].at > o.toMs) continue;
          others.push({ n: b.n[k], input: b.inputs[k] });
        }
      }
    });
  }
  others.sort((a, b) => a.n - b.n);
  // each batch's numbers ascend (the reader checks); batches of one writer follow each other, but
  // should two overlap (files of two walls given together) the merge still goes by number
  fixes.sort((a, b) => a.n[0] - b.n[0]);
  let overlap = false;
  for (let i = 1; i < fixes.length; i++) if (fixes[i].n[0] <= fixes[i - 1].n[fixes[i - 1].count - 1]) overlap = true;
  if (overlap) {
    for (const b of fixes)
      while (!b.done) {
        if (b.peekN() <= o.afterN || (o.toMs !== undefined && b.peekAt() > o.toMs)) b.skip();
        else others.push({ n: b.peekN(), input: b.nextCopy() });
      }
    others.sort((a, b) => a.n - b.n);
    fixes.length = 0;
  }
  let j = 0;
  for (const b of fixes) {
    while (!b.done) {
      const n = b.peekN();
      if (n <= o.afterN || (o.toMs !== undefined && b.peekAt() > o.toMs)) {
        b.skip();
        continue;
      }
      while (j < others.length && others[j].n < n) {
        const x = others[j++];
        emit(x.n, x.input);
      }
      emit(n, copies ? b.nextCopy() : b.next());
    }
  }
  for (; j < others.length; j++) emit(others[j].n, others[j].input);
}

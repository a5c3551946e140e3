// Reading the journal back: the last snapshot before a time, and the inputs after it in the exact
// order the reducer applied them (merged across the families' channels by their sequence number).
import { FAMILIES, FIX_TOPIC, inputTopic, SNAPSHOT_TOPIC, type InputBatch, type SnapshotMessage } from '../../core/journal/channels.js';
import { decodeFixBatch } from '../../core/journal/fix-codec.js';
import type { SituationInput } from '../../core/inputs.js';
import { msOf, nsOf, openMcap, type McapSource } from './mcap-read.js';

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

/** The newest snapshot at or before `atMost` (ms; none = the newest of all), looking from the last file back. */
export async function readLastSnapshot(files: readonly Source[], atMost?: number): Promise<FoundSnapshot | null> {
  for (let i = files.length - 1; i >= 0; i--) {
    let r;
    try {
      r = await openMcap(files[i]);
    } catch {
      continue;
    }
    try {
      const stats = r.reader.statistics;
      if (atMost !== undefined && stats && stats.messageCount > 0n && msOf(stats.messageStartTime) > atMost) continue;
      for await (const m of r.reader.readMessages({ topics: [SNAPSHOT_TOPIC], endTime: atMost === undefined ? undefined : nsOf(atMost), reverse: true })) {
        return { file: pathOf(files[i]), snapshot: JSON.parse(dec.decode(m.data)) as SnapshotMessage };
      }
    } finally {
      await r.close();
    }
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
export async function readInputs(files: readonly Source[], o: { afterN: number; fromMs?: number; toMs?: number }): Promise<NumberedInput[]> {
  const out: NumberedInput[] = [];
  for (const file of files) {
    let r;
    try {
      r = await openMcap(file);
    } catch {
      continue;
    }
    try {
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
    } finally {
      await r.close();
    }
  }
  return out.sort((a, b) => a.n - b.n);
}

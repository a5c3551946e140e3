// recording.mcap of a case: a slice of the journal, in the journal's own format (the same channels
// and schemas, core/journal/channels.ts; written with the journal's McapFileWriter, zstd chunks,
// a summary and a footer), so the wall's readers (main/journal/journal-read.ts, Recording),
// Foxglove Studio and `mcap info` open it like any hour of the journal. It begins with a snapshot
// of the situation at the period's start (after the last input before it), holds every input of
// the period with its number in the wall's sequence, and a snapshot every `snapshotEveryMs` of
// input time as the journal does, so a seek inside it never replays the whole slice.
import { channelIdOf, familyOf, JOURNAL_CHANNELS, SNAPSHOT_CHANNEL, type InputFamily, type SnapshotMessage } from '../../core/journal/channels.js';
import type { SituationInput } from '../../core/inputs.js';
import { checkpointOf } from '../../core/situation/checkpoint.js';
import type { SituationState } from '../../core/situation/situation.js';
import { zstdCodec } from '../journal/codec.js';
import { McapFileWriter } from '../journal/mcap-file.js';

interface Batch {
  n: number[];
  parts: string[];
  firstAt: number;
}

const enc = new TextEncoder();
/** a batch holds at most this much input time (the readers allow 5 s: journal-read.ts BATCH_SPAN_MS) */
const BATCH_MS = 1000;
const BATCH_BYTES = 256 * 1024;
const CHUNK_BYTES = 4 << 20;

export class SliceWriter {
  private readonly batches = new Map<InputFamily, Batch>();
  private pending = 0;
  private lastSnapshotAt = -Infinity;
  inputs = 0;
  snapshots = 0;

  private constructor(
    private readonly w: McapFileWriter,
    private readonly snapshotEveryMs: number,
  ) {}

  /** Creates the file (it must not exist), mode 0600. */
  static async create(path: string, o: { zstdLevel: number; snapshotEveryMs: number }): Promise<SliceWriter> {
    return new SliceWriter(McapFileWriter.create(path, JOURNAL_CHANNELS, await zstdCodec(o.zstdLevel), 0o600), o.snapshotEveryMs);
  }

  /** The situation after input `n`, at `at`. */
  snapshot(n: number, at: number, state: SituationState): void {
    this.flushBatches();
    const msg: SnapshotMessage = { n, at, situation: checkpointOf(state, { trails: true }) };
    this.w.add(SNAPSHOT_CHANNEL, at, enc.encode(JSON.stringify(msg)));
    this.lastSnapshotAt = at;
    this.snapshots++;
    this.maybeFlushChunk();
  }

  /** Input `n`, already applied to `state` (a snapshot taken now holds it). */
  input(n: number, input: SituationInput, state: SituationState): void {
    const fam = familyOf(input);
    const open = [...this.batches.values()].some((b) => input.at - b.firstAt > BATCH_MS);
    if (open || this.pending > BATCH_BYTES) this.flushBatches();
    let b = this.batches.get(fam);
    if (!b) this.batches.set(fam, (b = { n: [], parts: [], firstAt: input.at }));
    const text = JSON.stringify(input);
    b.n.push(n);
    b.parts.push(text);
    this.pending += text.length;
    this.inputs++;
    if (input.at - this.lastSnapshotAt >= this.snapshotEveryMs) this.snapshot(n, input.at, state);
    this.maybeFlushChunk();
  }

  private flushBatches(): void {
    for (const [fam, b] of this.batches) this.w.add(channelIdOf(fam), b.firstAt, enc.encode(`{"n":[${b.n.join(',')}],"inputs":[${b.parts.join(',')}]}`));
    this.batches.clear();
    this.pending = 0;
  }

  private maybeFlushChunk(): void {
    if (this.w.pendingBytes >= CHUNK_BYTES) this.w.flush();
  }

  /** The last chunk, the summary and the footer: a complete, indexed MCAP file. */
  close(): void {
    this.flushBatches();
    this.w.close();
  }

  /** Gives up (an export that failed): the file is closed as it is and removed by the caller. */
  abandon(): void {
    this.w.abandon();
  }
}

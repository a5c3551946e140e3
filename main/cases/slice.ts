// recording.mcap of a case: a slice of the journal, in the journal's own format (the same channels
// and schemas, core/journal/channels.ts; written with the journal's McapFileWriter, zstd chunks,
// a summary and a footer), so the wall's readers (main/journal/journal-read.ts, Recording),
// Foxglove Studio and `mcap info` open it like any hour of the journal. It begins with a snapshot
// of the situation at the period's start (after the last input before it), holds every input of
// the period with its number in the wall's sequence, and a snapshot every `snapshotEveryMs` of
// input time as the journal does, so a seek inside it never replays the whole slice.
import { InputBatcher } from '../../core/journal/batcher.js';
import { snapshotMessages } from '../../core/journal/snapshot.js';
import { JOURNAL_CHANNELS } from '../../core/journal/channels.js';
import type { SituationInput } from '../../core/inputs.js';
import type { SituationState } from '../../core/situation/situation.js';
import { zstdCodec } from '../journal/codec.js';
import { SNAPSHOT_MIN_GAP_MS } from '../journal/journal.js';
import { McapFileWriter } from '../journal/mcap-file.js';

const BATCH_BYTES = 256 * 1024;
const CHUNK_BYTES = 4 << 20;

export class SliceWriter {
  private readonly batcher = new InputBatcher();
  private lastSnapshotAt = -Infinity;
  private sinceSnapshot = 0;
  inputs = 0;
  snapshots = 0;

  private constructor(
    private readonly w: McapFileWriter,
    private readonly snapshotEveryMs: number,
    private readonly snapshotEveryInputs: number,
  ) {}

  /** Creates the file (it must not exist), mode 0600. */
  static async create(path: string, o: { zstdLevel: number; snapshotEveryMs: number; snapshotEveryInputs?: number }): Promise<SliceWriter> {
    return new SliceWriter(McapFileWriter.create(path, JOURNAL_CHANNELS, await zstdCodec(o.zstdLevel), 0o600), o.snapshotEveryMs, o.snapshotEveryInputs ?? Infinity);
  }

  /** The situation after input `n`, at `at`. */
  snapshot(n: number, at: number, state: SituationState): void {
    this.flushBatches();
    for (const m of snapshotMessages(state, n, at)) this.w.add(m.channelId, at, m.data);
    this.lastSnapshotAt = at;
    this.sinceSnapshot = 0;
    this.snapshots++;
    this.maybeFlushChunk();
  }

  /** Input `n`, already applied to `state` (a snapshot taken now holds it). */
  input(n: number, input: SituationInput, state: SituationState): void {
    if (this.batcher.wouldOverrun(input.at) || this.batcher.pendingBytes > BATCH_BYTES) this.flushBatches();
    this.batcher.add(n, input);
    this.inputs++;
    this.sinceSnapshot++;
    const since = input.at - this.lastSnapshotAt;
    if (since >= this.snapshotEveryMs || (this.sinceSnapshot >= this.snapshotEveryInputs && since >= SNAPSHOT_MIN_GAP_MS)) this.snapshot(n, input.at, state);
    this.maybeFlushChunk();
  }

  private flushBatches(): void {
    for (const m of this.batcher.drain()) this.w.add(m.channelId, m.at, m.data);
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

// Inputs waiting to become journal messages: one JSON batch per family, plus unit fixes in a
// compact FixBatch (fix-codec.ts). The journal and a case's slice (main/cases/slice.ts) both write
// through it, so a slice is in the journal's own format. Pure.
import type { SituationInput } from '../inputs.js';
import { channelIdOf, familyOf, FIX_CHANNEL, type InputFamily } from './channels.js';
import { FixBatchEncoder } from './fix-codec.js';

interface JsonBatch {
  n: number[];
  parts: string[];
  firstAt: number;
}

/** One message for the MCAP writer. */
export interface BatchMessage {
  channelId: number;
  /** log time: the first input's receive time */
  at: number;
  data: Uint8Array;
}

const enc = new TextEncoder();

/**
 * A batch holds at most this much input time: a reader from time T reads the batches logged from
 * T − 5 s on (journal-read.ts BATCH_SPAN_MS). The live journal's timer drains its batches every
 * half second, but a starved timer or a clock step must not make a batch that starts before that.
 */
export const MAX_BATCH_MS = 1000;

export class InputBatcher {
  private readonly json = new Map<InputFamily, JsonBatch>();
  /** kept from batch to batch: its columns allocate once */
  private readonly fixes = new FixBatchEncoder();
  /** about how many bytes wait */
  pendingBytes = 0;
  /** how many inputs wait */
  count = 0;
  /** the receive time of the first input waiting */
  private startedAt = 0;

  /** Whether an input received at `at` would stretch what waits past MAX_BATCH_MS (either way: clocks step back too): drain first. */
  wouldOverrun(at: number): boolean {
    return this.count > 0 && Math.abs(at - this.startedAt) > MAX_BATCH_MS;
  }

  /** Input `n`, applied just now. */
  add(n: number, input: SituationInput): void {
    if (this.count++ === 0) this.startedAt = input.at;
    const f = this.fixes;
    const before = f.bytes;
    if (f.tryAdd(n, input)) {
      this.pendingBytes += f.bytes - before;
      return;
    }
    const fam = familyOf(input);
    let b = this.json.get(fam);
    if (!b) this.json.set(fam, (b = { n: [], parts: [], firstAt: input.at }));
    const text = JSON.stringify(input);
    b.n.push(n);
    b.parts.push(text);
    this.pendingBytes += text.length;
  }

  /**
   * What waits, as messages; the batcher is empty after. A message's data is valid until the next
   * drain (the fixes' batch is a view of the encoder's buffer): write it, or copy it, at once.
   */
  drain(): BatchMessage[] {
    const out: BatchMessage[] = [];
    for (const [fam, b] of this.json) out.push({ channelId: channelIdOf(fam), at: b.firstAt, data: enc.encode(`{"n":[${b.n.join(',')}],"inputs":[${b.parts.join(',')}]}`) });
    if (this.fixes.count) out.push({ channelId: FIX_CHANNEL, at: this.fixes.firstAt, data: this.fixes.finishView() });
    this.json.clear();
    this.pendingBytes = 0;
    this.count = 0;
    return out;
  }
}

// Inputs waiting to become journal messages: one JSON batch per family, plus unit fixes in a
// compact FixBatch (fix-codec.ts). The journal and a case's slice (main/cases/slice.ts) both write
// through it, so a slice is in the journal's own format. Pure.
import type { SituationInput } from '../inputs.js';
import { channelIdOf, familyOf, FIX_CHANNEL, type InputFamily } from './channels.js';
import { compactFix, FixBatchEncoder } from './fix-codec.js';

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

export class InputBatcher {
  private readonly json = new Map<InputFamily, JsonBatch>();
  /** kept from batch to batch: its columns allocate once */
  private readonly fixes = new FixBatchEncoder();
  /** about how many bytes wait */
  pendingBytes = 0;
  /** how many inputs wait */
  count = 0;

  /** Input `n`, applied just now. */
  add(n: number, input: SituationInput): void {
    this.count++;
    const fix = compactFix(input);
    if (fix) {
      const f = this.fixes;
      const before = f.bytes;
      f.add(n, fix);
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

  /** The earliest receive time waiting, null when nothing waits. */
  firstAt(): number | null {
    let first: number | null = this.fixes.count ? this.fixes.firstAt : null;
    for (const b of this.json.values()) if (first === null || b.firstAt < first) first = b.firstAt;
    return first;
  }

  /** What waits, as messages; the batcher is empty after. */
  drain(): BatchMessage[] {
    const out: BatchMessage[] = [];
    for (const [fam, b] of this.json) out.push({ channelId: channelIdOf(fam), at: b.firstAt, data: enc.encode(`{"n":[${b.n.join(',')}],"inputs":[${b.parts.join(',')}]}`) });
    if (this.fixes.count) out.push({ channelId: FIX_CHANNEL, at: this.fixes.firstAt, data: this.fixes.finish() });
    this.json.clear();
    this.pendingBytes = 0;
    this.count = 0;
    return out;
  }
}

// Brings a journal file that was never closed (the wall was killed, the power went) back to a
// complete, indexed MCAP: keeps everything up to its last complete chunk with all its message
// indexes, cuts the rest, and writes the summary and footer there. Reads only record headers
// (a chunk's body is skipped by its length), so repairing an hour of recording takes
// milliseconds, not a decompression of the whole file. Running it again on a repaired file, or
// on a file a repair itself was cut short in, gives the same result.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, fdatasyncSync } from 'node:fs';
import { MCAP_MAGIC, Opcode, type McapTypes } from '@mcap/core';
import { countChunk, summaryBytes, writeAll, type SummaryState } from './mcap-file.js';

export type McapState =
  /** ends with a footer and the magic */
  | { kind: 'complete' }
  /** not closed: holds `chunks` complete chunks up to byte `validEnd` */
  | { kind: 'open'; validEnd: number; chunks: number; messages: bigint; size: number }
  /** not an MCAP at all (or its start is damaged): left alone */
  | { kind: 'unreadable'; reason: string };

export interface RepairReport {
  path: string;
  /** bytes cut off the end (a chunk being written, a summary cut short) */
  cutBytes: number;
  chunks: number;
  messages: number;
  /** the last message's time (ms) kept, null when none */
  lastMessageAt: number | null;
}

const td = new TextDecoder();

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

const magicAt = (b: Uint8Array) => b.byteLength >= 8 && MCAP_MAGIC.every((m, i) => b[i] === m);

interface Scan {
  state: McapState;
  summary: SummaryState;
}

function parseSchema(body: Uint8Array): McapTypes.Schema {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const id = v.getUint16(0, true);
  const nameLen = v.getUint32(2, true);
  const name = td.decode(body.subarray(6, 6 + nameLen));
  let o = 6 + nameLen;
  const encLen = v.getUint32(o, true);
  const encoding = td.decode(body.subarray(o + 4, o + 4 + encLen));
  o += 4 + encLen;
  const dataLen = v.getUint32(o, true);
  return { id, name, encoding, data: body.slice(o + 4, o + 4 + dataLen) };
}

function parseChannel(body: Uint8Array): McapTypes.Channel {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const id = v.getUint16(0, true);
  const schemaId = v.getUint16(2, true);
  let o = 4;
  const str = () => {
    const n = v.getUint32(o, true);
    const s = td.decode(body.subarray(o + 4, o + 4 + n));
    o += 4 + n;
    return s;
  };
  const topic = str();
  const messageEncoding = str();
  const metaBytes = v.getUint32(o, true);
  const end = o + 4 + metaBytes;
  o += 4;
  const metadata = new Map<string, string>();
  while (o < end) metadata.set(str(), str());
  return { id, schemaId, topic, messageEncoding, metadata };
}

/**
 * Walks the file's top-level records. A chunk counts once the records after it are its message
 * indexes up to the next chunk (or a clean end): a chunk whose indexes were cut off is dropped.
 */
/** Decompresses a chunk's records: (compression, data, uncompressed size) → records. */
export type Decompress = (compression: string, data: Uint8Array, size: number) => Uint8Array;

/**
 * Whether a chunk's message indexes found so far count every message the chunk holds: its records
 * are opened (this one chunk only) and its messages counted per channel. Without a way to open
 * them (`decompress` absent, or an unknown compression) the chunk is not trusted.
 */
function indexesComplete(fd: number, pending: { index: McapTypes.ChunkIndex; perChannel: Map<number, number>; start: number }, decompress?: Decompress): boolean {
  const c = pending.index;
  try {
    const headLen = 9 + 32 + c.compression.length + 8;
    const body = readAt(fd, pending.start + headLen, Number(c.compressedSize));
    const records = c.compression === '' ? body : decompress ? decompress(c.compression, body, Number(c.uncompressedSize)) : null;
    if (!records) return false;
    const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const counts = new Map<number, number>();
    for (let o = 0; o + 9 <= records.byteLength; ) {
      const op = records[o];
      const len = Number(v.getBigUint64(o + 1, true));
      if (op === Opcode.MESSAGE) {
        const ch = v.getUint16(o + 9, true);
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
      }
      o += 9 + len;
    }
    if (counts.size !== pending.perChannel.size) return false;
    for (const [ch, n] of counts) if (pending.perChannel.get(ch) !== n) return false;
    return true;
  } catch {
    return false;
  }
}

export function scanMcap(path: string, decompress?: Decompress): Scan {
  const summary: SummaryState = { schemas: [], channels: [], chunkIndexes: [], messageCount: 0n, channelMessageCounts: new Map(), messageStartTime: 0n, messageEndTime: 0n };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (!magicAt(readAt(fd, 0, 8))) return { state: { kind: 'unreadable', reason: 'no MCAP magic at the start' }, summary };
    if (size >= 16 && magicAt(readAt(fd, size - 8, 8))) {
      // a footer record right before the closing magic: the file was closed
      const foot = readAt(fd, size - 8 - 29, 29);
      if (foot.byteLength === 29 && foot[0] === Opcode.FOOTER) return { state: { kind: 'complete' }, summary };
    }
    let pos = 8;
    let validEnd = pos;
    let sawHeader = false;
    /** the chunk being looked at: its index entry, message counts per channel, where it began */
    let pending: { index: McapTypes.ChunkIndex; perChannel: Map<number, number>; start: number } | null = null;
    const settle = (end: number) => {
      if (pending) {
        pending.index.messageIndexLength = BigInt(end) - pending.index.chunkStartOffset - pending.index.chunkLength;
        countChunk(summary, pending.index, pending.perChannel);
        pending = null;
      }
      validEnd = end;
    };
    for (;;) {
      if (pos >= size) break;
      const head = readAt(fd, pos, 9);
      const op = head[0];
      const len = head.byteLength === 9 ? Number(new DataView(head.buffer).getBigUint64(1, true)) : Infinity;
      const end = pos + 9 + len;
      if (!Number.isSafeInteger(end) || end > size) {
        // cut inside this record: the chunk before is whole unless this was one of its indexes
        if (op !== Opcode.MESSAGE_INDEX) settle(pos);
        break;
      }
      if (op === Opcode.HEADER) {
        sawHeader = true;
        settle(end);
      } else if (op === Opcode.SCHEMA) {
        settle(end);
        summary.schemas.push(parseSchema(readAt(fd, pos + 9, len)));
      } else if (op === Opcode.CHANNEL) {
        settle(end);
        summary.channels.push(parseChannel(readAt(fd, pos + 9, len)));
      } else if (op === Opcode.CHUNK) {
        // the chunk before is whole: its indexes ended where this one begins
        settle(pos);
        const h = readAt(fd, pos + 9, 8 + 8 + 8 + 4 + 4);
        const v = new DataView(h.buffer);
        const compLen = v.getUint32(28, true);
        const tail = readAt(fd, pos + 9 + 32, compLen + 8);
        const compression = td.decode(tail.subarray(0, compLen));
        const recordsLen = new DataView(tail.buffer, tail.byteOffset + compLen, 8).getBigUint64(0, true);
        pending = {
          start: pos,
          perChannel: new Map(),
          index: {
            messageStartTime: v.getBigUint64(0, true),
            messageEndTime: v.getBigUint64(8, true),
            chunkStartOffset: BigInt(pos),
            chunkLength: BigInt(9 + len),
            messageIndexOffsets: new Map(),
            messageIndexLength: 0n,
            compression,
            compressedSize: recordsLen,
            uncompressedSize: v.getBigUint64(16, true),
          },
        };
      } else if (op === Opcode.MESSAGE_INDEX && pending) {
        const h = readAt(fd, pos + 9, 6);
        const v = new DataView(h.buffer);
        const channelId = v.getUint16(0, true);
        const entries = v.getUint32(2, true) / 16;
        pending.index.messageIndexOffsets.set(channelId, BigInt(pos));
        pending.perChannel.set(channelId, (pending.perChannel.get(channelId) ?? 0) + entries);
        // the file ends right after an index: the chunk is whole if its indexes list every message
        // it holds (one write carried them all; a cut between two indexes is told by counting)
        if (end === size && indexesComplete(fd, pending, decompress)) settle(end);
      } else {
        // DataEnd or a summary record: the data section ended here (a repair or a close cut short)
        settle(pos);
        break;
      }
      pos = end;
    }
    if (!sawHeader) return { state: { kind: 'unreadable', reason: 'cut before its header ended' }, summary };
    // a chunk whose indexes may be incomplete is not kept
    const kept = summary.chunkIndexes.length;
    return { state: { kind: 'open', validEnd, chunks: kept, messages: summary.messageCount, size }, summary };
  } finally {
    closeSync(fd);
  }
}

/** Repairs `path` in place if it was never closed; null when it was complete (or is not ours to touch). */
export function repairMcap(path: string, decompress?: Decompress): RepairReport | null {
  const { state, summary } = scanMcap(path, decompress);
  if (state.kind !== 'open') return null;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, state.validEnd);
    writeAll(fd, summaryBytes(summary, BigInt(state.validEnd)), state.validEnd);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return {
    path,
    cutBytes: state.size - state.validEnd,
    chunks: state.chunks,
    messages: Number(state.messages),
    lastMessageAt: state.messages > 0n ? Number(summary.messageEndTime / 1_000_000n) : null,
  };
}

// An MCAP file written for a journal that must survive `kill -9`: the header, every schema and
// every channel go first, outside any chunk (so a repair never has to decompress anything to know
// them), then whole chunks, each followed by its message indexes, in one write each. The caller
// flushes a chunk when it likes (the journal: at least once a second); @mcap/core's own writer
// flushes by size only. `close()` writes the summary (schemas, channels, statistics, chunk
// indexes, summary offsets) and the footer; `repairMcap` (mcap-repair.ts) writes the same summary
// after the last complete chunk of a file that was never closed.
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { crc32 } from '@foxglove/crc';
import { McapChunkBuilder, McapRecordBuilder, Opcode, type McapTypes } from '@mcap/core';

export interface ChannelSpec {
  topic: string;
  schemaName: string;
  /** a JSON Schema (draft 2020-12) of the channel's JSON messages, or the FileDescriptorSet of its protobuf ones */
  schema: object | { protobuf: Uint8Array };
  metadata?: Record<string, string>;
}

const isProtobuf = (s: ChannelSpec['schema']): s is { protobuf: Uint8Array } => (s as { protobuf?: unknown }).protobuf instanceof Uint8Array;

/** Compresses a chunk's records; null = stored as they are. */
export interface ChunkCodec {
  name: string;
  compress(data: Uint8Array): Uint8Array;
}

/** What the summary section is made from: gathered while writing, or rebuilt by a repair. */
export interface SummaryState {
  schemas: McapTypes.Schema[];
  channels: McapTypes.Channel[];
  chunkIndexes: McapTypes.ChunkIndex[];
  messageCount: bigint;
  channelMessageCounts: Map<number, bigint>;
  messageStartTime: bigint;
  messageEndTime: bigint;
}

export const PROFILE = 'watchfloor';

const enc = new TextEncoder();

export function emptySummary(channels: readonly ChannelSpec[]): SummaryState {
  return {
    schemas: channels.map((c, i) =>
      isProtobuf(c.schema) ? { id: i + 1, name: c.schemaName, encoding: 'protobuf', data: c.schema.protobuf } : { id: i + 1, name: c.schemaName, encoding: 'jsonschema', data: enc.encode(JSON.stringify(c.schema)) },
    ),
    channels: channels.map((c, i) => ({ id: i, schemaId: i + 1, topic: c.topic, messageEncoding: isProtobuf(c.schema) ? 'protobuf' : 'json', metadata: new Map(Object.entries(c.metadata ?? {})) })),
    chunkIndexes: [],
    messageCount: 0n,
    channelMessageCounts: new Map(),
    messageStartTime: 0n,
    messageEndTime: 0n,
  };
}

export function writeAll(fd: number, data: Uint8Array, position: number): void {
  let off = 0;
  while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off, position + off);
}

/**
 * The end of an MCAP file from its data section's end on: DataEnd, the summary and the footer.
 * Written at `position` (where the last complete chunk's indexes end).
 */
export function summaryBytes(s: SummaryState, position: bigint): Uint8Array {
  const b = new McapRecordBuilder();
  b.writeDataEnd({ dataSectionCrc: 0 });
  const summaryStart = position + BigInt(b.length);
  const groups: McapTypes.SummaryOffset[] = [];
  const group = (opcode: Opcode, write: () => void) => {
    const start = position + BigInt(b.length);
    write();
    const length = position + BigInt(b.length) - start;
    if (length > 0n) groups.push({ groupOpcode: opcode, groupStart: start, groupLength: length });
  };
  group(Opcode.SCHEMA, () => s.schemas.forEach((x) => b.writeSchema(x)));
  group(Opcode.CHANNEL, () => s.channels.forEach((x) => b.writeChannel(x)));
  group(Opcode.STATISTICS, () =>
    b.writeStatistics({
      messageCount: s.messageCount,
      schemaCount: s.schemas.length,
      channelCount: s.channels.length,
      attachmentCount: 0,
      metadataCount: 0,
      chunkCount: s.chunkIndexes.length,
      messageStartTime: s.messageStartTime,
      messageEndTime: s.messageEndTime,
      channelMessageCounts: s.channelMessageCounts,
    }),
  );
  group(Opcode.CHUNK_INDEX, () => s.chunkIndexes.forEach((x) => b.writeChunkIndex(x)));
  const summaryOffsetStart = position + BigInt(b.length);
  for (const g of groups) b.writeSummaryOffset(g);
  // the footer's CRC covers the summary from its start through the footer's own fields
  const dataEndLength = Number(summaryStart - position);
  const footerHead = new DataView(new ArrayBuffer(1 + 8 + 8 + 8));
  footerHead.setUint8(0, Opcode.FOOTER);
  footerHead.setBigUint64(1, 8n + 8n + 4n, true);
  footerHead.setBigUint64(9, summaryStart, true);
  footerHead.setBigUint64(17, summaryOffsetStart, true);
  const summary = b.buffer.slice(dataEndLength);
  const withFooter = new Uint8Array(summary.byteLength + footerHead.byteLength);
  withFooter.set(summary, 0);
  withFooter.set(new Uint8Array(footerHead.buffer), summary.byteLength);
  b.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc: crc32(withFooter) });
  b.writeMagic();
  return b.buffer.slice();
}

/** Adds one chunk's figures to the summary (the chunk index and the statistics). */
export function countChunk(s: SummaryState, index: McapTypes.ChunkIndex, perChannel: ReadonlyMap<number, number>): void {
  s.chunkIndexes.push(index);
  let n = 0n;
  for (const [ch, count] of perChannel) {
    s.channelMessageCounts.set(ch, (s.channelMessageCounts.get(ch) ?? 0n) + BigInt(count));
    n += BigInt(count);
  }
  if (n === 0n) return;
  if (s.messageCount === 0n || index.messageStartTime < s.messageStartTime) s.messageStartTime = index.messageStartTime;
  if (s.messageCount === 0n || index.messageEndTime > s.messageEndTime) s.messageEndTime = index.messageEndTime;
  s.messageCount += n;
}

export class McapFileWriter {
  private position: number;
  private readonly chunk = new McapChunkBuilder({ useMessageIndex: true });
  private readonly perChannel = new Map<number, number>();
  private readonly sequences: number[];
  private closed = false;
  /** an fdatasync is in flight (one at a time: the next flush's covers what this one missed) */
  private syncing = false;
  readonly summary: SummaryState;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    channels: readonly ChannelSpec[],
    private readonly codec: ChunkCodec | null,
  ) {
    this.summary = emptySummary(channels);
    this.sequences = channels.map(() => 0);
    const b = new McapRecordBuilder();
    b.writeMagic();
    b.writeHeader({ profile: PROFILE, library: 'watchfloor journal' });
    for (const s of this.summary.schemas) b.writeSchema(s);
    for (const c of this.summary.channels) b.writeChannel(c);
    writeAll(fd, b.buffer, 0);
    this.position = b.length;
  }

  /** Creates the file (it must not exist: a journal never writes over a recording). */
  static create(path: string, channels: readonly ChannelSpec[], codec: ChunkCodec | null, mode = 0o600): McapFileWriter {
    const fd = openSync(path, 'wx', mode);
    try {
      return new McapFileWriter(fd, path, channels, codec);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** bytes on disk so far (chunks written), and what waits in the open chunk */
  get bytesWritten(): number {
    return this.position;
  }
  get pendingBytes(): number {
    return this.chunk.byteLength;
  }
  get pendingMessages(): number {
    return this.chunk.numMessages;
  }

  add(channelId: number, logTimeMs: number, data: Uint8Array): void {
    const t = BigInt(Math.max(0, Math.round(logTimeMs))) * 1_000_000n;
    const sequence = this.sequences[channelId]++;
    this.chunk.addMessage({ channelId, sequence, logTime: t, publishTime: t, data });
    this.perChannel.set(channelId, (this.perChannel.get(channelId) ?? 0) + 1);
  }

  /**
   * Writes the open chunk and its message indexes in one write (a kill -9 after it returns loses
   * nothing: the page cache is the kernel's). `sync` then asks the disk to keep it too, off the
   * event loop (libuv's pool): an fdatasync takes 5–40 ms here and the wall must not stall for it.
   */
  flush(sync = false): void {
    if (this.chunk.numMessages === 0) return;
    const records = this.chunk.buffer;
    const compressed = this.codec ? this.codec.compress(records) : records;
    const b = new McapRecordBuilder();
    const chunkStart = BigInt(this.position);
    const chunkLength = b.writeChunk({
      messageStartTime: this.chunk.messageStartTime,
      messageEndTime: this.chunk.messageEndTime,
      uncompressedSize: BigInt(records.byteLength),
      uncompressedCrc: crc32(records),
      compression: this.codec ? this.codec.name : '',
      records: compressed,
    });
    const messageIndexOffsets = new Map<number, bigint>();
    for (const index of this.chunk.indices) {
      if (index.records.length === 0) continue;
      messageIndexOffsets.set(index.channelId, chunkStart + BigInt(b.length));
      b.writeMessageIndex(index);
    }
    writeAll(this.fd, b.buffer, this.position);
    if (sync && !this.syncing) {
      this.syncing = true;
      fdatasync(this.fd, () => {
        this.syncing = false;
      });
    }
    countChunk(
      this.summary,
      {
        messageStartTime: this.chunk.messageStartTime,
        messageEndTime: this.chunk.messageEndTime,
        chunkStartOffset: chunkStart,
        chunkLength,
        messageIndexOffsets,
        messageIndexLength: BigInt(b.length) - chunkLength,
        compression: this.codec ? this.codec.name : '',
        compressedSize: BigInt(compressed.byteLength),
        uncompressedSize: BigInt(records.byteLength),
      },
      this.perChannel,
    );
    this.position += b.length;
    this.chunk.reset();
    this.perChannel.clear();
  }

  /** Forgets the open chunk (its write failed: the next chunk is written where it would have gone). */
  dropChunk(): void {
    this.chunk.reset();
    this.perChannel.clear();
  }

  /** Flushes, writes the summary and the footer, and closes the file: a complete, indexed MCAP. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
      const tail = summaryBytes(this.summary, BigInt(this.position));
      writeAll(this.fd, tail, this.position);
      this.position += tail.byteLength;
      // a write that failed earlier (disk full) may have left bytes past this point
      ftruncateSync(this.fd, this.position);
      fdatasyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without a summary (a crash's state: for tests of the repair). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  size(): number {
    return fstatSync(this.fd).size;
  }
}

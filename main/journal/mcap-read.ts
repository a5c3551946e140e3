// Reads a journal file through its index (@mcap/core's McapIndexedReader over a file handle):
// only the chunks that overlap the asked period are read and decompressed.
import { open, type FileHandle } from 'node:fs/promises';
import { McapIndexedReader, type IReadable } from '@mcap/core';
import { decompressHandlers } from './codec.js';

/**
 * A journal file to read: its path, and for the file being written, where its chunks end on disk
 * and the summary it would get if it closed now (kept in memory: the indexed reader sees a closed
 * file without anything being copied or written).
 */
export interface McapSource {
  path: string;
  live?: { end: number; tail: Uint8Array };
}

class FileReadable implements IReadable {
  constructor(
    private readonly fh: FileHandle,
    private readonly bytes: number,
    private readonly tail: Uint8Array = new Uint8Array(0),
  ) {}
  async size(): Promise<bigint> {
    return BigInt(this.bytes + this.tail.byteLength);
  }
  async read(offset: bigint, size: bigint): Promise<Uint8Array> {
    const n = Number(size);
    const at = Number(offset);
    const buf = new Uint8Array(n);
    const fromFile = Math.max(0, Math.min(n, this.bytes - at));
    let got = 0;
    while (got < fromFile) {
      const { bytesRead } = await this.fh.read(buf, got, fromFile - got, at + got);
      if (bytesRead === 0) throw new Error(`short read at ${offset} (+${got} of ${n})`);
      got += bytesRead;
    }
    if (fromFile < n) {
      const t0 = Math.max(0, at - this.bytes);
      const part = this.tail.subarray(t0, t0 + (n - fromFile));
      if (part.byteLength < n - fromFile) throw new Error(`short read at ${offset}: past the end`);
      buf.set(part, fromFile);
    }
    return buf;
  }
}

export interface OpenRecording {
  reader: McapIndexedReader;
  close(): Promise<void>;
}

/** Opens an indexed MCAP file for reading; throws with the reason when it is not one. */
export async function openMcap(source: string | McapSource): Promise<OpenRecording> {
  const src = typeof source === 'string' ? { path: source } : source;
  const fh = await open(src.path, 'r');
  try {
    const { size } = await fh.stat();
    const readable = src.live ? new FileReadable(fh, Math.min(size, src.live.end), src.live.tail) : new FileReadable(fh, size);
    const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers: await decompressHandlers() });
    return { reader, close: () => fh.close() };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

export const msOf = (ns: bigint): number => Number(ns / 1_000_000n);
export const nsOf = (ms: number): bigint => BigInt(Math.max(0, Math.round(ms))) * 1_000_000n;

// Reads a journal file through its index (@mcap/core's McapIndexedReader over a file handle):
// only the chunks that overlap the asked period are read and decompressed.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
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

interface Held {
  reader: Promise<OpenRecording>;
  size: number;
  mtimeMs: number;
  users: number;
  lastUsed: number;
  /** out of the pool: closed once its last user is done */
  dropped: boolean;
}

/**
 * Readers of finished journal files kept open between reads: opening one parses its whole summary
 * (an hour's file holds 7,200 chunk indexes), which a replay playing at 64× or a run of seeks would
 * otherwise pay on every read. A file is taken again only while its size and mtime are unchanged
 * (a repair or retention replaces or deletes it); the file being written (`live`) is never kept.
 */
export class McapReaderPool {
  private readonly held = new Map<string, Held>();

  constructor(private readonly max = 4) {}

  async use<T>(source: string | McapSource, fn: (r: OpenRecording) => Promise<T>): Promise<T> {
    if (typeof source !== 'string' && source.live) {
      const r = await openMcap(source);
      try {
        return await fn(r);
      } finally {
        await r.close();
      }
    }
    const path = typeof source === 'string' ? source : source.path;
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      // gone (retention): its open reader would keep its disk space taken
      this.drop(path);
      throw e;
    }
    let h = this.held.get(path);
    if (h && (h.size !== st.size || h.mtimeMs !== st.mtimeMs)) {
      this.drop(path);
      h = undefined;
    }
    if (!h) {
      const reader = openMcap(path);
      h = { reader, size: st.size, mtimeMs: st.mtimeMs, users: 0, lastUsed: 0, dropped: false };
      this.held.set(path, h);
      // a file that does not open is not kept
      reader.catch(() => this.held.get(path)?.reader === reader && this.held.delete(path));
    }
    const held = h;
    held.users++;
    held.lastUsed = performance.now();
    try {
      return await fn(await held.reader);
    } finally {
      held.users--;
      if (held.dropped) this.close(held);
      this.trim();
    }
  }

  /** Lets go of every reader (those in use close when their reads end). */
  closeAll(): void {
    for (const path of [...this.held.keys()]) this.drop(path);
  }

  private drop(path: string): void {
    const h = this.held.get(path);
    if (!h) return;
    this.held.delete(path);
    h.dropped = true;
    this.close(h);
  }

  private close(h: Held): void {
    if (h.users === 0) void h.reader.then((r) => r.close()).catch(() => undefined);
  }

  private trim(): void {
    if (this.held.size <= this.max) return;
    const idle = [...this.held].filter(([, h]) => h.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [path] of idle.slice(0, this.held.size - this.max)) this.drop(path);
  }
}

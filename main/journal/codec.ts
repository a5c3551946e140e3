// Chunk compression for the journal: zstd compiled to WebAssembly (@foxglove/wasm-zstd), so the
// Electron main process loads no native module. Loaded once, asynchronously, before the first
// file is opened.
import zstd from '@foxglove/wasm-zstd';
import type { DecompressHandlers } from '@mcap/core';
import type { ChunkCodec } from './mcap-file.js';

let ready: Promise<boolean> | null = null;

export function loadZstd(): Promise<boolean> {
  ready ??= zstd.isLoaded;
  return ready;
}

/** zstd at `level` (1–19; the journal's default 3: bench:replay measured level 9 at ~4× the CPU for a few % fewer bytes). */
export async function zstdCodec(level: number): Promise<ChunkCodec> {
  await loadZstd();
  return { name: 'zstd', compress: (data) => zstd.compress(data, level) };
}

/** What a reader needs to open chunks this journal (or another MCAP writer) compressed. */
export async function decompressHandlers(): Promise<DecompressHandlers> {
  await loadZstd();
  return { zstd: (buf, size) => zstd.decompress(buf, Number(size)) };
}

/** The same, synchronous, for a repair (after loadZstd()). */
export function decompressSync(compression: string, data: Uint8Array, size: number): Uint8Array {
  if (compression !== 'zstd') throw new Error(`cannot open ${compression} chunks`);
  return zstd.decompress(data, size);
}


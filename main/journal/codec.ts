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

/** zstd at `level` (1–19; the journal's default 9: JSON of positions shrinks ~10× at little cost). */
export async function zstdCodec(level: number): Promise<ChunkCodec> {
  await loadZstd();
  return { name: 'zstd', compress: (data) => zstd.compress(data, level) };
}

/** What a reader needs to open chunks this journal (or another MCAP writer) compressed. */
export async function decompressHandlers(): Promise<DecompressHandlers> {
  await loadZstd();
  return { zstd: (buf, size) => zstd.decompress(buf, Number(size)) };
}

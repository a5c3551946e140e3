// A tiny PMTiles v3 writer, for tests only: a 127-byte header, one root directory (no leaf
// directories; internal compression none), JSON metadata, then the tile data, clustered by tile id.
// Identical tiles are stored once; consecutive tile ids with the same content become one run.
// Also minimal PNG and MVT encoders, so tests can make archives with no other tool.
// Spec: https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md (and node_modules/pmtiles/src).
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

export const TILE_TYPE = { unknown: 0, mvt: 1, png: 2, jpeg: 3, webp: 4, avif: 5, mlt: 6 } as const;
export const COMPRESSION = { unknown: 0, none: 1, gzip: 2, brotli: 3, zstd: 4 } as const;

export interface WriterTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

export interface WriterOptions {
  tileType: number;
  /** compression of the tile payloads as stored (default none) */
  tileCompression?: number;
  metadata?: Record<string, unknown>;
  /** [west, south, east, north]; default the whole world */
  bounds?: [number, number, number, number];
  /** [lon, lat, zoom]; default the middle of the bounds at the lowest zoom */
  center?: [number, number, number];
}

const HEADER_BYTES = 127;
/** pmtiles reads the first 16 KiB to get the header and the root directory in one request */
const ROOT_LIMIT = 16384;

interface DirEntry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function writeVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** A directory: count, then delta-coded tile ids, run lengths, lengths, offsets (+1; 0 = contiguous). */
export function serializeDirectory(entries: DirEntry[]): Uint8Array {
  const out: number[] = [];
  writeVarint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    writeVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) writeVarint(out, e.runLength);
  for (const e of entries) writeVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    if (i > 0 && e.offset === prev.offset + prev.length) writeVarint(out, 0);
    else writeVarint(out, e.offset + 1);
  });
  return Uint8Array.from(out);
}

function setUint64(v: DataView, at: number, value: number): void {
  v.setUint32(at, value % 2 ** 32, true);
  v.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

/** The whole archive as one buffer. */
export function writePmtiles(tiles: WriterTile[], opts: WriterOptions): Uint8Array<ArrayBuffer> {
  if (tiles.length === 0) throw new Error('a PMTiles archive needs at least one tile');
  const sorted = tiles.map((t) => ({ ...t, tileId: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.tileId - b.tileId);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].tileId === sorted[i - 1].tileId) throw new Error(`duplicate tile ${sorted[i].z}/${sorted[i].x}/${sorted[i].y}`);

  // tile data, each distinct content once
  const chunks: Uint8Array[] = [];
  const byHash = new Map<string, { offset: number; length: number }>();
  let dataLength = 0;
  const entries: DirEntry[] = [];
  for (const t of sorted) {
    const hash = createHash('sha256').update(t.data).digest('hex');
    let at = byHash.get(hash);
    if (!at) {
      at = { offset: dataLength, length: t.data.length };
      byHash.set(hash, at);
      chunks.push(t.data);
      dataLength += t.data.length;
    }
    const last = entries[entries.length - 1];
    if (last && last.offset === at.offset && last.tileId + last.runLength === t.tileId) last.runLength++;
    else entries.push({ tileId: t.tileId, offset: at.offset, length: at.length, runLength: 1 });
  }

  const root = serializeDirectory(entries);
  if (HEADER_BYTES + root.length > ROOT_LIMIT) throw new Error('root directory too big for this writer (no leaf directories)');
  const metadata = new TextEncoder().encode(JSON.stringify(opts.metadata ?? {}));

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leafOffset = metadataOffset + metadata.length;
  const dataOffset = leafOffset; // no leaf directories
  const total = dataOffset + dataLength;

  const minZoom = Math.min(...sorted.map((t) => t.z));
  const maxZoom = Math.max(...sorted.map((t) => t.z));
  const [w, s, e, n] = opts.bounds ?? [-180, -85.0511287, 180, 85.0511287];
  const [cLon, cLat, cZoom] = opts.center ?? [(w + e) / 2, (s + n) / 2, minZoom];

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('PMTiles'), 0);
  v.setUint8(7, 3);
  setUint64(v, 8, rootOffset);
  setUint64(v, 16, root.length);
  setUint64(v, 24, metadataOffset);
  setUint64(v, 32, metadata.length);
  setUint64(v, 40, leafOffset);
  setUint64(v, 48, 0);
  setUint64(v, 56, dataOffset);
  setUint64(v, 64, dataLength);
  setUint64(v, 72, sorted.length); // addressed tiles
  setUint64(v, 80, entries.length); // tile entries
  setUint64(v, 88, chunks.length); // tile contents
  v.setUint8(96, 1); // clustered
  v.setUint8(97, COMPRESSION.none); // internal compression
  v.setUint8(98, opts.tileCompression ?? COMPRESSION.none);
  v.setUint8(99, opts.tileType);
  v.setUint8(100, minZoom);
  v.setUint8(101, maxZoom);
  const e7 = (x: number) => Math.round(x * 1e7);
  v.setInt32(102, e7(w), true);
  v.setInt32(106, e7(s), true);
  v.setInt32(110, e7(e), true);
  v.setInt32(114, e7(n), true);
  v.setUint8(118, cZoom);
  v.setInt32(119, e7(cLon), true);
  v.setInt32(123, e7(cLat), true);

  out.set(root, rootOffset);
  out.set(metadata, metadataOffset);
  let at = dataOffset;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// ---- tile coordinates ----

/** The tile at zoom z that holds lon/lat (web mercator, XYZ). */
export function lonLatToTile(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

// ---- PNG ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  const typed = new TextEncoder().encode(type);
  out.set(typed, 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit RGB PNG from a pixel function. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 3));
  let i = 0;
  for (let y = 0; y < height; y++) {
    raw[i++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[i++] = r;
      raw[i++] = g;
      raw[i++] = b;
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filters, no interlace
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', new Uint8Array(deflateSync(raw))),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A recognisable 256 px test tile: a coloured ground with a lighter road grid and a diagonal. */
export function patternTile(ground: [number, number, number], road: [number, number, number], spacing = 64): Uint8Array {
  return encodePng(256, 256, (x, y) => (x % spacing < 4 || y % spacing < 4 || Math.abs(x - y) < 3 ? road : ground));
}

// ---- MVT (protobuf) ----

class Pbf {
  bytes: number[] = [];
  varint(v: number): this {
    writeVarint(this.bytes, v);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  uint(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  message(field: number, bytes: number[] | Uint8Array): this {
    this.key(field, 2).varint(bytes.length);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.message(field, new TextEncoder().encode(s));
  }
  packed(field: number, values: number[]): this {
    const inner: number[] = [];
    for (const v of values) writeVarint(inner, v);
    return this.message(field, inner);
  }
}

const zigzag = (n: number) => (n << 1) ^ (n >> 31);
const command = (id: number, count: number) => (id & 0x7) | (count << 3);

export interface MvtFeature {
  type: 'line' | 'polygon';
  /** tile coordinates in 0..extent; a polygon ring unclosed (ClosePath closes it), clockwise on screen */
  points: [number, number][];
}

/** One-layer-per-entry MVT tile with untagged lines and single-ring polygons. */
export function encodeMvt(layers: Record<string, MvtFeature[]>, extent = 4096): Uint8Array {
  const tile = new Pbf();
  for (const [name, features] of Object.entries(layers)) {
    const layer = new Pbf().uint(15, 2).string(1, name);
    for (const f of features) {
      const geometry: number[] = [];
      let cx = 0;
      let cy = 0;
      f.points.forEach(([x, y], i) => {
        if (i === 0) geometry.push(command(1, 1));
        else if (i === 1) geometry.push(command(2, f.points.length - 1));
        geometry.push(zigzag(x - cx), zigzag(y - cy));
        cx = x;
        cy = y;
      });
      if (f.type === 'polygon') geometry.push(command(7, 1));
      const feature = new Pbf().uint(3, f.type === 'line' ? 2 : 3).packed(4, geometry);
      layer.message(2, feature.bytes);
    }
    layer.uint(5, extent);
    tile.message(3, layer.bytes);
  }
  return Uint8Array.from(tile.bytes);
}

// ---- archives over Fuzhou for the tests ----

export const FUZHOU: [number, number] = [119.3, 26.06];

/** z0–z2 tiles holding Fuzhou, plus a block of z10 tiles around it (what the wall's view shows). */
export function fuzhouTiles(block = 2): { z: number; x: number; y: number }[] {
  const out: { z: number; x: number; y: number }[] = [];
  for (const z of [0, 1, 2]) out.push({ z, ...lonLatToTile(FUZHOU[0], FUZHOU[1], z) });
  const c = lonLatToTile(FUZHOU[0], FUZHOU[1], 10);
  for (let dx = -block; dx <= block; dx++) for (let dy = -block; dy <= block; dy++) out.push({ z: 10, x: c.x + dx, y: c.y + dy });
  return out;
}

/** A raster (PNG) archive over Fuzhou. */
export function fuzhouRasterArchive(block = 2): Uint8Array<ArrayBuffer> {
  const low = [patternTile([40, 60, 90], [200, 120, 60]), patternTile([40, 90, 60], [200, 120, 60]), patternTile([90, 60, 40], [200, 120, 60])];
  const road = patternTile([28, 44, 58], [150, 190, 230]);
  return writePmtiles(
    fuzhouTiles(block).map((t) => ({ ...t, data: t.z < 3 ? low[t.z] : road })),
    { tileType: TILE_TYPE.png, metadata: { name: 'test raster', format: 'png' }, bounds: [118.5, 25.5, 120.5, 26.6], center: [FUZHOU[0], FUZHOU[1], 10] },
  );
}

/** A vector (MVT) archive over Fuzhou: a `water` polygon and `roads` lines in every tile. */
export function fuzhouVectorArchive(block = 2): Uint8Array<ArrayBuffer> {
  const tile = encodeMvt({
    water: [{ type: 'polygon', points: [[400, 400], [3600, 600], [3400, 3500], [700, 3300]] }],
    roads: [
      { type: 'line', points: [[0, 2048], [4096, 2048]] },
      { type: 'line', points: [[2048, 0], [2048, 4096]] },
      { type: 'line', points: [[0, 0], [4096, 4096]] },
    ],
  });
  return writePmtiles(
    fuzhouTiles(block).map((t) => ({ ...t, data: tile })),
    {
      tileType: TILE_TYPE.mvt,
      metadata: { name: 'test vector', format: 'pbf', vector_layers: [{ id: 'water', fields: {} }, { id: 'roads', fields: {} }] },
      bounds: [118.5, 25.5, 120.5, 26.6],
      center: [FUZHOU[0], FUZHOU[1], 10],
    },
  );
}

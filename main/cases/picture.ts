// A map picture a wall page rendered for a case (docs/cases.md): it arrives over the bridge in
// base64 parts (a WebSocket message carries at most 64 KiB), and is kept only if it is a PNG of a
// sensible size. The page is trusted no further than any client: what it sends is checked here and
// refused with why, never written as it came. Pure.
import { err, ok, type Result } from '../../core/result.js';

/** one picture at most this large, and its sides at most this many pixels */
export const PICTURE_MAX_BYTES = 8 << 20;
export const PICTURE_MAX_SIDE = 4096;
const PICTURE_MIN_SIDE = 16;
/** a part's base64 at most this long (fits a 64 KiB message with room for the rest) */
export const PICTURE_PART_CHARS = 48 * 1024;
export const PICTURE_MAX_PARTS = Math.ceil((PICTURE_MAX_BYTES * 4) / 3 / PICTURE_PART_CHARS);

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Width and height of a PNG, from its header; an error for anything else. */
export function pngSize(data: Uint8Array): Result<{ width: number; height: number }, string> {
  if (data.length < 33 || SIGNATURE.some((b, i) => data[i] !== b)) return err('not a PNG (its signature is missing)');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // the first chunk must be IHDR, 13 bytes long
  if (view.getUint32(8) !== 13 || String.fromCharCode(...data.subarray(12, 16)) !== 'IHDR') return err('not a PNG (no IHDR header first)');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < PICTURE_MIN_SIDE || height < PICTURE_MIN_SIDE || width > PICTURE_MAX_SIDE || height > PICTURE_MAX_SIDE) return err(`a picture is ${PICTURE_MIN_SIDE} to ${PICTURE_MAX_SIDE} pixels a side, not ${width}×${height}`);
  return ok({ width, height });
}

export interface PicturePart {
  index: number;
  part: number;
  parts: number;
  data: string;
}

/** A picture part's fields, checked (the index against the moments the case has). */
export function parsePicturePart(p: unknown, moments: number): Result<PicturePart, string> {
  const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
  const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(o.index, 0, moments - 1)) return err(`index must be a moment of this case (0 to ${moments - 1})`);
  if (!int(o.parts, 1, PICTURE_MAX_PARTS)) return err(`parts must be 1 to ${PICTURE_MAX_PARTS}`);
  if (!int(o.part, 0, (o.parts as number) - 1)) return err('part must be 0 to parts − 1');
  if (typeof o.data !== 'string' || o.data.length === 0 || o.data.length > PICTURE_PART_CHARS || o.data.length % 4 !== 0 || !BASE64.test(o.data)) return err(`data must be base64, 4 to ${PICTURE_PART_CHARS} characters`);
  return ok({ index: o.index as number, part: o.part as number, parts: o.parts as number, data: o.data });
}

/** One picture's parts as they arrive, in order; the PNG once the last one has. */
export class PictureAssembly {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private parts = 0;

  /** Adds a part: the picture when it was the last, null while more are due, or why it is refused. */
  add(p: PicturePart): Result<Buffer | null, string> {
    if (p.part === 0) {
      // a picture sent again starts over
      this.chunks = [];
      this.bytes = 0;
      this.parts = p.parts;
    }
    if (p.parts !== this.parts || p.part !== this.chunks.length) return err(`part ${p.part} of ${p.parts} out of order (expected ${this.chunks.length} of ${this.parts || '?'})`);
    const chunk = Buffer.from(p.data, 'base64');
    this.bytes += chunk.length;
    if (this.bytes > PICTURE_MAX_BYTES) {
      this.chunks = [];
      return err(`a picture is at most ${PICTURE_MAX_BYTES} bytes`);
    }
    this.chunks.push(chunk);
    if (this.chunks.length < this.parts) return ok(null);
    const png = Buffer.concat(this.chunks);
    this.chunks = [];
    const size = pngSize(png);
    return size.ok ? ok(png) : err(size.error);
  }
}

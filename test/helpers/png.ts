// A PNG decoder for tests (8-bit RGB or RGBA, not interlaced: what a browser's canvas.toBlob
// writes), so a picture the wall made can be looked at pixel by pixel without a native module.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

export interface Decoded {
  width: number;
  height: number;
  /** RGBA, row by row */
  rgba: Uint8Array;
}

export function decodePng(file: Uint8Array): Decoded {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const color = data[9];
      if (depth !== 8 || (color !== 2 && color !== 6) || data[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${color}, interlace ${data[12]}`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels];
      out[o + 1] = cur[x * channels + 1];
      out[o + 2] = cur[x * channels + 2];
      out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Pixels within `tolerance` of `rgb` in every channel (opaque ones only). */
export function countNear(p: Decoded, rgb: readonly number[], tolerance = 24): number {
  let n = 0;
  for (let i = 0; i < p.rgba.length; i += 4) {
    if (p.rgba[i + 3] < 200) continue;
    if (Math.abs(p.rgba[i] - rgb[0]) <= tolerance && Math.abs(p.rgba[i + 1] - rgb[1]) <= tolerance && Math.abs(p.rgba[i + 2] - rgb[2]) <= tolerance) n++;
  }
  return n;
}

/** How many different colours (quantised to 5 bits a channel) the picture holds. */
export function colourCount(p: Decoded): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.rgba.length; i += 4) seen.add(((p.rgba[i] >> 3) << 10) | ((p.rgba[i + 1] >> 3) << 5) | (p.rgba[i + 2] >> 3));
  return seen.size;
}

/** A PNG of `width`×`height` (RGBA, unfiltered), every pixel from `pixel(x, y)`. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => readonly number[]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = pixel(x, y);
      raw.set([p[0], p[1], p[2], p[3] ?? 255], y * (width * 4 + 1) + 1 + x * 4);
    }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

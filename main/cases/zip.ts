// A zip of a case folder, and reading one back for case:verify. Store-only (no compression: the
// recording is zstd already, and every unzip tool, Windows Explorer and macOS Finder included,
// opens a stored zip), file names in UTF-8 (flag bit 11), each file's UTC time in an extended
// timestamp field as well as DOS time. Files are streamed (never whole in memory) and their CRC-32
// computed on the way. No zip64: a file or an archive past 4 GiB is refused with a clear error.
// The reader takes stored and deflated entries (a zip re-made by another tool still verifies).
import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { crc32Final, crc32Init, crc32Update } from '@foxglove/crc';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const UTF8_NAMES = 0x0800;
const VERSION = 20;
/** made by: Unix (3), spec 2.0; the external attributes then carry the Unix mode */
const MADE_BY = (3 << 8) | VERSION;
const LIMIT = 0xffffffff;
const CHUNK = 1 << 20;

export interface ZipInput {
  /** the name inside the archive ('/' separated; a trailing '/' for a folder) */
  name: string;
  /** the file to store; none for a folder */
  path?: string;
  /** or the bytes to store (a file made in memory: the diagnostics export's health and config) */
  data?: Uint8Array;
  /** Unix mode bits to record (0o600 for files, 0o700 for folders by default) */
  mode?: number;
}

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  dir: boolean;
  mode: number;
}

function dosTime(at: number): { time: number; date: number } {
  const d = new Date(at);
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** extended timestamp extra field (0x5455): the modification time in Unix seconds, UTC */
function utExtra(at: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4);
  b.writeUInt32LE(Math.max(0, Math.floor(at / 1000)) >>> 0, 5);
  return b;
}

async function writeAt(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < data.byteLength) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off, position + off);
    off += bytesWritten;
  }
}

/**
 * Writes `entries` into a new zip at `zipPath` (it must not exist), with mode `fileMode`.
 * `mtime` is every entry's time (the case's creation).
 */
export async function writeZip(zipPath: string, entries: readonly ZipInput[], o: { mtime: number; fileMode?: number }): Promise<void> {
  const fh = await open(zipPath, 'wx', o.fileMode ?? 0o600);
  try {
    const { time, date } = dosTime(o.mtime);
    const extra = utExtra(o.mtime);
    const written: Written[] = [];
    let pos = 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (const e of entries) {
      const dir = e.path === undefined && e.data === undefined;
      const name = Buffer.from(dir && !e.name.endsWith('/') ? `${e.name}/` : e.name, 'utf8');
      if (name.length > 0xffff) throw new Error(`zip: name too long: ${e.name.slice(0, 80)}`);
      const offset = pos;
      const head = Buffer.alloc(30);
      head.writeUInt32LE(LOCAL, 0);
      head.writeUInt16LE(VERSION, 4);
      head.writeUInt16LE(UTF8_NAMES, 6);
      head.writeUInt16LE(0, 8); // stored
      head.writeUInt16LE(time, 10);
      head.writeUInt16LE(date, 12);
      // crc and sizes (14..25) are filled in once the data is written
      head.writeUInt16LE(name.length, 26);
      head.writeUInt16LE(extra.length, 28);
      await writeAt(fh, Buffer.concat([head, name, extra]), pos);
      pos += head.length + name.length + extra.length;
      let crc = crc32Init();
      let size = 0;
      if (e.data) {
        if (e.data.byteLength > LIMIT) throw new Error(`zip: ${e.name} is larger than 4 GiB (zip64 is not supported)`);
        crc = crc32Update(crc, e.data);
        await writeAt(fh, e.data, pos);
        pos += e.data.byteLength;
        size = e.data.byteLength;
      } else if (!dir) {
        const src = await open(e.path!, 'r');
        try {
          for (;;) {
            const { bytesRead } = await src.read(buf, 0, CHUNK, size);
            if (bytesRead === 0) break;
            const part = buf.subarray(0, bytesRead);
            crc = crc32Update(crc, part);
            await writeAt(fh, part, pos);
            pos += bytesRead;
            size += bytesRead;
            if (size > LIMIT) throw new Error(`zip: ${e.name} is larger than 4 GiB (zip64 is not supported)`);
          }
        } finally {
          await src.close();
        }
      }
      const sums = Buffer.alloc(12);
      const c = dir ? 0 : crc32Final(crc);
      sums.writeUInt32LE(c, 0);
      sums.writeUInt32LE(size, 4);
      sums.writeUInt32LE(size, 8);
      await writeAt(fh, sums, offset + 14);
      if (pos > LIMIT) throw new Error('zip: the archive is larger than 4 GiB (zip64 is not supported)');
      written.push({ name, crc: c, size, offset, dir, mode: e.mode ?? (dir ? 0o700 : 0o600) });
    }
    const cdStart = pos;
    for (const w of written) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(CENTRAL, 0);
      h.writeUInt16LE(MADE_BY, 4);
      h.writeUInt16LE(VERSION, 6);
      h.writeUInt16LE(UTF8_NAMES, 8);
      h.writeUInt16LE(0, 10);
      h.writeUInt16LE(time, 12);
      h.writeUInt16LE(date, 14);
      h.writeUInt32LE(w.crc, 16);
      h.writeUInt32LE(w.size, 20);
      h.writeUInt32LE(w.size, 24);
      h.writeUInt16LE(w.name.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt16LE(0, 32); // comment
      h.writeUInt16LE(0, 34); // disk
      h.writeUInt16LE(0, 36); // internal attributes
      // Unix mode in the high half; MS-DOS directory bit for folders
      h.writeUInt32LE(((((w.dir ? 0o040000 : 0o100000) | w.mode) << 16) | (w.dir ? 0x10 : 0)) >>> 0, 38);
      h.writeUInt32LE(w.offset, 42);
      const rec = Buffer.concat([h, w.name, extra]);
      await writeAt(fh, rec, pos);
      pos += rec.length;
    }
    if (written.length > 0xffff || pos > LIMIT) throw new Error('zip: too many entries or too large (zip64 is not supported)');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(pos - cdStart, 12);
    end.writeUInt32LE(cdStart, 16);
    await writeAt(fh, end, pos);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface ZipEntry {
  name: string;
  dir: boolean;
  /** 0 stored, 8 deflated */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** where its data starts in the archive */
  dataOffset: number;
}

/** An open zip: its entries (from the central directory), and a way to read each one's bytes. */
export interface OpenZip {
  entries: ZipEntry[];
  /** calls `each` with the entry's uncompressed bytes, in parts; checks its CRC-32 and size (throws when they do not match) */
  read(e: ZipEntry, each: (part: Uint8Array) => void): Promise<void>;
  close(): Promise<void>;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(b, got, length - got, position + got);
    if (bytesRead === 0) throw new Error(`zip: cut short (wanted ${length} bytes at ${position})`);
    got += bytesRead;
  }
  return b;
}

/** Opens a zip for reading; throws with the reason when it is not one this reader can read. */
export async function openZip(path: string): Promise<OpenZip> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 22) throw new Error('zip: not a zip file (too short)');
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new Error('zip: not a zip file (no end of central directory)');
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdStart = tail.readUInt32LE(at + 16);
    if (cdSize === LIMIT || cdStart === LIMIT || count === 0xffff) throw new Error('zip: zip64 archives are not supported');
    if (cdStart + cdSize > size) throw new Error('zip: the central directory lies past the end of the file (cut short?)');
    const cd = await readAt(fh, cdStart, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new Error(`zip: central directory entry ${k + 1} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const offset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString(flags & UTF8_NAMES ? 'utf8' : 'latin1');
      if (compressedSize === LIMIT || usize === LIMIT || offset === LIMIT) throw new Error('zip: zip64 entries are not supported');
      const local = await readAt(fh, offset, 30);
      if (local.readUInt32LE(0) !== LOCAL) throw new Error(`zip: the local header of ${name} is damaged`);
      const dataOffset = offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (dataOffset + compressedSize > size) throw new Error(`zip: ${name} runs past the end of the file (cut short?)`);
      entries.push({ name, dir: name.endsWith('/'), method, crc, compressedSize, size: usize, dataOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    const read = async (e: ZipEntry, each: (part: Uint8Array) => void): Promise<void> => {
      if (e.method !== 0 && e.method !== 8) throw new Error(`zip: ${e.name} uses compression method ${e.method} (only stored and deflated are read)`);
      let crc = crc32Init();
      let n = 0;
      const take = (part: Uint8Array) => {
        crc = crc32Update(crc, part);
        n += part.byteLength;
        each(part);
      };
      if (e.method === 8) {
        take(inflateRawSync(await readAt(fh, e.dataOffset, e.compressedSize)));
      } else {
        for (let off = 0; off < e.compressedSize; off += CHUNK) take(await readAt(fh, e.dataOffset + off, Math.min(CHUNK, e.compressedSize - off)));
      }
      if (n !== e.size) throw new Error(`zip: ${e.name} holds ${n} bytes where its header says ${e.size}`);
      if (crc32Final(crc) !== e.crc) throw new Error(`zip: ${e.name} does not match its CRC-32 (damaged in the archive)`);
    };
    return { entries, read, close: () => fh.close() };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

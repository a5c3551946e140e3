// The services' log file (docs/operations.md#logs): `<dir>/watchfloor.log`, renamed to
// `watchfloor-YYYYMMDD-HHMMSS.log` (UTC, the time of its last line) when it would pass
// `maxFileBytes` or the UTC day changes, at most `keepFiles` such files kept, the oldest deleted.
// Lines written in one turn of the event loop go to the file together at the end of that turn, so a
// crash loses at most that batch (and an orderly exit flushes it). Nothing here throws into the
// app: a write that fails is counted, said in health, and its lines go to stderr instead; the next
// batch tries the file again.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogsHealth } from '../../core/contract.js';

export const LOG_FILE = 'watchfloor.log';
export const LOG_FILE_MODE = 0o600;
export const LOG_DIR_MODE = 0o700;
const ROTATED = /^watchfloor-(\d{8})-(\d{6})(?:-(\d+))?\.log$/;

export interface LogFileOptions {
  dir: string;
  maxFileBytes: number;
  keepFiles: number;
  /** test hook: a clock other than Date.now */
  now?: () => number;
  /** where lines go when the file cannot take them (default process.stderr) */
  fallback?: (text: string) => void;
  /** test hook: the file system calls that write, so a test can make them fail */
  fs?: Partial<LogFs>;
}

export interface LogFs {
  open: (path: string) => number;
  write: (fd: number, data: Buffer) => void;
  rename: (from: string, to: string) => void;
}

const realFs: LogFs = {
  open: (path) => openSync(path, 'a', LOG_FILE_MODE),
  write: (fd, data) => {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  },
  rename: renameSync,
};

const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);
const stamp = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Rotated files of `dir`, oldest first (by the time in their names, then their sequence). */
export function rotatedLogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const key = (n: string) => {
    const m = ROTATED.exec(n)!;
    return `${m[1]}${m[2]}${(m[3] ?? '0').padStart(6, '0')}`;
  };
  return names.filter((n) => ROTATED.test(n)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A pino destination (anything with `write(line)`) that keeps a rotating file. */
export class RotatingLogFile {
  readonly path: string;
  private readonly opts: Required<Omit<LogFileOptions, 'fs'>>;
  private readonly fs: LogFs;
  private fd: number | null = null;
  /** bytes in the current file and the UTC day it belongs to */
  private size = 0;
  private day: string | null = null;
  /** when the current file's last line was written: the name it gets when set aside */
  private lastAt = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private closed = false;
  private failedWrites = 0;
  private error: string | null = null;
  private readonly onExit = () => this.flush();

  constructor(opts: LogFileOptions) {
    this.opts = { now: Date.now, fallback: (t) => process.stderr.write(t), ...opts };
    this.fs = { ...realFs, ...opts.fs };
    this.path = join(opts.dir, LOG_FILE);
    try {
      mkdirSync(opts.dir, { recursive: true, mode: LOG_DIR_MODE });
    } catch (e) {
      this.error = `the log folder could not be made: ${(e as Error).message}`;
    }
    // an orderly exit (process.exit, the end of an uncaught exception) writes what is waiting
    process.once('exit', this.onExit);
  }

  /** Takes one line (pino's, ending in a newline); it reaches the file at the end of this turn. */
  write(line: string): boolean {
    if (this.closed) {
      this.opts.fallback(line);
      return true;
    }
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Writes the waiting lines now (rotating first when they would not fit or the day changed). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const now = this.opts.now();
      this.openIfNeeded(now);
      if (this.size > 0 && (this.day !== utcDay(now) || this.size + bytes > this.opts.maxFileBytes)) this.rotate(now);
      this.fs.write(this.fd!, Buffer.from(lines.join('')));
      this.size += bytes;
      this.lastAt = now;
      this.error = null;
    } catch (e) {
      this.failedWrites += lines.length;
      this.error = `writing ${LOG_FILE} failed: ${(e as Error).message}`;
      this.closeFd();
      try {
        this.opts.fallback(lines.join(''));
      } catch {
        // stderr gone too: nothing left to tell
      }
    }
  }

  private openIfNeeded(now: number): void {
    if (this.fd !== null) return;
    this.fd = this.fs.open(this.path);
    const st = fstatSync(this.fd);
    this.size = st.size;
    // a file left by an earlier run keeps its day: written yesterday, it is rotated before today's first line
    this.lastAt = st.size > 0 ? st.mtimeMs : now;
    this.day = utcDay(this.lastAt);
  }

  private rotate(now: number): void {
    this.closeFd();
    const base = `watchfloor-${stamp(this.lastAt)}`;
    let name = `${base}.log`;
    for (let n = 1; exists(join(this.opts.dir, name)); n++) name = `${base}-${n}.log`;
    this.fs.rename(this.path, join(this.opts.dir, name));
    this.prune();
    this.fd = this.fs.open(this.path);
    this.size = 0;
    this.day = utcDay(now);
  }

  /** Deletes the oldest rotated files beyond keepFiles; one that cannot be deleted is tried again next time. */
  private prune(): void {
    const rotated = rotatedLogFiles(this.opts.dir);
    for (const n of rotated.slice(0, Math.max(0, rotated.length - this.opts.keepFiles))) {
      try {
        unlinkSync(join(this.opts.dir, n));
      } catch {
        // gone already, or not ours to delete
      }
    }
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  /** The log files held now, newest first (the current one first), with their sizes. */
  files(): { name: string; path: string; bytes: number }[] {
    const names = [LOG_FILE, ...rotatedLogFiles(this.opts.dir).reverse()];
    const out: { name: string; path: string; bytes: number }[] = [];
    for (const name of names) {
      const path = join(this.opts.dir, name);
      try {
        out.push({ name, path, bytes: statSync(path).size });
      } catch {
        // not there (no line written yet, or deleted meanwhile)
      }
    }
    return out;
  }

  health(): LogsHealth {
    const files = this.files();
    return { path: this.path, error: this.error, files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0), failedWrites: this.failedWrites };
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.closeFd();
    process.removeListener('exit', this.onExit);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

// The audit log in the data folder (<data>/audit/audit-YYYY-MM-DD.jsonl, one file per UTC day):
// every operator action, sign-in, refusal and message the wall publishes, one JSON line each,
// each carrying the SHA-256 of the line before it (core/audit/chain.ts), the chain running on
// from one day's file into the next. Each entry is written and fsynced before append() returns,
// so what it returned survives a kill -9 or a power cut; a line torn by a crash is cut when the
// log is next opened, and a 'recovered' entry says how many bytes were cut. Nothing here throws
// at the wall: a damaged file or a failed write is reported in health(). docs/audit.md.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_KINDS, type AuditEntryInput, type AuditRecord, type ChainState, checkLine, GENESIS, parseRecord, serialiseRecord } from '../../core/audit/chain.js';
import { releaseFolderLock, takeFolderLock } from './folder-lock.js';
import { type Logger, stderrLogger } from './logger.js';

export interface AuditHealth {
  path: string;
  entries: number;
  lastAt: number | null;
  ok: boolean;
  error: string | null;
  recovered: { tornBytes: number; at: number } | null;
  failed: number;
}

export const AUDIT_DIR = 'audit';
/** the log is readable by the wall's own user only (docs/security.md) */
export const AUDIT_FILE_MODE = 0o600;
export const AUDIT_DIR_MODE = 0o700;
/** one writer per folder: two would interleave two chains in one file */
export const AUDIT_LOCK = 'writer.lock';
const FILE_RE = /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;
const CHUNK = 64 * 1024;
/** a line longer than this was not written by the wall (its lines stay far below: see bounded()) */
const MAX_SCAN_LINE = 1024 * 1024;
/** the bounds append() puts on what a caller passes, so one entry cannot grow without limit */
const MAX_TEXT = 2000;
const MAX_DETAIL = 32 * 1024;
const MAX_PROBLEMS = 100;
const WARN_EVERY_MS = 60_000;

export const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const sha256bytes = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** the UTC day of an instant, as in the file names */
export const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);
export const auditFileName = (day: string): string => `audit-${day}.jsonl`;

/** the day files in `dir`, oldest first (the names sort by date) */
export function listAuditFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => FILE_RE.test(n))
    .sort();
}

const dayStart = (name: string): number => Date.parse(`${FILE_RE.exec(name)![1]}T00:00:00Z`);

/**
 * The files that can hold entries with from <= at <= to. An entry goes into the file of its own
 * UTC day, except while the clock stands behind the newest file's day (set back across midnight):
 * then it goes on into the newest file, which a query by its earlier time does not open.
 */
export function filesForRange(names: string[], from = -Infinity, to = Infinity): string[] {
  return names.filter((n) => {
    const start = dayStart(n);
    return start <= to && start + DAY_MS > from;
  });
}

// ---- reading lines ----

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface RawLine {
  /** null: longer than MAX_SCAN_LINE, not kept */
  bytes: Buffer | null;
  /** byte offsets: where the line starts, where its text ends (before the '\n') */
  start: number;
  end: number;
  terminated: boolean;
}

/** calls `cb` for every line of the open file from byte `from`, reading it in chunks (never the whole file at once); `cb` returns false to stop */
function eachLine(fd: number, cb: (l: RawLine) => boolean | void): void {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let lineStart = 0;
  let parts: Buffer[] = [];
  let len = 0;
  let oversized = false;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n === 0) break;
    const chunk = buf.subarray(0, n);
    let i = 0;
    while (i < n) {
      const nl = chunk.indexOf(0x0a, i);
      const stop = nl === -1 ? n : nl;
      if (!oversized && len + (stop - i) > MAX_SCAN_LINE) {
        oversized = true;
        parts = [];
      }
      if (!oversized) parts.push(Buffer.from(chunk.subarray(i, stop)));
      len += stop - i;
      if (nl === -1) break;
      const go = cb({ bytes: oversized ? null : Buffer.concat(parts, len), start: lineStart, end: lineStart + len, terminated: true });
      if (go === false) return;
      lineStart += len + 1;
      parts = [];
      len = 0;
      oversized = false;
      i = nl + 1;
    }
    pos += n;
  }
  if (len > 0) cb({ bytes: oversized ? null : Buffer.concat(parts, len), start: lineStart, end: lineStart + len, terminated: false });
}

/** a line's text, or why it has none */
function textOf(l: RawLine): { text: string } | { why: string; hash: string } {
  if (l.bytes === null) return { why: `longer than ${MAX_SCAN_LINE} bytes (not written by the wall)`, hash: '' };
  try {
    return { text: utf8.decode(l.bytes) };
  } catch {
    return { why: 'not valid UTF-8 (edited?)', hash: sha256bytes(l.bytes) };
  }
}

/** the bytes of the last line that ends with '\n' in the open file (read from the end, a chunk at a time), or null */
function lastCompleteLine(fd: number): Buffer | null {
  const size = fstatSync(fd).size;
  let pos = size;
  let tail = Buffer.alloc(0);
  while (pos > 0 && tail.length <= MAX_SCAN_LINE + CHUNK) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const chunk = Buffer.allocUnsafe(len);
    const n = readSync(fd, chunk, 0, len, pos);
    tail = Buffer.concat([chunk.subarray(0, n), tail]);
    const lastNl = tail.lastIndexOf(0x0a);
    if (lastNl === -1) continue;
    const prevNl = lastNl === 0 ? -1 : tail.lastIndexOf(0x0a, lastNl - 1);
    if (prevNl !== -1 || pos === 0) return tail.subarray(prevNl + 1, lastNl);
  }
  return null;
}

interface Problem {
  line: number;
  why: string;
}

interface FileScan {
  lines: number;
  /** lines holding a record */
  entries: number;
  problems: Problem[];
  /** where the chain stands after the last line that ends with '\n' */
  state: ChainState;
  lastAt: number | null;
  maxSeq: number | null;
  size: number;
  /** the last line that ends with '\n': where it starts, whether it parses, and what came before it */
  last: { start: number; parses: boolean; before: { state: ChainState; problems: number; entries: number; lastAt: number | null } } | null;
  /** bytes after the last '\n' */
  fragment: { start: number; line: number; bytes: number; preview: string } | null;
}

/** reads a whole file line by line, checking each line against the chain as it stands before it */
function scanFile(path: string, start: ChainState, onFirstLine?: (why: string) => string): FileScan {
  const fd = openSync(path, 'r');
  const scan: FileScan = { lines: 0, entries: 0, problems: [], state: start, lastAt: null, maxSeq: null, size: 0, last: null, fragment: null };
  try {
    eachLine(fd, (l) => {
      scan.lines++;
      if (!l.terminated) {
        scan.fragment = { start: l.start, line: scan.lines, bytes: l.end - l.start, preview: l.bytes ? l.bytes.subarray(0, 200).toString('utf8') : '' };
        return;
      }
      const before = { state: scan.state, problems: scan.problems.length, entries: scan.entries, lastAt: scan.lastAt };
      const t = textOf(l);
      if ('why' in t) {
        scan.problems.push({ line: scan.lines, why: t.why });
        scan.state = { prev: t.hash, seq: scan.state.seq === null ? null : scan.state.seq + 1 };
        scan.last = { start: l.start, parses: false, before };
        return;
      }
      const c = checkLine(t.text, scan.state, sha256hex);
      if (c.problem) scan.problems.push({ line: scan.lines, why: scan.lines === 1 && onFirstLine && c.problem !== 'parse' && c.problem !== 'shape' ? onFirstLine(c.why!) : c.why! });
      if (c.record) {
        scan.entries++;
        scan.lastAt = c.record.at;
        scan.maxSeq = Math.max(scan.maxSeq ?? 0, c.record.seq);
      }
      scan.state = c.next;
      scan.last = { start: l.start, parses: c.problem !== 'parse', before };
    });
    scan.size = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  return scan;
}

/** where the chain stands at the end of the files before `index` (skipping empty ones), as far as their last lines tell */
function stateBefore(dir: string, names: string[], index: number): { state: ChainState; lastAt: number | null; file: string | null } {
  for (let i = index - 1; i >= 0; i--) {
    const fd = openSync(join(dir, names[i]), 'r');
    let line: Buffer | null;
    try {
      line = lastCompleteLine(fd);
    } finally {
      closeSync(fd);
    }
    if (line === null) continue;
    const t = textOf({ bytes: line, start: 0, end: line.length, terminated: true });
    const p = 'text' in t ? parseRecord(t.text) : null;
    const prev = 'text' in t ? sha256hex(t.text) : t.hash;
    return { state: { prev, seq: p?.ok ? p.record.seq : null }, lastAt: p?.ok ? p.record.at : null, file: names[i] };
  }
  return { state: { prev: GENESIS, seq: 0 }, lastAt: null, file: null };
}

const linkWhy = (why: string, previousFile: string | null): string =>
  previousFile === null
    ? `${why}: the first file must start the chain (seq 1, prev ${GENESIS.slice(0, 8)}…): earlier files deleted or moved?`
    : `${why}: line 1 must follow the last line of ${previousFile} (a day file deleted between them, or that line edited?)`;

const summarise = (file: string, problems: Problem[]): string =>
  `${file} line ${problems[0].line}: ${problems[0].why}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`;

// ---- the lock ----

const takeLock = (dir: string): string | null => takeFolderLock(dir, AUDIT_LOCK, AUDIT_FILE_MODE);
const releaseLock = (dir: string): void => releaseFolderLock(dir, AUDIT_LOCK);

// ---- writing ----

const TEXT_KEYS = ['actor', 'role', 'via', 'incidentId', 'what', 'reason', 'from'] as const;
const KINDS = new Set<string>(AUDIT_KINDS);

/** what is written of an input: known keys only, strings clipped, detail as JSON gives it back (or a note of why not) */
function bounded(e: AuditEntryInput): AuditEntryInput {
  const out: AuditEntryInput = { kind: e.kind };
  for (const k of TEXT_KEYS) {
    const v: unknown = e[k];
    if (v !== undefined && v !== null) out[k] = String(v).slice(0, MAX_TEXT);
  }
  if (e.detail !== undefined && e.detail !== null) {
    try {
      const s = JSON.stringify(e.detail);
      const v: unknown = s === undefined ? undefined : JSON.parse(s);
      if (s !== undefined && s.length > MAX_DETAIL) out.detail = { truncated: true, chars: s.length, head: s.slice(0, 1000) };
      else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.detail = v as Record<string, unknown>;
      else if (v !== undefined) out.detail = { value: v };
    } catch (err) {
      out.detail = { unserialisable: (err as Error).message.slice(0, 200) };
    }
  }
  return out;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(dir: string): void {
  // makes a new file's name durable; not possible everywhere (Windows), and then not needed
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

export class AuditLog {
  private fd: number | null = null;
  private fileDay: string | null = null;
  private prev = GENESIS;
  private seq = 0;
  private lastAt: number | null = null;
  /** what the files' chain showed when last read (kept: the files stay damaged) */
  private damage: string | null = null;
  /** why the last append failed, until one succeeds */
  private writeError: string | null = null;
  /** another writer holds the folder, or it could not be opened at all */
  private blocked: string | null = null;
  private recoveredHealth: { tornBytes: number; at: number } | null = null;
  private failed = 0;
  private lastWarnAt: number | null = null;
  /** the tail of the newest file must be read again before the next write (after a failure) */
  private needsRecovery = false;
  private locked = false;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
    private readonly sync: boolean,
    private readonly log: Logger,
  ) {}

  /** opens (creating) <dataDir>/audit/, mode 0700, files 0600; verifies the newest file's chain; recovers a torn last line (cuts it, appends a 'recovered' entry saying how many bytes were cut); never throws for a damaged file: health says so and appending continues after the last good line */
  static open(dataDir: string, opts: { now?: () => number; fsync?: boolean; log?: Logger } = {}): AuditLog {
    const log = new AuditLog(join(dataDir, AUDIT_DIR), opts.now ?? Date.now, opts.fsync ?? true, opts.log ?? stderrLogger());
    try {
      mkdirSync(log.dir, { recursive: true, mode: AUDIT_DIR_MODE });
      const holder = takeLock(log.dir);
      if (holder !== null) {
        log.blocked = `the audit log ${log.dir} is being written by ${holder}: this wall's entries are not recorded`;
        return log;
      }
      log.locked = true;
    } catch (e) {
      log.blocked = `cannot open the audit folder ${log.dir}: ${(e as Error).message}`;
      return log;
    }
    try {
      log.recover();
    } catch (e) {
      log.fail(e);
    }
    return log;
  }

  /**
   * Reads the newest file against the chain before it, cuts a torn tail (bytes after the last
   * '\n', and a last line that does not parse) and sets where appending goes on.
   */
  private recover(): void {
    this.needsRecovery = false;
    this.closeFile();
    const names = listAuditFiles(this.dir);
    if (names.length === 0) {
      this.prev = GENESIS;
      this.seq = 0;
      this.lastAt = null;
      this.damage = null;
      return;
    }
    const newest = names[names.length - 1];
    const path = join(this.dir, newest);
    const before = stateBefore(this.dir, names, names.length - 1);
    const scan = scanFile(path, before.state, (why) => linkWhy(why, before.file));
    let cutFrom = scan.fragment?.start ?? scan.size;
    let { state, lastAt, problems } = { state: scan.state, lastAt: scan.lastAt ?? before.lastAt, problems: scan.problems };
    if (scan.last && !scan.last.parses) {
      cutFrom = scan.last.start;
      state = scan.last.before.state;
      lastAt = scan.last.before.lastAt ?? before.lastAt;
      problems = problems.slice(0, scan.last.before.problems);
    }
    const fd = openSync(path, 'a', AUDIT_FILE_MODE);
    this.fd = fd;
    this.fileDay = FILE_RE.exec(newest)![1];
    const tornBytes = scan.size - cutFrom;
    let preview = '';
    if (tornBytes > 0) {
      const rfd = openSync(path, 'r');
      try {
        const b = Buffer.alloc(Math.min(200, tornBytes));
        readSync(rfd, b, 0, b.length, cutFrom);
        preview = b.toString('utf8');
      } finally {
        closeSync(rfd);
      }
      ftruncateSync(fd, cutFrom);
      if (this.sync) fsyncSync(fd);
    }
    this.prev = state.prev;
    this.seq = state.seq ?? scan.maxSeq ?? before.state.seq ?? 0;
    this.lastAt = lastAt;
    this.damage = problems.length ? summarise(newest, problems) : null;
    if (tornBytes > 0) {
      this.recoveredHealth = { tornBytes, at: this.now() };
      this.append({
        kind: 'recovered',
        what: newest,
        reason: `cut a torn last line (${tornBytes} bytes) left by a crash while writing`,
        detail: { file: newest, tornBytes, offset: cutFrom, preview },
      });
    }
  }

  /** appends one entry: write + fsync synchronously; returns the record; never throws (a write failure is counted in health.failed and logged once per minute) */
  append(e: AuditEntryInput): AuditRecord | null {
    if (this.closed || this.blocked !== null) {
      this.fail(new Error(this.closed ? 'the audit log is closed' : this.blocked!), false);
      return null;
    }
    if (!KINDS.has(e?.kind)) {
      this.fail(new Error(`unknown audit kind ${JSON.stringify(e?.kind)?.slice(0, 40)}`), false);
      return null;
    }
    try {
      if (this.needsRecovery) this.recover();
      const at = this.now();
      const today = utcDay(at);
      // a clock set back across midnight goes on in the newest file: the files stay in chain order
      if (this.fd === null || this.fileDay === null || today > this.fileDay) this.openDay(this.fileDay !== null && this.fileDay > today ? this.fileDay : today);
      const record: AuditRecord = { ...bounded(e), seq: this.seq + 1, at, prev: this.prev };
      const line = serialiseRecord(record);
      writeAll(this.fd!, Buffer.from(`${line}\n`, 'utf8'));
      if (this.sync) fsyncSync(this.fd!);
      this.prev = sha256hex(line);
      this.seq = record.seq;
      this.lastAt = at;
      this.writeError = null;
      return record;
    } catch (err) {
      this.fail(err, true);
      return null;
    }
  }

  private openDay(day: string): void {
    const path = join(this.dir, auditFileName(day));
    const fresh = !existsSync(path);
    const fd = openSync(path, 'a', AUDIT_FILE_MODE);
    this.closeFile();
    this.fd = fd;
    this.fileDay = day;
    if (fresh && this.sync) fsyncDir(this.dir);
  }

  private fail(err: unknown, write = true): void {
    this.failed++;
    const why = (err as Error)?.message ?? String(err);
    if (write) {
      this.writeError = `writing the audit log failed: ${why}`;
      // whatever reached the file (a part of a line, a line not fsynced) is read back before the next write
      this.needsRecovery = true;
      this.closeFile();
    }
    const now = this.now();
    if (this.lastWarnAt === null || now - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = now;
      this.log.warn({ failed: this.failed }, `an entry was not recorded (${this.failed} so far): ${why}`);
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  /** records with from <= at <= to (epoch ms), oldest first, at most `limit` (default 10 000) */
  query(q: { from?: number; to?: number; limit?: number } = {}): AuditRecord[] {
    const out: AuditRecord[] = [];
    const limit = q.limit ?? 10_000;
    if (limit <= 0) return out;
    try {
      eachAuditRecord(this.dir, q, (r) => {
        out.push(r);
        return out.length < limit;
      });
    } catch (e) {
      this.fail(e, false);
    }
    return out;
  }

  health(): AuditHealth {
    const error = this.blocked ?? this.damage ?? this.writeError;
    return { path: this.dir, entries: this.seq, lastAt: this.lastAt, ok: error === null, error, recovered: this.recoveredHealth && { ...this.recoveredHealth }, failed: this.failed };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeFile();
    if (this.locked) releaseLock(this.dir);
    this.locked = false;
  }
}

/**
 * Calls `cb` with every record in the audit folder `auditDir` with from <= at <= to, oldest first,
 * opening only the day files that can hold them; lines that hold no record are skipped (verify
 * reports them). `cb` returns false to stop. Reads only: never cuts or writes.
 */
export function eachAuditRecord(auditDir: string, q: { from?: number; to?: number }, cb: (r: AuditRecord) => boolean | void): void {
  if (!existsSync(auditDir)) return;
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  for (const name of filesForRange(listAuditFiles(auditDir), from, to)) {
    const fd = openSync(join(auditDir, name), 'r');
    let go = true;
    try {
      eachLine(fd, (l) => {
        if (!l.terminated) return;
        const t = textOf(l);
        if (!('text' in t)) return;
        const p = parseRecord(t.text);
        if (!p.ok || p.record.at < from || p.record.at > to) return;
        go = cb(p.record) !== false;
        return go;
      });
    } finally {
      closeSync(fd);
    }
    if (!go) return;
  }
}

/** full verification of every file in <dataDir>/audit, in order, including the chain across files */
export function verifyAuditDir(dataDir: string): { ok: boolean; files: number; entries: number; problems: string[] } {
  const dir = join(dataDir, AUDIT_DIR);
  const problems: string[] = [];
  let more = 0;
  const report = (s: string) => (problems.length < MAX_PROBLEMS ? problems.push(s) : more++);
  let names: string[];
  try {
    names = listAuditFiles(dir);
  } catch (e) {
    return { ok: false, files: 0, entries: 0, problems: [`cannot read the audit folder ${dir}: ${(e as Error).message}`] };
  }
  if (names.length === 0) return { ok: false, files: 0, entries: 0, problems: [`no audit files in ${dir} (the wall never wrote there, or they were deleted)`] };
  let state: ChainState = { prev: GENESIS, seq: 0 };
  let entries = 0;
  let previous: string | null = null;
  for (const [i, name] of names.entries()) {
    let scan: FileScan;
    try {
      scan = scanFile(join(dir, name), state, (why) => linkWhy(why, previous));
    } catch (e) {
      report(`${name}: cannot be read: ${(e as Error).message}`);
      state = { prev: '', seq: null };
      previous = name;
      continue;
    }
    for (const p of scan.problems) report(`${name} line ${p.line}: ${p.why}`);
    if (scan.fragment) {
      const last = i === names.length - 1;
      report(
        `${name} line ${scan.fragment.line}: ${scan.fragment.bytes} bytes without an end of line (${last ? 'torn by a crash while writing, and cut when the wall next starts; or being written right now' : 'torn or edited?'})`,
      );
    }
    entries += scan.entries;
    state = scan.state;
    // the next file links to this one's last complete line (an empty file links nothing)
    if (scan.lines > (scan.fragment ? 1 : 0)) previous = name;
  }
  if (more) problems.push(`… and ${more} more problems`);
  return { ok: problems.length === 0, files: names.length, entries, problems };
}

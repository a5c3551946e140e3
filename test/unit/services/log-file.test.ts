// The services' log file on disk (main/services/log-file.ts) and the logger over it (logger.ts):
// a new file when the size would pass the limit or the UTC day changes, at most keepFiles old ones,
// lines batched per turn of the event loop, a failing write counted and sent to stderr (never
// thrown), and the logger's lines as JSON with their component, secrets removed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_FILE, rotatedLogFiles, RotatingLogFile } from '../../../main/services/log-file';
import { createLogger } from '../../../main/services/logger';
import { waitFor } from '../../helpers/host';

const DEC6 = Date.UTC(2026, 11, 6);
const dirs: string[] = [];
const files: RotatingLogFile[] = [];
afterEach(() => {
  for (const f of files.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wf-logs-'));
  dirs.push(d);
  return d;
}

function clock(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

function open(o: ConstructorParameters<typeof RotatingLogFile>[0]): RotatingLogFile {
  const f = new RotatingLogFile(o);
  files.push(f);
  return f;
}

/** a line of exactly `bytes` bytes, newline included */
const line = (n: number, bytes = 50) => `${JSON.stringify({ n })}`.padEnd(bytes - 1, ' ') + '\n';
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
/** every line held, oldest file first */
const allLines = (dir: string) => [...rotatedLogFiles(dir), LOG_FILE].flatMap((n) => read(dir, n).split('\n').slice(0, -1));

describe('RotatingLogFile', () => {
  it('sets the file aside before it would pass maxFileBytes, and loses no line', () => {
    const dir = tmp();
    const c = clock(DEC6 + 3_600_000);
    const f = open({ dir, maxFileBytes: 200, keepFiles: 100, now: c.now });
    for (let i = 0; i < 10; i++) {
      f.write(line(i));
      f.flush();
      c.t += 1000;
    }
    // 4 lines of 50 bytes fit in 200: three files (4 + 4 + 2 lines)
    const rotated = rotatedLogFiles(dir);
    expect(rotated).toEqual(['watchfloor-20261206-010003.log', 'watchfloor-20261206-010007.log']);
    for (const n of [...rotated, LOG_FILE]) expect(Buffer.byteLength(read(dir, n))).toBeLessThanOrEqual(200);
    expect(allLines(dir).map((l) => JSON.parse(l).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.health()).toMatchObject({ files: 3, bytes: 500, failedWrites: 0, error: null });
  });

  it('starts a new file when the UTC day changes, naming the old one after its last line', () => {
    const dir = tmp();
    const c = clock(DEC6 - 1000); // 2026-12-05 23:59:59
    const f = open({ dir, maxFileBytes: 1 << 20, keepFiles: 10, now: c.now });
    f.write(line(1));
    f.flush();
    c.t = DEC6 + 1000;
    f.write(line(2));
    f.flush();
    expect(rotatedLogFiles(dir)).toEqual(['watchfloor-20261205-235959.log']);
    expect(read(dir, 'watchfloor-20261205-235959.log')).toBe(line(1));
    expect(read(dir, LOG_FILE)).toBe(line(2));
  });

  it('sets aside a file an earlier run left from another day before today’s first line', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOG_FILE), line(0));
    const yesterday = new Date(Date.now() - 86_400_000);
    utimesSync(join(dir, LOG_FILE), yesterday, yesterday);
    const f = open({ dir, maxFileBytes: 1 << 20, keepFiles: 10 });
    f.write(line(1));
    f.flush();
    expect(rotatedLogFiles(dir)).toHaveLength(1);
    expect(read(dir, rotatedLogFiles(dir)[0])).toBe(line(0));
    expect(read(dir, LOG_FILE)).toBe(line(1));
  });

  it('keeps at most keepFiles set-aside files, deleting the oldest (several within one second too)', () => {
    const dir = tmp();
    const c = clock(DEC6 + 7_200_000);
    const f = open({ dir, maxFileBytes: 60, keepFiles: 3, now: c.now });
    for (let i = 0; i < 12; i++) {
      f.write(line(i));
      f.flush();
      if (i % 2 === 1) c.t += 1000; // two rotations per second: names get a sequence
    }
    const rotated = rotatedLogFiles(dir);
    expect(rotated).toHaveLength(3);
    // the newest three set-aside files: lines 8, 9 and 10; 11 is in the current file
    expect(rotated.map((n) => JSON.parse(read(dir, n)).n)).toEqual([8, 9, 10]);
    expect(JSON.parse(read(dir, LOG_FILE)).n).toBe(11);
    expect(readdirSync(dir).sort()).toEqual([...rotated, LOG_FILE].sort());
  });

  it('writes the lines of one turn together at its end, and what waits on close', async () => {
    const dir = tmp();
    const f = open({ dir, maxFileBytes: 1 << 20, keepFiles: 2 });
    f.write(line(1));
    f.write(line(2));
    // written by the end of this turn: not yet
    expect(() => read(dir, LOG_FILE)).toThrow();
    await waitFor(() => f.health().bytes === 100, 5000, 'the batch on disk');
    expect(read(dir, LOG_FILE)).toBe(line(1) + line(2));
    f.write(line(3));
    f.close();
    expect(read(dir, LOG_FILE)).toBe(line(1) + line(2) + line(3));
  });

  it('never throws when a write fails: counts the lines, says why, sends them to stderr, and goes on once it can', () => {
    const dir = tmp();
    const stderr: string[] = [];
    let diskFull = true;
    const f = open({
      dir,
      maxFileBytes: 1 << 20,
      keepFiles: 2,
      fallback: (t) => stderr.push(t),
      fs: {
        write: (fd, data) => {
          if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          writeFileSync(fd, data);
        },
      },
    });
    f.write(line(1));
    f.write(line(2));
    expect(() => f.flush()).not.toThrow();
    expect(f.health()).toMatchObject({ failedWrites: 2, error: expect.stringContaining('ENOSPC') });
    expect(stderr.join('')).toBe(line(1) + line(2));
    diskFull = false;
    f.write(line(3));
    f.flush();
    expect(f.health()).toMatchObject({ failedWrites: 2, error: null, files: 1 });
    expect(read(dir, LOG_FILE)).toBe(line(3));
  });

  it('survives a log folder it cannot make: every line to stderr, counted', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'logs'), 'a file where the folder should be');
    const stderr: string[] = [];
    const f = open({ dir: join(dir, 'logs'), maxFileBytes: 1 << 20, keepFiles: 2, fallback: (t) => stderr.push(t) });
    f.write(line(1));
    expect(() => f.flush()).not.toThrow();
    expect(f.health()).toMatchObject({ failedWrites: 1, files: 0 });
    expect(f.health().error).toMatch(/ENOTDIR|EEXIST/);
    expect(stderr).toEqual([line(1)]);
  });
});

describe('createLogger', () => {
  it('writes JSON lines with their component into <data>/logs, secrets removed, warnings also readable on stderr', async () => {
    const data = tmp();
    const stderr: string[] = [];
    const logger = createLogger({ level: 'info', dataDir: data, maxFileBytes: 1 << 20, keepFiles: 2, stderr: (t) => stderr.push(t) });
    const auth = logger.log.child({ component: 'auth' });
    auth.info({ name: '张伟', password: 'hunter2-secret', headers: { cookie: 'wf_session=abc', authorization: 'Bearer t0ken' }, user: { passwordHash: 'scrypt$x' } }, 'signed in');
    auth.warn({ err: new Error('boom') }, 'failed sign-in');
    logger.log.debug('not at this level');
    logger.close();
    const text = readFileSync(join(data, 'logs', LOG_FILE), 'utf8');
    const lines = text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', component: 'auth', msg: 'signed in', name: '张伟', password: '[removed]', headers: { cookie: '[removed]', authorization: '[removed]' }, user: { passwordHash: '[removed]' } });
    expect(lines[1]).toMatchObject({ level: 'warn', component: 'auth', msg: 'failed sign-in', err: { message: 'boom' } });
    expect(text).not.toMatch(/hunter2|wf_session=abc|t0ken|scrypt/);
    // only the warning reaches stderr, as a line for a person
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^\S+Z WARN auth: failed sign-in\n {2}Error: boom/);
  });

  it('without a data folder: stderr only, at the configured level', () => {
    const stderr: string[] = [];
    const logger = createLogger({ level: 'debug', maxFileBytes: 1 << 20, keepFiles: 2, stderr: (t) => stderr.push(t) });
    logger.log.child({ component: 'web' }).debug('a detail');
    expect(logger.file).toBeNull();
    expect(logger.health()).toBeNull();
    expect(stderr).toEqual([expect.stringMatching(/ DEBUG web: a detail\n$/)]);
  });
});

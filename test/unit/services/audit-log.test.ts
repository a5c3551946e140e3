// The audit log on disk: the chain goes on across restarts and day files, any edit, deletion or
// reordering is named by file and line, a line torn by a crash is cut (and said so), and what was
// written before a kill -9 is all there and verifies.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS, verifyLines } from '../../../core/audit/chain';
import { AuditLog, filesForRange, sha256hex, verifyAuditDir } from '../../../main/services/audit-log';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const MINUTE = 60_000;
const DEC5 = Date.UTC(2026, 11, 5);
const DAY = 86_400_000;

const dirs: string[] = [];
const logs: AuditLog[] = [];
afterEach(() => {
  for (const l of logs.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wf-audit-'));
  dirs.push(d);
  return d;
}

/** a clock the test moves */
function clock(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

function open(dataDir: string, now?: () => number): AuditLog {
  const log = AuditLog.open(dataDir, { now });
  logs.push(log);
  return log;
}

const auditFiles = (dataDir: string) => readdirSync(join(dataDir, 'audit')).filter((n) => n.endsWith('.jsonl')).sort();
const fileOf = (dataDir: string, day: string) => join(dataDir, 'audit', `audit-${day}.jsonl`);
const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, -1);
const allLines = (dataDir: string) => auditFiles(dataDir).flatMap((n) => linesOf(join(dataDir, 'audit', n)));

/** five entries on each of 2026-12-05, -06 and -07 (at 08:00, 08:01, …), written through one log */
function threeDays(): string {
  const dir = tmp();
  const c = clock(DEC5);
  const log = open(dir, c.now);
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 5; i++) {
      c.t = DEC5 + d * DAY + 8 * 60 * MINUTE + i * MINUTE;
      expect(log.append({ kind: 'action', actor: `op${d}${i}`, role: 'dispatcher', via: 'session', incidentId: `I${d}`, what: 'ack', detail: { d, i } })).not.toBeNull();
    }
  }
  log.close();
  return dir;
}

describe('AuditLog chain', () => {
  it('goes on with seq and prev after a restart', () => {
    const dir = tmp();
    const c = clock(DEC5 + 9 * 60 * MINUTE);
    const a = open(dir, c.now);
    a.append({ kind: 'started' });
    a.append({ kind: 'sign_in', actor: 'op1', role: 'dispatcher', via: 'session', from: '10.0.0.2' });
    a.append({ kind: 'action', actor: 'op1', incidentId: 'I1', what: 'ack' });
    a.close();
    c.t += MINUTE;
    const b = open(dir, c.now);
    expect(b.health()).toMatchObject({ ok: true, entries: 3, lastAt: DEC5 + 9 * 60 * MINUTE, error: null, recovered: null, failed: 0 });
    const r = b.append({ kind: 'started' });
    expect(r).toMatchObject({ seq: 4, prev: sha256hex(allLines(dir)[2]) });
    b.close();
    const lines = allLines(dir);
    expect(lines).toHaveLength(4);
    expect(verifyLines(lines, { prev: GENESIS, firstSeq: 1, sha256hex })).toMatchObject({ ok: true, entries: 4, lastSeq: 4 });
    expect(verifyAuditDir(dir)).toEqual({ ok: true, files: 1, entries: 4, problems: [] });
  });

  it('starts a file per UTC day, the chain running on from one into the next', () => {
    const dir = tmp();
    const c = clock(DEC5 + DAY - 2000);
    const a = open(dir, c.now);
    a.append({ kind: 'started' });
    a.append({ kind: 'action', what: 'ack' });
    c.t = DEC5 + DAY + 1000;
    a.append({ kind: 'action', what: 'close' });
    a.close();
    c.t = DEC5 + 2 * DAY + 1000;
    const b = open(dir, c.now);
    b.append({ kind: 'started' });
    b.close();
    expect(auditFiles(dir)).toEqual(['audit-2026-12-05.jsonl', 'audit-2026-12-06.jsonl', 'audit-2026-12-07.jsonl']);
    const first = linesOf(fileOf(dir, '2026-12-05'));
    const second = linesOf(fileOf(dir, '2026-12-06'));
    const third = linesOf(fileOf(dir, '2026-12-07'));
    expect(JSON.parse(second[0])).toMatchObject({ seq: 3, prev: sha256hex(first[1]) });
    expect(JSON.parse(third[0])).toMatchObject({ seq: 4, prev: sha256hex(second[0]) });
    expect(verifyAuditDir(dir)).toEqual({ ok: true, files: 3, entries: 4, problems: [] });
  });

  it('goes on in the newest file when the clock is set back across midnight', () => {
    const dir = tmp();
    const c = clock(DEC5 + DAY + 10_000);
    const a = open(dir, c.now);
    a.append({ kind: 'started' });
    c.t = DEC5 + DAY - 10_000;
    expect(a.append({ kind: 'action' })).toMatchObject({ seq: 2, at: DEC5 + DAY - 10_000 });
    a.close();
    expect(auditFiles(dir)).toEqual(['audit-2026-12-06.jsonl']);
    expect(verifyAuditDir(dir).ok).toBe(true);
  });

  it('writes the folder 0700 and the files 0600', () => {
    if (process.platform === 'win32') return;
    const dir = tmp();
    open(dir).append({ kind: 'started' });
    expect(statSync(join(dir, 'audit')).mode & 0o777).toBe(0o700);
    for (const n of auditFiles(dir)) expect(statSync(join(dir, 'audit', n)).mode & 0o777).toBe(0o600);
  });

  it('keeps a second writer out of a folder that one log holds, and says so', () => {
    const dir = tmp();
    const a = open(dir);
    const b = open(dir);
    expect(b.health()).toMatchObject({ ok: false, error: expect.stringContaining('is being written by') });
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(b.append({ kind: 'started' })).toBeNull();
    } finally {
      console.warn = warn;
    }
    expect(b.health().failed).toBe(1);
    expect(a.append({ kind: 'started' })).toMatchObject({ seq: 1 });
    a.close();
    b.close();
    const c = open(dir);
    expect(c.append({ kind: 'started' })).toMatchObject({ seq: 2 });
  });

  it('never throws when a write fails: counts it, says so, and goes on once it can', () => {
    const dir = tmp();
    const c = clock(DEC5 + 8 * 60 * MINUTE);
    const log = open(dir, c.now);
    log.append({ kind: 'started' });
    // the next day's file cannot be opened: a folder stands in its place
    mkdirSync(fileOf(dir, '2026-12-06'));
    c.t += DAY;
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(log.append({ kind: 'action' })).toBeNull();
      expect(log.append({ kind: 'action' })).toBeNull();
    } finally {
      console.warn = warn;
    }
    expect(log.health()).toMatchObject({ ok: false, failed: 2, error: expect.stringContaining('writing the audit log failed') });
    rmSync(fileOf(dir, '2026-12-06'), { recursive: true });
    expect(log.append({ kind: 'action' })).toMatchObject({ seq: 2 });
    expect(log.health()).toMatchObject({ ok: true, failed: 2, entries: 2 });
    expect(verifyAuditDir(dir)).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('verifyAuditDir finds', () => {
  it('nothing wrong in an untouched log', () => {
    expect(verifyAuditDir(threeDays())).toEqual({ ok: true, files: 3, entries: 15, problems: [] });
  });

  it('a byte edited in a middle line, on the line after it', () => {
    const dir = threeDays();
    const path = fileOf(dir, '2026-12-06');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"op12"', '"op92"'));
    const v = verifyAuditDir(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(['audit-2026-12-06.jsonl line 4: prev hash does not match the previous line (edited or deleted?)']);
  });

  it('a deleted line', () => {
    const dir = threeDays();
    const path = fileOf(dir, '2026-12-06');
    const lines = linesOf(path);
    writeFileSync(path, [...lines.slice(0, 2), ...lines.slice(3)].map((l) => `${l}\n`).join(''));
    const v = verifyAuditDir(dir);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(/^audit-2026-12-06\.jsonl line 3: seq 9 where 8 was expected and prev hash does not match/);
  });

  it('two lines swapped', () => {
    const dir = threeDays();
    const path = fileOf(dir, '2026-12-06');
    const l = linesOf(path);
    writeFileSync(path, [l[0], l[2], l[1], l[3], l[4]].map((x) => `${x}\n`).join(''));
    const v = verifyAuditDir(dir);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(/^audit-2026-12-06\.jsonl line 2: seq 8 where 7 was expected/);
  });

  it('a middle day file deleted, at the first line of the next', () => {
    const dir = threeDays();
    unlinkSync(fileOf(dir, '2026-12-06'));
    const v = verifyAuditDir(dir);
    expect(v).toMatchObject({ ok: false, files: 2, entries: 10 });
    expect(v.problems).toEqual([expect.stringMatching(/^audit-2026-12-07\.jsonl line 1: seq 11 where 6 was expected .*must follow the last line of audit-2026-12-05\.jsonl/)]);
  });

  it('the first day file deleted', () => {
    const dir = threeDays();
    unlinkSync(fileOf(dir, '2026-12-05'));
    expect(verifyAuditDir(dir).problems).toEqual([expect.stringMatching(/^audit-2026-12-06\.jsonl line 1: .*the first file must start the chain/)]);
  });

  it('a file cut short in the middle of a line', () => {
    const dir = threeDays();
    const path = fileOf(dir, '2026-12-05');
    truncateSync(path, statSync(path).size - 30);
    const v = verifyAuditDir(dir);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(/^audit-2026-12-05\.jsonl line 5: \d+ bytes without an end of line/);
    // and the next file no longer follows on
    expect(v.problems[1]).toMatch(/^audit-2026-12-06\.jsonl line 1: /);
  });

  it('an edited newest file when the log is opened again, which still goes on writing after it', () => {
    const dir = threeDays();
    const path = fileOf(dir, '2026-12-07');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"op21"', '"op99"'));
    const log = open(dir, () => DEC5 + 2 * DAY + 9 * 60 * MINUTE);
    expect(log.health()).toMatchObject({ ok: false, entries: 15, error: 'audit-2026-12-07.jsonl line 3: prev hash does not match the previous line (edited or deleted?)' });
    expect(log.append({ kind: 'started' })).toMatchObject({ seq: 16 });
    log.close();
    // the damage is still named, once; what was written after it chains on
    expect(verifyAuditDir(dir).problems).toEqual(['audit-2026-12-07.jsonl line 3: prev hash does not match the previous line (edited or deleted?)']);
  });

  it('an empty folder as a problem, not as an intact chain', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'audit'));
    expect(verifyAuditDir(dir)).toMatchObject({ ok: false, files: 0, problems: [expect.stringContaining('no audit files')] });
  });
});

describe('a torn last line', () => {
  for (const [name, torn] of [
    ['half a line', '{"seq":6,"at":1796457600000,"kind":"act'],
    ['a line that does not parse, ending in a line break', '{"seq":6,"at":17\n'],
    ['NUL bytes left by a power cut', '\0\0\0\0\0\0\0\0'],
  ] as const) {
    it(`is cut when the log is opened, and said so: ${name}`, () => {
      const dir = tmp();
      const c = clock(DEC5 + 8 * 60 * MINUTE);
      const a = open(dir, c.now);
      for (let i = 0; i < 5; i++) a.append({ kind: 'action', detail: { i } });
      a.close();
      const path = fileOf(dir, '2026-12-05');
      const good = statSync(path).size;
      appendFileSync(path, torn);
      expect(verifyAuditDir(dir).ok).toBe(false);

      c.t += MINUTE;
      const b = open(dir, c.now);
      const bytes = Buffer.byteLength(torn);
      expect(b.health()).toMatchObject({ ok: true, entries: 6, recovered: { tornBytes: bytes, at: c.t } });
      const lines = linesOf(path);
      expect(lines).toHaveLength(6);
      expect(JSON.parse(lines[5])).toMatchObject({ seq: 6, kind: 'recovered', detail: { tornBytes: bytes, offset: good } });
      expect(b.append({ kind: 'started' })).toMatchObject({ seq: 7 });
      b.close();
      expect(verifyAuditDir(dir)).toEqual({ ok: true, files: 1, entries: 7, problems: [] });
      // and a later start finds nothing to recover
      expect(open(dir, c.now).health().recovered).toBeNull();
    });
  }
});

describe('AuditLog.query', () => {
  it('gives the records of a range, oldest first, at most `limit`', () => {
    const dir = threeDays();
    const log = open(dir);
    const day6 = log.query({ from: DEC5 + DAY, to: DEC5 + 2 * DAY - 1 });
    expect(day6.map((r) => r.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(day6[0]).toMatchObject({ kind: 'action', actor: 'op10', detail: { d: 1, i: 0 } });
    expect(log.query({ from: DEC5 + DAY + 8 * 60 * MINUTE + 1, to: DEC5 + DAY + 8 * 60 * MINUTE + 3 * MINUTE }).map((r) => r.seq)).toEqual([7, 8, 9]);
    expect(log.query({ limit: 4 }).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(log.query({}).length).toBe(15);
  });

  it('opens only the day files of the range', () => {
    const dir = threeDays();
    // a record dated the 6th planted in the 5th's file: a query of the 6th that read that file would return it
    appendFileSync(fileOf(dir, '2026-12-05'), `${JSON.stringify({ seq: 99, at: DEC5 + DAY + 12 * 60 * MINUTE, kind: 'action', prev: GENESIS })}\n`);
    const log = open(dir);
    expect(log.query({ from: DEC5 + DAY, to: DEC5 + 2 * DAY - 1 }).map((r) => r.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(log.query({}).map((r) => r.seq)).toContain(99);
    expect(filesForRange(['audit-2026-12-05.jsonl', 'audit-2026-12-06.jsonl', 'audit-2026-12-07.jsonl'], DEC5 + DAY + 1, DEC5 + DAY + 2)).toEqual(['audit-2026-12-06.jsonl']);
  });
});

describe('npm run audit:verify', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } });

  it('says the chain is intact and exits 0, or names each problem and exits 1; --csv prints a range', () => {
    const dir = threeDays();
    const ok = run('--data', dir);
    expect(ok.stdout.trim()).toBe('audit: 15 entries in 3 files, chain intact');
    expect(ok.status).toBe(0);

    const csv = run('--data', dir, '--csv', '--from', '2026-12-06', '--to', '2026-12-06');
    expect(csv.status).toBe(0);
    const rows = csv.stdout.split('\r\n');
    expect(rows[0]).toBe('seq,at,kind,actor,role,via,incidentId,what,reason,from,detail,prev');
    expect(rows.slice(1, -1).map((r) => r.split(',')[0])).toEqual(['6', '7', '8', '9', '10']);
    expect(rows[1].split(',')[1]).toBe('2026-12-06T08:00:00.000Z');

    unlinkSync(fileOf(dir, '2026-12-06'));
    const bad = run('--data', dir);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^audit-2026-12-07\.jsonl line 1: /m);
  }, 60_000);
});

describe('kill -9', () => {
  /** the child: appends in a tight loop until it is killed */
  const CHILD = `
    const { AuditLog } = await import(process.argv[1]);
    const log = AuditLog.open(process.argv[2]);
    for (let i = 0; ; i++) if (!log.append({ kind: 'action', actor: 'loop', what: 'ack', detail: { i, note: '福州 '.repeat(i % 7) } })) throw new Error('append failed');
  `;
  const completeLines = (dir: string): number => {
    if (!existsSync(join(dir, 'audit'))) return 0;
    let n = 0;
    for (const f of auditFiles(dir)) for (const b of readFileSync(join(dir, 'audit', f))) if (b === 0x0a) n++;
    return n;
  };

  it('keeps every complete line, and the log goes on after it', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, join(REPO, 'main/services/audit-log.ts'), dir], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.once('exit', (_code, signal) => res(signal)));
    const deadline = Date.now() + 45_000;
    // poll the file until it holds 200 lines (bounded), then kill the writer mid-stride
    while (completeLines(dir) < 200) {
      if (child.exitCode !== null) throw new Error(`the writer exited early:\n${err}`);
      if (Date.now() > deadline) throw new Error(`the writer wrote ${completeLines(dir)} lines in 45 s:\n${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // every complete line verifies (a part line after them, if the kill cut one, is not counted)
    const text = auditFiles(dir).map((f) => readFileSync(join(dir, 'audit', f), 'utf8')).join('');
    const lines = text.split('\n').slice(0, -1);
    const v = verifyLines(lines, { prev: GENESIS, firstSeq: 1, sha256hex });
    expect(v).toMatchObject({ ok: true });
    expect(lines.length).toBeGreaterThanOrEqual(200);

    const log = open(dir);
    const h = log.health();
    expect(h).toMatchObject({ ok: true, failed: 0 });
    expect(h.entries).toBe(lines.length + (h.recovered ? 1 : 0));
    expect(log.append({ kind: 'started' })).toMatchObject({ seq: h.entries + 1 });
    log.close();
    expect(verifyAuditDir(dir)).toMatchObject({ ok: true, entries: h.entries + 1 });
  }, 60_000);
});

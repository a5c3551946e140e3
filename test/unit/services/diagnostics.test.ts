// The diagnostics zip's log part and its refusals (main/services/diagnostics.ts), on real files:
// the newest log files first within the size bound, a file that does not fit whole cut at a line,
// older ones left out and named in the README; viewers refused, one export at a time, no data
// folder said plainly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../core/auth/principal';
import type { AuditEntryInput } from '../../../core/audit/chain';
import { defaultConfig } from '../../../core/config';
import type { Health } from '../../../core/contract';
import { Diagnostics } from '../../../main/services/diagnostics';
import { openZip, type OpenZip } from '../../../main/cases/zip';
import { createLogger, type WallLogger } from '../../../main/services/logger';

const DEC6 = Date.UTC(2026, 11, 6, 8);
const dispatcher: Principal = { name: '张伟', role: 'dispatcher', via: 'session' };
const viewer: Principal = { name: '王芳', role: 'viewer', via: 'session' };
const dirs: string[] = [];
const loggers: WallLogger[] = [];
afterEach(() => {
  for (const l of loggers.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a data folder whose log holds `lines` lines of 100 bytes, in files of 4 lines (`now` moved a second per line) */
function wall(lines: number, o: { maxLogBytes?: number; dataDir?: boolean } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'wf-diag-unit-'));
  dirs.push(data);
  const c = { t: DEC6 };
  const logger = createLogger({ level: 'info', dataDir: data, maxFileBytes: 400, keepFiles: 100, now: () => c.t, stderr: () => {} });
  loggers.push(logger);
  for (let i = 0; i < lines; i++) {
    // pino's own fields take the rest of the 100 bytes
    logger.file!.write(`${JSON.stringify({ n: i })}`.padEnd(99, ' ') + '\n');
    logger.file!.flush();
    c.t += 1000;
  }
  const audit: AuditEntryInput[] = [];
  const d = new Diagnostics({
    version: '0.1.0',
    shell: 'web',
    startedAt: DEC6,
    config: defaultConfig(),
    health: () => ({ ok: true }) as Health,
    logFiles: () => logger.file!.files(),
    flushLogs: () => logger.file!.flush(),
    dataDir: o.dataDir === false ? null : data,
    audit: (e) => audit.push(e),
    log: logger.log,
    shown: (p) => p.replace(data, '<data>'),
    now: () => c.t,
    ...(o.maxLogBytes ? { maxLogBytes: o.maxLogBytes } : {}),
  });
  return { d, data, audit };
}

/** one entry's text, by name */
async function textOf(zip: OpenZip, name: string): Promise<string> {
  const parts: Buffer[] = [];
  await zip.read(zip.entries.find((e) => e.name === name)!, (p) => parts.push(Buffer.from(p)));
  return Buffer.concat(parts).toString('utf8');
}

const numbers = (text: string) => text.split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { n: number }).n);

describe('Diagnostics', () => {
  it('holds the newest log files first, within the bound; a file that does not fit is cut at a line, older ones left out and named', async () => {
    // 10 lines: files of lines [0-3], [4-7] set aside, [8, 9] current; 760 bytes: 2 + 4 lines whole, then 160 bytes of the oldest file
    const { d, audit } = wall(10, { maxLogBytes: 760 });
    const r = await d.download(dispatcher, '10.0.0.7');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const zipPath = join(dirs[0], 'got.zip');
    writeFileSync(zipPath, r.value.data);
    const zip = await openZip(zipPath);
    try {
      const names = zip.entries.map((e) => e.name);
      expect(names).toEqual(['README.txt', 'health.json', 'config.json', 'versions.json', 'logs/watchfloor.log', 'logs/watchfloor-20261206-080007.log', 'logs/watchfloor-20261206-080003.log']);
      const text = (name: string) => textOf(zip, name);
      expect(numbers(await text('logs/watchfloor.log'))).toEqual([8, 9]);
      expect(numbers(await text('logs/watchfloor-20261206-080007.log'))).toEqual([4, 5, 6, 7]);
      // of those 160 bytes, one whole line: never half a line
      expect(numbers(await text('logs/watchfloor-20261206-080003.log'))).toEqual([3]);
      const readme = await text('README.txt');
      expect(readme).toContain('watchfloor-20261206-080003.log holds only its last lines');
      expect(r.value.files).toEqual(names);
    } finally {
      await zip.close();
    }
    expect(audit).toEqual([expect.objectContaining({ kind: 'action', actor: '张伟', what: 'diagnostics export', from: '10.0.0.7', detail: expect.objectContaining({ delivered: 'download', bytes: r.value.data.length }) })]);
  });

  it('leaves out whole files beyond the bound and says which', async () => {
    // 650 bytes: the current file and the next whole, then 50 bytes: not one whole line of the oldest, so none of it
    const { d } = wall(10, { maxLogBytes: 650 });
    const r = await d.download(dispatcher, undefined);
    expect(r.ok && r.value.files.filter((n) => n.startsWith('logs/'))).toEqual(['logs/watchfloor.log', 'logs/watchfloor-20261206-080007.log']);
    const saved = await d.save(dispatcher, undefined);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.value.path).toMatch(/^<data>\/diagnostics\/diagnostics-20261206T080010Z-[0-9a-f]{6}\.zip$/);
    const zip = await openZip(join(dirs[0], saved.value.path.slice('<data>/'.length)));
    try {
      const readme = await textOf(zip, 'README.txt');
      expect(readme).toContain('left out (older, beyond the size): watchfloor-20261206-080003.log');
    } finally {
      await zip.close();
    }
  });

  it('refuses a viewer (audited), a second export while one is made, and a save without a data folder', async () => {
    const { d, audit } = wall(2);
    expect(await d.download(viewer, '10.0.0.8')).toEqual({ ok: false, error: { status: 403, error: expect.stringMatching(/commander or a dispatcher/) } });
    expect(audit).toEqual([expect.objectContaining({ kind: 'refused', actor: '王芳', what: 'diagnostics export', from: '10.0.0.8' })]);
    const first = d.download(dispatcher, undefined);
    expect(await d.save(dispatcher, undefined)).toMatchObject({ ok: false, error: { status: 409 } });
    expect((await first).ok).toBe(true);
    const { d: noData } = wall(1, { dataDir: false });
    expect(await noData.save(dispatcher, undefined)).toMatchObject({ ok: false, error: { status: 404, error: expect.stringMatching(/^no data folder/) } });
    expect((await noData.download(dispatcher, undefined)).ok).toBe(true);
  });

  it('logs each export after making it', async () => {
    const { d, data } = wall(1);
    expect((await d.download(dispatcher, undefined)).ok).toBe(true);
    loggers[0].file!.flush();
    expect(readFileSync(join(data, 'logs', 'watchfloor.log'), 'utf8')).toMatch(/"actor":"张伟".*"msg":"diagnostics exported"/);
  });
});

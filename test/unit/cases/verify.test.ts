// Checking a case against its manifest (npm run case:verify), on a folder and on its zip: intact;
// one byte changed (same size), a file cut, a file missing, a file added; a manifest missing,
// unreadable or naming a path; and the script's exit codes and messages.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hashFile, parseManifest, verifyCase, verifyCaseFolder, verifyCaseZip, type CaseManifest } from '../../../main/cases/manifest.js';
import { writeZip } from '../../../main/cases/zip.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FILES: Record<string, string | Buffer> = {
  'recording.mcap': Buffer.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a, 1, 2, 3]),
  'audit.jsonl': '{"seq":1}\n',
  'timeline.csv': '\uFEFFincidentId,time\r\na1,2026-12-05T08:30:00.000Z\r\n',
  'report.html': '<!DOCTYPE html><html lang="zh-CN"><body>案件报告</body></html>\n',
};

async function caseFolder(): Promise<{ dir: string; manifest: CaseManifest }> {
  const root = mkdtempSync(join(tmpdir(), 'wf-verify-'));
  made.push(root);
  const dir = join(root, 'case-a1-20261205T084000Z');
  mkdirSync(dir);
  const files = [];
  for (const [name, content] of Object.entries(FILES)) {
    writeFileSync(join(dir, name), content);
    files.push({ name, ...(await hashFile(join(dir, name))) });
  }
  const manifest: CaseManifest = {
    format: 'watchfloor-case',
    version: 1,
    caseId: 'case-a1-20261205T084000Z',
    createdAt: '2026-12-05T08:40:00.000Z',
    createdBy: { name: '王芳', role: 'viewer', via: 'session' },
    period: { from: '2026-12-05T08:28:00.000Z', to: '2026-12-05T08:42:00.000Z', fromMs: 0, toMs: 0 },
    incidentId: 'a1',
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

async function zipOf(dir: string): Promise<string> {
  const id = dir.split('/').at(-1)!;
  const zip = `${dir}.zip`;
  const names = [...Object.keys(FILES), 'manifest.json'];
  await writeZip(zip, [{ name: `${id}/` }, ...names.map((n) => ({ name: `${id}/${n}`, path: join(dir, n) }))], { mtime: Date.UTC(2026, 11, 5, 8, 40) });
  return zip;
}

const messages = (r: { problems: { message: string }[] }) => r.problems.map((p) => p.message);

describe('verifyCaseFolder', () => {
  it('finds an untouched case intact', async () => {
    const { dir } = await caseFolder();
    const r = await verifyCaseFolder(dir);
    expect(r).toMatchObject({ ok: true, kind: 'folder', caseId: 'case-a1-20261205T084000Z', listed: 4, intact: 4, problems: [] });
    expect(r.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the file a byte was changed in (same size), the one cut, the one missing and the one added', async () => {
    const { dir } = await caseFolder();
    const html = readFileSync(join(dir, 'report.html'));
    html[20] ^= 0x20;
    writeFileSync(join(dir, 'report.html'), html);
    writeFileSync(join(dir, 'timeline.csv'), String(FILES['timeline.csv']).slice(0, -2));
    unlinkSync(join(dir, 'audit.jsonl'));
    writeFileSync(join(dir, 'notes.txt'), 'added later');
    mkdirSync(join(dir, 'more'));
    const r = await verifyCaseFolder(dir);
    expect(r.ok).toBe(false);
    expect(r.intact).toBe(1);
    expect(r.problems.map((p) => [p.name, p.kind])).toEqual([
      ['audit.jsonl', 'missing'],
      ['timeline.csv', 'changed'],
      ['report.html', 'changed'],
      ['more', 'extra'],
      ['notes.txt', 'extra'],
    ]);
    expect(messages(r)).toEqual([
      'audit.jsonl: missing',
      expect.stringMatching(/^timeline\.csv: changed: \d+ bytes where the manifest says \d+$/),
      expect.stringMatching(/^report\.html: changed: SHA-256 [0-9a-f]{16}… where the manifest says [0-9a-f]{16}… \(same size\)$/),
      'more: extra: not in the manifest',
      'notes.txt: extra: not in the manifest',
    ]);
  });

  it('cannot check a case without a readable manifest, and says so', async () => {
    const { dir } = await caseFolder();
    writeFileSync(join(dir, 'manifest.json'), '{ "format": "something-else" }');
    expect(messages(await verifyCaseFolder(dir))).toEqual(['manifest.json: format is "something-else", not "watchfloor-case"']);
    unlinkSync(join(dir, 'manifest.json'));
    const r = await verifyCaseFolder(dir);
    expect(r.ok).toBe(false);
    expect(messages(r)).toEqual(['manifest.json: missing: without it nothing can be checked']);
    expect((await verifyCase(join(dir, 'nothing-here'))).problems[0].message).toMatch(/no such folder or file/);
  });

  it('refuses a manifest that names a path instead of a file of the case', () => {
    const base = { format: 'watchfloor-case', version: 1, caseId: 'c', files: [] as unknown[] };
    for (const name of ['../secret', 'sub/file', '.hidden', 'manifest.json', '']) {
      const r = parseManifest(JSON.stringify({ ...base, files: [{ name, bytes: 1, sha256: 'a'.repeat(64) }] }));
      expect(r.ok, name).toBe(false);
    }
    expect(parseManifest(JSON.stringify({ ...base, files: [{ name: 'a.txt', bytes: 1, sha256: 'A'.repeat(64) }] })).ok).toBe(false);
    expect(parseManifest(JSON.stringify({ ...base, version: 2 })).ok).toBe(false);
    expect(parseManifest('not json').ok).toBe(false);
    expect(parseManifest(JSON.stringify(base)).ok).toBe(true);
  });
});

describe('verifyCaseZip', () => {
  it('finds the zip of an untouched case intact', async () => {
    const { dir } = await caseFolder();
    const r = await verifyCaseZip(await zipOf(dir));
    expect(r).toMatchObject({ ok: true, kind: 'zip', caseId: 'case-a1-20261205T084000Z', listed: 4, intact: 4, problems: [] });
    expect(r.manifestSha256).toBe((await hashFile(join(dir, 'manifest.json'))).sha256);
  });

  it('names the file a byte was changed in inside the zip, and files missing or added', async () => {
    const { dir } = await caseFolder();
    const zip = readFileSync(await zipOf(dir));
    const at = zip.indexOf(Buffer.from('案件报告'));
    zip[at] ^= 0x01;
    const changed = join(dir, '..', 'changed.zip');
    writeFileSync(changed, zip);
    const r = await verifyCaseZip(changed);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.name, p.kind])).toEqual([['report.html', 'changed']]);
    expect(messages(r)[0]).toMatch(/^report\.html: changed: .*CRC-32/);

    // a zip made of another folder: one file gone, one added
    unlinkSync(join(dir, 'audit.jsonl'));
    writeFileSync(join(dir, 'extra.txt'), 'x');
    const other = join(dir, '..', 'other.zip');
    await writeZip(other, ['recording.mcap', 'timeline.csv', 'report.html', 'manifest.json', 'extra.txt'].map((n) => ({ name: `c/${n}`, path: join(dir, n) })), { mtime: 0 });
    expect(messages(await verifyCaseZip(other))).toEqual(['audit.jsonl: missing from the zip', 'extra.txt: extra: not in the manifest']);
  });

  it('says what is wrong with a file that is no zip', async () => {
    const { dir } = await caseFolder();
    const r = await verifyCase(join(dir, 'report.html'));
    expect(r.ok).toBe(false);
    expect(r.kind).toBe('zip');
    expect(messages(r)[0]).toMatch(/not a zip file/);
  });
});

describe('npm run case:verify', () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((done) => {
      execFile('npx', ['tsx', 'scripts/case-verify.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, out: stdout + stderr }));
    });

  it('exits 0 for an intact case (folder or zip), 1 naming what changed, 2 when called wrongly', async () => {
    const { dir } = await caseFolder();
    const zip = await zipOf(dir);
    const both = await run(dir, zip);
    expect(both.code, both.out).toBe(0);
    expect(both.out).toMatch(/case case-a1-20261205T084000Z intact: 4 files match the manifest \(folder;/);
    expect(both.out).toMatch(/\.zip: case case-a1-20261205T084000Z intact: 4 files match the manifest \(zip;/);

    const html = readFileSync(join(dir, 'report.html'));
    html[html.length - 2] ^= 0x01;
    writeFileSync(join(dir, 'report.html'), html);
    const bad = await run(dir);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/report\.html: changed: SHA-256/);
    expect(bad.out).toMatch(/NOT intact: 1 problem, 3 of 4 files match the manifest/);
    expect(bad.out).not.toMatch(/(recording\.mcap|audit\.jsonl|timeline\.csv):/);

    expect((await run()).code).toBe(2);
    expect(existsSync(dir)).toBe(true);
  }, 60_000);
});

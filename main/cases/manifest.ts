// A case's manifest.json, and checking a case against it (npm run case:verify): every file the
// manifest lists must be there with its size and SHA-256, and nothing else may be there. Works on
// the case folder and on its zip alike. Reads only. docs/cases.md.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../core/result.js';
import { openZip, type ZipEntry } from './zip.js';

export const CASE_FORMAT = 'watchfloor-case';
export const CASE_VERSION = 1;
export const MANIFEST = 'manifest.json';

export interface CaseFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface CaseManifest {
  format: typeof CASE_FORMAT;
  version: typeof CASE_VERSION;
  caseId: string;
  /** ISO-8601 UTC */
  createdAt: string;
  createdBy: { name: string; role: string; via?: string };
  /** the period the case covers: ISO-8601 UTC, and the same in epoch ms */
  period: { from: string; to: string; fromMs: number; toMs: number };
  incidentId?: string;
  /** every file of the case but the manifest itself */
  files: CaseFile[];
  /** what a reader should know: the period cut to the recording, no audit log, … */
  notes?: string[];
  /** how much each file holds */
  counts?: Record<string, number>;
}

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** A file's size and SHA-256, read in a stream. */
export async function hashFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const part of createReadStream(path)) {
    h.update(part as Buffer);
    bytes += (part as Buffer).length;
  }
  return { bytes, sha256: h.digest('hex') };
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Reads a manifest's text, or says why it is not one. */
export function parseManifest(text: string): Result<CaseManifest, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err('is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err('is not a JSON object');
  const m = v as Record<string, unknown>;
  if (m.format !== CASE_FORMAT) return err(`format is ${JSON.stringify(m.format)?.slice(0, 40)}, not "${CASE_FORMAT}"`);
  if (m.version !== CASE_VERSION) return err(`version ${JSON.stringify(m.version)?.slice(0, 20)} is not one this tool reads (${CASE_VERSION})`);
  if (typeof m.caseId !== 'string' || !m.caseId) return err('caseId is missing');
  if (!Array.isArray(m.files)) return err('files is not a list');
  const seen = new Set<string>();
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const file = f as Partial<CaseFile> | null;
    if (typeof file !== 'object' || file === null) return err(`files[${i}] is not an object`);
    if (typeof file.name !== 'string' || !SAFE_NAME.test(file.name) || file.name === MANIFEST) return err(`files[${i}].name ${JSON.stringify(file.name)?.slice(0, 80)} is not a plain file name`);
    if (seen.has(file.name)) return err(`${file.name} is listed twice`);
    seen.add(file.name);
    if (typeof file.bytes !== 'number' || !Number.isSafeInteger(file.bytes) || file.bytes < 0) return err(`${file.name}: bytes is not a size`);
    if (typeof file.sha256 !== 'string' || !HEX64.test(file.sha256)) return err(`${file.name}: sha256 is not a SHA-256 in lowercase hex`);
  }
  return ok(m as unknown as CaseManifest);
}

export type ProblemKind = 'missing' | 'changed' | 'extra' | 'unreadable' | 'manifest';

export interface CaseProblem {
  /** the file concerned (manifest.json for the manifest itself) */
  name: string;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** what was checked: a folder or a zip */
  kind: 'folder' | 'zip';
  caseId: string | null;
  /** files the manifest lists */
  listed: number;
  /** listed files found intact */
  intact: number;
  problems: CaseProblem[];
  /** SHA-256 of manifest.json as found: compare it with the export's audit entry (detail.manifestSha256) */
  manifestSha256: string | null;
}

const short = (h: string) => `${h.slice(0, 16)}…`;

/** Compares what was found for one listed file with the manifest. */
function judge(f: CaseFile, found: { bytes: number; sha256: string }): CaseProblem | null {
  if (found.bytes !== f.bytes) return { name: f.name, kind: 'changed', message: `${f.name}: changed: ${found.bytes} bytes where the manifest says ${f.bytes}` };
  if (found.sha256 !== f.sha256) return { name: f.name, kind: 'changed', message: `${f.name}: changed: SHA-256 ${short(found.sha256)} where the manifest says ${short(f.sha256)} (same size)` };
  return null;
}

function report(kind: 'folder' | 'zip', manifest: CaseManifest | null, problems: CaseProblem[], manifestSha256: string | null): VerifyReport {
  const listed = manifest?.files.length ?? 0;
  const bad = new Set(problems.filter((p) => p.kind !== 'extra').map((p) => p.name));
  const intact = manifest ? manifest.files.filter((f) => !bad.has(f.name)).length : 0;
  return { ok: problems.length === 0 && manifest !== null, kind, caseId: manifest?.caseId ?? null, listed, intact, problems, manifestSha256 };
}

/** Checks a case folder against its manifest.json. */
export async function verifyCaseFolder(dir: string): Promise<VerifyReport> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return report('folder', null, [{ name: MANIFEST, kind: code === 'ENOENT' ? 'missing' : 'unreadable', message: `${MANIFEST}: ${code === 'ENOENT' ? 'missing: without it nothing can be checked' : `cannot be read (${(e as Error).message})`}` }], null);
  }
  const manifestSha256 = sha256Hex(text);
  const parsed = parseManifest(text);
  if (!parsed.ok) return report('folder', null, [{ name: MANIFEST, kind: 'manifest', message: `${MANIFEST}: ${parsed.error}` }], manifestSha256);
  const m = parsed.value;
  const problems: CaseProblem[] = [];
  for (const f of m.files) {
    const path = join(dir, f.name);
    try {
      const s = await stat(path);
      if (!s.isFile()) {
        problems.push({ name: f.name, kind: 'missing', message: `${f.name}: missing: a folder or other non-file stands in its place` });
        continue;
      }
      const p = judge(f, await hashFile(path));
      if (p) problems.push(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' ? { name: f.name, kind: 'missing', message: `${f.name}: missing` } : { name: f.name, kind: 'unreadable', message: `${f.name}: cannot be read (${(e as Error).message})` });
    }
  }
  const listed = new Set(m.files.map((f) => f.name));
  for (const name of (await readdir(dir)).sort()) {
    if (name === MANIFEST || listed.has(name)) continue;
    problems.push({ name, kind: 'extra', message: `${name}: extra: not in the manifest` });
  }
  return report('folder', m, problems, manifestSha256);
}

/** The folder every entry of a zip lies in (the case id), or '' when they lie at the top. */
function commonFolder(entries: readonly ZipEntry[]): string {
  const first = entries.find((e) => e.name.includes('/'));
  if (!first) return '';
  const top = `${first.name.split('/')[0]}/`;
  return entries.every((e) => e.name.startsWith(top)) ? top : '';
}

/** Checks a case's zip against the manifest.json inside it. */
export async function verifyCaseZip(path: string): Promise<VerifyReport> {
  let zip;
  try {
    zip = await openZip(path);
  } catch (e) {
    return report('zip', null, [{ name: MANIFEST, kind: 'unreadable', message: `${(e as Error).message}` }], null);
  }
  try {
    const top = commonFolder(zip.entries);
    const files = new Map<string, ZipEntry>();
    const problems: CaseProblem[] = [];
    for (const e of zip.entries) {
      const name = e.name.slice(top.length);
      if (e.dir && (name === '' || !name.slice(0, -1).includes('/'))) {
        if (name !== '') problems.push({ name: name.slice(0, -1), kind: 'extra', message: `${name.slice(0, -1)}: extra: a folder the manifest does not list` });
        continue;
      }
      files.set(name, e);
    }
    const manifestEntry = files.get(MANIFEST);
    if (!manifestEntry) return report('zip', null, [{ name: MANIFEST, kind: 'missing', message: `${MANIFEST}: missing from the zip: without it nothing can be checked` }], null);
    const parts: Uint8Array[] = [];
    try {
      await zip.read(manifestEntry, (p) => parts.push(Buffer.from(p)));
    } catch (e) {
      return report('zip', null, [{ name: MANIFEST, kind: 'unreadable', message: `${MANIFEST}: ${(e as Error).message}` }], null);
    }
    const text = Buffer.concat(parts).toString('utf8');
    const manifestSha256 = sha256Hex(text);
    const parsed = parseManifest(text);
    if (!parsed.ok) return report('zip', null, [{ name: MANIFEST, kind: 'manifest', message: `${MANIFEST}: ${parsed.error}` }], manifestSha256);
    const m = parsed.value;
    for (const f of m.files) {
      const e = files.get(f.name);
      if (!e) {
        problems.push({ name: f.name, kind: 'missing', message: `${f.name}: missing from the zip` });
        continue;
      }
      const h = createHash('sha256');
      let bytes = 0;
      try {
        await zip.read(e, (p) => {
          h.update(p);
          bytes += p.byteLength;
        });
      } catch (x) {
        problems.push({ name: f.name, kind: 'changed', message: `${f.name}: changed: ${(x as Error).message.replace(/^zip: /, '')}` });
        continue;
      }
      const p = judge(f, { bytes, sha256: h.digest('hex') });
      if (p) problems.push(p);
    }
    const listed = new Set(m.files.map((f) => f.name));
    for (const name of [...files.keys()].sort()) {
      if (name === MANIFEST || listed.has(name)) continue;
      problems.push({ name, kind: 'extra', message: `${name}: extra: not in the manifest` });
    }
    return report('zip', m, problems, manifestSha256);
  } finally {
    await zip.close();
  }
}

/** Checks a case folder, or a case's zip (any file that is not a folder is read as a zip). */
export async function verifyCase(path: string): Promise<VerifyReport> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    return report('folder', null, [{ name: path, kind: 'missing', message: `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder or file' : (e as Error).message}` }], null);
  }
  return s.isDirectory() ? verifyCaseFolder(path) : verifyCaseZip(path);
}

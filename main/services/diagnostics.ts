// The diagnostics export for support (docs/operations.md#diagnostics): one zip with the wall's
// health now, its configuration with every secret removed (core/redact.ts), versions and the
// process's figures, and the newest log files (at most MAX_LOG_BYTES of them, newest first).
// GET /api/diagnostics downloads it; the bridge's `diagnostics.export` writes it into
// <data>/diagnostics (the Electron shell has no download). Commanders and dispatchers only (the
// callers check); every export is audited.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { arch, cpus, freemem, platform, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { canAct, type Principal } from '../../core/auth/principal.js';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import type { WatchfloorConfig } from '../../core/config.js';
import type { DiagnosticsExportResult, Health } from '../../core/contract.js';
import { redactConfig } from '../../core/redact.js';
import { err, ok, type Result } from '../../core/result.js';
import { writeZip, type ZipInput } from '../cases/zip.js';
import type { Logger } from './logger.js';

/** Log bytes a diagnostics zip holds at most: the newest files first, the oldest left out. */
export const MAX_LOG_BYTES = 20 * 1024 * 1024;
export const DIAGNOSTICS_DIR = 'diagnostics';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface DiagnosticsDeps {
  version: string;
  shell: 'web' | 'electron';
  startedAt: number;
  config: WatchfloorConfig;
  health: () => Health;
  /** the log files held, newest first (none without a data folder) */
  logFiles: () => { name: string; path: string; bytes: number }[];
  /** writes log lines still waiting, so the export holds them */
  flushLogs: () => void;
  dataDir: string | null;
  audit: (e: AuditEntryInput) => void;
  log: Logger;
  /** a path as pages see it (relative to <data>) */
  shown: (path: string) => string;
  now?: () => number;
  maxLogBytes?: number;
}

export interface DiagnosticsProblem {
  status: 403 | 404 | 409 | 500;
  error: string;
}

const stampOf = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

const README = (at: number, logs: { included: string[]; cut: string | null; left: string[] }) => `Watchfloor diagnostics, made ${new Date(at).toISOString()}

For support: what the wall was doing and how it was set up, without its secrets.

  health.json    the wall's health at that moment (GET /api/health)
  config.json    the configuration it runs with; passwords, password and token hashes, keys and
                 credentials in broker URLs are replaced by "[removed]"
  versions.json  Watchfloor, Node, Electron and Chromium (when the Electron shell runs), the
                 operating system, uptime and memory
  logs/          the services' log files (JSON lines, newest file first), at most ${Math.round(MAX_LOG_BYTES / 1048576)} MB:
                 ${logs.included.length > 0 ? logs.included.join(', ') : 'none (the wall runs without a data folder: it logs to stderr only)'}${logs.cut ? `\n                 ${logs.cut} holds only its last lines` : ''}${logs.left.length > 0 ? `\n                 left out (older, beyond the size): ${logs.left.join(', ')}` : ''}

Passwords, tokens and cookies are never written to the log. The log may hold operators' names,
addresses that signed in, incident ids and topics: treat this file as the wall's own records.
See docs/operations.md.
`;

function versions(d: DiagnosticsDeps, at: number) {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    watchfloor: d.version,
    shell: d.shell,
    node: v.node,
    v8: v.v8,
    electron: v.electron ?? null,
    chromium: v.chrome ?? null,
    os: { type: osType(), release: release(), platform: platform(), arch: arch(), cpus: cpus().length, totalMemoryBytes: totalmem(), freeMemoryBytes: freemem() },
    startedAt: d.startedAt,
    at,
    uptimeS: Math.round(process.uptime()),
    memory: process.memoryUsage(),
  };
}

/** The last `max` bytes of a file, from the start of a line (a log line is never cut in two); `cut` when that is not all of it. */
async function tailOf(path: string, max: number): Promise<{ data: Buffer; cut: boolean }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const from = Math.max(0, size - max);
    const buf = Buffer.alloc(size - from);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const part = buf.subarray(0, got);
    if (from === 0) return { data: part, cut: false };
    const nl = part.indexOf(0x0a);
    return { data: nl < 0 ? Buffer.alloc(0) : part.subarray(nl + 1), cut: true };
  } finally {
    await fh.close();
  }
}

class NoDataFolder extends Error {
  constructor() {
    super('no data folder: the wall runs without --data DIR, so there is nowhere to write the export (GET /api/diagnostics downloads it)');
  }
}

export class Diagnostics {
  private busy = false;

  constructor(private readonly d: DiagnosticsDeps) {}

  /** The zip's entries, made now: the log files read as they are at this moment. */
  private async entries(at: number): Promise<{ entries: ZipInput[]; names: string[] }> {
    const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);
    this.d.flushLogs();
    const budget = this.d.maxLogBytes ?? MAX_LOG_BYTES;
    let used = 0;
    const logs: ZipInput[] = [];
    const included: string[] = [];
    const left: string[] = [];
    let cut: string | null = null;
    for (const f of this.d.logFiles()) {
      if (used >= budget) {
        left.push(f.name);
        continue;
      }
      try {
        const { data, cut: partly } = await tailOf(f.path, budget - used);
        if (data.length === 0 && f.bytes > 0) {
          // not one whole line of it fits
          left.push(f.name);
          used = budget;
          continue;
        }
        if (partly) cut = f.name;
        used += data.length;
        logs.push({ name: `logs/${f.name}`, data });
        included.push(f.name);
      } catch {
        // deleted by rotation meanwhile: it is older than what is kept anyway
      }
    }
    const entries: ZipInput[] = [
      { name: 'README.txt', data: Buffer.from(README(at, { included, cut, left })) },
      { name: 'health.json', data: json(this.d.health()) },
      { name: 'config.json', data: json(redactConfig(this.d.config)) },
      { name: 'versions.json', data: json(versions(this.d, at)) },
      ...logs,
    ];
    return { entries, names: entries.map((e) => e.name) };
  }

  /** Commanders and dispatchers only; one export at a time (each holds up to MAX_LOG_BYTES in memory). */
  private async once<T>(who: Principal, from: string | undefined, run: () => Promise<T>): Promise<Result<T, DiagnosticsProblem>> {
    if (!canAct(who.role)) {
      this.d.audit({ kind: 'refused', actor: who.name, role: who.role, via: who.via, what: 'diagnostics export', reason: 'only a commander or a dispatcher may export diagnostics', ...(from ? { from } : {}) });
      return err({ status: 403, error: 'only a commander or a dispatcher may export diagnostics' });
    }
    if (this.busy) return err({ status: 409, error: 'a diagnostics export is being made: try again in a moment' });
    this.busy = true;
    try {
      return ok(await run());
    } catch (e) {
      if (e instanceof NoDataFolder) return err({ status: 404, error: e.message });
      this.d.log.error({ err: e }, 'diagnostics export failed');
      return err({ status: 500, error: `the diagnostics export could not be made: ${this.d.shown((e as Error).message)}` });
    } finally {
      this.busy = false;
    }
  }

  private audited(who: Principal, from: string | undefined, detail: Record<string, unknown>): void {
    this.d.audit({ kind: 'action', actor: who.name, role: who.role, via: who.via, what: 'diagnostics export', ...(from ? { from } : {}), detail });
    this.d.log.info({ actor: who.name, ...detail }, 'diagnostics exported');
  }

  /** The zip's bytes, for a download (GET /api/diagnostics). */
  download(who: Principal, from: string | undefined): Promise<Result<{ name: string; data: Buffer; files: string[] }, DiagnosticsProblem>> {
    return this.once(who, from, async () => {
      const at = (this.d.now ?? Date.now)();
      const { entries, names } = await this.entries(at);
      const dir = await mkdtemp(join(tmpdir(), 'wf-diagnostics-'));
      try {
        const path = join(dir, 'diagnostics.zip');
        await writeZip(path, entries, { mtime: at, fileMode: FILE_MODE });
        const data = await readFile(path);
        const name = `watchfloor-diagnostics-${stampOf(at)}.zip`;
        this.audited(who, from, { delivered: 'download', name, bytes: data.length, files: names.length });
        return { name, data, files: names };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  /** The zip written into <data>/diagnostics (the bridge's `diagnostics.export`). */
  async save(who: Principal, from: string | undefined): Promise<Result<DiagnosticsExportResult, DiagnosticsProblem>> {
    return this.once(who, from, async () => {
      const dataDir = this.d.dataDir;
      if (!dataDir) throw new NoDataFolder();
      const at = (this.d.now ?? Date.now)();
      const dir = join(dataDir, DIAGNOSTICS_DIR);
      mkdirSync(dir, { recursive: true, mode: DIR_MODE });
      const { entries, names } = await this.entries(at);
      // a second export within the same second gets a name of its own
      const path = join(dir, `diagnostics-${stampOf(at)}-${randomBytes(3).toString('hex')}.zip`);
      try {
        await writeZip(path, entries, { mtime: at, fileMode: FILE_MODE });
      } catch (e) {
        // no half-written zip stays behind (a full disk)
        await rm(path, { force: true });
        throw e;
      }
      const bytes = (await stat(path)).size;
      const shown = this.d.shown(path);
      this.audited(who, from, { delivered: 'file', path: shown, bytes, files: names.length });
      return { path: shown, bytes, files: names };
    });
  }
}

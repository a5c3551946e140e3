// Keeps the situation's checkpoint in the data folder (--data DIR): loads it at start, saves it
// every `intervalMs` when something changed, and once more on a clean shutdown. A file that cannot
// be read is moved aside (never deleted: it may be evidence) and the wall starts empty; a failed
// save is reported in health and tried again next time. One wall per folder (situation.lock): a
// second one loads what is there but never saves over it. Nothing here stops the wall.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { CheckpointHealth } from '../../core/contract.js';
import { checkpointOf, restoreCheckpoint } from '../../core/situation/checkpoint.js';
import type { SituationService } from './situation-service.js';

export const CHECKPOINT_FILE = 'situation.json';
/**
 * What the wall writes holds where every unit is and what every alarm said: readable by the wall's
 * own user only. A folder the wall creates is 0700, a file 0600 (an existing folder is left as the
 * operator made it; docs/security.md).
 */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
export const LOCK_FILE = 'situation.lock';

/** data folders this process holds (two hosts in one process share a pid) */
const heldHere = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One wall per data folder: two (an Electron and a web shell, say) would overwrite each other's
 * checkpoint. The lock names its process; one left by a process that is gone is taken over.
 * Returns null when taken, else who holds it.
 */
function takeLock(dir: string): string | null {
  const path = join(dir, LOCK_FILE);
  const key = resolve(dir);
  if (heldHere.has(key)) return `another wall in this process (pid ${process.pid})`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  try {
    writeFileSync(path, mine, { flag: 'wx', mode: FILE_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let holder: { pid?: unknown; host?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      // unreadable lock: treated as left behind
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : null;
    const sameHost = holder.host === undefined || holder.host === hostname();
    if (pid !== null && pid !== process.pid && (!sameHost || alive(pid))) return `process ${pid}${sameHost ? '' : ` on ${String(holder.host)}`}`;
    writeFileSync(path, mine, { mode: FILE_MODE });
    chmodSync(path, FILE_MODE);
  }
  heldHere.add(key);
  return null;
}

function releaseLock(dir: string): void {
  heldHere.delete(resolve(dir));
  try {
    unlinkSync(join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}

export interface Checkpoints {
  health(): CheckpointHealth;
  /** saves now if anything changed since the last save */
  save(): Promise<void>;
  /** stops the timer and saves what is left (synchronously, so a shutdown cannot cut it short) */
  close(): Promise<void>;
}

export function startCheckpoints(situation: SituationService, dir: string, intervalMs: number, now: () => number = Date.now): Checkpoints {
  const path = join(dir, CHECKPOINT_FILE);
  const health: Omit<CheckpointHealth, 'error'> = { path, restored: null, lastSavedAt: null, saves: 0 };
  /** what went wrong at start (kept until a save fails), and with the last save */
  let startProblem: string | null = null;
  let saveProblem: string | null = null;
  /** the folder exists (whoever holds it) */
  let folderOpen = false;
  /** this wall holds the folder's lock */
  let locked = false;
  /** this wall may write its checkpoint */
  let usable = false;
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const holder = takeLock(dir);
    folderOpen = true;
    locked = usable = holder === null;
    // still load what is there (read-only), never save over the other wall's state
    if (holder !== null) startProblem = `the data folder ${dir} is in use by ${holder}: this wall does not save its state there`;
  } catch (e) {
    startProblem = `cannot use the data folder ${dir}: ${(e as Error).message}`;
  }

  // a wall that does not hold the folder still loads what is there, and never moves it
  if (folderOpen && existsSync(path)) {
    let problem: string | null = null;
    try {
      const restored = restoreCheckpoint(situation.state, JSON.parse(readFileSync(path, 'utf8')));
      if (restored.ok) {
        const r = restored.report;
        health.restored = { incidents: r.incidents, units: r.units, kiosks: r.kiosks, cameras: r.cameras, skipped: r.skippedCount, savedAt: r.savedAt, at: now() };
        if (r.skippedCount && locked) startProblem = `checkpoint: left out ${r.skippedCount} bad entries (first: ${r.skipped[0].list}[${r.skipped[0].index}] ${r.skipped[0].reason})`;
      } else problem = restored.error;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem !== null && locked) {
      const aside = `${path}.unreadable-${now()}`;
      try {
        renameSync(path, aside);
        startProblem = `checkpoint ${path} could not be loaded (${problem.slice(0, 200)}); moved to ${aside}, starting empty`;
      } catch (e) {
        usable = false;
        startProblem = `checkpoint ${path} could not be loaded (${problem.slice(0, 200)}) nor moved aside (${(e as Error).message}); not saving over it`;
      }
    }
  }

  let savedVersion = situation.inputsApplied;
  let inFlight: Promise<void> | null = null;
  const tmp = `${path}.tmp`;
  const text = () => JSON.stringify(checkpointOf(situation.state));
  const saved = (version: number) => {
    savedVersion = version;
    health.lastSavedAt = now();
    health.saves++;
    saveProblem = null;
  };
  const failed = (e: unknown) => {
    saveProblem = `saving ${path} failed: ${(e as Error).message}`;
    startProblem = null;
  };

  const save = async (): Promise<void> => {
    if (!usable || inFlight || situation.inputsApplied === savedVersion) return inFlight ?? undefined;
    const version = situation.inputsApplied;
    // write then rename: a crash mid-write leaves the previous checkpoint whole. The mode is set
    // again after writing: a temporary file left by a crash keeps the mode it was made with.
    inFlight = writeFile(tmp, text(), { mode: FILE_MODE })
      .then(() => chmod(tmp, FILE_MODE))
      .then(() => rename(tmp, path))
      .then(() => saved(version), failed)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const timer = usable && intervalMs > 0 ? setInterval(() => void save(), intervalMs) : null;

  return {
    health: () => ({ ...health, restored: health.restored && { ...health.restored }, error: saveProblem ?? startProblem }),
    save,
    async close() {
      if (timer) clearInterval(timer);
      await inFlight;
      try {
        if (usable && intervalMs > 0 && situation.inputsApplied !== savedVersion) {
          const version = situation.inputsApplied;
          writeFileSync(tmp, text(), { mode: FILE_MODE });
          chmodSync(tmp, FILE_MODE);
          renameSync(tmp, path);
          saved(version);
        }
      } catch (e) {
        failed(e);
      } finally {
        if (locked) releaseLock(dir);
        locked = false;
      }
    },
  };
}

// Keeps the situation's checkpoint in the data folder (--data DIR): loads it at start, saves it
// every `intervalMs` when something changed, and once more on a clean shutdown. A file that cannot
// be read is moved aside (never deleted: it may be evidence) and the wall starts empty; a failed
// save is reported in health and tried again next time. One wall per folder (situation.lock): a
// second one loads what is there but never saves over it. Nothing here stops the wall.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointHealth } from '../../core/contract.js';
import { checkpointOf, restoreCheckpoint } from '../../core/situation/checkpoint.js';
import type { SituationService } from './situation-service.js';
import { releaseFolderLock, takeFolderLock } from './folder-lock.js';

export const CHECKPOINT_FILE = 'situation.json';
/**
 * What the wall writes holds where every unit is and what every alarm said: readable by the wall's
 * own user only. A folder the wall creates is 0700, a file 0600 (an existing folder is left as the
 * operator made it; docs/security.md).
 */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
export const LOCK_FILE = 'situation.lock';

const takeLock = (dir: string): string | null => takeFolderLock(dir, LOCK_FILE, FILE_MODE);
const releaseLock = (dir: string): void => releaseFolderLock(dir, LOCK_FILE);

export interface Checkpoints {
  health(): CheckpointHealth;
  /** saves now if anything changed since the last save */
  save(): Promise<void>;
  /** stops the timer and saves what is left (synchronously, so a shutdown cannot cut it short) */
  close(): Promise<void>;
}

/** When the checkpoint file in `dir` was saved (read from its head), null when there is none or it does not say. */
export function checkpointSavedAt(dir: string): number | null {
  try {
    const fd = openSync(join(dir, CHECKPOINT_FILE), 'r');
    try {
      const head = Buffer.alloc(200);
      const n = readSync(fd, head, 0, 200, 0);
      const m = /"savedAt":(\d+)/.exec(head.subarray(0, n).toString('utf8'));
      return m ? Number(m[1]) : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** `restore: false` when the journal already brought the situation back (it reaches further than this file). */
export function startCheckpoints(situation: SituationService, dir: string, intervalMs: number, now: () => number = Date.now, o: { restore?: boolean } = {}): Checkpoints {
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
  if (folderOpen && o.restore !== false && existsSync(path)) {
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

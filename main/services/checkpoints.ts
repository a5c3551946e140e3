// Keeps the situation's checkpoint in the data folder (--data DIR): loads it at start, saves it
// every `intervalMs` when something changed, and once more on a clean shutdown. A file that cannot
// be read is moved aside (never deleted: it may be evidence) and the wall starts empty; a failed
// save is reported in health and tried again next time. Nothing here stops the wall.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointHealth } from '../../core/contract.js';
import { checkpointOf, restoreCheckpoint } from '../../core/situation/checkpoint.js';
import type { SituationService } from './situation-service.js';

export const CHECKPOINT_FILE = 'situation.json';

export interface Checkpoints {
  health(): CheckpointHealth;
  /** saves now if anything changed since the last save */
  save(): Promise<void>;
  /** stops the timer and saves what is left (synchronously, so a shutdown cannot cut it short) */
  close(): Promise<void>;
}

export function startCheckpoints(situation: SituationService, dir: string, intervalMs: number, now: () => number = Date.now): Checkpoints {
  const path = join(dir, CHECKPOINT_FILE);
  const health: CheckpointHealth = { path, restored: null, lastSavedAt: null, saves: 0, error: null };
  let usable = true;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    usable = false;
    health.error = `cannot use the data folder ${dir}: ${(e as Error).message}`;
  }

  if (usable && existsSync(path)) {
    let problem: string | null = null;
    try {
      const restored = restoreCheckpoint(situation.state, JSON.parse(readFileSync(path, 'utf8')));
      if (restored.ok) {
        const r = restored.report;
        health.restored = { incidents: r.incidents, units: r.units, kiosks: r.kiosks, cameras: r.cameras, skipped: r.skippedCount, savedAt: r.savedAt, at: now() };
        if (r.skippedCount) health.error = `checkpoint: left out ${r.skippedCount} bad entries (first: ${r.skipped[0].list}[${r.skipped[0].index}] ${r.skipped[0].reason})`;
      } else problem = restored.error;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem !== null) {
      const aside = `${path}.unreadable-${now()}`;
      try {
        renameSync(path, aside);
        health.error = `checkpoint ${path} could not be loaded (${problem.slice(0, 200)}); moved to ${aside}, starting empty`;
      } catch (e) {
        usable = false;
        health.error = `checkpoint ${path} could not be loaded (${problem.slice(0, 200)}) nor moved aside (${(e as Error).message}); not saving over it`;
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
    if (health.error?.startsWith('saving')) health.error = null;
  };
  const failed = (e: unknown) => {
    health.error = `saving ${path} failed: ${(e as Error).message}`;
  };

  const save = async (): Promise<void> => {
    if (!usable || inFlight || situation.inputsApplied === savedVersion) return inFlight ?? undefined;
    const version = situation.inputsApplied;
    // write then rename: a crash mid-write leaves the previous checkpoint whole
    inFlight = writeFile(tmp, text())
      .then(() => rename(tmp, path))
      .then(() => saved(version), failed)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const timer = usable && intervalMs > 0 ? setInterval(() => void save(), intervalMs) : null;

  return {
    health: () => ({ ...health, restored: health.restored && { ...health.restored } }),
    save,
    async close() {
      if (timer) clearInterval(timer);
      await inFlight;
      if (!usable || intervalMs <= 0 || situation.inputsApplied === savedVersion) return;
      try {
        const version = situation.inputsApplied;
        writeFileSync(tmp, text());
        renameSync(tmp, path);
        saved(version);
      } catch (e) {
        failed(e);
      }
    },
  };
}

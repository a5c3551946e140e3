// One writer per folder: two walls writing one checkpoint, or one audit chain, would overwrite or
// interleave each other. The lock file names its process and host; one left by a process that is
// gone (a crash) is taken over.
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** lock files this process holds (two hosts in one process share a pid) */
const heldHere = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes `dir/file`: null when taken, else who holds it. */
export function takeFolderLock(dir: string, file: string, mode = 0o600): string | null {
  const path = resolve(dir, file);
  if (heldHere.has(path)) return `another wall in this process (pid ${process.pid})`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  try {
    writeFileSync(path, mine, { flag: 'wx', mode });
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
    writeFileSync(path, mine, { mode });
    chmodSync(path, mode);
  }
  heldHere.add(path);
  return null;
}

export function releaseFolderLock(dir: string, file: string): void {
  const path = resolve(dir, file);
  heldHere.delete(path);
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

// Each wall page's renderer processes as Electron measures them (app.getAppMetrics), for the page's
// memory watchdog (renderer/src/model/memory-watchdog.ts): a page sees its JS heap only, and memory
// outside it — graphics, media, a leak in native code — would grow unseen until Chromium killed the
// page. The shell reads it every few seconds and tells each page its own figure; a web shell cannot
// see the browser's processes, and its pages go by their heap alone.
//
// A page's figure is more than its own process: its video frames play in processes of their own
// (one per generation of frames, renderer/src/video/frame-generations.ts), and Chromium compositing
// in software (a machine without a usable GPU) keeps those processes alive, growing, after the page
// removed their frames (docs/operations.md, "Displays without a GPU"). Reloading the page frees them, which is
// what the watchdog does; so a process that once held this page's frames counts for the page for as
// long as it lives.
import type { RendererMemory } from '../../core/contract.js';

/** how often each page is told (its watchdog looks every 10 s and ignores a reading a minute old) */
export const RENDERER_MEMORY_EVERY_MS = 10_000;

/** What this needs of Electron's ProcessMetric (memory figures are in kilobytes). */
export interface ProcessMetricLike {
  pid: number;
  /** when the process started: a pid the OS gave to a new process is not the old one */
  creationTime?: number;
  memory: { workingSetSize: number };
}

function workingSetBytes(m: ProcessMetricLike | undefined): number | null {
  const kb = m?.memory?.workingSetSize;
  return typeof kb === 'number' && Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
}

function validPid(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0;
}

/**
 * Which renderer processes belong to which page: the page's own, its frames' now, and those that
 * held its frames before and still live. A process seen in two pages' frames counts for both (a
 * site's process may be shared); one that ended, or whose pid now names a newer process, is forgotten.
 */
export class PageProcesses {
  /** pid → the pages it has held frames of, and the process's start time when first seen */
  private readonly owners = new Map<number, { pages: Set<number>; createdAt: number | undefined }>();

  /** What the page holds now: its own process and every frame's (WebFrameMain.osProcessId). */
  observe(page: number, pids: readonly number[], metrics: readonly ProcessMetricLike[]): void {
    for (const pid of new Set(pids)) {
      if (!validPid(pid)) continue;
      const createdAt = metrics.find((m) => m.pid === pid)?.creationTime;
      const known = this.owners.get(pid);
      if (known && known.createdAt === createdAt) known.pages.add(page);
      else this.owners.set(pid, { pages: new Set([page]), createdAt });
    }
  }

  /** The page's processes summed, or null when none of them is among the metrics. */
  memory(page: number, metrics: readonly ProcessMetricLike[], at: number): (RendererMemory & { processes: number }) | null {
    let bytes = 0;
    let processes = 0;
    for (const [pid, o] of this.owners) {
      if (!o.pages.has(page)) continue;
      const m = metrics.find((x) => x.pid === pid);
      const b = workingSetBytes(m);
      if (b === null) continue;
      bytes += b;
      processes++;
    }
    return processes === 0 ? null : { processBytes: bytes, at, processes };
  }

  /** Drops what the metrics no longer list, or list as a process started since (a reused pid). */
  prune(metrics: readonly ProcessMetricLike[]): void {
    for (const [pid, o] of this.owners) {
      const m = metrics.find((x) => x.pid === pid);
      if (!m || m.creationTime !== o.createdAt) this.owners.delete(pid);
    }
  }

  /**
   * A page that went away (its window closed): its processes are no longer its. A reload is not
   * this: Chromium ends the kept processes on a reload, and one that outlived it would still be
   * this page's cost.
   */
  forget(page: number): void {
    for (const [pid, o] of this.owners) {
      o.pages.delete(page);
      if (o.pages.size === 0) this.owners.delete(pid);
    }
  }

  /** pids known, for tests and diagnostics */
  known(): number[] {
    return [...this.owners.keys()].sort((a, b) => a - b);
  }
}

// Chromium's memory as the benchmarks and the soak see it: the PSS of its whole process tree read
// from /proc (what the machine actually gives it, shared pages split fairly), and one page's JS heap
// and DOM counters through CDP after forced garbage collection.
import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';

export interface ChromiumPss {
  totalKb: number;
  processes: number;
  /**
   * kB by Chromium's --type= (browser, renderer, gpu-process, utility, zygote) and utility:<service>;
   * `renderer:media` is the part of `renderer` in processes that play video (a thread named Media):
   * with players in frames of their own, the frames' process, apart from the wall page's
   */
  byType: Record<string, number>;
  /** each video-playing renderer (pid, kB): a generation of frames is a process that should end */
  mediaRenderers: { pid: number; kb: number }[];
}

/**
 * PSS (kB) of Chromium's whole process tree. The browser process is found by `tag`, a unique switch
 * on its command line: several Chromiums may run on the machine (tests, another benchmark).
 */
export function chromiumPssKb(tag: string): ChromiumPss | null {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map<string, string>();
  const cmd = new Map<string, string>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      cmd.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      /* gone */
    }
  }
  const root = [...cmd].find(([, c]) => c.includes(tag) && !c.includes('--type='))?.[0];
  if (!root) return null;
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, pp] of parent) {
      if (!tree.has(pid) && tree.has(pp)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let totalKb = 0;
  const byType: Record<string, number> = {};
  const mediaRenderers: { pid: number; kb: number }[] = [];
  for (const pid of tree) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      const kb = m ? Number(m[1]) : 0;
      totalKb += kb;
      const type = /--type=([a-z-]+)/.exec(cmd.get(pid) ?? '')?.[1] ?? 'browser';
      byType[type] = (byType[type] ?? 0) + kb;
      // utilities by service: network.mojom.NetworkService, storage.mojom.StorageService, …
      const sub = /--utility-sub-type=([A-Za-z_.]+)/.exec(cmd.get(pid) ?? '')?.[1];
      if (type === 'utility' && sub) byType[`utility:${sub.split('.')[0]}`] = (byType[`utility:${sub.split('.')[0]}`] ?? 0) + kb;
      if (type === 'renderer' && playsMedia(pid)) {
        byType['renderer:media'] = (byType['renderer:media'] ?? 0) + kb;
        mediaRenderers.push({ pid: Number(pid), kb });
      }
    } catch {
      /* gone */
    }
  }
  return { totalKb, processes: tree.size, byType, mediaRenderers };
}

/** Whether a process has a media pipeline thread (Linux names them `Media`). */
function playsMedia(pid: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('Media');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

export interface PageHeap {
  jsHeapUsedBytes: number;
  nodes: number;
  jsEventListeners: number;
  documents: number;
}

/**
 * The page's JS heap after three forced collections (one leaves garbage that finalizers and weak
 * references free only on the next), and its DOM counters. `cdp` must have Performance enabled.
 */
export async function pageHeapAfterGc(page: Page, cdp: CDPSession): Promise<PageHeap> {
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(300);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  const dom = await cdp.send('Memory.getDOMCounters');
  return {
    jsHeapUsedBytes: metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? Number.NaN,
    nodes: dom.nodes,
    jsEventListeners: dom.jsEventListeners,
    documents: dom.documents,
  };
}

// One Node process's figures for the soak (scripts/soak.ts): memory after a full collection where
// node has --expose-gc (garbage not yet collected is not a leak, and in a run of minutes it looked
// like one), open descriptors, active handles by type, and the event loop's p99 delay since the last
// reading. Both the services' process and the soak's own read themselves with it.
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProcessFigures {
  rssMB: number;
  heapUsedMB: number;
  fds: number;
  handles: number;
  handlesByType: Record<string, number>;
  loopDelayP99Ms: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const mb = (bytes: number) => r1(bytes / 2 ** 20);

/** Starts watching this process's event loop; each call of the result reads the figures. */
export function processFigures(): () => ProcessFigures {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  return () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const resources = process.getActiveResourcesInfo();
    const handlesByType: Record<string, number> = {};
    for (const r of resources) handlesByType[r] = (handlesByType[r] ?? 0) + 1;
    const p99 = loopDelay.percentile(99) / 1e6;
    loopDelay.reset();
    return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), fds: readdirSync('/proc/self/fd').length, handles: resources.length, handlesByType, loopDelayP99Ms: r1(p99) };
  };
}

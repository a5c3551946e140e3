// Each wall page's renderer process as Electron measures it (app.getAppMetrics), for the page's
// memory watchdog (renderer/src/model/memory-watchdog.ts): a page sees its JS heap only, and memory
// outside it — graphics, media, a leak in native code — would grow unseen until Chromium killed the
// page. The shell reads it every few seconds and tells each page its own figure; a web shell cannot
// see the browser's processes, and its pages go by their heap alone.
import type { RendererMemory } from '../../core/contract.js';

/** how often each page is told (its watchdog looks every 10 s and ignores a reading a minute old) */
export const RENDERER_MEMORY_EVERY_MS = 10_000;

/** What this needs of Electron's ProcessMetric (memory figures are in kilobytes). */
export interface ProcessMetricLike {
  pid: number;
  memory: { workingSetSize: number };
}

/** The process `pid`'s memory from the app's metrics, or null when it is not among them (gone, or not yet started). */
export function rendererMemory(metrics: readonly ProcessMetricLike[], pid: number, at: number): RendererMemory | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const kb = metrics.find((m) => m.pid === pid)?.memory?.workingSetSize;
  return typeof kb === 'number' && Number.isFinite(kb) && kb > 0 ? { processBytes: kb * 1024, at } : null;
}

// What the Electron shell tells a page of its own renderer process (app.getAppMetrics, in kB): the
// page's figure and no other, and nothing where the process is not among the metrics.
import { describe, expect, it } from 'vitest';
import { rendererMemory } from '../../../main/electron/process-memory';

const metrics = [
  { pid: 100, memory: { workingSetSize: 250_000 } },
  { pid: 200, memory: { workingSetSize: 1_500_000 } },
  { pid: 300, memory: { workingSetSize: Number.NaN } },
];

describe('rendererMemory', () => {
  it('finds the page’s process and gives its working set in bytes', () => {
    expect(rendererMemory(metrics, 200, 42)).toEqual({ processBytes: 1_500_000 * 1024, at: 42 });
    expect(rendererMemory(metrics, 100, 43)).toEqual({ processBytes: 250_000 * 1024, at: 43 });
  });
  it('says nothing for a process it does not know, a bad pid or a bad figure', () => {
    for (const pid of [0, -1, 1.5, 999, 300]) expect(rendererMemory(metrics, pid, 1), String(pid)).toBeNull();
    expect(rendererMemory([{ pid: 5, memory: { workingSetSize: 0 } }], 5, 1)).toBeNull();
  });
});

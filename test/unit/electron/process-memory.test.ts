// What the Electron shell tells a page of its renderer processes (app.getAppMetrics, in kB): its own
// and its frames', and the processes that held its frames and still live (Chromium compositing in
// software keeps them after the frames are gone), never another page's, never a pid's new owner.
import { describe, expect, it } from 'vitest';
import { PageProcesses, type ProcessMetricLike } from '../../../main/electron/process-memory';

const metric = (pid: number, kb: number, creationTime = 1): ProcessMetricLike => ({ pid, creationTime, memory: { workingSetSize: kb } });

describe('PageProcesses', () => {
  it('sums the page’s own process and its frames’ processes, in bytes', () => {
    const metrics = [metric(100, 250_000), metric(200, 1_500_000), metric(300, 40_000)];
    const p = new PageProcesses();
    p.observe(1, [100, 200, 200], metrics);
    expect(p.memory(1, metrics, 42)).toEqual({ processBytes: 1_750_000 * 1024, at: 42, processes: 2 });
    // another page's process is not this page's
    p.observe(2, [300], metrics);
    expect(p.memory(2, metrics, 43)).toEqual({ processBytes: 40_000 * 1024, at: 43, processes: 1 });
    expect(p.memory(1, metrics, 43)?.processBytes).toBe(1_750_000 * 1024);
  });

  it('keeps counting a frames’ process the page no longer holds, for as long as it lives', () => {
    const metrics = [metric(100, 200_000), metric(200, 900_000), metric(201, 100_000)];
    const p = new PageProcesses();
    p.observe(1, [100, 200], metrics);
    // the frames moved to a new generation's process; the old one lives on, growing
    metrics[1] = metric(200, 1_200_000);
    p.prune(metrics);
    p.observe(1, [100, 201], metrics);
    expect(p.memory(1, metrics, 5)).toEqual({ processBytes: 1_500_000 * 1024, at: 5, processes: 3 });
    // it ended: forgotten
    const after = [metric(100, 200_000), metric(201, 100_000)];
    p.prune(after);
    p.observe(1, [100, 201], after);
    expect(p.memory(1, after, 6)).toEqual({ processBytes: 300_000 * 1024, at: 6, processes: 2 });
    expect(p.known()).toEqual([100, 201]);
  });

  it('does not give a page a process that merely got a pid it once knew', () => {
    const p = new PageProcesses();
    p.observe(1, [100, 200], [metric(100, 1000), metric(200, 5000, 7)]);
    const reused = [metric(100, 1000), metric(200, 8000, 99)];
    p.prune(reused);
    expect(p.memory(1, reused, 1)).toEqual({ processBytes: 1000 * 1024, at: 1, processes: 1 });
  });

  it('counts a shared process for each page that held frames in it, and forgets a page that went away', () => {
    const metrics = [metric(100, 1000), metric(101, 2000), metric(500, 4000)];
    const p = new PageProcesses();
    p.observe(1, [100, 500], metrics);
    p.observe(2, [101, 500], metrics);
    expect(p.memory(1, metrics, 1)?.processBytes).toBe(5000 * 1024);
    expect(p.memory(2, metrics, 1)?.processBytes).toBe(6000 * 1024);
    p.forget(1);
    expect(p.memory(1, metrics, 1)).toBeNull();
    expect(p.known()).toEqual([101, 500]);
  });

  it('says nothing for a page it has not seen, bad pids, or processes without a usable figure', () => {
    const metrics = [metric(5, 0), metric(6, Number.NaN), metric(7, 10)];
    const p = new PageProcesses();
    expect(p.memory(9, metrics, 1)).toBeNull();
    p.observe(1, [0, -1, 1.5, 5, 6, 999], metrics);
    expect(p.memory(1, metrics, 1)).toBeNull();
    p.observe(1, [7], metrics);
    expect(p.memory(1, metrics, 1)).toEqual({ processBytes: 10 * 1024, at: 1, processes: 1 });
  });
});

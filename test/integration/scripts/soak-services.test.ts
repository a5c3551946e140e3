// The soak's services process (scripts/soak-services.ts), forked as `npm run soak` forks it: it
// says where it listens, serves the wall's API there, answers its own figures and the situation's
// counters over IPC, and goes away on `close` — or by itself when the soak that forked it is gone,
// so a killed soak never leaves a wall running behind it.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FromServices } from '../../../scripts/soak-services.js';
import { APP_ROOT, waitFor } from '../../helpers/host.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(): { child: ChildProcess; messages: FromServices[] } {
  const child = fork(join(APP_ROOT, 'scripts/soak-services.ts'), [''], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: APP_ROOT });
  started.push(child);
  const messages: FromServices[] = [];
  child.on('message', (m: FromServices) => messages.push(m));
  return { child, messages };
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

describe("the soak's services process", () => {
  it('listens, answers its figures over IPC, and closes when asked', { timeout: 60_000 }, async () => {
    const { child, messages } = start();
    await waitFor(() => messages.some((m) => m.type === 'ready' || m.type === 'failed'), 45_000, 'the services to start');
    const ready = messages.find((m) => m.type === 'ready');
    expect(ready, JSON.stringify(messages)).toBeDefined();
    if (ready?.type !== 'ready') return;
    expect(ready.pid).toBe(child.pid);
    expect(ready.brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${ready.url}/api/health`);
    expect(health.status).toBe(200);

    child.send({ type: 'figures', id: 7 });
    await waitFor(() => messages.some((m) => m.type === 'figures'), 10_000, 'the figures');
    const f = messages.find((m) => m.type === 'figures');
    if (f?.type !== 'figures') throw new Error('no figures');
    expect(f.id).toBe(7);
    // its own process, not the test's: heap read after a collection (it has --expose-gc)
    expect(f.services.rssMB).toBeGreaterThan(20);
    expect(f.services.heapUsedMB).toBeGreaterThan(1);
    expect(f.services.fds).toBeGreaterThan(3);
    expect(f.ingest).toMatchObject({ accepted: expect.any(Number), rejected: 0, inputsApplied: expect.any(Number) });

    child.send({ type: 'close' });
    await waitFor(() => exited(child), 15_000, 'the services to close');
    expect(child.exitCode).toBe(0);
  });

  it('goes away by itself when the soak that forked it is gone', { timeout: 60_000 }, async () => {
    const { child, messages } = start();
    await waitFor(() => messages.some((m) => m.type === 'ready'), 45_000, 'the services to start');
    // what a killed parent looks like from the child: the IPC channel closes
    child.disconnect();
    await waitFor(() => exited(child), 15_000, 'the services to notice the soak is gone');
    expect(child.exitCode).toBe(0);
  });
});

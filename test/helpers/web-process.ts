// The web shell as its own process (`tsx main/web/cli.ts`), as an operator starts it: what it
// prints, and whether it is still alive after a test has been hostile to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ROOT } from './host.js';

export interface WebProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** everything it printed so far, stdout and stderr */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `tsx main/web/cli.ts --config … --data …` and collects what it prints (stdout and stderr). */
export function spawnWebShell(configPath: string, dataDir: string, extraArgs: string[] = []): { proc: ChildProcess; output(): string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'main/web/cli.ts', '--config', configPath, '--data', dataDir, ...extraArgs], {
    cwd: APP_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, output: () => out };
}

/** Starts the web shell with `config` (written to a temporary file) and waits for its URL. */
export async function startWebProcess(config: Record<string, unknown>, extraArgs: string[] = [], timeoutMs = 30_000): Promise<WebProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-webproc-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ demo: false, embeddedBroker: { port: 0 }, web: { port: 0 }, ...config }));
  const { proc, output } = spawnWebShell(configPath, join(dir, 'data'), extraArgs);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web shell did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      const m = /Watchfloor web shell: (http:\/\/[^\s]+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web shell exited (${code}) before it listened:\n${output()}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

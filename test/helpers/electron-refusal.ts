// A shell that must refuse to start: loads it with console.error captured, waits for its exit, and
// gives back what it said (tests of the Electron shell's secrets against the API double).
import { vi } from 'vitest';
import type { ElectronDouble } from './electron-double.js';
import { waitFor } from './host.js';

export async function refusalOf(e: ElectronDouble, load: () => Promise<void>): Promise<string> {
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  try {
    await load();
    await waitFor(() => e.callsTo('exit', 'app').length > 0, 10_000, 'the shell to refuse');
  } finally {
    spy.mockRestore();
  }
  return errors.join('\n');
}

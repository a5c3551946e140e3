// The Electron shell's broker password comes from the keyring-encrypted secrets file, never from
// the configuration file: the real main.ts against the Electron API double (as main-wiring.test.ts),
// started twice, once with a password in its config (refused) and once with a stored one, which
// the services then use: their embedded broker asks for exactly that pair.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC, type ServerMessage } from '../../../core/contract.js';
import { storeBrokerPassword } from '../../../main/electron/secrets.js';
import { ElectronDouble } from '../../helpers/electron-double.js';
import { refusalOf } from '../../helpers/electron-refusal.js';
import { connectClient, waitFor } from '../../helpers/host.js';

const double = vi.hoisted(() => ({ current: null as ElectronDouble | null }));
vi.mock('electron', async () => (await import('../../helpers/electron-double.js')).electronModuleOf(() => double.current!));

const root = mkdtempSync(join(tmpdir(), 'wf-electron-secret-'));
const argvBefore = process.argv;

/** Loads a fresh copy of the real shell against a fresh double, with this config. */
async function startShell(name: string, config: object): Promise<ElectronDouble> {
  const e = new ElectronDouble();
  double.current = e;
  const dir = join(root, name);
  mkdirSync(join(dir, 'app/dist/renderer'), { recursive: true });
  writeFileSync(join(dir, 'app/dist/renderer/index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ demo: false, embeddedBroker: { port: 0 }, ...config }));
  e.app.appPath = join(dir, 'app');
  e.app.paths.userData = join(dir, 'user');
  process.argv = [process.execPath, e.app.appPath, '--config', join(dir, 'config.json'), '--data', join(dir, 'data'), '--no-demo'];
  return e;
}

async function load(e: ElectronDouble): Promise<void> {
  vi.resetModules();
  await import('../../../main/electron/main.js');
  e.app.becomeReady();
}

const shells: ElectronDouble[] = [];
afterAll(async () => {
  process.argv = argvBefore;
  for (const e of shells) {
    if (e.liveWindows().length === 0) continue;
    for (const w of e.liveWindows()) w.destroy();
    await waitFor(() => e.callsTo('quit', 'app').length > 0, 20_000, 'the shell to quit');
  }
  rmSync(root, { recursive: true, force: true });
});

describe('the Electron shell\'s broker password', () => {
  it('is refused in the configuration file, with what to do instead', async () => {
    const e = await startShell('plain', { username: 'wall', password: 'in-the-file' });
    shells.push(e);
    const said = await refusalOf(e, () => load(e));
    expect(e.callsTo('exit', 'app')[0].args).toEqual([2]);
    expect(said).toContain('--store-broker-password');
    expect(e.liveWindows()).toEqual([]);
  });

  it('comes from the encrypted secrets file, and the services log in with it', async () => {
    const e = await startShell('stored', { username: 'wall' });
    shells.push(e);
    expect(storeBrokerPassword(join(e.app.paths.userData, 'secrets.bin'), 'from-the-keyring', e.safeStorage)).toEqual({ ok: true, value: undefined });
    await load(e);
    await waitFor(() => e.liveWindows().length === 1, 20_000, 'the wall window');
    const w = e.liveWindows()[0];
    w.webContents.ipc(IPC.hello);
    const health = () => (w.webContents.messages(IPC.toRenderer) as ServerMessage[]).flatMap((m) => (m.type === 'snapshot' || m.type === 'health' ? [m.health] : []));
    await waitFor(() => health().some((h) => h.broker.connected), 10_000, 'the services logged in to their broker');
    const url = health()[0].broker.url;
    // the embedded broker asks for the configured pair: the stored password is it
    const ok = await connectClient(url, { username: 'wall', password: 'from-the-keyring', reconnectPeriod: 0 });
    await ok.endAsync();
    await expect(connectClient(url, { username: 'wall', password: 'guess', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });
});

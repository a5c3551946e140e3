// The Electron shell's broker client key (mutual TLS) comes from the keyring-encrypted secrets
// file, never from a key file the configuration names: the real main.ts against the Electron API
// double (as stored-password.test.ts), against a Mosquitto that accepts only clients with a
// certificate from its CA. Refused with a key file in the config; without the stored key the
// broker turns the services away; with it they connect and an alarm arrives.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, type ServerMessage } from '../../../core/contract.js';
import { storeBrokerPassword, storeClientKey } from '../../../main/electron/secrets.js';
import { type Certs, makeCerts } from '../../helpers/certs.js';
import { ElectronDouble } from '../../helpers/electron-double.js';
import { refusalOf } from '../../helpers/electron-refusal.js';
import { connectClient, publish, waitFor } from '../../helpers/host.js';
import { type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';

const double = vi.hoisted(() => ({ current: null as ElectronDouble | null }));
vi.mock('electron', async () => (await import('../../helpers/electron-double.js')).electronModuleOf(() => double.current!));

const root = mkdtempSync(join(tmpdir(), 'wf-electron-key-'));
const argvBefore = process.argv;
let certs: Certs;
let mosquitto: Mosquitto;

beforeAll(async () => {
  certs = makeCerts({ client: true });
  mosquitto = await startMosquitto({ tls: certs, requireClientCert: true });
});

function startShell(name: string, config: object): ElectronDouble {
  const e = new ElectronDouble();
  double.current = e;
  const dir = join(root, name);
  mkdirSync(join(dir, 'app/dist/renderer'), { recursive: true });
  writeFileSync(join(dir, 'app/dist/renderer/index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ demo: false, brokers: [mosquitto.url], clientId: `wf-key-${name}-${process.pid}`, ...config }));
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

const health = (e: ElectronDouble) => {
  const w = e.liveWindows()[0];
  return (w.webContents.messages(IPC.toRenderer) as ServerMessage[]).flatMap((m) => (m.type === 'snapshot' || m.type === 'health' ? [m.health] : []));
};

/** Closes a shell's windows and waits for it to quit (before the next is loaded: the mock follows the current double). */
async function closeShell(e: ElectronDouble): Promise<void> {
  if (e.liveWindows().length === 0) return;
  for (const w of e.liveWindows()) w.destroy();
  await waitFor(() => e.callsTo('quit', 'app').length > 0, 20_000, 'the shell to quit');
}

const shells: ElectronDouble[] = [];
afterAll(async () => {
  process.argv = argvBefore;
  for (const e of shells) await closeShell(e);
  await mosquitto?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("the Electron shell's broker client key", () => {
  it('is refused as a file named in the configuration, with what to do instead', async () => {
    const e = startShell('file', { tls: { ca: certs.ca, cert: certs.client!.cert, key: certs.client!.key } });
    shells.push(e);
    const said = await refusalOf(e, () => load(e));
    expect(e.callsTo('exit', 'app')[0].args).toEqual([2]);
    expect(said).toContain('--store-client-key');
    expect(e.liveWindows()).toEqual([]);
  });

  it('without it stored, the broker turns the services away (it asks for a client certificate)', async () => {
    const e = startShell('none', { tls: { ca: certs.ca, cert: certs.client!.cert } });
    shells.push(e);
    await load(e);
    await waitFor(() => e.liveWindows().length === 1, 20_000, 'the wall window');
    e.liveWindows()[0].webContents.ipc(IPC.hello);
    await waitFor(() => health(e).some((h) => h.broker.error !== null), 15_000, 'the broker to refuse the services');
    expect(health(e).some((h) => h.broker.connected)).toBe(false);
    await closeShell(e);
  });

  it('comes from the encrypted secrets file beside a stored password, and the services connect with it', async () => {
    const e = startShell('stored', { username: 'wall', tls: { ca: certs.ca, cert: certs.client!.cert } });
    shells.push(e);
    const secrets = join(e.app.paths.userData, 'secrets.bin');
    expect(storeBrokerPassword(secrets, 'kept', e.safeStorage).ok).toBe(true);
    expect(storeClientKey(secrets, readFileSync(certs.client!.key, 'utf8'), e.safeStorage)).toEqual({ ok: true, value: undefined });
    expect(readFileSync(secrets).includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    await load(e);
    await waitFor(() => e.liveWindows().length === 1, 20_000, 'the wall window');
    e.liveWindows()[0].webContents.ipc(IPC.hello);
    await waitFor(() => health(e).some((h) => h.broker.connected), 15_000, 'the services connected with the stored key');
    // the window's renderer acknowledges what it takes in, as the wall's does (flow control holds an Electron window's updates until it has)
    const window = e.liveWindows()[0].webContents;
    await waitFor(() => (window.messages(IPC.toRenderer) as ServerMessage[]).some((m) => m.type === 'snapshot'), 10_000, 'the snapshot');
    const last = (window.messages(IPC.toRenderer) as ServerMessage[]).filter((m) => (m.type === 'snapshot' || m.type === 'delta') && m.seq !== undefined).at(-1) as { seq: number };
    window.ipc(IPC.fromRenderer, [{ type: 'request', id: 9001, method: 'updates.ack', params: { seq: last.seq } }]);
    // an alarm through the mutual-TLS broker reaches the wall
    const pub = await connectClient(mosquitto.url, { ca: [readFileSync(certs.ca)], cert: readFileSync(certs.client!.cert), key: readFileSync(certs.client!.key), reconnectPeriod: 0 });
    await publish(pub, 'watchfloor/v1/alarms/110', { id: 'MTLS-1', ts: Date.now(), kind: 'other', lat: 26.08, lon: 119.3, title: 'mtls' });
    await pub.endAsync();
    const incidents = () => (e.liveWindows()[0].webContents.messages(IPC.toRenderer) as ServerMessage[]).flatMap((m) => (m.type === 'snapshot' ? m.situation.incidents : m.type === 'delta' ? m.delta.incidents : []));
    await waitFor(() => incidents().some((i) => i.id === 'MTLS-1'), 10_000, 'the alarm on the wall');
  });
});

// A wall that restarts comes back with its board: the situation checkpoint in --data DIR, through
// the real host, a real broker, the real HTTP API and the operator's acknowledgement over the bridge.
// The journal is off here: this is the fallback the wall uses when it records nothing (the journal's own
// recovery: test/integration/journal/crash.test.ts, test/unit/journal).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../../../core/config.js';
import type { Health } from '../../../core/contract.js';
import { type Host, startHost } from '../../../main/services/host.js';
import { startWebShell, type WebShell } from '../../../main/web/server.js';
import { APP_ROOT, connectClient, publish, waitFor } from '../../helpers/host.js';
import { demoWebRoutes } from '../../../main/demo/routes.js';

const P = 'watchfloor/v1';
const dirs: string[] = [];
const open: { host: Host; web: WebShell }[] = [];

async function startWall(dataDir: string, checkpointIntervalMs = 200) {
  const parsed = parseConfig({ demo: false, embeddedBroker: { port: 0 }, reconnect: { minMs: 100, maxMs: 1000 }, situation: { checkpointIntervalMs }, journal: { enabled: false } });
  if (!parsed.ok) throw new Error(parsed.error);
  const host = await startHost({ config: parsed.value, shell: 'web', appRoot: APP_ROOT, dataDir, clientIdOverride: `wf-cp-${process.pid}-${open.length}` });
  await host.ingest.ready();
  const web = await startWebShell({ host, staticDir: resolve(APP_ROOT, 'dist/renderer'), ...demoWebRoutes(resolve(APP_ROOT, 'assets/generated')), listenHost: '127.0.0.1', port: 0 });
  const wall = { host, web };
  open.push(wall);
  return wall;
}
async function stopWall(w: { host: Host; web: WebShell }) {
  await w.web.close();
  await w.host.close();
  open.splice(open.indexOf(w), 1);
}
const health = async (w: { web: WebShell }) => (await (await fetch(`${w.web.url}/api/health`)).json()) as Health;
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wf-data-'));
  dirs.push(d);
  return d;
};

afterAll(async () => {
  for (const w of [...open]) await stopWall(w);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('situation checkpoint in the data folder', () => {
  it('keeps incidents, acknowledgements and units across a restart', async () => {
    const dir = tempDir();
    const first = await startWall(dir);
    const client = await connectClient(first.host.brokerUrl);
    const ts = Date.now();
    await publish(client, `${P}/alarms/110`, { id: 'CP-1', ts, kind: 'fight', priority: 1, lat: 26.08, lon: 119.3, title: '五一广场打架斗殴' });
    await publish(client, `${P}/alarms/clue`, { id: 'CP-2', ts, kind: 'drugs', priority: 3, lat: 26.05, lon: 119.28, title: '线索' });
    await publish(client, `${P}/units/V-CP/location`, { id: 'V-CP', ts, lat: 26.06, lon: 119.29, kind: 'volunteer', name: '志愿者甲' });
    await waitFor(() => first.host.situation.state.incidents.size === 2 && first.host.situation.state.units.size === 1, 5000, 'messages in');
    await client.endAsync();
    // the operator acknowledges CP-1 over the bridge, as the wall's button does
    const ws = new WebSocket(`${first.web.url.replace('http', 'ws')}/bridge`);
    await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'incident.ack', params: { id: 'CP-1' } }));
    await waitFor(() => first.host.situation.state.incidents.get('CP-1')!.acknowledged, 3000, 'ack');
    ws.close();
    // saved on its interval…
    await waitFor(() => (first.host.health().checkpoint?.saves ?? 0) > 0 && first.host.situation.inputsApplied > 0, 3000, 'a periodic save');
    // the page sees where the file is relative to the data folder, never the machine's layout
    const shown = await health(first);
    expect(shown.checkpoint).toMatchObject({ path: '<data>/situation.json', error: null });
    expect(JSON.stringify(shown)).not.toContain(dir);
    await stopWall(first);
    expect(existsSync(join(dir, 'situation.json'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await startWall(dir);
    const s = second.host.situation.state;
    expect([...s.incidents.keys()].sort()).toEqual(['CP-1', 'CP-2']);
    expect(s.incidents.get('CP-1')).toMatchObject({ acknowledged: true, priority: 1, title: '五一广场打架斗殴' });
    expect(s.incidents.get('CP-2')).toMatchObject({ acknowledged: false });
    expect(s.units.get('V-CP')).toMatchObject({ name: '志愿者甲', lat: 26.06 });
    const h = await health(second);
    expect(h.checkpoint?.restored).toMatchObject({ incidents: 2, units: 1, skipped: 0 });
    // and the page gets it in its first snapshot
    const situation = (await (await fetch(`${second.web.url}/api/situation`)).json()) as { incidents: { id: string; acknowledged: boolean }[] };
    expect(situation.incidents.find((i) => i.id === 'CP-1')?.acknowledged).toBe(true);
    await stopWall(second);
  });

  it('keeps what it writes to its own user: a new data folder 0700, its files 0600', async () => {
    const dir = join(tempDir(), 'new', 'data');
    const wall = await startWall(dir);
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'situation.lock'))).toBe(0o600);
    wall.host.situation.apply({ t: 'ack', at: Date.now(), incidentId: 'none' });
    // a temporary file a crash left behind, world-readable, is not what the next save leaves
    writeFileSync(join(dir, 'situation.json.tmp'), '{}', { mode: 0o644 });
    wall.host.situation.apply({ t: 'tick', at: Date.now() });
    await waitFor(() => (wall.host.health().checkpoint?.saves ?? 0) > 0, 3000, 'a save');
    expect(mode(join(dir, 'situation.json'))).toBe(0o600);
    await stopWall(wall);
    expect(mode(join(dir, 'situation.json'))).toBe(0o600);
  });

  it('saves on a clean shutdown even between intervals', async () => {
    const dir = tempDir();
    const wall = await startWall(dir, 3_600_000);
    const client = await connectClient(wall.host.brokerUrl);
    await publish(client, `${P}/alarms/110`, { id: 'CP-3', ts: Date.now(), kind: 'theft', lat: 26.04, lon: 119.28, title: '手机被盗' });
    await waitFor(() => wall.host.situation.state.incidents.has('CP-3'), 5000, 'alarm in');
    await client.endAsync();
    expect(wall.host.health().checkpoint?.saves).toBe(0);
    await stopWall(wall);
    const saved = JSON.parse(readFileSync(join(dir, 'situation.json'), 'utf8'));
    expect(saved.incidents.map((i: { id: string }) => i.id)).toEqual(['CP-3']);
  });

  it('moves an unreadable checkpoint aside, says so, and starts empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'situation.json'), '{"format":"watchfloor-situation","version":1,"incid');
    const wall = await startWall(dir);
    const h = await health(wall);
    expect(h.ok).toBe(true);
    expect(h.checkpoint?.error).toMatch(/could not be loaded .*moved to .*situation\.json\.unreadable-\d+/);
    expect(h.checkpoint?.restored).toBeNull();
    expect(wall.host.situation.state.incidents.size).toBe(0);
    expect(readdirSync(dir).some((f) => /^situation\.json\.unreadable-\d+$/.test(f))).toBe(true);
    await stopWall(wall);
  });

  it('lets one wall at a time keep a data folder; a second one reads it but never saves over it', async () => {
    const dir = tempDir();
    const first = await startWall(dir);
    const client = await connectClient(first.host.brokerUrl);
    await publish(client, `${P}/alarms/110`, { id: 'LK-1', ts: Date.now(), kind: 'fight', lat: 26.08, lon: 119.3, title: '打架' });
    await waitFor(() => (first.host.health().checkpoint?.saves ?? 0) > 0, 5000, 'first save');
    const second = await startWall(dir);
    expect(second.host.health().checkpoint?.error).toMatch(/in use by another wall in this process/);
    expect(second.host.situation.state.incidents.has('LK-1')).toBe(true); // read, not taken
    const secondClient = await connectClient(second.host.brokerUrl);
    await publish(secondClient, `${P}/alarms/110`, { id: 'LK-2', ts: Date.now(), kind: 'theft', lat: 26.04, lon: 119.28, title: '盗窃' });
    await waitFor(() => second.host.situation.state.incidents.has('LK-2'), 5000, 'second wall got its alarm');
    await secondClient.endAsync();
    await stopWall(second);
    expect(second.host.health().checkpoint?.saves).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'situation.json'), 'utf8')).incidents.map((i: { id: string }) => i.id)).toEqual(['LK-1']);
    await client.endAsync();
    await stopWall(first);
    expect(existsSync(join(dir, 'situation.lock'))).toBe(false);
    // the folder is free again
    const third = await startWall(dir);
    expect(third.host.health().checkpoint).toMatchObject({ error: null, restored: { incidents: 1 } });
    await stopWall(third);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = tempDir();
    // a pid far above any Linux pid_max: no such process
    writeFileSync(join(dir, 'situation.lock'), JSON.stringify({ pid: 2 ** 30, host: hostname(), since: '2026-11-26T00:00:00Z' }));
    const wall = await startWall(dir);
    expect(wall.host.health().checkpoint?.error).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'situation.lock'), 'utf8')).pid).toBe(process.pid);
    await stopWall(wall);
  });

  it('reports a data folder it cannot use and runs anyway', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const wall = await startWall(join(blocker, 'data'));
    const h = await health(wall);
    expect(h.ok).toBe(true);
    expect(h.checkpoint?.error).toMatch(/cannot use the data folder/);
    await stopWall(wall);
  });
});

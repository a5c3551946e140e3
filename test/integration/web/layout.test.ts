// The duty room's layout presets through the real web shell (issue #16): read by anyone signed in,
// switched over HTTP by a dispatcher (every bridge page told at once), refused for a viewer and for
// a preset that does not exist, switched by itself when a P1 alarm arrives through the embedded
// broker and back when it is closed, kept across a restart on the same data folder, and a
// malformed presets file said in /api/health while the built-in presets hold.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Health, ServerMessage } from '../../../core/contract.js';
import type { LayoutState } from '../../../core/display.js';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { waitFor } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
const dirs: string[] = [];
let hashes: { d: string; v: string };
let host: Host;
let web: WallShell;
let dataDir: string;
let dispatcherCookie = '';
let viewerCookie = '';

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wf-layout-'));
  dirs.push(d);
  return d;
};
const start = async (dir: string, config: Record<string, unknown> = {}) => {
  ({ host, web } = await startWallHost({ auth: { users: [{ name: '张伟', role: 'dispatcher', passwordHash: hashes.d }, { name: '王芳', role: 'viewer', passwordHash: hashes.v }] }, ...config }, { dataDir: dir }));
  dispatcherCookie = await signIn('张伟', 'dispatch-pass-1');
  viewerCookie = await signIn('王芳', 'viewer-pass-1');
};
const stop = async () => {
  await web.close();
  await host.close();
};

const api = (path: string, init: RequestInit & { as?: 'dispatcher' | 'viewer' | 'nobody' } = {}) => {
  const headers = new Headers(init.headers);
  if (init.as === 'dispatcher') headers.set('Cookie', dispatcherCookie);
  if (init.as === 'viewer') headers.set('Cookie', viewerCookie);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return fetch(`${web.url}${path}`, { ...init, headers });
};
const post = (path: string, body: unknown, as: 'dispatcher' | 'viewer' | 'nobody') => api(path, { method: 'POST', body: JSON.stringify(body), as });
const layoutNow = async (as: 'dispatcher' | 'viewer' = 'viewer') => (await (await api('/api/layout', { as })).json()) as LayoutState;

async function signIn(name: string, password: string): Promise<string> {
  const r = await post('/api/session', { name, password }, 'nobody');
  expect(r.status).toBe(200);
  return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

/** A bridge page signed in with `cookie`, keeping every message it is sent. */
async function page(cookie: string): Promise<{ ws: WebSocket; got: ServerMessage[] }> {
  const ws = new WebSocket(`${web.url.replace('http', 'ws')}/bridge`, { headers: { Cookie: cookie } });
  const got: ServerMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as ServerMessage));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
  return { ws, got };
}
const layoutsIn = (got: ServerMessage[]) => got.flatMap((m) => (m.type === 'layout' ? [m.layout] : []));

beforeAll(async () => {
  const [d, v] = await Promise.all([hashSecret('dispatch-pass-1'), hashSecret('viewer-pass-1')]);
  hashes = { d, v };
  dataDir = tempDir();
  await start(dataDir);
}, 60_000);

afterAll(async () => {
  await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('layout presets', () => {
  it('shows the built-in presets to anyone signed in, the first one holding, and nothing to nobody', async () => {
    const l = await layoutNow('viewer');
    expect(l).toMatchObject({ active: 'day', cause: 'default', by: null, revertTo: null, autoFor: [] });
    expect(l.presets.map((p) => p.id)).toEqual(['day', 'major']);
    expect(l.presets[1].screens).toEqual({ left: { roles: ['map'] }, center: { roles: ['video'], videoGrid: { cols: 4, rows: 4 } }, right: { roles: ['board', 'dispatch'] } });
    expect((await api('/api/layout')).status).toBe(401);
    expect((await api('/api/health')).status).toBe(200);
    expect(((await (await api('/api/health')).json()) as Health).layout).toEqual({ active: 'day', cause: 'default', error: null });
  });

  it('applies a preset for a dispatcher, and every bridge page hears it; a page that connects gets it after its snapshot', async () => {
    const watcher = await page(viewerCookie);
    await waitFor(() => layoutsIn(watcher.got).length === 1, 5000, 'the layout after the snapshot');
    const types = watcher.got.map((m) => m.type);
    expect(types.indexOf('layout')).toBeGreaterThan(types.indexOf('snapshot'));
    const r = await post('/api/layout', { preset: 'major' }, 'dispatcher');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ active: 'major', cause: 'operator', by: '张伟' });
    await waitFor(() => layoutsIn(watcher.got).length === 2, 5000, 'the layout message');
    expect(layoutsIn(watcher.got)[1]).toMatchObject({ active: 'major', cause: 'operator', by: '张伟' });
    watcher.ws.close();
    expect(host.auditLog!.query({}).filter((e) => e.what === 'layout.apply')).toEqual([expect.objectContaining({ kind: 'action', actor: '张伟', role: 'dispatcher', detail: { preset: 'major', previous: 'day' } })]);
  });

  it('refuses a viewer (403, audited), an unknown preset (404, naming the presets there are), a missing one (400), and a revert of nothing (409)', async () => {
    const viewer = await post('/api/layout', { preset: 'day' }, 'viewer');
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toEqual({ error: 'viewer may not act: only a commander or a dispatcher can switch the layout', code: 'forbidden' });
    expect((await post('/api/layout/revert', {}, 'viewer')).status).toBe(403);
    const unknown = await post('/api/layout', { preset: 'night' }, 'dispatcher');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no preset "night" (presets: day, major)', code: 'not_found' });
    const missing = await post('/api/layout', {}, 'dispatcher');
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('"preset"');
    const revert = await post('/api/layout/revert', {}, 'dispatcher');
    expect(revert.status).toBe(409);
    expect((await revert.json()).error).toContain('nothing to revert');
    expect((await api('/api/layout', { method: 'DELETE', as: 'dispatcher' })).status).toBe(405);
    expect((await layoutNow()).active).toBe('major');
    expect(host.auditLog!.query({}).filter((e) => e.kind === 'refused' && e.what === 'layout.apply').map((e) => e.actor)).toEqual(['王芳', '张伟', '张伟']);
  });

  it('switches to the automatic preset when a P1 alarm arrives through the broker, and back to the operator’s choice when it is closed', async () => {
    expect((await post('/api/layout', { preset: 'day' }, 'dispatcher')).status).toBe(200);
    const watcher = await page(dispatcherCookie);
    const client: MqttClient = await mqtt.connectAsync(host.brokerUrl);
    await client.publishAsync(`${P}/alarms/110`, JSON.stringify({ id: 'LAYOUT-P1', ts: Date.now(), kind: 'fight', priority: 1, lat: 26.08, lon: 119.3, title: '五一广场聚众斗殴' }), { qos: 1 });
    await client.endAsync();
    await waitFor(() => layoutsIn(watcher.got).some((l) => l.cause === 'auto'), 10_000, 'the automatic preset');
    expect(await layoutNow()).toMatchObject({ active: 'major', cause: 'auto', by: null, revertTo: 'day', autoFor: ['LAYOUT-P1'] });

    expect((await post('/api/incidents/LAYOUT-P1/status', { status: 'resolved' }, 'dispatcher')).status).toBe(200);
    await waitFor(() => layoutsIn(watcher.got).at(-1)?.cause !== 'auto', 10_000, 'the revert');
    expect(layoutsIn(watcher.got).at(-1)).toMatchObject({ active: 'day', cause: 'operator', by: '张伟', revertTo: null, autoFor: [] });
    watcher.ws.close();
    const wall = host.auditLog!.query({}).filter((e) => e.what === 'layout.auto' || e.what === 'layout.auto_revert');
    expect(wall.map((e) => [e.what, e.actor, e.detail])).toEqual([
      ['layout.auto', undefined, { preset: 'major', previous: 'day', incidents: ['LAYOUT-P1'] }],
      ['layout.auto_revert', undefined, { preset: 'day', previous: 'major' }],
    ]);
  });

  it("keeps the operator's choice across a restart on the same data folder", async () => {
    expect((await post('/api/layout', { preset: 'major' }, 'dispatcher')).status).toBe(200);
    await stop();
    expect(existsSync(join(dataDir, 'layout.json'))).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await start(dataDir);
    expect(await layoutNow()).toMatchObject({ active: 'major', cause: 'operator', by: '张伟' });
    expect(host.health().layout).toEqual({ active: 'major', cause: 'operator', error: null });
  });

  it('says in /api/health what is wrong with a malformed presets file, and runs on the built-in presets', async () => {
    await stop();
    const dir = tempDir();
    writeFileSync(join(dir, 'presets.json'), '{ "presets": [ { "id": "night", ');
    await start(dir);
    const health = (await (await api('/api/health')).json()) as Health;
    expect(health.layout).toMatchObject({ active: 'day', cause: 'default' });
    expect(health.layout!.error).toMatch(/^<data>\/presets\.json: not valid JSON \(.+\); the built-in presets are used$/);
    expect((await layoutNow()).presets.map((p) => p.id)).toEqual(['day', 'major']);
    // a file with one bad preset loads the good ones, the bad one said by index and reason
    await stop();
    writeFileSync(join(dir, 'presets.json'), JSON.stringify({ presets: [{ id: 'night', screens: { left: { roles: 'maps' } } }, { id: 'wall', name: '大屏', screens: { left: { roles: 'map+board' } } }] }));
    await start(dir);
    expect((await layoutNow()).presets).toEqual([{ id: 'wall', name: '大屏', screens: { left: { roles: ['map', 'board'] } } }]);
    expect(host.health().layout!.error).toMatch(/^<data>\/presets\.json: presets\[0\] "night": screens\.left\.roles: unknown display role "maps"/);
    // the configuration names another file, and an automatic preset that file does not have
    await stop();
    const elsewhere = join(tempDir(), 'room.json');
    writeFileSync(elsewhere, JSON.stringify({ presets: [{ id: 'room', screens: {} }], autoOnP1: { preset: 'room' } }));
    await start(dir, { layout: { presetsFile: elsewhere, autoOnP1: { preset: 'ghost' } } });
    expect((await layoutNow()).presets.map((p) => p.id)).toEqual(['room']);
    expect(host.health().layout).toEqual({ active: 'room', cause: 'default', error: 'layout.autoOnP1: no preset "ghost" (no automatic switching)' });
  });
});

// The HTTP API and sign-in through the real web shell (issue #14): who may call what (401 without
// credentials, 403 for a viewer, audited), the same actions as the wall's buttons with the same
// refusals (400/404/409), Idempotency-Key, citizen clues and their points (ledger and the retained
// MQTT message), the audit log over HTTP and on disk, and the bridge's door for signed-in pages.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchMessage } from '../../../core/adapters/native-schemas.js';
import type { Host } from '../../../main/services/host.js';
import { verifyAuditDir } from '../../../main/services/audit-log.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { waitFor } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
const AT = { lat: 26.0425, lon: 119.2826 };
const TOKEN = 'cad-token-5f1e2d3c4b5a69788796';
let host: Host;
let web: WallShell;
let dataDir: string;
let client: MqttClient;
let dispatcherCookie = '';
let viewerCookie = '';
const inbox: { topic: string; m: DispatchMessage }[] = [];

const api = (path: string, init: RequestInit & { as?: 'token' | 'dispatcher' | 'viewer' | 'nobody' } = {}) => {
  const headers = new Headers(init.headers);
  if (init.as === 'token') headers.set('Authorization', `Bearer ${TOKEN}`);
  if (init.as === 'dispatcher') headers.set('Cookie', dispatcherCookie);
  if (init.as === 'viewer') headers.set('Cookie', viewerCookie);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return fetch(`${web.url}${path}`, { ...init, headers });
};
const post = (path: string, body: unknown, as: 'token' | 'dispatcher' | 'viewer' | 'nobody' = 'token', headers: Record<string, string> = {}) => api(path, { method: 'POST', body: JSON.stringify(body), as, headers });

async function signIn(name: string, password: string): Promise<string> {
  const r = await post('/api/session', { name, password }, 'nobody');
  expect(r.status).toBe(200);
  const cookie = r.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^wf_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
  return cookie.split(';')[0];
}

const alarm = (id: string, source = '110', o: Record<string, unknown> = {}) =>
  client.publishAsync(`${P}/alarms/${source}`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority: 2, ...AT, title: id, ...o }), { qos: 1 });
const incident = (id: string) => host.situation.state.incidents.get(id);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wf-api-'));
  const [d, v, t] = await Promise.all([hashSecret('dispatch-pass-1'), hashSecret('viewer-pass-1'), hashSecret(TOKEN)]);
  ({ host, web } = await startWallHost(
    {
      auth: { users: [{ name: '张伟', role: 'dispatcher', passwordHash: d }, { name: '王芳', role: 'viewer', passwordHash: v }], tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: t }] },
      clues: { points: { default: 10, byCategory: { 可疑人员: 25 } } },
    },
    { dataDir },
  ));
  await host.ingest.ready(10_000);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  client.on('message', (topic, payload) => {
    if (topic.startsWith(`${P}/dispatch/`)) inbox.push({ topic, m: JSON.parse(payload.toString()) as DispatchMessage });
  });
  await client.subscribeAsync(`${P}/dispatch/+`, { qos: 1 });
  // volunteers around the spot, moving about
  for (let i = 0; i < 4; i++) {
    await client.publishAsync(`${P}/units/v${i}/location`, JSON.stringify({ id: `v${i}`, ts: Date.now(), kind: 'volunteer', lat: AT.lat + 0.0005 * (i + 1), lon: AT.lon, status: 'available' }), { qos: 1 });
  }
  await waitFor(() => host.situation.state.units.size === 4, 10_000, 'volunteers held');
  dispatcherCookie = await signIn('张伟', 'dispatch-pass-1');
  viewerCookie = await signIn('王芳', 'viewer-pass-1');
}, 60_000);

afterAll(async () => {
  await client?.endAsync();
  await web?.close();
  await host?.close();
});

describe('who may call', () => {
  it('answers health to anyone, and nothing else without credentials (401, saying how to sign in)', async () => {
    expect((await api('/api/health')).status).toBe(200);
    for (const path of ['/api/situation', '/api/incidents', '/api/audit', '/api/reporters/r1']) {
      const r = await api(path);
      expect(r.status, path).toBe(401);
      expect((await r.json()).error).toContain('POST /api/session');
    }
    const r = await post('/api/incidents/x/ack', {}, 'nobody');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Bearer');
    expect((await post('/api/incidents/x/ack', {}, 'nobody', { Authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it('tells a page who it is signed in as, and signs it out', async () => {
    const who = await (await api('/api/session', { as: 'viewer' })).json();
    expect(who).toEqual({ me: { name: '王芳', role: 'viewer', via: 'session', canAct: false }, signInAvailable: true });
    expect(await (await api('/api/session')).json()).toEqual({ me: null, signInAvailable: true });
    const wrong = await post('/api/session', { name: '张伟', password: 'nope' }, 'nobody');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe('name or password is wrong');
    const extra = await signIn('张伟', 'dispatch-pass-1');
    const out = await api('/api/session', { method: 'DELETE', headers: { Cookie: extra } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await api('/api/situation', { headers: { Cookie: extra } })).status).toBe(401);
  });

  it("refuses a viewer's action with 403, acts on nothing, and audits the refusal", async () => {
    await alarm('api-viewer');
    await waitFor(() => !!incident('api-viewer'), 10_000, 'incident');
    const r = await post('/api/incidents/api-viewer/broadcast', {}, 'viewer');
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ error: 'viewer may not act: only a commander or a dispatcher can broadcast', code: 'forbidden' });
    expect(incident('api-viewer')!.state).toBe('new');
    expect(inbox.filter((x) => x.m.incidentId === 'api-viewer')).toHaveLength(0);
    expect(host.auditLog!.query({}).filter((e) => e.kind === 'refused' && e.incidentId === 'api-viewer')).toEqual([expect.objectContaining({ actor: '王芳', role: 'viewer', via: 'session', what: 'broadcast' })]);
    // reading is a viewer's right
    expect((await api('/api/incidents/api-viewer', { as: 'viewer' })).status).toBe(200);
  });
});

describe('actions', () => {
  it('runs an incident through its life with a token: ack, broadcast (the volunteers get it), status, note; illegal steps are 409 with why', async () => {
    await alarm('api-life', '110', { media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }] });
    await waitFor(() => !!incident('api-life'), 10_000, 'incident');
    const ack = await post('/api/incidents/api-life/ack', { note: '已接警' });
    expect(ack.status).toBe(200);
    expect((await ack.json()).incident).toMatchObject({ id: 'api-life', status: 'acknowledged', acknowledgedBy: 'city-cad' });
    const again = await post('/api/incidents/api-life/ack', {});
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('cannot ack an incident that is acknowledged');

    const b = await post('/api/incidents/api-life/broadcast', { radiusM: 800, message: '嫌疑人往北门方向' });
    expect(b.status).toBe(200);
    const sent = await b.json();
    expect(sent.recipients.sort()).toEqual(['v0', 'v1', 'v2', 'v3']);
    await waitFor(() => inbox.filter((x) => x.m.dispatchId === sent.dispatchId).length === 4, 10_000, 'dispatches delivered');
    expect(inbox.find((x) => x.topic === `${P}/dispatch/v0`)?.m).toMatchObject({ incidentId: 'api-life', radiusM: 800, media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }] });

    const view = await (await api('/api/incidents/api-life', { as: 'token' })).json();
    expect(view.status).toBe('dispatched');
    expect(view.responders).toHaveLength(4);
    expect(view.responders[0]).toMatchObject({ unitId: 'v0', dispatchId: sent.dispatchId, answer: 'asked' });
    expect(view.responders[0].distanceM).toBeGreaterThan(40);
    expect(view.responders[0].etaS).toBeGreaterThan(0);

    expect((await post('/api/incidents/api-life/status', { status: 'on_scene' })).status).toBe(200);
    expect((await post('/api/incidents/api-life/note', { note: '两名嫌疑人已控制' })).status).toBe(200);
    expect((await post('/api/incidents/api-life/status', { status: 'resolved', note: '移交派出所' })).status).toBe(200);
    expect(incident('api-life')!.state).toBe('resolved');
    const late = await post('/api/incidents/api-life/status', { status: 'on_scene' });
    expect(late.status).toBe(409);
    expect(incident('api-life')!.timeline.map((e) => e.kind)).toEqual(['reported', 'acknowledged', 'dispatched', 'on_scene', 'note', 'resolved']);
    expect(incident('api-life')!.timeline.find((e) => e.kind === 'note')).toMatchObject({ by: 'city-cad', role: 'dispatcher', note: '两名嫌疑人已控制' });
  });

  it('merges one incident into another', async () => {
    await alarm('api-m1');
    await alarm('api-m2');
    await waitFor(() => !!incident('api-m1') && !!incident('api-m2'), 10_000, 'incidents');
    expect((await post('/api/incidents/api-m1/merge', { into: 'api-m2' }, 'dispatcher')).status).toBe(200);
    expect(incident('api-m1')).toMatchObject({ state: 'merged', mergedInto: 'api-m2' });
    expect((await post('/api/incidents/api-m2/merge', { into: 'api-m2' }, 'dispatcher')).status).toBe(400);
    expect((await post('/api/incidents/api-m2/merge', { into: 'nope' }, 'dispatcher')).status).toBe(404);
  });

  it('refuses what is malformed (400) or missing (404), with a message a person can act on', async () => {
    const cases: [string, RequestInit, number, string][] = [
      ['/api/incidents/nope/ack', { method: 'POST', body: '{}' }, 404, 'no incident nope'],
      ['/api/incidents/api-viewer/dispatch', { method: 'POST', body: '{}' }, 400, 'unitIds'],
      ['/api/incidents/api-viewer/dispatch', { method: 'POST', body: '{"unitIds":["ghost"]}' }, 404, 'no unit ghost'],
      ['/api/incidents/api-viewer/status', { method: 'POST', body: '{"status":"done"}' }, 400, 'status must be one of'],
      ['/api/incidents/api-viewer/broadcast', { method: 'POST', body: '{"radiusM":99999}' }, 400, 'radiusM'],
      ['/api/incidents/api-viewer/ack', { method: 'POST', body: '{not json' }, 400, 'not valid JSON'],
      ['/api/incidents/api-viewer/ack', { method: 'POST', body: '{"note":1}', headers: { 'Content-Type': 'text/plain' } }, 400, 'Content-Type: application/json'],
      ['/api/incidents/api-viewer/ack', { method: 'POST', body: '[1]' }, 400, 'JSON object'],
      ['/api/incidents/api-viewer/explode', { method: 'POST', body: '{}' }, 404, 'no such endpoint'],
      ['/api/incidents/api-viewer/ack', { method: 'GET' }, 405, 'POST'],
      ['/api/clues/api-viewer/verify', { method: 'POST', body: '{}' }, 400, 'not a citizen clue'],
    ];
    for (const [path, init, status, text] of cases) {
      const r = await api(path, { ...init, as: 'token' });
      expect(r.status, `${init.method} ${path} ${String(init.body)}`).toBe(status);
      expect((await r.json()).error, path).toContain(text);
    }
    const big = await api('/api/incidents/api-viewer/note', { method: 'POST', body: JSON.stringify({ note: 'x'.repeat(70_000) }), as: 'token' });
    expect(big.status).toBe(400);
    expect((await api('/api/health')).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and dispatches once; a key reused for another request is 409', async () => {
    await alarm('api-idem');
    await waitFor(() => !!incident('api-idem'), 10_000, 'incident');
    const key = { 'Idempotency-Key': 'cad-7781-broadcast' };
    const first = await post('/api/incidents/api-idem/broadcast', { radiusM: 800 }, 'token', key);
    const firstBody = await first.json();
    expect(first.status).toBe(200);
    const retry = await post('/api/incidents/api-idem/broadcast', { radiusM: 800 }, 'token', key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(firstBody);
    const other = await post('/api/incidents/api-idem/broadcast', { radiusM: 600 }, 'token', key);
    expect(other.status).toBe(409);
    expect((await other.json()).error).toContain('Idempotency-Key');
    await waitFor(() => inbox.filter((x) => x.m.incidentId === 'api-idem').length === 4, 10_000, 'dispatches');
    // a moment for any second copy to arrive, bounded by a round trip that must come after it
    await client.publishAsync('probe/after', 'x', { qos: 1 });
    expect(inbox.filter((x) => x.m.incidentId === 'api-idem')).toHaveLength(4);
    expect(incident('api-idem')!.timeline.filter((e) => e.kind === 'dispatched')).toHaveLength(1);
    // the same key from another caller is another request
    expect((await post('/api/incidents/api-idem/note', { note: 'x' }, 'dispatcher', key)).status).toBe(200);
    expect((await post('/api/incidents/api-idem/note', {}, 'token', { 'Idempotency-Key': 'bad key with spaces' })).status).toBe(400);
  });
});

describe('citizen clues', () => {
  it('verifies a clue: the reporter is credited by category, in the ledger and on the retained MQTT topic; a second verdict is 409; a rejection needs its reason', async () => {
    await alarm('clue-1', 'clue', { reporterId: 'efz-330102', category: '可疑人员', reporter: '市民林女士' });
    await alarm('clue-2', 'clue', { reporterId: 'efz-330102', kind: 'urban' });
    await alarm('clue-3', 'clue', { reporterId: 'efz-9' });
    await waitFor(() => !!incident('clue-3'), 10_000, 'clues');
    expect(incident('clue-1')!.clue).toEqual({ state: 'pending' });
    expect((await post('/api/clues/clue-1/verify', {}, 'viewer')).status).toBe(403);
    const v = await post('/api/clues/clue-1/verify', { note: '与监控吻合' }, 'dispatcher');
    expect(v.status).toBe(200);
    expect(incident('clue-1')!.clue).toMatchObject({ state: 'verified', by: '张伟' });
    expect((await post('/api/clues/clue-1/verify', {}, 'dispatcher')).status).toBe(409);
    expect((await post('/api/clues/clue-1/reject', { reason: 'x' }, 'dispatcher')).status).toBe(409);
    expect((await post('/api/clues/clue-2/verify', {}, 'token')).status).toBe(200);
    const noReason = await post('/api/clues/clue-3/reject', {}, 'token');
    expect(noReason.status).toBe(400);
    expect((await post('/api/clues/clue-3/reject', { reason: '照片与事件无关' }, 'token')).status).toBe(200);
    expect(incident('clue-3')!.clue).toMatchObject({ state: 'rejected', reason: '照片与事件无关' });

    const points = await (await api('/api/reporters/efz-330102', { as: 'viewer' })).json();
    expect(points).toMatchObject({ reporterId: 'efz-330102', total: 35 });
    expect(points.entries.map((e: { incidentId: string; points: number }) => [e.incidentId, e.points])).toEqual([['clue-2', 10], ['clue-1', 25]]);
    expect((await (await api('/api/reporters/efz-9', { as: 'viewer' })).json()).total).toBe(0);

    // the citizen app, subscribing later, finds the latest total retained
    const app = await mqtt.connectAsync(host.brokerUrl);
    const got: unknown[] = [];
    app.on('message', (_t, p) => got.push(JSON.parse(p.toString())));
    await app.subscribeAsync(`${P}/reporters/efz-330102/points`, { qos: 1 });
    await waitFor(() => got.length > 0, 10_000, 'retained points');
    expect(got[0]).toMatchObject({ reporterId: 'efz-330102', total: 35, last: { incidentId: 'clue-2', points: 10, category: 'urban' } });
    await app.endAsync();
  });
});

describe('audit', () => {
  it('holds sign-ins, actions, refusals and publications in order, verifies on disk, and exports CSV', async () => {
    const all = await (await api('/api/audit', { as: 'viewer' })).json();
    const kinds = new Set(all.map((e: { kind: string }) => e.kind));
    for (const k of ['started', 'sign_in', 'sign_in_failed', 'sign_out', 'action', 'refused', 'published', 'points']) expect(kinds.has(k), k).toBe(true);
    const seqs = all.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    const life = all.filter((e: { incidentId?: string; kind: string }) => e.incidentId === 'api-life' && e.kind === 'action').map((e: { what: string }) => e.what);
    expect(life).toEqual(['ack', 'broadcast', 'on_scene', 'note', 'resolve']);
    expect(all.find((e: { what?: string; incidentId?: string }) => e.incidentId === 'api-life' && e.what === `${P}/dispatch/{unitId}`)).toMatchObject({ kind: 'published', actor: 'city-cad', detail: { messages: 4 } });

    const csv = await api(`/api/audit?format=csv&from=${new Date(Date.now() - 3600_000).toISOString()}`, { as: 'token' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split(/\r?\n/)[0]).toBe('seq,at,kind,actor,role,via,incidentId,what,reason,from,detail,prev');
    expect(text).toContain('张伟');
    expect((await api('/api/audit?from=yesterday', { as: 'token' })).status).toBe(400);

    const verdict = verifyAuditDir(dataDir);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.entries).toBe(host.auditLog!.health().entries);
    expect(host.health().audit).toMatchObject({ ok: true, failed: 0 });
  });
});

describe('the bridge door', () => {
  const open = (headers: Record<string, string>) =>
    new Promise<{ status?: number; ws?: WebSocket; first?: unknown }>((resolve) => {
      const ws = new WebSocket(`${web.url.replace('http', 'ws')}/bridge`, { headers });
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.once('message', (d) => resolve({ ws, first: JSON.parse(d.toString()) }));
    });
  const ask = (ws: WebSocket, method: string, params: unknown) =>
    new Promise<{ ok: boolean; error?: string }>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'response' && m.id === 99) resolve(m);
      });
      ws.send(JSON.stringify({ type: 'request', id: 99, method, params }));
    });

  it('is shut to a page nobody signed in to (401), and opens to a viewer who may look and not act', async () => {
    expect((await open({})).status).toBe(401);
    expect((await open({ Cookie: 'wf_session=forgedforgedforgedforgedforgedforgedforged12' })).status).toBe(401);
    const v = await open({ Cookie: viewerCookie });
    expect(v.first).toEqual({ type: 'session', session: { me: { name: '王芳', role: 'viewer', via: 'session', canAct: false }, signInAvailable: true } });
    const forged = await ask(v.ws!, 'incident.ack', { id: 'api-viewer' });
    expect(forged).toMatchObject({ ok: false, error: 'forbidden: viewer may not act: only a commander or a dispatcher can ack' });
    expect(incident('api-viewer')!.state).toBe('new');
    v.ws!.close();
    const t = await open({ Authorization: `Bearer ${TOKEN}` });
    expect(t.first).toMatchObject({ type: 'session', session: { me: { name: 'city-cad', via: 'token' } } });
    expect(await ask(t.ws!, 'incident.ack', { id: 'api-viewer' })).toMatchObject({ ok: true });
    t.ws!.close();
  });
});

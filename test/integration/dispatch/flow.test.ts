// The shift lead's desk end to end (issue #14), through Debian's Mosquitto and two web shells on it
// with sign-in configured: an alarm; a request without credentials (401) and a viewer's broadcast
// (403) refused and audited; a dispatcher's token acknowledges on wall A (wall B shows it within a
// second) and broadcasts to the volunteers nearby — real MQTT phones on persistent sessions, one
// offline during the broadcast that gets it when it returns; two accept, walk in and arrive, one
// declines; the incident is resolved; wall A's audit holds each step in order and its chain verifies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { DispatchMessage } from '../../../core/adapters/native-schemas.js';
import { parseConfig } from '../../../core/config.js';
import { verifyAuditDir } from '../../../main/services/audit-log.js';
import { type Host, startHost } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { startWebShell, type WebShell } from '../../../main/web/server.js';
import { APP_ROOT, connectClient, publish, waitFor } from '../../helpers/host.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { RENDERER_DIR } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
const AT = { lat: 26.0425, lon: 119.2826 };
const TOKEN = 'city-cad-token-000111222333';
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function wall(brokerUrl: string, name: string, auth: unknown): Promise<{ host: Host; web: WebShell; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `wf-flow-${name}-`));
  const config = parseConfig({ brokers: [brokerUrl], demo: false, web: { port: 0 }, situation: { deltaIntervalMs: 50 }, auth });
  if (!config.ok) throw new Error(config.error);
  const host = await startHost({ config: config.value, shell: 'web', appRoot: APP_ROOT, clientIdOverride: `wf-flow-${name}-${process.pid}`, dataDir, inThreadIngest: true });
  cleanup.push(() => host.close());
  const web = await startWebShell({ host, staticDir: RENDERER_DIR, listenHost: '127.0.0.1', port: 0 });
  cleanup.push(() => web.close());
  await host.ingest.ready(10_000);
  return { host, web, dataDir };
}

/** A volunteer's phone: a persistent session on its own dispatch topic. */
async function phone(url: string, id: string, inbox: DispatchMessage[]): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: `flow-phone-${id}-${process.pid}`, clean: false, reconnectPeriod: 200 });
  c.on('message', (_t, payload) => inbox.push(JSON.parse(payload.toString()) as DispatchMessage));
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  await c.subscribeAsync(`${P}/dispatch/${id}`, { qos: 1 });
  cleanup.push(() => void c.end(true));
  return c;
}

describe('dispatch, signed in, on a real broker', () => {
  it('runs alarm → broadcast → volunteers converge → resolved, with refusals and the audit in order', async () => {
    const m = await startMosquitto();
    cleanup.push(() => m.stop());
    const auth = {
      users: [{ name: '王芳', role: 'viewer', passwordHash: await hashSecret('viewer-pass-2') }],
      tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: await hashSecret(TOKEN) }],
    };
    const a = await wall(m.url, 'a', auth);
    const b = await wall(m.url, 'b', auth);
    const call = (path: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
      fetch(`${a.web.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const sensor = await connectClient(m.url);
    cleanup.push(() => sensor.endAsync());
    const inboxes: Record<string, DispatchMessage[]> = { v1: [], v2: [], v3: [] };
    const phones: Record<string, MqttClient> = {};
    for (const id of ['v1', 'v2', 'v3']) phones[id] = await phone(m.url, id, inboxes[id]);
    const where = { v1: [AT.lat + 0.003, AT.lon], v2: [AT.lat, AT.lon + 0.003], v3: [AT.lat - 0.002, AT.lon] } as Record<string, [number, number]>;
    const locate = (id: string, lat: number, lon: number) => publish(sensor, `${P}/units/${id}/location`, { id, ts: Date.now(), kind: 'volunteer', name: `志愿者${id}`, lat, lon });
    for (const id of ['v1', 'v2', 'v3']) await locate(id, ...where[id]);
    // v3's phone goes out of coverage: its session (and subscription) stays with the broker
    await phones.v3.endAsync(true);
    await publish(sensor, `${P}/alarms/110`, { id: 'F-1', ts: Date.now(), kind: 'theft', priority: 2, ...AT, title: '万达广场手机被盗', media: [{ url: 'https://clues.example/1.jpg', type: 'image/jpeg' }] });
    await waitFor(() => [a, b].every((w) => w.host.situation.state.incidents.has('F-1') && w.host.situation.state.units.size === 3), 10_000, 'both walls to hold the alarm and the units');
    const inc = (w: { host: Host }) => w.host.situation.state.incidents.get('F-1')!;

    // no credentials: 401; a viewer: 403 — nothing sent, both audited
    expect((await call('/api/incidents/F-1/broadcast', {}, {})).status).toBe(401);
    const signIn = await fetch(`${a.web.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: '王芳', password: 'viewer-pass-2' }) });
    const viewer = { Cookie: signIn.headers.get('set-cookie')!.split(';')[0] };
    expect((await call('/api/incidents/F-1/broadcast', {}, viewer)).status).toBe(403);

    // the dispatcher's system acknowledges on A: B shows it within a second
    const t0 = Date.now();
    expect((await call('/api/incidents/F-1/ack', {})).status).toBe(200);
    await waitFor(() => inc(b).acknowledged, 5_000, 'B to show the acknowledgement');
    const shownAfter = Date.now() - t0;
    console.log(`[flow] A's acknowledgement (HTTP API) shown on B after ${shownAfter} ms`);
    expect(shownAfter).toBeLessThan(1000);
    expect(inc(b)).toMatchObject({ acknowledgedBy: 'city-cad' });

    // broadcast to the volunteers within 500 m
    const r = await call('/api/incidents/F-1/broadcast', { message: '两名男子，一穿黑色卫衣' }, { Authorization: `Bearer ${TOKEN}`, 'Idempotency-Key': 'flow-1' });
    expect(r.status).toBe(200);
    const { dispatchId, recipients } = (await r.json()) as { dispatchId: string; recipients: string[] };
    expect(recipients.sort()).toEqual(['v1', 'v2', 'v3']);
    await waitFor(() => inboxes.v1.length === 1 && inboxes.v2.length === 1, 10_000, 'the online phones to get it');
    expect(inboxes.v1[0]).toMatchObject({ dispatchId, incidentId: 'F-1', detail: '两名男子，一穿黑色卫衣', media: [{ url: 'https://clues.example/1.jpg', type: 'image/jpeg' }] });
    // v3 comes back: the broker delivers what was queued for its session
    phones.v3 = await phone(m.url, 'v3', inboxes.v3);
    await waitFor(() => inboxes.v3.length === 1, 10_000, 'the returning phone to get it');
    expect(inboxes.v3[0].dispatchId).toBe(dispatchId);

    // two accept and walk in; the third declines
    const reply = (id: string, answer: string, note?: string) => phones[id].publishAsync(`${P}/units/${id}/reply`, JSON.stringify({ dispatchId, incidentId: 'F-1', answer, ts: Date.now(), ...(note ? { note } : {}) }), { qos: 1 });
    await reply('v1', 'accept');
    await reply('v2', 'accept');
    await reply('v3', 'decline', '正在处理其他事务');
    await reply('v1', 'enroute');
    await reply('v2', 'enroute');
    for (let step = 1; step <= 3; step++) {
      for (const id of ['v1', 'v2']) {
        const [lat, lon] = where[id];
        await locate(id, lat + ((AT.lat - lat) * step) / 3, lon + ((AT.lon - lon) * step) / 3);
      }
    }
    await reply('v1', 'arrived');
    await reply('v2', 'arrived');
    await waitFor(() => inc(a).responders.filter((x) => x.answer === 'arrived').length === 2 && inc(a).responders.some((x) => x.answer === 'decline'), 10_000, 'answers on A');
    expect(inc(a).state).toBe('on_scene');
    await waitFor(() => inc(b).responders.filter((x) => x.answer === 'arrived').length === 2, 10_000, 'answers on B');
    const view = await (await fetch(`${a.web.url}/api/incidents/F-1`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    const answers = Object.fromEntries(view.responders.map((x: { unitId: string; answer: string; distanceM: number; etaS: number }) => [x.unitId, [x.answer, x.distanceM < 30, x.etaS]]));
    expect(answers).toEqual({ v1: ['arrived', true, 0], v2: ['arrived', true, 0], v3: ['decline', false, expect.any(Number)] });

    expect((await call('/api/incidents/F-1/status', { status: 'resolved', note: '嫌疑人已控制，移交民警' })).status).toBe(200);
    await waitFor(() => inc(b).state === 'resolved', 5_000, 'B to show it resolved');

    // wall A's audit: each step in order, and a chain that verifies
    await waitFor(() => a.host.auditLog!.query({}).filter((e) => e.what === `${P}/actions/F-1`).length === 3, 5_000, 'the shared actions acknowledged by the broker');
    const log = a.host.auditLog!.query({});
    expect(log.filter((e) => e.what === 'POST /api/incidents/F-1/broadcast')).toEqual([expect.objectContaining({ kind: 'refused', reason: 'not signed in' })]);
    const steps = log.filter((e) => e.incidentId === 'F-1').map((e) => `${e.kind}:${e.what}:${e.actor ?? '-'}`);
    expect(steps).toEqual([
      'refused:broadcast:王芳',
      'action:ack:city-cad',
      `published:${P}/actions/F-1:-`,
      'action:broadcast:city-cad',
      `published:${P}/dispatch/{unitId}:city-cad`,
      `published:${P}/actions/F-1:-`,
      'action:resolve:city-cad',
      `published:${P}/actions/F-1:-`,
    ]);
    for (const w of [a, b]) {
      const v = verifyAuditDir(w.dataDir);
      expect(v.problems).toEqual([]);
      expect(v.ok).toBe(true);
    }
  });
});

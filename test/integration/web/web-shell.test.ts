// The web shell over real HTTP and a real WebSocket: the API, the bridge protocol, and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import type { Host } from '../../../main/services/host.js';
import { startWebShell, type WebShell } from '../../../main/web/server.js';
import type { ServerMessage } from '../../../core/contract.js';
import { APP_ROOT, connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { demoWebRoutes } from '../../../main/demo/routes.js';

const P = 'watchfloor/v1';
let host: Host;
let web: WebShell;

beforeAll(async () => {
  host = await startTestHost({}, `wf-web-${process.pid}`);
  await host.ingest.ready();
  web = await startWebShell({ host, staticDir: resolve(APP_ROOT, 'dist/renderer'), ...demoWebRoutes(resolve(APP_ROOT, 'assets/generated')), listenHost: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await web?.close();
  await host?.close();
});

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openBridge(headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${web.url.replace('http', 'ws')}/bridge`, { headers });
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, messages, opened };
}

describe('web shell', () => {
  it('GET /api/health reports the broker', async () => {
    const res = await fetch(`${web.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, broker: { connected: true, url: host.brokerUrl }, shell: 'web' });
  });

  it('GET /api/situation returns what was published, with stats', async () => {
    const pub = await connectClient(host.brokerUrl);
    await publish(pub, `${P}/alarms/110`, { id: 'W-1', ts: Date.now(), kind: 'fight', priority: 1, lat: 26.08, lon: 119.3, title: '五一广场有人打架' });
    await publish(pub, `${P}/alarms/110`, 'nope');
    await pub.endAsync();
    await waitFor(() => host.situation.state.incidents.has('W-1') && host.situation.state.stats.rejected > 0);
    const body = await (await fetch(`${web.url}/api/situation`)).json();
    expect(body.incidents.find((i: { id: string }) => i.id === 'W-1')).toMatchObject({ kind: 'fight', priority: 1, status: 'open', title: '五一广场有人打架' });
    expect(body.stats).toMatchObject({ rejected: 1, rejectedByReason: { invalid_json: 1 } });
    expect(Array.isArray(body.units) && Array.isArray(body.kiosks) && Array.isArray(body.cameras)).toBe(true);
  });

  it('answers unknown endpoints, wrong methods and traversal with clear errors', async () => {
    expect((await fetch(`${web.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${web.url}/api/health`, { method: 'POST' })).status).toBe(405);
    // raw paths: fetch() would normalise the dots away before they reach the server
    // every way out of the renderer's folder is refused as a bad path, never served (not even as the app)
    for (const path of ['/../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5cpackage.json', '/%2e%2e/package.json']) {
      const { status, body } = await rawGet(path);
      expect({ path, status, body: JSON.parse(body) }).toEqual({ path, status: 400, body: { error: 'bad path' } });
    }
    // inside it, an unknown path is the app itself (client-side routes)
    const app = await rawGet('/some/route');
    expect(app.status).toBe(200);
    expect(app.body).toContain('<div id="root">');
  });

  it('bridge: snapshot first, then batched deltas, requests and responses', async () => {
    const { ws, messages, opened } = openBridge();
    await opened;
    await waitFor(() => messages.length > 1, 5000, 'snapshot');
    // who the page is comes first: on a loopback wall without users, the anonymous commander
    expect(messages[0]).toEqual({ type: 'session', session: { me: { name: 'commander', role: 'commander', via: 'anonymous', canAct: true }, signInAvailable: false } });
    expect(messages[1].type).toBe('snapshot');
    const pub = await connectClient(host.brokerUrl);
    for (let i = 0; i < 200; i++) await publish(pub, `${P}/units/U${i}/location`, { id: `U${i}`, ts: Date.now(), lat: 26.07, lon: 119.3 + i * 1e-4, kind: 'volunteer' }, 0);
    await publish(pub, `${P}/alarms/110`, { id: 'W-2', ts: Date.now(), kind: 'theft', lat: 26.08, lon: 119.3, title: 't' });
    await pub.endAsync();
    const deltasNow = () => messages.filter((m) => m.type === 'delta');
    const unitsSeen = () => new Set(deltasNow().flatMap((m) => (m.type === 'delta' ? m.delta.units.map((u) => u[0]) : [])));
    await waitFor(() => messages.some((m) => m.type === 'delta' && m.delta.incidents.some((i) => i.id === 'W-2')), 5000, 'delta with W-2');
    // the alarm may overtake the unit moves published before it (the alarm lane, unit-tested in
    // situation-service.test.ts): wait for the units too
    await waitFor(() => unitsSeen().size === 200, 5000, 'all 200 units');
    const deltas = deltasNow();
    // 201 messages arrived as a handful of batches, not one frame each
    expect(deltas.length).toBeLessThan(50);
    ws.send(JSON.stringify({ type: 'request', id: 7, method: 'incident.ack', params: { id: 'W-2' } }));
    ws.send(JSON.stringify({ type: 'request', id: 8, method: 'incident.ack', params: { id: 'does-not-exist' } }));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'request', id: 9, method: 'shell.exec', params: {} }));
    await waitFor(() => messages.filter((m) => m.type === 'response').length >= 2, 5000, 'responses');
    expect(messages.find((m) => m.type === 'response' && m.id === 7)).toMatchObject({ ok: true });
    expect(messages.find((m) => m.type === 'response' && m.id === 8)).toMatchObject({ ok: false, error: expect.stringContaining('no incident') });
    await waitFor(() => host.situation.state.incidents.get('W-2')!.acknowledged, 2000, 'ack applied');
    await waitFor(() => host.access.count('badRequests') >= 2, 2000, 'bad requests counted');
    expect(messages.some((m) => m.type === 'response' && m.id === 9)).toBe(false);
    ws.close();
  });

  it('refuses bridge connections from another origin', async () => {
    const { opened } = openBridge({ Origin: 'http://evil.example' });
    await expect(opened).rejects.toThrow(/403/);
  });

  it('serves demo media, and refuses traversal out of its folder', async () => {
    const res = await fetch(`${web.url}/media/demo/clue-1.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await fetch(`${web.url}/media/demo/nope.jpg`)).status).toBe(404);
    expect((await rawGet('/media/..%2f..%2fpackage.json')).status).toBe(400);
  });

  it('serves the renderer with a Content-Security-Policy', async () => {
    const res = await fetch(`${web.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    // the wall may frame the shell under its other loopback name (tiles' video frames), nobody may frame the wall
    expect(res.headers.get('content-security-policy')).toContain(`frame-src 'self' http://127.0.0.1:${web.port} http://localhost:${web.port} http://frames.localhost:${web.port};`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // the video frame itself may be framed by the wall (loopback), and frames nothing
    const frame = await fetch(`${web.url}/video-frame.html`);
    expect(frame.status).toBe(200);
    expect(await frame.text()).toContain('<title>Watchfloor video</title>');
    expect(frame.headers.get('content-security-policy')).toContain(`frame-ancestors http://127.0.0.1:${web.port} http://localhost:${web.port}`);
    expect(frame.headers.get('content-security-policy')).toContain("frame-src 'none'");
  });
});

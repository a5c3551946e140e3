// Who may use the web shell, and how much: DNS rebinding, clients that do not read what they ask
// for, too many clients, slow clients, and the headers that keep other sites out. Real HTTP, real
// WebSocket, raw sockets where a client library would tidy the request (docs/security.md).
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Host } from '../../../main/services/host.js';
import { CONGESTED_BYTES, startWebShell, type WebShell } from '../../../main/web/server.js';
import { rawRequest, requestText, WS_UPGRADE } from '../../helpers/raw-http.js';
import { APP_ROOT, startTestHost, waitFor } from '../../helpers/host.js';
import { demoWebRoutes } from '../../../main/demo/routes.js';

let host: Host | undefined;
let web: WebShell | undefined;
afterEach(async () => {
  await web?.close();
  await host?.close();
  web = host = undefined;
});

async function start(config: Record<string, unknown> = {}, timeouts?: { headersMs?: number; requestMs?: number }) {
  host = await startTestHost(config, `wf-access-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  web = await startWebShell({ host, staticDir: resolve(APP_ROOT, 'dist/renderer'), ...demoWebRoutes(resolve(APP_ROOT, 'assets/generated')), listenHost: '127.0.0.1', port: 0, timeouts });
  return { host, web };
}

const get = (port: number, path: string, headers: Record<string, string | null>) => rawRequest(port, requestText('GET', path, headers), 3000, undefined, true);

describe('Host and Origin checks', () => {
  it('refuses a rebound name (DNS rebinding) on every route and the bridge; answers its own names and listed ones', async () => {
    const { web, host } = await start({ web: { allowedHosts: ['wall.duty.local'] } });
    const p = web.port;
    for (const path of ['/api/situation', '/api/health', '/', '/video/live/C001.m3u8', '/media/demo/clue-1.jpg']) {
      expect((await get(p, path, { Host: `attacker.example:${p}` })).status, path).toBe(403);
    }
    expect((await get(p, '/bridge', { Host: `attacker.example:${p}`, Origin: `http://attacker.example:${p}`, ...WS_UPGRADE })).status).toBe(403);
    // our port only, even for our own names
    expect((await get(p, '/api/health', { Host: `127.0.0.1:${p + 1}` })).status).toBe(403);
    expect((await get(p, '/api/health', { Host: null })).status).toBe(403);
    for (const name of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `wall.duty.local:${p}`, `WALL.DUTY.LOCAL:${p}`, `10.1.2.3:${p}`]) {
      expect((await get(p, '/api/health', { Host: name })).status, name).toBe(200);
    }
    // a page of another site may not call in, whatever name it uses
    expect((await get(p, '/api/situation', { Host: `127.0.0.1:${p}`, Origin: 'http://attacker.example' })).status).toBe(403);
    expect((await get(p, '/api/situation', { Host: `127.0.0.1:${p}`, Origin: 'null' })).status).toBe(403);
    expect((await get(p, '/api/situation', { Host: `127.0.0.1:${p}`, Origin: `http://localhost:${p}` })).status).toBe(200);
    // the bridge: only the page the request was made to
    expect((await get(p, '/bridge', { Host: `127.0.0.1:${p}`, Origin: `http://localhost:${p}`, ...WS_UPGRADE })).status).toBe(403);
    expect((await get(p, '/bridge', { Host: `127.0.0.1:${p}`, Origin: `http://127.0.0.1:${p}`, ...WS_UPGRADE })).status).toBe(101);
    const h = host.health().access;
    expect(h.refused.host).toBe(8);
    expect(h.refused.origin).toBe(3);
    expect(h.last).toMatchObject({ kind: 'origin' });
  });
});

function client(port: number, pauseReading = false) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`);
  const messages: { type: string; id?: number; ok?: boolean; error?: string }[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const opened = new Promise<void>((res, rej) => {
    ws.once('open', () => {
      if (pauseReading) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      res();
    });
    ws.once('unexpected-response', (_q, r) => rej(new Error(`HTTP ${r.statusCode}`)));
    ws.once('error', rej);
  });
  const closed = new Promise<void>((res) => ws.once('close', () => res()));
  return { ws, messages, opened, closed };
}

describe('bridge limits', () => {
  it('drops a client that asks for snapshots and stops reading, instead of buffering for it', async () => {
    const { web, host } = await start({ web: { requestsPerSecond: 10_000 } });
    // a city's worth of units makes each snapshot large
    host.situation.apply({
      t: 'events',
      at: Date.now(),
      topic: 't',
      events: Array.from({ length: 6000 }, (_, i) => ({ type: 'unitFix' as const, source: 'units', fix: { id: `U${i}-${'x'.repeat(60)}`, ts: Date.now(), lat: 26 + i * 1e-5, lon: 119.3, kind: 'volunteer' as const, name: `志愿者 ${i}` } })),
    });
    const snapshotBytes = JSON.stringify(host.situation.snapshot()).length;
    expect(snapshotBytes * 100).toBeGreaterThan(8 * CONGESTED_BYTES);
    // counted on the real situation: how many snapshots the server built for this client
    let built = 0;
    const snapshot = host.situation.snapshot.bind(host.situation);
    host.situation.snapshot = () => (built++, snapshot());
    const c = client(web.port, true);
    await c.opened;
    for (let i = 0; i < 100; i++) c.ws.send(JSON.stringify({ type: 'request', id: i, method: 'situation.get', params: {} }));
    await waitFor(() => host.access.count('congested') === 1, 20_000, 'the non-reading client dropped');
    expect(host.hub.peerCount).toBe(0);
    // answered one at a time: nothing more is built once its backlog passes the limit
    expect(built).toBeLessThanOrEqual(Math.ceil(CONGESTED_BYTES / snapshotBytes) + 3);
    // what the client finds when it reads again: a connection the server has ended
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await c.closed;
  });

  it('limits how fast one client may ask, and how many may connect', async () => {
    const { web, host } = await start({ web: { maxClients: 3, requestsPerSecond: 5 } });
    const c = client(web.port);
    await c.opened;
    for (let i = 0; i < 100; i++) c.ws.send(JSON.stringify({ type: 'request', id: i, method: 'rejects.list', params: {} }));
    await waitFor(() => c.messages.filter((m) => m.type === 'response').length === 100, 10_000, 'all answered');
    const refused = c.messages.filter((m) => m.type === 'response' && !m.ok);
    // the burst (twice the rate) is served, the rest is refused with why
    expect(refused.length).toBeGreaterThanOrEqual(85);
    expect(refused[0].error).toMatch(/rate limited/);
    expect(host.access.count('rateLimited')).toBe(refused.length);
    const more = [client(web.port), client(web.port)];
    await Promise.all(more.map((m) => m.opened));
    const fourth = client(web.port);
    await expect(fourth.opened).rejects.toThrow(/503/);
    expect(host.access.count('peers')).toBe(1);
    expect(host.health().access).toMatchObject({ peers: 3, maxPeers: 3 });
    for (const x of [c, ...more]) x.ws.close();
    await waitFor(() => host.hub.peerCount === 0, 5000, 'peers gone');
    await client(web.port).opened;
  });
});

describe('slow and greedy clients', () => {
  it('closes a client whose headers never finish, and one that trickles a body after an error', async () => {
    const { web, host } = await start({}, { headersMs: 1000, requestMs: 2000 });
    const t0 = Date.now();
    const partial = await rawRequest(web.port, `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nX-Slow: `, 10_000, 'a');
    expect(partial.closedByServer).toBe(true);
    expect(partial.status).toBe(408);
    expect(Date.now() - t0).toBeLessThan(5000);
    const trickle = await rawRequest(web.port, `POST /api/health HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nContent-Length: 100000\r\n\r\nabc`, 10_000, 'x');
    expect(trickle.status).toBe(405);
    expect(trickle.closedByServer).toBe(true);
    expect(trickle.text).toMatch(/connection: close/i);
    expect(host.access.count('timeouts')).toBe(1);
    expect(host.access.count('method')).toBe(1);
    // a connection that never sends a byte (a browser's unused preconnect) is closed without a 408,
    // which the browser would take for the answer to the next request it sends on it
    const idle = await rawRequest(web.port, '', 10_000);
    expect(idle).toMatchObject({ closedByServer: true, status: null, text: '' });
    expect(host.access.count('timeouts')).toBe(1);
  });

  it('caps open connections and counts what it turns away', async () => {
    const { web, host } = await start({ web: { maxConnections: 8 } });
    const { connect } = await import('node:net');
    const held = Array.from({ length: 8 }, () => connect(web.port, '127.0.0.1'));
    await waitFor(() => host.access.health().connections === 8, 5000, '8 open');
    const refusedBefore = host.access.count('connections');
    const extra = await rawRequest(web.port, requestText('GET', '/api/health', { Host: `127.0.0.1:${web.port}` }), 3000);
    expect(extra.status).toBeNull();
    expect(extra.closedByServer).toBe(true);
    expect(host.access.count('connections')).toBe(refusedBefore + 1);
    for (const s of held) s.destroy();
    await waitFor(() => host.access.health().connections === 0, 5000, 'all closed');
    expect((await get(web.port, '/api/health', { Host: `127.0.0.1:${web.port}` })).status).toBe(200);
  });
});

describe('headers', () => {
  it('says exactly what the pages use, and keeps other sites from reading or framing anything', async () => {
    const { web } = await start();
    const page = await fetch(`${web.url}/`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' blob:;");
    expect(csp).not.toMatch(/ws:|wss:|\*/);
    expect(csp).toContain(`frame-src 'self' http://127.0.0.1:${web.port} http://localhost:${web.port} http://frames.localhost:${web.port};`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const frame = await fetch(`${web.url}/video-frame.html`);
    expect(frame.headers.get('content-security-policy')).toContain(`frame-ancestors http://127.0.0.1:${web.port} http://localhost:${web.port}`);
    for (const path of ['/api/health', '/api/situation', '/api/nope', '/video/live/C001.m3u8', '/media/demo/clue-1.jpg']) {
      const res = await fetch(`${web.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('lets pages reach the media servers the camera registry names, and no others', async () => {
    const { web } = await start({ web: { mediaOrigins: ['https://clues.fz.gov.cn'] } });
    const csp = (await fetch(`${web.url}/`)).headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' blob: https://clues.fz.gov.cn;");
    expect(csp).toContain("img-src 'self' data: blob: https://clues.fz.gov.cn;");
  });
});

// The web shell as a hostile client on the duty-room network meets it, in its own process (as the
// operator runs it): a request must never take it down, never get a 5xx for being odd, and what
// is refused is counted in /api/health (docs/security.md).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RawAnswer, rawRequest, requestText, WS_UPGRADE } from '../../helpers/raw-http.js';
import { startWebProcess, type WebProcess } from '../../helpers/web-process.js';

let wp: WebProcess;

beforeAll(async () => {
  wp = await startWebProcess({ web: { port: 0, allowedHosts: ['wall.duty.local'] } });
});
afterAll(async () => {
  await wp?.stop();
});

const alive = () => wp.proc.exitCode === null && wp.proc.signalCode === null;

async function health(): Promise<Record<string, unknown> & { access: { refused: Record<string, number> } }> {
  const res = await fetch(`${wp.url}/api/health`);
  expect(res.status).toBe(200);
  return res.json();
}

function openBridge(port: number, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', () => resolve(0));
  });
}

describe('the web shell process under hostile requests', () => {
  it('refuses a bridge upgrade with Origin: null (403) and stays up', async () => {
    const host = `127.0.0.1:${wp.port}`;
    const answer = await rawRequest(wp.port, requestText('GET', '/bridge', { Host: host, Origin: 'null', ...WS_UPGRADE }));
    expect(answer.status).toBe(403);
    // malformed Origins of every sort, on the upgrade
    for (const origin of ['', 'http://', 'http://[', '%', 'app://evil', 'http://127.0.0.1:1', 'http://127.0.0.1:99999', '\u00ff\u00fe', 'file:///etc/passwd']) {
      const a = await rawRequest(wp.port, requestText('GET', '/bridge', { Host: host, Origin: origin, ...WS_UPGRADE }));
      expect(a.status, `Origin ${JSON.stringify(origin)}`).toBe(403);
    }
    expect(alive()).toBe(true);
    expect((await health()).access.refused.origin).toBeGreaterThanOrEqual(10);
    // the wall's own page still gets its bridge
    expect(await openBridge(wp.port, { Origin: `http://127.0.0.1:${wp.port}` })).toBe('open');
  });

  it('survives a fuzz of 10,000 requests and upgrades (random methods, paths, Host, Origin and headers): never a 5xx, never down', async () => {
    const port = wp.port;
    const text = fc.string({ maxLength: 40, unit: 'binary' });
    const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PRI', 'get'), fc.stringMatching(/^[A-Z]{1,12}$/), text);
    const target = fc.oneof(
      fc.constantFrom(
        '/', '/bridge', '/bridge?x=1', '/api/health', '/api/situation', '/api/rejects', '/api/reference', '/api/../api/health', '/api/nope',
        '/video/live/C001.m3u8', '/video/ll/C001.m3u8?_HLS_msn=99999999&_HLS_part=-1', '/video/vod/C001.m3u8?start=x&end=y', '/video/seg/v0/seg_000.ts',
        '/media/demo/clue-1.jpg', '/media/..%2f..%2fpackage.json', '/basemap.pmtiles', '/video-frame.html', '//', '//evil.example/x', '*',
        'http://evil.example/x', '/..%2f..%2fetc/passwd', '/%', '/%00', '/%E0%A4%A', '/a#b', '/' + 'a'.repeat(5000),
      ),
      fc.webPath(),
      text,
    );
    const hostHeader = fc.oneof(
      fc.constantFrom(null, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `wall.duty.local:${port}`, 'evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '', '[', '[::1', 'a:b:c', `127.0.0.1:${port}@evil`, 'x'.repeat(400)),
      text,
    );
    const origin = fc.oneof(
      fc.constantFrom(null, 'null', 'http://evil.example', `http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://wall.duty.local:${port}`, 'http://', 'file://', 'app://wall', '*', ''),
      text,
    );
    const request = fc.record({
      method,
      target,
      host: hostHeader,
      origin,
      upgrade: fc.boolean(),
      range: fc.option(fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=5-', 'bytes=-', 'bytes=99999999999-1', 'bytes=0-0,5-9', 'lines=1-2'), { nil: null }),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), text), { maxLength: 3 }),
      body: fc.option(fc.tuple(fc.nat(100), fc.string({ maxLength: 20 })), { nil: null }),
    });
    const samples = fc.sample(request, { numRuns: 10_000 });
    const failures: string[] = [];
    let answered = 0;
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const r = samples[next++];
        const headers: Record<string, string | null> = { Host: r.host, Origin: r.origin, ...(r.upgrade ? WS_UPGRADE : {}), ...(r.range ? { Range: r.range } : {}) };
        for (const [k, v] of r.extra) headers[k] = v;
        if (r.body) headers['Content-Length'] = String(r.body[0]);
        const raw = requestText(r.method, r.target, headers, r.body?.[1] ?? '');
        const a: RawAnswer = await rawRequest(port, Buffer.from(raw, 'latin1'), 1500, undefined, true);
        if (a.status !== null) answered++;
        if (a.status !== null && a.status >= 500 && a.status !== 503) failures.push(`${a.status} for ${JSON.stringify(raw).slice(0, 300)}`);
        if (!alive()) throw new Error(`the web shell died on ${JSON.stringify(raw).slice(0, 300)}:\n${wp.output().slice(-2000)}`);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    expect(failures.slice(0, 5)).toEqual([]);
    expect(alive()).toBe(true);
    // most requests got an answer (a few are cut before the server could make sense of them)
    expect(answered).toBeGreaterThan(9000);
    const h = await health();
    expect(h.access.refused.host + h.access.refused.origin + h.access.refused.malformed).toBeGreaterThan(1000);
    expect(await openBridge(port, { Origin: `http://127.0.0.1:${port}` })).toBe('open');
    // no request reached the internal-error path (logged as "… ERROR web: internal error: METHOD target", main/web/server.ts)
    expect(wp.output()).not.toMatch(/uncaught|ERROR web: internal error/i);
  });
});

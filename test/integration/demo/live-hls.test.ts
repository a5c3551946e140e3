import { createServer, request, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVideos, UNAVAILABLE_FILE } from '../../../scripts/make-video.js';
import { createLiveHlsServer, type LiveHlsServer } from '../../../main/demo/live-hls.js';
import { missing } from '../../helpers/assets.js';

const built = await buildVideos();
const root = built.root;

interface Running {
  hls: LiveHlsServer;
  server: Server;
  base: string;
}

async function start(opts: Parameters<typeof createLiveHlsServer>[0]): Promise<Running> {
  const hls = createLiveHlsServer(opts);
  const server = createServer((req, res) => {
    if (!hls.handle(req, res)) {
      res.writeHead(418);
      res.end('not video');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { hls, server, base: `http://127.0.0.1:${port}` };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  r.hls.close();
  r.server.closeAllConnections();
  await new Promise<void>((res) => r.server.close(() => res()));
}

/** GET with the path sent exactly as written (fetch would normalise "..") */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Parsed {
  mediaSequence: number;
  discontinuitySequence: number;
  endList: boolean;
  segments: { uri: string; duration: number; pdt: number; discontinuity: boolean }[];
}

function parse(text: string): Parsed {
  const out: Parsed = { mediaSequence: -1, discontinuitySequence: -1, endList: false, segments: [] };
  let duration = 0;
  let pdt = Number.NaN;
  let disc = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) out.mediaSequence = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE:')) out.discontinuitySequence = Number(line.split(':')[1]);
    else if (line === '#EXT-X-DISCONTINUITY') disc = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line === '#EXT-X-ENDLIST') out.endList = true;
    else if (line && !line.startsWith('#')) {
      out.segments.push({ uri: line, duration, pdt, discontinuity: disc });
      disc = false;
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectMpegTs(buf: Uint8Array): void {
  expect(buf.length).toBeGreaterThan(188 * 10);
  expect(buf.length % 188).toBe(0);
  for (let i = 0; i < buf.length; i += 188) {
    if (buf[i] !== 0x47) throw new Error(`no TS sync byte at ${i}`);
  }
}

describe.skipIf(missing(built.available, 'demo video clips (npm run build:video)'))('live HLS server (real clock)', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ root });
  });
  afterAll(() => stop(r));

  it('lists the built variants', () => {
    expect(r.hls.variants()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
  });

  it('serves a live playlist whose media sequence advances with time', async () => {
    const res1 = await fetch(`${r.base}/video/live/C001.m3u8`);
    expect(res1.status).toBe(200);
    expect(res1.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res1.headers.get('cache-control')).toBe('no-cache');
    // same-origin only: the wall and its frames fetch streams from their own origin
    expect(res1.headers.get('access-control-allow-origin')).toBeNull();
    const t1 = Date.now();
    const text1 = await res1.text();
    expect(text1).toMatch(/^#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n/);
    expect(text1).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    expect(text1).not.toContain('ENDLIST');
    const p1 = parse(text1);
    expect(p1.segments).toHaveLength(4);
    for (const s of p1.segments) {
      expect(Number.isFinite(s.pdt)).toBe(true);
      expect(s.pdt + s.duration * 1000).toBeLessThanOrEqual(t1 + 5);
      expect(s.uri).toMatch(/^\.\.\/seg\/v\d\/seg_\d{3}\.ts\?cam=C001$/);
    }
    for (let i = 1; i < p1.segments.length; i++) {
      const a = p1.segments[i - 1];
      expect(p1.segments[i].pdt).toBe(a.pdt + Math.round(a.duration * 1000));
    }
    // the newest segment ended at most one segment ago
    const last = p1.segments[3];
    expect(t1 - (last.pdt + last.duration * 1000)).toBeLessThan(2100);

    // wait for the window to move on (one segment is 2 s), polling, for at most 10 s
    let p2 = p1;
    for (let i = 0; i < 100 && p2.mediaSequence <= p1.mediaSequence; i++) {
      await sleep(100);
      p2 = parse(await (await fetch(`${r.base}/video/live/C001.m3u8`)).text());
    }
    expect(p2.mediaSequence).toBeGreaterThan(p1.mediaSequence);
    expect(p2.discontinuitySequence).toBeGreaterThanOrEqual(p1.discontinuitySequence);
    // the same camera always plays the same variant
    expect(p2.segments[0].uri.split('/')[2]).toBe(p1.segments[0].uri.split('/')[2]);
  });

  it('serves MPEG-TS segment bytes with immutable caching', async () => {
    const pl = `${r.base}/video/live/C001.m3u8`;
    const p = parse(await (await fetch(pl)).text());
    const url = new URL(p.segments[0].uri, pl).toString();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp2t');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expectMpegTs(new Uint8Array(await res.arrayBuffer()));
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(url, { headers: { 'If-None-Match': etag as string } });
    expect(again.status).toBe(304);
    // without ?cam= too
    const plain = await fetch(`${r.base}/video/seg/v0/seg_000.ts`);
    expect(plain.status).toBe(200);
    expectMpegTs(new Uint8Array(await plain.arrayBuffer()));
    const head = await fetch(`${r.base}/video/seg/v0/seg_000.ts`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('serves a VOD recording window with ENDLIST and PDT', async () => {
    const now = Date.now();
    const start = new Date(now - 60_000).toISOString();
    const end = now - 30_000;
    const res = await fetch(`${r.base}/video/vod/C001.m3u8?start=${encodeURIComponent(start)}&end=${end}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const p = parse(text);
    expect(p.endList).toBe(true);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    const total = p.segments.reduce((a, s) => a + s.duration, 0);
    expect(total).toBeGreaterThanOrEqual(30);
    expect(total).toBeLessThanOrEqual(34);
    expect(p.segments[0].pdt).toBeLessThanOrEqual(now - 60_000);
    const lastSeg = p.segments[p.segments.length - 1];
    expect(lastSeg.pdt).toBeLessThan(end);
    // crosses at least one loop wrap (clips are <= 20 s)
    expect(p.segments.some((s) => s.discontinuity)).toBe(true);
    // bad or empty windows
    expect((await fetch(`${r.base}/video/vod/C001.m3u8?start=yesterday`)).status).toBe(400);
    expect((await fetch(`${r.base}/video/vod/C001.m3u8`)).status).toBe(400);
    expect((await fetch(`${r.base}/video/vod/C001.m3u8?start=${now}&end=${now - 1000}`)).status).toBe(400);
    expect((await fetch(`${r.base}/video/vod/C001.m3u8?start=${now + 3_600_000}&end=${now + 3_700_000}`)).status).toBe(404);
  });

  it('rejects traversal and malformed ids with 400, unknown files with 404', async () => {
    for (const path of [
      '/video/seg/../../package.json',
      '/video/seg/v0/..%2f..%2fpackage.json',
      '/video/seg/v0/%2e%2e/index.m3u8',
      '/video/../package.json',
      '/video/seg/v0\\..\\x.ts',
      '/video/live/bad%20id!.m3u8',
      '/video/live/%E0%A4%A.m3u8',
      '/video/seg/v0/index.m3u8',
      '/video/seg/v0/seg_000.ts?cam=../../x',
    ]) {
      const res = await rawGet(r.base, path);
      expect(res.status, path).toBe(400);
    }
    expect((await rawGet(r.base, '/video/seg/v99/seg_000.ts')).status).toBe(404);
    expect((await rawGet(r.base, '/video/seg/v0/seg_999.ts')).status).toBe(404);
    expect((await rawGet(r.base, '/video/nothing')).status).toBe(404);
    expect((await rawGet(r.base, '/api/other')).status).toBe(418); // not ours: falls through
    const post = await fetch(`${r.base}/video/live/C001.m3u8`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe.skipIf(missing(built.available, 'demo video clips (npm run build:video)'))('live HLS faults (injected clock)', () => {
  let r: Running;
  let clock = Date.parse('2025-03-01T08:00:00Z');
  beforeAll(async () => {
    r = await start({ root, now: () => clock, startedAt: clock - 7_200_000, stallCapMs: 800 });
  });
  afterAll(() => stop(r));

  const live = async (cam: string) => {
    const res = await fetch(`${r.base}/video/live/${cam}.m3u8`);
    return { status: res.status, text: await res.text() };
  };

  it('http404 fails the camera playlist and its segments, then recovers', async () => {
    const ok = parse((await live('C001')).text);
    const segUrl = new URL(ok.segments[0].uri, `${r.base}/video/live/C001.m3u8`).toString();
    r.hls.setFault('C001', 'http404');
    expect((await live('C001')).status).toBe(404);
    expect((await fetch(segUrl)).status).toBe(404);
    expect((await fetch(`${r.base}/video/vod/C001.m3u8?start=${clock - 60_000}`)).status).toBe(404);
    expect((await live('C002')).status).toBe(200); // other cameras unaffected
    expect((await fetch(segUrl.replace('cam=C001', 'cam=C002'))).status).toBe(200);
    r.hls.setFault('C001', 'none');
    expect((await live('C001')).status).toBe(200);
    expect((await fetch(segUrl)).status).toBe(200);
  });

  it('stall freezes the playlist and hangs segments until cleared', async () => {
    const before = (await live('C003')).text;
    const seg = new URL(parse(before).segments[3].uri, `${r.base}/video/live/C003.m3u8`).toString();
    r.hls.setFault('C003', 'stall');
    clock += 10_000;
    expect((await live('C003')).text).toBe(before); // same old window
    expect(parse((await live('C004')).text).mediaSequence).toBeGreaterThan(0); // others advance

    let settled = false;
    const pending = fetch(seg).then(async (res) => {
      settled = true;
      return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
    });
    await sleep(300);
    expect(settled).toBe(false);
    r.hls.setFault('C003', 'none');
    const got = await pending;
    expect(got.status).toBe(200);
    expectMpegTs(got.bytes);
    expect(parse((await live('C003')).text).mediaSequence).toBeGreaterThan(parse(before).mediaSequence);
  });

  it('caps VOD windows at 30 minutes', async () => {
    const res = await fetch(`${r.base}/video/vod/C002.m3u8?start=${clock - 6_000_000}&end=${clock}`);
    const p = parse(await res.text());
    const total = p.segments.reduce((a, s) => a + s.duration, 0);
    expect(total).toBeGreaterThanOrEqual(1800);
    expect(total).toBeLessThan(1804);
    expect(p.segments[0].pdt).toBeLessThanOrEqual(clock - 6_000_000);
  });

  it('a stalled segment request gives up after the cap', async () => {
    const seg = `${r.base}/video/seg/v1/seg_000.ts?cam=C005`;
    r.hls.setFault('C005', 'stall');
    const t = Date.now();
    const res = await fetch(seg);
    expect(res.status).toBe(504);
    expect(Date.now() - t).toBeGreaterThanOrEqual(700);
    r.hls.setFault('C005', 'none');
  });

  it('close() ends hanging requests', async () => {
    const other = await start({ root, now: () => clock, startedAt: clock - 600_000 });
    other.hls.setFault('C006', 'stall');
    const pending = fetch(`${other.base}/video/seg/v1/seg_000.ts?cam=C006`).then(
      (res) => res.status,
      () => -1,
    );
    await sleep(200);
    const t = Date.now();
    other.hls.close();
    const status = await pending;
    expect([503, -1]).toContain(status);
    expect(Date.now() - t).toBeLessThan(1000);
    expect((await fetch(`${other.base}/video/live/C001.m3u8`)).status).toBe(503);
    await stop(other);
  });
});

describe('without ffmpeg', () => {
  it('writes the unavailable flag and the server answers 503', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wf-novideo-'));
    try {
      const res = await buildVideos({ root: empty, ffmpeg: null });
      expect(res.available).toBe(false);
      expect(existsSync(join(empty, UNAVAILABLE_FILE))).toBe(true);
      const r = await start({ root: empty });
      expect(r.hls.variants()).toEqual([]);
      expect((await fetch(`${r.base}/video/live/C001.m3u8`)).status).toBe(503);
      await stop(r);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

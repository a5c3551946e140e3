// The demo server's LL-HLS playlist over real HTTP on 127.0.0.1: parts that are real transport
// streams adding up to their segments, blocking reloads held until the part exists, refused when
// too far ahead, answered anyway after the timeout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVideos } from '../../../scripts/make-video.js';
import { createLiveHlsServer, type LiveHlsServer } from '../../../main/demo/live-hls.js';
import { missing } from '../../helpers/assets.js';

const built = await buildVideos();

interface Running {
  hls: LiveHlsServer;
  server: Server;
  base: string;
}

async function start(opts: Omit<Parameters<typeof createLiveHlsServer>[0], 'root'> = {}): Promise<Running> {
  const hls = createLiveHlsServer({ root: built.root, ...opts });
  const server = createServer((req, res) => {
    if (!hls.handle(req, res)) {
      res.writeHead(418);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { hls, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  r.hls.close();
  r.server.closeAllConnections();
  await new Promise<void>((res) => r.server.close(() => res()));
}

interface Part {
  msn: number;
  index: number;
  uri: string;
  durationMs: number;
  /** from the segment's PROGRAM-DATE-TIME and the parts before it */
  endMs: number;
}

interface LlParsed {
  tags: Map<string, string>;
  mediaSequence: number;
  segments: { msn: number; uri: string; durationMs: number; pdt: number; parts: Part[] }[];
  /** parts of the segment in progress */
  current: Part[];
  hint: string | null;
  /** where the hinted part belongs */
  hintAt: { msn: number; index: number };
}

/** Reads an LL playlist the way a client does: tags in order, parts before their EXTINF. */
function parseLl(text: string): LlParsed {
  const tags = new Map<string, string>();
  const out: LlParsed = { tags, mediaSequence: -1, segments: [], current: [], hint: null, hintAt: { msn: -1, index: -1 } };
  let pdt = Number.NaN;
  let extinf = 0;
  let parts: Part[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const tag = colon > 0 ? line.slice(0, colon) : line;
    const value = colon > 0 ? line.slice(colon + 1) : '';
    if (line.startsWith('#')) tags.set(tag, value);
    if (tag === '#EXT-X-MEDIA-SEQUENCE') out.mediaSequence = Number(value);
    else if (tag === '#EXT-X-PROGRAM-DATE-TIME') pdt = Date.parse(value);
    else if (tag === '#EXT-X-PART') {
      const durationMs = Math.round(Number(/DURATION=([\d.]+)/.exec(value)![1]) * 1000);
      const start = parts.length > 0 ? parts[parts.length - 1].endMs : pdt;
      const msn = out.mediaSequence + out.segments.length;
      parts.push({ msn, index: parts.length, uri: /URI="([^"]+)"/.exec(value)![1], durationMs, endMs: start + durationMs });
    } else if (tag === '#EXTINF') extinf = Math.round(Number.parseFloat(value) * 1000);
    else if (tag === '#EXT-X-PRELOAD-HINT') out.hint = /URI="([^"]+)"/.exec(value)![1];
    else if (line && !line.startsWith('#')) {
      out.segments.push({ msn: out.mediaSequence + out.segments.length, uri: line, durationMs: extinf, pdt, parts });
      parts = [];
    }
  }
  out.current = parts;
  out.hintAt = { msn: out.mediaSequence + out.segments.length, index: parts.length };
  return out;
}

function expectMpegTs(buf: Uint8Array): void {
  expect(buf.length).toBeGreaterThan(188 * 4);
  expect(buf.length % 188).toBe(0);
  for (let i = 0; i < buf.length; i += 188) if (buf[i] !== 0x47) throw new Error(`no TS sync byte at ${i}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), at: Date.now() };
};

describe.skipIf(missing(built.available, 'demo LL-HLS clips (npm run build:video)'))('LL-HLS over HTTP (real clock)', () => {
  let r: Running;
  const ll = (cam: string, q = '') => `${r.base}/video/ll/${cam}.m3u8${q}`;
  beforeAll(async () => {
    r = await start({ blockingTimeoutMs: 1500 });
  });
  afterAll(() => stop(r));

  it('lists the low-latency variants beside the regular ones', () => {
    expect(r.hls.llVariants()).toEqual(r.hls.variants());
    expect(r.hls.llVariants().length).toBeGreaterThan(0);
  });

  it('serves an LL playlist whose parts are transport streams that make up their segments', async () => {
    const p0 = await get(ll('C001'));
    expect(p0.status).toBe(200);
    expect(p0.type).toBe('application/vnd.apple.mpegurl');
    const p = parseLl(p0.text);
    expect(p.tags.get('#EXT-X-SERVER-CONTROL')).toMatch(/^CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=[\d.]+$/);
    const partTarget = Number(p.tags.get('#EXT-X-PART-INF')!.replace('PART-TARGET=', ''));
    const holdBack = Number(/PART-HOLD-BACK=([\d.]+)/.exec(p.tags.get('#EXT-X-SERVER-CONTROL')!)![1]);
    expect(holdBack).toBeGreaterThanOrEqual(3 * partTarget - 1e-9);
    expect(p.hint).not.toBeNull();
    // the newest part is at most one part old
    const listed = [...p.segments.flatMap((s) => s.parts), ...p.current];
    const edge = listed[listed.length - 1].endMs;
    expect(edge).toBeLessThanOrEqual(p0.at + 5);
    expect(p0.at - edge).toBeLessThan(partTarget * 1000 + 200);
    for (const part of listed) expect(part.durationMs).toBeLessThanOrEqual(partTarget * 1000);

    // the newest complete segment with parts: parts concatenated = the segment
    const seg = [...p.segments].reverse().find((s) => s.parts.length > 0)!;
    expect(seg.parts.reduce((a, x) => a + x.durationMs, 0)).toBe(seg.durationMs);
    const base = ll('C001');
    const partBytes = await Promise.all(seg.parts.map(async (x) => new Uint8Array(await (await fetch(new URL(x.uri, base))).arrayBuffer())));
    for (const b of partBytes) {
      expectMpegTs(b);
      // each part opens with its own tables (ffmpeg: SDT, PAT, PMT) before any media: a demuxer can start on it
      const pids = Array.from({ length: 3 }, (_, i) => ((b[i * 188 + 1] & 0x1f) << 8) | b[i * 188 + 2]);
      expect(pids).toContain(0);
    }
    const whole = new Uint8Array(await (await fetch(new URL(seg.uri, base))).arrayBuffer());
    expect(Buffer.from(whole).equals(Buffer.concat(partBytes))).toBe(true);
  });

  it('holds a blocking reload until the part exists, then answers with it', async () => {
    const p = parseLl((await get(ll('C002'))).text);
    const heldBefore = r.hls.llStats('C002').held;
    // the part after the hinted one: not there yet whatever the phase (the hinted one may be)
    const want = { msn: p.hintAt.msn, index: p.hintAt.index + 1 };
    const t0 = Date.now();
    const res = await get(ll('C002', `?_HLS_msn=${want.msn}&_HLS_part=${want.index}`));
    expect(res.status).toBe(200);
    const q = parseLl(res.text);
    const parts = [...q.segments.flatMap((s) => s.parts), ...q.current];
    // an index past the segment's last part is part 0 of the next one
    const got = parts.find((x) => x.msn === want.msn && x.index === want.index) ?? parts.find((x) => x.msn === want.msn + 1 && x.index === 0);
    expect(got, `part ${want.msn}.${want.index} in\n${res.text}`).toBeDefined();
    expect(parts.some((x) => x.uri === p.hint)).toBe(true);
    // held: answered once the part was finished (by its programme date-time), not before, not much after
    expect(res.at).toBeGreaterThanOrEqual(got!.endMs - 5);
    expect(res.at - got!.endMs).toBeLessThan(300);
    expect(res.at - t0).toBeGreaterThan(100);
    expect(r.hls.llStats('C002').held).toBe(heldBefore + 1);
    console.log(`[ll-hls] blocking reload for ${want.msn}.${want.index} held ${res.at - t0} ms, answered ${res.at - got!.endMs} ms after the part was due`);
  });

  it('answers a reload for what already exists at once', async () => {
    const p = parseLl((await get(ll('C003'))).text);
    const last = p.segments[p.segments.length - 1];
    const t0 = Date.now();
    const res = await get(ll('C003', `?_HLS_msn=${last.msn}`));
    expect(res.status).toBe(200);
    expect(res.at - t0).toBeLessThan(150);
    expect(parseLl(res.text).segments.some((s) => s.msn === last.msn)).toBe(true);
  });

  it('refuses requests too far ahead or malformed with 400, at once', async () => {
    const p = parseLl((await get(ll('C004'))).text);
    const lastMsn = p.segments[p.segments.length - 1].msn;
    const refusedBefore = r.hls.llStats('C004').refused;
    const t0 = Date.now();
    expect((await get(ll('C004', `?_HLS_msn=${lastMsn + 3}`))).status).toBe(400);
    expect((await get(ll('C004', `?_HLS_msn=${lastMsn + 3}&_HLS_part=0`))).status).toBe(400);
    expect((await get(ll('C004', '?_HLS_msn=999999999'))).status).toBe(400);
    expect((await get(ll('C004', '?_HLS_part=1'))).status).toBe(400);
    expect((await get(ll('C004', '?_HLS_msn=abc'))).status).toBe(400);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(r.hls.llStats('C004').refused).toBe(refusedBefore + 5);
    // two segments ahead is still allowed (and waited for)
    expect((await get(ll('C004', `?_HLS_msn=${lastMsn + 1}`))).status).toBe(200);
  });

  it('leaves the regular live playlist alone', async () => {
    const res = await get(`${r.base}/video/live/C001.m3u8`);
    expect(res.text).toMatch(/^#EXTM3U\n#EXT-X-VERSION:3\n/);
    expect(res.text).not.toContain('#EXT-X-PART');
    expect((await get(`${r.base}/video/live/C001.m3u8?_HLS_msn=999999999`)).status).toBe(200);
  });

  it('rejects bad part paths', async () => {
    expect((await get(`${r.base}/video/ll/seg/v0/part_999.ts`)).status).toBe(404);
    expect((await get(`${r.base}/video/ll/seg/v0/..%2fx.ts`)).status).toBe(400);
    expect((await get(`${r.base}/video/ll/seg/v0/part_000.ts?cam=..`)).status).toBe(400);
    expect((await get(`${r.base}/video/ll/bad id.m3u8`)).status).toBe(400);
  });
});

describe.skipIf(missing(built.available, 'demo LL-HLS clips (npm run build:video)'))('LL-HLS blocking reload under faults', () => {
  it('answers with the frozen playlist after the timeout when the camera stalls, and at once when it recovers', async () => {
    const r = await start({ blockingTimeoutMs: 700 });
    try {
      const url = (q = '') => `${r.base}/video/ll/C010.m3u8${q}`;
      const p = parseLl((await get(url())).text);
      r.hls.setFault('C010', 'stall');
      const frozen = (await get(url())).text;
      const q = `?_HLS_msn=${p.hintAt.msn}&_HLS_part=${p.hintAt.index + 1}`;
      const t0 = Date.now();
      const res = await get(url(q));
      expect(res.status).toBe(200);
      expect(res.at - t0).toBeGreaterThanOrEqual(650);
      expect(res.at - t0).toBeLessThan(1500);
      expect(res.text).toBe(frozen); // nothing new: the camera is stuck
      expect(r.hls.llStats('C010').timedOut).toBe(1);

      // held again, then the fault clears: answered without waiting for the timeout
      const pending = get(url(q));
      await sleep(150);
      r.hls.setFault('C010', 'none');
      const after = await pending;
      expect(after.status).toBe(200);
      expect(after.text).not.toBe(frozen);
      expect(r.hls.llStats('C010').timedOut).toBe(1);

      // http404: the playlist, a held reload and the parts fail
      const segs = parseLl(after.text).segments;
      const part = segs[segs.length - 1].parts[0];
      expect((await get(new URL(part.uri, url()).toString())).status).toBe(200);
      r.hls.setFault('C010', 'http404');
      expect((await get(url())).status).toBe(404);
      expect((await get(url(q))).status).toBe(404);
      expect((await get(new URL(part.uri, url()).toString())).status).toBe(404);
      r.hls.setFault('C010', 'none');
    } finally {
      await stop(r);
    }
  });

  it('close() answers held reloads at once', async () => {
    const r = await start({ blockingTimeoutMs: 5000 });
    const p = parseLl((await get(`${r.base}/video/ll/C011.m3u8`)).text);
    r.hls.setFault('C011', 'stall');
    const pending = fetch(`${r.base}/video/ll/C011.m3u8?_HLS_msn=${p.hintAt.msn + 1}`).then(
      (res) => res.status,
      () => -1,
    );
    await sleep(200);
    const t0 = Date.now();
    r.hls.close();
    expect([503, -1]).toContain(await pending);
    expect(Date.now() - t0).toBeLessThan(1000);
    await stop(r);
  });
});

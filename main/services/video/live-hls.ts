// Endless "live" HLS from pre-built VOD clips (scripts/make-video.ts), so the
// demo and the tests need no encoder. Node-only (no Electron): plug `handle`
// into any node:http server in front of the rest of the routing.
//
//   GET /video/live/<cameraId>.m3u8          sliding live playlist (no ENDLIST)
//   GET /video/vod/<cameraId>.m3u8?start=&end=  "recording" of the same loop (ENDLIST)
//   GET /video/seg/<variant>/<file>.ts[?cam=<cameraId>]  segment bytes
//
// Every camera maps to a variant by a stable hash of its id and plays that clip
// in a loop since `startedAt`; all the maths lives in core/video/live-window.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Clip,
  MAX_VOD_WINDOW_MS,
  liveWindow,
  parseMediaPlaylist,
  renderPlaylist,
  variantFor,
  vodWindow,
  type LoopSegment,
} from '../../../core/video/live-window.js';

export interface LiveHlsOptions {
  /** Folder with one sub-folder per variant (index.m3u8 + segments), e.g. assets/generated/video. */
  root: string;
  /** Segments in the live playlist, default 4. */
  windowSize?: number;
  /** Injectable clock, epoch ms. Default Date.now. */
  now?: () => number;
  /**
   * Epoch ms at which every loop "started" (all cameras share it). Default:
   * 30 min before the server was created, whole second, so the live window is
   * full at once and the last 30 min are "recorded". Keep it recent: hls.js
   * 1.7 walks a sparse array up to the discontinuity sequence number on every
   * playlist load (initPTS.some in StreamController.onLevelLoaded), so an
   * epoch-0 anchor (~1e8 wraps) blocks the page for >1 s per reload.
   */
  startedAt?: number;
  /** Longest a segment request hangs under the `stall` fault, default 10 000 ms. */
  stallCapMs?: number;
}

export type StreamFault = 'none' | 'http404' | 'stall';

export interface LiveHlsServer {
  /** Handles /video/... requests; returns false if the URL is not ours so the caller can continue routing. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  setFault(cameraId: string, fault: StreamFault): void;
  variants(): string[];
  close(): void;
}

interface Variant {
  name: string;
  dir: string;
  clip: Clip;
  /** file name -> ETag */
  files: Map<string, string>;
}

interface Stalled {
  cameraId: string;
  res: ServerResponse;
  timer: ReturnType<typeof setTimeout>;
  release: () => void;
}

const PREFIX = '/video/';
const NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;
const FILE_RE = /^[A-Za-z0-9_-]{1,64}\.ts$/;
const CAMERA_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const RESCAN_MS = 1000;
const DEFAULT_BACKFILL_MS = 30 * 60 * 1000;

export function isValidCameraId(id: string): boolean {
  return CAMERA_RE.test(id) && !id.includes('..');
}

/** Parses "2024-01-01T00:00:00Z" or epoch milliseconds; NaN when invalid. */
export function parseTimeParam(v: string | null): number {
  if (v === null || v === '') return Number.NaN;
  if (/^\d{1,16}$/.test(v)) return Number(v);
  return Date.parse(v);
}

function loadVariants(root: string): Map<string, Variant> {
  const out = new Map<string, Variant>();
  let entries: string[];
  try {
    entries = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && NAME_RE.test(d.name))
      .map((d) => d.name);
  } catch {
    return out;
  }
  entries.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const name of entries) {
    const dir = join(root, name);
    try {
      const clip = parseMediaPlaylist(readFileSync(join(dir, 'index.m3u8'), 'utf8'));
      if (!clip || !clip.segments.every((s) => FILE_RE.test(s.uri))) continue;
      const files = new Map<string, string>();
      for (const s of clip.segments) {
        const st = statSync(join(dir, s.uri));
        files.set(s.uri, `"${name}-${s.uri}-${st.size}-${Math.floor(st.mtimeMs)}"`);
      }
      out.set(name, { name, dir, clip, files });
    } catch {
      /* incomplete variant: skip */
    }
  }
  return out;
}

export function createLiveHlsServer(opts: LiveHlsOptions): LiveHlsServer {
  const windowSize = Math.max(1, Math.floor(opts.windowSize ?? 4));
  const now = opts.now ?? Date.now;
  const startedAt = opts.startedAt ?? Math.floor((now() - DEFAULT_BACKFILL_MS) / 1000) * 1000;
  const stallCapMs = opts.stallCapMs ?? 10_000;

  let variants = loadVariants(opts.root);
  let names = [...variants.keys()];
  let lastScan = Date.now();
  let closed = false;
  const faults = new Map<string, Exclude<StreamFault, 'none'>>();
  /** cameraId -> clock value at which its playlist froze (stall fault). */
  const frozenAt = new Map<string, number>();
  const stalled = new Set<Stalled>();
  const bytes = new Map<string, Promise<Buffer>>();

  function ensureVariants(): void {
    if (names.length > 0 || Date.now() - lastScan < RESCAN_MS) return;
    lastScan = Date.now();
    variants = loadVariants(opts.root);
    names = [...variants.keys()];
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent || res.destroyed) return;
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
      'Content-Length': String(buf.length),
    });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }

  function playlistResponse(req: IncomingMessage, res: ServerResponse, text: string): void {
    send(req, res, 200, text, { 'Content-Type': PLAYLIST_TYPE, 'Cache-Control': 'no-cache' });
  }

  function segmentUri(variant: string, cameraId: string) {
    // Relative, so it works from /video/live/ and /video/vod/ behind any prefix.
    return (seg: LoopSegment) => `../seg/${variant}/${seg.uri}?cam=${encodeURIComponent(cameraId)}`;
  }

  function cameraVariant(cameraId: string): Variant | undefined {
    const v = variantFor(cameraId, names);
    return v === undefined ? undefined : variants.get(v);
  }

  function serveLive(req: IncomingMessage, res: ServerResponse, cameraId: string): void {
    if (faults.get(cameraId) === 'http404') return send(req, res, 404, 'camera offline (fault)\n');
    const v = cameraVariant(cameraId);
    if (!v) return send(req, res, 503, 'video unavailable (run npm run build:video)\n');
    const t = frozenAt.get(cameraId) ?? now();
    const win = liveWindow(v.clip, startedAt, t, windowSize);
    playlistResponse(req, res, renderPlaylist(win, { uri: segmentUri(v.name, cameraId) }));
  }

  function serveVod(req: IncomingMessage, res: ServerResponse, cameraId: string, query: URLSearchParams): void {
    if (faults.get(cameraId) === 'http404') return send(req, res, 404, 'camera offline (fault)\n');
    const t = now();
    const start = parseTimeParam(query.get('start'));
    const end = query.has('end') ? parseTimeParam(query.get('end')) : t;
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      return send(req, res, 400, 'start and end must be ISO-8601 or epoch ms\n');
    }
    if (end <= start) return send(req, res, 400, 'end must be after start\n');
    const v = cameraVariant(cameraId);
    if (!v) return send(req, res, 503, 'video unavailable (run npm run build:video)\n');
    const win = vodWindow(v.clip, startedAt, start, end, t, MAX_VOD_WINDOW_MS);
    if (win.segments.length === 0) return send(req, res, 404, 'no recording in that window\n');
    playlistResponse(req, res, renderPlaylist(win, { uri: segmentUri(v.name, cameraId), endList: true }));
  }

  function loadBytes(v: Variant, file: string): Promise<Buffer> {
    const key = `${v.name}/${file}`;
    let p = bytes.get(key);
    if (!p) {
      p = readFile(join(v.dir, file));
      bytes.set(key, p);
      p.catch(() => bytes.delete(key));
    }
    return p;
  }

  function serveSegment(req: IncomingMessage, res: ServerResponse, v: Variant, file: string, cameraId: string | null): void {
    const fault = cameraId === null ? undefined : faults.get(cameraId);
    if (fault === 'http404') return send(req, res, 404, 'camera offline (fault)\n');
    if (fault === 'stall' && cameraId !== null) {
      const entry: Stalled = {
        cameraId,
        res,
        timer: setTimeout(() => {
          stalled.delete(entry);
          send(req, res, 504, 'stalled (fault)\n');
        }, stallCapMs),
        release: () => {
          clearTimeout(entry.timer);
          stalled.delete(entry);
          serveSegment(req, res, v, file, cameraId);
        },
      };
      stalled.add(entry);
      res.on('close', () => {
        clearTimeout(entry.timer);
        stalled.delete(entry);
      });
      return;
    }
    const etag = v.files.get(file) as string;
    const headers = {
      'Content-Type': 'video/mp2t',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: etag,
    };
    if (req.headers['if-none-match'] === etag) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(304, { 'Access-Control-Allow-Origin': '*', ...headers });
        res.end();
      }
      return;
    }
    loadBytes(v, file).then(
      (buf) => send(req, res, 200, buf, headers),
      () => send(req, res, 404, 'segment missing\n'),
    );
  }

  function route(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): void {
    if (closed) return send(req, res, 503, 'shutting down\n');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'method not allowed\n', { Allow: 'GET, HEAD, OPTIONS' });
    }
    // Anything that could climb out of the tree or smuggle separators: 400.
    if (/\.\.|\\|%2e|%2f|%5c|%00|\/\//i.test(rawPath) || rawPath.includes('\0')) {
      return send(req, res, 400, 'bad path\n');
    }
    const parts = rawPath.slice(PREFIX.length).split('/');
    const query = new URLSearchParams(rawQuery);
    ensureVariants();

    if ((parts[0] === 'live' || parts[0] === 'vod') && parts.length === 2) {
      const m = /^(.+)\.m3u8$/.exec(parts[1]);
      const id = m ? safeDecode(m[1]) : null;
      if (id === null || !isValidCameraId(id)) return send(req, res, 400, 'bad camera id\n');
      return parts[0] === 'live' ? serveLive(req, res, id) : serveVod(req, res, id, query);
    }
    if (parts[0] === 'seg' && parts.length === 3) {
      const [, variant, file] = parts;
      if (!NAME_RE.test(variant) || !FILE_RE.test(file)) return send(req, res, 400, 'bad segment path\n');
      const cam = query.get('cam');
      if (cam !== null && !isValidCameraId(cam)) return send(req, res, 400, 'bad camera id\n');
      const v = variants.get(variant);
      if (!v || !v.files.has(file)) return send(req, res, 404, 'no such segment\n');
      return serveSegment(req, res, v, file, cam);
    }
    return send(req, res, 404, 'not found\n');
  }

  return {
    handle(req, res) {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const rawPath = q >= 0 ? url.slice(0, q) : url;
      if (!rawPath.startsWith(PREFIX)) return false;
      try {
        route(req, res, rawPath, q >= 0 ? url.slice(q + 1) : '');
      } catch {
        try {
          send(req, res, 500, 'internal error\n');
        } catch {
          res.destroy();
        }
      }
      return true;
    },

    setFault(cameraId, fault) {
      const prev = faults.get(cameraId);
      if (fault === 'none') faults.delete(cameraId);
      else faults.set(cameraId, fault);
      if (fault === 'stall') {
        if (prev !== 'stall') frozenAt.set(cameraId, now());
        return;
      }
      frozenAt.delete(cameraId);
      for (const s of [...stalled]) if (s.cameraId === cameraId) s.release();
    },

    variants() {
      ensureVariants();
      return [...names];
    },

    close() {
      closed = true;
      for (const s of [...stalled]) {
        clearTimeout(s.timer);
        stalled.delete(s);
        try {
          if (!s.res.headersSent) {
            s.res.writeHead(503, { 'Access-Control-Allow-Origin': '*', Connection: 'close' });
            s.res.end();
          } else {
            s.res.destroy();
          }
        } catch {
          s.res.destroy();
        }
      }
      bytes.clear();
    },
  };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

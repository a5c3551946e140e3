// Endless "live" HLS from pre-built VOD clips (scripts/make-video.ts), so the
// demo and the tests need no encoder. Node-only (no Electron): plug `handle`
// into any node:http server in front of the rest of the routing.
//
//   GET /video/live/<cameraId>.m3u8          sliding live playlist (no ENDLIST)
//   GET /video/vod/<cameraId>.m3u8?start=&end=  "recording" of the same loop (ENDLIST)
//   GET /video/seg/<variant>/<file>.ts[?cam=<cameraId>]  segment bytes
//   GET /video/ll/<cameraId>.m3u8[?_HLS_msn=N[&_HLS_part=M]]  the same loop as low-latency HLS:
//       parts, preload hint, blocking playlist reload
//   GET /video/ll/seg/<variant>/<file>.ts[?cam=<cameraId>]  LL part or segment bytes
//
// Every camera maps to a variant by a stable hash of its id and plays that clip
// in a loop since `startedAt`; all the maths lives in core/video/live-window.ts
// and core/video/ll-window.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Clip,
  MAX_VOD_WINDOW_MS,
  liveWindow,
  parseMediaPlaylist,
  targetDurationOf,
  renderPlaylist,
  variantFor,
  vodWindow,
  type LoopSegment,
} from '../../core/demo/video/live-window.js';
import {
  type LlClip,
  type LoopPart,
  blockingReload,
  llWindow,
  parseLlPlaylist,
  parseReloadQuery,
  renderLlPlaylist,
  type ReloadRequest,
} from '../../core/demo/video/ll-window.js';

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
  /** Folder of the low-latency variants (scripts/make-video.ts), default <root>/ll. */
  llRoot?: string;
  /**
   * Longest a blocking playlist reload is held before it is answered with what there is, default
   * three target durations (the spec's suggestion; hls.js gives up on its own after
   * max(3 parts, 0.8 target durations) and asks again).
   */
  blockingTimeoutMs?: number;
}

/** What one camera's low-latency stream was asked for: evidence that a player took the LL path. */
export interface LlCounters {
  /** LL playlist requests, all kinds */
  playlists: number;
  /** with _HLS_msn (blocking reloads) */
  blocking: number;
  /** of those, held until their part appeared */
  held: number;
  /** answered without it after the timeout */
  timedOut: number;
  /** refused with 400 (too far ahead, malformed) */
  refused: number;
  parts: number;
  segments: number;
}

export type StreamFault = 'none' | 'http404' | 'stall';

export interface LiveHlsServer {
  /** Handles /video/... requests; returns false if the URL is not ours so the caller can continue routing. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  setFault(cameraId: string, fault: StreamFault): void;
  variants(): string[];
  /** The low-latency variants (same names and pictures as variants()). */
  llVariants(): string[];
  /** Counters of the camera's /video/ll/ requests since the server started (zeros if none). */
  llStats(cameraId: string): LlCounters;
  close(): void;
}

interface Variant<C extends Clip = Clip> {
  name: string;
  dir: string;
  clip: C;
  /** file name -> ETag */
  files: Map<string, string>;
}

interface Held {
  cameraId: string;
  res: ServerResponse;
  timer: ReturnType<typeof setTimeout> | null;
  /** answer now with whatever the playlist holds */
  retry: () => void;
}

interface Stalled {
  cameraId: string;
  res: ServerResponse;
  timer: ReturnType<typeof setTimeout>;
  release: () => void;
}

const PREFIX = '/video/';
// /video/ll/... routes, and the sub-folder of the video root with the LL clips (make-video.ts LL_DIR)
const LL = 'll';
const MAX_COUNTED_CAMERAS = 4096;
const NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;
const FILE_RE = /^[A-Za-z0-9_-]{1,64}\.ts$/;
const CAMERA_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const RESCAN_MS = 1000;
const DEFAULT_BACKFILL_MS = 30 * 60 * 1000;

const noCounters = (): LlCounters => ({ playlists: 0, blocking: 0, held: 0, timedOut: 0, refused: 0, parts: 0, segments: 0 });

export function isValidCameraId(id: string): boolean {
  return CAMERA_RE.test(id) && !id.includes('..');
}

/** Parses "2024-01-01T00:00:00Z" or epoch milliseconds; NaN when invalid. */
export function parseTimeParam(v: string | null): number {
  if (v === null || v === '') return Number.NaN;
  if (/^\d{1,16}$/.test(v)) return Number(v);
  return Date.parse(v);
}

/**
 * Every <root>/<name>/ with an index.m3u8 that `parse` accepts and whose files (`filesOf`) exist.
 * `tag` keeps the ETags of variants with the same name in different sets apart.
 */
function loadVariants<C extends Clip>(root: string, parse: (text: string) => C | null, filesOf: (clip: C) => string[], tag: string): Map<string, Variant<C>> {
  const out = new Map<string, Variant<C>>();
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
      const clip = parse(readFileSync(join(dir, 'index.m3u8'), 'utf8'));
      if (!clip) continue;
      const uris = filesOf(clip);
      if (!uris.every((u) => FILE_RE.test(u))) continue;
      const files = new Map<string, string>();
      for (const uri of uris) {
        const st = statSync(join(dir, uri));
        files.set(uri, `"${tag}${name}-${uri}-${st.size}-${Math.floor(st.mtimeMs)}"`);
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
  const llRoot = opts.llRoot ?? join(opts.root, LL);

  const loadRegular = () => loadVariants(opts.root, parseMediaPlaylist, (c) => c.segments.map((s) => s.uri), '');
  const loadLl = () => loadVariants(llRoot, parseLlPlaylist, (c: LlClip) => c.segments.flatMap((s) => [...s.parts.map((p) => p.uri), s.uri]), 'll-');
  let variants = loadRegular();
  let names = [...variants.keys()];
  let llVariants = loadLl();
  let llNames = [...llVariants.keys()];
  let lastScan = Date.now();
  let closed = false;
  const faults = new Map<string, Exclude<StreamFault, 'none'>>();
  /** cameraId -> clock value at which its playlist froze (stall fault). */
  const frozenAt = new Map<string, number>();
  const stalled = new Set<Stalled>();
  const held = new Set<Held>();
  const llCounters = new Map<string, LlCounters>();
  const bytes = new Map<string, Promise<Buffer>>();

  function ensureVariants(): void {
    if ((names.length > 0 && llNames.length > 0) || Date.now() - lastScan < RESCAN_MS) return;
    lastScan = Date.now();
    if (names.length === 0) {
      variants = loadRegular();
      names = [...variants.keys()];
    }
    if (llNames.length === 0) {
      llVariants = loadLl();
      llNames = [...llVariants.keys()];
    }
  }

  function counters(cameraId: string): LlCounters {
    let c = llCounters.get(cameraId);
    if (!c) {
      // any well-formed id can be asked for: keep the newest few thousand, not every one ever seen
      if (llCounters.size >= MAX_COUNTED_CAMERAS) llCounters.delete(llCounters.keys().next().value as string);
      c = noCounters();
      llCounters.set(cameraId, c);
    }
    return c;
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
    const key = join(v.dir, file);
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
        res.writeHead(304, headers);
        res.end();
      }
      return;
    }
    loadBytes(v, file).then(
      (buf) => send(req, res, 200, buf, headers),
      () => send(req, res, 404, 'segment missing\n'),
    );
  }

  /** The playlist clock of a camera: frozen under the `stall` fault. */
  const clockOf = (cameraId: string) => frozenAt.get(cameraId) ?? now();

  function llCameraVariant(cameraId: string): Variant<LlClip> | undefined {
    const v = variantFor(cameraId, llNames);
    return v === undefined ? undefined : llVariants.get(v);
  }

  function serveLl(req: IncomingMessage, res: ServerResponse, cameraId: string, query: URLSearchParams): void {
    if (faults.get(cameraId) === 'http404') return send(req, res, 404, 'camera offline (fault)\n');
    const v = llCameraVariant(cameraId);
    if (!v) return send(req, res, 503, 'low-latency video unavailable (run npm run build:video)\n');
    const c = counters(cameraId);
    c.playlists++;
    const directive = parseReloadQuery(query.get('_HLS_msn'), query.get('_HLS_part'));
    if (directive !== null && 'error' in directive) {
      c.refused++;
      return send(req, res, 400, `${directive.error}\n`);
    }
    const uri = (file: string) => `seg/${v.name}/${file}?cam=${encodeURIComponent(cameraId)}`;
    const answer = () => {
      const win = llWindow(v.clip, startedAt, clockOf(cameraId), windowSize);
      playlistResponse(req, res, renderLlPlaylist(win, { segmentUri: (s) => uri(s.uri), partUri: (p: LoopPart) => uri(p.uri) }));
    };
    if (directive === null) return answer();
    c.blocking++;
    holdUntil(req, res, cameraId, v.clip, directive, c, answer);
  }

  /**
   * Blocking playlist reload: answer once the asked-for part or segment exists, 400 when it is too
   * far ahead, and after `blockingTimeoutMs` (real time, whatever the injected clock does) answer
   * with what there is. The stream is synthetic, so the moment a part appears is known: one timer,
   * no polling; it re-checks on waking in case the clock moved differently (injected, frozen).
   */
  function holdUntil(req: IncomingMessage, res: ServerResponse, cameraId: string, clip: LlClip, request: ReloadRequest, c: LlCounters, answer: () => void): void {
    const timeoutMs = opts.blockingTimeoutMs ?? 3 * targetDurationOf(clip) * 1000;
    const deadline = Date.now() + timeoutMs;
    let entry: Held | null = null;
    const finish = () => {
      if (entry) {
        if (entry.timer !== null) clearTimeout(entry.timer);
        held.delete(entry);
        entry = null;
      }
    };
    const attempt = () => {
      // (also called from setFault, with the timer still armed)
      if (entry && entry.timer !== null) clearTimeout(entry.timer);
      if (entry) entry.timer = null;
      if (closed || res.destroyed) return finish();
      if (faults.get(cameraId) === 'http404') {
        finish();
        return send(req, res, 404, 'camera offline (fault)\n');
      }
      const d = blockingReload(clip, startedAt, clockOf(cameraId), request);
      if (d.kind === 'bad') {
        finish();
        c.refused++;
        return send(req, res, 400, `${d.reason}\n`);
      }
      const left = deadline - Date.now();
      if (d.kind === 'ready' || left <= 0) {
        finish();
        if (d.kind !== 'ready') c.timedOut++;
        return answer();
      }
      if (!entry) {
        c.held++;
        entry = { cameraId, res, timer: null, retry: attempt };
        held.add(entry);
        res.on('close', finish);
      }
      entry.timer = setTimeout(attempt, Math.max(1, Math.min(d.untilMs - clockOf(cameraId), left)));
    };
    attempt();
  }

  function serveLlFile(req: IncomingMessage, res: ServerResponse, variant: string, file: string, cam: string | null): void {
    const v = llVariants.get(variant);
    if (!v || !v.files.has(file)) return send(req, res, 404, 'no such part or segment\n');
    if (cam !== null) {
      const c = counters(cam);
      if (file.startsWith('part_')) c.parts++;
      else c.segments++;
    }
    serveSegment(req, res, v, file, cam);
  }

  function route(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): void {
    if (closed) return send(req, res, 503, 'shutting down\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
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
    if (parts[0] === LL && parts.length === 2) {
      const m = /^(.+)\.m3u8$/.exec(parts[1]);
      const id = m ? safeDecode(m[1]) : null;
      if (id === null || !isValidCameraId(id)) return send(req, res, 400, 'bad camera id\n');
      return serveLl(req, res, id, query);
    }
    if (parts[0] === LL && parts[1] === 'seg' && parts.length === 4) {
      const [, , variant, file] = parts;
      if (!NAME_RE.test(variant) || !FILE_RE.test(file)) return send(req, res, 400, 'bad segment path\n');
      const cam = query.get('cam');
      if (cam !== null && !isValidCameraId(cam)) return send(req, res, 400, 'bad camera id\n');
      return serveLlFile(req, res, variant, file, cam);
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
      // held blocking reloads see the new state (thawed clock, 404) at once
      for (const h of [...held]) if (h.cameraId === cameraId) h.retry();
    },

    variants() {
      ensureVariants();
      return [...names];
    },

    llVariants() {
      ensureVariants();
      return [...llNames];
    },

    llStats(cameraId) {
      return { ...(llCounters.get(cameraId) ?? noCounters()) };
    },

    close() {
      closed = true;
      // held and stalled requests alike: 503 where nothing was sent yet, else cut
      const release = (res: ServerResponse) => {
        try {
          if (!res.headersSent) {
            res.writeHead(503, { Connection: 'close' });
            res.end();
          } else {
            res.destroy();
          }
        } catch {
          res.destroy();
        }
      };
      for (const s of [...stalled]) {
        clearTimeout(s.timer);
        stalled.delete(s);
        release(s.res);
      }
      for (const h of [...held]) {
        if (h.timer !== null) clearTimeout(h.timer);
        held.delete(h);
        release(h.res);
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

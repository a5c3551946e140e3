// The web shell: the same services as Electron's main process, served over HTTP with the
// bridge on a WebSocket. Debian's Chromium (tests, or a wall without Electron) opens it.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Host } from '../services/host.js';
import { createLiveHlsServer, type LiveHlsServer } from '../services/video/live-hls.js';

export interface WebShellOptions {
  host: Host;
  /** built renderer (vite build output) */
  staticDir: string;
  /** generated demo video clips */
  videoDir: string;
  /** demo media (clue photos) served under /media/; default: assets/generated/media beside videoDir */
  mediaDir?: string;
  listenHost: string;
  port: number;
}

export interface WebShell {
  url: string;
  port: number;
  server: Server;
  video: LiveHlsServer;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.pmtiles': 'application/octet-stream',
};

import { CONTENT_SECURITY_POLICY, VIDEO_FRAME_POLICY } from './csp.js';

export { CONTENT_SECURITY_POLICY, VIDEO_FRAME_POLICY, contentSecurityPolicy } from './csp.js';

const VIDEO_FRAME_FILE = 'video-frame.html';

/** WebSocket frames waiting beyond this mean the client cannot keep up. */
const CONGESTED_BYTES = 32 * 1024 * 1024;

/** root + URL path, or null when the decoded path is malformed or leaves root. */
function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidate = normalize(join(root, decoded));
  return candidate === root || candidate.startsWith(root + sep) ? candidate : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function serveFile(req: IncomingMessage, res: ServerResponse, path: string, extraHeaders: Record<string, string> = {}): void {
  const stat = statSync(path);
  const type = MIME[extname(path)] ?? 'application/octet-stream';
  const range = req.headers.range && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range);
  if (range) {
    // pmtiles reads by byte range
    const start = range[1] ? Number(range[1]) : Math.max(0, stat.size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1;
    if (start > end || start >= stat.size) {
      res.writeHead(416, { 'Content-Range': `bytes */${stat.size}` });
      res.end();
      return;
    }
    res.writeHead(206, { 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${stat.size}`, 'Accept-Ranges': 'bytes', ...extraHeaders });
    createReadStream(path, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': stat.size, 'Accept-Ranges': 'bytes', ...extraHeaders });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const { host } = opts;
  const staticRoot = resolve(opts.staticDir);
  const video = createLiveHlsServer({ root: opts.videoDir });
  const mediaRoot = resolve(opts.mediaDir ?? join(opts.videoDir, '../media'));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `method ${req.method} not allowed` });
      return;
    }
    if (path === '/api/health') {
      const h = host.health();
      sendJson(res, 200, { ...h, clients: host.hub.peerCount, badRequests: host.hub.badRequests.count });
      return;
    }
    if (path === '/api/situation') {
      const s = host.situation.snapshot();
      sendJson(res, 200, { incidents: s.incidents, units: s.units, kiosks: s.kiosks, cameras: s.cameras, stats: s.stats, now: s.now });
      return;
    }
    if (path === '/api/rejects') {
      sendJson(res, 200, host.situation.state.rejects);
      return;
    }
    if (path === '/api/reference') {
      sendJson(res, 200, host.reference());
      return;
    }
    if (path.startsWith('/api/')) {
      sendJson(res, 404, { error: `no such endpoint ${path.slice(0, 100)}` });
      return;
    }
    if (path.startsWith('/video/') && video.handle(req, res)) return;
    if (path.startsWith('/media/')) {
      const file = safeJoin(mediaRoot, path.slice('/media'.length));
      if (!file) sendJson(res, 400, { error: 'bad media path' });
      else if (!existsSync(file) || !statSync(file).isFile()) sendJson(res, 404, { error: 'no such media' });
      else serveFile(req, res, file, { 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
      return;
    }
    if (path === '/basemap.pmtiles') {
      if (host.basemapPath && existsSync(host.basemapPath)) serveFile(req, res, host.basemapPath);
      else sendJson(res, 404, { error: 'no basemap configured' });
      return;
    }
    // Static renderer files; unknown paths get the app (client-side routes).
    const candidate = safeJoin(staticRoot, path);
    if (!candidate) {
      sendJson(res, 400, { error: 'bad path' });
      return;
    }
    const file = existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(staticRoot, 'index.html');
    if (!existsSync(file)) {
      sendJson(res, 503, { error: 'renderer not built: run `npm run build:renderer`' });
      return;
    }
    const immutable = file.includes(`${sep}assets${sep}`);
    serveFile(req, res, file, {
      'Content-Security-Policy': file === join(staticRoot, VIDEO_FRAME_FILE) ? VIDEO_FRAME_POLICY : CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: (e as Error).message });
      else res.destroy();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Another site in the operator's browser must not be able to open our bridge.
    const origin = req.headers.origin;
    if (url.pathname !== '/bridge' || (origin && new URL(origin).host !== req.headers.host)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachSocket(ws));
  });

  function attachSocket(ws: WebSocket): void {
    const handle = host.hub.attach({
      deliver: (_message, encode) => {
        if (ws.readyState === ws.OPEN) ws.send(encode());
      },
      congested: () => ws.bufferedAmount > CONGESTED_BYTES,
      close: (reason) => ws.close(1013, reason.slice(0, 100)),
    });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        parsed = null;
      }
      handle.receive(parsed);
    });
    ws.on('close', () => handle.detach());
    ws.on('error', () => handle.detach());
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.listenHost, () => resolveListen());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${opts.listenHost}:${port}`,
    port,
    server,
    video,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      video.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

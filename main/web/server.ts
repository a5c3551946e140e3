// The web shell: the same services as Electron's main process, served over HTTP with the
// bridge on a WebSocket. Debian's Chromium (tests, or a wall without Electron) opens it. The
// Electron shell runs it too, on loopback, for video and the basemap: everything here assumes a
// hostile client on the duty-room network (docs/security.md).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AccessRefusal } from '../../core/contract.js';
import type { Host } from '../services/host.js';
import type { PeerAuth } from '../services/bridge-hub.js';
import { type AccessPolicy, accessPolicy, checkBridgeOrigin, checkHost, checkOrigin, decodePath, parseRequestTarget } from './access.js';
import { COMMON_HEADERS, DOCUMENT_HEADERS, type PagePolicies, webShellPolicies } from './csp.js';
import { cookieValue, SESSION_COOKIE } from '../services/auth.js';
import { type ApiAnswer, readJsonBody, routeApi, sendAnswer, signIn } from './api.js';
import { IdempotencyCache } from './idempotency.js';
import { caseService } from '../cases/case-service.js';

/** Routes an entry point mounts under /video/: the demo's stream server (main/demo/live-hls.ts). */
export interface VideoRoutes {
  /** answers a /video/… request, or false when it is not one of its own */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

export interface WebShellOptions<V extends VideoRoutes = VideoRoutes> {
  host: Host;
  /** built renderer (vite build output) */
  staticDir: string;
  /** what answers /video/…: none in a deployment whose cameras come from a media server */
  video?: V | null;
  /** media (clue photos) served under /media/; none = no /media/ route */
  mediaDir?: string;
  listenHost: string;
  port: number;
  /** origins other than http(s) ones allowed to call in: the Electron shell's app:// pages, proxied here */
  extraOrigins?: readonly string[];
  /** how long a client may take to send its headers, and its whole request (tests shorten them) */
  timeouts?: { headersMs?: number; requestMs?: number };
}

export interface WebShell<V extends VideoRoutes = VideoRoutes> {
  url: string;
  port: number;
  server: Server;
  video: V | null;
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

export { contentSecurityPolicy, webShellPolicies } from './csp.js';

const VIDEO_FRAME_FILE = 'video-frame.html';

/**
 * WebSocket frames waiting beyond this mean the client does not read: it is dropped (it reconnects
 * for a fresh snapshot). A snapshot of a large city is a few MB; this is several of them.
 */
export const CONGESTED_BYTES = 16 * 1024 * 1024;

/** Largest message a client may send on the bridge (requests are tiny). */
const MAX_CLIENT_MESSAGE = 64 * 1024;

export const DEFAULT_TIMEOUTS = { headersMs: 10_000, requestMs: 30_000 };

/** root + URL path, or null when the decoded path is malformed, holds a backslash, or leaves root. */
function safeJoin(root: string, urlPath: string): string | null {
  const decoded = decodePath(urlPath);
  // no file of ours has a backslash in its name; on Windows it would be a separator
  if (decoded === null || decoded.includes('\\')) return null;
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
  const range = req.headers.range && /^bytes=(\d{0,15})-(\d{0,15})$/.exec(req.headers.range);
  let start = 0;
  let end = stat.size - 1;
  if (range && (range[1] || range[2])) {
    // pmtiles reads by byte range
    start = range[1] ? Number(range[1]) : Math.max(0, stat.size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1;
    if (start > end || start >= stat.size) {
      res.writeHead(416, { 'Content-Range': `bytes */${stat.size}` });
      res.end();
      return;
    }
    res.writeHead(206, { 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${stat.size}`, 'Accept-Ranges': 'bytes', ...extraHeaders });
  } else {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': stat.size, 'Accept-Ranges': 'bytes', ...extraHeaders });
  }
  if (req.method === 'HEAD' || stat.size === 0) {
    res.end();
    return;
  }
  // A file that goes away mid-read (a rebuild) cuts this response, never the server.
  pipeline(createReadStream(path, { start, end }), res).catch(() => res.destroy());
}

/** The listen address, when it is a name rather than an address, is one of ours too. */
const isName = (h: string) => /[a-z]/i.test(h) && !h.includes(':');

export async function startWebShell<V extends VideoRoutes>(opts: WebShellOptions<V>): Promise<WebShell<V>> {
  const { host } = opts;
  const web = host.config.web;
  const access = host.access;
  const log = host.log.child({ component: 'web' });
  const staticRoot = resolve(opts.staticDir);
  const video = opts.video ?? null;
  const mediaRoot = opts.mediaDir ? resolve(opts.mediaDir) : null;
  // pages export cases over the bridge too (both shells run this server): the same export as POST /api/cases
  host.hub.useCases(host.recording ? caseService(host, mediaRoot ? { mediaDir: mediaRoot } : {}) : null);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  // set once the port is known, before any connection can arrive
  let policy: AccessPolicy | null = null;
  let pages: PagePolicies | null = null;

  /** An error answer that also ends the connection: a client we refuse gets no second request. */
  const refuse = (res: ServerResponse, status: number, kind: AccessRefusal, why: string) => {
    access.refuse(kind, why);
    res.shouldKeepAlive = false;
    sendJson(res, status, { error: why });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    if (!policy || !pages) return refuse(res, 503, 'malformed', 'starting');
    const target = parseRequestTarget(req.url);
    if (!target.ok) return refuse(res, 400, 'malformed', target.error);
    const hostOk = checkHost(req.headers.host, policy);
    if (!hostOk.ok) return refuse(res, 403, 'host', hostOk.error);
    const originOk = checkOrigin(req.headers.origin, policy);
    if (!originOk.ok) return refuse(res, 403, 'origin', originOk.error);
    const path = target.value.path;
    if (path.startsWith('/api/')) return void handleApi(req, res, path, target.value.query);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'method', `method ${String(req.method).slice(0, 20)} not allowed`);
    }
    // nothing here takes a body: one that is announced is not waited for
    if (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0) {
      return refuse(res, 400, 'malformed', 'GET and HEAD take no request body');
    }
    if (path.startsWith('/video/') && video?.handle(req, res)) return;
    if (path.startsWith('/media/') && mediaRoot) {
      // clue photos are for people the wall knows (the page's own requests carry its cookie)
      if (!(host.auth.session(cookieValue(req.headers.cookie, SESSION_COOKIE)) ?? host.auth.anonymous)) return sendJson(res, 401, { error: 'sign in first' });
      const file = safeJoin(mediaRoot, path.slice('/media'.length));
      if (!file) return refuse(res, 400, 'malformed', 'bad media path');
      if (!existsSync(file) || !statSync(file).isFile()) return sendJson(res, 404, { error: 'no such media' });
      return serveFile(req, res, file, { 'Cache-Control': 'public, max-age=3600' });
    }
    if (path === '/basemap.pmtiles') {
      if (host.basemapPath && existsSync(host.basemapPath)) serveFile(req, res, host.basemapPath);
      else sendJson(res, 404, { error: 'no basemap configured' });
      return;
    }
    // Static renderer files; unknown paths get the app (client-side routes).
    const candidate = safeJoin(staticRoot, path);
    if (!candidate) return refuse(res, 400, 'malformed', 'bad path');
    const file = existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(staticRoot, 'index.html');
    if (!existsSync(file)) return sendJson(res, 503, { error: 'renderer not built: run `npm run build:renderer`' });
    const immutable = file.includes(`${sep}assets${sep}`);
    const isDocument = extname(file) === '.html';
    serveFile(req, res, file, {
      ...(isDocument ? { ...DOCUMENT_HEADERS, 'Content-Security-Policy': file === join(staticRoot, VIDEO_FRAME_FILE) ? pages.videoFrame : pages.wall } : {}),
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };

  const idempotency = new IdempotencyCache();
  const sessionMaxAgeS = Math.round(host.config.auth.sessionIdleMs / 1000);
  /** The API: who is asking (cookie, bearer token, or anonymous), the body for POSTs, then the route. */
  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const from = req.socket.remoteAddress ?? 'unknown';
    try {
      const method = req.method ?? 'GET';
      if (!['GET', 'HEAD', 'POST', 'DELETE'].includes(method)) {
        res.setHeader('Allow', 'GET, HEAD, POST, DELETE');
        return refuse(res, 405, 'method', `method ${method.slice(0, 20)} not allowed`);
      }
      // a POST where none is taken is refused before its body is read
      if (method === 'POST' && !/^\/api\/(session|cases|layout(\/revert)?|(incidents|clues)\/[^/]+\/[^/]+)$/.test(path)) {
        res.setHeader('Allow', 'GET, HEAD');
        return refuse(res, 405, 'method', `POST not allowed on ${path.slice(0, 100)}`);
      }
      let body: Record<string, unknown> | undefined;
      if (method === 'POST') {
        const read = await readJsonBody(req);
        if (!read.ok) {
          access.refuse('malformed', read.error);
          res.shouldKeepAlive = false;
          return sendAnswer(res, { status: 400, body: { error: read.error } });
        }
        body = read.value;
      } else if (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0) {
        return refuse(res, 400, 'malformed', `${method} takes no request body`);
      }
      let a: ApiAnswer;
      if (path === '/api/session' && method === 'POST') a = await signIn(host, body ?? {}, from, sessionMaxAgeS);
      else {
        const who = await host.auth.fromHeaders({ cookie: req.headers.cookie, authorization: req.headers.authorization });
        const key = req.headers['idempotency-key'];
        a = await routeApi(host, idempotency, { method, path, query, ...who, from, ...(typeof key === 'string' ? { idempotencyKey: key } : {}), ...(body ? { body } : {}), ...(mediaRoot ? { mediaDir: mediaRoot } : {}) });
      }
      if (res.writableEnded || res.destroyed) return;
      sendAnswer(res, a);
    } catch (e) {
      log.error({ err: e, method: req.method, target: path.slice(0, 200) }, `internal error: ${req.method} ${path.slice(0, 200)}`);
      if (!res.headersSent) {
        res.shouldKeepAlive = false;
        sendJson(res, 500, { error: 'internal error' });
      } else res.destroy();
    }
  }

  const server = createServer(
    // no Host at all is judged (and counted) with every other bad Host, not answered by Node on its own
    { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: Math.min(1000, timeouts.headersMs), keepAliveTimeout: 5000, requireHostHeader: false },
    (req, res) => {
      try {
        handle(req, res);
      } catch (e) {
        if (!res.headersSent) {
          res.shouldKeepAlive = false;
          sendJson(res, 500, { error: 'internal error' });
        } else res.destroy();
        log.error({ err: e, method: req.method, target: String(req.url).slice(0, 200) }, `internal error: ${req.method} ${String(req.url).slice(0, 200)}`);
      }
    },
  );
  server.maxConnections = web.maxConnections;
  access.maxConnections = web.maxConnections;
  server.on('connection', (socket) => {
    access.connections++;
    socket.once('close', () => access.connections--);
  });
  server.on('drop', () => access.refuse('connections', `connection refused: ${web.maxConnections} open (web.maxConnections)`));
  // Headers that do not parse, or that come too slowly: answered like Node would, counted, closed.
  // A connection that never sent a byte (a browser's preconnect left unused) is closed without a
  // word: a 408 written on it would be read as the answer to the request the browser sends next.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timeout && (socket as Duplex & { bytesRead?: number }).bytesRead === 0) {
      socket.destroy();
      return;
    }
    if (err.code !== 'ECONNRESET') access.refuse(timeout ? 'timeouts' : 'malformed', timeout ? 'request not received in time' : `unparseable request (${err.code ?? err.message})`);
    if (socket.writable && !(socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      const status = timeout ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    // the socket is ours from here: an error on it must not become an uncaught exception
    socket.on('error', () => socket.destroy());
    const deny = (status: number, kind: AccessRefusal, why: string) => {
      access.refuse(kind, why);
      const answer = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`;
      if (socket.writable) socket.end(answer, () => socket.destroy());
      else socket.destroy();
    };
    if (!policy) return deny(503, 'malformed', 'starting');
    const target = parseRequestTarget(req.url);
    if (!target.ok) return deny(400, 'malformed', target.error);
    if (target.value.path !== '/bridge') return deny(404, 'malformed', 'no WebSocket here: the bridge is /bridge');
    const hostOk = checkHost(req.headers.host, policy);
    if (!hostOk.ok) return deny(403, 'host', hostOk.error);
    // Another site in the operator's browser must not be able to open our bridge.
    const originOk = checkBridgeOrigin(req.headers.origin, hostOk.value, policy);
    if (!originOk.ok) return deny(403, 'origin', originOk.error);
    if (String(req.headers.upgrade).toLowerCase() !== 'websocket') return deny(400, 'malformed', 'only WebSocket upgrades');
    if (!host.hub.hasRoom()) return deny(503, 'peers', `bridge full: ${web.maxClients} clients (web.maxClients)`);
    // who it is: the session cookie the page signed in with, a tool's bearer token, or anonymous where allowed
    host.auth.fromHeaders({ cookie: req.headers.cookie, authorization: req.headers.authorization }).then(
      (who) => {
        if (!who.principal && who.badToken) return deny(401, 'malformed', 'the bearer token is not one this wall knows');
        if (!who.principal) return deny(401, 'malformed', 'sign in first (POST /api/session), then open the bridge');
        if (socket.destroyed) return;
        // `acks=1`: a page that acknowledges what it takes in (flow control from its first snapshot on)
        const acknowledges = new URLSearchParams(target.value.query).get('acks') === '1';
        wss.handleUpgrade(req, socket, head, (ws) => attachSocket(ws, { principal: who.principal, ...(who.sessionId ? { sessionId: who.sessionId } : {}), from: req.socket.remoteAddress ?? 'unknown' }, acknowledges));
      },
      () => deny(500, 'malformed', 'internal error'),
    );
  });

  function attachSocket(ws: WebSocket, auth: PeerAuth, acknowledges: boolean): void {
    ws.on('error', () => ws.terminate());
    const handle = host.hub.attach({
      deliver: (_message, encode) => {
        if (ws.readyState === ws.OPEN) ws.send(encode());
      },
      congested: () => ws.bufferedAmount > CONGESTED_BYTES,
      // a hard close discards the backlog at once: waiting for a closing handshake behind it would keep it
      close: (reason, hard) => (hard ? ws.terminate() : ws.close(1013, reason.slice(0, 100))),
    }, auth, { acknowledges });
    if (!handle) {
      ws.close(1013, 'bridge full');
      return;
    }
    ws.on('message', (data, isBinary) => {
      let parsed: unknown = null;
      if (!isBinary) {
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          parsed = null;
        }
      }
      handle.receive(parsed);
    });
    ws.on('close', () => handle.detach());
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.listenHost, () => resolveListen());
  });
  const port = (server.address() as { port: number }).port;
  policy = accessPolicy(port, [...web.allowedHosts, ...(isName(opts.listenHost) ? [opts.listenHost] : [])], opts.extraOrigins);
  pages = webShellPolicies(port, host.mediaOrigins);
  const urlHost = opts.listenHost.includes(':') ? `[${opts.listenHost}]` : opts.listenHost;
  log.info({ url: `http://${urlHost}:${port}` }, `listening on http://${urlHost}:${port}`);
  return {
    url: `http://${urlHost}:${port}`,
    port,
    server,
    video,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      video?.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// The Bridge over the web shell's WebSocket (/bridge). Reconnects with capped exponential
// backoff; every (re)connect starts with a fresh snapshot from the server, which replaces
// whatever the renderer held.
import type { Bridge, RequestMethod, Requests, Result, ServerMessage } from '../../../core/contract';
import type { SessionInfo } from '../../../core/auth/principal';
import { backoffDelay } from '../../../core/backoff';
import { type ConnectionState, Listeners, RequestTracker } from './requests';

export interface WebSocketBridgeOptions {
  requestTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** for tests */
  WebSocketImpl?: { new (url: string): WebSocket };
  /**
   * the web shell's sign-in endpoint (/api/session): asked before every connect, so a page nobody
   * signed in to shows the sign-in instead of dialling a bridge that refuses it. None: no gate (tests)
   */
  sessionUrl?: string;
  fetchImpl?: typeof fetch;
}

type Push = Exclude<ServerMessage, { type: 'response' }>;

export interface ClosableBridge extends Bridge {
  close(): void;
}

/** What the socket link tells its owner. */
interface LinkEvents {
  state(s: ConnectionState): void;
  message(data: unknown): void;
  /** the socket closed (it will reconnect unless closed for good) */
  lost(): void;
  /** asked before each dial: false holds the link until `ungate` (nobody signed in) */
  mayConnect?: () => Promise<boolean>;
}

/** One WebSocket kept open: connects on demand, reconnects with capped backoff, queues sends until open. */
function createSocketLink(url: string, opts: WebSocketBridgeOptions, on: LinkEvents) {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const backoff = { minMs: opts.minBackoffMs ?? 500, maxMs: opts.maxBackoffMs ?? 10_000, jitter: 0.2 };
  let socket: WebSocket | null = null;
  let open = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  /** sends made while not connected wait here until the socket opens */
  let queue: string[] = [];

  let gated = false;
  let checking = false;

  /** Dials unless the page must sign in first (then it waits for `ungate`). */
  function connect(): void {
    if (closed || socket || gated || checking) return;
    if (on.mayConnect) {
      checking = true;
      on.state('connecting');
      on.mayConnect().then(
        (yes) => {
          checking = false;
          if (yes) dial();
          else gated = true;
        },
        () => {
          checking = false;
          scheduleRetry();
        },
      );
      return;
    }
    dial();
  }

  function dial(): void {
    if (closed || socket) return;
    on.state('connecting');
    let ws: WebSocket;
    try {
      ws = new WS(url);
    } catch {
      scheduleRetry();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      open = true;
      on.state('open');
      const waiting = queue;
      queue = [];
      for (const text of waiting) ws.send(text);
    };
    ws.onmessage = (ev) => on.message(ev.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      open = false;
      on.lost();
      scheduleRetry();
    };
    ws.onerror = () => {
      // onclose follows and does the work
    };
  }

  function scheduleRetry(): void {
    on.state(closed ? 'closed' : 'connecting');
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect();
    }, backoffDelay(attempt++, backoff, Math.random));
  }

  return {
    connect,
    isOpen: () => open,
    send(text: string): void {
      if (socket && socket.readyState === 1) socket.send(text);
      else {
        queue.push(text);
        connect();
      }
    },
    /** a sign-in happened: dial now (again, so the new cookie goes with the upgrade) */
    ungate(): void {
      gated = false;
      if (socket) socket.close();
      else connect();
    },
    /** drops the connection; the link reconnects (and the server sends a fresh snapshot) */
    reconnect: () => socket?.close(),
    /**
     * Gives up on the socket at once and dials again. A close handshake with a server that no
     * longer answers would wait for Chromium's closing timeout (a minute) before onclose.
     */
    abandon(): void {
      const s = socket;
      if (!s || closed) return;
      socket = null;
      open = false;
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close();
      } catch {
        // already closing
      }
      on.lost();
      connect();
    },
    close(): void {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      queue = [];
      const s = socket;
      socket = null;
      open = false;
      s?.close();
    },
  };
}

/** A server message from a frame's text, or null for anything else. */
function parseServerMessage(data: unknown): ServerMessage | null {
  try {
    const m = JSON.parse(typeof data === 'string' ? data : '') as ServerMessage;
    return m && typeof m === 'object' ? m : null;
  } catch {
    return null;
  }
}

export function createWebSocketBridge(url: string, opts: WebSocketBridgeOptions = {}): ClosableBridge {
  const requests = new RequestTracker(opts.requestTimeoutMs ?? 10_000);
  const subscribers = new Listeners<Push>();
  const connection = new Listeners<ConnectionState>();
  let state: ConnectionState = 'closed';
  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    connection.emit(s);
  };
  const fetcher = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sessionUrl = opts.sessionUrl;
  const emitSession = (session: SessionInfo) => subscribers.emit({ type: 'session', session });
  /** the services' word on who this page is; the sign-in form shows when nobody is and nobody may be */
  const askSession = async (): Promise<boolean> => {
    const r = await fetcher(sessionUrl!, { credentials: 'same-origin', cache: 'no-store' });
    if (!r.ok) throw new Error(`session: HTTP ${r.status}`);
    const session = (await r.json()) as SessionInfo;
    if (!session.me) emitSession(session);
    return session.me !== null;
  };
  const link = createSocketLink(url, opts, {
    ...(sessionUrl ? { mayConnect: askSession } : {}),
    state: setState,
    message(data) {
      const m = parseServerMessage(data);
      if (!m) return;
      if (m.type === 'response') requests.receive(m);
      else if (m.type === 'snapshot' || m.type === 'delta' || m.type === 'health' || m.type === 'session' || m.type === 'player' || m.type === 'layout' || m.type === 'memory') subscribers.emit(m);
    },
    lost: () => requests.failAll('connection closed'),
  });

  return {
    subscribe(onMessage) {
      const off = subscribers.add(onMessage);
      // A late subscriber needs a snapshot too: reconnecting is the one way the contract offers.
      if (link.isOpen() && state === 'open') link.reconnect();
      else link.connect();
      return off;
    },
    request<M extends RequestMethod>(method: M, params: Requests[M]['params']): Promise<Result<Requests[M]['result']>> {
      return requests.start(method, params, (m) => link.send(JSON.stringify(m)));
    },
    onConnection(listener) {
      const off = connection.add(listener);
      listener(state);
      return off;
    },
    // a socket that stopped delivering without closing (a hung server, a route that drops
    // packets) is only noticed by the heartbeats it no longer brings: drop it and dial again
    resync: () => link.abandon(),
    async signIn(name, password) {
      if (!sessionUrl) return this.request('session.signIn', { name, password });
      try {
        const r = await fetcher(sessionUrl, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }) });
        const body = (await r.json().catch(() => ({}))) as SessionInfo & { error?: string };
        if (!r.ok) return { ok: false, error: r.status === 429 ? `rate limited: ${body.error ?? ''}` : `unauthorized: ${body.error ?? r.status}` };
        emitSession(body);
        link.ungate();
        return { ok: true, value: body };
      } catch {
        return { ok: false, error: 'connection closed' };
      }
    },
    async signOut() {
      if (!sessionUrl) {
        await this.request('session.signOut', {});
        return;
      }
      try {
        const r = await fetcher(sessionUrl, { method: 'DELETE', credentials: 'same-origin' });
        const body = (await r.json()) as SessionInfo;
        emitSession(body);
        // a wall that lets nobody in anonymously shows nothing more until the next sign-in
        link.ungate();
      } catch {
        // the link's own reconnect asks again
      }
    },
    close() {
      link.close();
      requests.failAll('bridge closed');
      setState('closed');
    },
  };
}

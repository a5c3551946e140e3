// The Bridge over the web shell's WebSocket (/bridge). Reconnects with capped exponential
// backoff; every (re)connect starts with a fresh snapshot from the server, which replaces
// whatever the renderer held.
import type { Bridge, RequestMethod, Requests, Result, ServerMessage } from '../../../core/contract';
import { backoffDelay } from '../../../core/backoff';
import { type ConnectionState, Listeners, RequestTracker } from './requests';

export interface WebSocketBridgeOptions {
  requestTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** for tests */
  WebSocketImpl?: { new (url: string): WebSocket };
}

type Push = Exclude<ServerMessage, { type: 'response' }>;

export interface ClosableBridge extends Bridge {
  close(): void;
}

export function createWebSocketBridge(url: string, opts: WebSocketBridgeOptions = {}): ClosableBridge {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const minMs = opts.minBackoffMs ?? 500;
  const maxMs = opts.maxBackoffMs ?? 10_000;
  const requests = new RequestTracker(opts.requestTimeoutMs ?? 10_000);
  const subscribers = new Listeners<Push>();
  const connection = new Listeners<ConnectionState>();
  let state: ConnectionState = 'closed';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  /** requests made while not connected wait here until the socket opens (or they time out) */
  let queue: string[] = [];

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    connection.emit(s);
  };

  function connect(): void {
    if (closed || socket) return;
    setState('connecting');
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
      setState('open');
      const waiting = queue;
      queue = [];
      for (const text of waiting) ws.send(text);
    };
    ws.onmessage = (ev) => {
      let m: ServerMessage;
      try {
        m = JSON.parse(typeof ev.data === 'string' ? ev.data : '') as ServerMessage;
      } catch {
        return;
      }
      if (!m || typeof m !== 'object') return;
      if (m.type === 'response') requests.receive(m);
      else if (m.type === 'snapshot' || m.type === 'delta' || m.type === 'health') subscribers.emit(m);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      requests.failAll('connection closed');
      scheduleRetry();
    };
    ws.onerror = () => {
      // onclose follows and does the work
    };
  }

  function scheduleRetry(): void {
    setState(closed ? 'closed' : 'connecting');
    if (closed || retry) return;
    const delay = backoffDelay(attempt++, { minMs, maxMs, jitter: 0.2 }, Math.random);
    retry = setTimeout(() => {
      retry = null;
      connect();
    }, delay);
  }

  function send(text: string): void {
    if (socket && socket.readyState === 1) socket.send(text);
    else {
      queue.push(text);
      connect();
    }
  }

  return {
    subscribe(onMessage) {
      const off = subscribers.add(onMessage);
      if (socket && state === 'open') {
        // A late subscriber needs a snapshot too: reconnecting is the one way the contract offers.
        socket.close();
      } else connect();
      return off;
    },
    request<M extends RequestMethod>(method: M, params: Requests[M]['params']): Promise<Result<Requests[M]['result']>> {
      return requests.start(method, params, (m) => send(JSON.stringify(m)));
    },
    onConnection(listener) {
      const off = connection.add(listener);
      listener(state);
      return off;
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      queue = [];
      const s = socket;
      socket = null;
      s?.close();
      requests.failAll('bridge closed');
      setState('closed');
    },
  };
}

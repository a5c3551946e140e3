// The Bridge over Electron IPC. The preload exposes `window.watchfloor` (PreloadApi); the main
// process answers `hello()` with a snapshot and then pushes deltas and health.
import type { Bridge, ClientMessage, RequestMethod, Requests, Result, ServerMessage } from '../../../core/contract';
import { type ConnectionState, Listeners, RequestTracker } from './requests';

/** What the preload script exposes on `window.watchfloor` (contextBridge). */
export interface PreloadApi {
  send(msg: ClientMessage): void;
  /** returns an unsubscribe */
  onMessage(cb: (m: ServerMessage) => void): () => void;
  /** asks the main process for a fresh snapshot */
  hello(): void;
}

declare global {
  interface Window {
    watchfloor?: PreloadApi;
  }
}

type Push = Exclude<ServerMessage, { type: 'response' }>;

export function createIpcBridge(api: PreloadApi, opts: { requestTimeoutMs?: number } = {}): Bridge {
  const requests = new RequestTracker(opts.requestTimeoutMs ?? 10_000);
  const subscribers = new Listeners<Push>();
  const connection = new Listeners<ConnectionState>();
  let state: ConnectionState = 'connecting';
  let off: (() => void) | null = null;

  const ensureListening = () => {
    if (off) return;
    off = api.onMessage((m) => {
      if (!m || typeof m !== 'object') return;
      if (m.type === 'response') {
        requests.receive(m);
        return;
      }
      if (m.type === 'snapshot' && state !== 'open') {
        state = 'open';
        connection.emit(state);
      }
      subscribers.emit(m);
    });
  };

  return {
    subscribe(onMessage) {
      ensureListening();
      const remove = subscribers.add(onMessage);
      api.hello();
      return () => {
        remove();
        if (subscribers.size === 0 && off) {
          off();
          off = null;
        }
      };
    },
    request<M extends RequestMethod>(method: M, params: Requests[M]['params']): Promise<Result<Requests[M]['result']>> {
      ensureListening();
      return requests.start(method, params, (m) => api.send(m));
    },
    onConnection(listener) {
      const remove = connection.add(listener);
      listener(state);
      return remove;
    },
    resync: () => api.hello(),
    async signIn(name, password) {
      return this.request('session.signIn', { name, password });
    },
    async signOut() {
      await this.request('session.signOut', {});
    },
  };
}

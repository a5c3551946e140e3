// Request/response bookkeeping shared by both transports: ids, timeouts, failing what is in flight.
import type { ClientMessage, RequestMethod, Requests, Result, ServerMessage } from '../../../core/contract';

type Response = Extract<ServerMessage, { type: 'response' }>;

/** Requests that may take long by nature: a case export reads up to a day of recording. */
const LONG_REQUEST_MS: Partial<Record<RequestMethod, number>> = { 'case.export': 10 * 60_000, 'case.prepare': 10 * 60_000, 'case.verify': 2 * 60_000 };

interface Pending {
  resolve: (r: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RequestTracker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Registers a request; `send` is called with the message (it may throw: the request then fails). */
  start<M extends RequestMethod>(method: M, params: Requests[M]['params'], send: (m: ClientMessage) => void): Promise<Result<Requests[M]['result']>> {
    const id = this.nextId++;
    const timeoutMs = Math.max(this.timeoutMs, LONG_REQUEST_MS[method] ?? 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: `request ${method} timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer });
      try {
        send({ type: 'request', id, method, params });
      } catch (e) {
        this.settle(id, { ok: false, error: (e as Error).message || 'send failed' });
      }
    });
  }

  /** Routes a response to its request; unknown ids (late or foreign) are ignored. */
  receive(m: Response): void {
    this.settle(m.id, m.ok ? { ok: true, value: m.result } : { ok: false, error: m.error });
  }

  failAll(error: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private settle(id: number, result: Result<unknown>): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** A tiny listener set. */
export class Listeners<T> {
  private readonly set = new Set<(v: T) => void>();
  add(fn: (v: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(v: T): void {
    for (const fn of [...this.set]) {
      try {
        fn(v);
      } catch (e) {
        console.error('bridge listener failed', e);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}

// `Idempotency-Key` for the HTTP API's POSTs: a client that retries (a timeout, a dropped link)
// gets the first answer again instead of a second dispatch. Keys are per caller, kept a day, and
// bounded in number; the action id made from the key also makes the reducer apply it once, so a
// retry after a restart (when this memory is gone) still does nothing twice.
import { createHash } from 'node:crypto';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

interface Entry extends StoredAnswer {
  fingerprint: string;
  at: number;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const MAX_KEYS = 10_000;

/** A key as clients send it: 1–200 visible ASCII characters. */
export const validKey = (k: string): boolean => /^[\x21-\x7e]{1,200}$/.test(k);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The action id a keyed request acts with: the same key from the same caller, the same action. */
  static actionId(caller: string, key: string): string {
    return `idem-${sha(`${caller}\n${key}`).slice(0, 40)}`;
  }

  /** The stored answer for this caller's key; `conflict` when the key was used for another request. */
  lookup(caller: string, key: string, request: string): StoredAnswer | 'conflict' | null {
    const e = this.entries.get(`${caller}\n${key}`);
    if (!e || this.now() - e.at > IDEMPOTENCY_TTL_MS) return null;
    return e.fingerprint === sha(request) ? { status: e.status, body: e.body } : 'conflict';
  }

  store(caller: string, key: string, request: string, answer: StoredAnswer): void {
    const id = `${caller}\n${key}`;
    this.entries.delete(id);
    this.entries.set(id, { ...answer, fingerprint: sha(request), at: this.now() });
    // oldest first out: Map keeps insertion order
    while (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
  }
}

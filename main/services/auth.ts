// Sign-in, sessions and machine tokens (docs/security.md). People sign in with a name and a
// password and get a session (a random id the web shell sets as an HttpOnly cookie, the Electron
// shell keeps per window); machine clients send a bearer token. Sessions live in memory: a
// restarted wall asks people to sign in again. Failed sign-ins are limited per name and per
// address, and each one is audited.
import { createHash, randomBytes } from 'node:crypto';
import { anonymousRoleOf, authRequired, type WatchfloorConfig } from '../../core/config.js';
import type { Principal } from '../../core/auth/principal.js';
import { err, ok, type Result } from '../../core/result.js';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import { DECOY_HASH, verifySecret } from './passwords.js';
import { type Logger, stderrLogger } from './logger.js';

export const SESSION_COOKIE = 'wf_session';

export interface SignInRefusal {
  status: 400 | 401 | 429;
  message: string;
  /** 429: seconds until another try is worth it */
  retryAfterS?: number;
}

interface Session {
  principal: Principal;
  lastUsed: number;
}

/** Sliding count of failures per key (a name, an address). */
class FailureWindow {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** ms until `key` may try again; 0 when it may now */
  blockedFor(key: string, now: number): number {
    const list = this.prune(key, now);
    return list.length >= this.max ? list[0] + this.windowMs - now : 0;
  }

  record(key: string, now: number): void {
    const list = this.prune(key, now);
    list.push(now);
    this.failures.set(key, list);
    // bounded: an attacker spraying names must not grow this without end
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
}

export interface AuthHealth {
  required: boolean;
  anonymousRole: string | null;
  sessions: number;
  signIns: number;
  failedSignIns: number;
  refusedActions: number;
}

export class Auth {
  private readonly sessions = new Map<string, Session>();
  /** sha256(token) → principal: a token is checked with scrypt once, then known */
  private readonly tokenCache = new Map<string, Principal | null>();
  private readonly failures: FailureWindow;
  readonly required: boolean;
  readonly anonymous: Principal | null;
  private counts = { signIns: 0, failedSignIns: 0, refusedActions: 0 };

  private readonly config: WatchfloorConfig['auth'];

  constructor(
    full: WatchfloorConfig,
    private readonly audit: (e: AuditEntryInput) => void,
    private readonly now: () => number = Date.now,
    private readonly log: Logger = stderrLogger(),
  ) {
    this.config = full.auth;
    this.required = authRequired(full);
    const role = anonymousRoleOf(full);
    this.anonymous = role ? { name: role, role, via: 'anonymous' } : null;
    this.failures = new FailureWindow(full.auth.maxFailures, full.auth.failureWindowMs);
  }

  async signIn(name: unknown, password: unknown, from: string): Promise<Result<{ sessionId: string; principal: Principal }, SignInRefusal>> {
    if (typeof name !== 'string' || typeof password !== 'string' || name.length === 0 || name.length > 100 || password.length > 1000) {
      return err({ status: 400, message: 'send { "name": "…", "password": "…" }' });
    }
    const now = this.now();
    const wait = Math.max(this.failures.blockedFor(`name:${name}`, now), this.failures.blockedFor(`from:${from}`, now));
    if (wait > 0) {
      this.counts.failedSignIns++;
      this.audit({ kind: 'sign_in_failed', actor: name.slice(0, 100), via: 'session', from, reason: 'too many failed sign-ins: refused without checking' });
      return err({ status: 429, message: 'too many failed sign-ins: wait and try again', retryAfterS: Math.ceil(wait / 1000) });
    }
    const user = this.config.users.find((u) => u.name === name);
    // an unknown name costs the same as a wrong password
    const good = await verifySecret(password, user?.passwordHash ?? DECOY_HASH);
    if (!user || !good) {
      this.failures.record(`name:${name}`, this.now());
      this.failures.record(`from:${from}`, this.now());
      this.counts.failedSignIns++;
      this.audit({ kind: 'sign_in_failed', actor: name.slice(0, 100), via: 'session', from, reason: user ? 'wrong password' : 'unknown name' });
      this.log.warn({ name: name.slice(0, 100), from, reason: user ? 'wrong password' : 'unknown name' }, `failed sign-in as ${JSON.stringify(name.slice(0, 100))} from ${from}`);
      return err({ status: 401, message: 'name or password is wrong' });
    }
    this.failures.clear(`name:${name}`);
    const principal: Principal = { name: user.name, role: user.role, via: 'session' };
    const sessionId = randomBytes(32).toString('base64url');
    this.sessions.set(sessionId, { principal, lastUsed: this.now() });
    this.counts.signIns++;
    this.audit({ kind: 'sign_in', actor: user.name, role: user.role, via: 'session', from });
    return ok({ sessionId, principal });
  }

  /** The session's principal, renewing its idle time; null when unknown or expired. */
  session(id: string | undefined): Principal | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = this.now();
    if (now - s.lastUsed > this.config.sessionIdleMs) {
      this.sessions.delete(id);
      return null;
    }
    s.lastUsed = now;
    return s.principal;
  }

  signOut(id: string | undefined, from: string): boolean {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s || !id) return false;
    this.sessions.delete(id);
    this.audit({ kind: 'sign_out', actor: s.principal.name, role: s.principal.role, via: 'session', from });
    return true;
  }

  /** A machine client's bearer token; null when it matches none. */
  async bearer(token: string): Promise<Principal | null> {
    if (token.length === 0 || token.length > 1000) return null;
    const key = createHash('sha256').update(token).digest('hex');
    if (this.tokenCache.has(key)) return this.tokenCache.get(key)!;
    let found: Principal | null = null;
    for (const t of this.config.tokens) {
      if (await verifySecret(token, t.tokenHash)) {
        found = { name: t.name, role: t.role, via: 'token' };
        break;
      }
    }
    // wrong tokens are remembered too (bounded), so guessing costs the guesser, not our CPU
    if (this.tokenCache.size > 1000) this.tokenCache.clear();
    this.tokenCache.set(key, found);
    return found;
  }

  /** Who sent these headers: a session cookie, else a bearer token, else anonymous (where allowed). */
  async fromHeaders(headers: { cookie?: string; authorization?: string }): Promise<{ principal: Principal | null; sessionId?: string; badToken?: boolean }> {
    const sessionId = cookieValue(headers.cookie, SESSION_COOKIE);
    const fromSession = this.session(sessionId);
    if (fromSession) return { principal: fromSession, sessionId };
    const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (m) {
      const p = await this.bearer(m[1]);
      return p ? { principal: p } : { principal: null, badToken: true };
    }
    return { principal: this.anonymous };
  }

  refused(): void {
    this.counts.refusedActions++;
  }

  health(): AuthHealth {
    return { required: this.required, anonymousRole: this.anonymous?.role ?? null, sessions: this.sessions.size, ...this.counts };
  }
}

/** One cookie's value from a Cookie header; undefined when absent or odd. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`;
}

export const clearedSessionCookie = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

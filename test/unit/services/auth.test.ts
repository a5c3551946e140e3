// Sign-in, sessions, tokens and the role rule (main/services/auth.ts, core/auth/principal.ts):
// real scrypt hashes, a clock the tests drive.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../../../core/audit/chain.js';
import { canAct } from '../../../core/auth/principal.js';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import { Auth, cookieValue, SESSION_COOKIE, sessionCookie } from '../../../main/services/auth.js';
import { hashSecret, verifySecret } from '../../../main/services/passwords.js';

async function authWith(extra: Record<string, unknown> = {}) {
  const config = parseConfig({
    auth: {
      users: [
        { name: '张伟', role: 'dispatcher', passwordHash: await hashSecret('正确的密码-1') },
        { name: 'wang', role: 'viewer', passwordHash: await hashSecret('viewer-pass') },
      ],
      tokens: [{ name: 'cad', role: 'dispatcher', tokenHash: await hashSecret('tok-0123456789abcdef') }],
      maxFailures: 3,
      failureWindowMs: 60_000,
      sessionIdleMs: 3600_000,
      ...extra,
    },
  });
  if (!config.ok) throw new Error(config.error);
  let t = 1_000_000;
  const audit: AuditEntryInput[] = [];
  const auth = new Auth(config.value as WatchfloorConfig, (e) => audit.push(e), () => t);
  return { auth, audit, advance: (ms: number) => (t += ms) };
}

describe('passwords', () => {
  it('hashes with a fresh salt each time and verifies only the right secret', async () => {
    const a = await hashSecret('s3cret-密码');
    const b = await hashSecret('s3cret-密码');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifySecret('s3cret-密码', a)).toBe(true);
    expect(await verifySecret('s3cret-密码 ', a)).toBe(false);
    expect(await verifySecret('', a)).toBe(false);
  });

  it('says no, never throws, for malformed hashes and absurd costs', async () => {
    for (const h of ['', 'plain', 'scrypt$16384$8$1$abc', 'scrypt$3$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', `scrypt$${2 ** 30}$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g`]) {
      expect(await verifySecret('x', h)).toBe(false);
    }
  });
});

describe('npm run passwd', () => {
  const run = (args: string[], input?: string) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/passwd.ts', ...args], { encoding: 'utf8', timeout: 30_000, input, env: { ...process.env, NODE_OPTIONS: '' } });

  it('prints on its last line a hash the configuration takes and the secret matches, from an argument or stdin', async () => {
    for (const r of [run(['duty-room-密码']), run([], 'duty-room-密码\n')]) {
      expect(r.status).toBe(0);
      const hash = r.stdout.trim().split('\n').at(-1)!;
      expect(parseConfig({ auth: { users: [{ name: 'a', role: 'viewer', passwordHash: hash }] } }).ok).toBe(true);
      expect(await verifySecret('duty-room-密码', hash)).toBe(true);
    }
    expect(run([], '').status).toBe(2);
  });
});

describe('sign-in', () => {
  it('gives a session for the right name and password, known on later requests until idle too long', async () => {
    const { auth, audit, advance } = await authWith();
    const r = await auth.signIn('张伟', '正确的密码-1', '10.0.0.7');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.principal).toEqual({ name: '张伟', role: 'dispatcher', via: 'session' });
    expect(r.value.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.session(r.value.sessionId)?.name).toBe('张伟');
    advance(3000_000);
    expect(auth.session(r.value.sessionId)?.name).toBe('张伟'); // used: idle time starts again
    advance(3600_001);
    expect(auth.session(r.value.sessionId)).toBeNull();
    expect(audit.map((e) => e.kind)).toEqual(['sign_in']);
    expect(audit[0]).toMatchObject({ actor: '张伟', role: 'dispatcher', from: '10.0.0.7' });
  });

  it('refuses a wrong password and an unknown name alike (401), audits both, then limits tries per name and per address (429)', async () => {
    const { auth, audit, advance } = await authWith();
    const wrong = await auth.signIn('张伟', 'nope', '10.0.0.8');
    const unknown = await auth.signIn('nobody', 'nope', '10.0.0.9');
    expect(!wrong.ok && wrong.error).toEqual({ status: 401, message: 'name or password is wrong' });
    expect(!unknown.ok && unknown.error).toEqual({ status: 401, message: 'name or password is wrong' });
    await auth.signIn('张伟', 'nope', '10.0.0.10');
    await auth.signIn('张伟', 'nope', '10.0.0.11');
    // three failures for the name: even the right password is refused for now
    const blocked = await auth.signIn('张伟', '正确的密码-1', '10.0.0.12');
    expect(!blocked.ok && blocked.error.status).toBe(429);
    expect(!blocked.ok && blocked.error.retryAfterS).toBeGreaterThan(0);
    advance(60_001);
    expect((await auth.signIn('张伟', '正确的密码-1', '10.0.0.12')).ok).toBe(true);
    expect(audit.filter((e) => e.kind === 'sign_in_failed').map((e) => e.reason)).toEqual(['wrong password', 'unknown name', 'wrong password', 'wrong password', 'too many failed sign-ins: refused without checking']);
    expect(auth.health()).toMatchObject({ required: true, failedSignIns: 5, signIns: 1, sessions: 1 });
  });

  it('limits one address spraying names', async () => {
    const { auth } = await authWith();
    for (const n of ['a', 'b', 'c']) await auth.signIn(n, 'x', '10.9.9.9');
    const r = await auth.signIn('张伟', '正确的密码-1', '10.9.9.9');
    expect(!r.ok && r.error.status).toBe(429);
    expect((await auth.signIn('张伟', '正确的密码-1', '10.9.9.10')).ok).toBe(true);
  });

  it('refuses malformed sign-ins as 400 without counting them as guesses', async () => {
    const { auth } = await authWith();
    for (const [n, p] of [[undefined, 'x'], ['a', 42], ['', 'x'], ['x'.repeat(101), 'x']]) {
      const r = await auth.signIn(n, p, '1.1.1.1');
      expect(!r.ok && r.error.status).toBe(400);
    }
  });

  it('signs out: the session is gone and the sign-out audited', async () => {
    const { auth, audit } = await authWith();
    const r = await auth.signIn('wang', 'viewer-pass', '1.2.3.4');
    if (!r.ok) throw new Error('sign-in failed');
    expect(auth.signOut(r.value.sessionId, '1.2.3.4')).toBe(true);
    expect(auth.session(r.value.sessionId)).toBeNull();
    expect(auth.signOut(r.value.sessionId, '1.2.3.4')).toBe(false);
    expect(audit.at(-1)).toMatchObject({ kind: 'sign_out', actor: 'wang' });
  });
});

describe('who sent a request', () => {
  it('knows a session cookie, then a bearer token, else nobody (no anonymous role once users exist)', async () => {
    const { auth } = await authWith();
    const r = await auth.signIn('张伟', '正确的密码-1', 'x');
    if (!r.ok) throw new Error('sign-in failed');
    expect((await auth.fromHeaders({ cookie: `theme=dark; ${SESSION_COOKIE}=${r.value.sessionId}` })).principal?.name).toBe('张伟');
    expect((await auth.fromHeaders({ authorization: 'Bearer tok-0123456789abcdef' })).principal).toEqual({ name: 'cad', role: 'dispatcher', via: 'token' });
    expect(await auth.fromHeaders({ authorization: 'Bearer wrong-token' })).toEqual({ principal: null, badToken: true });
    expect((await auth.fromHeaders({ cookie: `${SESSION_COOKIE}=forgedforgedforgedforgedforged` })).principal).toBeNull();
    expect((await auth.fromHeaders({})).principal).toBeNull();
  });

  it('gives anonymous access the configured role: a corridor wall as viewer', async () => {
    const { auth } = await authWith({ anonymousRole: 'viewer' });
    expect((await auth.fromHeaders({})).principal).toEqual({ name: 'viewer', role: 'viewer', via: 'anonymous' });
    const open = new Auth(parseConfig({}).ok ? (parseConfig({}) as { value: WatchfloorConfig }).value : (undefined as never), () => {});
    expect(open.required).toBe(false);
    expect(open.anonymous?.role).toBe('commander');
  });

  it('reads cookies strictly', () => {
    expect(cookieValue(`a=1; ${SESSION_COOKIE}=abcdefghijklmnopqrstuvwxyz012345`, SESSION_COOKIE)).toBe('abcdefghijklmnopqrstuvwxyz012345');
    expect(cookieValue(`${SESSION_COOKIE}=short`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`${SESSION_COOKIE}="quoted;evil"`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(undefined, SESSION_COOKIE)).toBeUndefined();
    expect(sessionCookie('abc', 60)).toBe(`${SESSION_COOKIE}=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=60`);
  });
});

describe('roles', () => {
  it('commanders and dispatchers act; viewers do not', () => {
    expect(canAct('commander')).toBe(true);
    expect(canAct('dispatcher')).toBe(true);
    expect(canAct('viewer')).toBe(false);
  });
});

// Logs and the diagnostics export through the real host and web shell (issue #16): a wall with a
// data folder and a broker password logs as JSON lines with their component into
// <data>/logs/watchfloor.log; GET /api/diagnostics gives a dispatcher a zip (read here with a
// reader of the test's own and zlib, not the wall's) holding health, the configuration without
// secrets, versions, the logs and a README, with no secret anywhere in it; a viewer gets 403, nobody
// 401; the bridge's diagnostics.export writes the same into <data>/diagnostics; every export is
// audited; a small logs.maxFileBytes rotates the log and keeps logs.keepFiles old files.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health, ServerMessage } from '../../../core/contract.js';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { waitFor } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const BROKER_PASSWORD = 'Br0ker-pw-7f3e9a1c';
const DISPATCHER_PASSWORD = 'dispatch-pass-5d2c';
const VIEWER_PASSWORD = 'viewer-pass-8b1a';
const WRONG_PASSWORD = 'not-the-pass-4e6f';

/** The files of a zip, read from its central directory (stored or deflated), each checked against its CRC-32. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`central directory entry ${i} is damaged`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const size = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const skip = nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (crc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC-32 does not match`);
    files.set(name, data);
    p += 46 + skip;
  }
  return files;
}

let host: Host;
let web: WallShell;
let dataDir: string;
let dispatcherCookie = '';
let viewerCookie = '';

async function signIn(name: string, password: string): Promise<Response> {
  return fetch(`${web.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }) });
}
const cookieOf = (r: Response) => (r.headers.get('set-cookie') ?? '').split(';')[0];
const get = (path: string, cookie?: string) => fetch(`${web.url}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
const logLines = (dir: string, name = 'watchfloor.log') =>
  readFileSync(join(dir, 'logs', name), 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wf-diag-'));
  const [d, v] = await Promise.all([hashSecret(DISPATCHER_PASSWORD), hashSecret(VIEWER_PASSWORD)]);
  ({ host, web } = await startWallHost(
    {
      // the embedded broker asks for this login, and the wall uses it
      username: 'wall',
      password: BROKER_PASSWORD,
      // (test walls log warnings only: this one logs what a wall in service does)
      logs: { level: 'info' },
      auth: { users: [{ name: '张伟', role: 'dispatcher', passwordHash: d }, { name: '王芳', role: 'viewer', passwordHash: v }] },
    },
    { dataDir },
  ));
  await host.ingest.ready(10_000);
  dispatcherCookie = cookieOf(await signIn('张伟', DISPATCHER_PASSWORD));
  viewerCookie = cookieOf(await signIn('王芳', VIEWER_PASSWORD));
  expect(dispatcherCookie).toMatch(/^wf_session=/);
  expect(viewerCookie).toMatch(/^wf_session=/);
});

afterAll(async () => {
  await web?.close();
  await host?.close();
});

describe('the services log', () => {
  it('writes JSON lines with their component into <data>/logs: a failed sign-in, a malformed request, the broker connection', async () => {
    expect((await signIn('张伟', WRONG_PASSWORD)).status).toBe(401);
    const bad = await fetch(`${web.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name": "张伟", "password": ' });
    expect(bad.status).toBe(400);
    const has = (component: string, msg: RegExp) => () => {
      try {
        return logLines(dataDir).some((l) => l.component === component && msg.test(String(l.msg)));
      } catch {
        return false;
      }
    };
    await waitFor(has('auth', /^failed sign-in as "张伟"/), 5000, 'the failed sign-in in the log');
    await waitFor(has('access', /^refused \(malformed\): the body is not valid JSON/), 5000, 'the malformed request in the log');
    await waitFor(has('ingest', /^connected to mqtt:\/\/127\.0\.0\.1:\d+$/), 5000, 'the broker connection in the log');
    const lines = logLines(dataDir);
    expect(lines.every((l) => typeof l.component === 'string' && typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
    expect(lines.find((l) => l.component === 'web' && /^listening on http:\/\/127\.0\.0\.1:\d+$/.test(String(l.msg)))).toBeDefined();
    const text = readFileSync(join(dataDir, 'logs', 'watchfloor.log'), 'utf8');
    for (const secret of [BROKER_PASSWORD, WRONG_PASSWORD, DISPATCHER_PASSWORD, 'wf_session=']) expect(text).not.toContain(secret);
    const h = (await (await get('/api/health')).json()) as Health;
    expect(h.logs).toMatchObject({ path: '<data>/logs/watchfloor.log', error: null, files: 1, failedWrites: 0 });
    expect(h.logs!.bytes).toBeGreaterThan(0);
  });
});

describe('GET /api/diagnostics', () => {
  it('gives a dispatcher a zip of health, config without secrets, versions, logs and a README; no secret anywhere in it', async () => {
    const r = await get('/api/diagnostics', dispatcherCookie);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="watchfloor-diagnostics-\d{8}T\d{6}Z\.zip"$/);
    const zip = Buffer.from(await r.arrayBuffer());
    const files = unzip(zip);
    expect([...files.keys()]).toEqual(['README.txt', 'health.json', 'config.json', 'versions.json', 'logs/watchfloor.log']);
    for (const [name, data] of files) {
      for (const secret of [BROKER_PASSWORD, DISPATCHER_PASSWORD, VIEWER_PASSWORD, WRONG_PASSWORD, 'scrypt$', 'wf_session=']) {
        expect(data.toString('utf8').includes(secret), `${secret} in ${name}`).toBe(false);
      }
    }
    expect(zip.includes(BROKER_PASSWORD)).toBe(false);
    const health = JSON.parse(files.get('health.json')!.toString()) as Health;
    expect(health).toMatchObject({ shell: 'web', broker: { connected: true }, logs: { path: '<data>/logs/watchfloor.log' } });
    const config = JSON.parse(files.get('config.json')!.toString()) as Record<string, unknown> & { auth: { users: { name: string; passwordHash: string }[] } };
    expect(config).toMatchObject({ username: 'wall', password: '[removed]', logs: { level: 'info', maxFileBytes: 20 * 1024 * 1024, keepFiles: 10 } });
    expect(config.auth.users).toEqual([expect.objectContaining({ name: '张伟', passwordHash: '[removed]' }), expect.objectContaining({ name: '王芳', passwordHash: '[removed]' })]);
    const versions = JSON.parse(files.get('versions.json')!.toString()) as Record<string, unknown>;
    expect(versions).toMatchObject({ watchfloor: health.version, shell: 'web', node: process.versions.node, electron: null, chromium: null, os: { arch: process.arch } });
    expect((versions.memory as { rss: number }).rss).toBeGreaterThan(0);
    const logged = files.get('logs/watchfloor.log')!.toString('utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.some((l) => l.component === 'auth' && /^failed sign-in/.test(String(l.msg)))).toBe(true);
    expect(files.get('README.txt')!.toString()).toMatch(/^Watchfloor diagnostics, made \d{4}-/);
    // audited, with who asked
    await waitFor(() => host.auditLog!.query().some((e) => e.what === 'diagnostics export' && e.actor === '张伟' && e.kind === 'action'), 5000, 'the export in the audit log');
  });

  it('refuses a viewer (403, audited) and anybody not signed in (401)', async () => {
    const viewer = await get('/api/diagnostics', viewerCookie);
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { error: string }).error).toMatch(/commander or a dispatcher/);
    expect(host.auditLog!.query().some((e) => e.kind === 'refused' && e.what === 'diagnostics export' && e.actor === '王芳')).toBe(true);
    const nobody = await get('/api/diagnostics');
    expect(nobody.status).toBe(401);
    expect((await fetch(`${web.url}/api/diagnostics`, { method: 'POST', headers: { Cookie: dispatcherCookie } })).status).toBe(405);
  });
});

/** a bridge connection as a page opens it, with a sign-in cookie */
async function bridge(url: string, cookie: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, { headers: { Origin: url, Cookie: cookie } });
  const got: ServerMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
  let next = 1;
  return {
    close: () => ws.close(),
    async request(method: string, params: unknown): Promise<{ ok: boolean; result?: unknown; error?: string }> {
      const id = next++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      let r: (ServerMessage & { type: 'response' }) | undefined;
      await waitFor(() => !!(r = got.find((m): m is ServerMessage & { type: 'response' } => m.type === 'response' && m.id === id)), 30_000, `${method} answered`);
      return r!.ok ? { ok: true, result: r!.result } : { ok: false, error: r!.error };
    },
  };
}

describe("diagnostics.export over the bridge (the Electron shell's way: no download there)", () => {
  it('writes the zip into <data>/diagnostics for a dispatcher and says where; a viewer is refused', async () => {
    const page = await bridge(web.url, dispatcherCookie);
    try {
      const r = await page.request('diagnostics.export', {});
      expect(r.ok, r.error).toBe(true);
      const result = r.result as { path: string; bytes: number; files: string[] };
      expect(result.path).toMatch(/^<data>\/diagnostics\/diagnostics-\d{8}T\d{6}Z-[0-9a-f]{6}\.zip$/);
      const file = join(dataDir, result.path.slice('<data>/'.length));
      expect(statSync(file).size).toBe(result.bytes);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const files = unzip(readFileSync(file));
      expect([...files.keys()]).toEqual(result.files);
      expect(result.files).toEqual(expect.arrayContaining(['health.json', 'config.json', 'versions.json', 'README.txt', 'logs/watchfloor.log']));
      expect(readFileSync(file).includes(BROKER_PASSWORD)).toBe(false);
    } finally {
      page.close();
    }
    const viewer = await bridge(web.url, viewerCookie);
    try {
      const r = await viewer.request('diagnostics.export', {});
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^forbidden: /) });
    } finally {
      viewer.close();
    }
    expect(readdirSync(join(dataDir, 'diagnostics'))).toHaveLength(1);
  });
});

describe('log rotation (logs.maxFileBytes, logs.keepFiles)', () => {
  let small: { host: Host; web: WallShell };
  let smallData: string;
  beforeAll(async () => {
    smallData = mkdtempSync(join(tmpdir(), 'wf-diag-rot-'));
    small = await startWallHost({ logs: { maxFileBytes: 1024, keepFiles: 2 } }, { dataDir: smallData });
  });
  afterAll(async () => {
    await small?.web.close();
    await small?.host.close();
  });

  it('sets the log aside as it passes maxFileBytes, keeps keepFiles old files, and the export holds them newest first', async () => {
    // each refused request is one line of the access log (~230 bytes): 12 lines make several files
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${small.web.url}/api/nothing-${i}`, { method: 'POST' });
      expect(r.status).toBe(405);
    }
    const dir = join(smallData, 'logs');
    const rotated = () => readdirSync(dir).filter((n) => /^watchfloor-\d{8}-\d{6}(-\d+)?\.log$/.test(n));
    await waitFor(() => rotated().length === 2 && logLines(smallData).some((l) => l.msg === 'refused (method): POST not allowed on /api/nothing-11'), 5000, 'the log rotated with the last request in the current file');
    // the oldest files went: only keepFiles set-aside files and the current one
    expect(readdirSync(dir)).toHaveLength(3);
    for (const n of readdirSync(dir)) expect(statSync(join(dir, n)).size).toBeLessThanOrEqual(1024);
    for (const n of rotated()) expect(logLines(smallData, n).every((l) => typeof l.component === 'string')).toBe(true);
    const h = small.host.health();
    expect(h.logs).toMatchObject({ files: 3, failedWrites: 0, error: null });
    // newest first: by the time in the name, then by the sequence a second file of the same second gets
    const order = (n: string) => n.replace(/^watchfloor-(\d{8})-(\d{6})(?:-(\d+))?\.log$/, (_m, d: string, t: string, seq?: string) => `${d}${t}${(seq ?? '0').padStart(4, '0')}`);
    const newestFirst = rotated()
      .sort((a, b) => order(b).localeCompare(order(a)))
      .map((n) => `logs/${n}`);
    // (the export's own log line, written after it is made, may set another file aside)
    const zip = unzip(Buffer.from(await (await fetch(`${small.web.url}/api/diagnostics`)).arrayBuffer()));
    expect([...zip.keys()].filter((n) => n.startsWith('logs/'))).toEqual(['logs/watchfloor.log', ...newestFirst]);
    expect(existsSync(join(smallData, 'diagnostics'))).toBe(false);
  });
});

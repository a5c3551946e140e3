// Case export through the real web shell over real HTTP (docs/cases.md): an incident fed through
// the wall's broker, acknowledged, dispatched, answered and resolved through the API, then
// exported by a viewer: the folder and its zip, the MCAP slice read back with the journal's own
// readers (the alarm and the acknowledgement are in it, and replaying it gives the resolved
// incident), the audit lines as stored, the CSV, the self-contained report, the export's own
// audit entry, and `npm run case:verify` on the folder and the zip (0 intact, 1 naming the file a
// byte was changed in). Then the refusals: 400, 404, 405, 401.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../core/contract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecord, verifyLines } from '../../../core/audit/chain.js';
import type { SituationInput } from '../../../core/inputs.js';
import { restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, createSituation } from '../../../core/situation/situation.js';
import { readInputs, readLastSnapshot } from '../../../main/journal/journal-read.js';
import { openMcap } from '../../../main/journal/mcap-read.js';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { waitFor } from '../../helpers/host.js';
import { APP_ROOT } from '../../helpers/host.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
const TOKEN = 'cad-token-cases-2b7e1f9a3c5d4e60';
const AT = { lat: 26.0425, lon: 119.2826 };
const TITLE = '万达广场 盗窃 <b>嫌疑人</b> & "同伙"';

interface Json {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let host: Host;
let web: WallShell;
let dataDir: string;
let client: MqttClient;
let viewerCookie = '';
let bare: { host: Host; web: WallShell };
/** the case exported in beforeAll, and its answer */
let exported: Json;
let caseDir = '';
let zipPath = '';
const t = { alarm: 0, closed: 0 };

async function call(path: string, init: { method?: string; body?: unknown; as?: 'token' | 'viewer' | 'nobody' | 'bad-token'; base?: string } = {}): Promise<Json> {
  const headers: Record<string, string> = {};
  if (init.as === 'token' || init.as === undefined) headers.Authorization = `Bearer ${TOKEN}`;
  if (init.as === 'bad-token') headers.Authorization = 'Bearer not-one-this-wall-knows';
  if (init.as === 'viewer') headers.Cookie = viewerCookie;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${init.base ?? web.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test looking at it says so
  }
  return { status: r.status, body };
}
const exportCase = (body: unknown, as: 'token' | 'viewer' | 'nobody' | 'bad-token' = 'viewer', base?: string) => call('/api/cases', { method: 'POST', body, as, ...(base ? { base } : {}) });

/** where a case is on disk, from its id (the answer's shown paths are checked apart) */
const caseAt = (caseId: string) => join(dataDir, 'cases', caseId);

/** the command as an official runs it; never blocking this process, which is the wall being asked too */
const verify = (target: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    execFile('npx', ['tsx', 'scripts/case-verify.ts', target], { cwd: APP_ROOT, encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => done({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr }));
  });

const incident = (id: string) => host.situation.state.incidents.get(id);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wf-cases-'));
  const [v, tok] = await Promise.all([hashSecret('viewer-pass-1'), hashSecret(TOKEN)]);
  ({ host, web } = await startWallHost({ auth: { users: [{ name: '王芳', role: 'viewer', passwordHash: v }], tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: tok }] } }, { dataDir }));
  bare = await startWallHost();
  await host.ingest.ready(10_000);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  const signIn = await fetch(`${web.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: '王芳', password: 'viewer-pass-1' }) });
  expect(signIn.status).toBe(200);
  viewerCookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];

  // a unit near the spot, then the alarm with a clue photo the wall serves and one it does not
  await client.publishAsync(`${P}/units/cu-1/location`, JSON.stringify({ id: 'cu-1', ts: Date.now(), kind: 'volunteer', name: '志愿者 老陈', lat: AT.lat + 0.002, lon: AT.lon + 0.002, status: 'available' }), { qos: 1 });
  await waitFor(() => host.situation.state.units.has('cu-1'), 10_000, 'unit cu-1');
  t.alarm = Date.now();
  await client.publishAsync(
    `${P}/alarms/110`,
    JSON.stringify({ id: 'case-1', ts: t.alarm, kind: 'theft', priority: 1, ...AT, title: TITLE, detail: '两名男子，一穿黑色卫衣', media: [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }, { url: 'https://media.example.org/clue-9.jpg', type: 'image/jpeg' }] }),
    { qos: 1 },
  );
  await waitFor(() => !!incident('case-1'), 10_000, 'incident case-1');

  expect((await call('/api/incidents/case-1/ack', { method: 'POST', body: { note: '已接警，联系报警人' } })).status).toBe(200);
  const sent = await call('/api/incidents/case-1/dispatch', { method: 'POST', body: { unitIds: ['cu-1'], note: '就近前往' } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const dispatchId = sent.body.dispatchId as string;
  await client.publishAsync(`${P}/units/cu-1/location`, JSON.stringify({ id: 'cu-1', ts: Date.now(), kind: 'volunteer', lat: AT.lat + 0.001, lon: AT.lon + 0.001, status: 'busy' }), { qos: 1 });
  for (const answer of ['accept', 'arrived']) {
    await client.publishAsync(`${P}/units/cu-1/reply`, JSON.stringify({ dispatchId, incidentId: 'case-1', answer, ts: Date.now() }), { qos: 1 });
    await waitFor(() => incident('case-1')!.responders.some((r) => r.answer === answer), 10_000, `reply ${answer}`);
  }
  expect((await call('/api/incidents/case-1/status', { method: 'POST', body: { status: 'resolved', note: '嫌疑人已控制' } })).status).toBe(200);
  t.closed = incident('case-1')!.closedAt!;

  exported = await exportCase({ incidentId: 'case-1' });
  if (exported.status === 200) {
    caseDir = caseAt(exported.body.manifest.caseId);
    zipPath = `${caseDir}.zip`;
  }
}, 60_000);

afterAll(async () => {
  await client?.endAsync();
  await bare?.web.close();
  await bare?.host.close();
  await web?.close();
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /api/cases { incidentId }', () => {
  it('answers where the folder and the zip are (relative to the data folder) and the manifest', () => {
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    const { path, zip, manifest } = exported.body;
    expect(path).toMatch(/^<data>\/cases\/case-case-1-\d{8}T\d{6}Z$/);
    expect(zip).toBe(`${path}.zip`);
    expect(manifest).toMatchObject({ format: 'watchfloor-case', version: 1, caseId: path.slice('<data>/cases/'.length), incidentId: 'case-1', createdBy: { name: '王芳', role: 'viewer', via: 'session' } });
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['recording.mcap', 'audit.jsonl', 'timeline.csv', 'report.html']);
    // from 2 minutes before the incident started (or the recording's start, this wall being young) to its close
    const startedAt = incident('case-1')!.startedAt;
    expect(manifest.period.fromMs).toBeLessThanOrEqual(startedAt);
    expect(manifest.period.fromMs).toBeGreaterThanOrEqual(startedAt - 2 * 60_000);
    expect(manifest.period.toMs).toBeGreaterThanOrEqual(t.closed);
    expect(manifest.period.toMs).toBeLessThanOrEqual(t.closed + 2 * 60_000);
    expect(manifest.period.from).toBe(new Date(manifest.period.fromMs).toISOString());
    expect(JSON.stringify(exported.body)).not.toContain(dataDir);
  });

  it('writes the folder (0700) with its files (0600), each as the manifest says, and the zip beside it', () => {
    const { manifest } = exported.body;
    expect(readdirSync(caseDir).sort()).toEqual(['audit.jsonl', 'manifest.json', 'recording.mcap', 'report.html', 'timeline.csv']);
    expect(statSync(caseDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'cases')).mode & 0o777).toBe(0o700);
    expect(statSync(zipPath).mode & 0o777).toBe(0o600);
    for (const f of manifest.files as { name: string; bytes: number; sha256: string }[]) {
      const bytes = readFileSync(join(caseDir, f.name));
      expect(statSync(join(caseDir, f.name)).mode & 0o777, f.name).toBe(0o600);
      expect(bytes.length, f.name).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), f.name).toBe(f.sha256);
    }
    expect(JSON.parse(readFileSync(join(caseDir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    // nothing half-written left behind
    expect(readdirSync(join(dataDir, 'cases')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('slices the recording: a snapshot at the start and every input of the period, with the alarm and the acknowledgement, replaying to the resolved incident', async () => {
    const file = join(caseDir, 'recording.mcap');
    const r = await openMcap(file);
    try {
      expect(r.reader.header.profile).toBe('watchfloor');
      expect([...r.reader.channelsById.values()].map((c) => c.topic).sort()).toEqual(['/watchfloor/inputs/actions', '/watchfloor/inputs/events', '/watchfloor/inputs/fixes', '/watchfloor/inputs/rejects', '/watchfloor/inputs/ticks', '/watchfloor/snapshot', '/watchfloor/snapshot/units']);
    } finally {
      await r.close();
    }
    const { manifest } = exported.body;
    const snap = await readLastSnapshot([file], manifest.period.fromMs);
    expect(snap, 'a snapshot at the period start').not.toBeNull();
    expect(snap!.snapshot.at).toBe(manifest.period.fromMs);
    const inputs = await readInputs([file], { afterN: snap!.snapshot.n });
    expect(inputs.length).toBeGreaterThan(0);
    for (const { input } of inputs) {
      expect(input.at).toBeGreaterThan(manifest.period.fromMs - 1);
      expect(input.at).toBeLessThanOrEqual(manifest.period.toMs);
    }
    const alarm = inputs.find(({ input }) => input.t === 'events' && input.events.some((e) => e.type === 'incident' && e.report.id === 'case-1'));
    expect(alarm, 'the alarm').toBeDefined();
    const ack = inputs.find(({ input }) => input.t === 'action' && input.action.kind === 'ack' && input.action.incidentId === 'case-1');
    expect(ack, 'the acknowledgement').toBeDefined();
    expect((ack!.input as Extract<SituationInput, { t: 'action' }>).action).toMatchObject({ by: 'city-cad', role: 'dispatcher', note: '已接警，联系报警人' });
    expect(ack!.n).toBeGreaterThan(alarm!.n);
    // the numbers are the wall's own sequence, in order and without repeats
    const ns = inputs.map((i) => i.n);
    expect(ns).toEqual([...new Set(ns)].sort((a, b) => a - b));

    // the slice replays on its own to what the wall had
    const state = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    expect(restoreCheckpoint(state, snap!.snapshot.situation).ok).toBe(true);
    for (const { input } of inputs) apply(state, input);
    expect(state.incidents.get('case-1')).toMatchObject({ state: 'resolved', acknowledgedBy: 'city-cad', title: TITLE });
    expect(state.incidents.get('case-1')!.responders).toEqual([expect.objectContaining({ unitId: 'cu-1', answer: 'arrived' })]);
  });

  it('holds the audit lines of the period exactly as stored, their chain intact', () => {
    const lines = readFileSync(join(caseDir, 'audit.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((l) => {
      const p = parseRecord(l);
      expect(p.ok, l).toBe(true);
      return (p as { ok: true; record: { seq: number; kind: string; incidentId?: string; what?: string; actor?: string; prev: string } }).record;
    });
    const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    expect(verifyLines(lines, { prev: records[0].prev, firstSeq: records[0].seq, sha256hex: sha }).ok).toBe(true);
    expect(records.filter((r) => r.incidentId === 'case-1' && r.kind === 'action').map((r) => r.what)).toEqual(['ack', 'assign', 'resolve']);
    // the same lines the wall's log holds
    const stored = readdirSync(join(dataDir, 'audit'))
      .filter((n) => n.endsWith('.jsonl'))
      .flatMap((n) => readFileSync(join(dataDir, 'audit', n), 'utf8').split('\n'));
    for (const l of lines) expect(stored).toContain(l);
  });

  it('writes the timeline as CSV with a BOM, one row per line of the timeline', () => {
    const csv = readFileSync(join(caseDir, 'timeline.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFincidentId,time,localTime,kind,by,role,note,unit,answer,other,asked,changed,priority\r\n')).toBe(true);
    const rows = csv.slice(1).trimEnd().split('\r\n').slice(1);
    const kinds = rows.map((r) => r.split(',')[3]);
    expect(kinds).toEqual(incident('case-1')!.timeline.map((e) => e.kind));
    expect(kinds.slice(0, 3)).toEqual(['reported', 'acknowledged', 'dispatched']);
    expect(rows.find((r) => r.split(',')[3] === 'acknowledged')).toContain('city-cad,dispatcher,已接警，联系报警人');
    expect(rows.some((r) => r.includes('志愿者 老陈,arrived'))).toBe(true);
  });

  it('writes a self-contained report in Chinese: summary, times, timeline, responders, the photo inlined, the external one as a link, a sketch map', () => {
    const html = readFileSync(join(caseDir, 'report.html'), 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("Content-Security-Policy\" content=\"default-src &#39;none&#39;; img-src data:");
    for (const words of ['案件报告', '警情概要', '处置时间', '处置经过', '响应力量', '线索图片', '位置示意图', '审计记录', '盗窃', '一级', '已办结', '签收', '已接警，联系报警人', '志愿者 老陈', '王芳']) expect(html, words).toContain(words);
    // the title is text, never markup
    expect(html).toContain('万达广场 盗窃 &lt;b&gt;嫌疑人&lt;/b&gt; &amp; &quot;同伙&quot;');
    expect(html).not.toContain('<b>嫌疑人');
    // the served photo is inlined, byte for byte; the external one is a link, never loaded
    const photo = readFileSync(join(APP_ROOT, 'assets/generated/media/demo/clue-1.jpg')).toString('base64');
    expect(html).toContain(`src="data:image/jpeg;base64,${photo}"`);
    expect(html).toContain('<a href="https://media.example.org/clue-9.jpg"');
    expect(html).not.toMatch(/<(script|link|iframe|object|embed)\b/i);
    expect([...html.matchAll(/\ssrc="([^"]*)"/g)].every((m) => m[1].startsWith('data:'))).toBe(true);
    expect(html).toMatch(/<svg[^>]*class="sketch"[\s\S]*<polyline/);
    // over HTTP there is no page to draw the wall's map: the key moments are sketches, and the report says why
    expect(html).toContain('经接口导出的案卷没有大屏页面来绘制地图');
    expect(html).not.toContain('class="wall-map"');
  });

  it('packs the same files into the zip, under the case folder', () => {
    const listing = readFileSync(zipPath);
    const caseId = exported.body.manifest.caseId as string;
    for (const name of ['recording.mcap', 'audit.jsonl', 'timeline.csv', 'report.html', 'manifest.json']) expect(listing.includes(Buffer.from(`${caseId}/${name}`)), name).toBe(true);
  });

  it('audits the export with who, the period and the manifest hash', () => {
    const caseId = exported.body.manifest.caseId as string;
    const entries = host.auditLog!.query({}).filter((e) => e.what === 'case export');
    expect(entries).toEqual([expect.objectContaining({ kind: 'action', actor: '王芳', role: 'viewer', via: 'session', incidentId: 'case-1', detail: expect.objectContaining({ caseId }) })]);
    const manifestSha = createHash('sha256').update(readFileSync(join(caseDir, 'manifest.json'))).digest('hex');
    expect(entries[0].detail!.manifestSha256).toBe(manifestSha);
    expect(entries[0].detail!.zipSha256).toBe(createHash('sha256').update(readFileSync(zipPath)).digest('hex'));
  });

  it('npm run case:verify: 0 for the folder and the zip; 1 naming report.html once a byte of it changed', async () => {
    const folder = await verify(caseDir);
    expect(folder.status, folder.stdout + folder.stderr).toBe(0);
    expect(folder.stdout).toContain('intact');
    const zip = await verify(zipPath);
    expect(zip.status, zip.stdout + zip.stderr).toBe(0);

    const report = join(caseDir, 'report.html');
    const bytes = readFileSync(report);
    bytes[bytes.length - 3] ^= 0x01;
    writeFileSync(report, bytes);
    const changed = await verify(caseDir);
    expect(changed.status, changed.stdout + changed.stderr).toBe(1);
    expect(changed.stdout).toMatch(/report\.html: changed/);
    expect(changed.stdout).not.toMatch(/(recording\.mcap|audit\.jsonl|timeline\.csv):/);

    // the same byte changed inside the zip
    const z = readFileSync(zipPath);
    const at = z.indexOf(Buffer.from('</body></html>'));
    expect(at).toBeGreaterThan(0);
    z[at + 2] ^= 0x01;
    const badZip = join(dataDir, 'changed.zip');
    writeFileSync(badZip, z);
    const zipChanged = await verify(badZip);
    expect(zipChanged.status, zipChanged.stdout + zipChanged.stderr).toBe(1);
    expect(zipChanged.stdout).toMatch(/report\.html: changed/);
  });
});

describe('POST /api/cases { from, to }', () => {
  it('exports a period: every incident in it, the timeline with its incident column', async () => {
    // from the alarm (the unit's fix before it was recorded: the recording began earlier)
    const from = new Date(t.alarm).toISOString();
    const r = await exportCase({ from, to: t.closed + 1000 }, 'token');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.path).toMatch(/^<data>\/cases\/case-\d{8}T\d{6}Z-\d{8}T\d{6}Z(-\d+)?$/);
    expect(r.body.manifest.incidentId).toBeUndefined();
    expect(r.body.manifest.period.fromMs).toBe(t.alarm);
    expect(r.body.manifest.period.toMs).toBe(t.closed + 1000);
    const dir = caseAt(r.body.manifest.caseId);
    const csv = readFileSync(join(dir, 'timeline.csv'), 'utf8');
    expect(csv.split('\r\n').filter((l) => l.startsWith('case-1,')).length).toBe(incident('case-1')!.timeline.length);
    expect((await verify(dir)).status).toBe(0);
    expect(r.body.zip).toBe(`${r.body.path}.zip`);
    expect(existsSync(`${dir}.zip`)).toBe(true);
  });
});

/** a bridge connection as a page opens it (the viewer's cookie, or nobody's): requests and their answers */
async function bridge(url: string, cookie?: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, { headers: { Origin: url, ...(cookie ? { Cookie: cookie } : {}) } });
  const got: ServerMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
  let next = 1;
  return {
    close: () => ws.close(),
    async request(method: string, params: unknown): Promise<{ ok: boolean; result?: any; error?: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const id = next++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      let r: (ServerMessage & { type: 'response' }) | undefined;
      await waitFor(() => !!(r = got.find((m): m is ServerMessage & { type: 'response' } => m.type === 'response' && m.id === id)), 30_000, `${method} answered`);
      return r!.ok ? { ok: true, result: r!.result } : { ok: false, error: r!.error };
    },
  };
}

describe("case.export and case.verify over the bridge (what the wall's pages use, in both shells)", () => {
  it("a viewer's page exports the incident, checks it intact, and is told which file changed in which copy", async () => {
    const page = await bridge(web.url, viewerCookie);
    try {
      const r = await page.request('case.export', { incidentId: 'case-1' });
      expect(r.ok, r.error).toBe(true);
      expect(r.result.caseId).toMatch(/^case-case-1-\d{8}T\d{6}Z(-\d+)?$/);
      expect(r.result.path).toBe(`<data>/cases/${r.result.caseId}`);
      expect(r.result.zip).toBe(`${r.result.path}.zip`);
      expect(r.result.files.map((f: { name: string }) => f.name).sort()).toEqual(['audit.jsonl', 'recording.mcap', 'report.html', 'timeline.csv']);
      expect(r.result.from).toBeLessThanOrEqual(t.alarm);
      // the recording began after 2 minutes before the alarm: said in both languages
      expect(r.result.notes).toEqual([expect.objectContaining({ en: expect.stringMatching(/^the recording begins at /), zh: expect.stringMatching(/^录像始于 /) })]);
      const dir = caseAt(r.result.caseId);
      expect(createHash('sha256').update(readFileSync(join(dir, 'manifest.json'))).digest('hex')).toBe(r.result.manifestSha256);
      for (const f of r.result.files) expect(createHash('sha256').update(readFileSync(join(dir, f.name))).digest('hex'), f.name).toBe(f.sha256);

      const intact = await page.request('case.verify', { caseId: r.result.caseId });
      expect(intact.ok, intact.error).toBe(true);
      expect(intact.result).toMatchObject({ caseId: r.result.caseId, ok: true, folder: { ok: true, listed: 4, intact: 4, problems: [] }, zip: { ok: true, listed: 4, intact: 4, problems: [] } });

      const csv = join(dir, 'timeline.csv');
      const bytes = readFileSync(csv);
      bytes[bytes.length - 4] ^= 0x01;
      writeFileSync(csv, bytes);
      const changed = await page.request('case.verify', { caseId: r.result.caseId });
      expect(changed.ok, changed.error).toBe(true);
      expect(changed.result.ok).toBe(false);
      expect(changed.result.folder.problems).toEqual([expect.objectContaining({ name: 'timeline.csv', kind: 'changed' })]);
      expect(changed.result.folder).toMatchObject({ ok: false, listed: 4, intact: 3 });
      expect(changed.result.zip.ok).toBe(true);

    } finally {
      page.close();
    }
    // what a page may not name (a connection of its own: each has its own request budget)
    const other = await bridge(web.url, viewerCookie);
    try {
      for (const caseId of ['../journal', 'case-../../etc', '', 5, 'case-' + 'x'.repeat(300)]) {
        const bad = await other.request('case.verify', { caseId });
        expect(bad.ok, String(caseId)).toBe(false);
        expect(bad.error).toMatch(/^invalid: caseId/);
      }
      const unknown = await other.request('case.verify', { caseId: 'case-never-written-20261205T000000Z' });
      expect(unknown.error).toMatch(/^not_found: no case case-never-written/);
      const malformed = await other.request('case.export', { incidentId: 'case-1', from: 1, to: 2 });
      expect(malformed.error).toMatch(/^invalid: .*not both/);
      const missing = await other.request('case.export', { incidentId: 'no-such-incident' });
      expect(missing.error).toMatch(/^not_found: no incident no-such-incident/);
    } finally {
      other.close();
    }
  });

  it('a page nobody signed in to is not let in, and a wall without a recording says so', async () => {
    const before = readdirSync(join(dataDir, 'cases')).length;
    // this wall has users: the bridge itself needs a session (the refusal is the upgrade's 401)
    await expect(bridge(web.url)).rejects.toThrow(/401/);
    expect(readdirSync(join(dataDir, 'cases')).length).toBe(before);
    const other = await bridge(bare.web.url);
    try {
      expect((await other.request('case.export', { incidentId: 'case-1' })).error).toMatch(/^not_found: this wall keeps no recording/);
      expect((await other.request('case.verify', { caseId: 'case-case-1-20261205T000000Z' })).error).toMatch(/^not_found: this wall keeps no recording/);
    } finally {
      other.close();
    }
  });
});

describe('what POST /api/cases refuses', () => {
  it('answers 400 for a body that names neither an incident nor a good period', async () => {
    const now = Date.now();
    const cases: [unknown, RegExp][] = [
      [{}, /incidentId.*from.*to/],
      [{ incidentId: 5 }, /incidentId must be/],
      [{ incidentId: '' }, /incidentId must be/],
      [{ incidentId: 'case-1', from: now - 1000, to: now }, /not both/],
      [{ from: 'yesterday', to: now }, /ISO-8601/],
      [{ from: now - 1000 }, /ISO-8601/],
      [{ from: now, to: now - 1000 }, /to must be after from/],
      [{ from: now - 25 * 3_600_000, to: now }, /at most 24 hours/],
    ];
    for (const [body, msg] of cases) {
      const r = await exportCase(body, 'token');
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error, JSON.stringify(body)).toMatch(msg);
    }
  });

  it('answers 404 for an incident the wall never had, a period outside the recording, and a wall without a recording', async () => {
    const unknown = await exportCase({ incidentId: 'no-such-incident' }, 'token');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no incident no-such-incident/);
    const old = await exportCase({ from: '2020-01-01T00:00:00Z', to: '2020-01-01T01:00:00Z' }, 'token');
    expect(old.status).toBe(404);
    expect(old.body.error).toMatch(/nothing recorded between 2020-01-01T00:00:00.000Z and 2020-01-01T01:00:00.000Z: the recording holds/);
    const none = await exportCase({ incidentId: 'case-1' }, 'nobody', bare.web.url);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatch(/no recording.*data folder/);
  });

  it('answers 405 to anything but POST', async () => {
    const r = await call('/api/cases');
    expect(r.status).toBe(405);
  });

  it('answers 401 without credentials or with a token it does not know, and writes nothing', async () => {
    const before = readdirSync(join(dataDir, 'cases')).sort();
    for (const who of ['nobody', 'bad-token'] as const) {
      const r = await exportCase({ incidentId: 'case-1' }, who);
      expect(r.status, who).toBe(401);
      expect(r.body.error).toMatch(/sign in first|bearer token/);
    }
    expect(readdirSync(join(dataDir, 'cases')).sort()).toEqual(before);
    expect(host.auditLog!.query({}).filter((e) => e.kind === 'refused' && e.what === 'POST /api/cases').length).toBe(2);
  });
});

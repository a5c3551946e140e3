// Questions about the past through the real web shell over real HTTP (docs/http-api.md): what the
// journal holds (/api/recordings), the situation at a time rebuilt from the recording
// (/api/situation?at=), and the incidents open in a period (/api/incidents?from=&to=). The wall is
// fed through its real broker; every time asked about is the server's own (the journal records by
// receive time), taken between events the test has seen land, never by sleeping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { startWallHost, type WallShell } from '../../helpers/wall.js';

const P = 'watchfloor/v1';
const TOKEN = 'cad-token-recordings-8c1d2e3f4a5b6978';
const DAY = 86_400_000;

interface Json {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
interface IncidentLike {
  id: string;
  state?: string;
  status?: string;
  open?: boolean;
}
interface UnitLike {
  id: string;
  lat: number;
  lon: number;
}

let host: Host;
let web: WallShell;
let dataDir: string;
let client: MqttClient;
/** a second wall, run without a data folder (and with no users: the loopback's anonymous commander) */
let bare: { host: Host; web: WallShell };

/** the times the story below took place, from the server's clock (one process: the same clock) */
const t = { boot: 0, start: 0, one: 0, two: 0, acked: 0 };
/** where the units were, as the live wall showed them, at t.one and t.two */
const seen: { one: Record<string, UnitLike>; two: Record<string, UnitLike> } = { one: {}, two: {} };

async function get(path: string, auth: 'token' | 'nobody' | 'bad-token' = 'token', base = web.url): Promise<Json> {
  const headers: Record<string, string> = {};
  if (auth === 'token') headers.Authorization = `Bearer ${TOKEN}`;
  if (auth === 'bad-token') headers.Authorization = 'Bearer not-one-this-wall-knows';
  const r = await fetch(`${base}${path}`, { headers });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test looking at it says so
  }
  return { status: r.status, body };
}

async function post(path: string, body: unknown): Promise<Json> {
  const r = await fetch(`${web.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

/** Polls an HTTP answer until `check` holds; bounded, so a broken product fails instead of hanging. */
async function until(path: string, check: (r: Json) => boolean, what: string, timeoutMs = 10_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json | undefined;
  for (;;) {
    last = await get(path);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer ${last.status} ${JSON.stringify(last.body).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The next millisecond: what happens after this is recorded at a later time than `at`. */
async function after(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((r) => setTimeout(r, 1));
}

const live = () => until('/api/situation', (r) => r.status === 200, 'the live situation');
const liveShows = (check: (incidents: IncidentLike[], units: UnitLike[]) => boolean, what: string) =>
  until('/api/situation', (r) => r.status === 200 && check(r.body.incidents, r.body.units), what);

/** Waits until the journal's range reaches `at` (the next tick after it is recorded). */
const recordedThrough = (at: number) => until('/api/recordings', (r) => r.status === 200 && r.body.range !== null && r.body.range.to >= at, `the recording to reach ${new Date(at).toISOString()}`);

const alarm = (id: string, priority = 2) =>
  client.publishAsync(`${P}/alarms/110`, JSON.stringify({ id, ts: Date.now(), kind: 'theft', priority, lat: 26.0425, lon: 119.2826, title: `警情 ${id}` }), { qos: 1 });
const unitAt = (id: string, lat: number, lon: number) =>
  client.publishAsync(`${P}/units/${id}/location`, JSON.stringify({ id, ts: Date.now(), kind: 'volunteer', lat, lon, status: 'available' }), { qos: 1 });

const ids = (list: { id: string }[]) => list.map((i) => i.id).sort();
const byId = <T extends { id: string }>(list: T[]): Record<string, T> => Object.fromEntries(list.map((x) => [x.id, x]));
const at = (ms: number) => `/api/situation?at=${ms}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wf-recordings-'));
  t.boot = Date.now();
  ({ host, web } = await startWallHost({ auth: { tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: await hashSecret(TOKEN) }] } }, { dataDir }));
  bare = await startWallHost();
  await host.ingest.ready(10_000);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  t.start = Date.now();
  await after(t.start);

  // an incident that comes and is resolved before the rest
  await unitAt('rv-1', 26.041, 119.281);
  await unitAt('rv-2', 26.045, 119.285);
  await alarm('rec-0');
  await liveShows((inc, units) => inc.some((i) => i.id === 'rec-0') && units.length === 2, 'rec-0 and two units on the live wall');
  expect((await post('/api/incidents/rec-0/status', { status: 'resolved', note: '误报已处置' })).status).toBe(200);

  // the first alarm: T one is after it, before everything that follows
  await alarm('rec-1', 1);
  await liveShows((inc) => inc.some((i) => i.id === 'rec-1'), 'rec-1 on the live wall');
  seen.one = byId((await live()).body.units);
  t.one = Date.now();
  await after(t.one);

  // a unit moves and the second alarm comes
  await unitAt('rv-1', 26.052, 119.295);
  await alarm('rec-2', 3);
  const two = await liveShows((inc, units) => inc.some((i) => i.id === 'rec-2') && units.find((u) => u.id === 'rv-1')!.lat !== seen.one['rv-1'].lat, 'rec-2 and rv-1 moved on the live wall');
  seen.two = byId(two.body.units);
  t.two = Date.now();
  await after(t.two);

  // the operator acknowledges the first
  const ack = await post('/api/incidents/rec-1/ack', { note: '已接警' });
  expect(ack.status).toBe(200);
  t.acked = Date.now();
  await recordedThrough(t.acked);
}, 60_000);

afterAll(async () => {
  await client?.endAsync();
  await bare?.web.close();
  await bare?.host.close();
  await web?.close();
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /api/recordings', () => {
  it('lists the file being written with its counts and the incidents that started in it, and the journal health', async () => {
    // the index learns the incidents at the next chunk
    const r = await until('/api/recordings', (x) => x.status === 200 && x.body.files.some((f: { incidents: { id: string }[] }) => f.incidents.some((i) => i.id === 'rec-2')), 'rec-2 in the index');
    const { range, files, health } = r.body;
    expect(files.length).toBeGreaterThanOrEqual(1);
    const current = files.at(-1);
    expect(current.file).toMatch(/^watchfloor-\d{4}-\d\d-\d\dT\d\dZ(-\d+)?\.mcap$/);
    expect(health).toMatchObject({ ok: true, recording: true, file: current.file, error: null, lost: 0 });
    expect(health.inputs).toBeGreaterThan(0);
    const sum = (k: 'inputs' | 'events' | 'ticks' | 'actions') => files.reduce((s: number, f: { inputs: number; perFamily: Record<string, number> }) => s + (k === 'inputs' ? f.inputs : f.perFamily[k]), 0);
    expect(current.inputs).toBeGreaterThan(0);
    // 2 + 1 unit fixes and 3 alarms at least, and this wall's two actions (resolve, ack); ticks as the clock went
    expect(sum('events')).toBeGreaterThanOrEqual(6);
    expect(sum('actions')).toBeGreaterThanOrEqual(2);
    expect(sum('inputs')).toBeGreaterThanOrEqual(sum('events') + sum('ticks') + sum('actions'));
    const started: { id: string; at: number; priority: number; kind: string; title: string }[] = files.flatMap((f: { incidents: unknown[] }) => f.incidents);
    expect(ids(started)).toEqual(['rec-0', 'rec-1', 'rec-2']);
    expect(byId(started)['rec-1']).toMatchObject({ priority: 1, kind: 'theft', title: '警情 rec-1' });
    expect(byId(started)['rec-1'].at).toBeGreaterThanOrEqual(t.start);
    expect(byId(started)['rec-1'].at).toBeLessThanOrEqual(t.one);
    // from the wall's start (it records from then) to the last input
    expect(range.from).toBeGreaterThanOrEqual(t.boot);
    expect(range.from).toBeLessThanOrEqual(byId(started)['rec-1'].at);
    expect(range.to).toBeGreaterThanOrEqual(t.acked);
    expect(range.to).toBeLessThanOrEqual(Date.now());
  });
});

describe('GET /api/situation?at=', () => {
  it('between the two alarms: the first and not the second, and the units where they were then', async () => {
    const r = await get(at(t.one));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ at: t.one, replayed: true });
    expect(Object.keys(r.body).sort()).toEqual(['at', 'cameras', 'incidents', 'kiosks', 'now', 'replayed', 'stats', 'units']);
    expect(ids(r.body.incidents)).toEqual(['rec-0', 'rec-1']);
    const inc = byId<IncidentLike>(r.body.incidents);
    expect(inc['rec-0'].state).toBe('resolved');
    expect(inc['rec-1'].state).toBe('new');
    const units = byId<UnitLike>(r.body.units);
    expect(ids(r.body.units)).toEqual(['rv-1', 'rv-2']);
    for (const id of ['rv-1', 'rv-2']) expect({ lat: units[id].lat, lon: units[id].lon }, id).toEqual({ lat: seen.one[id].lat, lon: seen.one[id].lon });
    expect(r.body.now).toBeLessThanOrEqual(t.one);
  });

  it('after the second alarm: both, the unit moved, the first not yet acknowledged', async () => {
    const r = await get(at(t.two));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body.incidents)).toEqual(['rec-0', 'rec-1', 'rec-2']);
    const inc = byId<IncidentLike>(r.body.incidents);
    expect(inc['rec-1'].state).toBe('new');
    expect(inc['rec-2'].state).toBe('new');
    const units = byId<UnitLike>(r.body.units);
    expect({ lat: units['rv-1'].lat, lon: units['rv-1'].lon }).toEqual({ lat: seen.two['rv-1'].lat, lon: seen.two['rv-1'].lon });
    expect(units['rv-1'].lat).not.toBe(seen.one['rv-1'].lat);
  });

  it("shows the operator's acknowledgement after it was taken and not before", async () => {
    const before = await get(at(t.two));
    const then = await get(at(t.acked));
    expect(then.status, JSON.stringify(then.body)).toBe(200);
    expect(byId<IncidentLike>(before.body.incidents)['rec-1']).toMatchObject({ state: 'new', acknowledged: false });
    expect(byId<IncidentLike>(then.body.incidents)['rec-1']).toMatchObject({ state: 'acknowledged', acknowledged: true, acknowledgedBy: 'city-cad' });
    expect(byId<IncidentLike>(then.body.incidents)['rec-2'].state).toBe('new');
  });

  it('at now: the same incidents, in the same states, as the live situation', async () => {
    const now = Date.now();
    await recordedThrough(now);
    const past = await get(at(now));
    const current = await get('/api/situation');
    expect(past.status, JSON.stringify(past.body)).toBe(200);
    const states = (list: IncidentLike[]) => list.map((i) => [i.id, i.state, i.status]).sort();
    expect(states(past.body.incidents)).toEqual(states(current.body.incidents));
    expect(states(past.body.incidents)).toEqual([
      ['rec-0', 'resolved', 'closed'],
      ['rec-1', 'acknowledged', 'open'],
      ['rec-2', 'new', 'open'],
    ]);
    expect(ids(past.body.units)).toEqual(ids(current.body.units));
  });

  it('takes ISO-8601 as well as epoch milliseconds, for the same answer', async () => {
    const epoch = await get(at(t.one));
    for (const iso of [new Date(t.one).toISOString(), new Date(t.one).toISOString().replace('Z', '+00:00')]) {
      const r = await get(`/api/situation?at=${encodeURIComponent(iso)}`);
      expect(r.status, iso).toBe(200);
      expect(r.body.at, iso).toBe(t.one);
      expect(r.body.incidents, iso).toEqual(epoch.body.incidents);
      expect(r.body.units, iso).toEqual(epoch.body.units);
    }
  });

  it('answers a time it cannot read with 400 and how to write one', async () => {
    for (const bad of ['yesterday', '', '12abc', '2026-13-45T99:00:00Z', 'NaN']) {
      const r = await get(`/api/situation?at=${encodeURIComponent(bad)}`);
      expect(r.status, `at=${bad}`).toBe(400);
      expect(r.body.error, `at=${bad}`).toMatch(/ISO-8601.*epoch milliseconds/);
    }
  });

  it('answers a time before the recording or in the future with 404 naming the recorded range', async () => {
    const { range } = (await get('/api/recordings')).body;
    const from = new Date(range.from).toISOString();
    for (const when of [range.from - 60_000, Date.UTC(2020, 0, 1), Date.now() + 3_600_000]) {
      for (const q of [String(when), encodeURIComponent(new Date(when).toISOString())]) {
        const r = await get(`/api/situation?at=${q}`);
        expect(r.status, `at=${q}`).toBe(404);
        expect(r.body.error, `at=${q}`).toContain(new Date(when).toISOString());
        expect(r.body.error, `at=${q}`).toContain(`from ${from} to `);
        expect(r.body.error, `at=${q}`).toMatch(/to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
      }
    }
  });
});

describe('GET /api/incidents?from=&to=', () => {
  it('lists the incidents open at any moment of the period, not those that started after it', async () => {
    const first = await get(`/api/incidents?from=${t.start}&to=${t.one}`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(ids(first.body)).toEqual(['rec-0', 'rec-1']);
    expect(byId<IncidentLike>(first.body)['rec-1']).toMatchObject({ status: 'new', open: true, priority: 1, kind: 'theft', title: '警情 rec-1' });
    expect(byId<IncidentLike>(first.body)['rec-0']).toMatchObject({ status: 'resolved', open: false });

    // rec-0 was resolved before this period began: not open in it
    const later = await get(`/api/incidents?from=${encodeURIComponent(new Date(t.two).toISOString())}&to=${encodeURIComponent(new Date(t.acked).toISOString())}`);
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(ids(later.body)).toEqual(['rec-1', 'rec-2']);
    expect(byId<IncidentLike>(later.body)['rec-1'].status).toBe('acknowledged');

    const all = await get(`/api/incidents?from=${t.start}&to=${t.acked}`);
    expect(ids(all.body)).toEqual(['rec-0', 'rec-1', 'rec-2']);
    // oldest first
    expect(all.body.map((i: { startedAt: number }) => i.startedAt)).toEqual([...all.body.map((i: { startedAt: number }) => i.startedAt)].sort((a, b) => a - b));
  });

  it('answers a missing, unreadable, reversed or too long period with 400', async () => {
    const cases: [string, RegExp][] = [
      [`from=${t.start}`, /send both from and to/],
      [`to=${t.one}`, /send both from and to/],
      [`from=&to=${t.one}`, /send both from and to/],
      [`from=soon&to=${t.one}`, /send both from and to/],
      [`from=${t.start}&to=later`, /send both from and to/],
      [`from=${t.one}&to=${t.start}`, /to is before from/],
      [`from=${t.one - 32 * DAY}&to=${t.one}`, /at most 31 days/],
    ];
    for (const [q, msg] of cases) {
      const r = await get(`/api/incidents?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatch(msg);
    }
    // 31 days exactly is allowed
    expect((await get(`/api/incidents?from=${t.one - 31 * DAY}&to=${t.one}`)).status).not.toBe(400);
  });
});

describe('who may ask, and a wall that keeps no recording', () => {
  it('answers 401 without credentials or with a token it does not know', async () => {
    for (const path of ['/api/recordings', at(t.one), `/api/incidents?from=${t.start}&to=${t.one}`]) {
      for (const who of ['nobody', 'bad-token'] as const) {
        const r = await get(path, who);
        expect(r.status, `${who} ${path}`).toBe(401);
        expect(r.body.error).toMatch(/sign in first|bearer token/);
        expect(JSON.stringify(r.body)).not.toContain('rec-');
      }
    }
  });

  it('answers 404 with why on all three when the wall runs without a data folder', async () => {
    const now = Date.now();
    for (const path of ['/api/recordings', at(now), `/api/situation?at=${encodeURIComponent(new Date(now).toISOString())}`, `/api/incidents?from=${now - 60_000}&to=${now}`]) {
      const r = await get(path, 'nobody', bare.web.url);
      expect(r.status, path).toBe(404);
      expect(r.body.error, path).toContain('no recording');
      expect(r.body.error, path).toContain('data folder');
    }
    // the live questions still answer there
    expect((await get('/api/situation', 'nobody', bare.web.url)).status).toBe(200);
    expect((await get('/api/incidents', 'nobody', bare.web.url)).status).toBe(200);
  });
});

describe('what was recorded a moment ago', () => {
  it('is in the answer at once, before the journal would have written its chunk by itself', async () => {
    await alarm('rec-3');
    const shown = await liveShows((inc) => inc.some((i) => i.id === 'rec-3'), 'rec-3 on the live wall');
    // when the wall received it: the recording says it holds that time already
    const received = byId(shown.body.incidents as (IncidentLike & { firstSeen: number })[])['rec-3'].firstSeen;
    expect((await get('/api/recordings')).body.range.to).toBeGreaterThanOrEqual(received);
    const r = await get(at(received));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body.incidents)).toEqual(['rec-0', 'rec-1', 'rec-2', 'rec-3']);
  });
});

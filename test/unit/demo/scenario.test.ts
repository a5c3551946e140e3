import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { INCIDENT_KINDS } from '../../../core/domain.js';
import { pointInGeometry } from '../../../core/geo/polygon.js';
import { createScenario, type ScenarioInput } from '../../../core/demo/sim/scenario.js';
import type { SimMessage } from '../../../core/demo/sim/kernel.js';
import { Rng } from '../../../core/demo/sim/rng.js';
import { FIXTURE, T0, feed, realAssets, wallModel } from './support.js';
import { missing } from '../../helpers/assets.js';

const P = 'watchfloor/v1';

function input(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return { seed: 7, units: 200, patrols: 10, ...FIXTURE, startAt: T0, ...over };
}

/** Steps a scenario from its start to `untilMs` after it, every `everyMs`. */
function run(inp: ScenarioInput, untilMs: number, everyMs = 200): SimMessage[] {
  const s = createScenario(inp);
  const out: SimMessage[] = [];
  for (let t = 0; t <= untilMs; t += everyMs) s.stepInto(inp.startAt + t, out);
  return out;
}

const byFamily = (msgs: SimMessage[], family: SimMessage['family']) => msgs.filter((m) => m.family === family);

afterEach(() => vi.restoreAllMocks());

describe('Rng', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Rng(2).next()).not.toBe(xs[0]);
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, lo, span) => {
        const r = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const n = r.int(lo, lo + span);
          if (n < lo || n > lo + span || !Number.isInteger(n)) return false;
        }
        return true;
      }),
    );
  });
});

describe('scenario engine', () => {
  it('is deterministic: same seed and step times give identical messages', () => {
    const a = run(input(), 120_000);
    const b = run(input(), 120_000);
    expect(a.length).toBeGreaterThan(1000);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const other = run(input({ seed: 8 }), 120_000);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(a));
  });

  it('produces the same sequence however often it is stepped', () => {
    const fine = run(input(), 90_000, 37);
    const coarse = run(input(), 90_000, 5_000);
    const once = createScenario(input()).step(T0 + 90_000);
    expect(JSON.stringify(coarse)).toBe(JSON.stringify(fine));
    expect(JSON.stringify(once)).toBe(JSON.stringify(fine));
  });

  it('uses neither Math.random nor the wall clock', () => {
    const random = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    const now = vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('Date.now used');
    });
    let produced: number;
    try {
      produced = run(input({ options: { story: 'wanda' } }), 200_000, 1000).length;
    } finally {
      random.mockRestore();
      now.mockRestore();
    }
    expect(produced).toBeGreaterThan(0);
  });

  it('returns messages in time order and never ahead of the step time', () => {
    const s = createScenario(input());
    let last = 0;
    for (let t = 0; t <= 60_000; t += 250) {
      for (const m of s.step(T0 + t)) {
        const ts = m.payload.ts as number;
        expect(ts).toBeLessThanOrEqual(T0 + t);
        expect(ts).toBeGreaterThanOrEqual(last);
        last = ts;
      }
    }
  });

  it('reports every unit within the first 5 s and raises the first alarm within 3 s', () => {
    const msgs = run(input(), 5_000, 100);
    const ids = new Set(byFamily(msgs, 'location').map((m) => m.payload.id));
    expect(ids.size).toBe(210);
    const firstAlarm = byFamily(msgs, 'alarm')[0];
    expect(firstAlarm).toBeDefined();
    expect((firstAlarm.payload.ts as number) - T0).toBeLessThanOrEqual(3000);
    const kiosks = new Set(byFamily(msgs, 'kiosk').map((m) => m.topic));
    expect(kiosks.size).toBe(FIXTURE.kiosks.length);
  });

  it('keeps the configured rates', () => {
    const minutes = 10;
    const msgs = run(input(), minutes * 60_000, 1000);
    const volunteers = byFamily(msgs, 'location').filter((m) => m.payload.kind === 'volunteer').length;
    const patrols = byFamily(msgs, 'location').filter((m) => m.payload.kind === 'patrol').length;
    // 200 volunteers every 5 s, 10 patrols every 2 s; offline units are silent for a while
    expect(volunteers).toBeGreaterThan(200 * 120 * 0.95);
    expect(volunteers).toBeLessThan(200 * 120 * 1.03);
    expect(patrols).toBeGreaterThan(10 * 300 * 0.95);
    expect(patrols).toBeLessThan(10 * 300 * 1.03);
    // new alarms every 20–60 s
    const opened = new Set(byFamily(msgs, 'alarm').filter((m) => !m.topic.endsWith('/kiosk')).map((m) => m.payload.id));
    expect(opened.size).toBeGreaterThanOrEqual(10);
    expect(opened.size).toBeLessThanOrEqual(31);
    // kiosk and camera status about once a minute each (plus SOS presses)
    const kioskStatus = byFamily(msgs, 'kiosk').length;
    expect(kioskStatus).toBeGreaterThanOrEqual(FIXTURE.kiosks.length * 9);
    expect(kioskStatus).toBeLessThanOrEqual(FIXTURE.kiosks.length * 12 + 10);
    const cameraStatus = byFamily(msgs, 'camera').length;
    expect(cameraStatus).toBeGreaterThanOrEqual(FIXTURE.cameras.length * 9);
    expect(cameraStatus).toBeLessThanOrEqual(FIXTURE.cameras.length * 13);
  });

  it('paces every unit to locationIntervalMs for the load generator', () => {
    const msgs = run(input({ units: 1000, patrols: 0, options: { locationIntervalMs: 500, alarms: false } }), 20_000, 100);
    const perSecond = byFamily(msgs, 'location').length / 20;
    expect(perSecond).toBeGreaterThan(1900);
    expect(perSecond).toBeLessThan(2050);
  });

  it('keeps volunteers inside their home grid and patrols inside their street', () => {
    const s = createScenario(input({ units: 150, patrols: 10 }));
    const home = new Map(s.units.map((u) => [u.id, u]));
    let checked = 0;
    for (let t = 0; t <= 30 * 60_000; t += 2000) {
      for (const m of s.step(T0 + t)) {
        if (m.family !== 'location') continue;
        const u = home.get(m.payload.id as string)!;
        const inside = pointInGeometry(m.payload.lon as number, m.payload.lat as number, u.home.geometry);
        if (!inside) throw new Error(`${u.id} left ${u.homeId} at ${m.payload.lon},${m.payload.lat}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50_000);
    // the concave (L-shaped) grids are used
    expect(s.units.some((u) => u.homeId === 'G-A') && s.units.some((u) => u.homeId === 'G-B')).toBe(true);
  });

  it('moves volunteers at walking pace and patrols at driving pace, with plausible fields', () => {
    const msgs = byFamily(run(input(), 10 * 60_000, 1000), 'location');
    const speeds = (kind: string) => msgs.filter((m) => m.payload.kind === kind && (m.payload.speed as number) > 0).map((m) => m.payload.speed as number);
    const vol = speeds('volunteer');
    const pat = speeds('patrol');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(vol)).toBeGreaterThan(1.05);
    expect(mean(vol)).toBeLessThan(1.35);
    expect(Math.max(...vol)).toBeLessThan(1.7);
    expect(mean(pat)).toBeGreaterThan(6);
    expect(mean(pat)).toBeLessThan(10);
    for (const m of msgs.slice(0, 2000)) {
      const p = m.payload;
      expect(Object.keys(p)).toEqual(['id', 'ts', 'lat', 'lon', 'kind', 'name', 'heading', 'speed', 'accuracy', 'status', 'battery']);
      expect(m.topic).toBe(`${P}/units/${p.id}/location`);
      expect(Math.round((p.lat as number) * 1e6) / 1e6).toBe(p.lat);
      expect(Math.round((p.lon as number) * 1e6) / 1e6).toBe(p.lon);
      expect(p.heading as number).toBeGreaterThanOrEqual(0);
      expect(p.heading as number).toBeLessThan(360);
      expect(p.battery as number).toBeGreaterThanOrEqual(5);
      expect(p.battery as number).toBeLessThanOrEqual(100);
      expect(m.qos).toBe(0);
    }
    const names = new Set(msgs.filter((m) => m.payload.kind === 'volunteer').map((m) => m.payload.name as string));
    expect([...names].some((n) => /^志愿者-仓山-\d{4}$/.test(n))).toBe(true);
    expect([...names].some((n) => /^金山街道平安志愿队-\d{2}$/.test(n))).toBe(true);
  });

  it('has units busy, going offline and coming back', () => {
    const msgs = byFamily(run(input({ units: 400 }), 30 * 60_000, 1000), 'location');
    const statuses = { available: 0, busy: 0, offline: 0 } as Record<string, number>;
    for (const m of msgs) statuses[m.payload.status as string]++;
    expect(statuses.available / msgs.length).toBeGreaterThan(0.8);
    expect(statuses.busy).toBeGreaterThan(0);
    expect(statuses.offline).toBeGreaterThan(0);
    // an offline unit stays silent a while, then reports again
    const wentOffline = msgs.find((m) => m.payload.status === 'offline')!;
    const id = wentOffline.payload.id;
    const after = msgs.filter((m) => m.payload.id === id && (m.payload.ts as number) > (wentOffline.payload.ts as number));
    expect(after.length).toBeGreaterThan(0);
    expect((after[0].payload.ts as number) - (wentOffline.payload.ts as number)).toBeGreaterThanOrEqual(60_000);
    expect(after[0].payload.status).not.toBe('offline');
  });

  it('mixes alarm kinds and sources, and updates then closes each alarm', () => {
    const msgs = byFamily(run(input({ units: 5, patrols: 0 }), 4 * 3600_000, 5000), 'alarm');
    const firsts = new Map<string, SimMessage>();
    const lasts = new Map<string, SimMessage>();
    for (const m of msgs) {
      const id = m.payload.id as string;
      if (!firsts.has(id)) firsts.set(id, m);
      lasts.set(id, m);
    }
    const opened = [...firsts.values()].filter((m) => !m.topic.endsWith('/kiosk'));
    expect(opened.length).toBeGreaterThan(200);
    const count = (k: string) => opened.filter((m) => m.payload.kind === k).length;
    for (const k of INCIDENT_KINDS.filter((k) => k !== 'terror' && k !== 'drugs')) expect(count(k), k).toBeGreaterThan(0);
    expect(count('theft')).toBeGreaterThan(count('drugs') + count('terror'));
    expect(count('fight')).toBeGreaterThan(count('terror'));
    const sources = new Set(opened.map((m) => m.topic.split('/').pop()));
    expect([...sources].sort()).toEqual(['110', 'analytics', 'clue', 'grid']);
    for (const m of opened) {
      const p = m.payload;
      expect(m.qos).toBe(1);
      expect(p.status).toBe('open');
      expect(typeof p.title === 'string' && /[\u4e00-\u9fa5]/.test(p.title)).toBe(true);
      if (p.kind === 'terror' || p.kind === 'sos') expect(p.priority).toBe(1);
      const source = m.topic.split('/').pop();
      if (source === 'clue') {
        expect(p.reporter).toBeTypeOf('string');
        expect((p.media as { url: string; type: string }[]).every((x) => x.url.startsWith('/media/demo/') && x.type === 'image/jpeg')).toBe(true);
      }
      if (source === 'analytics') expect((p.cameraIds as string[]).length).toBeGreaterThan(0);
    }
    const priorities = opened.map((m) => m.payload.priority as number);
    expect(priorities.filter((p) => p === 2 || p === 3).length / priorities.length).toBeGreaterThan(0.7);
    // everything opened more than 10 minutes before the end has been closed
    const end = T0 + 4 * 3600_000;
    for (const [id, first] of firsts) {
      if ((first.payload.ts as number) < end - 600_000) expect(lasts.get(id)!.payload.status, id).toBe('closed');
    }
    // kiosk SOS presses are closed by the dispatcher under the wall's sos:{kiosk}:{ts} id
    expect([...firsts.keys()].some((id) => /^sos:K\d:\d+$/.test(id))).toBe(true);
  });

  it('presses kiosk SOS buttons and releases them after about 30 s', () => {
    const msgs = byFamily(run(input({ options: { firstSosAtMs: 10_000, sosIntervalMs: [60_000, 120_000] } }), 20 * 60_000, 1000), 'kiosk');
    const presses = msgs.filter((m) => m.payload.sos === true);
    expect(presses.length).toBeGreaterThan(3);
    // a press is an sos:true status following one without it (periodic status repeats sos:true while held)
    const firstOfPress = presses.filter((m) => {
      const before = msgs.filter((x) => x.topic === m.topic && (x.payload.ts as number) < (m.payload.ts as number));
      return before.length === 0 || before[before.length - 1].payload.sos !== true;
    });
    expect(firstOfPress.length).toBeGreaterThan(3);
    for (const press of firstOfPress.slice(0, 5)) {
      const release = msgs.find((m) => m.topic === press.topic && m.payload.sos === false && (m.payload.ts as number) > (press.payload.ts as number))!;
      const held = (release.payload.ts as number) - (press.payload.ts as number);
      expect(held).toBeGreaterThanOrEqual(25_000);
      expect(held).toBeLessThanOrEqual(35_000);
    }
    expect(msgs.every((m) => m.payload.online === true && m.qos === 1)).toBe(true);
  });

  it('honours the topic prefix and an explicit crs', () => {
    const msgs = run(input({ options: { topicPrefix: 'city/fz/', crs: 'GCJ02' } }), 10_000);
    expect(msgs.every((m) => m.topic.startsWith('city/fz/') && !m.topic.startsWith('city/fz//'))).toBe(true);
    expect(msgs.every((m) => m.payload.crs === 'GCJ02')).toBe(true);
  });

  it('runs with no grids, kiosks, cameras or places at all', () => {
    const msgs = run({ seed: 1, units: 50, patrols: 5, kiosks: [], cameras: [], grids: [], places: {}, startAt: T0 }, 120_000);
    expect(byFamily(msgs, 'location').length).toBeGreaterThan(1000);
    expect(byFamily(msgs, 'alarm').length).toBeGreaterThan(0);
  });
});

describe('generated payloads pass the wall ingest with zero rejections', () => {
  it('on the fixture, over an hour with a story', () => {
    const wall = wallModel(FIXTURE);
    const msgs = run(input({ options: { story: 'wanda', firstSosAtMs: 20_000 } }), 3600_000, 1000);
    feed(wall, msgs);
    expect(wall.state.stats.rejected, JSON.stringify(wall.state.rejects.slice(0, 3))).toBe(0);
    expect(wall.state.units.size).toBe(210);
    expect(wall.state.incidents.size).toBeGreaterThan(10);
    expect([...wall.state.kiosks.values()].every((k) => k.online === true)).toBe(true);
  });

  const assets = realAssets();
  it.skipIf(missing(!!assets, 'Fuzhou demo assets (npm run build:data)'))('on the generated Fuzhou demo assets, with a crs when the datums differ', { timeout: 60_000 }, () => {
    const a = assets!;
    const wall = wallModel(a);
    const s = createScenario({ seed: 3, units: 2000, patrols: 100, ...a, startAt: T0, options: { story: 'wanda' } });
    for (let t = 0; t <= 6 * 60_000; t += 1000) feed(wall, s.step(T0 + t));
    expect(wall.state.stats.rejected, JSON.stringify(wall.state.rejects.slice(0, 3))).toBe(0);
    expect(wall.state.units.size).toBe(2100);
    expect([...wall.state.units.values()].filter((u) => u.gridId).length).toBeGreaterThan(2000);
    // a wall whose sources default to GCJ02 still places the units where the (map-datum) demo assets are
    // units stay in their home areas on the real grids too (the story's walkers excepted)
    const plain = createScenario({ seed: 4, units: 2000, patrols: 100, ...a, startAt: T0 });
    const home = new Map(plain.units.map((u) => [u.id, u]));
    for (let t = 0; t <= 10 * 60_000; t += 5000) {
      for (const m of plain.step(T0 + t)) {
        if (m.family !== 'location') continue;
        const u = home.get(m.payload.id as string)!;
        if (!pointInGeometry(m.payload.lon as number, m.payload.lat as number, u.home.geometry)) throw new Error(`${u.id} left ${u.homeId}`);
      }
    }
    const gcj = wallModel(a, { defaultDatum: 'GCJ02' });
    const s2 = createScenario({ seed: 3, units: 100, patrols: 5, ...a, startAt: T0, options: { crs: 'WGS84' } });
    const first = s2.step(T0 + 10_000);
    feed(gcj, first);
    expect(gcj.state.stats.rejected).toBe(0);
    const m = first.find((x) => x.family === 'location')!;
    expect(gcj.state.units.get(m.payload.id as string)).toMatchObject({ lat: m.payload.lat, lon: m.payload.lon });
  });
});

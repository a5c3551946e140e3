import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distanceMeters } from '../../../core/geo/polygon.js';
import { createScenario, type ScenarioInput } from '../../../core/demo/sim/scenario.js';
import type { SimMessage } from '../../../core/demo/sim/kernel.js';
import { WANDA_CLOSING, WANDA_TIMELINE, WANDA_TITLE } from '../../../core/demo/sim/stories/wanda.js';
import { FIXTURE, T0, feed, realAssets, wallModel } from './support.js';
import type { DemoAssets } from '../../../main/demo/assets.js';
import { missing } from '../../helpers/assets.js';

const STORY_AT = 3000;
const t0 = T0 + STORY_AT;

function runStory(assets: DemoAssets, seed = 11, everyMs = 500, untilMs = 240_000, units = 300): { msgs: SimMessage[]; input: ScenarioInput } {
  const input: ScenarioInput = { seed, units, patrols: 10, ...assets, startAt: T0, options: { story: 'wanda', storyAtMs: STORY_AT } };
  const s = createScenario(input);
  const msgs: SimMessage[] = [];
  for (let t = 0; t <= untilMs; t += everyMs) s.stepInto(T0 + t, msgs);
  return { msgs, input };
}

const storyAlarms = (msgs: SimMessage[]) => msgs.filter((m) => m.family === 'alarm' && String(m.payload.id).startsWith('wanda-'));
const at = (m: SimMessage) => (m.payload.ts as number) - t0;

function checkStory(assets: DemoAssets, msgs: SimMessage[]): void {
  const wanda = assets.places.wanda;
  const alarms = storyAlarms(msgs);
  expect(new Set(alarms.map((m) => m.payload.id)).size).toBe(1);
  expect(alarms.map(at)).toEqual([0, WANDA_TIMELINE.clue, WANDA_TIMELINE.broadcast, WANDA_TIMELINE.progress, WANDA_TIMELINE.close]);
  const [first, clue, broadcast, progress, close] = alarms;

  // t = 0: the 110 call
  expect(first.topic).toBe('watchfloor/v1/alarms/110');
  expect(first.payload).toMatchObject({ kind: 'theft', priority: 2, title: WANDA_TITLE, status: 'open', lat: wanda.lat, lon: wanda.lon });
  expect(first.payload.detail).toMatch(/嫌疑人两名/);
  expect(first.payload.detail).toMatch(/嫌疑人甲.*嫌疑人乙/);
  const nearest3 = [...assets.cameras].sort((a, b) => distanceMeters(wanda.lon, wanda.lat, a.lon, a.lat) - distanceMeters(wanda.lon, wanda.lat, b.lon, b.lat)).slice(0, 3);
  expect(first.payload.cameraIds).toEqual(nearest3.map((c) => c.id));

  // t ≈ 20 s: a citizen clue with two suspect photos, same incident, richer detail
  expect(clue.topic).toBe('watchfloor/v1/alarms/clue');
  expect((clue.payload.media as unknown[]).length).toBe(2);
  expect(clue.payload.reporter).toBeTypeOf('string');
  expect((clue.payload.detail as string).length).toBeGreaterThan((first.payload.detail as string).length);
  expect(clue.payload.detail).toContain(first.payload.detail as string);

  // t ≈ 25 s: the broadcast to nearby volunteers, who turn busy
  const n = Number(/(\d+)名平安志愿者/.exec(broadcast.payload.detail as string)?.[1]);
  expect(n).toBeGreaterThanOrEqual(2);
  const fixes = msgs.filter((m) => m.family === 'location');
  const busyNear = new Set(
    fixes
      .filter((m) => at(m) > WANDA_TIMELINE.broadcast && at(m) < WANDA_TIMELINE.close && m.payload.status === 'busy' && m.payload.kind === 'volunteer')
      .filter((m) => distanceMeters(wanda.lon, wanda.lat, m.payload.lon as number, m.payload.lat as number) < 700)
      .map((m) => m.payload.id),
  );
  expect(busyNear.size).toBeGreaterThanOrEqual(n);

  // two of them converge on the spot between ~30 s and ~115 s
  const names = /志愿者(.+?)、(.+?)在万达广场北门/.exec(progress.payload.detail as string);
  expect(names).not.toBeNull();
  for (const name of [names![1], names![2]]) {
    const track = fixes.filter((m) => m.payload.name === name && at(m) >= WANDA_TIMELINE.converge && at(m) <= WANDA_TIMELINE.close);
    const toWanda = track.map((m) => distanceMeters(wanda.lon, wanda.lat, m.payload.lon as number, m.payload.lat as number));
    expect(track.length).toBeGreaterThan(30); // reports every ~2 s while walking in
    expect(toWanda[0]).toBeGreaterThan(20);
    expect(toWanda[toWanda.length - 1]).toBeLessThan(15);
    // straight in: the distance to where they end up never grows
    const end = track[track.length - 1].payload;
    const d = track.map((m) => distanceMeters(end.lon as number, end.lat as number, m.payload.lon as number, m.payload.lat as number));
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThanOrEqual(d[i - 1] + 0.5);
    expect(track.every((m) => m.payload.status === 'busy')).toBe(true);
  }

  // t ≈ 120 s: closed
  expect(close.payload.status).toBe('closed');
  expect(close.payload.detail).toContain(WANDA_CLOSING);
  // and the volunteers are released afterwards
  const later = fixes.filter((m) => at(m) > WANDA_TIMELINE.release + 1000 && busyNear.has(m.payload.id));
  expect(later.some((m) => m.payload.status === 'available')).toBe(true);
}

describe('story "wanda"', () => {
  it('plays its timeline on the fixture', () => {
    checkStory(FIXTURE, runStory(FIXTURE).msgs);
  });

  it('is identical on every run, however it is stepped', () => {
    const a = runStory(FIXTURE, 11, 500).msgs;
    const b = runStory(FIXTURE, 11, 500).msgs;
    const c = runStory(FIXTURE, 11, 3000).msgs;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
  });

  it('works for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        checkStory(FIXTURE, runStory(FIXTURE, seed, 1000, 200_000, 120).msgs);
      }),
      { numRuns: 8 },
    );
  });

  it('is accepted by the wall, which shows the incident closed with photos', () => {
    const { msgs } = runStory(FIXTURE);
    const wall = wallModel(FIXTURE);
    feed(wall, msgs);
    expect(wall.state.stats.rejected).toBe(0);
    const inc = [...wall.state.incidents.values()].find((i) => i.id.startsWith('wanda-'))!;
    expect(inc).toMatchObject({ status: 'closed', kind: 'theft', title: WANDA_TITLE, source: '110', updates: 4 });
    expect(inc.media).toHaveLength(2);
    expect(inc.cameraIds).toHaveLength(3);
  });

  const assets = realAssets();
  it.skipIf(missing(!!assets, 'Fuzhou demo assets (npm run build:data)'))('plays on the generated Fuzhou assets, deterministically', () => {
    const a = runStory(assets!, 20261126, 500, 240_000, 2000).msgs;
    checkStory(assets!, a);
    const b = runStory(assets!, 20261126, 1000, 240_000, 2000).msgs;
    expect(JSON.stringify(storyAlarms(b))).toBe(JSON.stringify(storyAlarms(a)));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distanceMeters } from '../../../core/geo/polygon.js';
import { createScenario, type ScenarioInput } from '../../../core/demo/sim/scenario.js';
import type { SimMessage } from '../../../core/demo/sim/kernel.js';
import type { OperatorRequest } from '../../../core/demo/sim/kernel.js';
import { progressText, WANDA_BROADCAST_NOTE, WANDA_BROADCAST_RADIUS_M, WANDA_CLOSING, WANDA_CLOSING_PATROL, WANDA_TIMELINE, WANDA_TITLE } from '../../../core/demo/sim/stories/wanda.js';
import { FIXTURE, T0, feed, realAssets, wallModel } from './support.js';
import type { DemoAssets } from '../../../main/demo/assets.js';
import { missing } from '../../helpers/assets.js';
import { OPERATOR, playWithOperator, replies } from './operator-wall.js';
import { RESPONSE } from '../../../core/demo/sim/responders.js';

const STORY_AT = 3000;
const t0 = T0 + STORY_AT;

function runStory(assets: DemoAssets, seed = 11, everyMs = 500, untilMs = 240_000, units = 300): { msgs: SimMessage[]; input: ScenarioInput; requests: OperatorRequest[] } {
  const input: ScenarioInput = { seed, units, patrols: 10, ...assets, startAt: T0, options: { story: 'wanda', storyAtMs: STORY_AT } };
  const s = createScenario(input);
  const msgs: SimMessage[] = [];
  for (let t = 0; t <= untilMs; t += everyMs) s.stepInto(T0 + t, msgs);
  return { msgs, input, requests: s.takeOperatorRequests() };
}

const storyAlarms = (msgs: SimMessage[]) => msgs.filter((m) => m.family === 'alarm' && String(m.payload.id).startsWith('wanda-'));
const at = (m: SimMessage) => (m.payload.ts as number) - t0;

function checkStory(assets: DemoAssets, msgs: SimMessage[], requests: OperatorRequest[]): void {
  const wanda = assets.places.wanda;
  const alarms = storyAlarms(msgs);
  expect(new Set(alarms.map((m) => m.payload.id)).size).toBe(1);
  // no operator: nobody is called, and the story keeps its fixed times
  expect(alarms.map(at)).toEqual([0, WANDA_TIMELINE.clue, WANDA_TIMELINE.progress, WANDA_TIMELINE.close]);
  const [first, clue, progress, close] = alarms;
  const id = first.payload.id as string;

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

  // t = 25 s: the story asks the operator to call the volunteers (no fake text about it), and to close at the end
  expect(requests).toEqual([
    { kind: 'broadcast', t: t0 + WANDA_TIMELINE.broadcast, incidentId: id, radiusM: WANDA_BROADCAST_RADIUS_M, note: WANDA_BROADCAST_NOTE },
    { kind: 'resolve', t: t0 + WANDA_TIMELINE.close, incidentId: id, note: WANDA_CLOSING_PATROL },
  ]);
  expect(alarms.some((m) => /协查/.test(m.payload.detail as string))).toBe(false);
  // nobody was asked, so nobody answers or walks in: the progress names no volunteer
  expect(msgs.filter((m) => m.family === 'reply')).toEqual([]);
  expect(progress.payload.detail).toContain(progressText([], []));
  expect(progress.payload.detail).not.toMatch(/志愿者/);

  // t ≈ 120 s: closed
  expect(close.payload.status).toBe('closed');
  expect(close.payload.detail).toContain(WANDA_CLOSING_PATROL);
}


/** The story with the demo's operator acting on an in-memory wall: a real broadcast, real answers, the close after the first arrival. */
function checkWithOperator(assets: DemoAssets, seed: number, units: number): void {
  const input: ScenarioInput = { seed, units, patrols: 10, ...assets, startAt: T0, options: { story: 'wanda', storyAtMs: STORY_AT } };
  const untilMs = STORY_AT + WANDA_TIMELINE.progressBy + 90_000;
  // on until everyone has stood down after the close (≤ 30 s)
  const played = playWithOperator(assets, input, untilMs, 500, true, RESPONSE.doneAfterCloseMs[1] + 5000);
  const { msgs, wall, sent, requests } = played;
  expect(played.refused).toEqual([]);
  const alarms = storyAlarms(msgs);
  const id = alarms[0].payload.id as string;
  expect(requests.map((r) => [r.kind, r.t - t0])).toEqual([
    ['broadcast', WANDA_TIMELINE.broadcast],
    ['resolve', at(alarms[alarms.length - 1])],
  ]);

  // the wall asked the volunteers within 500 m, and they answered as decided
  const asked = sent.filter((d) => d.incidentId === id);
  expect(asked.length).toBeGreaterThanOrEqual(2);
  const accepted = asked.filter((d) => d.outcome === 'accept').map((d) => d.unitId);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  const answers = (unitId: string) => replies(msgs, unitId).filter((m) => m.payload.incidentId === id);
  for (const d of asked) {
    const rs = answers(d.unitId);
    const ts = rs.map((m) => m.payload.ts as number);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
    if (d.outcome === 'accept') expect(rs.map((m) => m.payload.answer).slice(0, 2)).toEqual(['accept', 'enroute']);
    else if (d.outcome === 'decline') expect(rs.map((m) => m.payload.answer)).toEqual(['decline']);
    else expect(rs).toEqual([]);
  }
  const arrivals = accepted
    .map((u) => ({ u, arrived: answers(u).find((m) => m.payload.answer === 'arrived') }))
    .filter((a) => a.arrived)
    .sort((a, b) => (a.arrived!.payload.ts as number) - (b.arrived!.payload.ts as number));
  expect(arrivals.length).toBeGreaterThanOrEqual(1);
  const firstArrival = (arrivals[0].arrived!.payload.ts as number) - t0;

  // 【进展】 once the first of them is there (polled each second from 95 s), naming who took the call; closed 25 s later
  expect(alarms.map((m) => m.payload.status)).toEqual(['open', 'open', 'open', 'closed']);
  const [, , progress, close] = alarms;
  expect(at(progress)).toBe(Math.max(WANDA_TIMELINE.progress, at(progress)));
  expect(at(progress)).toBeGreaterThanOrEqual(Math.min(firstArrival, WANDA_TIMELINE.progressBy));
  expect(at(progress)).toBeLessThanOrEqual(Math.max(WANDA_TIMELINE.progress, firstArrival + 1000));
  expect(at(close) - at(progress)).toBe(WANDA_TIMELINE.close - WANDA_TIMELINE.progress);
  // the volunteers it names are those who accepted: the ones there first (by arrival), then those still coming (by accept)
  const names = new Map([...wall.state.units.values()].map((u) => [u.id, u.name!]));
  const tsOf = (u: string, answer: string) => answers(u).find((m) => m.payload.answer === answer)?.payload.ts as number | undefined;
  const pTs = progress.payload.ts as number;
  const byAccept = [...accepted].sort((a, b) => tsOf(a, 'accept')! - tsOf(b, 'accept')! || (a < b ? -1 : 1));
  const there = byAccept.filter((u) => (tsOf(u, 'arrived') ?? Infinity) <= pTs).sort((a, b) => tsOf(a, 'arrived')! - tsOf(b, 'arrived')!);
  const coming = byAccept.filter((u) => !there.includes(u) && (tsOf(u, 'done') ?? Infinity) > pTs);
  const text = (progress.payload.detail as string).split('\n').at(-1)!;
  expect(text).toBe(progressText(there.map((u) => names.get(u)!), coming.map((u) => names.get(u)!)));
  expect(there[0]).toBe(arrivals[0].u);
  expect(text).toContain(names.get(arrivals[0].u));
  expect(close.payload.detail).toContain(WANDA_CLOSING);

  // the walk in: each who arrived is within 30 m of the plaza by then
  const wanda = assets.places.wanda;
  for (const { u, arrived } of arrivals) {
    const fix = msgs.find((m) => m.family === 'location' && m.payload.id === u && (m.payload.ts as number) >= (arrived!.payload.ts as number));
    if (fix) expect(distanceMeters(wanda.lon, wanda.lat, fix.payload.lon as number, fix.payload.lat as number)).toBeLessThanOrEqual(RESPONSE.arrivedWithinM + 1);
  }

  // everyone still on it stands down within 30 s of the close, and is free again after
  const closedAt = close.payload.ts as number;
  for (const u of accepted) {
    const done = answers(u).find((m) => m.payload.answer === 'done');
    expect(done).toBeDefined();
    expect(done!.payload.ts as number).toBeLessThanOrEqual(closedAt + RESPONSE.doneAfterCloseMs[1]);
  }

  // on the wall: resolved by the demo's operator, on scene before, the answers in its timeline, nothing rejected
  expect(wall.state.stats.rejected, JSON.stringify(wall.state.rejects.slice(0, 3))).toBe(0);
  const inc = wall.state.incidents.get(id)!;
  expect(inc).toMatchObject({ state: 'resolved', status: 'closed', closedBy: OPERATOR });
  expect(played.states.get(id)).toEqual(['new', 'dispatched', 'on_scene', 'resolved']);
  // every unit asked ends as it answered (the timeline keeps only the latest 40 entries: the responders hold them all)
  for (const d of asked) {
    const r = inc.responders.find((x) => x.unitId === d.unitId && x.dispatchId === d.dispatchId)!;
    expect(r.answer).toBe(d.outcome === 'accept' ? 'done' : d.outcome === 'decline' ? 'decline' : 'asked');
  }
}

describe('story "wanda"', () => {
  it('plays its timeline on the fixture', () => {
    const { msgs, requests } = runStory(FIXTURE);
    checkStory(FIXTURE, msgs, requests);
  });

  it('with the demo operator: a real broadcast, volunteers answering and walking in, closed after the first arrives', () => {
    checkWithOperator(FIXTURE, 11, 300);
  });

  it('with the demo operator, for any seed, and the same on every run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        checkWithOperator(FIXTURE, seed, 120);
      }),
      { numRuns: 4 },
    );
    const input: ScenarioInput = { seed: 3, units: 120, patrols: 10, ...FIXTURE, startAt: T0, options: { story: 'wanda', storyAtMs: STORY_AT } };
    const a = playWithOperator(FIXTURE, input, 400_000, 1000).msgs;
    expect(JSON.stringify(playWithOperator(FIXTURE, input, 400_000, 1000).msgs)).toBe(JSON.stringify(a));
  });

  it('names the volunteers who took the call in its progress line, without saying 志愿者 twice', () => {
    expect(progressText(['志愿者-仓山-0003'], ['对湖街道平安志愿队-02'])).toBe(
      '【进展】志愿者-仓山-0003在万达广场北门发现与照片特征相符的两名男子，正在稳控，志愿者对湖街道平安志愿队-02正在赶来，巡逻民警正赶往现场。',
    );
    expect(progressText(['金山街道平安志愿队-01', 'B', 'C', 'D'], [])).toBe('【进展】志愿者金山街道平安志愿队-01、B、C等4名在万达广场北门发现与照片特征相符的两名男子，正在稳控，巡逻民警正赶往现场。');
    expect(progressText([], ['志愿者-仓山-0008'])).toBe('【进展】巡逻民警在万达广场北门发现与照片特征相符的两名男子，志愿者-仓山-0008正赶往协助。');
    expect(progressText([], [])).toBe('【进展】巡逻民警在万达广场北门发现与照片特征相符的两名男子。');
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
        const { msgs, requests } = runStory(FIXTURE, seed, 1000, 200_000, 120);
        checkStory(FIXTURE, msgs, requests);
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
    expect(inc).toMatchObject({ status: 'closed', kind: 'theft', title: WANDA_TITLE, source: '110', updates: 3 });
    expect(inc.media).toHaveLength(2);
    expect(inc.cameraIds).toHaveLength(3);
  });

  const assets = realAssets();
  it.skipIf(missing(!!assets, 'Fuzhou demo assets (npm run build:data)'))('plays on the generated Fuzhou assets, deterministically', () => {
    const { msgs: a, requests } = runStory(assets!, 20261126, 500, 240_000, 2000);
    checkStory(assets!, a, requests);
    const b = runStory(assets!, 20261126, 1000, 240_000, 2000).msgs;
    expect(JSON.stringify(storyAlarms(b))).toBe(JSON.stringify(storyAlarms(a)));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it.skipIf(missing(!!assets, 'Fuzhou demo assets (npm run build:data)'))('plays with the demo operator on the generated Fuzhou assets', { timeout: 20_000 }, () => {
    checkWithOperator(assets!, 20261126, 2000);
  });
});

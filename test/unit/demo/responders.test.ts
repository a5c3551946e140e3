import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../core/geo/polygon.js';
import { DETOUR_FACTOR, SPEED_MPS } from '../../../core/dispatch/nearest.js';
import { apply } from '../../../core/situation/situation.js';
import { createScenario, type Scenario, type ScenarioInput } from '../../../core/demo/sim/scenario.js';
import type { SimMessage } from '../../../core/demo/sim/kernel.js';
import { BUSY_NOTE, DECLINE_NOTES, decideResponse, RESPONSE } from '../../../core/demo/sim/responders.js';
import { FIXTURE, T0, feed, wallModel } from './support.js';
import { fixesOf, replies } from './operator-wall.js';

const SEED = 5;
const SCENE = FIXTURE.places.wanda;
const P = 'watchfloor/v1';

function input(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return { seed: SEED, units: 200, patrols: 10, ...FIXTURE, startAt: T0, options: { alarms: false, sos: false, offlineShare: 0 }, ...over };
}

const message = (dispatchId: string, t: number, incidentId = 'inc-1', at = SCENE) => ({
  dispatchId,
  incidentId,
  kind: 'theft',
  priority: 2,
  title: '万达广场服装店手机被盗',
  lat: at.lat,
  lon: at.lon,
  radiusM: 500,
  ts: t,
});

/** Steps `s` from `fromMs` to `toMs` after T0 every `everyMs`, appending to `out`. */
function stepRange(s: Scenario, out: SimMessage[], fromMs: number, toMs: number, everyMs = 500): void {
  for (let t = fromMs; t <= toMs; t += everyMs) s.stepInto(T0 + t, out);
}

/** units the scenario runs, by their first report, nearest the scene first */
function unitsNear(msgs: SimMessage[], kind: 'volunteer' | 'patrol', maxM = Infinity): string[] {
  const first = new Map<string, SimMessage>();
  for (const m of msgs) if (m.family === 'location' && m.payload.kind === kind && !first.has(m.payload.id as string)) first.set(m.payload.id as string, m);
  return [...first.values()]
    .map((m) => ({ id: m.payload.id as string, d: distanceMeters(SCENE.lon, SCENE.lat, m.payload.lon as number, m.payload.lat as number) }))
    .filter((e) => e.d <= maxM)
    .sort((a, b) => a.d - b.d)
    .map((e) => e.id);
}

describe('how simulated units answer a dispatch', () => {
  it('most accept, some decline with a reason, some never answer, decided by seed, dispatch and unit only', () => {
    const n = 1000;
    const count = { accept: 0, decline: 0, silent: 0 };
    for (let i = 0; i < n; i++) {
      const d = decideResponse(SEED, `dispatch-${i}`, `vol-${String(i % 97).padStart(5, '0')}`);
      count[d.choice]++;
      expect(d.delayMs).toBeGreaterThanOrEqual(RESPONSE.answerDelayMs[0]);
      expect(d.delayMs).toBeLessThanOrEqual(RESPONSE.answerDelayMs[1]);
      if (d.choice === 'decline') expect(DECLINE_NOTES).toContain(d.note);
      else expect(d.note).toBeUndefined();
      // the same again: nothing but the inputs decides
      const again = decideResponse(SEED, `dispatch-${i}`, `vol-${String(i % 97).padStart(5, '0')}`);
      expect({ ...again, rng: undefined }).toEqual({ ...d, rng: undefined });
    }
    expect(count.accept / n).toBeGreaterThanOrEqual(0.6);
    expect(count.accept / n).toBeLessThanOrEqual(0.8);
    expect(count.decline / n).toBeGreaterThanOrEqual(0.1);
    expect(count.decline / n).toBeLessThanOrEqual(0.2);
    expect(count.silent / n).toBeGreaterThanOrEqual(0.1);
    expect(count.silent / n).toBeLessThanOrEqual(0.2);
    // another unit or another dispatch is another draw
    const choices = (f: (i: number) => [string, string]) => Array.from({ length: 200 }, (_, i) => decideResponse(SEED, ...f(i)).choice).join();
    expect(choices((i) => ['d', `u${i}`])).not.toBe(choices((i) => ['e', `u${i}`]));
  });

  it('an accepting unit answers accept → enroute → arrived, walks to a spot of its own within 30 m, and is done when the incident closes', () => {
    const s = createScenario(input());
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 10_000);
    const near = unitsNear(msgs, 'volunteer', 2000).slice(0, 60);
    const dispatchAt = T0 + 10_000;
    const outcomes = new Map(near.map((id) => [id, s.dispatch(id, message('d-1', dispatchAt), dispatchAt)]));
    // what each did is what decideResponse says (nobody is offline here)
    for (const [id, outcome] of outcomes) expect(outcome).toBe(decideResponse(SEED, 'd-1', id).choice);
    const accepted = near.filter((id) => outcomes.get(id) === 'accept');
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    // closed 6 minutes in: the near ones have come and gone, some are on scene, the far ones still walking
    const closeAt = 6 * 60_000;
    stepRange(s, msgs, 10_500, closeAt);
    s.incidentClosed('inc-1', T0 + closeAt);
    stepRange(s, msgs, closeAt + 500, closeAt + 120_000);

    const dist = (m: SimMessage) => distanceMeters(SCENE.lon, SCENE.lat, m.payload.lon as number, m.payload.lat as number);
    const spots: [number, number][] = [];
    const ended = { timeout: 0, onScene: 0, onTheWay: 0 };
    for (const id of accepted) {
      const rs = replies(msgs, id);
      const answers = rs.map((m) => m.payload.answer);
      const ts = rs.map((m) => m.payload.ts as number);
      const arrived = answers.includes('arrived');
      expect(answers).toEqual(arrived ? ['accept', 'enroute', 'arrived', 'done'] : ['accept', 'enroute', 'done']);
      for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
      expect(ts[0] - dispatchAt).toBeGreaterThanOrEqual(RESPONSE.answerDelayMs[0]);
      expect(ts[0] - dispatchAt).toBeLessThanOrEqual(RESPONSE.answerDelayMs[1]);
      expect(ts[1] - ts[0]).toBeLessThanOrEqual(RESPONSE.enrouteDelayMs[1]);
      for (const m of rs) expect(m).toMatchObject({ topic: `${P}/units/${id}/reply`, qos: 1, payload: { dispatchId: 'd-1', incidentId: 'inc-1' } });
      const fixes = fixesOf(msgs, id);
      const [enrouteTs, doneTs] = [ts[1], ts[ts.length - 1]];
      // busy from its accept until done, then available again
      expect(fixes.filter((m) => (m.payload.ts as number) > ts[0] && (m.payload.ts as number) < doneTs).every((m) => m.payload.status === 'busy')).toBe(true);
      expect(fixes.filter((m) => (m.payload.ts as number) > doneTs).some((m) => m.payload.status === 'available')).toBe(true);
      const byClose = doneTs - (T0 + closeAt);
      if (!arrived) {
        // still walking when it closed: stands down within 5–30 s
        ended.onTheWay++;
        expect(byClose).toBeGreaterThanOrEqual(RESPONSE.doneAfterCloseMs[0]);
        expect(byClose).toBeLessThanOrEqual(RESPONSE.doneAfterCloseMs[1]);
        continue;
      }
      const arrivedTs = ts[2];
      // within 30 m of the scene from the moment it says so, and at its spot until it is done
      const after = fixes.filter((m) => (m.payload.ts as number) >= arrivedTs && (m.payload.ts as number) < doneTs);
      for (const m of after) expect(dist(m)).toBeLessThanOrEqual(RESPONSE.arrivedWithinM + 1);
      const last = fixes.filter((m) => (m.payload.ts as number) < doneTs).at(-1)!;
      expect(dist(last)).toBeLessThanOrEqual(RESPONSE.spotMaxM + 1);
      // standing at its spot (a minute after arriving it is there, whatever the distance left)
      if (doneTs - arrivedTs > 60_000) spots.push([last.payload.lon as number, last.payload.lat as number]);
      // done 3–6 minutes after arriving, or within 5–30 s of the close if that comes first
      const onTimeout = doneTs - arrivedTs >= RESPONSE.doneAfterArrivalMs[0] && doneTs - arrivedTs <= RESPONSE.doneAfterArrivalMs[1];
      const onClose = byClose >= RESPONSE.doneAfterCloseMs[0] && byClose <= RESPONSE.doneAfterCloseMs[1];
      expect(onTimeout || onClose, `done ${doneTs - arrivedTs} ms after arriving, ${byClose} ms after the close`).toBe(true);
      if (onClose) ended.onScene++;
      else ended.timeout++;
      // at walking pace with the detour (street metres at 1.4 m/s), reporting every ~2 s on the way
      const startD = dist(fixes.filter((m) => (m.payload.ts as number) <= enrouteTs).at(-1)!);
      if (startD > 150) {
        const k = DETOUR_FACTOR / SPEED_MPS.volunteer;
        const walkS = (arrivedTs - enrouteTs) / 1000;
        expect(walkS).toBeGreaterThan((startD - RESPONSE.arrivedWithinM - 10) * k);
        expect(walkS).toBeLessThan((startD - RESPONSE.arrivedWithinM + 2 * RESPONSE.spotMaxM + 10) * k);
        const moving = fixes.filter((m) => (m.payload.ts as number) > enrouteTs + 5000 && (m.payload.ts as number) < arrivedTs - 5000);
        const gaps = moving.slice(1).map((m, i) => (m.payload.ts as number) - (moving[i].payload.ts as number));
        expect(Math.max(...gaps)).toBeLessThanOrEqual(RESPONSE.movingReportMs.volunteer * 1.25);
        expect(moving.every((m) => (m.payload.speed as number) > 0)).toBe(true);
      }
    }
    // every way of ending happened here
    expect(ended.timeout).toBeGreaterThan(0);
    expect(ended.onScene + ended.onTheWay).toBeGreaterThan(0);
    expect(spots.length).toBeGreaterThanOrEqual(10);
    // a few metres apart: no two markers on top of each other
    for (let i = 0; i < spots.length; i++) for (let j = i + 1; j < spots.length; j++) expect(distanceMeters(spots[i][0], spots[i][1], spots[j][0], spots[j][1])).toBeGreaterThan(2);
    // decliners say why, once; the silent say nothing
    for (const id of near.filter((x) => outcomes.get(x) === 'decline')) {
      const rs = replies(msgs, id);
      expect(rs).toHaveLength(1);
      expect(rs[0].payload).toMatchObject({ answer: 'decline', dispatchId: 'd-1' });
      expect(DECLINE_NOTES).toContain(rs[0].payload.note);
    }
    for (const id of near.filter((x) => outcomes.get(x) === 'silent')) expect(replies(msgs, id)).toEqual([]);
  });

  it('a patrol drives in faster than a volunteer walks, and is done a few minutes after arriving when no close is heard', () => {
    const s = createScenario(input());
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 5_000);
    const patrols = unitsNear(msgs, 'patrol').filter((id) => decideResponse(SEED, 'd-p', id).choice === 'accept');
    expect(patrols.length).toBeGreaterThan(0);
    // the farthest of them, so the drive shows
    const id = patrols[patrols.length - 1];
    expect(s.dispatch(id, message('d-p', T0 + 5_000), T0 + 5_000)).toBe('accept');
    stepRange(s, msgs, 5_500, 30 * 60_000, 1000);
    const rs = replies(msgs, id);
    expect(rs.map((m) => m.payload.answer)).toEqual(['accept', 'enroute', 'arrived', 'done']);
    const [, enroute, arrived, done] = rs.map((m) => m.payload.ts as number);
    expect(done - arrived).toBeGreaterThanOrEqual(RESPONSE.doneAfterArrivalMs[0]);
    expect(done - arrived).toBeLessThanOrEqual(RESPONSE.doneAfterArrivalMs[1]);
    const fixes = fixesOf(msgs, id);
    const moving = fixes.filter((m) => (m.payload.ts as number) > enroute + 20_000 && (m.payload.ts as number) < arrived - 2000);
    expect(moving.length).toBeGreaterThan(10);
    const speeds = moving.map((m) => m.payload.speed as number);
    expect(Math.min(...speeds)).toBeGreaterThan(SPEED_MPS.volunteer * 1.1);
    // and reports every ~1 s on the way
    const gaps = moving.slice(1).map((m, i) => (m.payload.ts as number) - (moving[i].payload.ts as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(RESPONSE.movingReportMs.patrol * 1.25);
  });

  it('ignores repeats, unknown units and malformed dispatches, and a unit on another incident declines', () => {
    const s = createScenario(input());
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 5_000);
    const vols = unitsNear(msgs, 'volunteer');
    const acceptor = vols.find((id) => decideResponse(SEED, 'd-1', id).choice === 'accept')!;
    const t = T0 + 5_000;
    expect(s.dispatch(acceptor, message('d-1', t), t)).toBe('accept');
    expect(s.dispatch(acceptor, message('d-1', t), t)).toBe('duplicate');
    expect(s.dispatch(acceptor, message('d-1', t + 3000), t + 3000)).toBe('duplicate');
    expect(s.dispatch('vol-99999', message('d-1', t), t)).toBe('unknown_unit');
    expect(s.dispatch('pat-does-not-exist', message('d-2', t), t)).toBe('unknown_unit');
    for (const bad of [null, 'x', 42, [], {}, { ...message('d-3', t), lat: 'north' }, { ...message('d-3', t), dispatchId: undefined }, { ...message('d-3', t), kind: 'alien' }, { ...message('d-3', t), lat: Number.NaN }])
      expect(s.dispatch(vols[1], bad, t)).toBe('malformed');
    // on incident 1 already: asked for incident 2, it declines, saying it is busy
    expect(s.dispatch(acceptor, message('d-other', t + 1000, 'inc-2'), t + 1000)).toBe('busy');
    stepRange(s, msgs, 5_500, 60_000);
    const rs = replies(msgs);
    expect(rs.filter((m) => m.payload.dispatchId === 'd-1' && m.payload.answer === 'accept')).toHaveLength(1);
    expect(rs.filter((m) => m.payload.incidentId === 'inc-2')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ answer: 'decline', note: BUSY_NOTE, dispatchId: 'd-other' }) })]);
    // the same as one clean dispatch would have given for incident 1
    const clean = createScenario(input());
    const cleanMsgs: SimMessage[] = [];
    stepRange(clean, cleanMsgs, 0, 5_000);
    clean.dispatch(acceptor, message('d-1', t), t);
    stepRange(clean, cleanMsgs, 5_500, 60_000);
    expect(JSON.stringify(replies(cleanMsgs))).toBe(JSON.stringify(rs.filter((m) => m.payload.incidentId === 'inc-1')));
  });

  it('asked again for the incident it is on, it answers again under the new dispatch', () => {
    const s = createScenario(input());
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 5_000);
    const id = unitsNear(msgs, 'volunteer').find((u) => decideResponse(SEED, 'd-1', u).choice === 'accept')!;
    s.dispatch(id, message('d-1', T0 + 5_000), T0 + 5_000);
    stepRange(s, msgs, 5_500, 40_000);
    expect(s.dispatch(id, message('d-2', T0 + 40_000), T0 + 40_000)).toBe('again');
    stepRange(s, msgs, 40_500, 15 * 60_000, 1000);
    const rs = replies(msgs, id);
    // from the first answer under the new dispatch on, everything is under it, in order from the start
    const switched = rs.findIndex((m) => m.payload.dispatchId === 'd-2');
    expect(switched).toBeGreaterThan(0);
    expect(rs.slice(0, switched).map((m) => m.payload.dispatchId)).toEqual(Array(switched).fill('d-1'));
    expect(rs.slice(0, switched).map((m) => m.payload.answer)).toEqual(['accept', 'enroute', 'arrived'].slice(0, switched));
    expect(rs.slice(switched).map((m) => [m.payload.dispatchId, m.payload.answer])).toEqual(['accept', 'enroute', 'arrived', 'done'].map((a) => ['d-2', a]));
    const ts = rs.map((m) => m.payload.ts as number);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
    expect(ts[switched]).toBeGreaterThan(T0 + 40_000);
  });

  it('asked again and again while walking in, each dispatch hears its answers in order, never going back', { timeout: 15_000 }, () => {
    const s = createScenario(input());
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 5_000);
    const ids = unitsNear(msgs, 'volunteer', 1200).filter((u) => decideResponse(SEED, 'd-0', u).choice === 'accept');
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) s.dispatch(id, message('d-0', T0 + 5_000), T0 + 5_000);
    // re-asked every 3 s for ten minutes: some re-asks fall just before an arrival or a done
    for (let k = 1, t = 8_000; t <= 600_000; k++, t += 3_000) {
      s.stepInto(T0 + t, msgs);
      for (const id of ids) s.dispatch(id, message(`d-${k}`, T0 + t), T0 + t);
    }
    stepRange(s, msgs, 601_000, 1_500_000, 3000);
    const order = ['accept', 'enroute', 'arrived', 'done'];
    for (const id of ids) {
      const byDispatch = new Map<string, string[]>();
      for (const m of replies(msgs, id)) byDispatch.set(m.payload.dispatchId as string, [...(byDispatch.get(m.payload.dispatchId as string) ?? []), m.payload.answer as string]);
      // (once done it is free again: a new dispatch is a new decision, a decline among them)
      for (const [d, answers] of byDispatch) expect(answers, `${id} ${d}`).toEqual(answers[0] === 'decline' ? ['decline'] : order.slice(0, answers.length));
      expect(replies(msgs, id).at(-1)!.payload.answer, JSON.stringify(replies(msgs, id).slice(-6).map((m) => [m.payload.dispatchId, m.payload.answer, (m.payload.ts as number) - T0]))).toBe('done');
    }
  });

  it('is deterministic: the same dispatches at the same times give the same messages', () => {
    const play = () => {
      const s = createScenario(input());
      const msgs: SimMessage[] = [];
      stepRange(s, msgs, 0, 5_000);
      for (const id of unitsNear(msgs, 'volunteer').slice(0, 20)) s.dispatch(id, message('d-1', T0 + 5_000), T0 + 5_000);
      stepRange(s, msgs, 5_500, 300_000, 700);
      return msgs;
    };
    const a = play();
    expect(replies(a).length).toBeGreaterThan(20);
    expect(JSON.stringify(play())).toBe(JSON.stringify(a));
  });

  it("the wall takes every answer: the responders' answers show on its incident, nothing rejected", () => {
    const s = createScenario(input());
    const wall = wallModel(FIXTURE);
    const msgs: SimMessage[] = [];
    stepRange(s, msgs, 0, 5_000);
    const alarm = { id: 'inc-1', ts: T0 + 1000, kind: 'theft', priority: 2, lat: SCENE.lat, lon: SCENE.lon, title: '万达广场服装店手机被盗' };
    wall.receive(`${P}/alarms/110`, JSON.stringify(alarm), T0 + 1000);
    feed(wall, msgs);
    const unitIds = unitsNear(msgs, 'volunteer', 500);
    expect(unitIds.length).toBeGreaterThan(3);
    // the wall's dispatch action, then the messages
    const t = T0 + 5_000;
    apply(wall.state, { t: 'action', at: t, action: { id: 'a-1', incidentId: 'inc-1', kind: 'dispatch', order: { id: 'd-1', mode: 'broadcast', unitIds, radiusM: 500 } } });
    for (const id of unitIds) s.dispatch(id, message('d-1', t), t);
    const later: SimMessage[] = [];
    stepRange(s, later, 5_500, 15 * 60_000, 1000);
    feed(wall, later);
    expect(wall.state.stats.rejected, JSON.stringify(wall.state.rejects.slice(0, 3))).toBe(0);
    const inc = wall.state.incidents.get('inc-1')!;
    expect(inc.state).toBe('on_scene');
    const accepted = unitIds.filter((id) => decideResponse(SEED, 'd-1', id).choice === 'accept');
    for (const r of inc.responders) expect(r.answer).toBe(accepted.includes(r.unitId) ? 'done' : decideResponse(SEED, 'd-1', r.unitId).choice === 'decline' ? 'decline' : 'asked');
  });
});


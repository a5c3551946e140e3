// Simulated units answering the wall's dispatches. Pure: a dispatch heard on
// `{prefix}/dispatch/{unitId}` and the time go in; what the unit does is scheduled on the scenario's
// kernel (replies on `{prefix}/units/{unitId}/reply`, steering, holding and releasing the unit).
//
// Who answers what is decided from the scenario's seed, the dispatch id and the unit id only, so a
// given dispatch gets the same answers on every run and however the scenario is stepped: most
// accept, some decline with a short reason, some never answer. One who accepts answers after a
// human delay, sets off (at its kind's speed from core/dispatch/nearest.ts, the detour included,
// so it arrives when the wall's ETA said it would), reports more often while moving, says it has
// arrived within 30 m of the scene, and is done when the incident closes or a few minutes later.
import { dispatchMessageSchema, type DispatchMessage } from '../../adapters/native-schemas.js';
import { DETOUR_FACTOR, SPEED_MPS, START_S } from '../../dispatch/nearest.js';
import type { DispatchAnswer } from '../../domain.js';
import { distanceM, offsetPoint } from './geo.js';
import type { SimAction, SimKernel, SimMessage, SimMover, SimResponder } from './kernel.js';
import { hashSeed, Rng } from './rng.js';

/** How simulated units answer a dispatch. Shares are of dispatches to a unit that is free and online. */
export const RESPONSE = {
  // the rest (≈ 15 %) never answer
  acceptShare: 0.7,
  declineShare: 0.15,
  /** from the dispatch to the accept or decline, ms (reading the phone, deciding) */
  answerDelayMs: [5_000, 20_000] as const,
  /** from the accept to `enroute`, ms */
  enrouteDelayMs: [1_000, 4_000] as const,
  /** `arrived` is sent within this distance of the scene, m */
  arrivedWithinM: 30,
  /** a moving unit reports this often, ms (normally 5 s for volunteers, 2 s for patrols) */
  movingReportMs: { volunteer: 2_000, patrol: 1_000 } as const,
  /** with no close heard, a unit on scene is done this long after it arrived, ms */
  doneAfterArrivalMs: [180_000, 360_000] as const,
  /** after the incident closes, units still on it say `done` within, ms */
  doneAfterCloseMs: [5_000, 30_000] as const,
  /** a unit already on another incident declines after, ms */
  busyDeclineDelayMs: [3_000, 10_000] as const,
  /** spots units take around the scene: the n-th stands √(n+1) × spotSpacingM from it (a sunflower: neighbours ~5 m apart), at most spotMaxM */
  spotSpacingM: 3,
  spotMaxM: 25,
};

export const DECLINE_NOTES: readonly string[] = ['正在处理其他事务', '身体不适，无法前往', '距离较远，赶不过去', '正在接送孩子', '手机电量不足', '正在上班，走不开'];
export const BUSY_NOTE = '正在处理其他警情，无法前往';

export type ResponseChoice = 'accept' | 'decline' | 'silent';

export interface ResponseDecision {
  choice: ResponseChoice;
  /** after the dispatch, ms */
  delayMs: number;
  /** a decline's reason */
  note?: string;
  /** the unit's own stream for this dispatch: the later delays are drawn from it */
  rng: Rng;
}

/** How a unit answers one dispatch: from the seed, the dispatch id and the unit id, nothing else. */
export function decideResponse(seed: number, dispatchId: string, unitId: string): ResponseDecision {
  const rng = new Rng(hashSeed(seed, 'dispatch-reply', dispatchId, unitId));
  const r = rng.next();
  const choice: ResponseChoice = r < RESPONSE.acceptShare ? 'accept' : r < RESPONSE.acceptShare + RESPONSE.declineShare ? 'decline' : 'silent';
  const delayMs = Math.round(rng.range(RESPONSE.answerDelayMs[0], RESPONSE.answerDelayMs[1]));
  return { choice, delayMs, ...(choice === 'decline' ? { note: rng.pick(DECLINE_NOTES) } : {}), rng };
}

/** What happened to a dispatch heard: answered (or decided not to), or ignored and why. */
export type DispatchOutcome =
  | 'accept'
  | 'decline'
  | 'silent'
  /** already on another incident: declines */
  | 'busy'
  /** asked again for the incident it is already on: answers again under the new dispatch */
  | 'again'
  /** offline: the phone is off, no answer */
  | 'offline'
  | 'duplicate'
  | 'unknown_unit'
  | 'malformed';

/** What the responders need of the scenario: its kernel, its seed, and its units by id. */
export type ResponderWorld = Pick<SimKernel, 'topicPrefix' | 'at' | 'positionAt' | 'hold' | 'steer' | 'reportEvery' | 'release'> & {
  seed: number;
  unit(id: string): SimMover | undefined;
};

export interface Responders {
  /** a dispatch heard for `unitId` at `t` (not before the scenario's current time) */
  dispatch(unitId: string, message: unknown, t: number): DispatchOutcome;
  /** the incident closed (its source's close, or an operator's): units on it stand down */
  incidentClosed(incidentId: string, t: number): void;
  /** the units that accepted a dispatch to the incident, in the order they accepted */
  responders(incidentId: string): readonly SimResponder[];
}

type Stage = 'pending' | 'accept' | 'enroute' | 'arrived' | 'done';

interface Engagement extends SimResponder {
  unit: SimMover;
  incidentId: string;
  dispatchId: string;
  answer: Exclude<Stage, 'pending'>;
  stage: Stage;
  acceptedAt: number;
  arrivedAt?: number;
  lon: number;
  lat: number;
  /** its spot at the scene */
  slot: number;
  rng: Rng;
  closing: boolean;
  /** asked again under a new dispatch: its answers so far are repeated under it before anything new */
  catchUp: boolean;
}

const ORDER: readonly Exclude<Stage, 'pending' | 'done'>[] = ['accept', 'enroute', 'arrived'];
/** dispatches remembered for duplicates, incidents remembered for `responders` */
const SEEN_KEPT = 20_000;
const INCIDENTS_KEPT = 500;
const GOLDEN_ANGLE = 137.508;

export function createResponders(w: ResponderWorld): Responders {
  const seen = new Set<string>();
  /** the engagement each unit is on now */
  const engaged = new Map<string, Engagement>();
  /** per incident: everyone who decided to accept (pending ones included: they hold a spot) */
  const byIncident = new Map<string, Engagement[]>();

  const reply = (out: SimMessage[], e: Engagement, answer: DispatchAnswer, t: number, note?: string): void => {
    // what it says under a new dispatch waits for its answers so far (a reply going back is refused)
    if (e.catchUp) return;
    out.push({
      topic: `${w.topicPrefix}/units/${e.unit.id}/reply`,
      payload: { dispatchId: e.dispatchId, incidentId: e.incidentId, answer, ts: t, ...(note ? { note } : {}) },
      qos: 1,
      family: 'reply',
    });
  };
  const current = (e: Engagement): boolean => engaged.get(e.unit.id) === e && e.stage !== 'done';
  /** runs `fn` at `t` only while `e` is still the unit's engagement */
  const later = (e: Engagement, t: number, fn: SimAction): void =>
    w.at(t, (t2, out) => {
      if (current(e)) fn(t2, out);
    });

  /** repeats its answers so far under the dispatch it was asked in last; returns the next free ms */
  const catchUp = (e: Engagement, t: number, out: SimMessage[]): number => {
    if (!e.catchUp) return t;
    e.catchUp = false;
    const upTo = ORDER.indexOf(e.stage as (typeof ORDER)[number]);
    ORDER.slice(0, upTo + 1).forEach((answer, i) => reply(out, e, answer, t + i));
    return t + upTo + 1;
  };

  const done = (e: Engagement, t: number, out: SimMessage[]): void => {
    reply(out, e, 'done', catchUp(e, t, out));
    e.stage = e.answer = 'done';
    engaged.delete(e.unit.id);
    w.reportEvery(e.unit, undefined);
    w.release(e.unit, t);
  };

  const accept = (e: Engagement, t: number, out: SimMessage[]): void => {
    e.stage = e.answer = 'accept';
    e.acceptedAt = t;
    w.hold(e.unit, 'busy');
    reply(out, e, 'accept', t);
    later(e, t + Math.round(e.rng.range(RESPONSE.enrouteDelayMs[0], RESPONSE.enrouteDelayMs[1])), (tE, outE) => setOff(e, tE, outE));
  };

  const setOff = (e: Engagement, t: number, out: SimMessage[]): void => {
    e.stage = e.answer = 'enroute';
    reply(out, e, 'enroute', t);
    const kind = e.unit.kind;
    // a spot of its own a few metres from the scene, on a golden-angle spiral, so markers do not overlap
    const spotM = Math.min(RESPONSE.spotMaxM, RESPONSE.spotSpacingM * Math.sqrt(e.slot + 1));
    const [x, y] = offsetPoint(e.lon, e.lat, (e.slot * GOLDEN_ANGLE) % 360, spotM);
    const startAt = t + START_S[kind] * 1000;
    later(e, startAt, (tS) => {
      const [ux, uy] = w.positionAt(e.unit, tS);
      const d = distanceM(ux, uy, x, y);
      // along the straight line at the speed that covers the street distance (× detour) at the kind's pace
      const moveMs = Math.round(((d * DETOUR_FACTOR) / SPEED_MPS[kind]) * 1000);
      w.steer(e.unit, tS, x, y, tS + moveMs);
      w.reportEvery(e.unit, RESPONSE.movingReportMs[kind]);
      // within 30 m of the scene: its spot is spotM from it, so this near the spot is near enough
      const near = RESPONSE.arrivedWithinM - spotM;
      const within = d <= near ? 0 : moveMs * ((d - near) / d);
      const arriveReply = Math.max(tS + Math.round(within), t + 1000);
      later(e, arriveReply, (tA, outA) => {
        e.stage = e.answer = 'arrived';
        e.arrivedAt = tA;
        reply(outA, e, 'arrived', tA);
        later(e, tA + Math.round(e.rng.range(RESPONSE.doneAfterArrivalMs[0], RESPONSE.doneAfterArrivalMs[1])), (tD, outD) => done(e, tD, outD));
      });
      // there: back to its usual reporting, standing at its spot until done
      later(e, tS + moveMs, () => w.reportEvery(e.unit, undefined));
    });
  };

  const remember = (e: Engagement): void => {
    let list = byIncident.get(e.incidentId);
    if (!list) {
      byIncident.set(e.incidentId, (list = []));
      if (byIncident.size > INCIDENTS_KEPT) byIncident.delete(byIncident.keys().next().value as string);
    }
    list.push(e);
  };

  return {
    dispatch(unitId, message, t) {
      const parsed = dispatchMessageSchema.safeParse(message);
      if (!parsed.success) return 'malformed';
      const m: DispatchMessage = parsed.data;
      if (!Number.isFinite(m.lat) || !Number.isFinite(m.lon) || Math.abs(m.lat) > 90 || Math.abs(m.lon) > 180) return 'malformed';
      const unit = w.unit(unitId);
      if (!unit) return 'unknown_unit';
      const key = `${m.dispatchId}\u0000${unitId}`;
      if (seen.has(key)) return 'duplicate';
      seen.add(key);
      if (seen.size > SEEN_KEPT) seen.delete(seen.values().next().value as string);

      const on = engaged.get(unitId);
      if (on && on.incidentId === m.incidentId) {
        // asked again for the incident it is on: it answers again, under the new dispatch, up to where it is
        on.dispatchId = m.dispatchId;
        if (on.stage !== 'pending') {
          on.catchUp = true;
          later(on, t + Math.round(on.rng.range(RESPONSE.enrouteDelayMs[0], RESPONSE.enrouteDelayMs[1])), (t2, out) => void catchUp(on, t2, out));
        }
        return 'again';
      }
      const decision = decideResponse(w.seed, m.dispatchId, unitId);
      if (on) {
        // on another incident: says so
        const r = decision.rng;
        w.at(t + Math.round(r.range(RESPONSE.busyDeclineDelayMs[0], RESPONSE.busyDeclineDelayMs[1])), (t2, out) =>
          out.push({ topic: `${w.topicPrefix}/units/${unitId}/reply`, payload: { dispatchId: m.dispatchId, incidentId: m.incidentId, answer: 'decline', ts: t2, note: BUSY_NOTE }, qos: 1, family: 'reply' }),
        );
        return 'busy';
      }
      if (unit.status === 'offline') return 'offline';
      if (decision.choice === 'silent') return 'silent';
      if (decision.choice === 'decline') {
        w.at(t + decision.delayMs, (t2, out) =>
          out.push({ topic: `${w.topicPrefix}/units/${unitId}/reply`, payload: { dispatchId: m.dispatchId, incidentId: m.incidentId, answer: 'decline', ts: t2, note: decision.note }, qos: 1, family: 'reply' }),
        );
        return 'decline';
      }
      const e: Engagement = {
        unit,
        incidentId: m.incidentId,
        dispatchId: m.dispatchId,
        stage: 'pending',
        answer: 'accept',
        acceptedAt: Number.NaN,
        lon: m.lon,
        lat: m.lat,
        slot: byIncident.get(m.incidentId)?.length ?? 0,
        rng: decision.rng,
        closing: false,
        catchUp: false,
      };
      engaged.set(unitId, e);
      remember(e);
      later(e, t + decision.delayMs, (t2, out) => accept(e, t2, out));
      return 'accept';
    },

    incidentClosed(incidentId, t) {
      for (const e of byIncident.get(incidentId) ?? []) {
        if (!current(e) || e.closing) continue;
        e.closing = true;
        if (e.stage === 'pending') {
          // had not answered yet: hears it is over and lets it be
          e.stage = 'done';
          engaged.delete(e.unit.id);
          continue;
        }
        later(e, t + Math.round(e.rng.range(RESPONSE.doneAfterCloseMs[0], RESPONSE.doneAfterCloseMs[1])), (t2, out) => done(e, t2, out));
      }
    },

    responders(incidentId) {
      return (byIncident.get(incidentId) ?? []).filter((e) => Number.isFinite(e.acceptedAt)).sort((a, b) => a.acceptedAt - b.acceptedAt || (a.unit.id < b.unit.id ? -1 : 1));
    },
  };
}

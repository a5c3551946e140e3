// Units asked to an incident and their answers. Pure rules: which answer may follow which, what a
// dispatch order adds, and what an answer changes (the first unit to arrive puts the incident on
// scene). A reply that does not fit (a unit never asked, another incident, an answer going back)
// is refused with a reason, counted like any bad input.
import type { DispatchAnswer, DispatchOrder, Incident, Responder, Unit } from '../domain.js';
import { distanceMeters } from '../geo/polygon.js';
import { err, ok, type Result } from '../result.js';

/** What may follow what: an answer never goes back (arrived → accept), a decline may be taken back. */
const NEXT: Record<Responder['answer'], readonly DispatchAnswer[]> = {
  asked: ['accept', 'decline', 'enroute', 'arrived'],
  accept: ['enroute', 'arrived', 'done', 'decline'],
  decline: ['accept'],
  enroute: ['arrived', 'done'],
  arrived: ['done'],
  done: [],
};

/** The responders an order adds (units already asked for this incident are asked again under the new order). */
export function respondersFor(inc: Incident, order: DispatchOrder, units: ReadonlyMap<string, Unit>, at: number): Responder[] {
  const kept = inc.responders.filter((r) => !order.unitIds.includes(r.unitId));
  const added = order.unitIds.map((unitId): Responder => {
    const u = units.get(unitId);
    return {
      unitId,
      ...(u?.name ? { name: u.name } : {}),
      dispatchId: order.id,
      answer: 'asked',
      askedAt: at,
      at,
      distanceM: u ? Math.round(distanceMeters(u.lon, u.lat, inc.lon, inc.lat)) : -1,
    };
  });
  return [...kept, ...added];
}

export type ReplyOutcome = 'changed' | 'duplicate';

/** Checks a unit's answer against what it was asked; the index of its responder entry, or why not. */
export function checkReply(inc: Incident | undefined, reply: { unitId: string; dispatchId: string; incidentId: string; answer: DispatchAnswer }): Result<{ index: number; outcome: ReplyOutcome }, string> {
  if (!inc) return err(`reply for incident ${reply.incidentId.slice(0, 80)}, which the wall does not hold`);
  const index = inc.responders.findIndex((r) => r.unitId === reply.unitId && r.dispatchId === reply.dispatchId);
  if (index < 0) return err(`unit ${reply.unitId.slice(0, 60)} was not asked in dispatch ${reply.dispatchId.slice(0, 60)} of incident ${inc.id.slice(0, 60)}`);
  const current = inc.responders[index].answer;
  if (current === reply.answer) return ok({ index, outcome: 'duplicate' });
  if (!NEXT[current].includes(reply.answer)) return err(`answer ${reply.answer} cannot follow ${current} (unit ${reply.unitId.slice(0, 60)})`);
  return ok({ index, outcome: 'changed' });
}

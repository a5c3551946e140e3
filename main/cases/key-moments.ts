// The moments a case report pictures (the wall's map, or the sketch): for each incident, when it was reported,
// first dispatched, first reached and closed (the times an official asks about first), in time
// order. Moments closer than MERGE_MS to the one before show the same picture and are one. Pure.
import type { Incident, TimelineEntry } from '../../core/domain.js';

export type MomentKind = 'reported' | 'dispatched' | 'onScene' | 'closed';

export interface KeyMoment {
  at: number;
  /** what happened then, in order (more than one where steps came within MERGE_MS) */
  kinds: MomentKind[];
  incidentId: string;
}

/** The moments an official asks about first, from the incident's timeline and fields. */
export function keyTimes(inc: Incident): { reported: number; acknowledged?: number; dispatched?: number; onScene?: number; closed?: number } {
  const first = (k: TimelineEntry['kind'], pred: (e: TimelineEntry) => boolean = () => true) => inc.timeline.find((e) => e.kind === k && pred(e))?.at;
  const arrived = first('reply', (e) => e.answer === 'arrived');
  const onScene = first('on_scene');
  return {
    reported: inc.startedAt,
    ...(inc.acknowledgedAt !== undefined ? { acknowledged: inc.acknowledgedAt } : first('acknowledged') !== undefined ? { acknowledged: first('acknowledged') } : {}),
    ...(first('dispatched') !== undefined ? { dispatched: first('dispatched') } : {}),
    ...(onScene !== undefined || arrived !== undefined ? { onScene: Math.min(onScene ?? Infinity, arrived ?? Infinity) } : {}),
    ...(inc.status === 'closed' && inc.closedAt !== undefined ? { closed: inc.closedAt } : {}),
  };
}

/** moments this close together show one picture, at the later one (it holds the earlier's trails) */
const MERGE_MS = 5000;
const KINDS: readonly MomentKind[] = ['reported', 'dispatched', 'onScene', 'closed'];

/**
 * At most `max` moments, earliest first. When there are more (a period with many incidents), each
 * incident's report comes before the later steps of any: the picture of where things stood when an
 * alarm came is the one a review starts from.
 */
export function keyMoments(incidents: readonly Incident[], max = 6): KeyMoment[] {
  const all: { at: number; kind: MomentKind; incidentId: string }[] = [];
  for (const inc of incidents) {
    const t = keyTimes(inc);
    for (const kind of KINDS) {
      const at = t[kind];
      if (at !== undefined && Number.isFinite(at)) all.push({ at, kind, incidentId: inc.id });
    }
  }
  all.sort((a, b) => a.at - b.at || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  const merged: KeyMoment[] = [];
  for (const m of all) {
    const last = merged[merged.length - 1];
    if (last && last.incidentId === m.incidentId && m.at - last.at < MERGE_MS) {
      last.at = m.at;
      last.kinds.push(m.kind);
    } else merged.push({ at: m.at, kinds: [m.kind], incidentId: m.incidentId });
  }
  if (merged.length <= max) return merged;
  const rank = (m: KeyMoment) => KINDS.indexOf(m.kinds[0]);
  const chosen = [...merged].sort((a, b) => rank(a) - rank(b) || a.at - b.at).slice(0, max);
  return chosen.sort((a, b) => a.at - b.at);
}

// An incident's timeline: the reports that changed something and what operators did to it. Kept
// short (a tracker holding its SOS bit reports every few seconds): an update enters only when it
// changed what an operator reads, and past TIMELINE_MAX entries the oldest updates go first — the
// first report and every operator action stay.
import type { Incident, IncidentReport, TimelineChange, TimelineEntry } from '../domain.js';
import { distanceMeters } from '../geo/polygon.js';

export const TIMELINE_MAX = 40;
/** a move smaller than this is GPS jitter, not news */
export const TIMELINE_MOVE_M = 25;

/** What `next` changes of what `prev` says, in the timeline's words. */
export function reportChanges(prev: Incident, next: IncidentReport): TimelineChange[] {
  const out: TimelineChange[] = [];
  if (next.priority !== prev.priority) out.push('priority');
  if (next.kind !== prev.kind) out.push('kind');
  if (next.title !== prev.title) out.push('title');
  if (next.detail !== undefined && next.detail !== prev.detail) out.push('detail');
  if (distanceMeters(prev.lon, prev.lat, next.lon, next.lat) >= TIMELINE_MOVE_M) out.push('position');
  if (next.media !== undefined && mediaKey(next.media) !== mediaKey(prev.media)) out.push('media');
  if (next.reporter !== undefined && next.reporter !== prev.reporter) out.push('reporter');
  return out;
}

const mediaKey = (m: readonly { url: string }[]): string => m.map((x) => x.url).join('\n');

/**
 * Appends `entry`; over the limit, the oldest update goes, then the oldest unit's answer (a
 * broadcast to dozens of volunteers must not push the operators' steps out; each unit's latest
 * answer stays in `responders`), and only then the oldest action — never the first report.
 */
export function appendTimeline(timeline: TimelineEntry[], entry: TimelineEntry, max = TIMELINE_MAX): TimelineEntry[] {
  const next = [...timeline, entry];
  while (next.length > max) {
    let i = next.findIndex((e, n) => n > 0 && e.kind === 'updated');
    if (i < 0) i = next.findIndex((e, n) => n > 0 && n < next.length - 1 && e.kind === 'reply');
    next.splice(i > 0 ? i : 1, 1);
  }
  return next;
}

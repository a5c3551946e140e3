// Is what the wall shows live? A wall that lost its feed must never look calm: this decides, from
// the model and the clock alone, whether the page is cut off from the services (the link closed,
// or open but silent: no heartbeat for a few of their periods), the services from the broker, or
// the broker from its publishers (the feed stalled), and since when — on the page's clock. A replay
// is never "stalled" for showing old times; its link to the services can still be lost.
import { inReplay, type ReplayInputs } from './replay';
import type { WallModel } from './wall';

export type StaleReason =
  /** the page has not reached the services yet, for longer than a start takes */
  | 'starting'
  /** the page's link to the services is closed */
  | 'link'
  /** nothing came for several heartbeats on an open link (a hung server, a dead route), until it opens again */
  | 'silent'
  /** the services lost the broker */
  | 'broker'
  /** connected, but no message for longer than usual */
  | 'feed';

export type Liveness =
  | { live: true }
  | {
      live: false;
      reason: StaleReason;
      /** when it began, on the page's clock (epoch ms) */
      since: number;
      /** feed stalls: the silence the services count as a stall (ms) */
      stalledAfterMs?: number;
    };

/** A page that opens needs this long to reach the services before it says it cannot. */
export const STARTING_GRACE_MS = 5000;

/** Nothing for this long on an open link means it is cut off: three heartbeats, and at least 5 s. */
export const silentAfterMs = (heartbeatMs: number | undefined): number => Math.max(3 * (heartbeatMs ?? 2000), 5000);

/** The link is cut off (closed or silent): the page's figures can no longer change by themselves. */
export const isCutOff = (l: Liveness): boolean => !l.live && (l.reason === 'starting' || l.reason === 'link' || l.reason === 'silent');

type LivenessInputs = Pick<WallModel, 'connection' | 'linkLostAt' | 'linkLostSilently' | 'linkOpenedAt' | 'lastHeardAt' | 'health' | 'clockOffsetMs' | 'pageLoadedAt' | 'snapshots'> & Partial<ReplayInputs>;

export const sameLiveness = (a: Liveness, b: Liveness): boolean =>
  a.live === b.live && (a.live || b.live || (a.reason === b.reason && a.since === b.since && a.stalledAfterMs === b.stalledAfterMs));

export function liveness(m: LivenessInputs, now: number): Liveness {
  if (m.connection !== 'open') {
    if (m.snapshots === 0) return now - m.pageLoadedAt > STARTING_GRACE_MS ? { live: false, reason: 'starting', since: m.pageLoadedAt } : { live: true };
    return { live: false, reason: m.linkLostSilently ? 'silent' : 'link', since: m.linkLostAt ?? m.pageLoadedAt };
  }
  const heardAt = Math.max(m.lastHeardAt ?? 0, m.linkOpenedAt ?? 0, m.pageLoadedAt);
  if (now - heardAt > silentAfterMs(m.health?.heartbeatMs)) return { live: false, reason: 'silent', since: heardAt };
  const h = m.health;
  // a replay shows the past on purpose: the live broker and feeds are not what it shows (its band
  // says what it is); only the page's own link to the services (above) still matters
  if (!h || inReplay(m)) return { live: true };
  // the services' times, moved onto the page's clock
  const onPage = (t: number) => Math.round((t - m.clockOffsetMs) / 1000) * 1000;
  if (!h.broker.connected) return { live: false, reason: 'broker', since: onPage(h.broker.disconnectedAt ?? h.at) };
  if (h.feed?.state === 'stalled') return { live: false, reason: 'feed', since: onPage(h.feed.stalledSince ?? h.at), stalledAfterMs: h.feed.stalledAfterMs };
  return { live: true };
}

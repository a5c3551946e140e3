// The feeds the wall hears from, and when each was last heard: alarm sources (the topic's
// {source} or the adapter), unit location sources, kiosk and camera status. Derived from what the
// situation holds (receive times), so it needs nothing new from the services.
import type { Camera, Incident, Kiosk } from '../../../core/domain';
import type { UnitTable } from './units';

export type FeedKind = 'alarms' | 'units' | 'kiosks' | 'cameras';

export interface Feed {
  key: string;
  kind: FeedKind;
  source: string;
  /** receive time of the latest message, epoch ms */
  lastHeard: number;
  /** items held from this feed */
  count: number;
}

export type FeedState = 'live' | 'quiet' | 'silent';

/** Heard within 2 minutes: live; within 15: quiet; else silent. */
export function feedState(lastHeard: number, now: number): FeedState {
  const age = now - lastHeard;
  if (age <= 120_000) return 'live';
  if (age <= 15 * 60_000) return 'quiet';
  return 'silent';
}

const KIND_ORDER: Record<FeedKind, number> = { alarms: 0, units: 1, kiosks: 2, cameras: 3 };

type Seen = Map<string, Feed>;

function see(feeds: Seen, kind: FeedKind, source: string, at: number | undefined): void {
  if (typeof at !== 'number') return;
  const key = `${kind}:${source}`;
  const f = feeds.get(key);
  if (f) {
    f.count++;
    if (at > f.lastHeard) f.lastHeard = at;
  } else feeds.set(key, { key, kind, source, lastHeard: at, count: 1 });
}

/** The unit location feeds alone: the walk over every unit, which callers may keep a while. */
export function unitFeeds(units: UnitTable): Feed[] {
  const feeds: Seen = new Map();
  for (let i = 0; i < units.count; i++) {
    const u = units.units[i];
    see(feeds, 'units', u.source, u.lastSeen);
  }
  return [...feeds.values()];
}

/** Every feed, in a stable order; `units` are the unit feeds when the caller has them already. */
export function feedsOf(s: { incidents: Map<string, Incident>; units: UnitTable; kiosks: Map<string, Kiosk>; cameras: Map<string, Camera> }, units: Feed[] = unitFeeds(s.units)): Feed[] {
  const feeds: Seen = new Map();
  for (const inc of s.incidents.values()) see(feeds, 'alarms', inc.source, inc.lastSeen);
  for (const f of units) feeds.set(f.key, { ...f });
  for (const k of s.kiosks.values()) see(feeds, 'kiosks', 'kiosks', k.lastSeen);
  for (const c of s.cameras.values()) see(feeds, 'cameras', 'cameras', c.lastSeen);
  return [...feeds.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

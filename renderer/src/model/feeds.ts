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

export function feedsOf(s: { incidents: Map<string, Incident>; units: UnitTable; kiosks: Map<string, Kiosk>; cameras: Map<string, Camera> }): Feed[] {
  const feeds = new Map<string, Feed>();
  const see = (kind: FeedKind, source: string, at: number | undefined) => {
    if (typeof at !== 'number') return;
    const key = `${kind}:${source}`;
    const f = feeds.get(key);
    if (f) {
      f.count++;
      if (at > f.lastHeard) f.lastHeard = at;
    } else feeds.set(key, { key, kind, source, lastHeard: at, count: 1 });
  };
  for (const inc of s.incidents.values()) see('alarms', inc.source, inc.lastSeen);
  for (let i = 0; i < s.units.count; i++) {
    const u = s.units.units[i];
    see('units', u.source, u.lastSeen);
  }
  for (const k of s.kiosks.values()) see('kiosks', 'kiosks', k.lastSeen);
  for (const c of s.cameras.values()) see('cameras', 'cameras', c.lastSeen);
  return [...feeds.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

// Whether the wall is live, decided in the model from what arrived and the clock: the page cut
// off from the services (closed, or open and silent), the services from the broker, the feed
// stalled; and a cut-off page ageing its units by itself.
import { describe, expect, it } from 'vitest';
import type { BrokerHealth, Health } from '../../../core/contract';
import type { FeedPulseHealth } from '../../../core/ingest/feed-pulse';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import { liveness, STARTING_GRACE_MS } from '../../../renderer/src/model/liveness';
import { initialModel, reduce, type WallAction, type WallModel } from '../../../renderer/src/model/wall';

const T = Date.UTC(2026, 11, 5, 9);
/** the services' clock runs 30 s ahead of the page's */
const SKEW = 30_000;
const broker = (o: Partial<BrokerHealth> = {}): BrokerHealth => ({ url: 'mqtt://b', connected: true, lastConnectedAt: T, disconnectedAt: null, lastMessageAt: T, reconnects: 0, error: null, received: 0, handled: 0, ...o });
const feed = (o: Partial<FeedPulseHealth> = {}): FeedPulseHealth => ({ state: 'live', lastMessageAt: T, usualGapMs: null, stalledAfterMs: 60_000, stalledSince: null, stalls: 0, ...o });
const health = (pageAt: number, o: Partial<Health> = {}): Health => ({ ok: true, broker: broker(), feed: feed(), at: pageAt + SKEW, heartbeatMs: 2000, ...o }) as Health;

function wall() {
  const core = createSituation({ cameras: [], kiosks: [] }, () => undefined, { staleAfterMs: 60_000 });
  apply(core, { t: 'tick', at: T + SKEW });
  for (const [id, back] of [['u-fresh', 0], ['u-old', 50_000]] as const)
    apply(core, { t: 'events', at: T + SKEW - back, topic: `u/${id}`, events: [{ type: 'unitFix', source: 'units', fix: { id, ts: T + SKEW - back, lat: 26.05, lon: 119.3, kind: 'patrol' } }] });
  takeDelta(core);
  let m: WallModel = initialModel(T);
  const act = (a: WallAction) => (m = reduce(m, a));
  act({ type: 'connection', state: 'open', at: T });
  act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: health(T) }, at: T });
  return { act, model: () => m, core };
}

describe('liveness', () => {
  it('is live while heartbeats come and the services hear the broker', () => {
    const w = wall();
    for (let t = T + 2000; t <= T + 20_000; t += 2000) {
      w.act({ type: 'server', message: { type: 'health', health: health(t) }, at: t });
      w.act({ type: 'tick', at: t + 500 });
      expect(w.model().liveness).toEqual({ live: true });
    }
  });

  it('a page that cannot reach the services says so once a start has had its time', () => {
    let m = initialModel(T);
    m = reduce(m, { type: 'tick', at: T + STARTING_GRACE_MS - 1 });
    expect(m.liveness.live).toBe(true);
    m = reduce(m, { type: 'tick', at: T + STARTING_GRACE_MS + 1 });
    expect(m.liveness).toEqual({ live: false, reason: 'starting', since: T });
  });

  it('a closed link: cut off since it closed, and live again with the next snapshot', () => {
    const w = wall();
    w.act({ type: 'connection', state: 'connecting', at: T + 3000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'link', since: T + 3000 });
    // reconnect attempts do not move "since"
    w.act({ type: 'connection', state: 'closed', at: T + 4000 });
    w.act({ type: 'connection', state: 'connecting', at: T + 5000 });
    w.act({ type: 'tick', at: T + 9000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'link', since: T + 3000 });
    w.act({ type: 'connection', state: 'open', at: T + 10_000 });
    w.act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(w.core), health: health(T + 10_000) }, at: T + 10_000 });
    expect(w.model().liveness).toEqual({ live: true });
  });

  it('an open link that goes silent is cut off from its last heartbeat, after three heartbeats', () => {
    const w = wall();
    w.act({ type: 'server', message: { type: 'health', health: health(T + 2000) }, at: T + 2000 });
    w.act({ type: 'tick', at: T + 2000 + 5999 });
    expect(w.model().liveness.live).toBe(true);
    w.act({ type: 'tick', at: T + 2000 + 6001 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'silent', since: T + 2000 });
    // the page gives up on the socket and dials again: still silent, since it went silent
    w.act({ type: 'connection', state: 'connecting', at: T + 20_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'silent', since: T + 2000 });
    w.act({ type: 'connection', state: 'open', at: T + 25_000 });
    w.act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(w.core), health: health(T + 25_000) }, at: T + 25_000 });
    expect(w.model().liveness).toEqual({ live: true });
    // a link the other end closes is a lost link
    w.act({ type: 'connection', state: 'connecting', at: T + 26_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'link', since: T + 26_000 });
  });

  it('a page whose own thread was busy does not call the link silent for the heartbeats waiting behind it', () => {
    const w = wall();
    w.act({ type: 'server', message: { type: 'health', health: health(T + 2000) }, at: T + 2000 });
    w.act({ type: 'tick', at: T + 3000 });
    // the page chewed on something for 9 s: the next tick comes 8 s late
    w.act({ type: 'tick', at: T + 12_000, frozenMs: 8000 });
    expect(w.model().liveness).toEqual({ live: true });
    // the heartbeats that waited are read: live, from then on as usual
    w.act({ type: 'server', message: { type: 'health', health: health(T + 12_000) }, at: T + 12_010 });
    w.act({ type: 'tick', at: T + 13_000 });
    expect(w.model().liveness).toEqual({ live: true });
    // a link that is really silent is still found, once the page has run three heartbeats without a word
    for (let t = T + 14_000; t <= T + 18_000; t += 1000) {
      w.act({ type: 'tick', at: t });
      expect(w.model().liveness.live).toBe(true);
    }
    w.act({ type: 'tick', at: T + 19_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'silent', since: T + 12_010 });
  });

  it('frozen time is excused, not the silence before it', () => {
    const w = wall();
    w.act({ type: 'server', message: { type: 'health', health: health(T + 2000) }, at: T + 2000 });
    // 5 s of running silence, then a tick 2 s late: 6 s of the page's own time, not yet past it
    for (let t = T + 3000; t <= T + 7000; t += 1000) w.act({ type: 'tick', at: t });
    w.act({ type: 'tick', at: T + 10_000, frozenMs: 2000 });
    expect(w.model().liveness.live).toBe(true);
    // one more second of running: silent (its start moved on by the 2 s the page was away)
    w.act({ type: 'tick', at: T + 11_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'silent', since: T + 4000 });
  });

  it('a slower heartbeat waits longer before calling the link silent', () => {
    const w = wall();
    w.act({ type: 'server', message: { type: 'health', health: health(T, { heartbeatMs: 10_000 }) }, at: T });
    w.act({ type: 'tick', at: T + 29_000 });
    expect(w.model().liveness.live).toBe(true);
    w.act({ type: 'tick', at: T + 30_001 });
    expect(w.model().liveness).toMatchObject({ live: false, reason: 'silent' });
  });

  it('the services without their broker: since the outage began, on the page’s clock', () => {
    const w = wall();
    const lostAt = T + 1000 + SKEW; // the services' clock
    w.act({ type: 'server', message: { type: 'health', health: health(T + 2000, { ok: false, broker: broker({ connected: false, disconnectedAt: lostAt }) }) }, at: T + 2000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'broker', since: T + 1000 });
    w.act({ type: 'server', message: { type: 'health', health: health(T + 4000) }, at: T + 4000 });
    expect(w.model().liveness).toEqual({ live: true });
  });

  it('a stalled feed: since its last message, with the silence that counts as a stall', () => {
    const w = wall();
    const h = health(T + 70_000, { feed: feed({ state: 'stalled', stalledSince: T + 5000 + SKEW, stalledAfterMs: 60_000 }) });
    w.act({ type: 'server', message: { type: 'health', health: h }, at: T + 70_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'feed', since: T + 5000, stalledAfterMs: 60_000 });
  });

  it('a cut-off page dims its units as they pass their staleness time, as the services would have', () => {
    const w = wall();
    const stale = () => [w.model().units.get('u-fresh')!.stale, w.model().units.get('u-old')!.stale];
    expect(stale()).toEqual([false, false]);
    // live: the page leaves staleness to the services (their deltas say when a unit went stale)
    w.act({ type: 'server', message: { type: 'health', health: health(T + 10_000) }, at: T + 10_000 });
    w.act({ type: 'tick', at: T + 11_000 });
    expect(stale()).toEqual([false, false]);
    w.act({ type: 'connection', state: 'connecting', at: T + 4000 });
    const v0 = w.model().unitsVersion;
    // u-old was last seen 50 s before T: stale (60 s) from T + 10 s; u-fresh from T + 60 s
    w.act({ type: 'tick', at: T + 9000 });
    expect(stale()).toEqual([false, false]);
    w.act({ type: 'tick', at: T + 11_000 });
    expect(stale()).toEqual([false, true]);
    expect(w.model().unitsVersion).toBeGreaterThan(v0);
    w.act({ type: 'tick', at: T + 61_000 });
    expect(stale()).toEqual([true, true]);
  });

  it('a tick that changes nothing returns the same model', () => {
    const w = wall();
    const m = w.model();
    w.act({ type: 'tick', at: T + 1000 });
    expect(w.model()).toBe(m);
    expect(liveness(m, T + 1000)).toEqual({ live: true });
  });
});

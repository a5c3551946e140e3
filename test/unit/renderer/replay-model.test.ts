// The wall's model in a replay: the player's state from `player` messages and request answers, the
// replay clock as the wall's clock (ages, staleness), what a replay is never shown as (a stalled
// feed, a lost broker) and what it still is (a lost link), and what is dropped between live and replay.
import { describe, expect, it } from 'vitest';
import type { BrokerHealth, Health } from '../../../core/contract';
import type { FeedPulseHealth } from '../../../core/ingest/feed-pulse';
import type { PlayerState, ReplayState } from '../../../core/player';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import { inReplay, PLAYER_LATE_MAX_MS, replayClock, wallClock } from '../../../renderer/src/model/replay';
import { initialModel, reduce, type WallAction, type WallModel } from '../../../renderer/src/model/wall';

const T = Date.UTC(2026, 11, 5, 9);
/** the period replayed: yesterday morning */
const FROM = T - 86_400_000;
const TO = FROM + 30 * 60_000;
const broker = (o: Partial<BrokerHealth> = {}): BrokerHealth => ({ url: 'mqtt://b', connected: true, lastConnectedAt: T, disconnectedAt: null, lastMessageAt: T, reconnects: 0, error: null, received: 0, handled: 0, ...o });
const feed = (o: Partial<FeedPulseHealth> = {}): FeedPulseHealth => ({ state: 'live', lastMessageAt: T, usualGapMs: null, stalledAfterMs: 60_000, stalledSince: null, stalls: 0, ...o });
const health = (at: number, o: Partial<Health> = {}): Health => ({ ok: true, broker: broker(), feed: feed(), at, heartbeatMs: 2000, ...o }) as Health;
const replay = (o: Partial<ReplayState> = {}): ReplayState => ({ mode: 'replay', from: FROM, to: TO, at: FROM, playing: false, speed: 1, loading: false, markers: [], density: { bucketMs: 60_000, counts: [] }, bookmarks: [], error: null, ...o });

/** A live wall, signed in, with one incident and one unit (last heard at T), then whatever the test does. */
function wall() {
  const core = createSituation({ cameras: [], kiosks: [] }, () => undefined, { staleAfterMs: 60_000 });
  apply(core, { t: 'tick', at: T });
  apply(core, { t: 'events', at: T, topic: 'a', events: [{ type: 'incident', source: '110', report: { id: 'live-1', ts: T, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: 'live', status: 'open' } }] });
  apply(core, { t: 'events', at: T, topic: 'u', events: [{ type: 'unitFix', source: 'units', fix: { id: 'u1', ts: T, lat: 26.05, lon: 119.3, kind: 'patrol' } }] });
  takeDelta(core);
  let m: WallModel = initialModel(T);
  const act = (a: WallAction) => (m = reduce(m, a));
  act({ type: 'connection', state: 'open', at: T });
  act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: health(T) }, at: T });
  const player = (p: PlayerState, at = T + 1000) => act({ type: 'server', message: { type: 'player', player: p }, at });
  /** a replayed situation: one incident (`old-1`, reported at FROM), one unit last heard at FROM; the replay clock at FROM + `later` */
  const replayedSnapshot = (at = T + 1000, later = 0, incident = 'old-1') => {
    const old = createSituation({ cameras: [], kiosks: [] }, () => undefined, { staleAfterMs: 60_000 });
    apply(old, { t: 'tick', at: FROM + later });
    apply(old, { t: 'events', at: FROM, topic: 'a', events: [{ type: 'incident', source: '110', report: { id: incident, ts: FROM, kind: 'fight', priority: 1, lat: 26.04, lon: 119.28, title: 'old', status: 'open' } }] });
    apply(old, { t: 'events', at: FROM, topic: 'u', events: [{ type: 'unitFix', source: 'units', fix: { id: 'u-old', ts: FROM, lat: 26.05, lon: 119.3, kind: 'patrol' } }] });
    takeDelta(old);
    act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(old), health: health(at) }, at });
  };
  return { act, player, replayedSnapshot, model: () => m };
}

describe('the wall in a replay', () => {
  it('opens with the layer panel folded (the timeline takes the bottom of the map), and leaves it as the official sets it', () => {
    const w = wall();
    expect(w.model().layerPanelOpen).toBe(true);
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T });
    expect(w.model().layerPanelOpen).toBe(false);
    w.act({ type: 'layerPanel', open: true });
    // the page asks again (a reconnect): what the official chose stays
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO, at: FROM + 5000 }, at: T + 1000 });
    expect(w.model().layerPanelOpen).toBe(true);
  });

  it('keeps the player’s state from `player` messages and answers, and the replay clock and speed as its wish', () => {
    const w = wall();
    expect(w.model().player).toEqual({ mode: 'live' });
    expect(inReplay(w.model())).toBe(false);
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T });
    // asked for, not open yet: the wall is already "in a replay" (nothing live may pass for it), at the period's start
    expect(inReplay(w.model())).toBe(true);
    expect(w.model().replay).toEqual({ from: FROM, to: TO, at: FROM, speed: 1, playing: false });
    w.player(replay({ at: FROM + 60_000, speed: 8, playing: true }));
    expect(w.model().player).toMatchObject({ mode: 'replay', at: FROM + 60_000, speed: 8, playing: true });
    expect(w.model().replay).toEqual({ from: FROM, to: TO, at: FROM + 60_000, speed: 8, playing: true });
    // a request's answer is the same state
    w.act({ type: 'player', player: replay({ at: FROM + 90_000, speed: 8, playing: false }), at: T + 2000 });
    expect(w.model().replay).toEqual({ from: FROM, to: TO, at: FROM + 90_000, speed: 8, playing: false });
    // the services back on live (a reconnect): the wish stays, so the page asks again where it was
    w.player({ mode: 'live' });
    expect(w.model().player).toEqual({ mode: 'live' });
    expect(w.model().replay?.at).toBe(FROM + 90_000);
    expect(inReplay(w.model())).toBe(true);
    // leaving clears the wish
    w.act({ type: 'replayWanted', wish: null, at: T + 3000 });
    expect(w.model().replay).toBeNull();
    expect(inReplay(w.model())).toBe(false);
  });

  it('reads the replay clock, never the page’s, in a replay; the page’s clock when live', () => {
    const w = wall();
    expect(wallClock(w.model(), T + 5000)).toBe(T + 5000);
    expect(replayClock(w.model())).toBeNull();
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO, at: FROM + 1000 }, at: T });
    expect(wallClock(w.model(), T + 5000)).toBe(FROM + 1000);
    w.player(replay({ at: FROM + 120_000 }));
    expect(wallClock(w.model(), T + 5000)).toBe(FROM + 120_000);
    // paused: the page's clock moving does not move the wall's
    expect(wallClock(w.model(), T + 60_000)).toBe(FROM + 120_000);
    // a wish outside its period is held inside it
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO, at: TO + 99 }, at: T });
    expect(w.model().replay?.at).toBe(TO);
  });

  it('drops what belonged to live when the replay opens, and the replayed day log at each seek', () => {
    const w = wall();
    w.act({ type: 'closePending', id: 'live-1', due: T + 5000 });
    w.act({ type: 'holdBoard', hold: { order: ['live-1'], until: T + 3000 } });
    expect(w.model().history.has('live-1')).toBe(true);
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T });
    w.player(replay({ loading: true }));
    // a close waiting in its undo window is never sent from a replay
    expect(w.model().closing).toEqual({});
    expect(w.model().boardHold).toBeNull();
    // what the wall holds is still live: not the replay's until its snapshot comes (the wall is veiled)
    expect(w.model().replaySituation).toBe(false);
    w.replayedSnapshot();
    expect(w.model().replaySituation).toBe(true);
    w.player(replay());
    expect(w.model().replaySituation).toBe(true);
    expect(w.model().incidents.has('old-1')).toBe(true);
    // the 24 h measure counts the replayed day, not today's live incidents
    expect(w.model().history.has('live-1')).toBe(false);
    expect(w.model().history.has('old-1')).toBe(true);
    // a snapshot further on (a seek ahead, playing fast from snapshot to snapshot) adds to the day log
    w.replayedSnapshot(T + 2000, 60_000, 'old-2');
    expect(w.model().history.has('old-1')).toBe(true);
    expect(w.model().history.has('old-2')).toBe(true);
    // one further back (a seek back) starts it again
    w.replayedSnapshot(T + 3000, 30_000, 'old-3');
    expect(w.model().history.has('old-1')).toBe(false);
    expect(w.model().history.has('old-3')).toBe(true);
  });

  it('is never shown as a stalled feed or a lost broker (the live ones are not what it shows), but a lost link still is', () => {
    const w = wall();
    const stalled = health(T + 70_000, { feed: feed({ state: 'stalled', stalledSince: T + 5000 }), broker: broker({ connected: false, disconnectedAt: T + 4000 }) });
    w.act({ type: 'server', message: { type: 'health', health: stalled }, at: T + 70_000 });
    expect(w.model().liveness).toMatchObject({ live: false, reason: 'broker' });
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T + 70_000 });
    expect(w.model().liveness).toEqual({ live: true });
    w.player(replay(), T + 70_500);
    w.act({ type: 'server', message: { type: 'health', health: { ...stalled, at: T + 72_000 } }, at: T + 72_000 });
    w.act({ type: 'tick', at: T + 72_500 });
    expect(w.model().liveness).toEqual({ live: true });
    // the page's link lost: said, as on a live wall
    w.replayedSnapshot(T + 72_600);
    expect(w.model().replaySituation).toBe(true);
    w.act({ type: 'connection', state: 'connecting', at: T + 73_000 });
    expect(w.model().liveness).toEqual({ live: false, reason: 'link', since: T + 73_000 });
    // and the replay went with the connection: the page is opening it again, still in a replay,
    // and the next connection's first (live) snapshot is not the replay's
    expect(w.model().player).toEqual({ mode: 'live' });
    expect(w.model().replaySituation).toBe(false);
    expect(w.model().replay).toMatchObject({ from: FROM, to: TO });
    expect(inReplay(w.model())).toBe(true);
    // and a link that goes silent (no live heartbeats) too
    w.act({ type: 'connection', state: 'open', at: T + 80_000 });
    w.act({ type: 'tick', at: T + 80_000 + 6001 });
    expect(w.model().liveness).toMatchObject({ live: false, reason: 'silent' });
  });

  it('a cut-off replay dims its units by the replay clock, not by today’s', () => {
    const w = wall();
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T });
    w.replayedSnapshot();
    w.player(replay({ at: FROM + 30_000 }));
    expect(w.model().units.get('u-old')?.stale).toBe(false);
    w.act({ type: 'connection', state: 'connecting', at: T + 2000 });
    // today's clock would make a unit heard yesterday long stale; at the replay clock it is 30 s old
    w.act({ type: 'tick', at: T + 3000 });
    expect(w.model().units.get('u-old')?.stale).toBe(false);
    // the replay clock past its staleness: stale
    w.player(replay({ at: FROM + 61_000 }), T + 3500);
    w.act({ type: 'tick', at: T + 4000 });
    expect(w.model().units.get('u-old')?.stale).toBe(true);
  });

  it('keeps a malformed ?replay= and a failed open for the wall to say', () => {
    const w = wall();
    w.act({ type: 'replayParamInvalid', value: 'yesterday' });
    expect(w.model().replayParamError).toBe('yesterday');
    expect(inReplay(w.model())).toBe(false);
    w.act({ type: 'replayWanted', wish: { from: FROM, to: TO }, at: T });
    w.act({ type: 'replayError', error: 'not_found: no recording' });
    expect(w.model().replayError).toBe('not_found: no recording');
    // the replay opening after all clears it
    w.player(replay());
    expect(w.model().replayError).toBeNull();
  });
});

describe('when a player state held', () => {
  it('dates a message heard late back to when its instant held, while the replay plays on at one speed', () => {
    const w = wall();
    w.player(replay({ at: FROM, speed: 64, playing: true }), T);
    expect(w.model().playerHeardAt).toBe(T);
    // on time: 100 ms later the clock is 6.4 s on
    w.player(replay({ at: FROM + 6400, speed: 64, playing: true }), T + 100);
    expect(w.model().playerHeardAt).toBe(T + 100);
    // heard 20 ms late (the page was busy): 1.28 s of replay behind where the run puts it, so dated back 20 ms
    w.player(replay({ at: FROM + 12_800, speed: 64, playing: true }), T + 220);
    expect(w.model().playerHeardAt).toBe(T + 200);
    // the next one on time again
    w.player(replay({ at: FROM + 19_200, speed: 64, playing: true }), T + 300);
    expect(w.model().playerHeardAt).toBe(T + 300);
    // ahead of the run (the one before was late): taken as heard
    w.player(replay({ at: FROM + 26_000, speed: 64, playing: true }), T + 400);
    expect(w.model().playerHeardAt).toBe(T + 400);
    // far behind: the replay fell behind (it plays as fast as it reads), not a late message
    const behind = (PLAYER_LATE_MAX_MS + 40) * 64;
    w.player(replay({ at: FROM + 26_000 + 6400 - behind, speed: 64, playing: true }), T + 500);
    expect(w.model().playerHeardAt).toBe(T + 500);
  });

  it('takes a message as heard across a pause, a change of speed or a load', () => {
    const w = wall();
    w.player(replay({ at: FROM, speed: 8, playing: true }), T);
    w.player(replay({ at: FROM + 700, speed: 16, playing: true }), T + 100);
    expect(w.model().playerHeardAt).toBe(T + 100);
    w.player(replay({ at: FROM + 1000, speed: 16, playing: true, loading: true }), T + 200);
    expect(w.model().playerHeardAt).toBe(T + 200);
    w.player(replay({ at: FROM + 1000, speed: 16, playing: false }), T + 300);
    expect(w.model().playerHeardAt).toBe(T + 300);
    w.player(replay({ at: FROM + 1000, speed: 16, playing: true }), T + 310);
    w.player(replay({ at: FROM + 1100, speed: 16, playing: true }), T + 400);
    expect(w.model().playerHeardAt).toBe(T + 400);
  });
});


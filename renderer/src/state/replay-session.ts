// The page's side of a replay (docs/replay.md): `?replay=<from>/<to>` asks the services for it once
// the session lets the page look (a `session` message with someone in it), and again after every
// reconnect, at the replay clock and speed last heard (a replay belongs to one connection). The
// controls (timeline, keys) go through here; every answer is the player's state, into the model.
import type { Bridge, Result } from '../../../core/contract';
import { parseReplayParam, type PlayerState, type ReplayControl } from '../../../core/player';
import { liveHref } from '../model/replay';
import type { ReplayWish } from '../model/replay';
import type { WallState, WallStore } from './store';

export interface ReplayRuntime {
  bridge: Pick<Bridge, 'request'>;
  store: WallStore;
}

/** How long leaving waits for the services to close the replay before it goes live anyway. */
export const CLOSE_WAIT_MS = 2000;

/**
 * Reads `?replay=` (the whole search string) and keeps the replay open: asked for when the page may
 * look and its link is open, and asked again on each new link (or when the services went back to
 * live by themselves after showing it). A malformed value is said on the wall, which stays live.
 * Returns what stops it.
 */
export function startReplaySession(runtime: ReplayRuntime, search: string, now: () => number = Date.now): () => void {
  const param = new URLSearchParams(search).get('replay');
  if (param === null) return () => undefined;
  const { dispatch } = runtime.store.getState();
  const period = parseReplayParam(param);
  if (!period) {
    dispatch({ type: 'replayParamInvalid', value: param });
    return () => undefined;
  }
  dispatch({ type: 'replayWanted', wish: period, at: now() });

  let asking = false;
  /** the link (its opening time) the replay was last asked on */
  let askedOn: number | null | undefined;
  /** the services showed the replay since it was last asked for */
  let shown = false;
  let stopped = false;

  const open = async (wish: ReplayWish): Promise<void> => {
    const r = await runtime.bridge.request('replay.open', { from: wish.from, to: wish.to, at: wish.at, speed: wish.speed });
    if (stopped) return;
    const s = runtime.store.getState();
    if (!r.ok) return s.dispatch({ type: 'replayError', error: r.error });
    s.dispatch({ type: 'player', player: r.value, at: now() });
    s.dispatch({ type: 'replayError', error: null });
    // it was playing when the link went: it plays on
    if (wish.playing && r.value.mode === 'replay' && !r.value.playing) await replayControl(runtime, { op: 'play' }, now);
  };

  const check = (s: WallState) => {
    if (stopped) return;
    if (s.player.mode === 'replay') {
      shown = true;
      return;
    }
    const wish = s.replay;
    if (!wish || asking || !s.session?.me || s.connection !== 'open') return;
    if (askedOn === s.linkOpenedAt && !shown) return;
    askedOn = s.linkOpenedAt;
    shown = false;
    asking = true;
    void open(wish).finally(() => {
      asking = false;
    });
  };
  const off = runtime.store.subscribe(check);
  check(runtime.store.getState());
  return () => {
    stopped = true;
    off();
  };
}

/** A replay request's answer on the wall: the player's new state, or why not (said on the wall). */
function applyAnswer(runtime: ReplayRuntime, r: Result<PlayerState>, now: () => number): boolean {
  const s = runtime.store.getState();
  if (r.ok) {
    s.dispatch({ type: 'player', player: r.value, at: now() });
    s.dispatch({ type: 'replayError', error: null });
  } else s.dispatch({ type: 'replayError', error: r.error });
  return r.ok;
}

/** Play, pause, seek, speed, step: the answer is the player's state (or why not, said on the wall). */
export async function replayControl(runtime: ReplayRuntime, control: ReplayControl, now: () => number = Date.now): Promise<boolean> {
  return applyAnswer(runtime, await runtime.bridge.request('replay.control', control), now);
}

/** A bookmark at `at` with its note (kept by the services, shown on the timeline). */
export async function addBookmark(runtime: ReplayRuntime, at: number, note: string, now: () => number = Date.now): Promise<boolean> {
  return applyAnswer(runtime, await runtime.bridge.request('replay.bookmark', { at, note }), now);
}

/**
 * Back to live: the replay is closed (waiting at most CLOSE_WAIT_MS) and the page goes to its own
 * address without `?replay` — a fresh live wall, in either shell.
 */
export async function leaveReplay(runtime: ReplayRuntime, navigate: (href: string) => void = (h) => window.location.assign(h), href: string = window.location.href, now: () => number = Date.now): Promise<void> {
  runtime.store.getState().dispatch({ type: 'replayWanted', wish: null, at: now() });
  await Promise.race([runtime.bridge.request('replay.close', {}), new Promise((res) => setTimeout(res, CLOSE_WAIT_MS))]);
  navigate(liveHref(href));
}

// Runs the video policy whenever the situation or the operator's choices change (at most every
// `planIntervalMs`, and once a second so closed alarms let go of their tiles after the grace
// period) and publishes the plan to the wall's model. New alarm → tiles open, nobody clicks: a new
// alarm is planned for at once, never held back by the throttle (that is for everything else).
import { planVideoWall, type VideoTile } from '../../../core/video/policy';
import { replayClock } from '../model/replay';
import type { WallStore } from '../state/store';
import type { VideoWallConfig } from './config';
import { assignNumbers, planSignature } from './helpers';

export interface VideoManager {
  /** plan now, ignoring the throttle */
  flush(): void;
  stop(): void;
}

export function startVideoManager(config: VideoWallConfig, store: WallStore): VideoManager {
  let previous: VideoTile[] = [];
  let signature = '';
  /** server clock − local clock, from the latest snapshot/delta */
  let skew = 0;
  let lastPlanAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  /** open incidents the last plan saw */
  let planned = new Set<string>();
  const hasNewAlarm = () => {
    for (const [id, inc] of store.getState().incidents) if (inc.status === 'open' && !planned.has(id)) return true;
    return false;
  };

  const plan = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    lastPlanAt = performance.now();
    const s = store.getState();
    const v = s.video;
    planned = new Set([...s.incidents.values()].filter((i) => i.status === 'open').map((i) => i.id));
    const tiles = planVideoWall({
      // a replay's tiles follow the replay clock (which stands still while paused)
      now: replayClock(s) ?? Date.now() + skew,
      incidents: s.incidents.values(),
      cameras: s.cameras,
      kiosks: s.kiosks,
      previous,
      pinned: v.pinned,
      dismissed: v.dismissed,
      requested: v.requested,
      options: config.policy,
    });
    previous = tiles;
    const sig = planSignature(tiles);
    if (sig !== signature || sig !== planSignature(v.tiles)) {
      signature = sig;
      s.dispatch({ type: 'video.plan', tiles, numbers: assignNumbers(v.numbers, tiles) });
    }
    if (v.dismissed.size > 0) s.dispatch({ type: 'video.pruneDismissed', live: new Set(s.incidents.keys()) });
  };

  const schedule = () => {
    if (stopped || timer !== null) return;
    const wait = lastPlanAt + config.planIntervalMs - performance.now();
    if (wait <= 0) plan();
    else timer = setTimeout(plan, wait);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.now !== prev.now && s.now > 0) skew = s.now - Date.now();
    if (s.incidents !== prev.incidents && hasNewAlarm()) plan();
    else if (s.incidents !== prev.incidents || s.cameras !== prev.cameras || s.kiosks !== prev.kiosks || s.video.inputsVersion !== prev.video.inputsVersion) schedule();
  });
  const tick = setInterval(schedule, 1000);
  schedule();

  return {
    flush: plan,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      clearInterval(tick);
      unsubscribe();
    },
  };
}

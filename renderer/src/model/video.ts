// The video wall's part of the model: the latest plan (core/video/policy.ts, run by
// video/manager.ts), and what the operator pinned, closed, enlarged or switched to the recording.
import { dismissKey, type VideoTile } from '../../../core/video/policy';

export interface VideoUiState {
  tiles: VideoTile[];
  /** camera ids the operator pinned */
  pinned: Set<string>;
  /** dismissKey(incidentId, cameraId) the operator closed */
  dismissed: Set<string>;
  /** badge number of each alarm that holds tiles */
  numbers: Map<string, number>;
  /** camera id of the enlarged tile */
  enlarged: string | null;
  /** cameras opened by hand: camera id → the alarm they were opened for (policy.ts `requested`) */
  requested: Map<string, string>;
  /** camera ids that show the recording at the alarm time instead of live */
  recording: Set<string>;
  /** bumps when pinned/dismissed change, so the manager replans */
  inputsVersion: number;
}

export type VideoAction =
  | { type: 'video.plan'; tiles: VideoTile[]; numbers: Map<string, number> }
  | { type: 'video.togglePin'; cameraId: string }
  /** open a camera by hand, for an alarm (or for none: manualGroupId) */
  | { type: 'video.open'; cameraId: string; incidentId: string }
  | { type: 'video.close'; cameraId: string }
  | { type: 'video.enlarge'; cameraId: string | null }
  | { type: 'video.toggleRecording'; cameraId: string }
  /** forget dismissals of alarms that are gone */
  | { type: 'video.pruneDismissed'; live: ReadonlySet<string> }
  | { type: 'video.reset' };

export const initialVideo = (): VideoUiState => ({
  tiles: [],
  pinned: new Set(),
  dismissed: new Set(),
  numbers: new Map(),
  enlarged: null,
  requested: new Map(),
  recording: new Set(),
  inputsVersion: 0,
});

const toggled = (set: ReadonlySet<string>, key: string): Set<string> => {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
};

export function reduceVideo(v: VideoUiState, a: VideoAction): VideoUiState {
  switch (a.type) {
    case 'video.plan': {
      const open = new Set(a.tiles.map((t) => t.cameraId));
      const next: VideoUiState = { ...v, tiles: a.tiles, numbers: a.numbers };
      // what belonged to tiles that are gone goes with them
      if (v.enlarged && !open.has(v.enlarged)) next.enlarged = null;
      if ([...v.recording].some((c) => !open.has(c))) next.recording = new Set([...v.recording].filter((c) => open.has(c)));
      if ([...v.pinned].some((c) => !open.has(c))) next.pinned = new Set([...v.pinned].filter((c) => open.has(c)));
      // a request the plan stopped keeping (its alarm gone) is let go; one not planned yet stays
      const kept = [...v.requested].filter(([c]) => open.has(c) || !v.tiles.some((t) => t.cameraId === c && t.reason === 'manual'));
      if (kept.length !== v.requested.size) next.requested = new Map(kept);
      return next;
    }
    case 'video.togglePin':
      return { ...v, pinned: toggled(v.pinned, a.cameraId), inputsVersion: v.inputsVersion + 1 };
    case 'video.open': {
      if (v.requested.get(a.cameraId) === a.incidentId) return v;
      const requested = new Map(v.requested).set(a.cameraId, a.incidentId);
      return { ...v, requested, inputsVersion: v.inputsVersion + 1 };
    }
    case 'video.close': {
      const tile = v.tiles.find((t) => t.cameraId === a.cameraId);
      const dismissed = new Set(v.dismissed);
      if (tile) dismissed.add(dismissKey(tile.incidentId, a.cameraId));
      const pinned = new Set(v.pinned);
      pinned.delete(a.cameraId);
      const requested = new Map(v.requested);
      requested.delete(a.cameraId);
      return {
        ...v,
        dismissed,
        pinned,
        requested,
        // gone from the screen at once; the next plan agrees
        tiles: v.tiles.filter((t) => t.cameraId !== a.cameraId),
        enlarged: v.enlarged === a.cameraId ? null : v.enlarged,
        inputsVersion: v.inputsVersion + 1,
      };
    }
    case 'video.enlarge':
      return v.enlarged === a.cameraId ? v : { ...v, enlarged: a.cameraId };
    case 'video.toggleRecording':
      return { ...v, recording: toggled(v.recording, a.cameraId) };
    case 'video.pruneDismissed': {
      const dismissed = new Set([...v.dismissed].filter((k) => a.live.has(k.split('\u0000')[0])));
      return dismissed.size === v.dismissed.size ? v : { ...v, dismissed };
    }
    case 'video.reset':
      return initialVideo();
  }
}

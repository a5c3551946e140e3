// The video wall's own state: the latest plan, what the operator pinned or closed, alarm numbers,
// the enlarged tile and which tiles show the recording instead of live. The plan itself comes from
// core/video/policy.ts (manager.ts runs it); this slice only remembers what it needs as input.
import { create } from 'zustand';
import { dismissKey, type VideoTile } from '../../../core/video/policy';

export interface VideoState {
  tiles: VideoTile[];
  /** camera ids the operator pinned */
  pinned: Set<string>;
  /** dismissKey(incidentId, cameraId) the operator closed */
  dismissed: Set<string>;
  /** badge number of each alarm that holds tiles */
  numbers: Map<string, number>;
  /** camera id of the enlarged tile */
  enlarged: string | null;
  /** camera ids that show the recording at the alarm time instead of live */
  recording: Set<string>;
  /** bumps when pinned/dismissed change, so the manager replans */
  inputsVersion: number;

  setPlan(tiles: VideoTile[], numbers: Map<string, number>): void;
  togglePin(cameraId: string): void;
  close(cameraId: string): void;
  enlarge(cameraId: string | null): void;
  toggleRecording(cameraId: string): void;
  /** forget dismissals of alarms that are gone */
  pruneDismissed(liveIncidentIds: ReadonlySet<string>): void;
  reset(): void;
}

const initial = () => ({
  tiles: [] as VideoTile[],
  pinned: new Set<string>(),
  dismissed: new Set<string>(),
  numbers: new Map<string, number>(),
  enlarged: null as string | null,
  recording: new Set<string>(),
  inputsVersion: 0,
});

export const useVideoStore = create<VideoState>()((set, get) => ({
  ...initial(),

  setPlan(tiles, numbers) {
    const open = new Set(tiles.map((t) => t.cameraId));
    const s = get();
    const patch: Partial<VideoState> = { tiles, numbers };
    if (s.enlarged && !open.has(s.enlarged)) patch.enlarged = null;
    if ([...s.recording].some((c) => !open.has(c))) patch.recording = new Set([...s.recording].filter((c) => open.has(c)));
    if ([...s.pinned].some((c) => !open.has(c))) patch.pinned = new Set([...s.pinned].filter((c) => open.has(c)));
    set(patch);
  },
  togglePin(cameraId) {
    const pinned = new Set(get().pinned);
    if (pinned.has(cameraId)) pinned.delete(cameraId);
    else pinned.add(cameraId);
    set({ pinned, inputsVersion: get().inputsVersion + 1 });
  },
  close(cameraId) {
    const s = get();
    const tile = s.tiles.find((t) => t.cameraId === cameraId);
    const dismissed = new Set(s.dismissed);
    if (tile) dismissed.add(dismissKey(tile.incidentId, cameraId));
    const pinned = new Set(s.pinned);
    pinned.delete(cameraId);
    set({
      dismissed,
      pinned,
      // gone from the screen at once; the next plan agrees
      tiles: s.tiles.filter((t) => t.cameraId !== cameraId),
      enlarged: s.enlarged === cameraId ? null : s.enlarged,
      inputsVersion: s.inputsVersion + 1,
    });
  },
  enlarge(enlarged) {
    set({ enlarged });
  },
  toggleRecording(cameraId) {
    const recording = new Set(get().recording);
    if (recording.has(cameraId)) recording.delete(cameraId);
    else recording.add(cameraId);
    set({ recording });
  },
  pruneDismissed(live) {
    const s = get();
    let changed = false;
    const dismissed = new Set<string>();
    for (const k of s.dismissed) {
      if (live.has(k.split('\u0000')[0])) dismissed.add(k);
      else changed = true;
    }
    if (changed) set({ dismissed });
  },
  reset() {
    set(initial());
  },
}));

// The planner behind the video wall: a new alarm gets its tiles at once, never held back by the
// throttle that spaces out replanning for everything else. Real situation reducer → a real wall store.
import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../../../core/contract.js';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation.js';
import { startVideoManager, type VideoManager } from '../../../renderer/src/video/manager';
import { createWallStore, type WallStore } from '../../../renderer/src/state/store';

const health = { ok: true } as Health;
const cameras = [
  { id: 'C1', name: '万达北门', lat: 26.0425, lon: 119.2826, hls: '/video/live/C1.m3u8' },
  { id: 'C2', name: '五一广场', lat: 26.08, lon: 119.3, hls: '/video/live/C2.m3u8' },
];
let manager: VideoManager | null = null;
let store: WallStore;
afterEach(() => manager?.stop());

function setup() {
  const state = createSituation({ cameras, kiosks: [] }, () => undefined);
  const now = Date.now();
  apply(state, { t: 'tick', at: now });
  takeDelta(state);
  store = createWallStore(now);
  store.getState().dispatch({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(state), health }, at: now });
  manager = startVideoManager({ policy: {}, maxFloating: 8, planIntervalMs: 10_000, enabled: true, frameOrigin: null, frameOrigins: [], frameRotateAfter: 0, frameMigrateAfterMs: 0, frameDrainMs: 0, frameOrphanMs: null, framePool: 0 }, store);
  const alarm = (id: string, lat: number, lon: number, title = '测试') => {
    apply(state, { t: 'events', at: Date.now(), topic: 't', events: [{ type: 'incident', source: '110', report: { id, ts: Date.now(), kind: 'theft', priority: 2, lat, lon, title, status: 'open' } }] });
    store.getState().dispatch({ type: 'server', message: { type: 'delta', delta: takeDelta(state) }, at: Date.now() });
  };
  return { alarm };
}
const tileCameras = () => store.getState().video.tiles.map((t) => `${t.incidentId}:${t.cameraId}`).sort();

describe('video manager', () => {
  it('plans for a new alarm at once, even inside the throttle window', () => {
    const { alarm } = setup();
    alarm('A1', 26.0425, 119.2826);
    expect(tileCameras()).toEqual(['A1:C1']);
    // a second alarm 0 ms later, with the 10 s throttle far from over
    alarm('A2', 26.08, 119.3);
    expect(tileCameras()).toEqual(['A1:C1', 'A2:C2']);
  });

  it('leaves other changes to the throttle', () => {
    const { alarm } = setup();
    alarm('A1', 26.0425, 119.2826);
    expect(tileCameras()).toEqual(['A1:C1']);
    // the same alarm moved next to C2: an update, not a new alarm, so it waits for the next plan
    alarm('A1', 26.08, 119.3, '更新');
    expect(tileCameras()).toEqual(['A1:C1']);
    manager!.flush();
    expect(tileCameras()).toEqual(['A1:C2']);
  });
});

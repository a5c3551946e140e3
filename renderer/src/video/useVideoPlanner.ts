// The tile planner of a page's video (the tiles beside the map's alarms, or the video grid): runs
// while the video is enabled, with the debug hook beside it; the model's video part is reset when it stops.
import { useEffect } from 'react';
import type { WallRuntime } from '../ui/context';
import type { VideoWallConfig } from './config';
import { installVideoDebug } from './debug';
import { startVideoManager } from './manager';
import type { Frames } from './useFrames';

export function useVideoPlanner(config: VideoWallConfig, runtime: WallRuntime, framesRef: Frames['framesRef']): void {
  const { store } = runtime;
  useEffect(() => {
    if (!config.enabled) return;
    const manager = startVideoManager(config, store);
    const unhook = installVideoDebug(manager, runtime, () => framesRef.current);
    return () => {
      unhook();
      manager.stop();
      store.getState().dispatch({ type: 'video.reset' });
    };
  }, [config, store, runtime, framesRef]);
}

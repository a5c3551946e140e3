// Where the video wall's players run: in frames from the other loopback name (a process of their
// own), until frames prove unavailable, then in the page; and the warm frames kept for the next tiles.
import { useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { VideoWallConfig } from './config';
import { FrameHealth } from './frame-health';
import { FramePool } from './frame-pool';

export interface Frames {
  /** null: players run in the page */
  frameOrigin: string | null;
  frameHealth: FrameHealth | null;
  framePool: FramePool | null;
  /** the pool and origin now, for the debug hook */
  framesRef: MutableRefObject<{ pool: FramePool | null; origin: string | null }>;
}

export function useFrames(config: VideoWallConfig): Frames {
  // where players run: frames from the other loopback name, until frames prove unavailable
  const [frameOrigin, setFrameOrigin] = useState(config.frameOrigin);
  const frameHealth = useMemo(
    () =>
      frameOrigin
        ? new FrameHealth((failures) => {
            console.error(`video frames from ${frameOrigin} did not load (${failures} tries, none ever did): players run in the page from now on`);
            setFrameOrigin(null);
          })
        : null,
    [frameOrigin],
  );
  // frames loaded ahead for the next tiles' players
  const framePool = useMemo(() => (config.enabled && frameOrigin && config.framePool > 0 ? new FramePool({ origin: frameOrigin, size: config.framePool, health: frameHealth }) : null), [config, frameOrigin, frameHealth]);
  useEffect(() => {
    framePool?.start();
    return () => framePool?.dispose();
  }, [framePool]);
  const framesRef = useRef({ pool: framePool, origin: frameOrigin });
  framesRef.current = { pool: framePool, origin: frameOrigin };
  return { frameOrigin, frameHealth, framePool, framesRef };
}

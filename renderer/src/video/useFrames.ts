// Where the video wall's players run: in frames from the other loopback name (a process of their
// own; after so many tiles from the second name, and back), until frames prove unavailable, then in
// the page; and the warm frames kept for the next tiles.
import { useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { VideoWallConfig } from './config';
import { FrameGenerations } from './frame-generations';
import { FrameHealth } from './frame-health';
import { FramePool } from './frame-pool';
import { liveFramesFrom, migrateOne } from './remote-player';

/** between two tiles moved to the new generation's frames: one at a time, never a burst */
const MIGRATE_STEP_MS = 1500;

export interface Frames {
  /** null: players run in the page */
  frameOrigin: string | null;
  frameHealth: FrameHealth | null;
  framePool: FramePool | null;
  /** which origin new frames load from (the first, then the other after so many tiles) */
  frameGenerations: FrameGenerations | null;
  /** the pool, origin and generations now, for the debug hook */
  framesRef: MutableRefObject<{ pool: FramePool | null; origin: string | null; generations: FrameGenerations | null }>;
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
  // generations of frames: the first origin, then the second after so many tiles, and back (frame-generations.ts)
  const frameGenerations = useMemo(() => {
    if (!frameOrigin) return null;
    const origins = config.frameOrigins.includes(frameOrigin) ? config.frameOrigins : [frameOrigin];
    return new FrameGenerations(origins, liveFramesFrom, config.frameRotateAfter);
  }, [config, frameOrigin]);
  // frames loaded ahead for the next tiles' players
  const framePool = useMemo(
    () => (config.enabled && frameOrigin && config.framePool > 0 ? new FramePool({ origin: frameOrigin, size: config.framePool, health: frameHealth, generations: frameGenerations }) : null),
    [config, frameOrigin, frameHealth, frameGenerations],
  );
  useEffect(() => {
    framePool?.start();
    return () => framePool?.dispose();
  }, [framePool]);
  // after a rotation, tiles still open in the old generation's frames move to the new one, one by
  // one, so that a long incident's tiles do not keep the old process (and its memory) alive
  useEffect(() => {
    if (!frameGenerations) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const step = () => {
      timer = migrateOne(frameGenerations) ? setTimeout(step, MIGRATE_STEP_MS) : null;
    };
    const off = frameGenerations.onRotate(() => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(step, config.frameMigrateAfterMs);
    });
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [frameGenerations, config]);
  const framesRef = useRef({ pool: framePool, origin: frameOrigin, generations: frameGenerations });
  framesRef.current = { pool: framePool, origin: frameOrigin, generations: frameGenerations };
  return { frameOrigin, frameHealth, framePool, frameGenerations, framesRef };
}

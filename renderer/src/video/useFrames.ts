// Where the video wall's players run: in frames from the other loopback name (a process of their
// own; after so many tiles from the second name, and back), until frames prove unavailable, then in
// the page; and the warm frames kept for the next tiles.
import { useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { VideoWallConfig } from './config';
import { framesInDocument, sweepOrphans } from './frame-census';
import { FrameGenerations } from './frame-generations';
import { FrameHealth } from './frame-health';
import { FramePool } from './frame-pool';
import { migrateOne, ownedByTile } from './remote-player';

/** between two tiles moved to the new generation's frames: one at a time, never a burst */
const MIGRATE_STEP_MS = 1500;

/**
 * One set of generations per page and origins: the frames of a site share one process whichever
 * video wall (map, grid) loaded them, so all of them switch together, or one wall's frames would
 * keep alive the process the other has left.
 */
const shared = new Map<string, FrameGenerations>();
function sharedGenerations(origins: string[], config: VideoWallConfig): FrameGenerations {
  const key = JSON.stringify([origins, config.frameRotateAfter, config.frameDrainMs]);
  let g = shared.get(key);
  if (!g) {
    g = new FrameGenerations(origins, (o) => framesInDocument(o), { rotateAfter: config.frameRotateAfter, drainMs: config.frameDrainMs });
    shared.set(key, g);
  }
  return g;
}

/**
 * After a rotation, tiles still in the old generation's frames move to the new one a while later,
 * one at a time; then what is left of the old origin in the page (nothing, unless something lost
 * track of a frame) is removed, so that its process can end. One migration per generations, however
 * many walls share them.
 */
interface Migration {
  /** walls using these generations */
  users: number;
  afterMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  off: () => void;
}
const migrations = new Map<FrameGenerations, Migration>();
function useMigration(g: FrameGenerations | null, afterMs: number): void {
  useEffect(() => {
    if (!g) return;
    let m = migrations.get(g);
    if (!m) {
      const entry: Migration = { users: 0, afterMs, timer: null, off: () => undefined };
      const step = () => {
        if (migrateOne(g)) {
          entry.timer = setTimeout(step, MIGRATE_STEP_MS);
          return;
        }
        entry.timer = null;
        let strays = 0;
        for (const o of g.others()) strays += sweepOrphans(o, ownedByTile);
        if (strays > 0) g.sweptStrays(strays);
      };
      entry.off = g.onRotate(() => {
        if (entry.timer !== null) clearTimeout(entry.timer);
        entry.timer = setTimeout(step, entry.afterMs);
      });
      m = entry;
      migrations.set(g, m);
    }
    m.users++;
    const mine = m;
    return () => {
      if (--mine.users > 0) return;
      mine.off();
      if (mine.timer !== null) clearTimeout(mine.timer);
      migrations.delete(g);
    };
  }, [g, afterMs]);
}

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
    return sharedGenerations(origins, config);
  }, [config, frameOrigin]);
  // frames loaded ahead for the next tiles' players
  const framePool = useMemo(
    () => (config.enabled && frameOrigin && config.framePool > 0 ? new FramePool({ origin: frameOrigin, size: config.framePool, health: frameHealth, generations: frameGenerations, orphanMs: config.frameOrphanMs }) : null),
    [config, frameOrigin, frameHealth, frameGenerations],
  );
  useEffect(() => {
    framePool?.start();
    return () => framePool?.dispose();
  }, [framePool]);
  // after a rotation, tiles still open in the old generation's frames move to the new one
  useMigration(frameGenerations, config.frameMigrateAfterMs);
  const framesRef = useRef({ pool: framePool, origin: frameOrigin, generations: frameGenerations });
  framesRef.current = { pool: framePool, origin: frameOrigin, generations: frameGenerations };
  return { frameOrigin, frameHealth, framePool, frameGenerations, framesRef };
}

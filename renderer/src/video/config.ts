// Video wall options. The policy's defaults apply; a URL query can override them for tests,
// benchmarks and odd walls: ?videoGraceMs=3000&videoPerAlarm=1&videoMaxTiles=16&videoRadiusM=400&videoFloat=8
// &videoFrame=auto (each tile's player in a frame of its own on the other loopback name)
// &videoFramePool=4 (frames kept loaded for the next tiles; 0: none; default: as many as the wall may show tiles, ≤ 16)
// &videoFrameRotate=50 (frames from one origin before the next come from the other; 0: never)
// &videoFrameMigrateMs=60000 (after a switch, tiles still in the old origin's frames move to the new one)
// &videoFrameDrainMs=15000 (an origin is returned to only after it has had no frame this long)
// &videoFrameOrphanMs=60000 (a frame hearing nothing from the wall this long takes itself for left behind; tests)
import { DEFAULT_VIDEO_POLICY, type VideoPolicyOptions } from '../../../core/video/policy';
import { DEFAULT_DRAIN_MS, DEFAULT_MIGRATE_AFTER_MS, DEFAULT_ROTATE_AFTER } from './frame-generations';
import { frameOriginsFor } from './frame-protocol';

export interface VideoWallConfig {
  policy: Partial<VideoPolicyOptions>;
  /** tiles that may float next to their alarm; the rest dock */
  maxFloating: number;
  /** planning runs at most this often (ms) */
  planIntervalMs: number;
  /** false turns the whole video wall off (?video=off) */
  enabled: boolean;
  /** where tiles' players run: a frame from this origin each (?videoFrame=auto), or the page (null) */
  frameOrigin: string | null;
  /** every origin frames may come from, frameOrigin first (frame-generations.ts) */
  frameOrigins: string[];
  /** frames from one origin before new ones come from the next (0: never) */
  frameRotateAfter: number;
  /** after a switch, how long tiles may stay in the old origin's frames before they move (one at a time) */
  frameMigrateAfterMs: number;
  /** how long an origin must have had no frame before new ones come from it again (its process has ended) */
  frameDrainMs: number;
  /** a frame hearing nothing from the wall this long takes itself for left behind (null: the frame's default, frame-protocol.ts) */
  frameOrphanMs: number | null;
  /** warm frames kept for the next tiles (frame-pool.ts); only with frameOrigin */
  framePool: number;
}

/** a warm frame costs its process ~1.3 MB (docs/video.md); sixteen cover the default wall */
const MAX_FRAME_POOL = 16;

export const DEFAULT_VIDEO_WALL: VideoWallConfig = { policy: {}, maxFloating: 8, planIntervalMs: 250, enabled: true, frameOrigin: null, frameOrigins: [], frameRotateAfter: DEFAULT_ROTATE_AFTER, frameMigrateAfterMs: DEFAULT_MIGRATE_AFTER_MS, frameDrainMs: DEFAULT_DRAIN_MS, frameOrphanMs: null, framePool: Math.min(MAX_FRAME_POOL, DEFAULT_VIDEO_POLICY.maxTiles) };

function int(q: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const v = q.get(key);
  if (v === null || !/^\d{1,9}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

export function videoConfigFromSearch(search: string, location: { protocol: string; hostname: string; port: string } | null = null): VideoWallConfig {
  const q = new URLSearchParams(search);
  const policy: Partial<VideoPolicyOptions> = {};
  const grace = int(q, 'videoGraceMs', 0, 3_600_000);
  if (grace !== undefined) policy.closeGraceMs = grace;
  const per = int(q, 'videoPerAlarm', 0, 16);
  if (per !== undefined) policy.perAlarm = per;
  const max = int(q, 'videoMaxTiles', 0, 64);
  if (max !== undefined) policy.maxTiles = max;
  const origins = location ? frameOriginsFor(location, q.get('videoFrame')) : [];
  const radius = int(q, 'videoRadiusM', 0, 100_000);
  if (radius !== undefined) policy.radiusM = radius;
  return {
    policy,
    maxFloating: int(q, 'videoFloat', 0, 64) ?? DEFAULT_VIDEO_WALL.maxFloating,
    planIntervalMs: DEFAULT_VIDEO_WALL.planIntervalMs,
    enabled: q.get('video') !== 'off',
    frameOrigin: origins[0] ?? null,
    frameOrigins: origins,
    frameRotateAfter: int(q, 'videoFrameRotate', 0, 1_000_000) ?? DEFAULT_ROTATE_AFTER,
    frameMigrateAfterMs: int(q, 'videoFrameMigrateMs', 0, 86_400_000) ?? DEFAULT_MIGRATE_AFTER_MS,
    frameDrainMs: int(q, 'videoFrameDrainMs', 0, 3_600_000) ?? DEFAULT_DRAIN_MS,
    frameOrphanMs: int(q, 'videoFrameOrphanMs', 1000, 3_600_000) ?? null,
    framePool: int(q, 'videoFramePool', 0, MAX_FRAME_POOL) ?? Math.min(MAX_FRAME_POOL, policy.maxTiles ?? DEFAULT_VIDEO_POLICY.maxTiles),
  };
}

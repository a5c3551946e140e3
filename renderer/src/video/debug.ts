// window.__watchfloor.video: what the video wall holds and how each player is doing, for the
// end-to-end tests, the benchmark and field debugging. `soak` opens and closes tiles in the page
// (synthetic alarms fed to the model as the bridge would, no broker) to look for leaks.
import type { Incident } from '../../../core/domain';
import type { VideoTile } from '../../../core/video/policy';
import type { VideoUiState } from '../model/video';
import type { WallRuntime } from '../ui/context';
import type { FramePool, FramePoolStats } from './frame-pool';
import type { VideoManager } from './manager';
import type { PlayerStats } from './player';

export interface VideoTileDebug extends VideoTile {
  number: number | undefined;
  /** float | dock | enlarged | hidden */
  layout: string | undefined;
  /** the tile's box in the map area (CSS px) */
  rect: { x: number; y: number; w: number; h: number } | null;
  stats: PlayerStats | null;
}

export interface SoakOptions {
  cycles?: number;
  /** tiles opened together in each round */
  batch?: number;
  cameraIds?: string[];
  /** wait for each tile's first decoded frame before closing it (default true) */
  waitFirstFrame?: boolean;
  frameTimeoutMs?: number;
}

export interface SoakResult {
  cycles: number;
  rounds: number;
  ms: number;
  /** tiles that showed a frame before they closed */
  framed: number;
  timeouts: number;
  playersLeft: number;
  videosLeft: number;
}

/** a player's surface in the wall page: its <video>, or the frame it plays in (not a warm one waiting in the pool) */
const PLAYER_SURFACES = 'video, iframe.video-frame:not(.video-frame-warm)';

export interface VideoDebug {
  tiles(): VideoTileDebug[];
  stats(cameraId: string): PlayerStats | null;
  store(): VideoUiState;
  /** plan now, ignoring the throttle */
  flush(): void;
  /** players' surfaces in the document: <video> elements, and tiles' video frames (?videoFrame=auto) */
  videoElements(): number;
  /** the warm frames waiting for tiles (null: players in the page, or no pool) */
  framePool(): FramePoolStats | null;
  /** where new players run: 'frame' (a frame of their own each) or 'page' (?videoFrame=off, no loopback name, or frames did not load) */
  playersIn(): 'frame' | 'page';
  soak(opts?: SoakOptions): Promise<SoakResult>;
}

type WithVideo = Window & { __watchfloor?: { video?: VideoDebug } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, everyMs = 16): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}

function tileRect(cameraId: string): VideoTileDebug['rect'] {
  const el = document.querySelector<HTMLElement>(`.video-tile[data-camera-id="${CSS.escape(cameraId)}"]`);
  const root = el?.parentElement;
  if (!el || !root) return null;
  const a = el.getBoundingClientRect();
  const b = root.getBoundingClientRect();
  return { x: a.left - b.left, y: a.top - b.top, w: a.width, h: a.height };
}

export function installVideoDebug(
  manager: VideoManager,
  runtime: Pick<WallRuntime, 'store' | 'players'>,
  frames: () => { pool: FramePool | null; origin: string | null } = () => ({ pool: null, origin: null }),
  win: Window = window,
): () => void {
  const w = win as WithVideo;
  const { store, players } = runtime;
  let soakSeq = 0;
  /** synthetic alarms in and out, as a delta would bring them */
  const feed = (incidents: Incident[], removedIncidents: string[]) => {
    const s = store.getState();
    s.dispatch({
      type: 'server',
      at: Date.now(),
      message: { type: 'delta', delta: { now: s.now, incidents, removedIncidents, units: [], unitMoves: [], removedUnits: [], trailPoints: [], kiosks: [], cameras: [], stats: s.stats, rejects: [] } },
    });
  };
  const hook: VideoDebug = {
    tiles() {
      const v = store.getState().video;
      return v.tiles.map((t) => {
        const el = document.querySelector<HTMLElement>(`.video-tile[data-camera-id="${CSS.escape(t.cameraId)}"]`);
        return { ...t, number: v.numbers.get(t.incidentId), layout: el?.dataset.layout, rect: tileRect(t.cameraId), stats: players.get(t.cameraId)?.stats() ?? null };
      });
    },
    stats: (cameraId) => players.get(cameraId)?.stats() ?? null,
    store: () => store.getState().video,
    flush: () => manager.flush(),
    videoElements: () => document.querySelectorAll(PLAYER_SURFACES).length,
    framePool: () => frames().pool?.stats() ?? null,
    playersIn: () => (frames().origin ? 'frame' : 'page'),
    async soak(opts = {}) {
      const cycles = opts.cycles ?? 1000;
      const batch = Math.max(1, opts.batch ?? 8);
      const waitFrame = opts.waitFirstFrame ?? true;
      const frameTimeoutMs = opts.frameTimeoutMs ?? 5000;
      const s0 = store.getState();
      const cams = (opts.cameraIds ?? [...s0.cameras.values()].filter((c) => c.hls && c.online !== false).map((c) => c.id)).filter((id) => s0.cameras.has(id));
      if (cams.length === 0) throw new Error('no cameras to soak with');
      const t0 = performance.now();
      let done = 0;
      let rounds = 0;
      let framed = 0;
      let timeouts = 0;
      let next = 0;
      while (done < cycles) {
        const n = Math.min(batch, cycles - done, cams.length);
        const picks: string[] = [];
        for (let i = 0; i < n; i++) picks.push(cams[(next + i) % cams.length]);
        next = (next + n) % cams.length;
        const now = Date.now();
        const ids: string[] = [];
        const incidents: Incident[] = [];
        for (const cam of picks) {
          const c = s0.cameras.get(cam)!;
          const id = `soak-${++soakSeq}`;
          ids.push(id);
          const inc: Incident = {
            id,
            ts: now,
            kind: 'other',
            priority: 4,
            lat: c.lat,
            lon: c.lon,
            title: id,
            status: 'open',
            cameraIds: [cam],
            media: [],
            source: 'soak',
            firstSeen: now,
            lastSeen: now,
            updates: 1,
            acknowledged: true,
          };
          incidents.push(inc);
        }
        feed(incidents, []);
        manager.flush();
        await until(() => picks.every((cam) => players.has(cam)), 2000);
        if (waitFrame) {
          const ok = await until(() => picks.every((cam) => players.get(cam)?.stats().firstFrameAt != null), frameTimeoutMs, 25);
          if (!ok) timeouts++;
        }
        framed += picks.filter((cam) => players.get(cam)?.stats().firstFrameAt != null).length;
        feed([], ids);
        manager.flush();
        await until(() => picks.every((cam) => !players.has(cam)), 2000);
        done += n;
        rounds++;
      }
      return {
        cycles: done,
        rounds,
        ms: Math.round(performance.now() - t0),
        framed,
        timeouts,
        playersLeft: players.size,
        videosLeft: document.querySelectorAll(PLAYER_SURFACES).length,
      };
    },
  };
  if (!w.__watchfloor) (w as unknown as { __watchfloor: object }).__watchfloor = {};
  w.__watchfloor!.video = hook;
  return () => {
    if (w.__watchfloor?.video === hook) delete w.__watchfloor.video;
  };
}

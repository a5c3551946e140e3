// window.__watchfloor.video: what the video wall holds and how each player is doing, for the
// end-to-end tests, the benchmark and field debugging. `soak` opens and closes tiles in the page
// (synthetic alarms fed to the model as the bridge would, no broker) to look for leaks.
import type { Incident } from '../../../core/domain';
import type { VideoTile } from '../../../core/video/policy';
import type { VideoUiState } from '../model/video';
import type { WallState, WallStore } from '../state/store';
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

type DebugRuntime = Pick<WallRuntime, 'store' | 'players'>;

/** The wall's tiles with their numbers, where they are and how their players are doing. */
function tilesDebug({ store, players }: DebugRuntime): VideoTileDebug[] {
  const v = store.getState().video;
  return v.tiles.map((t) => {
    const el = document.querySelector<HTMLElement>(`.video-tile[data-camera-id="${CSS.escape(t.cameraId)}"]`);
    return { ...t, number: v.numbers.get(t.incidentId), layout: el?.dataset.layout, rect: tileRect(t.cameraId), stats: players.get(t.cameraId)?.stats() ?? null };
  });
}

/** synthetic alarms in and out, as a delta would bring them */
function feed(store: WallStore, incidents: Incident[], removedIncidents: string[]): void {
  const s = store.getState();
  s.dispatch({
    type: 'server',
    at: Date.now(),
    message: { type: 'delta', delta: { now: s.now, incidents, removedIncidents, units: [], unitMoves: [], removedUnits: [], trailPoints: [], kiosks: [], cameras: [], stats: s.stats, rejects: [] } },
  });
}

/** A synthetic alarm at camera `cam` (lowest priority, already acknowledged). */
function soakIncident(id: string, cam: string, at: { lat: number; lon: number }, now: number): Incident {
  return {
    id,
    ts: now,
    kind: 'other',
    priority: 4,
    lat: at.lat,
    lon: at.lon,
    title: id,
    status: 'open',
    cameraIds: [cam],
    media: [],
    source: 'soak',
    startedAt: now,
    firstSeen: now,
    lastSeen: now,
    updates: 1,
    acknowledged: true,
    state: 'acknowledged',
    timeline: [],
    responders: [],
  };
}

/** The cameras to soak with: those asked for, or every online camera with a stream; only ones the model knows. */
function soakCameras(s: WallState, cameraIds: string[] | undefined): string[] {
  return (cameraIds ?? [...s.cameras.values()].filter((c) => c.hls && c.online !== false).map((c) => c.id)).filter((id) => s.cameras.has(id));
}

interface SoakWait {
  waitFrame: boolean;
  frameTimeoutMs: number;
}

/** One round: an alarm at each of `picks` in, their players up (and, if asked, a frame shown), the alarms out, the players gone. */
async function soakRound(manager: VideoManager, { store, players }: DebugRuntime, cameras: WallState['cameras'], picks: string[], nextId: () => string, wait: SoakWait): Promise<{ framed: number; timedOut: boolean }> {
  const now = Date.now();
  const ids: string[] = [];
  const incidents: Incident[] = [];
  for (const cam of picks) {
    const id = nextId();
    ids.push(id);
    incidents.push(soakIncident(id, cam, cameras.get(cam)!, now));
  }
  feed(store, incidents, []);
  manager.flush();
  await until(() => picks.every((cam) => players.has(cam)), 2000);
  let timedOut = false;
  if (wait.waitFrame) {
    const ok = await until(() => picks.every((cam) => players.get(cam)?.stats().firstFrameAt != null), wait.frameTimeoutMs, 25);
    if (!ok) timedOut = true;
  }
  const framed = picks.filter((cam) => players.get(cam)?.stats().firstFrameAt != null).length;
  feed(store, [], ids);
  manager.flush();
  await until(() => picks.every((cam) => !players.has(cam)), 2000);
  return { framed, timedOut };
}

async function runSoak(manager: VideoManager, runtime: DebugRuntime, opts: SoakOptions, nextId: () => string): Promise<SoakResult> {
  const cycles = opts.cycles ?? 1000;
  const batch = Math.max(1, opts.batch ?? 8);
  const wait: SoakWait = { waitFrame: opts.waitFirstFrame ?? true, frameTimeoutMs: opts.frameTimeoutMs ?? 5000 };
  const s0 = runtime.store.getState();
  const cams = soakCameras(s0, opts.cameraIds);
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
    const round = await soakRound(manager, runtime, s0.cameras, picks, nextId, wait);
    if (round.timedOut) timeouts++;
    framed += round.framed;
    done += n;
    rounds++;
  }
  return {
    cycles: done,
    rounds,
    ms: Math.round(performance.now() - t0),
    framed,
    timeouts,
    playersLeft: runtime.players.size,
    videosLeft: document.querySelectorAll(PLAYER_SURFACES).length,
  };
}

export function installVideoDebug(
  manager: VideoManager,
  runtime: DebugRuntime,
  frames: () => { pool: FramePool | null; origin: string | null } = () => ({ pool: null, origin: null }),
  win: Window = window,
): () => void {
  const w = win as WithVideo;
  const { store, players } = runtime;
  let soakSeq = 0;
  const hook: VideoDebug = {
    tiles: () => tilesDebug(runtime),
    stats: (cameraId) => players.get(cameraId)?.stats() ?? null,
    store: () => store.getState().video,
    flush: () => manager.flush(),
    videoElements: () => document.querySelectorAll(PLAYER_SURFACES).length,
    framePool: () => frames().pool?.stats() ?? null,
    playersIn: () => (frames().origin ? 'frame' : 'page'),
    soak: async (opts = {}) => runSoak(manager, runtime, opts, () => `soak-${++soakSeq}`),
  };
  if (!w.__watchfloor) (w as unknown as { __watchfloor: object }).__watchfloor = {};
  w.__watchfloor!.video = hook;
  return () => {
    if (w.__watchfloor?.video === hook) delete w.__watchfloor.video;
  };
}

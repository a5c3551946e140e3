// One hls.js player per tile, tuned for live: start close to the edge, catch up by playing a little
// faster, keep little buffer behind and ahead. Errors: network → wait (with a countdown the tile
// shows) and rebuild; media → recoverMediaError(), then swapAudioCodec()+recover, then rebuild;
// anything else fatal → rebuild. A watchdog rebuilds when the picture stops moving. Closing leaves
// nothing behind: hls destroyed, the <video> emptied (src removed + load()) and removed. In a
// replay the player follows the replay clock (follow(), replay-sync.ts): the sync, not autoplay,
// decides when the video plays, and the watchdog does not take a video held still for a stall.
import Hls, { ErrorTypes, Events, FetchLoader, type ErrorData, type HlsConfig, type LevelDetails } from 'hls.js';
import hlsWorkerUrl from 'hls.js/dist/hls.worker.js?url';
import { alignReload, newReloadAlign, type ReloadAlign } from './reload-align';
import { backoffMs, recoveryFor, stallAction, type FatalKind, type MediaRecoveryState } from './helpers';
import { clockAt, newSyncMemory, planSync, syncMemoryForNewSource, type ReplayVideoClock, type SyncMemory, type SyncMode, type SyncPlan } from './replay-sync';
import { streamLoaded } from './streams-loaded';

/** Live tuning (2 s segments on the demo server; real cameras usually send 1–2 s). */
export const LIVE_TUNING: Partial<HlsConfig> = {
  enableWorker: true,
  // the ESM build cannot inline its worker: one shared worker script for every tile
  workerPath: hlsWorkerUrl,
  // LL-HLS parts and blocking reloads where the server offers them; the target latency then comes
  // from the playlist's PART-HOLD-BACK (TilePlayer sets it: liveSyncDurationCount below would
  // otherwise override it and keep an LL stream as far behind as a segment-based one)
  lowLatencyMode: true,
  // Start and stay just over one segment behind the newest listed one (hls.js default: 3). With
  // reloads aligned to the next segment (reload-align.ts) one segment of buffer is all it takes
  // not to run dry; below that every segment boundary would stall.
  liveSyncDurationCount: 1.15,
  liveMaxLatencyDurationCount: 4,
  // a stall moves the target back by only half a second (hls.js default: 1 s)
  liveSyncOnStallIncrease: 0.5,
  // fall behind → play up to 25 % faster to get back to the target
  maxLiveSyncPlaybackRate: 1.25,
  backBufferLength: 10,
  maxBufferLength: 6,
  maxMaxBufferLength: 8,
  startFragPrefetch: true,
  initialLiveManifestSize: 1,
  capLevelToPlayerSize: true,
  // A live segment is seen once. Left to the HTTP cache, every tile's video would be written to
  // the wall PC's disk cache around the clock, and Chromium's network service held ~40 MB more
  // after a few hundred tiles (bench:video soak). Fetched with cache: 'no-store', segments and
  // parts are neither kept nor looked up. (Playlists stay on hls.js's XHR loader.)
  fLoader: FetchLoader as unknown as HlsConfig['fLoader'],
  fetchSetup: (context, init: RequestInit) => new Request(context.url, { ...init, cache: 'no-store' }),
  // a camera that answers 4xx/5xx is down: fail fast, our own retry shows a countdown
  manifestLoadPolicy: {
    default: {
      maxTimeToFirstByteMs: 4000,
      maxLoadTimeMs: 8000,
      timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
      errorRetry: { maxNumRetry: 1, retryDelayMs: 500, maxRetryDelayMs: 1000 },
    },
  },
  playlistLoadPolicy: {
    default: {
      maxTimeToFirstByteMs: 4000,
      maxLoadTimeMs: 8000,
      timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
      errorRetry: { maxNumRetry: 2, retryDelayMs: 500, maxRetryDelayMs: 2000 },
    },
  },
  fragLoadPolicy: {
    default: {
      maxTimeToFirstByteMs: 5000,
      maxLoadTimeMs: 10000,
      timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
      errorRetry: { maxNumRetry: 3, retryDelayMs: 500, maxRetryDelayMs: 2000 },
    },
  },
};

/** Seconds of video buffered ahead of the picture. */
function bufferedAhead(v: HTMLVideoElement): number {
  const t = v.currentTime;
  for (let i = 0; i < v.buffered.length; i++) if (v.buffered.start(i) <= t + 0.1 && v.buffered.end(i) > t) return v.buffered.end(i) - t;
  return 0;
}

/** Recordings: ordinary VOD, a bit more buffer. */
export const VOD_TUNING: Partial<HlsConfig> = {
  enableWorker: true,
  workerPath: hlsWorkerUrl,
  backBufferLength: 30,
  maxBufferLength: 20,
  startFragPrefetch: true,
  capLevelToPlayerSize: true,
};

export type PlayerState = 'loading' | 'playing' | 'buffering' | 'retrying' | 'ended' | 'unsupported' | 'closed';

export interface PlayerStats {
  src: string;
  live: boolean;
  state: PlayerState;
  /** true while the picture moves */
  playing: boolean;
  currentTime: number;
  /** wall clock − programme date-time of the displayed frame, seconds (live only) */
  latencySec: number | null;
  /** first decoded frame, ms after this player (or its last source change) started */
  firstFrameMs: number | null;
  /** epoch ms of the first decoded frame */
  firstFrameAt: number | null;
  /** epoch ms this player (or its last source change) started */
  startedAt: number;
  errors: number;
  fatalErrors: number;
  recoveries: number;
  rebuilds: number;
  /** epoch ms of the next attempt while retrying */
  retryAt: number | null;
  lastError: string | null;
  /** the last few hls.js errors, fatal or not ("type/details") */
  recentErrors: string[];
  /** live playlist reloads re-scheduled to when the next segment was due, and reloads that came too early */
  alignedReloads: number;
  earlyReloads: number;
  /** the stream is LL-HLS and hls.js plays it as such: parts listed in its newest playlist, blocking reloads, target latency (s) */
  lowLatency: { parts: number; partTargetSec: number; canBlockReload: boolean; targetLatencySec: number | null } | null;
  /** held to a replay clock (follow()): how, how far off (s), and whether the instant is outside the recording; null when not following */
  sync: { mode: SyncMode; driftSec: number | null; outside: 'before' | 'after' | null } | null;
}

export interface PlayerOptions {
  src: string;
  live: boolean;
  onChange?: (s: PlayerStats) => void;
  /** picture still for this long while it should move → rebuild; default 6000 ms */
  stallMs?: number;
  /** no first frame after this long → rebuild; default 12 000 ms */
  firstFrameTimeoutMs?: number;
  hlsConfig?: Partial<HlsConfig>;
}

/** A player's figures before anything has happened: loading, nothing counted. */
export function loadingStats(src: string, live: boolean, startedAt = Date.now()): PlayerStats {
  return {
    src,
    live,
    state: 'loading',
    playing: false,
    currentTime: 0,
    latencySec: null,
    firstFrameMs: null,
    firstFrameAt: null,
    startedAt,
    errors: 0,
    fatalErrors: 0,
    recoveries: 0,
    rebuilds: 0,
    retryAt: null,
    lastError: null,
    recentErrors: [],
    alignedReloads: 0,
    earlyReloads: 0,
    lowLatency: null,
    sync: null,
  };
}

const WATCHDOG_MS = 1000;
/** skip ahead when this far (s) behind the live target… */
const SKIP_OVER_SEC = 0.6;
/** …and at least this much buffer (s) is left after the skip… */
const SKIP_KEEP_SEC = 1.2;
/** …at most this often (ms) */
const SKIP_EVERY_MS = 5000;
/** a player following a replay clock looks at its video this often */
const SYNC_EVERY_MS = 250;

export class TilePlayer {
  private src: string;
  private live: boolean;
  private readonly container: HTMLElement;
  private readonly opts: PlayerOptions;
  private hls: Hls | null = null;
  private video: HTMLVideoElement | null = null;
  private frameHandle: number | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private lastTime = -1;
  private lastProgressAt = 0;
  private builtAt = 0;
  private skippedAt = -Infinity;
  private perfStart = 0;
  private media: MediaRecoveryState = { recoveredAt: null, swappedAt: null };
  /** what reload alignment learnt about this source (kept across rebuilds) */
  private align: ReloadAlign = newReloadAlign();
  private s: PlayerStats;
  // ---- following a replay clock (follow()) ----
  private clock: ReplayVideoClock | null = null;
  /** media time 0 when the playlist does not say (the recording window's start) */
  private originHint: number | null = null;
  /** media time 0 from the playlist's programme date-time: undefined until it loaded, null when it has none */
  private pdtOrigin: number | null | undefined = undefined;
  private syncMemory: SyncMemory = newSyncMemory();
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private lastPlan: SyncPlan | null = null;
  private seekStartedAt: number | null = null;
  private lastSeekMs: number | null = null;

  constructor(container: HTMLElement, opts: PlayerOptions) {
    this.container = container;
    this.opts = opts;
    this.src = opts.src;
    this.live = opts.live;
    this.s = this.freshStats();
  }

  private freshStats(): PlayerStats {
    this.perfStart = performance.now();
    return loadingStats(this.src, this.live);
  }

  start(): void {
    if (this.s.state === 'closed') return;
    if (!Hls.isSupported()) {
      this.setState('unsupported');
      return;
    }
    this.build();
    this.watchdog = setInterval(() => this.check(), WATCHDOG_MS);
  }

  /** Switch to another source (live ↔ recording); counters start over. */
  setSource(src: string, live: boolean): void {
    if (this.s.state === 'closed' || (src === this.src && live === this.live)) return;
    this.src = src;
    this.live = live;
    this.clearRetry();
    this.teardown();
    this.attempt = 0;
    this.align = newReloadAlign();
    this.pdtOrigin = undefined;
    this.lastPlan = null;
    this.syncMemory = syncMemoryForNewSource(this.syncMemory);
    this.s = this.freshStats();
    this.build();
    this.emit();
  }

  /**
   * Hold the video to a replay clock (null: let go, play as usual). `originHint`: the epoch ms of
   * media time 0 when the playlist has no EXT-X-PROGRAM-DATE-TIME (the recording window's start).
   * Looks at the video at once and every 250 ms (replay-sync.ts planSync).
   */
  follow(clock: ReplayVideoClock | null, originHint: number | null): void {
    if (this.s.state === 'closed') return;
    const was = this.clock;
    this.clock = clock;
    this.originHint = originHint;
    const v = this.video;
    if (!clock) {
      if (this.syncTimer !== null) clearInterval(this.syncTimer);
      this.syncTimer = null;
      this.lastPlan = null;
      this.syncMemory = newSyncMemory();
      if (!was) return;
      this.s.sync = null;
      if (v) {
        v.autoplay = true;
        v.playbackRate = 1;
        if (v.paused && v.readyState >= 2) void v.play().catch(() => undefined);
      }
      this.emit();
      return;
    }
    if (v) v.autoplay = false;
    this.syncTimer ??= setInterval(() => this.sync(), SYNC_EVERY_MS);
    this.sync();
  }

  /** While waiting to retry: try now. */
  retryNow(): void {
    if (this.s.state !== 'retrying') return;
    this.clearRetry();
    this.build();
  }

  stats(): PlayerStats {
    const v = this.video;
    if (v) this.s.currentTime = v.currentTime;
    this.s.latencySec = this.latency();
    this.s.alignedReloads = this.align.aligned;
    this.s.earlyReloads = this.align.early;
    this.s.lowLatency = this.lowLatency();
    return { ...this.s, recentErrors: [...this.s.recentErrors] };
  }

  /** The element, for tests and screenshots. */
  element(): HTMLVideoElement | null {
    return this.video;
  }

  destroy(): void {
    if (this.s.state === 'closed') return;
    this.clearRetry();
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
    this.teardown();
    this.s.state = 'closed';
    this.s.playing = false;
    this.emit();
  }

  // ---- internals ----

  /** The replay instant's media time 0: the playlist's, else the hint; null until the playlist loaded. */
  private origin(): number | null {
    return this.pdtOrigin === undefined ? null : (this.pdtOrigin ?? this.originHint);
  }

  /** Brings the video to the replay clock's instant (replay-sync.ts says how). */
  private sync(): void {
    const clock = this.clock;
    if (!clock || this.s.state === 'closed') return;
    const v = this.video;
    const st = this.s.state;
    let plan: SyncPlan;
    if (!v || !(st === 'loading' || st === 'playing' || st === 'buffering' || st === 'ended')) {
      plan = { mode: 'waiting', seekTo: null, rate: 1, play: false, driftSec: null, outside: null, targetSec: null };
    } else {
      plan = planSync(clock, { currentTime: v.currentTime, paused: v.paused, seeking: v.seeking, duration: v.duration, origin: this.origin(), lastSeekMs: this.lastSeekMs }, Date.now(), this.syncMemory);
      if (plan.play && v.playbackRate !== plan.rate) v.playbackRate = plan.rate;
      if (plan.seekTo !== null) v.currentTime = plan.seekTo;
      if (plan.play && v.paused) void v.play().catch(() => undefined);
      else if (!plan.play && !v.paused) v.pause();
      // back inside the recording after its end: the end is no longer what the tile shows
      if (st === 'ended' && plan.mode !== 'outside') this.setState(plan.play ? 'buffering' : 'playing');
    }
    const prev = this.lastPlan;
    this.lastPlan = plan;
    this.s.sync = { mode: plan.mode, driftSec: plan.driftSec, outside: plan.outside };
    if (!prev || prev.mode !== plan.mode || prev.outside !== plan.outside) this.emit();
  }

  /** Whether the picture should be moving now: always, unless a replay clock holds it still. */
  private shouldMove(): boolean {
    if (!this.clock) return true;
    return this.lastPlan?.mode === 'native' && this.lastPlan.play;
  }

  private latency(): number | null {
    if (!this.live || !this.hls || this.s.firstFrameAt === null) return null;
    const d = this.hls.playingDate;
    return d ? (Date.now() - d.getTime()) / 1000 : null;
  }

  private lowLatency(): PlayerStats['lowLatency'] {
    const d = this.live ? this.hls?.latestLevelDetails : null;
    if (!d?.partList?.length || !this.hls) return null;
    return { parts: d.partList.length, partTargetSec: d.partTarget, canBlockReload: d.canBlockReload, targetLatencySec: this.hls.targetLatency };
  }

  private build(): void {
    streamLoaded();
    this.builtAt = performance.now();
    this.lastTime = -1;
    this.lastProgressAt = this.builtAt;
    this.s.retryAt = null;
    const video = document.createElement('video');
    video.muted = true;
    video.defaultMuted = true;
    // following a replay clock, the sync decides when it plays
    video.autoplay = this.clock === null;
    video.playsInline = true;
    video.disablePictureInPicture = true;
    video.preload = 'auto';
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    video.addEventListener('playing', () => this.video === video && this.setState('playing'));
    video.addEventListener('waiting', () => this.video === video && this.s.state === 'playing' && this.setState('buffering'));
    // following a replay clock, the sync says when the instant is past the recording's end
    video.addEventListener('ended', () => this.video === video && !this.live && !this.clock && this.setState('ended'));
    // how long seeks take: the sync aims a corrective seek that far ahead
    video.addEventListener('seeking', () => {
      if (this.video === video) this.seekStartedAt = performance.now();
    });
    video.addEventListener('seeked', () => {
      if (this.video !== video) return;
      if (this.seekStartedAt !== null) this.lastSeekMs = performance.now() - this.seekStartedAt;
      this.seekStartedAt = null;
      // a video held still shows the frame it was moved to: not buffering any more
      if (this.clock && this.s.state === 'buffering' && video.paused) this.setState('playing');
    });
    this.container.appendChild(video);
    this.video = video;
    this.armFrameCallback(video);

    const base = this.live ? LIVE_TUNING : VOD_TUNING;
    const hls = new Hls({ ...base, ...this.opts.hlsConfig, ...this.startAt() });
    this.hls = hls;
    hls.on(Events.MANIFEST_PARSED, () => {
      // following a replay clock, the sync decides when it plays
      if (this.video !== video || this.clock) return;
      video.play().catch(() => {
        /* autoplay refused: the watchdog notices */
      });
    });
    hls.on(Events.ERROR, (_e, data) => this.onError(hls, data));
    // media time 0 as epoch ms: the first segment's programme date-time, less where it starts
    hls.on(Events.LEVEL_LOADED, (_e, data) => {
      if (this.hls !== hls) return;
      const f = data.details.fragments[0];
      const pdt = f?.programDateTime;
      this.pdtOrigin = f && typeof pdt === 'number' && Number.isFinite(pdt) ? pdt - f.start * 1000 : null;
      if (this.clock) this.sync();
    });
    if (this.live) {
      // An LL-HLS stream: aim at the server's PART-HOLD-BACK (our liveSyncDurationCount would win
      // otherwise). Set before hls.js picks its start position, which it does on the first
      // LEVEL_LOADED (a multivariant playlist has no details here: the first LEVEL_LOADED sets it
      // then, and hls.js catches up).
      const honourPartHoldBack = (d: LevelDetails | undefined) => {
        if (d?.partList?.length && d.partHoldBack > 0 && hls.config.liveSyncDuration !== d.partHoldBack) hls.targetLatency = d.partHoldBack;
      };
      hls.on(Events.MANIFEST_LOADED, (_e, data) => honourPartHoldBack(data.levels[0]?.details));
      // reload the playlist when the next segment is due, not whenever (reload-align.ts)
      hls.on(Events.LEVEL_LOADED, (_e, data) => {
        const d = data.details;
        honourPartHoldBack(d);
        // blocking reloads: the server answers when the next part exists, nothing to align
        if (d.canBlockReload) return;
        const last = d.fragments[d.fragments.length - 1];
        if (!last) return;
        const at = alignReload(
          this.align,
          { live: d.live, endSn: d.endSN, lastPdtMs: last.programDateTime, lastDurationSec: last.duration, targetDurationSec: d.targetduration },
          Date.now(),
          performance.now(),
          Date.now() - (performance.now() - data.stats.loading.start),
        );
        if (at !== null) d.requestScheduled = at;
      });
    }
    hls.attachMedia(video);
    hls.loadSource(this.src);
    this.setState('loading');
  }

  /** Following a replay clock: hls.js starts loading where the clock is, not at the recording's start. */
  private startAt(): Partial<HlsConfig> {
    const origin = this.pdtOrigin ?? this.originHint;
    if (!this.clock || this.live || origin === null) return {};
    return { startPosition: Math.max(0, (clockAt(this.clock, Date.now()) - origin) / 1000) };
  }

  private armFrameCallback(video: HTMLVideoElement): void {
    if (typeof video.requestVideoFrameCallback !== 'function') return;
    this.frameHandle = video.requestVideoFrameCallback(() => {
      this.frameHandle = null;
      if (this.video !== video) return;
      if (this.s.firstFrameAt === null) {
        this.s.firstFrameMs = performance.now() - this.perfStart;
        this.s.firstFrameAt = Date.now();
      }
      // a good picture again: the next failure starts its backoff from the beginning
      this.attempt = 0;
      this.s.playing = true;
      if (this.s.state === 'loading' || this.s.state === 'buffering') this.setState('playing');
      else this.emit();
    });
  }

  private onError(hls: Hls, data: ErrorData): void {
    if (this.hls !== hls) return;
    this.s.errors++;
    this.s.recentErrors.push(`${data.type}/${data.details}${data.fatal ? ' (fatal)' : ''}`);
    if (this.s.recentErrors.length > 5) this.s.recentErrors.shift();
    if (!data.fatal) return;
    this.s.fatalErrors++;
    const code = data.response?.code;
    this.s.lastError = `${data.type}/${data.details}${code ? ` ${code}` : ''}`;
    const kind: FatalKind = data.type === ErrorTypes.NETWORK_ERROR ? 'network' : data.type === ErrorTypes.MEDIA_ERROR ? 'media' : 'other';
    const now = performance.now();
    let action = recoveryFor(kind, this.media, now);
    // a rebuild that fails again at once waits instead of spinning
    if (action === 'rebuild' && now - this.builtAt < 2000) action = 'retry-later';
    switch (action) {
      case 'recover':
        this.media.recoveredAt = now;
        this.s.recoveries++;
        hls.recoverMediaError();
        return;
      case 'swap-and-recover':
        this.media.swappedAt = now;
        this.s.recoveries++;
        hls.swapAudioCodec();
        hls.recoverMediaError();
        return;
      case 'rebuild':
        this.rebuild();
        return;
      case 'retry-later':
        this.retryLater();
        return;
    }
  }

  private rebuild(): void {
    this.teardown();
    this.s.rebuilds++;
    this.media = { recoveredAt: null, swappedAt: null };
    this.build();
  }

  private retryLater(): void {
    this.teardown();
    const delay = backoffMs(this.attempt++);
    this.s.retryAt = Date.now() + delay;
    this.s.playing = false;
    this.setState('retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.s.state !== 'retrying') return;
      this.s.rebuilds++;
      this.media = { recoveredAt: null, swappedAt: null };
      this.build();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.s.retryAt = null;
  }

  /** The stall watchdog: the picture must move while it is supposed to play. */
  private check(): void {
    const v = this.video;
    const st = this.s.state;
    if (!v || !(st === 'loading' || st === 'playing' || st === 'buffering')) return;
    const now = performance.now();
    const move = this.shouldMove();
    if (v.currentTime !== this.lastTime) {
      // (a replay's seek moves the picture too, but only playing makes it move on its own)
      if (this.lastTime >= 0 && v.currentTime > this.lastTime && (!this.clock || !v.paused)) this.s.playing = true;
      this.lastTime = v.currentTime;
      this.lastProgressAt = now;
      if (!this.clock) this.skipToTarget(v);
      return;
    }
    if (this.s.playing) {
      this.s.playing = false;
      this.emit();
    }
    if (!move) {
      // held still on purpose (a paused or stepping replay, an instant outside the recording):
      // not a stall; the time starts counting when the sync lets it play again
      this.lastProgressAt = now;
      return;
    }
    if (v.paused && v.readyState >= 3 && !this.clock) void v.play().catch(() => undefined);
    const limits = { firstFrameMs: this.opts.firstFrameTimeoutMs ?? 12_000, stallMs: this.opts.stallMs ?? 6000 };
    if (stallAction(now - this.lastProgressAt, this.s.firstFrameAt !== null, bufferedAhead(v), limits) === 'rebuild') {
      this.s.lastError = 'stall';
      this.s.errors++;
      this.retryLater();
    }
  }

  /**
   * Well behind the live target with the buffer to spare (typically once, when reloads have been
   * aligned and the start-up lag shows): skip ahead rather than take seconds of faster playback.
   */
  private skipToTarget(v: HTMLVideoElement): void {
    const hls = this.hls;
    if (!this.live || !hls || this.clock || this.s.state !== 'playing' || v.paused) return;
    const target = hls.targetLatency;
    const ahead = hls.mainForwardBufferInfo?.len ?? 0;
    if (target === null || hls.latency <= 0) return;
    const excess = hls.latency - target;
    const now = performance.now();
    if (excess < SKIP_OVER_SEC || ahead - excess < SKIP_KEEP_SEC || now - this.skippedAt < SKIP_EVERY_MS) return;
    this.skippedAt = now;
    v.currentTime += excess - 0.1;
  }

  private teardown(): void {
    const hls = this.hls;
    this.hls = null;
    if (hls) hls.destroy();
    const v = this.video;
    this.video = null;
    if (v) {
      if (this.frameHandle !== null && typeof v.cancelVideoFrameCallback === 'function') v.cancelVideoFrameCallback(this.frameHandle);
      this.frameHandle = null;
      v.pause();
      v.removeAttribute('src');
      v.load();
      v.remove();
    }
  }

  private setState(state: PlayerState): void {
    if (this.s.state === 'closed') return;
    this.s.state = state;
    if (state === 'playing') this.s.playing = true;
    this.emit();
  }

  private emit(): void {
    this.opts.onChange?.(this.stats());
  }
}

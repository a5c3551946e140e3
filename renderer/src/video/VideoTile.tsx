// One video tile: camera and alarm, live/delayed badge with the measured latency, "signal lost"
// with a retry countdown, and the operator's actions (pin, recording at the alarm time, enlarge,
// close). Where the tile sits is not React's business: VideoWall moves it with transforms. In a
// replay the tile plays the camera's recording held to the replay clock (replay-sync.ts), or says
// that there is no recording for that time.
import { CameraGlyph } from './CameraGlyph';
import { memo, useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoTile } from '../../../core/video/policy';
import { formatClock } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { useDispatch, useRuntime, useTimeZone, useWall } from '../ui/context';
import { countdownSec, latencyBadge } from './helpers';
import { TilePlayer, type PlayerStats } from './player';
import { recordingUrl, recordingWindow, recordingWindowUrl, type RecordingWindow } from './recording';
import { inReplay, replayClock } from '../model/replay';
import { replayRecordingWindow, replayVideoClock, REPLAY_WINDOW_MS } from './replay-sync';
import type { WallState } from '../state/store';
import type { TilePlayerLike } from './registry';
import type { FrameHealth } from './frame-health';
import type { FrameGenerations } from './frame-generations';
import type { FramePool } from './frame-pool';
import { RemoteTilePlayer } from './remote-player';

interface View {
  state: PlayerStats['state'] | 'none';
  latency: number | null;
  countdown: number;
  /** held to the replay clock: how, and how far off (s, to the hundredth); null when not */
  syncMode: NonNullable<PlayerStats['sync']>['mode'] | null;
  drift: number | null;
  outside: boolean;
}

/**
 * A live tile's latency wanders by a tenth of a second from one report to the next. Shown anew each
 * time, sixteen tiles re-rendered and re-laid out their text thirty times a second; a change of
 * under LATENCY_STEP_S within the same badge is not worth a reader's eye.
 */
const LATENCY_STEP_S = 0.3;
const sameLatency = (a: number | null, b: number | null) => a === b || (a !== null && b !== null && Math.abs(a - b) < LATENCY_STEP_S && latencyBadge(a) === latencyBadge(b));
const sameView = (a: View, b: View) => a.state === b.state && sameLatency(a.latency, b.latency) && a.countdown === b.countdown && a.syncMode === b.syncMode && a.drift === b.drift && a.outside === b.outside;

function toView(s: PlayerStats | null): View {
  if (!s) return { state: 'none', latency: null, countdown: 0, syncMode: null, drift: null, outside: false };
  const drift = s.sync?.driftSec ?? null;
  return {
    state: s.state,
    latency: s.latencySec === null ? null : Math.round(s.latencySec * 10) / 10,
    countdown: countdownSec(s.retryAt, Date.now()),
    syncMode: s.sync?.mode ?? null,
    drift: drift === null ? null : Math.round(drift * 100) / 100,
    outside: s.sync?.outside != null,
  };
}

/** What a tile's player follows: the replay clock (and the recording window's start), or nothing on a live wall. */
interface Follow {
  clock: ReturnType<typeof replayVideoClock>;
  origin: number | null;
}

function Icon({ name }: { name: 'pin' | 'unpin' | 'record' | 'live' | 'enlarge' | 'restore' | 'close' }) {
  const paths: Record<typeof name, string> = {
    pin: 'M9 2h6l-1 6 4 4v2h-5v7l-1 1-1-1v-7H6v-2l4-4z',
    unpin: 'M9 2h6l-1 6 4 4v2h-5v7l-1 1-1-1v-7H6v-2l4-4zM3 3l18 18',
    record: 'M3 6h13v12H3zM16 10l5-3v10l-5-3',
    live: 'M12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM5 5a10 10 0 0 0 0 14M19 5a10 10 0 0 1 0 14',
    enlarge: 'M4 10V4h6M20 10V4h-6M4 14v6h6M20 14v6h-6',
    restore: 'M10 4v6H4M14 4v6h6M10 20v-6H4M14 20v-6h6',
    close: 'M5 5l14 14M19 5L5 19',
  };
  return (
    <svg viewBox="0 0 24 24" className="video-icon" aria-hidden="true">
      <path d={paths[name]} />
    </svg>
  );
}

export interface VideoTileProps {
  tile: VideoTile;
  number: number | undefined;
  enlarged: boolean;
  recording: boolean;
  register: (cameraId: string, el: HTMLElement | null) => void;
  /** play in a frame from this origin (a process of its own), or in the page (null) */
  frameOrigin: string | null;
  /** warm frames to take one from (frame-pool.ts) */
  framePool?: FramePool | null;
  /** told whether frames load at all (frame-health.ts) */
  frameHealth?: FrameHealth | null;
  /** which origin a new frame loads from (frame-generations.ts) */
  frameGenerations?: FrameGenerations | null;
}

/** One player for the tile's life, in a frame of its own or in the page; the source may change (live ↔ recording) without a new one. */
function useTilePlayer(
  cameraId: string,
  src: string | null,
  live: boolean,
  replayWin: RecordingWindow | null,
  { frameOrigin, framePool, frameHealth, frameGenerations }: Pick<VideoTileProps, 'frameOrigin' | 'framePool' | 'frameHealth' | 'frameGenerations'>,
) {
  const { players } = useRuntime();
  const hostRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<TilePlayerLike | null>(null);
  const [view, setView] = useState<View>(() => toView(null));
  const srcRef = useRef({ src, live });
  srcRef.current = { src, live };
  const hasSource = src !== null;
  /** the replay clock to follow, kept for a player made later (a frame origin that changed) */
  const followRef = useRef<Follow>({ clock: null, origin: null });
  // (before the player is made, so that a first player already knows the clock)
  useFollowReplay(replayWin !== null && hasSource, replayWin, playerRef, followRef);

  // one player for the tile's life; the source may change (live ↔ recording)
  useEffect(() => {
    const host = hostRef.current;
    const first = srcRef.current;
    if (!host || !first.src) return;
    const update = (s: PlayerStats) => {
      const next = toView(s);
      setView((prev) => (sameView(prev, next) ? prev : next));
    };
    const opts = { src: first.src, live: first.live, onChange: update };
    const player: TilePlayerLike = frameOrigin ? new RemoteTilePlayer(host, { ...opts, frameOrigin, pool: framePool, health: frameHealth, generations: frameGenerations }) : new TilePlayer(host, opts);
    playerRef.current = player;
    players.set(cameraId, player);
    // before it starts: a replay's recording must not begin to play on its own
    if (followRef.current.clock) player.follow(followRef.current.clock, followRef.current.origin);
    player.start();
    const tick = setInterval(() => update(player.stats()), 500);
    return () => {
      clearInterval(tick);
      player.destroy();
      if (players.get(cameraId) === player) players.delete(cameraId);
      playerRef.current = null;
    };
    // (the source itself is followed by the effect below, without a new player; the pool and
    // frame health come and go with the frame origin)
  }, [cameraId, hasSource, frameOrigin, framePool, frameHealth, frameGenerations, players]);

  useEffect(() => {
    if (src) playerRef.current?.setSource(src, live);
  }, [src, live]);

  return { hostRef, playerRef, view };
}

/**
 * In a replay, keeps the tile's player on the replay clock: the store's `player` state, each time a
 * new one arrives (ten a second while playing), with the moment it arrived. Straight to the
 * player, not through React: the tile does not re-render for it.
 */
function useFollowReplay(replaying: boolean, win: RecordingWindow | null, playerRef: RefObject<TilePlayerLike | null>, followRef: RefObject<Follow>) {
  const { store } = useRuntime();
  const origin = win?.start ?? null;
  useEffect(() => {
    if (!replaying) {
      followRef.current = { clock: null, origin: null };
      playerRef.current?.follow(null, null);
      return;
    }
    let heard: WallState['player'] | null = null;
    let wish: WallState['replay'] = null;
    const hear = (s: WallState) => {
      if (s.player === heard && s.replay === wish) return;
      heard = s.player;
      wish = s.replay;
      followRef.current = { clock: replayVideoClock(s.player, s.replay, s.player.mode === 'replay' ? s.playerHeardAt : Date.now()), origin };
      playerRef.current?.follow(followRef.current.clock, origin);
    };
    hear(store.getState());
    return store.subscribe(hear);
  }, [replaying, origin, store, playerRef, followRef]);
}

/** The tile's number, camera, and how live it is (or the alarm time the recording starts at). */
function TileHead({ number, cameraName, live, latency, win, stepping }: { number: number | undefined; cameraName: string; live: boolean; latency: number | null; win: RecordingWindow; stepping: boolean }) {
  const { t, i18n } = useTranslation();
  const timeZone = useTimeZone();
  const badge = latencyBadge(latency);
  return (
    <div className="video-tile-head">
      {number !== undefined && (
        <span className="video-num" data-testid="video-tile-number">
          <CameraGlyph />
          {number}
        </span>
      )}
      <span className="video-cam">{cameraName}</span>
      {live ? (
        <span className={`video-latency ${badge}`} data-testid="video-latency" data-badge={badge} title={badge === 'unknown' ? undefined : `${t(`video.${badge}`)} ${t('video.seconds', { seconds: latency?.toFixed(1) })}`}>
          {badge === 'unknown' ? (
            t('video.connecting')
          ) : (
            <>
              {/* a narrow tile drops the word (the colour says it) and keeps the seconds: its camera name needs the room */}
              <span className="video-latency-word">{t(`video.${badge}`)} </span>
              {t('video.seconds', { seconds: latency?.toFixed(1) })}
            </>
          )}
        </span>
      ) : (
        <span className="video-latency recording" data-testid="video-latency" data-badge="recording">
          {t('video.recordingAt', { time: formatClock(win.start, i18n.language, timeZone) })}
          {stepping && <span title={t('video.steppingHint')}>{` · ${t('video.stepping')}`}</span>}
        </span>
      )}
    </div>
  );
}

/** Where the player puts its picture, under what the tile has to say about it (no stream, lost signal…). */
function TileBody({ hostRef, noStream, noRecording, view, onRetryNow }: { hostRef: RefObject<HTMLDivElement | null>; noStream: boolean; noRecording: boolean; view: View; onRetryNow: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="video-body" ref={hostRef}>
      {noRecording ? (
        <div className="video-overlay" data-testid="video-no-recording" role="status">
          {t('video.noRecordingNow')}
        </div>
      ) : (
        noStream && <div className="video-overlay">{t('video.noStream')}</div>
      )}
      {view.state === 'unsupported' && <div className="video-overlay">{t('video.unsupported')}</div>}
      {view.state === 'ended' && <div className="video-overlay soft">{t('video.ended')}</div>}
      {view.state === 'retrying' && (
        <div className="video-overlay lost" data-testid="signal-lost" role="status">
          <div className="video-lost-title">{t('video.signalLost')}</div>
          <div className="video-lost-retry" data-testid="retry-countdown" data-seconds={view.countdown}>
            {view.countdown > 0 ? t('video.retryIn', { seconds: view.countdown }) : t('video.retrying')}
          </div>
          <button type="button" className="video-retry-now" onClick={onRetryNow}>
            {t('video.retryNow')}
          </button>
        </div>
      )}
    </div>
  );
}

/** The operator's actions: pin, recording at the alarm time, enlarge, close. */
function TileActions({ tile, enlarged, live, hasRecording }: { tile: VideoTile; enlarged: boolean; live: boolean; hasRecording: boolean }) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const togglePin = (cameraId: string) => dispatch({ type: 'video.togglePin', cameraId });
  const close = (cameraId: string) => dispatch({ type: 'video.close', cameraId });
  const enlarge = (cameraId: string | null) => dispatch({ type: 'video.enlarge', cameraId });
  const toggleRecording = (cameraId: string) => dispatch({ type: 'video.toggleRecording', cameraId });
  const recordingLabel = !hasRecording ? t('video.noRecording') : live ? t('video.openRecording') : t('video.backToLive');
  return (
    <span className="video-actions">
      <button
        type="button"
        data-testid="video-pin"
        aria-pressed={tile.pinned}
        aria-label={tile.pinned ? t('video.unpin') : t('video.pin')}
        title={tile.pinned ? t('video.unpin') : t('video.pin')}
        onClick={() => togglePin(tile.cameraId)}
      >
        <Icon name={tile.pinned ? 'unpin' : 'pin'} />
      </button>
      <button type="button" data-testid="video-recording" disabled={!hasRecording} aria-pressed={!live} aria-label={recordingLabel} title={recordingLabel} onClick={() => toggleRecording(tile.cameraId)}>
        <Icon name={live ? 'record' : 'live'} />
      </button>
      <button
        type="button"
        data-testid="video-enlarge"
        aria-label={enlarged ? t('video.restore') : t('video.enlarge')}
        title={enlarged ? t('video.restore') : t('video.enlarge')}
        onClick={() => enlarge(enlarged ? null : tile.cameraId)}
      >
        <Icon name={enlarged ? 'restore' : 'enlarge'} />
      </button>
      <button type="button" data-testid="video-close" aria-label={t('video.close')} title={t('video.close')} onClick={() => close(tile.cameraId)}>
        <Icon name="close" />
      </button>
    </span>
  );
}

export const VideoTileView = memo(function VideoTileView({ tile, number, enlarged, recording, register, frameOrigin, framePool, frameHealth, frameGenerations }: VideoTileProps) {
  const { t } = useTranslation();
  const camera = useWall((s) => s.cameras.get(tile.cameraId));
  const incident = useWall((s) => s.incidents.get(tile.incidentId));

  // the recording around when the alarm started, not its latest update
  const alarmTs = incident?.startedAt ?? tile.openedAt;
  const recUrl = recordingUrl(camera?.recording, alarmTs);
  // A replay never shows live pictures beside a past alarm: the camera's recording at the replay
  // clock's instant, in 5-minute windows from the alarm's own (the tile re-renders only when the
  // clock changes window, and the player follows the clock itself), or "no recording for this
  // time" where the camera keeps none.
  const replaying = useWall((s) => inReplay(s));
  const winStart = useWall((s) => {
    const at = replayClock(s);
    return at === null ? null : replayRecordingWindow(alarmTs, at).start;
  });
  const replayWin = replaying && winStart !== null ? { start: winStart, end: winStart + REPLAY_WINDOW_MS } : null;
  const live = !replaying && !(recording && recUrl);
  const src = live ? (camera?.hls ?? null) : replaying ? (replayWin ? recordingWindowUrl(camera?.recording, replayWin) : null) : recUrl;
  const { hostRef, playerRef, view } = useTilePlayer(tile.cameraId, src, live, replayWin, { frameOrigin, framePool, frameHealth, frameGenerations });
  const noRecording = replaying && (!src || view.outside);

  const color = incident ? PRIORITY_CSS[incident.priority] : 'rgb(140,150,160)';
  const lost = view.state === 'retrying';
  // the incident's id is for machines: on the tile, its kind and title; the id only in the tooltip
  const title = incident ? `${t(`kinds.${incident.kind}`)} · ${incident.title} (${tile.incidentId})` : t('video.reason.manual');

  return (
    <div
      ref={(el) => register(tile.cameraId, el)}
      className={`video-tile${enlarged ? ' enlarged' : ''}${tile.pinned ? ' pinned' : ''}${lost ? ' lost' : ''}`}
      style={{ ['--alarm' as string]: color }}
      data-testid="video-tile"
      data-camera-id={tile.cameraId}
      data-incident-id={tile.incidentId}
      data-state={view.state}
      data-pinned={tile.pinned ? 'true' : 'false'}
      data-mode={live ? 'live' : 'recording'}
      data-sync-mode={view.syncMode ?? undefined}
      data-drift={view.drift ?? undefined}
      title={`${camera?.name ?? tile.cameraId} — ${t(`video.reason.${tile.reason}`)} · ${t('video.distance', { distance: tile.distanceM })}`}
    >
      <TileHead number={number} cameraName={camera?.name ?? tile.cameraId} live={live} latency={view.latency} win={replayWin ?? recordingWindow(alarmTs)} stepping={view.syncMode === 'stepping'} />
      <TileBody hostRef={hostRef} noStream={!src} noRecording={noRecording} view={view} onRetryNow={() => playerRef.current?.retryNow()} />
      <div className="video-tile-foot">
        <span className="video-alarm" title={title}>
          {incident && <span className="video-alarm-id">{`${t(`priorityShort.${incident.priority}`)} ${t(`kinds.${incident.kind}`)}`}</span>} {incident?.title ?? t('video.reason.manual')}
        </span>
        <TileActions tile={tile} enlarged={enlarged} live={live} hasRecording={!!recUrl} />
      </div>
    </div>
  );
});

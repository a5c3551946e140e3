// The video grid (a page's `video` role, docs/wall.md "Displays"): N × M tiles filling their area,
// fed by the same policy and planner as the tiles beside the map's alarms, the most urgent and
// newest alarms first, each tile the same VideoTileView (and player) as on the map. Over each
// picture, the alarm it is for: priority, kind, title, place and age, a P1 marked from afar.
//
// The tiles stay in the document in the order they opened (their slot) and are placed in the grid
// by CSS `order`: a new P1 moves the others along without moving their elements, since moving an
// element that holds a frame reloads the frame, and its player with it.
import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../core/domain';
import type { GridShape } from '../../../core/display';
import type { VideoTile } from '../../../core/video/policy';
import { formatAge } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { alarmsWithoutTiles, autoGridShape, gridPolicy, MAX_GRID_CELLS } from '../model/display';
import { gridPath } from '../ui/IncidentBoard';
import { useDispatch, useRuntime, useWall, useWallNow } from '../ui/context';
import { CameraGlyph } from './CameraGlyph';
import { videoConfigFromSearch } from './config';
import { useVideoPlanner } from './useVideoPlanner';
import { useFrames } from './useFrames';
import { VideoTileView } from './VideoTile';
import './video.css';

/** The grid area's size, followed as it changes (the shape depends on its aspect). */
function useSize(ref: RefObject<HTMLElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const r = el.getBoundingClientRect();
      setSize((s) => (Math.round(r.width) === s.w && Math.round(r.height) === s.h ? s : { w: Math.round(r.width), h: Math.round(r.height) }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** What the picture is for: priority (a P1 stands out), kind, title, place and how long ago it started. */
function Caption({ incident, now }: { incident: Incident | undefined; now: number }) {
  const { t, i18n } = useTranslation();
  if (!incident) return <div className="video-cell-caption manual">{t('video.reason.manual')}</div>;
  const path = gridPath(incident);
  return (
    <div className="video-cell-caption" data-testid="video-cell-caption">
      <span className="video-cell-prio" title={t(`priority.${incident.priority}`)}>
        {t(`priorityShort.${incident.priority}`)}
      </span>
      <span className="video-cell-kind">{t(`kinds.${incident.kind}`)}</span>
      <span className="video-cell-title" title={`${incident.title} (${incident.id})`}>
        {incident.title}
        {path && <span className="video-cell-path"> · {path}</span>}
      </span>
      <span className="video-cell-age" data-testid="video-cell-age">
        {formatAge(now - incident.startedAt, i18n.language)}
      </span>
    </div>
  );
}

/** Shown instead of tiles: no alarm with video (or no way to know), or video off. */
function GridEmpty({ off }: { off: boolean }) {
  const { t } = useTranslation();
  const live = useWall((s) => s.liveness.live);
  return (
    <div className={`video-grid-empty${live ? '' : ' not-live'}`} data-testid="video-grid-empty" role="status">
      <CameraGlyph />
      <span>{t(off ? 'displays.off' : live ? 'displays.empty' : 'displays.emptyNotLive')}</span>
    </div>
  );
}

/** The line above the grid: how many pictures, and how many alarms with video did not fit. */
function GridHead({ count, more, shape }: { count: number; more: number; shape: GridShape }) {
  const { t } = useTranslation();
  return (
    <div className="video-grid-head">
      <h2>{t('displays.gridTitle')}</h2>
      <span className="video-grid-count" data-testid="video-grid-count">
        {t('displays.gridCount', { count })} · {shape.cols}×{shape.rows}
      </span>
      {more > 0 && (
        <span className="video-grid-more" data-testid="video-grid-more" data-count={more} title={t('displays.moreTitle')}>
          {t('displays.more', { count: more })}
        </span>
      )}
    </div>
  );
}

const noRegister = () => {};

export function VideoGrid({ shape: fixed }: { shape?: GridShape }) {
  const runtime = useRuntime();
  const dispatch = useDispatch();
  const cells = fixed ? fixed.cols * fixed.rows : MAX_GRID_CELLS;
  // the page's video options (?videoPerAlarm=, ?videoFrame=…), never more tiles than the grid holds
  const config = useMemo(() => {
    const c = videoConfigFromSearch(window.location.search, window.location);
    return { ...c, policy: gridPolicy(c.policy, cells), framePool: Math.min(c.framePool, cells) };
  }, [cells]);
  const { frameOrigin, frameHealth, framePool, frameGenerations, framesRef } = useFrames(config);
  useVideoPlanner(config, runtime, framesRef);
  const tiles = useWall((s) => s.video.tiles);
  const numbers = useWall((s) => s.video.numbers);
  const enlarged = useWall((s) => s.video.enlarged);
  const recording = useWall((s) => s.video.recording);
  const incidents = useWall((s) => s.incidents);
  const cameras = useWall((s) => s.cameras);
  const kiosks = useWall((s) => s.kiosks);
  const now = useWallNow(1000);
  const more = useMemo(() => alarmsWithoutTiles(incidents.values(), tiles, cameras, kiosks, config.policy), [incidents, tiles, cameras, kiosks, config.policy]);
  useEffect(() => {
    if (!enlarged) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') dispatch({ type: 'video.enlarge', cameraId: null });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enlarged, dispatch]);
  const areaRef = useRef<HTMLDivElement>(null);
  const size = useSize(areaRef);
  const shape = fixed ?? autoGridShape(tiles.length, size.w, size.h);
  // the plan's order is the grid's (policy.ts: most urgent, then newest); the document's is the slots'
  const rank = new Map(tiles.map((t, i) => [t.cameraId, i]));
  const bySlot: VideoTile[] = [...tiles].sort((a, b) => a.slot - b.slot);
  return (
    <section className="video-grid" data-testid="video-grid" data-tiles={tiles.length} data-cols={shape.cols} data-rows={shape.rows}>
      <GridHead count={tiles.length} more={more} shape={shape} />
      <div
        ref={areaRef}
        className={`video-grid-area${enlarged ? ' has-enlarged' : ''}`}
        style={{ gridTemplateColumns: `repeat(${shape.cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${shape.rows}, minmax(0, 1fr))` }}
      >
        {tiles.length === 0 && <GridEmpty off={!config.enabled} />}
        {bySlot.map((tile) => {
          const incident = incidents.get(tile.incidentId);
          const p1 = incident?.priority === 1;
          return (
            <div
              key={tile.cameraId}
              className={`video-cell${p1 ? ' p1' : ''}${tile.cameraId === enlarged ? ' enlarged' : ''}`}
              style={{ order: rank.get(tile.cameraId), ['--alarm' as string]: incident ? PRIORITY_CSS[incident.priority] : 'rgb(140,150,160)' }}
              data-testid="video-cell"
              data-camera-id={tile.cameraId}
              data-incident-id={tile.incidentId}
              data-rank={rank.get(tile.cameraId)}
              data-priority={incident?.priority}
            >
              <Caption incident={incident} now={now} />
              <VideoTileView
                tile={tile}
                number={numbers.get(tile.incidentId)}
                enlarged={tile.cameraId === enlarged}
                recording={recording.has(tile.cameraId)}
                register={noRegister}
                frameOrigin={frameOrigin}
                framePool={framePool}
                frameHealth={frameHealth}
          frameGenerations={frameGenerations}
              />
            </div>
          );
        })}
      </div>
    </section>
  );
}

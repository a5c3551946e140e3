// The video overlay on the map: tiles next to their alarms with leader lines, a strip along the
// bottom for the ones that do not fit, a number badge beside each alarm's marker (the same number
// as on the tile and the board row), and the enlarged tile. React renders what is there; where it
// is follows the map imperatively (maplibre `move`/`resize` → layoutTiles → transforms), so a pan
// never re-renders a component.
import { CameraGlyph } from './CameraGlyph';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITY_CSS } from '../model/colors';
import { useDispatch, useRuntime, useWall } from '../ui/context';
import { videoConfigFromSearch } from './config';
import { useVideoPlanner } from './useVideoPlanner';
import { useFrames } from './useFrames';
import { useWallLayout } from './useWallLayout';
import { VideoTileView } from './VideoTile';
import './video.css';

/** Esc restores the enlarged tile (the listener lives only while one is enlarged) */
function useEscapeRestores(enlarged: string | null, enlarge: (cameraId: string | null) => void): void {
  useEffect(() => {
    if (!enlarged) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') enlarge(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enlarged, enlarge]);
}

/** The tiles' elements by camera id, and the ref callback that keeps them (the layout engine moves them). */
function useTileElements(): { tileEls: Map<string, HTMLElement>; register: (cameraId: string, el: HTMLElement | null) => void } {
  const tileEls = useRef(new Map<string, HTMLElement>()).current;
  const register = useMemo(
    () => (cameraId: string, el: HTMLElement | null) => {
      if (el) tileEls.set(cameraId, el);
      else tileEls.delete(cameraId);
    },
    [tileEls],
  );
  return { tileEls, register };
}

/** An alarm's priority colour (grey once the alarm is gone). */
function useAlarmColor(): (incidentId: string) => string {
  const incidents = useWall((s) => s.incidents);
  return (id: string) => {
    const inc = incidents.get(id);
    return inc ? PRIORITY_CSS[inc.priority] : 'rgb(140,150,160)';
  };
}

export function VideoWall() {
  const { t } = useTranslation();
  const config = useMemo(() => videoConfigFromSearch(window.location.search, window.location), []);
  const runtime = useRuntime();
  const tiles = useWall((s) => s.video.tiles);
  const numbers = useWall((s) => s.video.numbers);
  const enlarged = useWall((s) => s.video.enlarged);
  const recording = useWall((s) => s.video.recording);
  const dispatch = useDispatch();
  const enlarge = useMemo(() => (cameraId: string | null) => dispatch({ type: 'video.enlarge', cameraId }), [dispatch]);
  const rootRef = useRef<HTMLDivElement>(null);
  const { tileEls, register } = useTileElements();
  const { frameOrigin, frameHealth, framePool, frameGenerations, framesRef } = useFrames(config);
  useVideoPlanner(config, runtime, framesRef);
  useEscapeRestores(enlarged, enlarge);
  // the layout engine: follows the map without React
  const relayoutRef = useWallLayout(rootRef, tileEls, config, runtime);
  // after React put tiles in or took them out: place them before the browser paints
  useLayoutEffect(() => {
    relayoutRef.current();
  }, [relayoutRef, tiles, enlarged, numbers, recording]);
  const alarmColor = useAlarmColor();
  if (!config.enabled) return null;
  return (
    <div ref={rootRef} className={`video-wall${enlarged ? ' has-enlarged' : ''}`} data-testid="video-wall" data-tiles={tiles.length}>
      <svg className="video-leaders" aria-hidden="true">
        {tiles.map((tile) => (
          <line key={tile.cameraId} data-camera-id={tile.cameraId} stroke={alarmColor(tile.incidentId)} style={{ display: 'none' }} />
        ))}
      </svg>
      {[...numbers].map(([incidentId, n]) => (
        <div
          key={incidentId}
          className="video-alarm-badge"
          data-testid="video-alarm-badge"
          data-incident-id={incidentId}
          style={{ ['--alarm' as string]: alarmColor(incidentId), visibility: 'hidden' }}
          title={t('video.alarmNumber', { n })}
        >
          <CameraGlyph />
          {n}
        </div>
      ))}
      {enlarged && <div className="video-backdrop" data-testid="video-backdrop" onClick={() => enlarge(null)} />}
      {tiles.map((tile) => (
        <VideoTileView
          key={tile.cameraId}
          tile={tile}
          number={numbers.get(tile.incidentId)}
          enlarged={tile.cameraId === enlarged}
          recording={recording.has(tile.cameraId)}
          register={register}
          frameOrigin={frameOrigin}
          framePool={framePool}
          frameHealth={frameHealth}
          frameGenerations={frameGenerations}
        />
      ))}
    </div>
  );
}

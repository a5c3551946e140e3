// Arrows on the map's edge for urgent alarms outside the view (unacknowledged P1/P2), with their
// distance; a click flies there. Follows the map on every move, outside React's render cycle for
// the geometry (edge-cues.ts), re-rendering only when the cues change.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../core/domain';
import { formatNumber } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { useDispatch, useRuntime } from '../ui/context';
import { type EdgeCue, edgeCues } from './edge-cues';
import { keptApart } from './layers/incidents';
import { useFollowMap } from './useFollowMap';

const urgentOffscreenCandidates = (incidents: Map<string, Incident>): Incident[] => [...incidents.values()].filter((i) => i.status === 'open' && keptApart(i));

function cuesFor(map: MaplibreMap, incidents: Map<string, Incident>): EdgeCue<Incident>[] {
  const canvas = map.getCanvas();
  const c = map.getCenter();
  return edgeCues(urgentOffscreenCandidates(incidents), {
    width: canvas.clientWidth,
    height: canvas.clientHeight,
    center: { lon: c.lng, lat: c.lat },
    project: (lon, lat) => {
      const p = map.project([lon, lat]);
      return [p.x, p.y];
    },
  });
}

const sameCues = (a: EdgeCue[], b: EdgeCue[]) =>
  a.length === b.length && a.every((c, i) => c.target.id === b[i].target.id && Math.round(c.x) === Math.round(b[i].x) && Math.round(c.y) === Math.round(b[i].y) && Math.round(c.distanceM / 100) === Math.round(b[i].distanceM / 100));

export function EdgeCues() {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  const dispatch = useDispatch();
  const [cues, setCues] = useState<EdgeCue<Incident>[]>([]);
  useFollowMap(runtime, (map) => {
    const next = map ? cuesFor(map, runtime.store.getState().incidents) : [];
    setCues((prev) => (sameCues(prev, next) ? prev : next));
  });
  const lang = i18n.language;
  return (
    // a full-size layer over the map: not a panel for the video tiles to keep clear of
    <div className="edge-cues" data-testid="edge-cues" data-video-ignore="">
      {cues.map((c) => {
        const km = c.distanceM / 1000;
        const distance = km >= 10 ? formatNumber(km, lang, 0) : formatNumber(km, lang, 1);
        return (
          <button
            type="button"
            key={c.target.id}
            className="edge-cue"
            data-testid="edge-cue"
            data-incident-id={c.target.id}
            data-distance-m={Math.round(c.distanceM)}
            title={`${t(`priority.${c.target.priority}`)} · ${t(`kinds.${c.target.kind}`)} · ${c.target.title}`}
            style={{ left: c.x, top: c.y, ['--prio' as string]: PRIORITY_CSS[c.target.priority] }}
            onClick={() => dispatch({ type: 'flyToIncident', id: c.target.id })}
          >
            <span className="edge-arrow" style={{ transform: `rotate(${c.angle}deg)` }} aria-hidden="true" />
            <span className="edge-label">
              {t(`priorityShort.${c.target.priority}`)} {t('edge.km', { distance })}
            </span>
          </button>
        );
      })}
    </div>
  );
}

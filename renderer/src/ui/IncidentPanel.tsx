// The selected incident, whole: what happened, who reported it, its photos, its timeline and the
// cameras around it (any of which the operator may open by hand). Top-right over the map, where
// the grid panel would be (one at a time); Esc or the button closes it.
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident, MediaRef, TimelineEntry } from '../../../core/domain';
import { camerasNear, DEFAULT_VIDEO_POLICY } from '../../../core/video/policy';
import { formatAge, formatClock, formatDuration } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { gridPath } from './IncidentBoard';
import { incidentReplayPeriod, inReplay, replayHref } from '../model/replay';
import { CaseExportButton } from './CaseExport';
import { useDispatch, useRuntime, useTimeZone, useWall, useWallNow } from './context';
import { Clue } from './Clue';
import { IncidentActions } from './IncidentActions';
import { NearbyUnits, useNearbyUnits } from './NearbyUnits';
import { Responders } from './Responders';
import { useUrgentUnder } from './useUrgentUnder';

/** cameras listed: nearest first, within this distance of the alarm */
export const PANEL_CAMERA_RADIUS_M = 600;
export const PANEL_CAMERA_LIMIT = 8;

const isImage = (m: MediaRef) => m.type.startsWith('image/');
/** Media URLs come from the feeds: only web addresses and the wall's own paths are shown or linked (never `javascript:`, `data:`…). */
export const isSafeMediaUrl = (url: string): boolean => /^(https?:\/\/|\/(?!\/))/i.test(url);

function Facts({ incident, now }: { incident: Incident; now: number }) {
  const { t, i18n } = useTranslation();
  const tz = useTimeZone();
  const lang = i18n.language;
  const path = gridPath(incident);
  return (
    <dl className="incident-facts">
      <div>
        <dt>{t('detail.started')}</dt>
        <dd data-testid="detail-started">
          {formatClock(incident.startedAt, lang, tz)} · {formatAge(now - incident.startedAt, lang)}
        </dd>
      </div>
      <div>
        <dt>{t('detail.where')}</dt>
        <dd>
          {path ?? t('board.noGrid')}
          {incident.positionAt !== undefined && <span className="last-known"> · {t('board.lastKnown', { age: formatDuration(incident.ts - incident.positionAt, lang) })}</span>}
        </dd>
      </div>
      <div>
        <dt>{t('detail.source')}</dt>
        <dd>{t(`feeds.sources.${incident.source}`, { defaultValue: incident.source })}</dd>
      </div>
      {incident.reporter && (
        <div>
          <dt>{t('detail.reporter')}</dt>
          <dd data-testid="detail-reporter">{incident.reporter}</dd>
        </div>
      )}
    </dl>
  );
}

/** Photos as thumbnails (a click shows one large); other media as links. */
function Media({ media: all }: { media: readonly MediaRef[] }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<string | null>(null);
  const media = all.filter((m) => isSafeMediaUrl(m.url));
  if (media.length === 0) return null;
  return (
    <section className="incident-media" data-testid="detail-media">
      <h3>{t('detail.media', { count: media.length })}</h3>
      <div className="thumbs">
        {media.map((m) =>
          isImage(m) ? (
            <button key={m.url} type="button" className="thumb" data-testid="detail-photo" onClick={() => setShown(m.url)} title={t('detail.enlargePhoto')}>
              <img src={m.url} alt={t('detail.photo')} loading="lazy" referrerPolicy="no-referrer" />
            </button>
          ) : (
            <a key={m.url} className="media-link" href={m.url} target="_blank" rel="noreferrer noopener">
              {t('detail.mediaFile', { type: m.type || '?' })}
            </a>
          ),
        )}
      </div>
      {shown && (
        <button type="button" className="photo-large" data-testid="detail-photo-large" onClick={() => setShown(null)} title={t('detail.closePhoto')}>
          <img src={shown} alt={t('detail.photo')} referrerPolicy="no-referrer" />
        </button>
      )}
    </section>
  );
}

function timelineText(e: TimelineEntry, t: (k: string, o?: Record<string, unknown>) => string): string {
  const what =
    e.kind === 'updated'
      ? t('detail.tl.updated', { what: (e.changed ?? []).map((c) => t(`detail.changed.${c}`)).join('、') })
      : e.kind === 'reply'
        ? t('detail.tl.reply', { unit: e.unit ?? '', answer: t(`answers.${e.answer}`) })
        : e.kind === 'dispatched' && e.asked
          ? t('detail.tl.dispatchedAsked', { asked: e.asked })
          : t(`detail.tl.${e.kind}`, { other: e.other ?? '' });
  const prio = e.priority !== undefined && e.kind !== 'reported' ? ` → ${t(`priorityShort.${e.priority}`)}` : '';
  return `${what}${prio}${e.note ? `：${e.note}` : ''}${e.by ? ` · ${e.by}` : ''}`;
}

function Timeline({ incident }: { incident: Incident }) {
  const { t, i18n } = useTranslation();
  const tz = useTimeZone();
  const entries = incident.timeline.slice().reverse();
  return (
    <section className="incident-timeline">
      <h3>{t('detail.timeline', { updates: incident.updates })}</h3>
      <ol data-testid="detail-timeline">
        {entries.map((e, i) => (
          <li key={`${e.at}-${e.kind}-${i}`} data-kind={e.kind}>
            <time>{formatClock(e.at, i18n.language, tz)}</time> {timelineText(e, t)}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The cameras around the alarm: on the wall for it (with its number), for another alarm, or one click away. */
function Cameras({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const cameras = useWall((s) => s.cameras);
  const tiles = useWall((s) => s.video.tiles);
  const number = useWall((s) => s.video.numbers.get(incident.id));
  const dispatch = useDispatch();
  const near = useMemo(() => camerasNear(incident.lon, incident.lat, cameras, Math.max(PANEL_CAMERA_RADIUS_M, DEFAULT_VIDEO_POLICY.radiusM), PANEL_CAMERA_LIMIT), [incident.lon, incident.lat, cameras]);
  if (near.length === 0) return <div className="panel-empty">{t('detail.noCameras')}</div>;
  return (
    <section className="incident-cameras">
      <h3>{t('detail.cameras')}</h3>
      <ul>
        {near.map(({ camera, distanceM, facing }) => {
          const tile = tiles.find((x) => x.cameraId === camera.id);
          const here = tile?.incidentId === incident.id;
          return (
            <li key={camera.id} data-testid="detail-camera" data-camera-id={camera.id} data-on-wall={here ? 'true' : tile ? 'other' : 'false'} className={camera.online === false ? 'offline' : ''}>
              <span className="cam-name">{camera.name}</span>
              <span className="cam-meta">
                {t('detail.metres', { distance: distanceM })}
                {!facing && ` · ${t('detail.notFacing')}`}
                {camera.online === false && ` · ${t('detail.cameraOffline')}`}
              </span>
              {here ? (
                <span className="cam-state">{number !== undefined ? t('detail.onWallNumbered', { number }) : t('detail.onWall')}</span>
              ) : (
                <button
                  type="button"
                  className="btn"
                  data-testid="open-camera"
                  disabled={!camera.hls || camera.online === false}
                  onClick={() => dispatch({ type: 'video.open', cameraId: camera.id, incidentId: incident.id })}
                >
                  {tile ? t('detail.moveHere') : t('detail.openCamera')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * 回放: the incident from two minutes before it started to half an hour after (or now), in a new
 * window (the Electron shell's main process decides what a new window is). Live walls that record only.
 */
function ReplayButton({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const shown = useWall((s) => !inReplay(s) && !!s.health?.journal);
  if (!shown) return null;
  const open = () => {
    // the services' clock: the period must not reach past what they have recorded
    const { from, to } = incidentReplayPeriod(incident.startedAt, Date.now() + runtime.store.getState().clockOffsetMs);
    window.open(replayHref(window.location.href, from, to), '_blank', 'noopener');
  };
  return (
    <button type="button" className="btn replay-open" data-testid="detail-replay" title={t('replay.incidentTitle')} onClick={open}>
      {t('replay.incident')}
    </button>
  );
}

export function IncidentPanel() {
  const id = useWall((s) => s.selectedId);
  const incident = useWall((s) => (s.selectedId ? s.incidents.get(s.selectedId) : undefined));
  if (!id || !incident) return null;
  return <Panel incident={incident} />;
}

function Panel({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const now = useWallNow(1000);
  // an urgent alarm under the panel folds it to its head (the body is what is measured)
  const body = useRef<HTMLDivElement>(null);
  const openRect = useRef<DOMRect | null>(null);
  const folded = useUrgentUnder(body, openRect);
  const nearby = useNearbyUnits(incident);
  return (
    <section
      className={`incident-panel${folded ? ' folded' : ''}`}
      data-testid="incident-panel"
      data-incident-id={incident.id}
      data-folded={folded ? 'true' : 'false'}
      style={{ ['--prio' as string]: PRIORITY_CSS[incident.priority] }}
      aria-label={t('detail.title')}
      // Enter on a selected incident brings the keyboard here; Tab goes on to its buttons
      tabIndex={-1}
    >
      <div className="incident-panel-head">
        <span className="prio" title={t(`priority.${incident.priority}`)}>
          {t(`priorityShort.${incident.priority}`)}
        </span>
        <span className="kind">{t(`kinds.${incident.kind}`)}</span>
        {incident.escalatedAt !== undefined && incident.state === 'new' && (
          <span className="escalated-chip" data-testid="detail-escalated">
            {t('board.escalated')}
          </span>
        )}
        <span className={`ack-state${incident.acknowledged ? ' acked' : ''}`} data-testid="detail-state" data-state={incident.state}>
          {t(`incidentState.${incident.state}`)}
          {incident.mergedInto ? ` → ${incident.mergedInto}` : ''}
        </span>
        <ReplayButton incident={incident} />
        <CaseExportButton subject={{ incidentId: incident.id }} testId="detail-case-export" />
        <button type="button" className="btn" data-testid="detail-close" onClick={() => dispatch({ type: 'select', id: null })}>
          {t('gridInfo.close')}
        </button>
      </div>
      <h2 data-testid="detail-title">{incident.title}</h2>
      {folded ? (
        <div className="folded-note">{t('layers.collapsedForUrgent')}</div>
      ) : (
        <div className="incident-panel-body" ref={body}>
          <IncidentActions incident={incident} />
          <Clue key={incident.id} incident={incident} />
          {incident.detail && (
            <p className="incident-detail" data-testid="detail-text">
              {incident.detail}
            </p>
          )}
          <Facts incident={incident} now={now} />
          <Media media={incident.media} />
          <Responders incident={incident} now={now} nearby={nearby} />
          <NearbyUnits incident={incident} list={nearby} />
          <Cameras incident={incident} />
          <Timeline incident={incident} />
        </div>
      )}
    </section>
  );
}

// The incident board: open incidents, new ones on top, most urgent first.
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../core/domain';
import { formatAge, formatDuration, formatNumber } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { boardRows } from '../model/situation';
import { useDispatch, useNow, useRuntime, useWall } from './context';
import { VideoRowBadge } from '../video/RowBadge';
import { incidentAction, type IncidentAction } from './incident-actions';

/** Grid path without the city: district › street › community › grid. */
export function gridPath(inc: Incident): string | null {
  const names = inc.grid?.names;
  if (!names || names.length === 0) return null;
  return (names.length > 1 ? names.slice(1) : names).join(' › ');
}

/** 签收 (while not acknowledged) and 结案; a click acts on this row only, not the row's fly-to. */
function RowActions({ acknowledged, busy, act }: { acknowledged: boolean; busy: boolean; act(method: IncidentAction): void }) {
  const { t } = useTranslation();
  const button = (method: IncidentAction, className: string, testId: string, label: string) => (
    <button
      type="button"
      className={`btn ${className}`}
      data-testid={testId}
      disabled={busy}
      onClick={(e) => {
        e.stopPropagation();
        act(method);
      }}
    >
      {t(label)}
    </button>
  );
  return (
    <div className="row-actions">
      {!acknowledged ? button('incident.ack', 'ack', 'ack-button', 'board.ack') : <span className="acked">{t('board.acked')}</span>}
      {button('incident.close', 'close', 'close-button', 'board.close')}
    </div>
  );
}

const Row = memo(function Row({ incident, isNew, selected, now }: { incident: Incident; isNew: boolean; selected: boolean; now: number }) {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  const dispatch = useDispatch();
  const flyToIncident = (id: string) => dispatch({ type: 'flyToIncident', id });
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const act = async (method: IncidentAction) => {
    setBusy(true);
    await incidentAction(runtime, method, incident.id);
    setBusy(false);
  };
  const path = gridPath(incident);
  return (
    <li
      ref={ref}
      className={`row${isNew ? ' new' : ''}${selected ? ' selected' : ''}`}
      data-testid="incident-row"
      data-incident-id={incident.id}
      data-new={isNew ? 'true' : 'false'}
      style={{ ['--prio' as string]: PRIORITY_CSS[incident.priority] }}
      onClick={() => flyToIncident(incident.id)}
    >
      <div className="row-bar" />
      <div className="row-main">
        <div className="row-top">
          {isNew && (
            <span className="new-badge" data-testid="new-marker">
              {t('board.new')}
            </span>
          )}
          <span className="prio" title={t(`priority.${incident.priority}`)}>
            {t(`priorityShort.${incident.priority}`)}
          </span>
          <VideoRowBadge incidentId={incident.id} />
          <span className="kind" data-testid="incident-kind">
            {t(`kinds.${incident.kind}`)}
          </span>
          <span className="age">{formatAge(now - incident.ts, i18n.language)}</span>
        </div>
        <div className="row-title">{incident.title}</div>
        <div className="row-path">{path ?? t('board.noGrid')}</div>
        {incident.positionAt !== undefined && (
          <div className="row-path row-last-known" data-testid="last-known">
            {t('board.lastKnown', { age: formatDuration(incident.ts - incident.positionAt, i18n.language) })}
          </div>
        )}
      </div>
      <RowActions acknowledged={incident.acknowledged} busy={busy} act={(m) => void act(m)} />
    </li>
  );
});

export function IncidentBoard() {
  const { t, i18n } = useTranslation();
  const incidents = useWall((s) => s.incidents);
  const pageLoadedAt = useWall((s) => s.pageLoadedAt);
  const selectedId = useWall((s) => s.selectedId);
  const lastError = useWall((s) => s.lastError);
  const now = useNow(5000);
  const rows = boardRows(incidents, pageLoadedAt, now);
  return (
    <aside className="board" data-testid="incident-board">
      <div className="board-head">
        <h2>{t('board.title')}</h2>
        <span className="board-count">{t('board.count', { count: rows.length, formatted: formatNumber(rows.length, i18n.language) })}</span>
      </div>
      {lastError && <div className="board-error">{lastError}</div>}
      {rows.length === 0 ? (
        <div className="board-empty">{t('board.empty')}</div>
      ) : (
        <ul className="rows">
          {rows.map((r) => (
            <Row key={r.incident.id} incident={r.incident} isNew={r.isNew} selected={r.incident.id === selectedId} now={now} />
          ))}
        </ul>
      )}
    </aside>
  );
}

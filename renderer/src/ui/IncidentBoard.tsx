// The incident board: open incidents, new ones on top, most urgent first.
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../core/domain';
import { formatAge, formatClock, formatDuration, formatNumber } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { boardRows, newestArrival } from '../model/situation';
import { useCanAct, useDispatch, useRuntime, useTimeZone, useWall, useWallNow } from './context';
import { VideoRowBadge } from '../video/RowBadge';
import { incidentAction, type IncidentAction, requestClose } from './incident-actions';
import { applyHold, CLOSE_UNDO_MS, holdOf } from '../model/board';

/** Grid path without the city: district › street › community › grid. */
export function gridPath(inc: Incident): string | null {
  const names = inc.grid?.names;
  if (!names || names.length === 0) return null;
  return (names.length > 1 ? names.slice(1) : names).join(' › ');
}

/** A close in its undo window: when it goes, and 撤销. */
function Closing({ due, now, undo }: { due: number; now: number; undo(): void }) {
  const { t } = useTranslation();
  return (
    <div className="row-actions closing" data-testid="closing">
      <span className="closing-note">{t('board.closingIn', { seconds: Math.min(Math.ceil(CLOSE_UNDO_MS / 1000), Math.max(0, Math.ceil((due - now) / 1000))) })}</span>
      <button
        type="button"
        className="btn undo"
        data-testid="undo-close"
        onClick={(e) => {
          e.stopPropagation();
          undo();
        }}
      >
        {t('board.undo')}
      </button>
    </div>
  );
}

/** When (and by whom, once the services know) it was acknowledged, in the wall's zone. */
function Acked({ incident }: { incident: Incident }) {
  const { t, i18n } = useTranslation();
  const tz = useTimeZone();
  const at = incident.acknowledgedAt;
  const text = at === undefined ? t('board.acked') : incident.acknowledgedBy ? t('board.ackedAtBy', { time: formatClock(at, i18n.language, tz), by: incident.acknowledgedBy }) : t('board.ackedAt', { time: formatClock(at, i18n.language, tz) });
  return (
    <span className="acked" data-testid="acked" data-at={at}>
      {text}
    </span>
  );
}

/** 签收 (while not acknowledged) and 办结; a click acts on this row only, not the row's fly-to. */
function RowActions({ incident, busy, act }: { incident: Incident; busy: boolean; act(method: IncidentAction): void }) {
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
      {!incident.acknowledged ? button('incident.ack', 'ack', 'ack-button', 'board.ack') : <Acked incident={incident} />}
      {button('incident.close', 'close', 'close-button', 'board.close')}
    </div>
  );
}

interface RowProps {
  incident: Incident;
  isNew: boolean;
  newest: boolean;
  selected: boolean;
  now: number;
  /** when a pending close is sent, if one is */
  closingDue: number | undefined;
  /** before a button acts: hold the board still */
  onAct(): void;
  /** the operator's pointer is not on the board: an urgent newest arrival may scroll into view */
  mayScroll: boolean;
  /** the signed-in operator may act (a viewer's rows have no buttons) */
  canAct: boolean;
}

/** A citizen clue's mark on its row: 线索, coloured by whether it was verified. */
export function ClueMark({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  if (!incident.clue) return null;
  const state = t(`clue.state.${incident.clue.state}`);
  return (
    <span className={`clue-mark ${incident.clue.state}`} data-testid="clue-mark" data-state={incident.clue.state} title={t('clue.markTitle', { state })}>
      {t('clue.mark')}
      {incident.clue.state !== 'pending' && ` · ${state}`}
    </span>
  );
}

const Row = memo(function Row({ incident, isNew, newest, selected, now, closingDue, onAct, mayScroll, canAct }: RowProps) {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  const dispatch = useDispatch();
  const flyToIncident = (id: string) => dispatch({ type: 'flyToIncident', id });
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  // a new P1/P2 out of sight in a scrolled board comes into view, unless the operator is working the board
  const urgentArrival = newest && incident.priority <= 2 && !incident.acknowledged;
  useEffect(() => {
    if (urgentArrival && mayScroll) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [urgentArrival, mayScroll]);
  const act = async (method: IncidentAction) => {
    onAct();
    if (method === 'incident.close') return requestClose(runtime, incident.id);
    setBusy(true);
    await incidentAction(runtime, method, incident.id);
    setBusy(false);
  };
  const path = gridPath(incident);
  // still waiting past its priority's time (the services decide, on their clock)
  const escalated = incident.state === 'new' && incident.escalatedAt !== undefined;
  return (
    <li
      ref={ref}
      className={`row${isNew ? ' new' : ''}${newest ? ' newest' : ''}${selected ? ' selected' : ''}${closingDue !== undefined ? ' closing' : ''}${escalated ? ' escalated' : ''}`}
      data-state={incident.state}
      data-escalated={escalated ? 'true' : undefined}
      data-testid="incident-row"
      data-incident-id={incident.id}
      data-new={isNew ? 'true' : 'false'}
      data-newest={newest ? 'true' : undefined}
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
          <ClueMark incident={incident} />
          {escalated && (
            <span className="escalated-chip" data-testid="escalated">
              {t('board.escalated')}
            </span>
          )}
          {(incident.state === 'dispatched' || incident.state === 'on_scene') && (
            <span className={`state-chip ${incident.state}`} data-testid="state-chip">
              {t(`incidentState.${incident.state}`)}
            </span>
          )}
          {/* from when it started: an update does not make it younger */}
          <span className="age" data-testid="incident-age" data-started-at={incident.startedAt}>
            {formatAge(now - incident.startedAt, i18n.language)}
          </span>
        </div>
        <div className="row-title">{incident.title}</div>
        <div className="row-path">{path ?? t('board.noGrid')}</div>
        {incident.positionAt !== undefined && (
          <div className="row-path row-last-known" data-testid="last-known">
            {t('board.lastKnown', { age: formatDuration(incident.ts - incident.positionAt, i18n.language) })}
          </div>
        )}
      </div>
      {closingDue !== undefined ? (
        <Closing due={closingDue} now={now} undo={() => dispatch({ type: 'closeUndo', id: incident.id })} />
      ) : canAct ? (
        <RowActions incident={incident} busy={busy} act={(m) => void act(m)} />
      ) : (
        // a viewer's row: what was done, never a button
        <div className="row-actions">{incident.acknowledged && <Acked incident={incident} />}</div>
      )}
    </li>
  );
});

export function IncidentBoard() {
  const { t, i18n } = useTranslation();
  const incidents = useWall((s) => s.incidents);
  const lookedAt = useWall((s) => s.lookedAt);
  const selectedId = useWall((s) => s.selectedId);
  const lastError = useWall((s) => s.lastError);
  const live = useWall((s) => s.liveness.live);
  // the wall's clock: the replay clock in a replay (ages, "new", the newest arrival)
  const now = useWallNow(1000);
  const newFreshMs = useWall((s) => s.newFreshMs);
  const closing = useWall((s) => s.closing);
  const hold = useWall((s) => s.boardHold);
  const dispatch = useDispatch();
  const rows = applyHold(boardRows(incidents, lookedAt, now, newFreshMs), hold, now);
  const holdStill = () => dispatch({ type: 'holdBoard', hold: holdOf(rows, Date.now()) });
  const [pointerOn, setPointerOn] = useState(false);
  const newest = newestArrival(incidents.values(), now);
  const canAct = useCanAct();
  return (
    <aside className="board" data-testid="incident-board">
      <div className="board-head">
        <h2>{t('board.title')}</h2>
        <span className="board-count">{t('board.count', { count: rows.length, formatted: formatNumber(rows.length, i18n.language) })}</span>
      </div>
      {lastError && (
        <div className="board-error" role="status" data-testid="status-line">
          {lastError}
        </div>
      )}
      {rows.length === 0 ? (
        // "none open" is only true of a live wall; a cut-off one cannot know
        <div className={`board-empty${live ? '' : ' not-live'}`} data-testid="board-empty">
          {t(live ? 'board.empty' : 'board.emptyNotLive')}
        </div>
      ) : (
        <ul className="rows board-list" onPointerEnter={() => setPointerOn(true)} onPointerLeave={() => setPointerOn(false)}>
          {rows.map((r) => (
            <Row
              key={r.incident.id}
              incident={r.incident}
              isNew={r.isNew}
              newest={r.incident.id === newest}
              selected={r.incident.id === selectedId}
              now={now}
              closingDue={closing[r.incident.id]}
              onAct={holdStill}
              mayScroll={!pointerOn}
              canAct={canAct}
            />
          ))}
        </ul>
      )}
    </aside>
  );
}

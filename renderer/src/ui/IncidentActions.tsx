// What can be done to the selected incident, as its state allows (core/situation/lifecycle.ts):
// 签收, 派警, 到场, 办结 (with its undo), 误报, 合并 into another open incident nearby, 重新打开,
// and a note. Each press is one action with its own id: a retry never acts twice. A viewer's
// panel has none of them.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { distanceMeters } from '../../../core/geo/polygon';
import type { Incident, OperatorActionKind } from '../../../core/domain';
import { useCanAct, useRuntime, useWall } from './context';
import { incidentAction, lifecycleAction, requestClose } from './incident-actions';

/** incidents offered to merge into: open, within this distance, nearest first */
export const MERGE_RADIUS_M = 2000;
const MERGE_LIMIT = 8;

function useBusy(): [boolean, (fn: () => Promise<unknown>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  return [
    busy,
    async (fn) => {
      setBusy(true);
      try {
        await fn();
      } finally {
        setBusy(false);
      }
    },
  ];
}

function MergeInto({ incident, busy, run }: { incident: Incident; busy: boolean; run(fn: () => Promise<unknown>): Promise<void> }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const incidents = useWall((s) => s.incidents);
  const [into, setInto] = useState('');
  const candidates = useMemo(
    () =>
      [...incidents.values()]
        .filter((o) => o.id !== incident.id && o.status === 'open')
        .map((o) => ({ o, d: distanceMeters(o.lon, o.lat, incident.lon, incident.lat) }))
        .filter((x) => x.d <= MERGE_RADIUS_M)
        .sort((a, b) => a.d - b.d)
        .slice(0, MERGE_LIMIT),
    [incidents, incident.id, incident.lon, incident.lat],
  );
  if (candidates.length === 0) return null;
  return (
    <div className="merge-into">
      <select value={into} onChange={(e) => setInto(e.target.value)} data-testid="merge-target" aria-label={t('detail.mergeInto')}>
        <option value="">{t('detail.mergeInto')}</option>
        {candidates.map(({ o, d }) => (
          <option key={o.id} value={o.id}>
            {`${t(`priorityShort.${o.priority}`)} ${o.title} · ${t('detail.metres', { distance: Math.round(d) })}`}
          </option>
        ))}
      </select>
      <button type="button" className="btn" data-testid="action-merge" disabled={busy || !into} onClick={() => run(() => lifecycleAction(runtime, incident.id, 'merge', { into }))}>
        {t('actions.merge')}
      </button>
    </div>
  );
}

function Note({ incident, busy, run }: { incident: Incident; busy: boolean; run(fn: () => Promise<unknown>): Promise<void> }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const [text, setText] = useState('');
  const add = () =>
    run(async () => {
      if (await lifecycleAction(runtime, incident.id, 'note', { note: text })) setText('');
    });
  return (
    <form
      className="note-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void add();
      }}
    >
      <input type="text" value={text} maxLength={2000} placeholder={t('detail.notePlaceholder')} data-testid="note-input" onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="btn" data-testid="action-note" disabled={busy || !text.trim()}>
        {t('actions.note')}
      </button>
    </form>
  );
}

/** The panel's actions; none at all for a viewer (the services would refuse them). */
export function IncidentActions({ incident }: { incident: Incident }) {
  return useCanAct() ? <Actions incident={incident} /> : null;
}

function Actions({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const closing = useWall((s) => incident.id in s.closing);
  const [busy, run] = useBusy();
  const button = (kind: OperatorActionKind, className = '') => (
    <button type="button" className={`btn ${className}`} data-testid={`action-${kind}`} disabled={busy} onClick={() => run(() => lifecycleAction(runtime, incident.id, kind))}>
      {t(`actions.${kind}`)}
    </button>
  );
  const s = incident.state;
  const open = incident.status === 'open';
  return (
    <div className="incident-actions-block">
      <div className="row-actions incident-actions">
        {s === 'new' && (
          <button type="button" className="btn ack" data-testid="detail-ack" disabled={busy} onClick={() => run(() => incidentAction(runtime, 'incident.ack', incident.id))}>
            {t('board.ack')}
          </button>
        )}
        {(s === 'new' || s === 'acknowledged') && button('dispatch')}
        {(s === 'new' || s === 'acknowledged' || s === 'dispatched') && button('on_scene')}
        {open &&
          (closing ? (
            <button type="button" className="btn undo" data-testid="detail-undo-close" onClick={() => runtime.store.getState().dispatch({ type: 'closeUndo', id: incident.id })}>
              {t('board.undo')}
            </button>
          ) : (
            <button type="button" className="btn close" data-testid="detail-close-incident" onClick={() => requestClose(runtime, incident.id)}>
              {t('board.close')}
            </button>
          ))}
        {open && !closing && button('false_alarm')}
        {(s === 'resolved' || s === 'false_alarm') && button('reopen')}
      </div>
      {open && !closing && <MergeInto incident={incident} busy={busy} run={run} />}
      <Note incident={incident} busy={busy} run={run} />
    </div>
  );
}

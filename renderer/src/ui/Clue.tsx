// A citizen clue in the detail panel: whether it is verified (待核实 / 已核实 / 不采纳, with who,
// when and why), 核实 and 不采纳 for an operator who may act (a rejection asks for its reason in
// place: Enter confirms, Esc cancels; the reporter is told it), and the reporter's points, asked
// of the services and asked again whenever the clue's judgement changes.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReporterPoints } from '../../../core/contract';
import type { Incident } from '../../../core/domain';
import { formatClock } from '../i18n/format';
import { useCanAct, useRuntime, useTimeZone } from './context';
import { lifecycleAction } from './incident-actions';

/** The reporter's points (null until the services answer, or when they cannot), asked again when `refresh` changes. */
export function useReporterPoints(reporterId: string | undefined, refresh: string): ReporterPoints | null {
  const runtime = useRuntime();
  const [points, setPoints] = useState<ReporterPoints | null>(null);
  useEffect(() => {
    if (!reporterId) return;
    let alive = true;
    void runtime.bridge.request('reporter.get', { id: reporterId }).then((r) => {
      if (alive) setPoints(r.ok ? r.value : null);
    });
    return () => {
      alive = false;
    };
  }, [runtime, reporterId, refresh]);
  return reporterId && points?.reporterId === reporterId ? points : null;
}

/** 不采纳: the reason, typed in place. */
function RejectReason({ incident, onDone }: { incident: Incident; onDone(focusBack: boolean): void }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (!reason.trim() || busy) return;
    setBusy(true);
    const done = await lifecycleAction(runtime, incident.id, 'reject_clue', { note: reason.trim() });
    setBusy(false);
    if (done) onDone(false);
  };
  return (
    <form
      className="clue-reject-form"
      data-testid="clue-reject-form"
      onSubmit={(e) => {
        e.preventDefault();
        void confirm();
      }}
    >
      <label className="clue-reject-label">
        <span>{t('clue.reasonLabel')}</span>
        <input
          type="text"
          autoFocus
          value={reason}
          maxLength={500}
          placeholder={t('clue.reasonPlaceholder')}
          data-testid="clue-reason-input"
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              onDone(true);
            }
          }}
        />
      </label>
      <div className="clue-buttons">
        <button type="submit" className="btn reject" data-testid="clue-reject-confirm" disabled={busy || !reason.trim()}>
          {t('clue.confirm')}
        </button>
        <button type="button" className="btn" data-testid="clue-reject-cancel" onClick={() => onDone(true)}>
          {t('clue.cancel')}
        </button>
        <span className="clue-hint">{t('clue.reasonHint')}</span>
      </div>
    </form>
  );
}

export function Clue({ incident }: { incident: Incident }) {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  const tz = useTimeZone();
  const canAct = useCanAct();
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const rejectButton = useRef<HTMLButtonElement>(null);
  const clue = incident.clue;
  const points = useReporterPoints(incident.reporterId, `${clue?.state}:${clue?.at ?? ''}`);
  if (!clue) return null;
  const lang = i18n.language;
  const pending = clue.state === 'pending';
  const when = clue.at !== undefined ? (clue.by ? t('clue.decided', { time: formatClock(clue.at, lang, tz), by: clue.by }) : t('clue.decidedAt', { time: formatClock(clue.at, lang, tz) })) : null;
  const verify = async () => {
    setBusy(true);
    await lifecycleAction(runtime, incident.id, 'verify_clue');
    setBusy(false);
  };
  const last = points?.entries[0];
  return (
    <section className={`incident-clue ${clue.state}`} data-testid="clue" data-state={clue.state}>
      <h3>{t('clue.title')}</h3>
      <div className="clue-line">
        <span className={`clue-chip ${clue.state}`} data-testid="clue-state">
          {t(`clue.state.${clue.state}`)}
        </span>
        {when && <span className="clue-when">{when}</span>}
        {incident.category && (
          <span className="clue-category">
            {t('clue.category')}：{incident.category}
          </span>
        )}
      </div>
      {clue.state === 'rejected' && clue.reason && (
        <div className="clue-reason" data-testid="clue-reason">
          {t('clue.reason', { reason: clue.reason })}
        </div>
      )}
      {canAct && pending && !rejecting && (
        <div className="clue-buttons">
          <button type="button" className="btn verify" data-testid="clue-verify" disabled={busy} onClick={() => void verify()}>
            {t('clue.verify')}
          </button>
          <button ref={rejectButton} type="button" className="btn reject" data-testid="clue-reject" disabled={busy} onClick={() => setRejecting(true)}>
            {t('clue.reject')}
          </button>
        </div>
      )}
      {canAct && pending && rejecting && (
        <RejectReason
          incident={incident}
          onDone={(focusBack) => {
            setRejecting(false);
            // back where the keyboard was: on 不采纳
            if (focusBack) requestAnimationFrame(() => rejectButton.current?.focus());
          }}
        />
      )}
      {incident.reporterId && (
        <div className="clue-points" data-testid="clue-points" data-total={points?.total}>
          <span className="clue-points-label">{t('clue.points')}</span>
          <span className="clue-points-value">{points === null ? '—' : points.total > 0 ? t('clue.pointsValue', { total: points.total }) : t('clue.pointsNone')}</span>
          {last && <span className="clue-points-last">{t('clue.pointsLast', { points: last.points, time: formatClock(last.at, lang, tz) })}</span>}
        </div>
      )}
    </section>
  );
}

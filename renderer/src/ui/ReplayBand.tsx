// What says a wall is replaying, so nobody takes it for live: a full-width band under the header in
// its own colour (回放 · 2026-12-05 08:30:12 · 8×, playing or paused, the period, the way back to
// live), a veil over the wall while the replay opens (or says why it cannot), and the band that says
// a `?replay=` address does not parse (the wall then stays live and says so).
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatFullDateTime } from '../i18n/format';
import { inReplay, speedLabel } from '../model/replay';
import { leaveReplay } from '../state/replay-session';
import { useRuntime, useTimeZone, useWall } from './context';
import { explainReplayError, type T } from './replay-errors';
import { CaseExportButton } from './CaseExport';

/** Leaves the replay for the live wall (the one key: Q). */
function LeaveButton() {
  const { t } = useTranslation();
  const runtime = useRuntime();
  return (
    <button type="button" className="btn replay-leave" data-testid="replay-leave" onMouseDown={(e) => e.preventDefault()} onClick={() => void leaveReplay(runtime)}>
      {t('replay.leave')}
    </button>
  );
}

export function ReplayBand() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tz = useTimeZone();
  const player = useWall((s) => s.player);
  const wish = useWall((s) => s.replay);
  // a control the services refused (a seek outside the recording…): said until one works
  const refused = useWall((s) => (s.player.mode === 'replay' ? s.replayError : null));
  // the case of the incident looked at, else of the whole period
  const selected = useWall((s) => s.selectedId);
  if (player.mode !== 'replay' && !wish) return null;
  const tt = t as unknown as T;
  const r = player.mode === 'replay' ? player : null;
  const at = r?.at ?? wish!.at;
  const speed = r?.speed ?? wish!.speed;
  const from = r?.from ?? wish!.from;
  const to = r?.to ?? wish!.to;
  const error = r?.error ?? refused;
  const state = !r ? 'opening' : error ? 'error' : r.loading ? 'loading' : r.playing ? 'playing' : at >= to ? 'ended' : 'paused';
  const time = formatFullDateTime(at, tz);
  const said = t('replay.band', { time, speed: speedLabel(speed) });
  const sep = (
    <span className="replay-sep" aria-hidden="true">
      ·
    </span>
  );
  return (
    <div className={`replay-band ${state}`} role="status" aria-label={said} data-testid="replay-band" data-state={state} data-at={at} data-speed={speed}>
      <span className="replay-chip">{t('replay.label')}</span>
      {sep}
      <span className="replay-time" data-testid="replay-time">
        {time}
      </span>
      {sep}
      <span className="replay-speed" data-testid="replay-speed">
        {speedLabel(speed)}
      </span>
      {(() => {
        const said = state === 'opening' ? t('replay.opening') : state === 'error' ? t('replay.failed', { error: explainReplayError(error ?? '', tt, tz) }) : t(`replay.${state}`);
        return (
          <span className="replay-state" data-testid="replay-state" title={said}>
            {said}
          </span>
        );
      })()}
      <span className="replay-period">{t('replay.period', { from: formatDateTime(from, lang, tz), to: formatDateTime(to, lang, tz) })}</span>
      <span className="replay-not-live">{t('replay.notLive')}</span>
      <CaseExportButton subject={selected ? { incidentId: selected } : { from, to }} testId="replay-case-export" className="replay-case" />
      <LeaveButton />
    </div>
  );
}

/**
 * Over the wall (map and board) while a replay is asked for and its situation has not come yet —
 * opening, reading, or failed with why: nothing live may pass for the replay. The timeline stays
 * usable below it (a period whose start was not recorded can still be played from a later moment).
 */
export function ReplayVeil() {
  const { t } = useTranslation();
  const tz = useTimeZone();
  const shown = useWall((s) => inReplay(s) && !s.replaySituation);
  const player = useWall((s) => s.player);
  const wish = useWall((s) => s.replay);
  const openError = useWall((s) => s.replayError);
  if (!shown || !wish) return null;
  const tt = t as unknown as T;
  const open = player.mode === 'replay';
  const error = open ? player.error : openError;
  const title = error ? t(open ? 'replay.failed' : 'replay.openFailed', { error: explainReplayError(error, tt, tz) }) : t(open ? 'replay.loading' : 'replay.opening');
  return (
    <div className={`replay-veil${error ? ' failed' : ''}`} data-testid="replay-veil" data-state={error ? 'failed' : open ? 'loading' : 'opening'} role={error ? 'alert' : 'status'}>
      <div className="replay-veil-card">
        <div className="replay-veil-title">{title}</div>
        <div className="replay-veil-period">{t('replay.openingPeriod', { from: formatFullDateTime(wish.from, tz), to: formatFullDateTime(wish.to, tz) })}</div>
        {error && <LeaveButton />}
      </div>
    </div>
  );
}

/** `?replay=` that does not parse: said plainly, and that this is the live wall. */
export function ReplayParamError() {
  const { t } = useTranslation();
  const value = useWall((s) => s.replayParamError);
  if (value === null) return null;
  return (
    <div className="replay-invalid" role="alert" data-testid="replay-invalid">
      <div className="replay-invalid-title">{t('replay.invalidParam', { value })}</div>
      <div className="replay-invalid-hint">{t('replay.invalidHint')}</div>
    </div>
  );
}

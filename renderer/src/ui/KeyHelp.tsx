// The keys, on `?`: a card over the wall listing what each key does (Esc or `?` closes it).
import { useTranslation } from 'react-i18next';
import { useCanAct, useObservable, useReplaying, useRuntime } from './context';

/** the lines shown, in this order (i18n `shortcuts.*`); the acting ones only to who may act */
const MOVING = ['newest', 'next', 'fly', 'search', 'overview', 'escape', 'tab'] as const;
const ACTING = ['ack', 'broadcast', 'dispatch', 'onScene', 'close', 'clue'] as const;
const PANELS = ['rejects', 'layers', 'measure', 'language', 'room', 'help'] as const;
/** in a replay, first: what moves it, and the one key back to live */
const REPLAY = ['replayPlay', 'replayStep', 'replaySpeed', 'replayLeave'] as const;

export function KeyHelp() {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const open = useObservable(runtime.help);
  const canAct = useCanAct();
  const replaying = useReplaying();
  if (!open) return null;
  const lines = [...(replaying ? REPLAY : []), ...MOVING, ...(canAct ? ACTING : []), ...PANELS];
  return (
    <section className="key-help" data-testid="key-help" role="dialog" aria-label={t('help.title')}>
      <div className="key-help-head">
        <h2>{t('help.title')}</h2>
        <button type="button" className="btn" onClick={() => runtime.help.set(false)}>
          {t('help.close')}
        </button>
      </div>
      {canAct && <p className="key-help-flow">{t('help.flow')}</p>}
      <ul>
        {lines.map((k) => (
          <li key={k} data-key={k}>
            {t(`shortcuts.${k}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}

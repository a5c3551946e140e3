// The header: title, clock, link and broker state, counts, message rate, rejected messages.
import { useTranslation } from 'react-i18next';
import type { Priority } from '../../../core/domain';
import { formatAge, formatClock, formatDate, formatNumber } from '../i18n/format';
import { toggleLanguage } from '../i18n';
import { PRIORITY_CSS } from '../state/colors';
import { availableUnits, openCountsByPriority } from '../state/situation';
import { useStore } from '../state/store';
import { useNow, useTimeZone } from './context';

const PRIORITIES: Priority[] = [1, 2, 3, 4];

export function Header() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const now = useNow(1000);
  const tz = useTimeZone();
  const connection = useStore((s) => s.connection);
  const health = useStore((s) => s.health);
  const incidents = useStore((s) => s.incidents);
  // Stats and units change with every delta (20 a second); the header re-reads them with the clock.
  const { units, stats } = useStore.getState();
  useStore((s) => s.stats.rejected);
  const rejectsOpen = useStore((s) => s.rejectsOpen);
  const setRejectsOpen = useStore((s) => s.setRejectsOpen);

  const counts = openCountsByPriority(incidents);
  const openTotal = counts[1] + counts[2] + counts[3] + counts[4];
  const { available, total } = availableUnits(units);
  const brokerUp = connection === 'open' && health?.broker.connected === true;
  const lastMessageAt = health?.broker.lastMessageAt ?? stats.lastMessageAt;

  return (
    <header className="header">
      <div className="brand">
        <div className="brand-title">{t('app.title')}</div>
        <div className="brand-date">{formatDate(now, lang, tz)}</div>
      </div>
      <div className="clock" aria-label={t('header.clockLabel')}>
        {formatClock(now, lang, tz)}
      </div>

      <div className="stat" data-testid="stat-open" data-count={openTotal}>
        <div className="stat-label">{t('header.open')}</div>
        <div className="stat-value">
          <span className="stat-total">{formatNumber(openTotal, lang)}</span>
          {PRIORITIES.map((p) => (
            <span key={p} className={`prio-chip${counts[p] === 0 ? ' zero' : ''}`} style={{ borderColor: PRIORITY_CSS[p], color: counts[p] ? PRIORITY_CSS[p] : undefined }} title={t(`priority.${p}`)}>
              {t(`priorityShort.${p}`)} {formatNumber(counts[p], lang)}
            </span>
          ))}
        </div>
      </div>

      <div className="stat" data-testid="stat-units" data-available={available}>
        <div className="stat-label">{t('header.unitsAvailable')}</div>
        <div className="stat-value">{t('header.unitsOf', { available: formatNumber(available, lang), total: formatNumber(total, lang) })}</div>
      </div>

      <div className="stat" data-testid="stat-rate">
        <div className="stat-label">{t('header.rate')}</div>
        <div className="stat-value">{formatNumber(stats.messagesPerSecond, lang, 1)}</div>
      </div>

      <button
        type="button"
        className={`stat stat-button${stats.rejected > 0 ? ' warn' : ''}${rejectsOpen ? ' active' : ''}`}
        data-testid="rejects-button"
        data-count={stats.rejected}
        onClick={() => setRejectsOpen(!rejectsOpen)}
      >
        <div className="stat-label">{t('header.rejected')}</div>
        <div className="stat-value">{formatNumber(stats.rejected, lang)}</div>
      </button>

      <div className="connection" data-testid="connection" data-state={connection} data-broker={brokerUp ? 'up' : 'down'}>
        <div className="conn-line">
          <span className={`light ${connection}`} />
          <span>{t('header.bridge')}</span>
          <span className="conn-state">{t(`connection.${connection}`)}</span>
        </div>
        <div className="conn-line">
          <span className={`light ${brokerUp ? 'open' : 'closed'}`} />
          <span>{t('header.broker')}</span>
          <span className="conn-state">{t(brokerUp ? 'connection.brokerUp' : 'connection.brokerDown')}</span>
        </div>
        <div className="conn-heard">{lastMessageAt ? t('header.lastHeard', { time: formatAge(now - lastMessageAt, lang) }) : t('header.neverHeard')}</div>
      </div>

      <button type="button" className="lang-toggle" data-testid="language-toggle" title={t('header.languageTitle')} onClick={toggleLanguage}>
        {t('header.language')}
      </button>
    </header>
  );
}

// The banner across the wall whenever what it shows is not live: the page cut off from the
// services, the services from the broker, or the feed stalled — with since when and for how long.
// It clears by itself when the link comes back (model/liveness.ts decides; the page's clock ticks it).
import { useTranslation } from 'react-i18next';
import { formatClock, formatDuration } from '../i18n/format';
import { isCutOff } from '../model/liveness';
import { useNow, useTimeZone, useWall } from './context';

export function StaleBanner() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const l = useWall((s) => s.liveness);
  const now = useNow(1000);
  const tz = useTimeZone();
  if (l.live) return null;
  const cutOff = isCutOff(l);
  return (
    <div className={`stale-banner ${l.reason}`} role="alert" data-testid="stale-banner" data-reason={l.reason} data-since={l.since}>
      <span className="stale-icon" aria-hidden="true">
        !
      </span>
      <div className="stale-text">
        <div className="stale-title">{t(`stale.${l.reason}`, { limit: formatDuration(l.stalledAfterMs ?? 0, lang) })}</div>
        <div className="stale-detail">
          <span data-testid="stale-since">{t('stale.since', { time: formatClock(l.since, lang, tz), duration: formatDuration(now - l.since, lang) })}</span>
          <span>{t(cutOff ? 'stale.frozen' : 'stale.lastKnown')}</span>
          <span>{t(l.reason === 'feed' ? 'stale.checkSources' : 'stale.reconnecting')}</span>
        </div>
      </div>
    </div>
  );
}

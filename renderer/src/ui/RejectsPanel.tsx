// The last rejected messages: when, which topic, why (translated), and a raw excerpt.
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format';
import { useDispatch, useTimeZone, useWall } from './context';

export function RejectsPanel() {
  const { t, i18n } = useTranslation();
  const open = useWall((s) => s.rejectsOpen);
  const rejects = useWall((s) => s.rejects);
  const dispatch = useDispatch();
  const setOpen = (o: boolean) => dispatch({ type: 'rejectsOpen', open: o });
  const tz = useTimeZone();
  if (!open) return null;
  const list = rejects.slice().reverse();
  return (
    <section className="panel rejects" data-testid="rejects-panel" role="dialog" aria-label={t('rejects.title')}>
      <div className="panel-head">
        <h2>{t('rejects.title')}</h2>
        <span className="panel-sub">{t('rejects.subtitle', { count: list.length })}</span>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          {t('rejects.close')}
        </button>
      </div>
      {list.length === 0 ? (
        <div className="panel-empty">{t('rejects.empty')}</div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('rejects.time')}</th>
                <th>{t('rejects.topic')}</th>
                <th>{t('rejects.reason')}</th>
                <th>{t('rejects.message')}</th>
                <th>{t('rejects.excerpt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r, i) => (
                <tr key={`${r.at}-${i}`} data-testid="reject-row" data-reason={r.reason}>
                  <td className="nowrap">{formatDateTime(r.at, i18n.language, tz)}</td>
                  <td className="mono">{r.topic}</td>
                  <td className="reason">{t(`rejectReason.${r.reason}`, { defaultValue: r.reason })}</td>
                  <td className="reject-detail">
                    <div className="reject-help">{t(`rejectHelp.${r.reason}`, { defaultValue: '' })}</div>
                    {/* the services' own words, for whoever fixes the sender: kept verbatim */}
                    <div className="reject-technical mono" lang="en" title={t('rejects.technical')}>
                      {r.message}
                    </div>
                  </td>
                  <td className="mono excerpt">{r.excerpt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

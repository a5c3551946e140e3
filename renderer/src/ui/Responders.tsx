// Who was asked to the incident and where each is in answering: notified, accepted, declined, on
// the way, arrived, done — and who has not answered in time, with the next nearest suggested.
import { useTranslation } from 'react-i18next';
import type { NearbyUnit } from '../../../core/dispatch/nearest';
import type { Incident } from '../../../core/domain';
import { formatAge } from '../i18n/format';
import { useWall } from './context';

/** a unit asked this long ago that has not answered is flagged, and another suggested (unless the services say otherwise: dispatch.noAnswerMs) */
export const NO_ANSWER_MS = 90_000;

/** How long a unit may stay silent: the services' setting when they send one. */
export const noAnswerMsOf = (configured: number | undefined): number => (typeof configured === 'number' && Number.isFinite(configured) && configured > 0 ? configured : NO_ANSWER_MS);

export function Responders({ incident, now, nearby }: { incident: Incident; now: number; nearby: readonly NearbyUnit[] | null }) {
  const { t, i18n } = useTranslation();
  const noAnswerMs = noAnswerMsOf(useWall((s) => s.reference?.noAnswerMs));
  if (incident.responders.length === 0) return null;
  const silent = incident.responders.filter((r) => r.answer === 'asked' && now - r.askedAt > noAnswerMs);
  const asked = new Set(incident.responders.map((r) => r.unitId));
  const next = silent.length > 0 ? nearby?.find((u) => !asked.has(u.unitId)) : undefined;
  return (
    <section className="incident-responders">
      <h3>{t('responders.title', { count: incident.responders.length })}</h3>
      <ul data-testid="responders">
        {incident.responders.map((r) => {
          const late = r.answer === 'asked' && now - r.askedAt > noAnswerMs;
          return (
            <li key={`${r.dispatchId}-${r.unitId}`} data-testid="responder" data-unit-id={r.unitId} data-answer={late ? 'no_answer' : r.answer}>
              <span className="unit-name">{r.name ?? r.unitId}</span>
              <span className="unit-dist">{r.distanceM >= 0 ? t('detail.metres', { distance: r.distanceM }) : ''}</span>
              <span className={`answer-chip ${late ? 'no_answer' : r.answer}`}>{late ? t('responders.noAnswer') : t(`answers.${r.answer}`)}</span>
              <span className="answer-age">{formatAge(Math.max(0, now - r.at), i18n.language)}</span>
            </li>
          );
        })}
      </ul>
      {next && (
        <div className="responders-suggest" data-testid="responders-suggest" data-unit-id={next.unitId}>
          {t('responders.suggest', { name: next.name ?? next.unitId })}
        </div>
      )}
    </section>
  );
}

// The banners about what an administrator must fix: WebGL missing (a map page), reference data,
// the situation's checkpoint, the recording.
import { useTranslation } from 'react-i18next';
import { useWall } from './context';

/** Problems an administrator must fix, over the map (or the page's first area where it has no map); WebGL's only where a map is drawn. */
export function Banners({ map }: { map: boolean }) {
  const { t } = useTranslation();
  const webgl = useWall((s) => s.webgl);
  const referenceError = useWall((s) => s.referenceError);
  const referenceErrors = useWall((s) => s.health?.referenceErrors);
  const checkpointError = useWall((s) => s.health?.checkpoint?.error ?? null);
  const journalError = useWall((s) => s.health?.journal?.error ?? null);
  const diskFull = useWall((s) => s.health?.journal?.diskFull ?? false);
  return (
    <>
      {map && webgl === 'unavailable' && (
        <div className="banner error" role="alert" data-testid="webgl-error">
          {t('webgl.unavailable')}
        </div>
      )}
      {referenceError && (
        <div className="banner warn" role="status">
          {t('reference.failed', { error: referenceError })}
        </div>
      )}
      {/* problems an administrator must fix, stacked at the top of the map, never over each other */}
      <div className="banner-stack">
        {!referenceError && referenceErrors && referenceErrors.length > 0 && (
          <div className="banner warn reference-errors" role="status" data-testid="reference-errors" title={t('reference.errorsTitle')}>
            <div>{t('reference.errors', { count: referenceErrors.length })}</div>
            <ul>
              {referenceErrors.slice(0, 3).map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        )}
        {checkpointError && (
          <div className="banner warn checkpoint-error" role="status" data-testid="checkpoint-error" title={checkpointError}>
            <div>{t('checkpoint.problem')}</div>
            <ul>
              <li>{checkpointError}</li>
            </ul>
          </div>
        )}
        {journalError && (
          <div className="banner warn journal-error" role="status" data-testid="journal-error" title={journalError}>
            <div>{t(diskFull ? 'journal.diskFull' : 'journal.problem')}</div>
            <ul>
              <li>{journalError}</li>
            </ul>
          </div>
        )}
      </div>
    </>
  );
}

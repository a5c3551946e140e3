// The wall's layout: header across the top, the map, the incident board on the right,
// layers and legend bottom-left, the rejects panel over the map when asked for.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { EdgeCues } from '../map/EdgeCues';
import { MapView } from '../map/MapView';
import { useRuntime, useWall } from './context';
import { GridPanel } from './GridPanel';
import { Header } from './Header';
import { IncidentBoard } from './IncidentBoard';
import { IncidentPanel } from './IncidentPanel';
import { LayerPanel } from './LayerPanel';
import { MapControls } from './MapControls';
import { RejectsPanel } from './RejectsPanel';
import { SearchBox } from './SearchBox';
import { StaleBanner } from './StaleBanner';
import { installAlertSound } from './alert-sound';
import { installOperatorPresence } from './operator-presence';
import { installShortcuts } from './shortcuts';
import { VideoWall } from '../video/VideoWall';

function Banners() {
  const { t } = useTranslation();
  const webgl = useWall((s) => s.webgl);
  const referenceError = useWall((s) => s.referenceError);
  const referenceErrors = useWall((s) => s.health?.referenceErrors);
  const checkpointError = useWall((s) => s.health?.checkpoint?.error ?? null);
  return (
    <>
      {webgl === 'unavailable' && (
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
      </div>
    </>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  useEffect(() => installShortcuts(runtime), [runtime]);
  useEffect(() => installOperatorPresence(runtime.store.getState().dispatch), [runtime]);
  useEffect(() => installAlertSound(runtime, runtime.debug.sounds), [runtime]);
  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('app.short');
  }, [i18n.language, t]);
  const live = useWall((s) => s.liveness.live);
  return (
    <div className={`wall${live ? '' : ' not-live'}`} data-live={live}>
      <Header />
      <StaleBanner />
      <main className="body">
        <div className="map-area">
          <MapView />
          <EdgeCues />
          <VideoWall />
          <MapControls />
          <SearchBox />
          <GridPanel />
          <IncidentPanel />
          <LayerPanel />
          <RejectsPanel />
          <Banners />
        </div>
        <IncidentBoard />
      </main>
    </div>
  );
}

// The wall's layout: header across the top, the map, the incident board on the right,
// layers and legend bottom-left, the rejects panel over the map when asked for — or, while
// nobody is signed in, the sign-in form and nothing else.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EdgeCues } from '../map/EdgeCues';
import { MapView } from '../map/MapView';
import { useRuntime, useWall } from './context';
import { inReplay } from '../model/replay';
import { ReplayBand, ReplayParamError, ReplayVeil } from './ReplayBand';
import { CaseExportCard } from './CaseExport';
import { ReplayTimeline } from './ReplayTimeline';
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
import { KeyHelp } from './KeyHelp';
import { gateOf, type SignInReason, signInReason } from './session';
import { Connecting, SignIn } from './SignIn';
import { VideoWall } from '../video/VideoWall';

function Banners() {
  const { t } = useTranslation();
  const webgl = useWall((s) => s.webgl);
  const referenceError = useWall((s) => s.referenceError);
  const referenceErrors = useWall((s) => s.health?.referenceErrors);
  const checkpointError = useWall((s) => s.health?.checkpoint?.error ?? null);
  const journalError = useWall((s) => s.health?.journal?.error ?? null);
  const diskFull = useWall((s) => s.health?.journal?.diskFull ?? false);
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

/** The wall itself, for whoever is signed in (or may look without signing in). */
function Wall({ onSignIn, onSignOut }: { onSignIn(): void; onSignOut(): void }) {
  const runtime = useRuntime();
  useEffect(() => installShortcuts(runtime), [runtime]);
  useEffect(() => installOperatorPresence(runtime.store.getState().dispatch), [runtime]);
  useEffect(() => installAlertSound(runtime, runtime.debug.sounds), [runtime]);
  const live = useWall((s) => s.liveness.live);
  const replay = useWall((s) => (s.player.mode === 'replay' ? 'open' : s.replay ? 'opening' : null));
  // a replay is watched, never acted on: read-only like a viewer's wall
  const readOnly = useWall((s) => s.session?.me?.canAct === false || inReplay(s));
  return (
    <div
      className={`wall${live ? '' : ' not-live'}${readOnly ? ' read-only' : ''}${replay ? ` replay replay-${replay}` : ''}`}
      data-live={live}
      data-read-only={readOnly ? 'true' : 'false'}
      data-replay={replay ?? 'no'}
    >
      <Header onSignIn={onSignIn} onSignOut={onSignOut} />
      <ReplayBand />
      <ReplayParamError />
      <StaleBanner />
      <main className="body">
        <ReplayVeil />
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
      <ReplayTimeline />
      <KeyHelp />
      <CaseExportCard />
    </div>
  );
}

/**
 * The page: the sign-in form while nobody is signed in (nothing of the situation reaches such a
 * page), else the wall. Says on the form why it is back: signed out, or the session ended.
 */
export function App() {
  const { t, i18n } = useTranslation();
  const runtime = useRuntime();
  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('app.short');
  }, [i18n.language, t]);
  const session = useWall((s) => s.session);
  const live = useWall((s) => s.liveness.live);
  // an anonymous viewer's wall offers a sign-in, to act
  const [asked, setAsked] = useState(false);
  const [reason, setReason] = useState<SignInReason>(null);
  const before = useRef(session);
  const signOutAsked = useRef(false);
  useEffect(() => {
    const why = signInReason(before.current, session, signOutAsked.current);
    before.current = session;
    if (why) setReason(why);
    if (session?.me && session.me.via !== 'anonymous') {
      setReason(null);
      setAsked(false);
      signOutAsked.current = false;
    }
  }, [session]);
  const gate = gateOf(session, live, asked);
  if (gate === 'signIn') return <SignIn reason={reason} onCancel={session?.me ? () => setAsked(false) : undefined} />;
  if (gate === 'connecting') return <Connecting />;
  return (
    <Wall
      onSignIn={() => setAsked(true)}
      onSignOut={() => {
        signOutAsked.current = true;
        void runtime.bridge.signOut();
      }}
    />
  );
}

// The wall's layout: header across the top, then what the page's display roles ask for
// (DisplayLayout.tsx; by default the map with the incident board on the right, layers and legend
// bottom-left, the rejects panel over the map when asked for) — or, while nobody is signed in,
// the sign-in form and nothing else.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { displayRolesText } from '../../../core/display';
import { useRuntime, useWall } from './context';
import { inReplay } from '../model/replay';
import { ReplayBand, ReplayParamError } from './ReplayBand';
import { CaseExportCard } from './CaseExport';
import { ReplayTimeline } from './ReplayTimeline';
import { DisplayBody, DisplayError, usePageDisplay } from './DisplayLayout';
import { Header } from './Header';
import { StaleBanner } from './StaleBanner';
import { RecycleNotice } from './RecycleNotice';
import { installAlertSound } from './alert-sound';
import { installOperatorPresence } from './operator-presence';
import { installShortcuts } from './shortcuts';
import { KeyHelp } from './KeyHelp';
import { gateOf, type SignInReason, signInReason } from './session';
import { Connecting, SignIn } from './SignIn';

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
  const display = usePageDisplay();
  return (
    <div
      className={`wall${live ? '' : ' not-live'}${readOnly ? ' read-only' : ''}${replay ? ` replay replay-${replay}` : ''}`}
      data-live={live}
      data-read-only={readOnly ? 'true' : 'false'}
      data-replay={replay ?? 'no'}
      data-roles={displayRolesText(display.roles)}
      data-roles-source={display.source}
    >
      <Header onSignIn={onSignIn} onSignOut={onSignOut} />
      <ReplayBand />
      <ReplayParamError />
      <StaleBanner />
      <RecycleNotice />
      <DisplayError display={display} />
      <DisplayBody display={display} />
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

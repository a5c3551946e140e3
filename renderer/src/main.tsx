// Entry: language, WebGL check, the bridge, the wall's store, reference data, then React.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { pickBridge } from './bridge';
import { installDebugHook } from './debug';
import { initI18n, initialLanguage, normaliseLanguage, setLanguage } from './i18n';
import { prewarmMapWorker } from './map/map-worker';
import { hasWebGL2, webglProbe } from './map/webgl';
import { startLivenessClock } from './state/liveness-clock';
import { memoryWatchdogSettings } from './model/memory-watchdog';
import { browserMemoryEnv, startMemoryWatchdog, takeRecycleNote } from './state/memory-watchdog';
import { setRecycleNote } from './state/recycle-note';
import { updateAcks } from './state/update-acks';
import { startReplaySession } from './state/replay-session';
import { createWallStore } from './state/store';
import { App } from './ui/App';
import { createRuntime, WallContext } from './ui/context';
import { streamsLoaded } from './video/streams-loaded';
import './ui/styles.css';

const search = window.location.search;
const explicitLang = new URLSearchParams(search).has('lang');
const i18n = initI18n(initialLanguage(search));

const bridge = pickBridge();
// ?newFreshMs= (tests, odd walls): how long an arrival stays new to an operator at the keys
const freshParam = Number(new URLSearchParams(search).get('newFreshMs') ?? NaN);
// ?muteMs= (tests): how long a mute of the wall's sounds lasts
const muteParam = Number(new URLSearchParams(search).get('muteMs') ?? NaN);
const store = createWallStore(Date.now(), {
  ...(Number.isFinite(freshParam) && freshParam >= 0 && freshParam <= 600_000 ? { newFreshMs: freshParam } : {}),
  ...(Number.isFinite(muteParam) && muteParam >= 1000 && muteParam <= 3600_000 ? { muteMs: muteParam } : {}),
});
const runtime = createRuntime(bridge, store);
const { dispatch } = store.getState();

const webgl = hasWebGL2() ? 'ok' : 'unavailable';
document.body.dataset.webgl = webgl;
dispatch({ type: 'webgl', state: webgl });
// maplibre's worker boots while the page connects, not after (map/map-worker.ts)
prewarmMapWorker(search, webgl);

installDebugHook(runtime);

// what arrives is stamped with the local time it arrived: the model never reads a clock
bridge.onConnection((state) => dispatch({ type: 'connection', state, at: Date.now() }));
// numbered updates (live and replayed) are acknowledged once in the model (update-acks.ts: flow control)
const acks = updateAcks(bridge);
bridge.subscribe((message) => {
  dispatch({ type: 'server', message, at: Date.now() });
  if ((message.type === 'snapshot' || message.type === 'delta') && message.seq !== undefined) acks.taken(message.seq);
});
startLivenessClock(runtime);
// a page grown past its memory limit reloads itself at a quiet moment (?heapLimitMB=, ?quietMs=),
// and on a display without a GPU one whose tiles loaded its stream budget (?streamBudget=);
// ?memoryCheckMs= (tests) checks more often than every 10 s
const memoryEnv = browserMemoryEnv({ streamsLoaded, softwareRenderer: () => webglProbe().software }, Math.min(Math.max(Number(new URLSearchParams(search).get('memoryCheckMs')) || 10_000, 200), 600_000));
const recycled = takeRecycleNote(memoryEnv.storage);
setRecycleNote(recycled);
const memory = startMemoryWatchdog(store, memoryWatchdogSettings(search), memoryEnv, recycled);
if (window.__watchfloor) window.__watchfloor.memory = memory.status;
// ?replay=<from>/<to>: this page watches a recorded period (asked for once the session allows it)
startReplaySession(runtime, search);

async function loadReference(attempt = 0): Promise<void> {
  const r = await bridge.request('reference.get', {});
  if (r.ok) {
    dispatch({ type: 'reference', reference: r.value });
    const configured = normaliseLanguage(r.value.locale);
    if (!explicitLang && configured && configured !== i18n.language) setLanguage(configured);
    return;
  }
  if (attempt < 3) {
    await new Promise((res) => setTimeout(res, 1000 * (attempt + 1)));
    return loadReference(attempt + 1);
  }
  dispatch({ type: 'reference', reference: null, error: r.error });
}
// the services answer only a page someone signed in to (or that may look without signing in):
// the reference data is asked for once the session says who this page is
let referenceAsked = false;
const askReference = (s: { session: { me: unknown } | null }) => {
  if (referenceAsked || !s.session?.me) return;
  referenceAsked = true;
  void loadReference();
};
askReference(store.getState());
store.subscribe(askReference);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <WallContext.Provider value={runtime}>
        <App />
      </WallContext.Provider>
    </I18nextProvider>
  </StrictMode>,
);

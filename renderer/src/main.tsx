// Entry: language, WebGL check, the bridge, reference data, then React.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge';
import { installDebugHook } from './debug';
import { initI18n, initialLanguage, normaliseLanguage, setLanguage } from './i18n';
import { I18nextProvider } from 'react-i18next';
import { hasWebGL2 } from './map/webgl';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

const search = window.location.search;
const explicitLang = new URLSearchParams(search).has('lang');
const i18n = initI18n(initialLanguage(search));

const webgl = hasWebGL2() ? 'ok' : 'unavailable';
document.body.dataset.webgl = webgl;
useStore.getState().setWebgl(webgl);

installDebugHook();

const bridge = pickBridge();
const store = useStore.getState();
bridge.onConnection((c) => useStore.getState().setConnection(c));
bridge.subscribe((m) => useStore.getState().receive(m));

async function loadReference(attempt = 0): Promise<void> {
  const r = await bridge.request('reference.get', {});
  if (r.ok) {
    store.setReference(r.value);
    const configured = normaliseLanguage(r.value.locale);
    if (!explicitLang && configured && configured !== i18n.language) setLanguage(configured);
    return;
  }
  if (attempt < 3) {
    await new Promise((res) => setTimeout(res, 1000 * (attempt + 1)));
    return loadReference(attempt + 1);
  }
  store.setReference(null, r.error);
}
void loadReference();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App bridge={bridge} />
    </I18nextProvider>
  </StrictMode>,
);

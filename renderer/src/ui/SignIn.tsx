// The whole page when nobody is signed in: name, password, 登录. Enter submits, focus starts in the
// name field, a refusal is said in the operator's language. Nothing of the situation is on this
// page, and none reaches it: the bridge connects only after a sign-in (bridge/websocket.ts).
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toggleLanguage } from '../i18n';
import { useBridge, useWall } from './context';
import { explainSignInError, type SignInReason } from './session';

export function SignIn({ reason, onCancel }: { reason: SignInReason; onCancel?: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const signInAvailable = useWall((s) => s.session?.signInAvailable ?? true);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim() || !password) {
      setError(t('signIn.empty'));
      (name.trim() ? passwordRef : nameRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await bridge.signIn(name.trim(), password);
    setBusy(false);
    if (r.ok) return; // the session message follows and the wall replaces this page
    setError(explainSignInError(r.error, t as (k: string, o?: Record<string, unknown>) => string));
    setPassword('');
    passwordRef.current?.focus();
  };

  const note = error ?? (reason ? t(`signIn.${reason}`) : !signInAvailable ? t('signIn.noUsers') : null);
  return (
    <div className="sign-in-page" data-testid="sign-in-page">
      <button type="button" className="lang-toggle sign-in-lang" data-testid="language-toggle" title={t('header.languageTitle')} onClick={toggleLanguage}>
        {t('header.language')}
      </button>
      <form className="sign-in" data-testid="sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title" noValidate>
        <div className="sign-in-brand">{t('app.title')}</div>
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p className="sign-in-subtitle">{t('signIn.subtitle')}</p>
        <label className="sign-in-field">
          <span>{t('signIn.name')}</span>
          <input ref={nameRef} type="text" name="username" autoComplete="username" autoCapitalize="off" spellCheck={false} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="sign-in-name" readOnly={busy} />
        </label>
        <label className="sign-in-field">
          <span>{t('signIn.password')}</span>
          <input ref={passwordRef} type="password" name="password" autoComplete="current-password" maxLength={1000} value={password} onChange={(e) => setPassword(e.target.value)} data-testid="sign-in-password" readOnly={busy} />
        </label>
        <div className={`sign-in-note${error ? ' error' : ''}`} role={error ? 'alert' : 'status'} data-testid="sign-in-error" data-kind={error ? 'error' : reason ?? 'none'}>
          {note ?? ' '}
        </div>
        <div className="sign-in-buttons">
          <button type="submit" className="btn primary sign-in-submit" data-testid="sign-in-submit" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
          {onCancel && (
            <button type="button" className="btn" data-testid="sign-in-cancel" onClick={onCancel}>
              {t('signIn.back')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

/** While the page asks the services who it is (a moment at start-up): nothing but a quiet line. */
export function Connecting() {
  const { t } = useTranslation();
  return (
    <div className="sign-in-page connecting" data-testid="connecting-page">
      <div className="sign-in-brand">{t('app.title')}</div>
      <div className="sign-in-subtitle">{t('signIn.connecting')}</div>
    </div>
  );
}

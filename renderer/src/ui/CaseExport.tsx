// Case export from the wall (docs/cases.md): a button that asks the services for the case of an
// incident or of the replayed period, and a card that says where it was written, what it holds and,
// on request, whether the case on disk still matches its manifest (folder and zip). The export runs
// in the services for both shells (case.export / case.verify over the bridge); one at a time.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCheck, CaseExportResult } from '../../../core/contract';
import { formatFullDateTime } from '../i18n/format';
import { useObservable, useRuntime, useTimeZone, useWall, type WallRuntime } from './context';
import { explainError } from './incident-actions';

/** What a case is asked for: an incident, or a period (epoch ms). */
export type CaseSubject = { incidentId: string } | { from: number; to: number };

/** The card's state: asking, written (and maybe checked), or refused with why. */
export type CaseExportView =
  | { state: 'exporting'; subject: CaseSubject }
  | { state: 'done'; result: CaseExportResult; check: CaseCheck | 'checking' | { error: string } | null }
  | { state: 'failed'; error: string };

type T = (k: string, o?: Record<string, unknown>) => string;

/** The services' refusals, in the operator's words. */
export function explainCaseError(error: string, t: T): string {
  if (/^busy: /.test(error)) return t('cases.busy');
  if (/^not_found: (this wall keeps no recording|no recording)/.test(error)) return t('errors.noRecording');
  if (/^not_found: nothing recorded/.test(error)) return t('cases.nothingRecorded');
  if (/^(not_found|failed): /.test(error)) return error.replace(/^\w+: /, '');
  return explainError(error, t);
}

async function runExport(runtime: WallRuntime, subject: CaseSubject): Promise<void> {
  const view = runtime.caseExport;
  if (view.get()?.state === 'exporting') return;
  view.set({ state: 'exporting', subject });
  const r = await runtime.bridge.request('case.export', subject);
  view.set(r.ok ? { state: 'done', result: r.value, check: null } : { state: 'failed', error: r.error });
}

async function runCheck(runtime: WallRuntime, result: CaseExportResult): Promise<void> {
  const view = runtime.caseExport;
  view.set({ state: 'done', result, check: 'checking' });
  const r = await runtime.bridge.request('case.verify', { caseId: result.caseId });
  const now = view.get();
  // the card was closed or replaced meanwhile
  if (now?.state !== 'done' || now.result.caseId !== result.caseId) return;
  view.set({ state: 'done', result, check: r.ok ? r.value : { error: r.error } });
}

/** 导出案卷: the case of `subject`. Shown on walls that record. */
export function CaseExportButton({ subject, testId, className }: { subject: CaseSubject; testId: string; className?: string }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const records = useWall((s) => !!s.health?.journal);
  const view = useObservable(runtime.caseExport);
  if (!records) return null;
  const busy = view?.state === 'exporting';
  return (
    <button type="button" className={`btn case-export${className ? ` ${className}` : ''}`} data-testid={testId} disabled={busy} title={t('cases.exportTitle')} onMouseDown={(e) => e.preventDefault()} onClick={() => void runExport(runtime, subject)}>
      {busy ? t('cases.exporting') : t('cases.export')}
    </button>
  );
}

function CheckLine({ check, t }: { check: CaseCheck | 'checking' | { error: string } | null; t: T }) {
  if (check === null) return null;
  if (check === 'checking') return <div className="case-check checking">{t('cases.verifying')}</div>;
  if ('error' in check) return <div className="case-check bad" data-testid="case-check" data-ok="false">{t('cases.verifyFailed', { error: explainCaseError(check.error, t) })}</div>;
  const problems = [...check.folder.problems.map((p) => ({ ...p, copy: 'folder' })), ...check.zip.problems.map((p) => ({ ...p, copy: 'zip' }))];
  return (
    <div className={`case-check ${check.ok ? 'good' : 'bad'}`} data-testid="case-check" data-ok={check.ok ? 'true' : 'false'}>
      {check.ok ? t('cases.intact', { count: check.folder.listed }) : t('cases.broken', { count: problems.length })}
      {problems.length > 0 && (
        <ul className="case-problems">
          {problems.slice(0, 12).map((p, k) => (
            <li key={k} data-testid="case-problem" data-name={p.name} data-kind={p.kind}>
              {t(`cases.copy.${p.copy}`)} · {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The card: where the case went, what it holds, and its check. */
export function CaseExportCard() {
  const { t, i18n } = useTranslation();
  const tz = useTimeZone();
  const runtime = useRuntime();
  const view = useObservable(runtime.caseExport);
  const [showFiles, setShowFiles] = useState(false);
  if (!view) return null;
  const close = () => runtime.caseExport.set(null);
  return (
    <div className={`case-card ${view.state}`} role={view.state === 'failed' ? 'alert' : 'status'} data-testid="case-card" data-state={view.state}>
      {view.state === 'exporting' && <div className="case-title">{t('cases.exporting')}</div>}
      {view.state === 'failed' && (
        <>
          <div className="case-title">{t('cases.failed', { error: explainCaseError(view.error, t) })}</div>
          <div className="case-actions">
            <button type="button" className="btn" onClick={close}>
              {t('cases.close')}
            </button>
          </div>
        </>
      )}
      {view.state === 'done' && (
        <>
          <div className="case-title">{t('cases.done')}</div>
          <dl className="case-facts">
            <dt>{t('cases.id')}</dt>
            <dd data-testid="case-id">{view.result.caseId}</dd>
            <dt>{t('cases.period')}</dt>
            <dd>
              {formatFullDateTime(view.result.from, tz)} – {formatFullDateTime(view.result.to, tz)}
            </dd>
            <dt>{t('cases.folder')}</dt>
            <dd data-testid="case-path">{view.result.path}</dd>
            <dt>{t('cases.zip')}</dt>
            <dd data-testid="case-zip">{view.result.zip}</dd>
            <dt>{t('cases.manifest')}</dt>
            <dd className="case-hash" title={view.result.manifestSha256}>
              {view.result.manifestSha256.slice(0, 16)}…
            </dd>
          </dl>
          <button type="button" className="case-files-toggle" onClick={() => setShowFiles((v) => !v)} aria-expanded={showFiles}>
            {t('cases.files', { count: view.result.files.length })}
          </button>
          {showFiles && (
            <ul className="case-files">
              {view.result.files.map((f) => (
                <li key={f.name}>
                  {f.name} · {f.bytes.toLocaleString()} B
                </li>
              ))}
            </ul>
          )}
          {view.result.notes.length > 0 && (
            <ul className="case-notes">
              {view.result.notes.map((n, k) => (
                <li key={k}>{i18n.language.startsWith('en') ? n.en : n.zh}</li>
              ))}
            </ul>
          )}
          <CheckLine check={view.check} t={t as unknown as T} />
          <div className="case-actions">
            <button type="button" className="btn" data-testid="case-verify" disabled={view.check === 'checking'} onClick={() => void runCheck(runtime, view.result)}>
              {t('cases.verify')}
            </button>
            <button type="button" className="btn" data-testid="case-close" onClick={close}>
              {t('cases.close')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}

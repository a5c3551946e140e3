// Case export from the wall (docs/cases.md): a button that asks the services for the case of an
// incident or of the replayed period, and a card that says where it was written, what it holds and,
// on request, whether the case on disk still matches its manifest (folder and zip). The export runs
// in the services for both shells (case.prepare … case.export / case.verify over the bridge); one
// at a time. Between its two steps this page renders the map at each of the case's key moments
// with the wall's own map (map-picture.ts) and hands the pictures over for the report.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCheck, CaseExportResult, CasePlan } from '../../../core/contract';
import type { IncidentKind } from '../../../core/domain';
import { formatFullDateTime } from '../i18n/format';
import { dataUrlOf, type MapPictures, openMapPictures } from '../map/map-picture';
import { useObservable, useRuntime, useTimeZone, useWall, type WallRuntime } from './context';
import { explainError } from './incident-actions';

/** What a case is asked for: an incident, or a period (epoch ms). */
export type CaseSubject = { incidentId: string } | { from: number; to: number };

/** The card's state: asking, written (and maybe checked), or refused with why. */
export type CaseExportView =
  | { state: 'exporting'; subject: CaseSubject; drawing?: { n: number; count: number } }
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

/** a key moment's picture: the size of a 1280×800 screen, what a report page shows well */
export const PICTURE_SIZE = { width: 1280, height: 800 };

/** A blob's bytes as base64. */
async function base64Of(blob: Blob): Promise<string> {
  const url = await dataUrlOf(blob);
  return url.slice(url.indexOf(',') + 1);
}

/**
 * Each key moment of the plan drawn by this page's own map (one map for all of them) and sent in
 * parts; a moment that cannot be drawn or sent is left to the services' sketch.
 */
async function drawMoments(runtime: WallRuntime, plan: CasePlan, subject: CaseSubject, words: Words): Promise<void> {
  const held: { pictures: MapPictures | null } = { pictures: null };
  try {
    for (const m of plan.moments) await drawMoment(runtime, plan, subject, words, m, held);
  } finally {
    held.pictures?.close();
  }
}

/** One key moment drawn (on the held pictures' map, opened for the first) and sent. */
async function drawMoment(runtime: WallRuntime, plan: CasePlan, subject: CaseSubject, words: Words, m: CasePlan['moments'][number], held: { pictures: MapPictures | null }): Promise<void> {
  const { bridge, store } = runtime;
  runtime.caseExport.set({ state: 'exporting', subject, drawing: { n: m.index + 1, count: plan.moments.length } });
  const situation = await bridge.request('case.moment', { token: plan.token, index: m.index });
  if (!situation.ok) {
    console.warn(`case ${plan.caseId}: no situation for moment ${m.index}: ${situation.error}`);
    return;
  }
  const s = store.getState();
  let data: string;
  try {
    const title = situation.value.incidents.find((i) => i.id === m.incidentId)?.title ?? m.incidentId;
    const caption = words.t('cases.pictureCaption', { time: formatFullDateTime(m.at, words.timeZone), what: m.kinds.map((k) => words.t(`cases.moment.${k}`)).join('、'), title });
    const moment = { situation: situation.value, at: m.at, incidentId: m.incidentId, caption };
    held.pictures ??= openMapPictures({ reference: s.reference, health: s.health!, ...PICTURE_SIZE, kindLabel: (k: IncidentKind) => words.t(`kinds.${k}`), language: words.language }, moment);
    data = await base64Of(await held.pictures.draw(moment));
  } catch (e) {
    console.warn(`case ${plan.caseId}: moment ${m.index} not drawn: ${(e as Error).message}`);
    // a map that failed once is not trusted with the next moment: the next opens its own
    held.pictures?.close();
    held.pictures = null;
    return;
  }
  const parts = Math.ceil(data.length / plan.partChars);
  for (let part = 0; part < parts; part++) {
    const r = await bridge.request('case.picture', { token: plan.token, index: m.index, part, parts, data: data.slice(part * plan.partChars, (part + 1) * plan.partChars) });
    if (!r.ok) {
      console.warn(`case ${plan.caseId}: moment ${m.index} not sent: ${r.error}`);
      break;
    }
  }
}

interface Words {
  t: T;
  language: string;
  timeZone: string;
}

async function runExport(runtime: WallRuntime, subject: CaseSubject, words: Words): Promise<void> {
  const view = runtime.caseExport;
  if (view.get()?.state === 'exporting') return;
  view.set({ state: 'exporting', subject });
  const done = (r: Awaited<ReturnType<typeof runtime.bridge.request<'case.export'>>>) => view.set(r.ok ? { state: 'done', result: r.value, check: null } : { state: 'failed', error: r.error });
  // without WebGL this page cannot draw a map: the services sketch the moments
  if (runtime.store.getState().webgl !== 'ok') return done(await runtime.bridge.request('case.export', subject));
  const plan = await runtime.bridge.request('case.prepare', subject);
  if (!plan.ok) return done(plan);
  try {
    await drawMoments(runtime, plan.value, subject, words);
  } catch (e) {
    await runtime.bridge.request('case.abandon', { token: plan.value.token });
    view.set({ state: 'failed', error: (e as Error).message });
    return;
  }
  done(await runtime.bridge.request('case.export', { token: plan.value.token }));
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
  const { t, i18n } = useTranslation();
  const timeZone = useTimeZone();
  const runtime = useRuntime();
  const records = useWall((s) => !!s.health?.journal);
  const view = useObservable(runtime.caseExport);
  if (!records) return null;
  const busy = view?.state === 'exporting';
  return (
    <button type="button" className={`btn case-export${className ? ` ${className}` : ''}`} data-testid={testId} disabled={busy} title={t('cases.exportTitle')} onMouseDown={(e) => e.preventDefault()} onClick={() => void runExport(runtime, subject, { t: t as unknown as T, language: i18n.language, timeZone })}>
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

/** How many of the key moments' maps the wall rendered itself (the rest are the services' sketches). */
function MapPictures({ files, t }: { files: CaseExportResult['files']; t: T }) {
  const count = files.filter((f) => /^map-\d+-[a-zA-Z]+\.png$/.test(f.name)).length;
  if (count === 0) return null;
  return (
    <div className="case-pictures" data-testid="case-pictures" data-count={count}>
      {t('cases.pictures', { count })}
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
      {view.state === 'exporting' && (
        <div className="case-title" data-testid="case-progress">
          {view.drawing ? t('cases.drawing', { n: view.drawing.n, count: view.drawing.count }) : t('cases.exporting')}
        </div>
      )}
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
          <MapPictures files={view.result.files} t={t as unknown as T} />
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

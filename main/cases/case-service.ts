// Case export and its check for the wall's pages, over the bridge (both shells): the same export as
// POST /api/cases (export.ts), and a check of a case this wall wrote (manifest.ts), so an official
// can export and verify from the replay without a terminal. Requests are parsed here; refusals are
// errors whose prefix the renderer explains (invalid, not_found, busy, failed).
//
// From a page the export comes in steps, so that the report's map pictures are the wall's own:
// `prepare` writes all but the report and answers the key moments; the page asks the situation at
// each (`moment`), renders it with its own map and sends the PNG in parts (`picture`); `export`
// with the plan's token writes the report with those pictures (sketches for any missing). A plan
// nobody comes back to for PLAN_IDLE_MS is given up, and the wall may write the next case.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Principal } from '../../core/auth/principal.js';
import type { CaseCheck, CaseCopyCheck, CaseExportResult, CasePlan } from '../../core/contract.js';
import { snapshotOf, type SituationSnapshot } from '../../core/situation/situation.js';
import { parseCaseRequest } from './case-request.js';
import { beginCase, CASES_DIR, dataDirOf, exportCase, type CaseDraft, type CaseExport, type CaseProblem } from './export.js';
import { verifyCaseFolder, verifyCaseZip, type VerifyReport } from './manifest.js';
import { parsePicturePart, PictureAssembly, PICTURE_PART_CHARS } from './picture.js';

type ExportHost = Parameters<typeof exportCase>[0];

export interface CaseService {
  /** the whole export at once (sketches for the map), or the end of a plan (`params.token`) */
  export(params: unknown, who: Principal, from: string | undefined): Promise<CaseExportResult>;
  /** the first step of an export whose map pictures the asking page renders */
  prepare(params: unknown, who: Principal, from: string | undefined): Promise<CasePlan>;
  /** the recorded situation at one of a plan's key moments */
  moment(params: unknown, who: Principal): Promise<SituationSnapshot>;
  /** a part of one moment's picture (PNG, base64) */
  picture(params: unknown, who: Principal): { index: number; complete: boolean };
  /** gives a plan up: nothing of it stays */
  abandon(params: unknown, who: Principal): Promise<{ abandoned: boolean }>;
  verify(params: unknown): Promise<CaseCheck>;
}

/** a plan nobody asked anything of for this long is given up */
export const PLAN_IDLE_MS = 2 * 60_000;

interface Plan {
  token: string;
  draft: CaseDraft;
  who: Principal;
  pictures: Map<number, Uint8Array>;
  parts: Map<number, PictureAssembly>;
  timer: NodeJS.Timeout | null;
}

/** what caseIdOf makes: never a path of its own */
const CASE_ID = /^case-[A-Za-z0-9._-]{1,200}$/;

const PREFIX: Record<CaseProblem['status'], string> = { 400: 'invalid', 404: 'not_found', 409: 'busy', 500: 'failed' };

function copyCheck(r: VerifyReport): CaseCopyCheck {
  return { ok: r.ok, listed: r.listed, intact: r.intact, problems: r.problems.map((p) => ({ name: p.name, kind: p.kind, message: p.message })), manifestSha256: r.manifestSha256 };
}

function exportResult(e: CaseExport): CaseExportResult {
  const m = e.manifest;
  return {
    caseId: m.caseId,
    path: e.shown.path,
    zip: e.shown.zip,
    from: m.period.fromMs,
    to: m.period.toMs,
    files: m.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 })),
    manifestSha256: e.manifestSha256,
    notes: e.notes.map((n) => ({ en: n.en, zh: n.zh })),
  };
}

const sameOne = (a: Principal, b: Principal) => a.name === b.name && a.role === b.role;

export function caseService(host: ExportHost, o: { mediaDir?: string; planIdleMs?: number } = {}): CaseService {
  let plan: Plan | null = null;
  const idleMs = o.planIdleMs ?? PLAN_IDLE_MS;
  const parse = (params: unknown) => {
    const req = parseCaseRequest(typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {});
    if (!req.ok) throw new Error(`invalid: ${req.error}`);
    return req.value;
  };
  const options = (from: string | undefined) => ({ ...(from ? { remote: from } : {}), ...(o.mediaDir ? { mediaDir: o.mediaDir } : {}) });
  const drop = (p: Plan) => {
    if (p.timer) clearTimeout(p.timer);
    if (plan === p) plan = null;
  };
  const touch = (p: Plan) => {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      drop(p);
      void p.draft.abandon();
    }, idleMs);
    p.timer.unref?.();
  };
  /** the plan a request names, if it is this principal's */
  const planOf = (params: unknown, who: Principal): Plan => {
    const token = (params as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token.length > 64) throw new Error('invalid: token must be the one case.prepare answered');
    if (!plan || plan.token !== token) throw new Error('not_found: no such case being prepared (it was written, given up, or left idle too long)');
    if (!sameOne(plan.who, who)) throw new Error('forbidden: the case is being prepared by someone else');
    touch(plan);
    return plan;
  };
  return {
    async export(params, who, from) {
      if ((params as { token?: unknown } | null)?.token !== undefined) {
        const p = planOf(params, who);
        drop(p);
        const r = await p.draft.finish(p.pictures);
        if (!r.ok) throw new Error(`${PREFIX[r.error.status]}: ${r.error.error}`);
        return exportResult(r.value);
      }
      const r = await exportCase(host, parse(params), who, options(from));
      if (!r.ok) throw new Error(`${PREFIX[r.error.status]}: ${r.error.error}`);
      return exportResult(r.value);
    },
    async prepare(params, who, from) {
      const r = await beginCase(host, parse(params), who, options(from));
      if (!r.ok) throw new Error(`${PREFIX[r.error.status]}: ${r.error.error}`);
      const d = r.value;
      const p: Plan = { token: randomBytes(16).toString('hex'), draft: d, who, pictures: new Map(), parts: new Map(), timer: null };
      plan = p;
      touch(p);
      return {
        token: p.token,
        caseId: d.caseId,
        from: d.from,
        to: d.to,
        moments: d.moments.map((m, index) => ({ index, at: m.at, incidentId: m.incidentId, kinds: [...m.kinds] })),
        idleMs,
        partChars: PICTURE_PART_CHARS,
      };
    },
    async moment(params, who) {
      const p = planOf(params, who);
      const index = (params as { index?: unknown }).index;
      const m = typeof index === 'number' && Number.isInteger(index) ? p.draft.moments[index] : undefined;
      if (!m) throw new Error(`invalid: index must be a moment of this case (0 to ${p.draft.moments.length - 1})`);
      // a closed incident leaves the map: its closing is pictured at the last instant it was on it
      const s = await host.recording!.situationAt(m.kinds.includes('closed') ? m.at - 1 : m.at);
      if (!s.ok) throw new Error(`${s.error.status === 500 ? 'failed' : 'not_found'}: ${s.error.error}`);
      return snapshotOf(s.value);
    },
    picture(params, who) {
      const p = planOf(params, who);
      const part = parsePicturePart(params, p.draft.moments.length);
      if (!part.ok) throw new Error(`invalid: ${part.error}`);
      const { index } = part.value;
      let a = p.parts.get(index);
      if (!a) p.parts.set(index, (a = new PictureAssembly()));
      const r = a.add(part.value);
      if (!r.ok) throw new Error(`invalid: ${r.error}`);
      if (r.value) p.pictures.set(index, r.value);
      return { index, complete: r.value !== null };
    },
    async abandon(params, who) {
      const p = planOf(params, who);
      drop(p);
      await p.draft.abandon();
      return { abandoned: true };
    },
    async verify(params) {
      const caseId = (params as { caseId?: unknown } | null)?.caseId;
      if (typeof caseId !== 'string' || !CASE_ID.test(caseId)) throw new Error('invalid: caseId must be a case this wall wrote (case-…)');
      const data = dataDirOf(host);
      if (!data) throw new Error('not_found: this wall keeps no recording, so it wrote no cases');
      const dir = join(data, CASES_DIR, caseId);
      const [folder, zip] = await Promise.all([verifyCaseFolder(dir), verifyCaseZip(`${dir}.zip`)]);
      if (folder.caseId === null && zip.caseId === null && folder.problems.every((p) => p.kind === 'manifest' || p.kind === 'missing')) throw new Error(`not_found: no case ${caseId} in this wall's data folder`);
      return { caseId, ok: folder.ok && zip.ok, folder: copyCheck(folder), zip: copyCheck(zip) };
    },
  };
}

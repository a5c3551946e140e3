// Case export and its check for the wall's pages, over the bridge (both shells): the same export as
// POST /api/cases (export.ts), and a check of a case this wall wrote (manifest.ts), so an official
// can export and verify from the replay without a terminal. Requests are parsed here; refusals are
// errors whose prefix the renderer explains (invalid, not_found, busy, failed).
import { join } from 'node:path';
import type { Principal } from '../../core/auth/principal.js';
import type { CaseCheck, CaseCopyCheck, CaseExportResult } from '../../core/contract.js';
import { parseCaseRequest } from './case-request.js';
import { CASES_DIR, dataDirOf, exportCase, type CaseProblem } from './export.js';
import { verifyCaseFolder, verifyCaseZip, type VerifyReport } from './manifest.js';

type ExportHost = Parameters<typeof exportCase>[0];

export interface CaseService {
  export(params: unknown, who: Principal, from: string | undefined): Promise<CaseExportResult>;
  verify(params: unknown): Promise<CaseCheck>;
}

/** what caseIdOf makes: never a path of its own */
const CASE_ID = /^case-[A-Za-z0-9._-]{1,200}$/;

const PREFIX: Record<CaseProblem['status'], string> = { 400: 'invalid', 404: 'not_found', 409: 'busy', 500: 'failed' };

function copyCheck(r: VerifyReport): CaseCopyCheck {
  return { ok: r.ok, listed: r.listed, intact: r.intact, problems: r.problems.map((p) => ({ name: p.name, kind: p.kind, message: p.message })), manifestSha256: r.manifestSha256 };
}

export function caseService(host: ExportHost, o: { mediaDir?: string } = {}): CaseService {
  return {
    async export(params, who, from) {
      const req = parseCaseRequest(typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {});
      if (!req.ok) throw new Error(`invalid: ${req.error}`);
      const r = await exportCase(host, req.value, who, { ...(from ? { remote: from } : {}), ...(o.mediaDir ? { mediaDir: o.mediaDir } : {}) });
      if (!r.ok) throw new Error(`${PREFIX[r.error.status]}: ${r.error.error}`);
      const m = r.value.manifest;
      return {
        caseId: m.caseId,
        path: r.value.shown.path,
        zip: r.value.shown.zip,
        from: m.period.fromMs,
        to: m.period.toMs,
        files: m.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 })),
        manifestSha256: r.value.manifestSha256,
        notes: r.value.notes.map((n) => ({ en: n.en, zh: n.zh })),
      };
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

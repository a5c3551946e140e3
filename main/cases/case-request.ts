// What POST /api/cases asks for: one incident (`{ "incidentId" }`) or a period (`{ "from", "to" }`,
// ISO-8601 or epoch ms, at most 24 h), and the case's id. Pure.
import { err, ok, type Result } from '../../core/result.js';

export const MAX_CASE_PERIOD_MS = 24 * 3_600_000;
/** an incident's case starts this long before it started and ends this long after it closed */
export const CASE_MARGIN_MS = 2 * 60_000;

export type CaseRequest = { kind: 'incident'; incidentId: string } | { kind: 'period'; from: number; to: number };

/** An instant from a body: epoch ms (a number or a string of digits), or an ISO-8601 text. */
export function instantOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

const HOW = 'send { "incidentId": "…" }, or { "from": …, "to": … } (ISO-8601 like 2026-12-05T08:30:00Z, or epoch milliseconds; at most 24 hours)';

export function parseCaseRequest(body: Record<string, unknown>): Result<CaseRequest, string> {
  const hasIncident = body.incidentId !== undefined;
  const hasPeriod = body.from !== undefined || body.to !== undefined;
  if (hasIncident && hasPeriod) return err(`either an incident or a period, not both: ${HOW}`);
  if (hasIncident) {
    if (typeof body.incidentId !== 'string' || body.incidentId.length === 0 || body.incidentId.length > 256) return err('incidentId must be an incident id (a string of 1 to 256 characters)');
    return ok({ kind: 'incident', incidentId: body.incidentId });
  }
  if (!hasPeriod) return err(HOW);
  const from = instantOf(body.from);
  const to = instantOf(body.to);
  if (from === null || to === null) return err(`from and to must both be ISO-8601 times or epoch milliseconds: ${HOW}`);
  if (to <= from) return err('to must be after from');
  if (to - from > MAX_CASE_PERIOD_MS) return err('a case covers at most 24 hours: export a longer time as several cases');
  return ok({ kind: 'period', from, to });
}

/** 2026-12-05T08:30:05.123Z → 20261205T083005Z */
export const compactTime = (at: number): string => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/**
 * case-<incident id or from>-<created>: letters, digits, '.', '_' and '-' only. An incident id that
 * had other characters (Chinese, '/') keeps what it can and gets 8 hex of its hash, so two ids
 * never share a case name.
 */
export function caseIdOf(subject: { incidentId: string } | { from: number }, createdAt: number, hash: (s: string) => string): string {
  let what: string;
  if ('incidentId' in subject) {
    const id = subject.incidentId;
    const clean = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80);
    what = clean === id ? clean : `${clean}${clean ? '-' : ''}${hash(id).slice(0, 8)}`;
  } else what = compactTime(subject.from);
  return `case-${what}-${compactTime(createdAt)}`;
}

// The audit log's chain, pure: how a record becomes its one line, how consecutive lines are
// checked (each carries the SHA-256 of the line before it, so an edited, deleted or moved line
// breaks the chain where it stood), and the CSV export. No file system and no hashing here: the
// callers (main/services/audit-log.ts, scripts/audit-verify.ts) pass `sha256hex` in.
// The format and its limits: docs/audit.md.

export const GENESIS = '0'.repeat(64);

export const AUDIT_KINDS = ['started', 'sign_in', 'sign_in_failed', 'sign_out', 'action', 'refused', 'published', 'recovered', 'points'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** what a caller appends */
export interface AuditEntryInput {
  kind: AuditKind;
  /** operator or machine client name; absent for the wall itself */
  actor?: string;
  role?: string;
  /** how the actor was known: 'session' | 'token' | 'anonymous' | 'electron' | ... free string */
  via?: string;
  incidentId?: string;
  /** the action kind, HTTP route or topic concerned */
  what?: string;
  /** free details (action params, recipients, reason); JSON-serialisable, bounded by the caller */
  detail?: Record<string, unknown>;
  /** why something was refused or failed */
  reason?: string;
  /** remote address for HTTP requests */
  from?: string;
}

/** a line as stored: the input plus */
export interface AuditRecord extends AuditEntryInput {
  seq: number;
  at: number;
  prev: string;
}

/** the optional text fields, in the order they are written (and exported) */
const TEXT_FIELDS = ['actor', 'role', 'via', 'incidentId', 'what', 'reason', 'from'] as const;
/** every key a line may hold, in its fixed order */
const KEYS = new Set<string>(['seq', 'at', 'kind', ...TEXT_FIELDS, 'detail', 'prev']);
const KIND_SET = new Set<string>(AUDIT_KINDS);
const HASH = /^[0-9a-f]{64}$/;

/** serialises a record to its one line (no newline), keys in a fixed order so the hash is stable */
export function serialiseRecord(r: AuditRecord): string {
  const o: Record<string, unknown> = { seq: r.seq, at: r.at, kind: r.kind };
  for (const k of TEXT_FIELDS) if (r[k] !== undefined) o[k] = r[k];
  if (r.detail !== undefined) o.detail = r.detail;
  o.prev = r.prev;
  // JSON.stringify escapes every control character: the line can never hold a newline
  return JSON.stringify(o);
}

/**
 * Reads one line back into its record, or says why it is not one. A line must be exactly what
 * serialiseRecord writes for the record it holds (same keys, same order, no added whitespace):
 * an edit that keeps the JSON valid but changes the form is caught even on the newest line,
 * which no later line's hash protects.
 */
export function parseRecord(line: string): { ok: true; record: AuditRecord } | { ok: false; parses: boolean; why: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, parses: false, why: 'does not parse as JSON (torn or edited?)' };
  }
  const bad = (why: string) => ({ ok: false as const, parses: true, why: `not an audit record: ${why}` });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) return bad(`unknown key "${k.slice(0, 40)}"`);
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1) return bad('seq is not a positive integer');
  if (typeof o.at !== 'number' || !Number.isFinite(o.at)) return bad('at is not a number');
  if (typeof o.kind !== 'string' || !KIND_SET.has(o.kind)) return bad(`unknown kind ${JSON.stringify(o.kind)?.slice(0, 40)}`);
  if (typeof o.prev !== 'string' || !HASH.test(o.prev)) return bad('prev is not a SHA-256 in hex');
  for (const k of TEXT_FIELDS) if (o[k] !== undefined && typeof o[k] !== 'string') return bad(`${k} is not a string`);
  if (o.detail !== undefined && (typeof o.detail !== 'object' || o.detail === null || Array.isArray(o.detail))) return bad('detail is not an object');
  const record = o as unknown as AuditRecord;
  if (serialiseRecord(record) !== line) return { ok: false, parses: true, why: 'not in the form the wall writes (edited?)' };
  return { ok: true, record };
}

/** where a chain stands after a line: the hash of that line's text and its seq (null: not known) */
export interface ChainState {
  prev: string;
  seq: number | null;
}

export type LineProblem = 'parse' | 'shape' | 'seq' | 'prev' | 'seq+prev';

export interface LineCheck {
  /** the record the line holds, null when it holds none */
  record: AuditRecord | null;
  /** sha256 of the line's text: the next line's prev */
  hash: string;
  problem: LineProblem | null;
  why: string | null;
  /** where the chain stands after this line, whatever was wrong with it (so one damaged line is reported once) */
  next: ChainState;
}

/** checks one line against where the chain stands before it */
export function checkLine(line: string, state: ChainState, sha256hex: (s: string) => string): LineCheck {
  const hash = sha256hex(line);
  const parsed = parseRecord(line);
  if (!parsed.ok) {
    return { record: null, hash, problem: parsed.parses ? 'shape' : 'parse', why: parsed.why, next: { prev: hash, seq: state.seq === null ? null : state.seq + 1 } };
  }
  const r = parsed.record;
  const seqOk = state.seq === null || r.seq === state.seq + 1;
  const prevOk = r.prev === state.prev;
  const next = { prev: hash, seq: r.seq };
  if (seqOk && prevOk) return { record: r, hash, problem: null, why: null, next };
  const expected = state.seq === null ? '' : ` where ${state.seq + 1} was expected`;
  if (!seqOk && !prevOk) return { record: r, hash, problem: 'seq+prev', why: `seq ${r.seq}${expected} and prev hash does not match the previous line (a line deleted, moved or edited?)`, next };
  if (!seqOk) return { record: r, hash, problem: 'seq', why: `seq ${r.seq}${expected} (a line deleted, duplicated or moved?)`, next };
  return { record: r, hash, problem: 'prev', why: 'prev hash does not match the previous line (edited or deleted?)', next };
}

/** verifies consecutive lines: each parses, seq increases by 1, prev = sha256 of the previous line text (GENESIS or the given prev for the first) */
export function verifyLines(
  lines: string[],
  opts: { prev: string; firstSeq?: number; sha256hex: (s: string) => string },
): { ok: true; entries: number; lastHash: string; lastSeq: number } | { ok: false; entries: number; line: number; why: string } {
  let state: ChainState = { prev: opts.prev, seq: opts.firstSeq === undefined ? null : opts.firstSeq - 1 };
  for (let i = 0; i < lines.length; i++) {
    const c = checkLine(lines[i], state, opts.sha256hex);
    if (c.problem) return { ok: false, entries: i, line: i + 1, why: c.why ?? c.problem };
    state = c.next;
  }
  return { ok: true, entries: lines.length, lastHash: state.prev, lastSeq: state.seq ?? (opts.firstSeq ?? 1) - 1 };
}

// ---- CSV (RFC 4180) ----

export const CSV_COLUMNS = ['seq', 'at', 'kind', 'actor', 'role', 'via', 'incidentId', 'what', 'reason', 'from', 'detail', 'prev'] as const;

/**
 * One cell. A cell a spreadsheet would run as a formula (= + - @, and tab or carriage return,
 * which some spreadsheets skip before one) gets a leading apostrophe (OWASP "CSV injection");
 * a cell holding a comma, quote or line break is quoted, its quotes doubled.
 */
export function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const isoAt = (at: number): string => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toISOString();
};

/** one record's row, without its line break */
export function csvRow(r: AuditRecord): string {
  const cells = [String(r.seq), isoAt(r.at), r.kind, ...TEXT_FIELDS.map((k) => r[k] ?? ''), r.detail === undefined ? '' : JSON.stringify(r.detail), r.prev];
  // CSV_COLUMNS order: seq, at, kind, actor, role, via, incidentId, what, reason, from, detail, prev
  return cells.map(csvCell).join(',');
}

/** the header row, without its line break */
export const CSV_HEADER = CSV_COLUMNS.join(',');

/** header row + one row per record, each ending CRLF (RFC 4180) */
export function recordsToCsv(records: AuditRecord[]): string {
  return [CSV_HEADER, ...records.map(csvRow)].map((l) => `${l}\r\n`).join('');
}

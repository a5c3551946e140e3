// The HTTP API (docs/http-api.md): the same actions as the wall's buttons, for a city's CAD system
// or a script, with the same checks (desk.ts) and the same audit. Errors are JSON with a message a
// person can act on: 400 malformed, 401 not signed in, 403 role may not, 404 no such thing, 409
// not from this state (or an Idempotency-Key reused for another request), 429 too many sign-ins.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../core/auth/principal.js';
import { sessionInfo } from '../../core/auth/principal.js';
import { recordsToCsv } from '../../core/audit/chain.js';
import { etaSeconds } from '../../core/dispatch/nearest.js';
import type { Incident, OperatorActionKind } from '../../core/domain.js';
import { distanceMeters } from '../../core/geo/polygon.js';
import { err, ok, type Result } from '../../core/result.js';
import { MAX_NOTE_LENGTH } from '../../core/situation/action-params.js';
import { snapshotOf, type SituationSnapshot } from '../../core/situation/situation.js';
import type { DeskRequest } from '../services/desk.js';
import type { Host } from '../services/host.js';
import { clearedSessionCookie, sessionCookie } from '../services/auth.js';
import { decodePath } from './access.js';
import { IdempotencyCache, validKey } from './idempotency.js';
import { parseCaseRequest } from '../cases/case-request.js';
import { exportCase } from '../cases/export.js';

/** Largest request body the API reads. */
const MAX_BODY = 64 * 1024;

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** text instead of JSON (CSV) */
  text?: { type: string; content: string };
  /** bytes instead of JSON (a zip) */
  bytes?: { type: string; content: Buffer };
}

const answer = (status: number, body: unknown, headers?: Record<string, string>): ApiAnswer => ({ status, body, ...(headers ? { headers } : {}) });
const problem = (status: number, error: string, headers?: Record<string, string>): ApiAnswer => answer(status, { error }, headers);

export function sendAnswer(res: ServerResponse, a: ApiAnswer): void {
  const content = a.bytes ? a.bytes.content : a.text ? a.text.content : JSON.stringify(a.body);
  res.writeHead(a.status, {
    'Content-Type': a.bytes ? a.bytes.type : a.text ? a.text.type : 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(content),
    ...a.headers,
  });
  res.end(content);
}

/** Reads a JSON object body (Content-Type application/json, at most 64 KiB); an empty body is `{}`. */
export function readJsonBody(req: IncomingMessage): Promise<Result<Record<string, unknown>, string>> {
  return new Promise((resolve) => {
    const type = String(req.headers['content-type'] ?? '');
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY) {
      req.resume();
      return resolve(err(`body too large (at most ${MAX_BODY} bytes)`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Result<Record<string, unknown>, string>) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        finish(err(`body too large (at most ${MAX_BODY} bytes)`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => finish(err('request body not received')));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish(ok({}));
      // a form post from another site cannot send JSON with this type without a CORS preflight we never grant
      if (!/^application\/json\s*(;|$)/i.test(type)) return finish(err('send the body as JSON with Content-Type: application/json'));
      try {
        const v = JSON.parse(text) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return finish(err('the body must be a JSON object'));
        finish(ok(v as Record<string, unknown>));
      } catch {
        finish(err('the body is not valid JSON'));
      }
    });
  });
}

/** The incident as the API shows it: its lifecycle state as `status`, responders with where they are now. */
export function incidentView(host: Host, inc: Incident) {
  const units = host.situation.state.units;
  return {
    ...inc,
    status: inc.state,
    open: inc.status === 'open',
    responders: inc.responders.map((r) => {
      const u = units.get(r.unitId);
      const d = u ? Math.round(distanceMeters(inc.lon, inc.lat, u.lon, u.lat)) : r.distanceM;
      return { unitId: r.unitId, ...(r.name ? { name: r.name } : {}), dispatchId: r.dispatchId, answer: r.answer, at: r.at, askedAt: r.askedAt, distanceM: d, etaS: u && r.answer !== 'arrived' && r.answer !== 'done' ? etaSeconds(u.kind, d) : 0, ...(r.note ? { note: r.note } : {}) };
    }),
  };
}

/** What `/status` accepts, and the action each one is. */
const STATUS_ACTIONS: Record<string, OperatorActionKind> = {
  acknowledged: 'ack',
  dispatched: 'dispatch',
  on_scene: 'on_scene',
  resolved: 'resolve',
  false_alarm: 'false_alarm',
  open: 'reopen',
  reopened: 'reopen',
};

const optText = (v: unknown, name: string, max = MAX_NOTE_LENGTH): Result<string | undefined, string> => {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v !== 'string' || v.length > max) return err(`${name} must be a string of at most ${max} characters`);
  return ok(v.trim() || undefined);
};

/** The desk request a POST route asks for, from its body; a 400 message when the body is wrong. */
function deskRequestFor(incidentId: string, verb: string, body: Record<string, unknown>): Result<DeskRequest, string> {
  const note = optText(body.note, 'note');
  if (!note.ok) return note;
  const n = note.value ? { note: note.value } : {};
  switch (verb) {
    case 'ack':
      return ok({ op: 'act', incidentId, kind: 'ack', ...n });
    case 'note':
      if (!note.value) return err('send { "note": "…" }');
      return ok({ op: 'act', incidentId, kind: 'note', note: note.value });
    case 'dispatch': {
      const ids = body.unitIds;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((u) => typeof u === 'string' && u.length > 0 && u.length <= 256)) return err('send { "unitIds": ["…"] }: the units to send');
      return ok({ op: 'assign', incidentId, unitIds: ids as string[], ...n });
    }
    case 'broadcast': {
      const message = optText(body.message, 'message');
      if (!message.ok) return message;
      if (body.radiusM !== undefined && (typeof body.radiusM !== 'number' || !Number.isFinite(body.radiusM) || body.radiusM < 50 || body.radiusM > 5000)) return err('radiusM must be a number of metres from 50 to 5000');
      const text = message.value ?? note.value;
      return ok({ op: 'broadcast', incidentId, ...(typeof body.radiusM === 'number' ? { radiusM: body.radiusM } : {}), ...(text ? { note: text } : {}) });
    }
    case 'status': {
      const kind = typeof body.status === 'string' ? STATUS_ACTIONS[body.status] : undefined;
      if (!kind) return err(`status must be one of ${Object.keys(STATUS_ACTIONS).join(', ')}`);
      return ok({ op: 'act', incidentId, kind, ...n });
    }
    case 'merge':
      if (typeof body.into !== 'string' || body.into.length === 0 || body.into.length > 256) return err('send { "into": "<incident id>" }');
      return ok({ op: 'act', incidentId, kind: 'merge', into: body.into, ...n });
    case 'verify':
      return ok({ op: 'act', incidentId, kind: 'verify_clue', ...n });
    case 'reject': {
      const reason = optText(body.reason ?? body.note, 'reason');
      if (!reason.ok) return reason;
      if (!reason.value) return err('send { "reason": "…" }: the reporter is told why');
      return ok({ op: 'act', incidentId, kind: 'reject_clue', note: reason.value });
    }
  }
  return err(`no such action ${verb.slice(0, 40)}`);
}

const epochOf = (v: string | null): number | undefined | null => {
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : null;
};

export interface ApiRequest {
  method: string;
  /** the raw path, starting /api/ */
  path: string;
  query: string;
  principal: Principal | null;
  sessionId?: string;
  badToken?: boolean;
  from: string;
  idempotencyKey?: string;
  body?: Record<string, unknown>;
  /** the folder the shell serves /media/ from (a case report inlines its photos) */
  mediaDir?: string;
}

const NOT_SIGNED_IN = 'sign in first: POST /api/session with { "name", "password" }, or send Authorization: Bearer <token>';

/** Routes one API request (the body, for POSTs, already read). */
export function routeApi(host: Host, idem: IdempotencyCache, r: ApiRequest): ApiAnswer | Promise<ApiAnswer> {
  const decoded = decodePath(r.path);
  if (decoded === null) return problem(400, 'malformed path');
  const parts = decoded.split('/').slice(2); // ['', 'api', …]
  const route = parts[0];

  if (route === 'health' && parts.length === 1) return r.method === 'GET' || r.method === 'HEAD' ? answer(200, host.health()) : methodNotAllowed('GET');
  if (route === 'session' && parts.length === 1) {
    if (r.method === 'GET' || r.method === 'HEAD') return answer(200, sessionInfo(r.principal, host.auth.required));
    if (r.method === 'DELETE') {
      if (r.sessionId && host.auth.signOut(r.sessionId, r.from)) host.hub.endSession(r.sessionId);
      return answer(200, sessionInfo(host.auth.anonymous, host.auth.required), { 'Set-Cookie': clearedSessionCookie });
    }
    return methodNotAllowed('GET, POST, DELETE');
  }

  // everything else is for people and clients the wall knows
  if (!r.principal) {
    if (r.method === 'POST') host.audit({ kind: 'refused', from: r.from, what: `POST ${decoded.slice(0, 100)}`, reason: r.badToken ? 'unknown bearer token' : 'not signed in' });
    return problem(401, r.badToken ? 'the bearer token is not one this wall knows' : NOT_SIGNED_IN, { 'WWW-Authenticate': 'Bearer realm="watchfloor"' });
  }
  const p = r.principal;
  const get = r.method === 'GET' || r.method === 'HEAD';

  if (parts.length === 1 && get) {
    const past = pastQuery(host, route, new URLSearchParams(r.query));
    if (past) return past;
    if (route === 'situation') {
      return answer(200, situationView(host.situation.snapshot()));
    }
    if (route === 'rejects') return answer(200, host.situation.state.rejects);
    if (route === 'reference') return answer(200, host.reference());
    if (route === 'incidents') return answer(200, [...host.situation.state.incidents.values()].map((i) => ({ id: i.id, title: i.title, kind: i.kind, priority: i.priority, status: i.state, open: i.status === 'open', startedAt: i.startedAt, lastSeen: i.lastSeen })));
  }
  if (route === 'audit' && parts.length === 1) {
    if (!get) return methodNotAllowed('GET');
    if (!host.auditLog) return problem(404, 'no audit log: the wall runs without a data folder (--data DIR)');
    const q = new URLSearchParams(r.query);
    const from = epochOf(q.get('from'));
    const to = epochOf(q.get('to'));
    if (from === null || to === null) return problem(400, 'from and to are ISO-8601 times or epoch milliseconds');
    const format = q.get('format') ?? 'json';
    if (format !== 'json' && format !== 'csv') return problem(400, 'format is json or csv');
    const records = host.auditLog.query({ ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
    if (format === 'csv') return { status: 200, body: null, text: { type: 'text/csv; charset=utf-8', content: recordsToCsv(records) }, headers: { 'Content-Disposition': 'attachment; filename="watchfloor-audit.csv"' } };
    return answer(200, records);
  }
  if (route === 'diagnostics' && parts.length === 1) {
    if (r.method !== 'GET') return methodNotAllowed('GET');
    return getDiagnostics(host, r, p);
  }
  if (route === 'layout' && parts.length <= 2) return layoutRoute(host, idem, r, p, parts[1]);
  if (route === 'cases' && parts.length === 1) {
    if (r.method !== 'POST') return methodNotAllowed('POST');
    return postCase(host, r, p);
  }
  if (route === 'reporters' && parts.length === 2) {
    if (!get) return methodNotAllowed('GET');
    return answer(200, host.points.reporter(parts[1]));
  }
  if ((route === 'incidents' || route === 'clues') && parts.length >= 2 && parts.length <= 3) {
    const id = parts[1];
    const inc = host.situation.state.incidents.get(id);
    if (parts.length === 2) {
      if (!get) return methodNotAllowed('GET');
      if (!inc) return problem(404, `no incident ${id.slice(0, 80)} (closed incidents leave the wall after situation.closedRetentionMs)`);
      if (route === 'clues' && !inc.clue) return problem(404, `incident ${id.slice(0, 80)} is not a citizen clue`);
      return answer(200, incidentView(host, inc));
    }
    const verb = parts[2];
    const allowed = route === 'clues' ? ['verify', 'reject'] : ['ack', 'dispatch', 'broadcast', 'status', 'merge', 'note'];
    if (!allowed.includes(verb)) return problem(404, `no such endpoint ${decoded.slice(0, 100)}`);
    if (r.method !== 'POST') return methodNotAllowed('POST');
    return keyed(idem, r, p, () => act(host, r, p, id, verb));
  }
  return problem(404, `no such endpoint ${decoded.slice(0, 100)}`);
}

const NO_JOURNAL = 'no recording: the wall runs without a data folder (--data DIR) or with journal.enabled false';

/** The situation's shape, live or from the recording: the same fields either way. */
const situationView = (s: SituationSnapshot) => ({ incidents: s.incidents, units: s.units, kiosks: s.kiosks, cameras: s.cameras, stats: s.stats, now: s.now });

/**
 * Questions about the past (docs/http-api.md): /api/recordings, /api/situation?at=,
 * /api/incidents?from=&to=. Null when the request is about now.
 */
function pastQuery(host: Host, route: string, q: URLSearchParams): ApiAnswer | Promise<ApiAnswer> | null {
  if (route === 'recordings') {
    if (!host.recording || !host.journal) return problem(404, NO_JOURNAL);
    return answer(200, { range: host.recording.range(), files: host.journal.recordings(), health: host.health().journal });
  }
  if (route === 'situation' && q.has('at')) {
    const at = epochOf(q.get('at'));
    if (at === null || at === undefined) return problem(400, 'at is an ISO-8601 time (2026-12-05T08:30:00Z) or epoch milliseconds');
    if (!host.recording) return problem(404, NO_JOURNAL);
    return host.recording.situationAt(at).then((r) => (r.ok ? answer(200, { ...situationView(snapshotOf(r.value)), at, replayed: true }) : problem(r.error.status, r.error.error)));
  }
  if (route === 'incidents' && (q.has('from') || q.has('to'))) {
    const from = epochOf(q.get('from'));
    const to = epochOf(q.get('to'));
    if (from === null || to === null || from === undefined || to === undefined) return problem(400, 'send both from and to, each an ISO-8601 time or epoch milliseconds');
    if (to < from) return problem(400, 'to is before from');
    if (to - from > 31 * 86_400_000) return problem(400, 'a period of at most 31 days');
    if (!host.recording) return problem(404, NO_JOURNAL);
    return host.recording.incidentsBetween(from, to).then((r) => (r.ok ? answer(200, r.value) : problem(r.error.status, r.error.error)));
  }
  return null;
}

/**
 * POST /api/cases: a case export of an incident or a period (docs/cases.md). Any signed-in caller
 * may export (reviewing is an official's job, viewers included); every export is audited.
 */
async function postCase(host: Host, r: ApiRequest, p: Principal): Promise<ApiAnswer> {
  const req = parseCaseRequest(r.body ?? {});
  if (!req.ok) return problem(400, req.error);
  const done = await exportCase(host, req.value, p, { remote: r.from, ...(r.mediaDir ? { mediaDir: r.mediaDir } : {}) });
  if (!done.ok) return problem(done.error.status, done.error.error);
  return answer(200, { path: done.value.shown.path, zip: done.value.shown.zip, manifest: done.value.manifest });
}

/** GET /api/diagnostics: the diagnostics zip for support (main/services/diagnostics.ts), commanders and dispatchers only, audited. */
async function getDiagnostics(host: Host, r: ApiRequest, p: Principal): Promise<ApiAnswer> {
  const done = await host.diagnostics.download(p, r.from);
  if (!done.ok) return problem(done.error.status, done.error.error);
  return { status: 200, body: null, bytes: { type: 'application/zip', content: done.value.data }, headers: { 'Content-Disposition': `attachment; filename="${done.value.name}"` } };
}

/**
 * GET /api/layout, POST /api/layout { preset }, POST /api/layout/revert: the room's presets
 * (docs/http-api.md). Anyone signed in reads; the layout service checks roles and audits.
 */
function layoutRoute(host: Host, idem: IdempotencyCache, r: ApiRequest, p: Principal, sub: string | undefined): ApiAnswer {
  const done = (d: ReturnType<Host['layout']['apply']>) => (d.ok ? answer(200, d.value) : answer(d.error.status, { error: d.error.message, code: d.error.code }));
  if (sub === undefined) {
    if (r.method === 'GET' || r.method === 'HEAD') return answer(200, host.layout.state());
    if (r.method !== 'POST') return methodNotAllowed('GET, POST');
    return keyed(idem, r, p, () => done(host.layout.apply(p, r.body?.preset, r.from)));
  }
  if (sub !== 'revert') return problem(404, `no such endpoint /api/layout/${sub.slice(0, 60)}`);
  if (r.method !== 'POST') return methodNotAllowed('POST');
  return keyed(idem, r, p, () => done(host.layout.revert(p, r.from)));
}

function act(host: Host, r: ApiRequest, p: Principal, id: string, verb: string): ApiAnswer {
  const req = deskRequestFor(id, verb, r.body ?? {});
  if (!req.ok) return problem(400, req.error);
  const actionId = r.idempotencyKey ? IdempotencyCache.actionId(p.name, r.idempotencyKey) : undefined;
  const done = host.desk.perform(p, { ...req.value, ...(actionId ? { actionId } : {}) }, r.from);
  if (!done.ok) return answer(done.error.status, { error: done.error.message, code: done.error.code });
  const inc = host.situation.state.incidents.get(id);
  if (req.value.op === 'broadcast' || req.value.op === 'assign') return answer(200, { dispatchId: done.value.dispatchId ?? null, recipients: done.value.recipients ?? [], duplicate: done.value.duplicate });
  return answer(200, { ok: true, duplicate: done.value.duplicate, ...(inc ? { incident: incidentView(host, inc) } : {}) });
}

/** A POST with an Idempotency-Key answers a repeat with the first answer; a key reused for another request is a conflict. */
function keyed(idem: IdempotencyCache, r: ApiRequest, p: Principal, run: () => ApiAnswer): ApiAnswer {
  const key = r.idempotencyKey;
  if (key === undefined) return run();
  if (!validKey(key)) return problem(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  const request = `${r.method} ${r.path}\n${JSON.stringify(r.body ?? {})}`;
  const seen = idem.lookup(p.name, key, request);
  if (seen === 'conflict') return problem(409, 'this Idempotency-Key was used for a different request: use a new key for a new request');
  if (seen) return { ...answer(seen.status, seen.body), headers: { 'Idempotent-Replayed': 'true' } };
  const a = run();
  idem.store(p.name, key, request, { status: a.status, body: a.body });
  return a;
}

const methodNotAllowed = (allow: string): ApiAnswer => problem(405, `method not allowed here (${allow})`, { Allow: allow });

/** Answers POST /api/session: a sign-in. */
export async function signIn(host: Host, body: Record<string, unknown>, from: string, sessionMaxAgeS: number): Promise<ApiAnswer> {
  const r = await host.auth.signIn(body.name, body.password, from);
  if (!r.ok) return problem(r.error.status, r.error.message, r.error.retryAfterS ? { 'Retry-After': String(r.error.retryAfterS) } : undefined);
  return answer(200, sessionInfo(r.value.principal, host.auth.required), { 'Set-Cookie': sessionCookie(r.value.sessionId, sessionMaxAgeS) });
}

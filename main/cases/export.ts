// Case export (POST /api/cases, docs/cases.md): everything an official reviewing an incident (or a
// period) afterwards needs, in one folder <data>/cases/<case-id>/ and a zip of it beside it:
// recording.mcap (the journal's slice of the period, replayable by the wall's own readers),
// audit.jsonl (the audit lines of the period, as stored), timeline.csv, map-NN-<kind>.png (the
// wall's own map at each key moment, when a wall page drew them: case-service.ts), report.html
// (self-contained) and manifest.json (every other file's size and SHA-256; `npm run case:verify`
// checks them). It comes in two parts (CaseDraft): all but the report, then the report and the rest.
// The period is rebuilt from the recording through the same reducer as live: the situation at its
// start (Recording.replayTo), then every input of it, in windows, yielding to the wall between
// them. Files 0600, folders 0700. The folder appears under its name only once it is complete.
import { mkdir, readdir, rename, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import type { AuditRecord } from '../../core/audit/chain.js';
import { serialiseRecord } from '../../core/audit/chain.js';
import type { Principal } from '../../core/auth/principal.js';
import type { Incident, TrailPoint } from '../../core/domain.js';
import { err, ok, type Result } from '../../core/result.js';
import { apply, type SituationState } from '../../core/situation/situation.js';
import { shownPaths } from '../services/display-path.js';
import { VERSION, type Host } from '../services/host.js';
import { CASE_MARGIN_MS, caseIdOf, MAX_CASE_PERIOD_MS, type CaseRequest } from './case-request.js';
import { caseLabels } from './labels.js';
import { localClock } from './local-time.js';
import { CASE_FORMAT, CASE_VERSION, hashFile, MANIFEST, sha256Hex, type CaseFile, type CaseManifest } from './manifest.js';
import { keyMoments, type KeyMoment } from './key-moments.js';
import { reportHtml, type ReportMedia } from './report-html.js';
import { SliceWriter } from './slice.js';
import { timelineCsv } from './timeline-csv.js';
import { writeZip } from './zip.js';

export const CASES_DIR = 'cases';
export const CASE_FILE_MODE = 0o600;
export const CASE_DIR_MODE = 0o700;
export const CASE_FILES = { recording: 'recording.mcap', audit: 'audit.jsonl', timeline: 'timeline.csv', report: 'report.html' } as const;

/** inputs read from the recording at a time */
const WINDOW_MS = 5 * 60_000;
/** inputs applied between two yields to the wall's other work */
const YIELD_EVERY = 2000;
/** audit lines a case holds at most */
const AUDIT_LIMIT = 1_000_000;
/** audit lines the report lists */
const AUDIT_SHOWN = 500;
/** a photo inlined in the report: at most this large, and all of them together */
const MEDIA_MAX_BYTES = 10 << 20;
const MEDIA_TOTAL_BYTES = 50 << 20;
/** points kept per responder's trail for the sketch */
const TRAIL_POINTS = 5000;

export const NO_JOURNAL = 'no recording: the wall runs without a data folder (--data DIR) or with journal.enabled false, so there is nothing to export';

export interface CaseProblem {
  status: 400 | 404 | 409 | 500;
  error: string;
}

export interface CaseExport {
  /** the case folder and its zip, absolute */
  dir: string;
  zip: string;
  /** the same as shown to clients: relative to <data> */
  shown: { path: string; zip: string };
  manifest: CaseManifest;
  manifestSha256: string;
  /** what a reader should know, in English (as in the manifest) and Chinese */
  notes: CaseNote[];
}

export interface ExportOptions {
  /** the remote address asking (for the audit) */
  remote?: string;
  /** the folder the web shell serves /media/ from: its photos are inlined in the report */
  mediaDir?: string;
  now?: () => number;
}

type CaseHost = Pick<Host, 'journal' | 'recording' | 'auditLog' | 'audit' | 'situation' | 'config'>;

/** one export at a time per wall: each reads up to a day of recording */
const busy = new WeakSet<object>();

const yieldNow = () => new Promise<void>((r) => setImmediate(r));
const iso = (at: number) => new Date(at).toISOString();

/** The data folder: the journal lives in <data>/journal (host.ts journalDir). */
export const dataDirOf = (host: CaseHost): string | null => (host.journal ? dirname(host.journal.health().dir) : null);

/**
 * A case written but for its report: the recording's slice, the audit lines and the timeline are
 * in its unfinished folder, and its key moments are known. A wall page may now render the map at
 * each moment (case-service.ts); `finish` writes the report (with those pictures, or the services'
 * sketches where there are none), the manifest and the zip. Until it finishes or is abandoned the
 * wall writes no other case.
 */
export interface CaseDraft {
  readonly caseId: string;
  readonly from: number;
  readonly to: number;
  /** the moments the report pictures, earliest first (key-moments.ts) */
  readonly moments: readonly KeyMoment[];
  /** writes the rest; `pictures` by moment index (PNG, checked by picture.ts) */
  finish(pictures?: ReadonlyMap<number, Uint8Array>): Promise<Result<CaseExport, CaseProblem>>;
  /** removes what was written and lets the next case be written */
  abandon(): Promise<void>;
}

export async function exportCase(host: CaseHost, req: CaseRequest, who: Principal, o: ExportOptions = {}): Promise<Result<CaseExport, CaseProblem>> {
  const draft = await beginCase(host, req, who, o);
  return draft.ok ? draft.value.finish() : draft;
}

/** The first part of an export (see CaseDraft); the wall is busy with it until it settles. */
export async function beginCase(host: CaseHost, req: CaseRequest, who: Principal, o: ExportOptions = {}): Promise<Result<CaseDraft, CaseProblem>> {
  const dataDir = dataDirOf(host);
  if (!host.journal || !host.recording || !dataDir) return err({ status: 404, error: NO_JOURNAL });
  if (busy.has(host)) return err({ status: 409, error: 'a case export is being written: try again when it is done' });
  busy.add(host);
  let r: Result<Draft, CaseProblem>;
  try {
    r = await begin(host, dataDir, req, who, o);
  } catch (e) {
    busy.delete(host);
    throw e;
  }
  if (!r.ok) {
    busy.delete(host);
    return r;
  }
  const d = r.value;
  let settled = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    return true;
  };
  return ok({
    caseId: d.caseId,
    from: d.from,
    to: d.to,
    moments: d.moments,
    async finish(pictures = new Map()) {
      if (!settle()) return err({ status: 409, error: `case ${d.caseId} was already written or given up` });
      try {
        return await finish(d, pictures);
      } finally {
        busy.delete(host);
      }
    },
    async abandon() {
      if (!settle()) return;
      try {
        await rm(d.tmp, { recursive: true, force: true });
      } finally {
        busy.delete(host);
      }
    },
  });
}

interface Period {
  from: number;
  /** the latest the period may reach */
  limit: number;
  /** the last input on record when the export began */
  recordedTo: number;
  notes: CaseNote[];
}

/** something a reader of the case should know, in the manifest's English and the report's language */
export interface CaseNote {
  en: string;
  zh: string;
}

async function periodOf(host: CaseHost, req: CaseRequest, now: number): Promise<Result<Period, CaseProblem>> {
  const journal = host.journal!;
  const recording = host.recording!;
  journal.flush();
  const recorded = recording.range();
  const held = recorded ? `the recording holds ${iso(recorded.from)} to ${iso(recorded.to)}` : 'nothing is recorded yet';
  if (!recorded) return err({ status: 404, error: `nothing recorded: ${held}` });
  // a wall that is recording holds everything up to now (its last input is at most a tick old)
  const range = { from: recorded.from, to: journal.health().recording ? Math.max(recorded.to, now) : recorded.to };
  const notes: CaseNote[] = [];
  if (req.kind === 'period') {
    if (req.to < range.from || req.from > range.to) return err({ status: 404, error: `nothing recorded between ${iso(req.from)} and ${iso(req.to)}: ${held}` });
    const from = Math.max(req.from, range.from);
    const to = Math.min(req.to, range.to);
    if (from > req.from) notes.push({ en: `the recording begins at ${iso(range.from)}: the case starts there, not at ${iso(req.from)}`, zh: `录像始于 ${iso(range.from)}：案件从此时开始，而非 ${iso(req.from)}` });
    if (to < req.to) notes.push({ en: `the recording ends at ${iso(range.to)}: the case ends there, not at ${iso(req.to)}`, zh: `录像止于 ${iso(range.to)}：案件到此时结束，而非 ${iso(req.to)}` });
    return ok({ from, limit: to, recordedTo: recorded.to, notes });
  }
  const id = req.incidentId;
  let startedAt = host.situation.state.incidents.get(id)?.startedAt;
  if (startedAt === undefined) {
    // it has left the wall: the recordings index lists every incident that started in each hour
    for (const e of journal.recordings()) for (const i of e.incidents) if (i.id === id) startedAt = Math.min(startedAt ?? Infinity, i.at);
  }
  if (startedAt === undefined) {
    // it may have started before the recording did
    const first = await recording.situationAt(range.from);
    if (first.ok) startedAt = first.value.incidents.get(id)?.startedAt;
  }
  if (startedAt === undefined) return err({ status: 404, error: `no incident ${id.slice(0, 80)} on the wall or in the recording (${held})` });
  let from = startedAt - CASE_MARGIN_MS;
  if (from < range.from) {
    notes.push({ en: `the recording begins at ${iso(range.from)}, after 2 minutes before the incident started (${iso(startedAt)}): the case starts there`, zh: `录像始于 ${iso(range.from)}，晚于警情发生（${iso(startedAt)}）前 2 分钟：案件从录像开始时起` });
    from = range.from;
  }
  if (from > range.to) return err({ status: 404, error: `incident ${id.slice(0, 80)} started at ${iso(startedAt)}, after the recording ends (${held})` });
  return ok({ from, limit: Math.min(range.to, from + MAX_CASE_PERIOD_MS), recordedTo: recorded.to, notes });
}

/** what the replay of the period gathers beside the slice */
interface Gathered {
  to: number;
  incidents: Map<string, Incident>;
  trails: Map<string, TrailPoint[]>;
  unitNames: Map<string, string>;
  inputs: number;
  snapshots: number;
}

function clearChanges(s: SituationState): void {
  const c = s.changes;
  c.incidents.clear();
  c.removedIncidents.clear();
  c.units.clear();
  c.unitMeta.clear();
  c.removedUnits.clear();
  c.kiosks.clear();
  c.cameras.clear();
  c.rejects.length = 0;
  c.trailPoints.clear();
}

/**
 * Replays the period from the recording into the slice file: the situation at `from`, then every
 * input up to the period's end. For an incident the end is found on the way: 2 minutes after it
 * closed (and stayed closed), else the end of the recording (at most 24 hours).
 */
async function replayInto(host: CaseHost, slicePath: string, req: CaseRequest, p: Period): Promise<Result<Gathered, CaseProblem>> {
  const recording = host.recording!;
  // nothing happened between the last input on record and now: the situation then is the one at `from`
  const start = await recording.replayTo(Math.min(p.from, p.recordedTo));
  if (!start.ok) return err({ status: start.error.status === 500 ? 500 : 404, error: start.error.error });
  const state = start.value.state;
  let lastN = start.value.lastN;
  const incidents = new Map<string, Incident>();
  const trails = new Map<string, TrailPoint[]>();
  const unitNames = new Map<string, string>();
  const focus = req.kind === 'incident' ? req.incidentId : null;
  const relevant = (i: Incident) => (focus !== null ? i.id === focus : i.status === 'open' || i.startedAt >= p.from || (i.closedAt ?? -Infinity) >= p.from);
  const note = (i: Incident) => {
    incidents.set(i.id, i);
    for (const r of i.responders) {
      if (r.name) unitNames.set(r.unitId, r.name);
      // a responder's trail starts with what the wall held of it when it was asked
      if (!trails.has(r.unitId)) trails.set(r.unitId, (state.units.get(r.unitId)?.trail ?? []).map((x) => [...x] as TrailPoint));
    }
  };
  for (const i of state.incidents.values()) if (relevant(i)) note(i);
  clearChanges(state);

  const slice = await SliceWriter.create(slicePath, { zstdLevel: host.config.journal.zstdLevel, snapshotEveryMs: host.config.journal.snapshotEveryMs, snapshotEveryInputs: host.config.journal.snapshotEveryInputs });
  let to = p.limit;
  let applied = 0;
  try {
    slice.snapshot(lastN, p.from, state);
    let cursor = p.from;
    let stopped = false;
    while (!stopped && cursor < p.limit) {
      const end = Math.min(p.limit, cursor + WINDOW_MS);
      for (const { n, input } of await recording.inputsBetween(lastN, cursor, end)) {
        const inc = focus !== null ? incidents.get(focus) : undefined;
        if (inc && inc.status === 'closed' && inc.closedAt !== undefined && input.at > inc.closedAt + CASE_MARGIN_MS) {
          stopped = true;
          break;
        }
        apply(state, input);
        slice.input(n, input, state);
        lastN = n;
        for (const id of state.changes.incidents) {
          const i = state.incidents.get(id);
          if (i && relevant(i)) note(i);
        }
        if (input.t === 'events') {
          for (const ev of input.events) {
            if (ev.type !== 'unitFix') continue;
            const t = trails.get(ev.fix.id);
            if (!t) continue;
            t.push([ev.fix.lon, ev.fix.lat, ev.fix.ts]);
            // a long trail keeps every other point: the sketch needs its shape, not every fix
            if (t.length > TRAIL_POINTS) trails.set(ev.fix.id, t.filter((_, k) => k % 2 === 0 || k === t.length - 1));
          }
        }
        clearChanges(state);
        if (++applied % YIELD_EVERY === 0) await yieldNow();
      }
      cursor = end;
    }
    const inc = focus !== null ? incidents.get(focus) : undefined;
    if (inc && inc.status === 'closed' && inc.closedAt !== undefined) to = Math.min(p.limit, Math.max(p.from, inc.closedAt + CASE_MARGIN_MS));
    else if (focus !== null && p.limit - p.from >= MAX_CASE_PERIOD_MS) p.notes.push({ en: 'the incident was still open 24 hours after the case starts: the case ends there (a case covers at most 24 hours)', zh: '案件开始 24 小时后警情仍未办结：案件到此结束（一个案件最长 24 小时）' });
    slice.close();
  } catch (e) {
    slice.abandon();
    throw e;
  }
  if (focus !== null && !incidents.has(focus)) return err({ status: 404, error: `incident ${focus.slice(0, 80)} is not in the recording of ${iso(p.from)} to ${iso(to)}` });
  for (const id of trails.keys()) {
    const name = state.units.get(id)?.name;
    if (name && !unitNames.has(id)) unitNames.set(id, name);
  }
  return ok({ to, incidents, trails, unitNames, inputs: slice.inputs, snapshots: slice.snapshots });
}

const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp' };
const INLINE_TYPES = new Set(Object.values(IMAGE_TYPES));

/** An incident's photo for the report: a file the wall serves under /media/ is inlined; anything else is listed. */
async function mediaOf(m: { url: string; type: string }, mediaDir: string | undefined, budget: { left: number }): Promise<ReportMedia> {
  const base = { url: m.url, type: m.type };
  if (!m.url.startsWith('/media/')) return base;
  if (!mediaDir) return { ...base, problem: 'not embedded: this wall serves no /media/ folder' };
  let rel: string;
  try {
    rel = decodeURIComponent(m.url.slice('/media/'.length).split(/[?#]/)[0]);
  } catch {
    return { ...base, problem: 'not embedded: malformed path' };
  }
  const root = resolve(mediaDir);
  const file = normalize(join(root, rel));
  if (rel.includes('\\') || rel.includes('\0') || !file.startsWith(root + sep)) return { ...base, problem: 'not embedded: the path leaves the media folder' };
  const type = INLINE_TYPES.has(m.type) ? m.type : IMAGE_TYPES[extname(file).toLowerCase()];
  if (!type) return { ...base, problem: 'not embedded: not a photo' };
  try {
    const s = await stat(file);
    if (!s.isFile()) return { ...base, problem: 'not embedded: file not found' };
    if (s.size > MEDIA_MAX_BYTES || s.size > budget.left) return { ...base, problem: `not embedded: too large (${s.size} bytes)` };
    const data = await readFile(file);
    budget.left -= data.length;
    return { ...base, dataUrl: `data:${type};base64,${data.toString('base64')}` };
  } catch {
    return { ...base, problem: 'not embedded: file not found' };
  }
}

async function writeCaseFile(dir: string, name: string, content: string | Uint8Array): Promise<CaseFile> {
  const path = join(dir, name);
  await writeFile(path, content, { mode: CASE_FILE_MODE, flag: 'wx' });
  return { name, ...(await hashFile(path)) };
}

/** A case id no folder or zip in `casesDir` has yet (two exports within one second get -2, -3…). */
async function freeCaseId(casesDir: string, base: string): Promise<string> {
  const taken = new Set(await readdir(casesDir));
  let id = base;
  for (let k = 2; taken.has(id) || taken.has(`${id}.zip`) || taken.has(`.${id}.partial`); k++) id = `${base}-${k}`;
  return id;
}

/** What the first part of an export leaves for the second. */
interface Draft {
  host: CaseHost;
  who: Principal;
  o: ExportOptions;
  req: CaseRequest;
  p: Period;
  caseId: string;
  createdAt: number;
  roots: readonly (readonly [string, string])[];
  tmp: string;
  from: number;
  to: number;
  g: Gathered;
  records: AuditRecord[];
  incidents: Incident[];
  media: Map<string, ReportMedia[]>;
  files: CaseFile[];
  moments: KeyMoment[];
}

/** A map picture's file name: its moment's place and what happened then. */
const pictureName = (k: number, m: KeyMoment): string => `map-${String(k + 1).padStart(2, '0')}-${m.kinds[0]}.png`;

async function begin(host: CaseHost, dataDir: string, req: CaseRequest, who: Principal, o: ExportOptions): Promise<Result<Draft, CaseProblem>> {
  const now = o.now ?? Date.now;
  const period = await periodOf(host, req, now());
  if (!period.ok) return period;
  const p = period.value;
  const createdAt = now();
  const casesDir = join(dataDir, CASES_DIR);
  const roots = [[resolve(dataDir), '<data>']] as const;
  let caseId: string;
  try {
    await mkdir(casesDir, { recursive: true, mode: CASE_DIR_MODE });
    caseId = await freeCaseId(casesDir, caseIdOf(req.kind === 'incident' ? { incidentId: req.incidentId } : { from: p.from }, createdAt, sha256Hex));
    await mkdir(join(casesDir, `.${caseId}.partial`), { mode: CASE_DIR_MODE });
  } catch (e) {
    return err({ status: 500, error: `the case could not be written: ${shownPaths((e as Error).message, roots)}` });
  }
  const tmp = join(casesDir, `.${caseId}.partial`);
  try {
    const replay = await replayInto(host, join(tmp, CASE_FILES.recording), req, p);
    if (!replay.ok) {
      await rm(tmp, { recursive: true, force: true });
      return replay;
    }
    const g = replay.value;
    const from = p.from;
    const to = g.to;
    const files: CaseFile[] = [{ name: CASE_FILES.recording, ...(await hashFile(join(tmp, CASE_FILES.recording))) }];

    // the audit lines of the period, exactly as stored (each carries its predecessor's hash)
    let records: AuditRecord[] = [];
    if (host.auditLog) {
      records = host.auditLog.query({ from, to, limit: AUDIT_LIMIT });
      if (records.length >= AUDIT_LIMIT) p.notes.push({ en: `the period holds more than ${AUDIT_LIMIT} audit entries: audit.jsonl has the first ${AUDIT_LIMIT}`, zh: `时段内审计记录超过 ${AUDIT_LIMIT} 条：audit.jsonl 只含前 ${AUDIT_LIMIT} 条` });
    } else p.notes.push({ en: 'the wall keeps no audit log (no data folder): audit.jsonl is empty', zh: '本平台未保存审计日志（无数据目录）：audit.jsonl 为空' });
    files.push(await writeCaseFile(tmp, CASE_FILES.audit, records.map((r) => `${serialiseRecord(r)}\n`).join('')));

    const clock = localClock(host.config.timeZone);
    const incidents = [...g.incidents.values()].filter((i) => i.startedAt <= to).sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
    files.push(await writeCaseFile(tmp, CASE_FILES.timeline, timelineCsv(incidents, clock.format)));

    const budget = { left: MEDIA_TOTAL_BYTES };
    const media = new Map<string, ReportMedia[]>();
    for (const i of incidents) media.set(i.id, await Promise.all(i.media.map((m) => mediaOf(m, o.mediaDir, budget))));
    const moments = keyMoments(incidents).filter((m) => m.at >= from && m.at <= to);
    return ok({ host, who, o, req, p, caseId, createdAt, roots, tmp, from, to, g, records, incidents, media, files, moments });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    return err({ status: 500, error: `the case could not be written: ${shownPaths((e as Error).message, roots)}` });
  }
}

async function finish(d: Draft, pictures: ReadonlyMap<number, Uint8Array>): Promise<Result<CaseExport, CaseProblem>> {
  const { host, who, req, p, caseId, createdAt, roots, tmp, from, to, g, records, incidents, media, moments } = d;
  const files = [...d.files];
  const finalDir = join(dirname(tmp), caseId);
  const zipPath = `${finalDir}.zip`;
  const tmpZip = join(dirname(tmp), `.${caseId}.zip.partial`);
  let renamed = false;
  try {
    // the wall's own pictures of the map at the key moments, as files and in the report
    const shown = new Map<number, { name: string; dataUrl: string }>();
    for (const [k, png] of [...pictures].sort((a, b) => a[0] - b[0])) {
      const m = moments[k];
      if (!m) continue;
      const name = pictureName(k, m);
      files.push(await writeCaseFile(tmp, name, png));
      shown.set(k, { name, dataUrl: `data:image/png;base64,${Buffer.from(png).toString('base64')}` });
    }
    if (moments.length > 0 && shown.size < moments.length && pictures.size > 0) p.notes.push({ en: `the wall rendered ${shown.size} of the ${moments.length} key moments' maps: the others are sketches drawn from coordinates`, zh: `大屏绘制了 ${moments.length} 个关键时刻中 ${shown.size} 个的地图：其余为按坐标绘制的示意图` });

    const clock = localClock(host.config.timeZone);
    const focus = req.kind === 'incident' ? req.incidentId : undefined;
    const related = records.filter((r) => (focus !== undefined ? r.incidentId === focus : r.kind === 'action' || r.kind === 'refused' || r.kind === 'published' || r.kind === 'points'));
    const names = g.unitNames;
    const html = reportHtml({
      labels: caseLabels(host.config.locale),
      localTime: clock.format,
      timeZone: clock.zone,
      mapDatum: host.config.mapDatum,
      caseId,
      createdAt,
      createdBy: { name: who.name, role: who.role },
      period: { from, to },
      ...(focus !== undefined ? { incidentId: focus } : {}),
      incidents,
      unitNames: names,
      trails: [...g.trails].map(([id, points]) => ({ id, label: names.get(id) ?? id, points })),
      media,
      moments,
      pictures: shown,
      audit: related.slice(0, AUDIT_SHOWN),
      auditTotal: related.length,
      files,
      notes: p.notes.map((n) => (host.config.locale === 'en' ? n.en : n.zh)),
      wall: `Watchfloor ${VERSION}`,
    });
    files.push(await writeCaseFile(tmp, CASE_FILES.report, html));

    const manifest: CaseManifest = {
      format: CASE_FORMAT,
      version: CASE_VERSION,
      caseId,
      createdAt: iso(createdAt),
      createdBy: { name: who.name, role: who.role, via: who.via },
      period: { from: iso(from), to: iso(to), fromMs: from, toMs: to },
      ...(focus !== undefined ? { incidentId: focus } : {}),
      files,
      ...(p.notes.length ? { notes: p.notes.map((n) => n.en) } : {}),
      counts: { inputs: g.inputs, snapshots: g.snapshots, auditEntries: records.length, incidents: incidents.length, photosEmbedded: [...media.values()].flat().filter((m) => m.dataUrl).length, keyMoments: moments.length, mapPictures: shown.size },
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeFile(join(tmp, MANIFEST), manifestText, { mode: CASE_FILE_MODE, flag: 'wx' });
    // under its name only once complete
    await rename(tmp, finalDir);
    renamed = true;
    await writeZip(tmpZip, [{ name: `${caseId}/` }, ...[...files.map((f) => f.name), MANIFEST].map((name) => ({ name: `${caseId}/${name}`, path: join(finalDir, name) }))], { mtime: createdAt, fileMode: CASE_FILE_MODE });
    await rename(tmpZip, zipPath);
    const manifestSha256 = sha256Hex(manifestText);
    const zipSha256 = (await hashFile(zipPath)).sha256;
    host.audit({
      kind: 'action',
      actor: who.name,
      role: who.role,
      via: who.via,
      ...(focus !== undefined ? { incidentId: focus } : {}),
      what: 'case export',
      ...(d.o.remote ? { from: d.o.remote } : {}),
      detail: { caseId, period: { from, to }, files: files.length, mapPictures: shown.size, manifestSha256, zipSha256 },
    });
    return ok({ dir: finalDir, zip: zipPath, shown: { path: shownPaths(finalDir, roots), zip: shownPaths(zipPath, roots) }, manifest, manifestSha256, notes: p.notes });
  } catch (e) {
    // nothing half-written stays: the folder (ours, made just now) and the zip go
    await rm(tmp, { recursive: true, force: true });
    await rm(tmpZip, { force: true });
    if (renamed) await rm(finalDir, { recursive: true, force: true });
    return err({ status: 500, error: `the case could not be written: ${shownPaths((e as Error).message, roots)}` });
  }
}

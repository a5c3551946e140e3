// report.html of a case: one self-contained page an official opens anywhere, offline. Inline CSS,
// photos inlined as data: URLs, the sketch map as inline SVG; a Content-Security-Policy that lets
// the page load nothing from anywhere (links to external media stay links: nothing is fetched).
// Every text from the situation goes through escapeHtml. Chinese by default (config.locale). Pure.
import type { AuditRecord } from '../../core/audit/chain.js';
import type { Incident, TimelineEntry } from '../../core/domain.js';
import { escapeHtml as esc, safeHref } from './escape.js';
import type { CaseLabels } from './labels.js';
import type { CaseFile } from './manifest.js';
import { keyMoments, keyTimes, type KeyMoment, type MomentKind } from './key-moments.js';
import { mapSketchSvg, type SketchTrail } from './map-sketch.js';

export { keyTimes };

/** One photo or attachment of an incident, as the report shows it. */
export interface ReportMedia {
  url: string;
  type: string;
  /** the file inlined (data:image/…;base64,…), for a photo the wall serves under /media/ */
  dataUrl?: string;
  /** why it is not inlined, when it is not */
  problem?: string;
}

export interface ReportData {
  labels: CaseLabels;
  /** formats a time in the wall's zone */
  localTime: (at: number) => string;
  timeZone: string;
  mapDatum: string;
  caseId: string;
  createdAt: number;
  createdBy: { name: string; role: string };
  period: { from: number; to: number };
  /** the incident the case is about; none for a period */
  incidentId?: string;
  /** the incident(s), as they stood at the period's end (or when they left the wall) */
  incidents: readonly Incident[];
  /** units' names, where known */
  unitNames: ReadonlyMap<string, string>;
  trails: readonly SketchTrail[];
  media: ReadonlyMap<string, readonly ReportMedia[]>;
  /** the key moments the report pictures (key-moments.ts; computed from `incidents` when absent) */
  moments?: readonly KeyMoment[];
  /** the wall's own map at a moment, by its index in `moments`: the file beside the report and its data: URL */
  pictures?: ReadonlyMap<number, { name: string; dataUrl: string }>;
  /** the audit entries shown (related to the case), and how many there are in all */
  audit: readonly AuditRecord[];
  auditTotal: number;
  /** the case's other files (written before the report) */
  files: readonly CaseFile[];
  notes: readonly string[];
  /** "Watchfloor 0.1.0" */
  wall: string;
}

const CSS = `
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d1d1f;line-height:1.5;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #1d3557;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{border:1px solid #ccd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef1f6;white-space:nowrap}.t{white-space:nowrap;font-variant-numeric:tabular-nums}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.kv dt{color:#555}dl.kv dd{margin:0}
.meta{color:#555;font-size:13px}.note{color:#555;font-size:12px}.photos{display:flex;flex-wrap:wrap;gap:12px}
.photos figure{margin:0;max-width:320px}.photos img{max-width:320px;max-height:240px;border:1px solid #ccd}.photos figcaption{font-size:12px;color:#555;word-break:break-all}
.sketch{max-width:100%;height:auto;border:1px solid #ccd}.moments{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:12px}
.moments figure{margin:0}.moments figcaption{font-size:13px;color:#333}.moments img.wall-map{width:100%;height:auto;border:1px solid #ccd;display:block}.moments .how{color:#666}code{font-size:12px;word-break:break-all}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}
`;

/** Lets the page load nothing but its own inline styles and data: images. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const row = (cells: readonly string[], head = false): string => `<tr>${cells.map((c) => (head ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;
const table = (head: readonly string[], rows: readonly string[][]): string => `<table><thead>${row(head.map(esc), true)}</thead><tbody>${rows.map((r) => row(r)).join('')}</tbody></table>`;

/** What a timeline line says, beyond its kind. */
function timelineText(e: TimelineEntry, L: CaseLabels, names: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  if (e.kind === 'reply' && e.unit) parts.push(`${names.get(e.unit) ?? e.unit}: ${e.answer ? L.answers[e.answer] ?? e.answer : ''}`);
  if (e.other) parts.push(e.other);
  if (e.asked !== undefined) parts.push(`×${e.asked}`);
  if (e.changed?.length) parts.push(e.changed.map((c) => L.changed[c] ?? c).join('、'));
  if (e.priority !== undefined) parts.push(L.priorities[String(e.priority)] ?? `P${e.priority}`);
  return parts.join(' · ');
}

function summary(inc: Incident, d: ReportData): string {
  const L = d.labels;
  const t = keyTimes(inc);
  const kv = (k: string, v: string) => `<dt>${esc(k)}</dt><dd>${v}</dd>`;
  const place = inc.grid ? inc.grid.names.join(' / ') : '';
  const info = [
    kv(L.incidentTitle, esc(inc.title)),
    kv(L.incidentId, `<code>${esc(inc.id)}</code>`),
    kv(L.kind, esc(L.kinds[inc.kind] ?? inc.kind)),
    kv(L.priority, esc(L.priorities[String(inc.priority)] ?? inc.priority)),
    kv(L.state, esc(L.states[inc.state] ?? inc.state)),
    ...(place ? [kv(L.place, esc(place))] : []),
    ...(inc.grid ? [kv(L.grid, `<code>${esc(inc.grid.id)}</code>`)] : []),
    kv(L.position, `${esc(inc.lat.toFixed(6))}, ${esc(inc.lon.toFixed(6))} (${esc(L.datum)} ${esc(d.mapDatum)})`),
    kv(L.source, esc(inc.source)),
    ...(inc.reporter ? [kv(L.reporter, esc(inc.reporter))] : []),
    ...(inc.detail ? [kv(L.detail, esc(inc.detail))] : []),
  ].join('');
  const step = (label: string, at: number | undefined) => [esc(label), at === undefined ? esc(L.notYet) : `<span class="t">${esc(d.localTime(at))}</span>`, at === undefined || label === L.reported ? '' : esc(L.duration(at - t.reported))];
  const closedLabel = inc.status === 'closed' ? (L.states[inc.state] ?? L.resolved) : L.resolved;
  const times = table([L.step, L.time, L.sinceReport], [step(L.reported, t.reported), step(L.acknowledged, t.acknowledged), step(L.dispatched, t.dispatched), step(L.onScene, t.onScene), step(closedLabel, t.closed)]);
  return `<dl class="kv">${info}</dl><h3>${esc(L.times)}</h3>${times}`;
}

function incidentList(d: ReportData): string {
  const L = d.labels;
  if (!d.incidents.length) return `<p class="note">—</p>`;
  return table(
    [L.incidentId, L.incidentTitle, L.kind, L.priority, L.state, L.reported, L.resolved],
    d.incidents.map((i) => [`<code>${esc(i.id)}</code>`, esc(i.title), esc(L.kinds[i.kind] ?? i.kind), esc(L.priorities[String(i.priority)] ?? i.priority), esc(L.states[i.state] ?? i.state), `<span class="t">${esc(d.localTime(i.startedAt))}</span>`, i.status === 'closed' && i.closedAt !== undefined ? `<span class="t">${esc(d.localTime(i.closedAt))}</span>` : esc(L.notYet)]),
  );
}

function timeline(d: ReportData): string {
  const L = d.labels;
  const many = d.incidents.length > 1 || d.incidentId === undefined;
  const rows = d.incidents.flatMap((i) => i.timeline.map((e, k) => ({ i, e, k }))).sort((a, b) => a.e.at - b.e.at || (a.i.id < b.i.id ? -1 : a.i.id > b.i.id ? 1 : a.k - b.k));
  if (!rows.length) return `<p class="note">—</p>`;
  const head = [L.time, ...(many ? [L.incident] : []), L.event, L.by, L.note];
  return table(
    head,
    rows.map(({ i, e }) => [
      `<span class="t">${esc(d.localTime(e.at))}</span>`,
      ...(many ? [`<code>${esc(i.id)}</code>`] : []),
      `${esc(L.tl[e.kind] ?? e.kind)}${timelineText(e, L, d.unitNames) ? ` <span class="meta">${esc(timelineText(e, L, d.unitNames))}</span>` : ''}`,
      e.by ? `${esc(e.by)}${e.role ? ` <span class="meta">(${esc(L.roles[e.role] ?? e.role)})</span>` : ''}` : '',
      esc(e.note ?? ''),
    ]),
  );
}

function responders(d: ReportData): string {
  const L = d.labels;
  const many = d.incidents.length > 1 || d.incidentId === undefined;
  const rows: string[][] = [];
  for (const inc of d.incidents) {
    for (const r of inc.responders) {
      // a reply's timeline line names the unit as the responder list does: by its name, else its id
      const named = r.name ?? r.unitId;
      const answered = (a: string) => inc.timeline.find((e) => e.kind === 'reply' && (e.unit === named || e.unit === r.unitId) && e.answer === a)?.at;
      const cell = (at: number | undefined) => (at === undefined ? esc(L.notYet) : `<span class="t">${esc(d.localTime(at))}</span>`);
      const name = r.name ?? d.unitNames.get(r.unitId);
      rows.push([
        ...(many ? [`<code>${esc(inc.id)}</code>`] : []),
        `${esc(name ?? r.unitId)}${name ? ` <span class="meta">${esc(r.unitId)}</span>` : ''}`,
        cell(r.askedAt),
        cell(answered('accept')),
        cell(answered('enroute')),
        cell(answered('arrived')),
        cell(answered('done')),
        cell(answered('decline')),
        esc(L.answers[r.answer] ?? r.answer),
        esc(L.metres(r.distanceM)),
      ]);
    }
  }
  if (!rows.length) return `<p class="note">${esc(L.noResponders)}</p>`;
  return table([...(many ? [L.incident] : []), L.unit, L.asked, L.accepted, L.enroute, L.arrived, L.done, L.declined, L.lastAnswer, L.distance], rows);
}

function photos(d: ReportData): string {
  const L = d.labels;
  const out: string[] = [];
  const links: string[] = [];
  for (const inc of d.incidents) {
    for (const m of d.media.get(inc.id) ?? []) {
      const caption = `${d.incidents.length > 1 ? `${esc(inc.id)} · ` : ''}${esc(m.url)}`;
      if (m.dataUrl) out.push(`<figure><img src="${esc(m.dataUrl)}" alt="${esc(m.url)}"><figcaption>${caption}</figcaption></figure>`);
      else {
        const href = safeHref(m.url);
        links.push(`<li>${href ? `<a href="${esc(href)}" rel="noopener noreferrer">${esc(m.url)}</a>` : `<code>${esc(m.url)}</code>`} <span class="meta">${esc(m.type)}${m.problem ? ` · ${esc(m.problem)}` : ''}</span></li>`);
      }
    }
  }
  if (!out.length && !links.length) return `<p class="note">${esc(L.noPhotos)}</p>`;
  return `${out.length ? `<div class="photos">${out.join('')}</div>` : ''}${links.length ? `<h3>${esc(L.externalMedia)}</h3><ul>${links.join('')}</ul>` : ''}`;
}

function audit(d: ReportData): string {
  const L = d.labels;
  const C = L.auditColumns;
  if (!d.audit.length) return `<p class="note">${esc(L.auditNone)}</p>`;
  const rows = d.audit.map((r) => [esc(r.seq), `<span class="t">${esc(d.localTime(r.at))}</span>`, esc(r.kind), `${esc(r.actor ?? '')}${r.role ? ` <span class="meta">(${esc(L.roles[r.role as keyof CaseLabels['roles']] ?? r.role)})</span>` : ''}`, esc(r.what ?? ''), esc(r.reason ?? '')]);
  return `${table([C.seq, C.at, C.kind, C.actor, C.what, C.reason], rows)}${d.auditTotal > d.audit.length ? `<p class="note">${esc(L.auditMore(d.audit.length, d.auditTotal))}</p>` : ''}`;
}

/** A moment's name; a close says how it ended (resolved, false alarm, merged). */
function momentLabel(k: MomentKind, inc: Incident | undefined, L: CaseLabels): string {
  if (k === 'closed') return inc ? L.states[inc.state] ?? inc.state : L.resolved;
  return L[k];
}

/**
 * The map at each key moment (key-moments.ts): where the responders were when the alarm came,
 * when they were sent, when they got there and when it closed. The wall's own picture of its map
 * where a wall page rendered one, else a sketch from coordinates. No sketches where no responder
 * moved and the wall rendered nothing: the pictures would all be the same.
 */
function momentPictures(d: ReportData): string {
  const L = d.labels;
  const pictures = d.pictures ?? new Map<number, { name: string; dataUrl: string }>();
  if (pictures.size === 0 && !d.trails.some((t) => t.points.length > 0)) return '';
  const moments = d.moments ?? keyMoments(d.incidents);
  if (moments.length === 0) return '';
  const many = d.incidents.length > 1;
  const incidents = d.incidents.map((i) => ({ id: i.id, label: many ? i.id : i.title, lon: i.lon, lat: i.lat, since: i.startedAt }));
  const labels = { incident: L.mapLegendIncident, start: L.mapLegendStart, end: L.mapLegendThen, none: L.noPositions };
  const figures = moments.map((m, k) => {
    const picture = pictures.get(k);
    const inc = d.incidents.find((i) => i.id === m.incidentId);
    const what = m.kinds.map((kind) => momentLabel(kind, inc, L)).join('、');
    const body = picture
      ? `<a href="${esc(picture.name)}"><img class="wall-map" src="${esc(picture.dataUrl)}" alt="${esc(`${what} ${d.localTime(m.at)}`)}"></a>`
      : mapSketchSvg({ incidents, trails: d.trails, labels, at: m.at, width: 560, height: 364 });
    const how = picture ? L.renderedByWall : L.drawnAsSketch;
    return `<figure class="${picture ? 'wall' : 'sketch'}">${body}<figcaption><b>${esc(what)}</b> · <span class="t">${esc(d.localTime(m.at))}</span>${many ? ` · <code>${esc(m.incidentId)}</code>` : ''} · <span class="how">${esc(how)}</span></figcaption></figure>`;
  });
  return `<div class="moments">${figures.join('')}</div>`;
}

export function reportHtml(d: ReportData): string {
  const L = d.labels;
  const focus = d.incidentId !== undefined ? d.incidents.find((i) => i.id === d.incidentId) : undefined;
  const title = focus ? `${L.title} · ${focus.title}` : `${L.title} · ${d.localTime(d.period.from)} – ${d.localTime(d.period.to)}`;
  const sketch = mapSketchSvg({
    incidents: d.incidents.map((i) => ({ id: i.id, label: d.incidents.length > 1 ? i.id : i.title, lon: i.lon, lat: i.lat })),
    trails: d.trails,
    labels: { incident: L.mapLegendIncident, start: L.mapLegendStart, end: L.mapLegendEnd, none: L.noPositions },
  });
  const moments = momentPictures(d);
  const head = [
    `<dt>${esc(L.caseId)}</dt><dd><code>${esc(d.caseId)}</code></dd>`,
    `<dt>${esc(L.period)}</dt><dd>${esc(d.localTime(d.period.from))} – ${esc(d.localTime(d.period.to))} <span class="meta">(${esc(new Date(d.period.from).toISOString())} – ${esc(new Date(d.period.to).toISOString())})</span></dd>`,
    `<dt>${esc(L.timeZone)}</dt><dd>${esc(d.timeZone)}</dd>`,
    `<dt>${esc(L.createdAt)}</dt><dd>${esc(d.localTime(d.createdAt))}</dd>`,
    `<dt>${esc(L.createdBy)}</dt><dd>${esc(d.createdBy.name)} <span class="meta">(${esc(L.roles[d.createdBy.role as keyof CaseLabels['roles']] ?? d.createdBy.role)})</span></dd>`,
    `<dt>${esc(L.wall)}</dt><dd>${esc(d.wall)}</dd>`,
  ].join('');
  const files = table(['file', 'bytes', 'SHA-256'], d.files.map((f) => [esc(f.name), esc(f.bytes), `<code>${esc(f.sha256)}</code>`]));
  return [
    '<!DOCTYPE html>',
    `<html lang="${esc(L.lang)}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1><dl class="kv meta">${head}</dl>`,
    focus ? `<h2>${esc(L.summary)}</h2>${summary(focus, d)}` : `<h2>${esc(L.incidents)}</h2>${incidentList(d)}`,
    `<h2>${esc(L.timeline)}</h2>${timeline(d)}`,
    `<h2>${esc(L.responders)}</h2>${responders(d)}`,
    `<h2>${esc(L.photos)}</h2>${photos(d)}`,
    `<h2>${esc(L.map)}</h2>${sketch}<p class="note">${esc(L.mapNote)}</p>`,
    moments ? `<h2>${esc(L.moments)}</h2>${moments}<p class="note">${esc(d.pictures?.size ? L.momentsNoteWall : L.momentsNote)}</p>` : '',
    `<h2>${esc(L.audit)}</h2>${audit(d)}`,
    d.notes.length ? `<h2>${esc(L.notes)}</h2><ul>${d.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '',
    `<h2>${esc(L.files)}</h2>${files}<p class="note">${esc(L.filesNote)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

// timeline.csv of a case: one row per line of each incident's timeline (its reports that changed
// something, what operators did, units' answers), oldest first. RFC 4180 like the audit export
// (core/audit/chain.ts: CRLF, quoted cells, a leading ' before what a spreadsheet would run as a
// formula), UTF-8 with a byte-order mark so that Excel shows Chinese text. Pure.
import { csvCell } from '../../core/audit/chain.js';
import type { TimelineEntry } from '../../core/domain.js';

export const TIMELINE_COLUMNS = ['incidentId', 'time', 'localTime', 'kind', 'by', 'role', 'note', 'unit', 'answer', 'other', 'asked', 'changed', 'priority'] as const;

export const BOM = '\uFEFF';

export interface TimelineOf {
  id: string;
  timeline: readonly TimelineEntry[];
}

const iso = (at: number): string => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toISOString();
};

/** One timeline line as its cells, in TIMELINE_COLUMNS order. */
export function timelineCells(incidentId: string, e: TimelineEntry, localTime: (at: number) => string): string[] {
  return [
    incidentId,
    iso(e.at),
    localTime(e.at),
    e.kind,
    e.by ?? '',
    e.role ?? '',
    e.note ?? '',
    e.unit ?? '',
    e.answer ?? '',
    e.other ?? '',
    e.asked === undefined ? '' : String(e.asked),
    e.changed?.join(' ') ?? '',
    e.priority === undefined ? '' : String(e.priority),
  ];
}

/**
 * The whole file: a BOM, the header, then every incident's lines, all in time order (an incident's
 * own lines keep their order when two share a time).
 */
export function timelineCsv(incidents: readonly TimelineOf[], localTime: (at: number) => string): string {
  const rows = incidents.flatMap((inc) => inc.timeline.map((e, k) => ({ at: e.at, id: inc.id, k, e })));
  rows.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.k - b.k));
  const lines = [TIMELINE_COLUMNS.join(','), ...rows.map((r) => timelineCells(r.id, r.e, localTime).map(csvCell).join(','))];
  return BOM + lines.map((l) => `${l}\r\n`).join('');
}

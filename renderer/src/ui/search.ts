// Search over what the wall holds: incidents (id, title), places from the places registry (name,
// aliases, id), units (name, id), kiosks (name, id) and grids (name at any level). Pure; the search
// box renders and translates the results.
import type { Incident, Kiosk, Unit } from '../../../core/domain';
import { hasOwnId, type Place } from '../../../core/places';
import type { GridEntry } from '../model/grids';
import type { SearchChoice } from '../model/wall';

export const SEARCH_KINDS = ['incident', 'place', 'unit', 'kiosk', 'grid'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export interface SearchResult {
  kind: SearchKind;
  id: string;
  /** the main line, as held (title or name) */
  title: string;
  /** a second line: the grid path, the id, or the incident's kind key */
  detail: string;
  lon: number;
  lat: number;
  /** areas: fit the map to these */
  bounds?: [number, number, number, number];
  /** for units: the unit kind; for incidents: the incident kind; for places: theirs, if given */
  sub?: string;
  score: number;
  /** an open incident: ranked first */
  open?: boolean;
}

export interface SearchSources {
  incidents: Iterable<Incident>;
  units: { count: number; units: Unit[] };
  kiosks: Iterable<Kiosk>;
  grids: readonly GridEntry[];
  /** the places registry (reference data) */
  places: readonly Place[];
}

export function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * How well `text` matches every token of the query: 0 exact, 1 prefix, 2 substring; null when a
 * token is missing. Several fields are tried and the best is kept.
 */
export function matchScore(tokens: readonly string[], fields: readonly (string | undefined)[]): number | null {
  let best: number | null = null;
  const norm = fields.filter((f): f is string => !!f).map(normalise);
  if (norm.length === 0) return null;
  const joined = norm.join(' ');
  // every token must occur somewhere
  for (const t of tokens) if (!joined.includes(t)) return null;
  const whole = tokens.join(' ');
  for (const f of norm) {
    const s = f === whole ? 0 : f.startsWith(tokens[0]) ? 1 : 2;
    if (best === null || s < best) best = s;
  }
  return best;
}

// A name a caller gives is most often a fixed spot (a landmark, a school's kiosk), then an area;
// units are looked for by their call signs, which rarely collide with those.
const KIND_ORDER: Record<SearchKind, number> = { incident: 0, place: 1, kiosk: 2, grid: 3, unit: 4 };

/**
 * Results best first: open incidents that match at all (what the operator is most likely after:
 * "万达" finds the alarm at 万达 before the place or the grid of that name), then exact before prefix
 * before substring, then places, kiosks, grids, units, then shorter titles.
 */
export function search(query: string, src: SearchSources, limit = 20): SearchResult[] {
  const q = normalise(query);
  if (!q) return [];
  const tokens = q.split(' ');
  const out: SearchResult[] = [];
  for (const inc of src.incidents) {
    if (inc.status !== 'open') continue;
    const score = matchScore(tokens, [inc.id, inc.title]);
    if (score === null) continue;
    out.push({ kind: 'incident', id: inc.id, title: inc.title, detail: inc.grid ? inc.grid.names.slice(1).join(' › ') : inc.id, sub: inc.kind, lon: inc.lon, lat: inc.lat, score, open: inc.status === 'open' });
  }
  for (let i = 0; i < src.units.count; i++) {
    const u = src.units.units[i];
    const score = matchScore(tokens, [u.id, u.name]);
    if (score === null) continue;
    out.push({ kind: 'unit', id: u.id, title: u.name ?? u.id, detail: u.id, sub: u.kind, lon: u.lon, lat: u.lat, score });
  }
  for (const k of src.kiosks) {
    const score = matchScore(tokens, [k.id, k.name]);
    if (score === null) continue;
    out.push({ kind: 'kiosk', id: k.id, title: k.name, detail: k.id, lon: k.lon, lat: k.lat, score });
  }
  for (const p of src.places) {
    // an id the host made up (#3) means nothing to anyone: only a file's own ids are searched
    const score = matchScore(tokens, [p.name, ...(p.aliases ?? []), hasOwnId(p) ? p.id : undefined]);
    if (score === null) continue;
    out.push({ kind: 'place', id: p.id, title: p.name, detail: p.grid ? p.grid.names.slice(1).join(' › ') : '', sub: p.kind, lon: p.lon, lat: p.lat, score });
  }
  for (const g of src.grids) {
    if (g.level === 'city') continue;
    const score = matchScore(tokens, [g.name, g.id]);
    if (score === null) continue;
    out.push({ kind: 'grid', id: g.id, title: g.name, detail: g.names.slice(1, -1).join(' › '), sub: g.level, lon: g.center[0], lat: g.center[1], bounds: g.bounds, score });
  }
  out.sort((a, b) => Number(!!b.open) - Number(!!a.open) || a.score - b.score || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.title.length - b.title.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.slice(0, limit);
}

/** What choosing a result asks of the wall: a place is flown to and ringed where it is, as a kiosk is. */
export function searchChoiceOf(r: SearchResult): SearchChoice {
  return { kind: r.kind, id: r.id, lon: r.lon, lat: r.lat, bounds: r.bounds };
}

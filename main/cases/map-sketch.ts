// The sketch map of a case report: an inline SVG drawn from coordinates alone (no base map, no
// request anywhere): the incidents' positions and the responders' trails over the period, on a
// local flat projection, with a scale bar and north up. With `at`, the same picture at one moment:
// the trails as far as they had come and where each responder was, on the extent of the whole
// period so that the pictures of one report line up. Not a map the wall rendered: the report shows
// the wall's own pictures where a wall page drew them (case-service.ts), these elsewhere. Pure.
import { escapeHtml as esc } from './escape.js';

export interface SketchIncident {
  id: string;
  label: string;
  lon: number;
  lat: number;
  /** when it was reported: with `at`, drawn only from then on (but always part of the extent) */
  since?: number;
}

export interface SketchTrail {
  id: string;
  label: string;
  /** [lon, lat, ts], oldest first */
  points: readonly (readonly [number, number, number])[];
}

export interface SketchLabels {
  incident: string;
  start: string;
  /** the trail's last point: its end, or with `at` the position then */
  end: string;
  none: string;
}

const COLOURS = ['#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#e377c2', '#7f7f7f', '#393b79'];
const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON = 111_320;
const NICE = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

const finite = (lon: number, lat: number) => Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

export interface SketchOptions {
  incidents: readonly SketchIncident[];
  trails: readonly SketchTrail[];
  labels: SketchLabels;
  width?: number;
  height?: number;
  /** draw the moment `at` (epoch ms): trails up to it only, on the whole period's extent */
  at?: number;
}

export function mapSketchSvg(o: SketchOptions): string {
  const W = o.width ?? 800;
  const H = o.height ?? 520;
  const incidents = o.incidents.filter((i) => finite(i.lon, i.lat));
  const whole = o.trails.map((t) => ({ ...t, points: t.points.filter((p) => finite(p[0], p[1])) })).filter((t) => t.points.length > 0);
  // the extent is the whole period's, so that the moments of one report show the same ground
  const all: [number, number][] = [...incidents.map((i): [number, number] => [i.lon, i.lat]), ...whole.flatMap((t) => t.points.map((p): [number, number] => [p[0], p[1]]))];
  const at = o.at;
  // a responder keeps its colour from picture to picture: the colour goes by its place in the whole list
  const trails = whole.map((t, k) => ({ ...t, k, points: at === undefined ? t.points : t.points.filter((p) => p[2] <= at) })).filter((t) => t.points.length > 0);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" class="sketch">`;
  if (all.length === 0) return `${open}<rect width="${W}" height="${H}" fill="#f6f6f2"/><text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="16" fill="#666">${esc(o.labels.none)}</text></svg>`;

  const lat0 = all.reduce((s, p) => s + p[1], 0) / all.length;
  const kx = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG_LON;
  const lonMin = Math.min(...all.map((p) => p[0]));
  const latMax = Math.max(...all.map((p) => p[1]));
  const metres = all.map(([lon, lat]) => [(lon - lonMin) * kx, (latMax - lat) * M_PER_DEG_LAT]);
  let x0 = Math.min(...metres.map((m) => m[0]));
  let x1 = Math.max(...metres.map((m) => m[0]));
  let y0 = Math.min(...metres.map((m) => m[1]));
  let y1 = Math.max(...metres.map((m) => m[1]));
  // at least 400 m across, and a margin around what is drawn
  const minSpan = 400;
  if (x1 - x0 < minSpan) [x0, x1] = [(x0 + x1) / 2 - minSpan / 2, (x0 + x1) / 2 + minSpan / 2];
  if (y1 - y0 < minSpan) [y0, y1] = [(y0 + y1) / 2 - minSpan / 2, (y0 + y1) / 2 + minSpan / 2];
  const margin = 40;
  const scale = Math.min((W - 2 * margin) / (x1 - x0), (H - 2 * margin) / (y1 - y0));
  const ox = (W - (x1 - x0) * scale) / 2;
  const oy = (H - (y1 - y0) * scale) / 2;
  const px = (lon: number, lat: number): [number, number] => [ox + ((lon - lonMin) * kx - x0) * scale, oy + ((latMax - lat) * M_PER_DEG_LAT - y0) * scale];

  const out: string[] = [open, `<rect width="${W}" height="${H}" fill="#f6f6f2"/>`];
  trails.forEach((t, row) => {
    const c = COLOURS[t.k % COLOURS.length];
    const pts = t.points.map((p) => px(p[0], p[1]));
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${c}" stroke-width="2.5" stroke-linejoin="round" points="${pts.map(([x, y]) => `${f1(x)},${f1(y)}`).join(' ')}"/>`);
    const [sx, sy] = pts[0];
    const [ex, ey] = pts[pts.length - 1];
    out.push(`<circle cx="${f1(sx)}" cy="${f1(sy)}" r="4" fill="#fff" stroke="${c}" stroke-width="2"/>`);
    out.push(`<rect x="${f1(ex - 5)}" y="${f1(ey - 5)}" width="10" height="10" fill="${c}"/>`);
    // trails often end at the incident: their names go below their ends, one under the other
    out.push(`<text x="${f1(ex + 8)}" y="${f1(ey + 18 + 14 * row)}" font-size="12" fill="${c}">${esc(t.label)}</text>`);
  });
  for (const i of incidents) {
    if (at !== undefined && i.since !== undefined && i.since > at) continue;
    const [x, y] = px(i.lon, i.lat);
    out.push(`<circle cx="${f1(x)}" cy="${f1(y)}" r="9" fill="#d62728" fill-opacity="0.85" stroke="#fff" stroke-width="2"/>`);
    out.push(`<text x="${f1(x + 12)}" y="${f1(y - 10)}" font-size="13" font-weight="bold" fill="#a51d1d">${esc(i.label)}</text>`);
  }
  // scale bar: the round length nearest a quarter of the width
  const target = (W / 4) / scale;
  const bar = NICE.reduce((best, n) => (Math.abs(n - target) < Math.abs(best - target) ? n : best), NICE[0]);
  const barPx = bar * scale;
  out.push(`<g font-size="12" fill="#333"><rect x="20" y="${H - 26}" width="${f1(barPx)}" height="5" fill="#333"/><text x="20" y="${H - 32}">${bar >= 1000 ? `${bar / 1000} km` : `${bar} m`}</text></g>`);
  // north
  out.push(`<g transform="translate(${W - 30},34)"><path d="M0,-18 L7,6 L0,1 L-7,6 Z" fill="#333"/><text y="20" text-anchor="middle" font-size="12" fill="#333">N</text></g>`);
  // legend
  out.push(
    `<g font-size="12" fill="#333" transform="translate(20,20)"><circle cx="6" cy="0" r="6" fill="#d62728"/><text x="16" y="4">${esc(o.labels.incident)}</text>` +
      `<circle cx="6" cy="18" r="4" fill="#fff" stroke="#333" stroke-width="2"/><text x="16" y="22">${esc(o.labels.start)}</text>` +
      `<rect x="1" y="31" width="10" height="10" fill="#333"/><text x="16" y="40">${esc(o.labels.end)}</text></g>`,
  );
  out.push('</svg>');
  return out.join('');
}

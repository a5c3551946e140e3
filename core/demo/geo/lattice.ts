// A regular lon/lat lattice of square-ish cells and the merged outline of a set of its cells.
// Pure: no Node, DOM or Electron.
import { roundTo, ringSignedArea, pointInRing, type AreaGeometry, type Position, type Ring } from '../../geo/polygon.js';

export interface Lattice {
  /** south-west corner of cell (0, 0) */
  lon0: number;
  lat0: number;
  /** cell size in degrees */
  dLon: number;
  dLat: number;
  /** decimals the vertices are rounded to, so adjacent cells share identical vertices */
  decimals: number;
}

/** Column/row of a cell; cell (i, j) spans lattice vertices (i, j)–(i + 1, j + 1). */
export type Cell = readonly [i: number, j: number];

export function vertexPosition(l: Lattice, i: number, j: number): Position {
  return [roundTo(l.lon0 + i * l.dLon, l.decimals), roundTo(l.lat0 + j * l.dLat, l.decimals)];
}

export function cellCenter(l: Lattice, i: number, j: number): Position {
  return [l.lon0 + (i + 0.5) * l.dLon, l.lat0 + (j + 0.5) * l.dLat];
}

/** Counter-clockwise closed square ring of one cell. */
export function cellRing(l: Lattice, i: number, j: number): Ring {
  const a = vertexPosition(l, i, j);
  return [a, vertexPosition(l, i + 1, j), vertexPosition(l, i + 1, j + 1), vertexPosition(l, i, j + 1), [a[0], a[1]]];
}

const key = (i: number, j: number): string => `${i},${j}`;

/**
 * Outline of the union of cells, in lattice vertex coordinates: outer rings counter-clockwise,
 * holes clockwise, collinear vertices removed, rings closed. Cells touching only at a corner give
 * separate rings. Returns polygons (outer ring first, then its holes), ordered deterministically.
 */
export function cellsOutline(cells: readonly Cell[]): [number, number][][][] {
  const set = new Set(cells.map(([i, j]) => key(i, j)));
  // directed boundary edges with the region on their left
  const out = new Map<string, [number, number][]>();
  const addEdge = (x1: number, y1: number, x2: number, y2: number): void => {
    const k = key(x1, y1);
    const list = out.get(k);
    if (list) list.push([x2, y2]);
    else out.set(k, [[x2, y2]]);
  };
  const sorted = [...set].map((s) => s.split(',').map(Number) as [number, number]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  for (const [i, j] of sorted) {
    if (!set.has(key(i, j - 1))) addEdge(i, j, i + 1, j);
    if (!set.has(key(i + 1, j))) addEdge(i + 1, j, i + 1, j + 1);
    if (!set.has(key(i, j + 1))) addEdge(i + 1, j + 1, i, j + 1);
    if (!set.has(key(i - 1, j))) addEdge(i, j + 1, i, j);
  }
  const rings: [number, number][][] = [];
  // start vertices in deterministic order
  const starts = [...out.keys()].map((s) => s.split(',').map(Number) as [number, number]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  for (const s of starts) {
    for (;;) {
      const first = out.get(key(s[0], s[1]));
      if (!first || first.length === 0) break;
      const ring: [number, number][] = [[s[0], s[1]]];
      let cur: [number, number] = [s[0], s[1]];
      let dir: [number, number] | undefined;
      for (;;) {
        const list = out.get(key(cur[0], cur[1]));
        if (!list || list.length === 0) throw new Error('open boundary while tracing cell outline');
        let pick = 0;
        if (list.length > 1 && dir) {
          // prefer the left turn so that corner-touching cells separate into distinct rings
          const rank = (n: [number, number]): number => {
            const d: [number, number] = [n[0] - cur[0], n[1] - cur[1]];
            const cross = dir![0] * d[1] - dir![1] * d[0];
            return cross > 0 ? 0 : cross === 0 ? 1 : 2;
          };
          pick = list.reduce((best, n, idx) => (rank(n) < rank(list[best]) ? idx : best), 0);
        }
        const next = list.splice(pick, 1)[0];
        dir = [next[0] - cur[0], next[1] - cur[1]];
        cur = next;
        ring.push([cur[0], cur[1]]);
        if (cur[0] === s[0] && cur[1] === s[1]) break;
      }
      rings.push(simplifyCollinear(ring));
    }
  }
  const outers: { ring: [number, number][]; area: number; holes: [number, number][][] }[] = [];
  const holes: [number, number][][] = [];
  for (const r of rings) {
    const a = ringSignedArea(r);
    if (a > 0) outers.push({ ring: r, area: a, holes: [] });
    else holes.push(r);
  }
  for (const h of holes) {
    // a point just left of the hole's first edge lies in a region cell, i.e. inside the enclosing outer
    const [a, b] = h;
    const mx = (a[0] + b[0]) / 2 - (b[1] - a[1]) * 0.25;
    const my = (a[1] + b[1]) / 2 + (b[0] - a[0]) * 0.25;
    let best: (typeof outers)[number] | undefined;
    for (const o of outers) if (pointInRing(mx, my, o.ring) && (!best || o.area < best.area)) best = o;
    if (!best) throw new Error('hole without an enclosing ring');
    best.holes.push(h);
  }
  return outers.map((o) => [o.ring, ...o.holes]);
}

function simplifyCollinear(ring: [number, number][]): [number, number][] {
  // ring is closed (last === first); drop vertices where direction does not change
  const pts = ring.slice(0, -1);
  const n = pts.length;
  const keep: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const p = pts[(k - 1 + n) % n];
    const c = pts[k];
    const q = pts[(k + 1) % n];
    const cross = (c[0] - p[0]) * (q[1] - c[1]) - (c[1] - p[1]) * (q[0] - c[0]);
    if (cross !== 0) keep.push(c);
  }
  keep.push([keep[0][0], keep[0][1]]);
  return keep;
}

/** Outline of the union of cells as lon/lat geometry (Polygon when connected, else MultiPolygon). */
export function cellsGeometry(l: Lattice, cells: readonly Cell[]): AreaGeometry {
  const polys = cellsOutline(cells).map((poly) => poly.map((ring) => ring.map(([i, j]) => vertexPosition(l, i, j))));
  if (polys.length === 1) return { type: 'Polygon', coordinates: polys[0] };
  return { type: 'MultiPolygon', coordinates: polys };
}

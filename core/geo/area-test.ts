// Point-in-area tests compiled once per area. A district outline has ~2,000 vertices and the city
// ~24,000; a unit outside the grids is tested against them at every fix, so big rings get their
// edges sorted into horizontal bands and a test only crosses the band of the point's latitude.
// Exactly the same answers as pointInGeometry (same edges, same arithmetic), just fewer edges.
import { type AreaGeometry, pointInGeometry, type Position } from './polygon.js';

/** below this many vertices a plain scan is as fast as anything */
const BANDED_FROM = 64;
/** about this many edges per band */
const EDGES_PER_BAND = 8;

export type AreaTest = (lon: number, lat: number) => boolean;

interface BandedRing {
  minY: number;
  maxY: number;
  bandHeight: number;
  bands: number;
  /** edges of band k are edges[4*start[k] .. 4*start[k+1]) as xi, yi, xj, yj */
  start: Int32Array;
  edges: Float64Array;
}

function bandRing(ring: readonly Position[]): BandedRing {
  const n = ring.length;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  const bands = Math.max(1, Math.ceil(n / EDGES_PER_BAND));
  const bandHeight = (maxY - minY) / bands || 1;
  const bandOf = (y: number) => Math.min(bands - 1, Math.max(0, Math.floor((y - minY) / bandHeight)));
  // Same edge orientation as pointInRing (i, j = i - 1), so the crossing arithmetic is identical.
  const perBand: number[][] = Array.from({ length: bands }, () => []);
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const lo = bandOf(Math.min(ring[i][1], ring[j][1]));
    const hi = bandOf(Math.max(ring[i][1], ring[j][1]));
    for (let k = lo; k <= hi; k++) perBand[k].push(ring[i][0], ring[i][1], ring[j][0], ring[j][1]);
  }
  const start = new Int32Array(bands + 1);
  for (let k = 0; k < bands; k++) start[k + 1] = start[k] + perBand[k].length / 4;
  const edges = new Float64Array(start[bands] * 4);
  for (let k = 0; k < bands; k++) edges.set(perBand[k], start[k] * 4);
  return { minY, maxY, bandHeight, bands, start, edges };
}

function inBandedRing(lon: number, lat: number, r: BandedRing): boolean {
  // outside the ring's latitude span no edge can cross (half-open: lat = maxY crosses none either)
  if (!(lat >= r.minY && lat < r.maxY)) return false;
  const k = Math.min(r.bands - 1, Math.floor((lat - r.minY) / r.bandHeight));
  const e = r.edges;
  let inside = false;
  for (let m = r.start[k] * 4, end = r.start[k + 1] * 4; m < end; m += 4) {
    const xi = e[m];
    const yi = e[m + 1];
    const xj = e[m + 2];
    const yj = e[m + 3];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function compileAreaTest(geometry: AreaGeometry): AreaTest {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const vertices = polygons.reduce((s, rings) => s + rings.reduce((t, r) => t + r.length, 0), 0);
  if (vertices < BANDED_FROM) return (lon, lat) => pointInGeometry(lon, lat, geometry);
  // rings shorter than 3 never contain anything (as in pointInRing)
  const compiled = polygons.map((rings) => rings.map((r) => (r.length < 3 ? null : bandRing(r))));
  return (lon, lat) => {
    for (const rings of compiled) {
      const outer = rings[0];
      if (!outer || !inBandedRing(lon, lat, outer)) continue;
      let inHole = false;
      for (let h = 1; h < rings.length && !inHole; h++) {
        const hole = rings[h];
        inHole = hole !== null && inBandedRing(lon, lat, hole);
      }
      if (!inHole) return true;
    }
    return false;
  };
}

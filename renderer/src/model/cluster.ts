// Incident clusters when zoomed out: a greedy distance clustering in Web Mercator pixels at the
// current zoom (the way supercluster seeds its clusters), pure and deterministic. The most urgent
// points seed first, so a cluster takes the colour of the most urgent incident inside it.
import type { Priority } from '../../../core/domain';

export interface ClusterPoint {
  id: string;
  lon: number;
  lat: number;
  priority: Priority;
}

export interface Cluster<T extends ClusterPoint = ClusterPoint> {
  id: string;
  lon: number;
  lat: number;
  count: number;
  /** the most urgent priority inside */
  priority: Priority;
  members: T[];
  /** [minLon, minLat, maxLon, maxLat] of the members */
  bounds: [number, number, number, number];
}

export interface Clustering<T extends ClusterPoint> {
  singles: T[];
  clusters: Cluster<T>[];
}

/** Clustering stops at this zoom: closer in, every incident is drawn on its own. */
export const CLUSTER_MAX_ZOOM = 15;
/** world size in pixels at zoom 0 (maplibre's 512-pixel tiles) */
const WORLD = 512;

export function mercatorPx(lon: number, lat: number, zoom: number): [number, number] {
  const size = WORLD * 2 ** zoom;
  const s = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  return [((lon + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
}

export function unmercator(x: number, y: number, zoom: number): [number, number] {
  const size = WORLD * 2 ** zoom;
  const lon = (x / size) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / size;
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
  return [lon, lat];
}

/**
 * Groups points closer than `radiusPx` (screen pixels at `zoom`) to a seed. Seeds are taken most
 * urgent first, then by id, so the result does not depend on input order. At or beyond `maxZoom`
 * nothing is clustered. Points `apart` says are never clustered (an urgent alarm nobody has
 * acknowledged must be seen as itself, with its pictogram): they come back as singles.
 */
export function clusterPoints<T extends ClusterPoint>(
  all: readonly T[],
  zoom: number,
  radiusPx: number,
  maxZoom = CLUSTER_MAX_ZOOM,
  apart?: (p: T) => boolean,
): Clustering<T> {
  const kept = apart ? all.filter(apart) : [];
  const points = kept.length ? all.filter((p) => !apart!(p)) : all;
  const result = clusterRest(points, zoom, radiusPx, maxZoom);
  if (kept.length) result.singles.push(...kept);
  return result;
}

function clusterRest<T extends ClusterPoint>(points: readonly T[], zoom: number, radiusPx: number, maxZoom: number): Clustering<T> {
  if (zoom >= maxZoom || points.length < 2 || radiusPx <= 0) return { singles: points.slice(), clusters: [] };
  const n = points.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const cells = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  for (let i = 0; i < n; i++) {
    const [x, y] = mercatorPx(points[i].lon, points[i].lat, zoom);
    xs[i] = x;
    ys[i] = y;
    const k = key(Math.floor(x / radiusPx), Math.floor(y / radiusPx));
    const cell = cells.get(k);
    if (cell) cell.push(i);
    else cells.set(k, [i]);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const d = points[a].priority - points[b].priority;
    if (d) return d;
    return points[a].id < points[b].id ? -1 : points[a].id > points[b].id ? 1 : 0;
  });
  const taken = new Uint8Array(n);
  const r2 = radiusPx * radiusPx;
  const singles: T[] = [];
  const clusters: Cluster<T>[] = [];
  for (const seed of order) {
    if (taken[seed]) continue;
    taken[seed] = 1;
    const members = [seed];
    const cx = Math.floor(xs[seed] / radiusPx);
    const cy = Math.floor(ys[seed] / radiusPx);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = cells.get(key(cx + dx, cy + dy));
        if (!cell) continue;
        for (const j of cell) {
          if (taken[j]) continue;
          const ex = xs[j] - xs[seed];
          const ey = ys[j] - ys[seed];
          if (ex * ex + ey * ey <= r2) {
            taken[j] = 1;
            members.push(j);
          }
        }
      }
    }
    if (members.length === 1) {
      singles.push(points[seed]);
      continue;
    }
    let sx = 0;
    let sy = 0;
    let minLon = Infinity;
    let minLat = Infinity;
    let maxLon = -Infinity;
    let maxLat = -Infinity;
    let priority = points[seed].priority;
    for (const m of members) {
      sx += xs[m];
      sy += ys[m];
      const p = points[m];
      if (p.lon < minLon) minLon = p.lon;
      if (p.lat < minLat) minLat = p.lat;
      if (p.lon > maxLon) maxLon = p.lon;
      if (p.lat > maxLat) maxLat = p.lat;
      if (p.priority < priority) priority = p.priority;
    }
    const [lon, lat] = unmercator(sx / members.length, sy / members.length, zoom);
    clusters.push({
      id: `cluster:${points[seed].id}`,
      lon,
      lat,
      count: members.length,
      priority,
      members: members.map((m) => points[m]),
      bounds: [minLon, minLat, maxLon, maxLat],
    });
  }
  return { singles, clusters };
}

/**
 * The zoom at which a cluster's members stop being one cluster (in quarter-zoom steps, as the
 * wall clusters), capped at `maxZoom` where clustering ends: where a click on it flies to.
 */
export function expansionZoom<T extends ClusterPoint>(members: readonly T[], fromZoom: number, radiusPx: number, maxZoom = CLUSTER_MAX_ZOOM): number {
  for (let z = Math.floor(fromZoom * 4) / 4 + 0.25; z < maxZoom; z += 0.25) {
    const c = clusterPoints(members, z, radiusPx, maxZoom);
    if (c.clusters.length !== 1 || c.singles.length > 0) return z;
  }
  return maxZoom;
}

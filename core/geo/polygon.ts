// Planar polygon helpers on lon/lat coordinates (GeoJSON order: [lon, lat]). Pure: no Node, DOM or Electron.
// Accuracy is planar, which is fine at city scale (containment does not depend on the projection
// for edges this short; distances use an equirectangular approximation).

export type Position = [number, number];
/** A closed ring: first and last positions equal (an open ring is treated as closed). */
export type Ring = Position[];
export interface PolygonGeometry {
  type: 'Polygon';
  /** outer ring first, then holes */
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

/**
 * Even-odd ray cast towards +lon. Half-open on edges, so a point on an edge shared by two
 * adjacent rings (same vertex coordinates) lands in exactly one of them.
 */
export function pointInRing(lon: number, lat: number, ring: readonly Position[]): boolean {
  let inside = false;
  const n = ring.length;
  if (n < 3) return false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i][0];
    const yi = ring[i][1];
    const xj = ring[j][0];
    const yj = ring[j][1];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
export function pointInPolygon(lon: number, lat: number, rings: readonly (readonly Position[])[]): boolean {
  if (rings.length === 0 || !pointInRing(lon, lat, rings[0])) return false;
  for (let h = 1; h < rings.length; h++) if (pointInRing(lon, lat, rings[h])) return false;
  return true;
}

export function pointInGeometry(lon: number, lat: number, geometry: AreaGeometry): boolean {
  if (geometry.type === 'Polygon') return pointInPolygon(lon, lat, geometry.coordinates);
  for (const poly of geometry.coordinates) if (pointInPolygon(lon, lat, poly)) return true;
  return false;
}

/** Bounding box of all rings (holes included, which never widen it for valid data). Empty geometry: all NaN. */
export function geometryBBox(geometry: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const poly of polys)
    for (const ring of poly)
      for (const p of ring) {
        if (p[0] < minX) minX = p[0];
        if (p[0] > maxX) maxX = p[0];
        if (p[1] < minY) minY = p[1];
        if (p[1] > maxY) maxY = p[1];
      }
  if (minX === Infinity) return [NaN, NaN, NaN, NaN];
  return [minX, minY, maxX, maxY];
}

/** Shoelace signed area in squared degrees; positive when counter-clockwise. */
export function ringSignedArea(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s / 2;
}

/** Appends the first position when the ring is not closed. Returns a new array. */
export function closeRing(ring: readonly Position[]): Ring {
  const out = ring.map((p) => [p[0], p[1]] as Position);
  if (out.length > 0) {
    const a = out[0];
    const b = out[out.length - 1];
    if (a[0] !== b[0] || a[1] !== b[1]) out.push([a[0], a[1]]);
  }
  return out;
}

/** RFC 7946 winding: outer rings counter-clockwise, holes clockwise. Returns new rings. */
export function rewindPolygon(rings: readonly (readonly Position[])[]): Ring[] {
  return rings.map((ring, i) => {
    const r = ring.map((p) => [p[0], p[1]] as Position);
    const ccw = ringSignedArea(r) > 0;
    if ((i === 0) !== ccw) r.reverse();
    return r;
  });
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Rounds every coordinate (default 6 decimals, ~0.1 m) and drops consecutive duplicates this creates. */
export function roundGeometry<G extends AreaGeometry>(geometry: G, decimals = 6): G {
  const ring = (r: readonly Position[]): Ring => {
    const out: Ring = [];
    for (const p of r) {
      const q: Position = [roundTo(p[0], decimals), roundTo(p[1], decimals)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  };
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: geometry.coordinates.map(ring) } as G;
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(ring)) } as G;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

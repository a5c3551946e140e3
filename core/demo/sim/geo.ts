// Planar helpers for moving simulated actors around inside grid polygons. Pure.
import { type AreaGeometry, type BBox, geometryBBox, pointInGeometry } from '../../geo/polygon.js';

const DEG = Math.PI / 180;
/** metres per degree of latitude (close enough anywhere in Fuzhou) */
export const M_PER_DEG_LAT = 110_700;
export const metersPerDegLon = (lat: number): number => 111_320 * Math.cos(lat * DEG);

/** An area an actor keeps to: its geometry, bbox, and the id it came from. */
export interface Area {
  id: string;
  geometry: AreaGeometry;
  bbox: BBox;
}

export function makeArea(id: string, geometry: AreaGeometry): Area {
  return { id, geometry, bbox: geometryBBox(geometry) };
}

/** A square of `halfSizeM` around a point, for when no grid is available. */
export function boxArea(id: string, lon: number, lat: number, halfSizeM: number): Area {
  const dx = halfSizeM / metersPerDegLon(lat);
  const dy = halfSizeM / M_PER_DEG_LAT;
  const ring: [number, number][] = [
    [lon - dx, lat - dy],
    [lon + dx, lat - dy],
    [lon + dx, lat + dy],
    [lon - dx, lat + dy],
    [lon - dx, lat - dy],
  ];
  return makeArea(id, { type: 'Polygon', coordinates: [ring] });
}

/** Equirectangular distance in metres: exact enough at city scale and cheap. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dx = (lon2 - lon1) * metersPerDegLon((lat1 + lat2) / 2);
  const dy = (lat2 - lat1) * M_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Degrees clockwise from north, in [0, 360). */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dx = (lon2 - lon1) * metersPerDegLon((lat1 + lat2) / 2);
  const dy = (lat2 - lat1) * M_PER_DEG_LAT;
  if (dx === 0 && dy === 0) return 0;
  const b = Math.atan2(dx, dy) / DEG;
  return b < 0 ? b + 360 : b;
}

/** Moves a point `meters` along `bearing`. */
export function offsetPoint(lon: number, lat: number, bearing: number, meters: number): [number, number] {
  return [lon + (Math.sin(bearing * DEG) * meters) / metersPerDegLon(lat), lat + (Math.cos(bearing * DEG) * meters) / M_PER_DEG_LAT];
}

/**
 * Margin kept from the area's edges, in degrees (~0.5 m): positions are published rounded to six
 * decimals, and a point this far inside still rounds to a point inside.
 */
const MARGIN = 5e-6;

/** Inside the area, with the margin on all four sides. */
export function insideWithMargin(area: Area, lon: number, lat: number): boolean {
  const g = area.geometry;
  return (
    pointInGeometry(lon, lat, g) &&
    pointInGeometry(lon - MARGIN, lat, g) &&
    pointInGeometry(lon + MARGIN, lat, g) &&
    pointInGeometry(lon, lat - MARGIN, g) &&
    pointInGeometry(lon, lat + MARGIN, g)
  );
}

/** A uniformly random point inside the area (rejection sampling in its bbox); undefined if none found. */
export function randomPointIn(area: Area, next: () => number, tries = 60): [number, number] | undefined {
  const [x0, y0, x1, y1] = area.bbox;
  for (let i = 0; i < tries; i++) {
    const x = x0 + (x1 - x0) * next();
    const y = y0 + (y1 - y0) * next();
    if (insideWithMargin(area, x, y)) return [x, y];
  }
  return undefined;
}

function pointSegmentDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let f = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  f = f < 0 ? 0 : f > 1 ? 1 : f;
  const x = ax + f * dx - px;
  const y = ay + f * dy - py;
  return x * x + y * y;
}

function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/**
 * True when the segment stays at least the margin away from every edge of the area. With both ends
 * inside (see `insideWithMargin`) every point of the segment is then inside with that margin.
 */
export function segmentInside(area: Area, ax: number, ay: number, bx: number, by: number): boolean {
  const m2 = MARGIN * MARGIN;
  const minX = Math.min(ax, bx) - MARGIN;
  const maxX = Math.max(ax, bx) + MARGIN;
  const minY = Math.min(ay, by) - MARGIN;
  const maxY = Math.max(ay, by) + MARGIN;
  const polys = area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates;
  for (const poly of polys)
    for (const ring of poly)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const cx = ring[j][0];
        const cy = ring[j][1];
        const dx = ring[i][0];
        const dy = ring[i][1];
        if ((cx < minX && dx < minX) || (cx > maxX && dx > maxX) || (cy < minY && dy < minY) || (cy > maxY && dy > maxY)) continue;
        if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) return false;
        if (
          pointSegmentDist2(cx, cy, ax, ay, bx, by) < m2 ||
          pointSegmentDist2(dx, dy, ax, ay, bx, by) < m2 ||
          pointSegmentDist2(ax, ay, cx, cy, dx, dy) < m2 ||
          pointSegmentDist2(bx, by, cx, cy, dx, dy) < m2
        )
          return false;
      }
  return true;
}

/** Centre of the bbox (only a label position; it may fall outside a concave area). */
export function bboxCenter(area: Area): [number, number] {
  return [(area.bbox[0] + area.bbox[2]) / 2, (area.bbox[1] + area.bbox[3]) / 2];
}

export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

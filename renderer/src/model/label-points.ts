// One label point per named area (a MultiPolygon would otherwise get a label per part): inside
// the largest part, as close to its centroid as a point inside it can be.
import type { GridLevel } from '../../../core/domain';
import { pointInPolygon, ringSignedArea, type Position } from '../../../core/geo/polygon';

interface AreaFeature {
  properties: { id: string; name: string; level: GridLevel };
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
}

export interface LabelPoint {
  type: 'Feature';
  properties: { id: string; name: string; level: GridLevel };
  geometry: { type: 'Point'; coordinates: [number, number] };
}

function centroid(ring: readonly Position[]): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f;
    cx += (ring[j][0] + ring[i][0]) * f;
    cy += (ring[j][1] + ring[i][1]) * f;
  }
  if (a === 0) return [ring[0][0], ring[0][1]];
  return [cx / (3 * a), cy / (3 * a)];
}

/** A point inside the polygon: the centroid when inside, else the inside sample nearest to it. */
export function labelPointOf(rings: Position[][]): [number, number] {
  const outer = rings[0];
  const c = centroid(outer);
  if (pointInPolygon(c[0], c[1], rings)) return c;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of outer) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  let best: [number, number] | null = null;
  let bestD = Infinity;
  const N = 24;
  for (let i = 1; i < N; i++) {
    for (let j = 1; j < N; j++) {
      const x = minX + ((maxX - minX) * i) / N;
      const y = minY + ((maxY - minY) * j) / N;
      if (!pointInPolygon(x, y, rings)) continue;
      const d = (x - c[0]) ** 2 + (y - c[1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = [x, y];
      }
    }
  }
  return best ?? [outer[0][0], outer[0][1]];
}

export function labelPoints(grids: unknown, levels: readonly GridLevel[]): { type: 'FeatureCollection'; features: LabelPoint[] } {
  const features: LabelPoint[] = [];
  const list = (grids as { features?: unknown[] } | null)?.features;
  if (!Array.isArray(list)) return { type: 'FeatureCollection', features };
  for (const raw of list) {
    const f = raw as AreaFeature;
    if (!f?.properties || !levels.includes(f.properties.level) || !f.geometry) continue;
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates : [];
    let largest: Position[][] | null = null;
    let area = -1;
    for (const p of polys) {
      const a = p[0] ? Math.abs(ringSignedArea(p[0])) : 0;
      if (a > area) {
        area = a;
        largest = p;
      }
    }
    if (!largest) continue;
    const { id, name, level } = f.properties;
    features.push({ type: 'Feature', properties: { id, name, level }, geometry: { type: 'Point', coordinates: labelPointOf(largest) } });
  }
  return { type: 'FeatureCollection', features };
}

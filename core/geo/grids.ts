// The administrative / grid-management hierarchy as GeoJSON: city > district > street > community > grid.
// Types, a tolerant validator for loaded collections, and a hierarchy checker. Pure: no Node, DOM or Electron.
import { GRID_LEVELS, type GridLevel } from '../domain.js';
import type { AreaGeometry, Position } from './polygon.js';

export interface GridProperties {
  id: string;
  name: string;
  level: GridLevel;
  /** null only for the city */
  parentId: string | null;
  /** ancestor ids including this one, outermost (city) first */
  ids: string[];
  /** names matching `ids` */
  names: string[];
}

export interface GridFeature {
  type: 'Feature';
  properties: GridProperties;
  geometry: AreaGeometry;
}

export interface GridCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

/** 0 for city … 4 for grid. */
export function levelDepth(level: GridLevel): number {
  return GRID_LEVELS.indexOf(level);
}

export type ParseGridResult =
  | { ok: true; features: GridFeature[]; skipped: { index: number; reason: string }[] }
  | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function ringProblem(ring: unknown): string | undefined {
  if (!Array.isArray(ring)) return 'ring is not an array';
  if (ring.length < 4) return `ring has ${ring.length} positions (< 4)`;
  for (const p of ring) {
    if (!Array.isArray(p) || p.length < 2) return 'position is not [lon, lat]';
    const [x, y] = p as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return 'non-numeric coordinate';
    if (x < -180 || x > 180 || y < -90 || y > 90) return 'coordinate out of range';
  }
  const a = ring[0] as Position;
  const b = ring[ring.length - 1] as Position;
  if (a[0] !== b[0] || a[1] !== b[1]) return 'ring is not closed';
  return undefined;
}

function polygonProblem(poly: unknown): string | undefined {
  if (!Array.isArray(poly) || poly.length === 0) return 'polygon has no rings';
  for (const ring of poly) {
    const p = ringProblem(ring);
    if (p) return p;
  }
  return undefined;
}

function geometryProblem(g: unknown): string | undefined {
  if (!isObj(g)) return 'geometry missing';
  if (g.type === 'Polygon') return polygonProblem(g.coordinates);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'MultiPolygon has no polygons';
    for (const poly of g.coordinates) {
      const p = polygonProblem(poly);
      if (p) return p;
    }
    return undefined;
  }
  return `unsupported geometry type ${JSON.stringify(g.type)}`;
}

function propertiesProblem(p: unknown): string | undefined {
  if (!isObj(p)) return 'properties missing';
  if (typeof p.id !== 'string' || p.id === '') return 'id is not a non-empty string';
  if (typeof p.name !== 'string') return 'name is not a string';
  if (typeof p.level !== 'string' || !(GRID_LEVELS as readonly string[]).includes(p.level)) return `unknown level ${JSON.stringify(p.level)}`;
  if (!isStrArray(p.ids) || !isStrArray(p.names)) return 'ids/names are not string arrays';
  const depth = levelDepth(p.level as GridLevel);
  if (p.ids.length !== depth + 1) return `ids has ${p.ids.length} entries, level ${p.level} needs ${depth + 1}`;
  if (p.names.length !== p.ids.length) return 'names and ids differ in length';
  if (p.ids[depth] !== p.id) return 'ids does not end with id';
  if (p.names[depth] !== p.name) return 'names does not end with name';
  const expectedParent = depth === 0 ? null : p.ids[depth - 1];
  if (p.parentId !== expectedParent) return `parentId ${JSON.stringify(p.parentId)} does not match ids (${JSON.stringify(expectedParent)})`;
  return undefined;
}

/**
 * Validates a loaded grid FeatureCollection. Structural errors in single features skip that feature
 * (with a reason); only a top level that is not a FeatureCollection fails the whole parse. Later
 * duplicates of an id are skipped. Parent existence is not checked here (see `hierarchyProblems`).
 * The returned features are fresh objects holding exactly the known properties.
 */
export function parseGridCollection(json: unknown): ParseGridResult {
  if (!isObj(json)) return { ok: false, error: 'not an object' };
  if (json.type !== 'FeatureCollection') return { ok: false, error: `type is ${JSON.stringify(json.type)}, expected "FeatureCollection"` };
  if (!Array.isArray(json.features)) return { ok: false, error: 'features is not an array' };
  const features: GridFeature[] = [];
  const skipped: { index: number; reason: string }[] = [];
  const seen = new Set<string>();
  json.features.forEach((f: unknown, index: number) => {
    if (!isObj(f) || f.type !== 'Feature') {
      skipped.push({ index, reason: 'not a GeoJSON Feature' });
      return;
    }
    const reason = propertiesProblem(f.properties) ?? geometryProblem(f.geometry);
    if (reason) {
      skipped.push({ index, reason });
      return;
    }
    const p = f.properties as unknown as GridProperties;
    if (seen.has(p.id)) {
      skipped.push({ index, reason: `duplicate id ${p.id}` });
      return;
    }
    seen.add(p.id);
    features.push({
      type: 'Feature',
      properties: { id: p.id, name: p.name, level: p.level, parentId: p.parentId, ids: [...p.ids], names: [...p.names] },
      geometry: f.geometry as unknown as AreaGeometry,
    });
  });
  return { ok: true, features, skipped };
}

/**
 * Referential checks across a collection: every ancestor id exists with the right level and name,
 * and ids are unique. Returns human-readable problems (empty when consistent).
 */
export function hierarchyProblems(features: readonly GridFeature[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, GridFeature>();
  for (const f of features) {
    if (byId.has(f.properties.id)) problems.push(`duplicate id ${f.properties.id}`);
    else byId.set(f.properties.id, f);
  }
  for (const f of features) {
    const { id, ids, names } = f.properties;
    for (let d = 0; d < ids.length - 1; d++) {
      const anc = byId.get(ids[d]);
      if (!anc) problems.push(`${id}: ancestor ${ids[d]} missing`);
      else if (anc.properties.level !== GRID_LEVELS[d]) problems.push(`${id}: ancestor ${ids[d]} is ${anc.properties.level}, expected ${GRID_LEVELS[d]}`);
      else if (anc.properties.name !== names[d]) problems.push(`${id}: ancestor ${ids[d]} is named ${anc.properties.name}, not ${names[d]}`);
    }
  }
  return problems;
}

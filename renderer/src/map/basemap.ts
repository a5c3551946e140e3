// An optional offline basemap under the grid outlines: a local .pmtiles archive the shell serves
// same-origin at `reference.basemapUrl` (web: /basemap.pmtiles, Electron: app://wall/basemap.pmtiles),
// read by byte range through the `pmtiles` protocol. Nothing is fetched from outside.
// Raster archives are drawn dimmed and desaturated; vector archives as calm dark fills and thin
// lines for every layer the archive lists. No symbols: the wall has no glyph server.
import { addProtocol, type LayerSpecification, type Map as MaplibreMap, type SourceSpecification } from 'maplibre-gl';
import { PMTiles, Protocol, TileType } from 'pmtiles';

export const BASEMAP_SOURCE = 'basemap';
/** The first grid layer: basemap layers go in below it (and above the background). */
export const BASEMAP_BEFORE_LAYER = 'district-fill';
/** Over a basemap the opaque district fill would hide it; it is thinned to this. */
export const DISTRICT_FILL_OPACITY_OVER_BASEMAP = 0.35;

export const BASEMAP_COLORS = {
  fill: '#1a2836',
  line: '#3a5068',
};

export interface BasemapInfo {
  /** the archive's tile type (pmtiles `TileType`: 1 mvt, 2 png, 3 jpeg, 4 webp, 5 avif, 6 mlt) */
  tileType: number;
  /** `metadata.vector_layers[].id` (vector archives) */
  vectorLayers: string[];
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] from the header, when valid */
  bounds?: [number, number, number, number];
  /** the tile URL template; by default `pmtiles://basemap/{z}/{x}/{y}` */
  tiles?: string;
}

export interface BasemapStyle {
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}

const RASTER_TYPES = new Set<number>([TileType.Png, TileType.Jpeg, TileType.Webp, TileType.Avif]);

export function basemapKind(tileType: number): 'raster' | 'vector' | null {
  if (RASTER_TYPES.has(tileType)) return 'raster';
  if (tileType === TileType.Mvt || tileType === TileType.Mlt) return 'vector';
  return null;
}

/** Style sources and layers for an archive (pure). Throws for tile types the wall cannot draw. */
export function basemapLayers(info: BasemapInfo): BasemapStyle {
  const kind = basemapKind(info.tileType);
  if (!kind) throw new Error(`unsupported basemap tile type ${info.tileType}`);
  const minzoom = Math.max(0, Math.min(24, Math.floor(info.minZoom)));
  const maxzoom = Math.max(minzoom, Math.min(24, Math.floor(info.maxZoom)));
  const tiles = [info.tiles ?? `pmtiles://${BASEMAP_SOURCE}/{z}/{x}/{y}`];
  const bounds = validBounds(info.bounds) ? { bounds: info.bounds } : {};

  if (kind === 'raster') {
    return {
      sources: { [BASEMAP_SOURCE]: { type: 'raster', tiles, tileSize: 256, minzoom, maxzoom, ...bounds } },
      layers: [
        {
          id: 'basemap-raster',
          type: 'raster',
          source: BASEMAP_SOURCE,
          paint: {
            // dim and calm for a dark wall: the situation on top must stand out
            'raster-brightness-max': 0.35,
            'raster-saturation': -0.6,
            'raster-contrast': -0.1,
            'raster-fade-duration': 0,
          },
        },
      ],
    };
  }

  const layers: LayerSpecification[] = [];
  const seen = new Set<string>();
  for (const name of info.vectorLayers) {
    if (typeof name !== 'string' || !name || seen.has(name)) continue;
    seen.add(name);
    layers.push(
      {
        id: `basemap-${name}-fill`,
        type: 'fill',
        source: BASEMAP_SOURCE,
        'source-layer': name,
        filter: ['==', '$type', 'Polygon'],
        paint: { 'fill-color': BASEMAP_COLORS.fill, 'fill-opacity': 0.18 },
      },
      {
        id: `basemap-${name}-line`,
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': name,
        filter: ['==', '$type', 'LineString'],
        paint: { 'line-color': BASEMAP_COLORS.line, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 16, 1.2], 'line-opacity': 0.55 },
      },
    );
  }
  return {
    sources: {
      [BASEMAP_SOURCE]: {
        type: 'vector',
        tiles,
        minzoom,
        maxzoom,
        ...bounds,
        ...(info.tileType === TileType.Mlt ? { encoding: 'mlt' as const } : {}),
      },
    },
    layers,
  };
}

function validBounds(b: BasemapInfo['bounds']): b is [number, number, number, number] {
  if (!b || b.length !== 4 || !b.every(Number.isFinite)) return false;
  const [w, s, e, n] = b;
  return w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n;
}

/** The names in `metadata.vector_layers` (TileJSON), tolerating anything malformed. */
export function vectorLayerIds(metadata: unknown): string[] {
  const list = (metadata as { vector_layers?: unknown } | null)?.vector_layers;
  if (!Array.isArray(list)) return [];
  return list.map((l) => (l as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string' && id.length > 0);
}

let protocol: Protocol | null = null;

/** The pmtiles protocol, registered with maplibre once per page. */
export function pmtilesProtocol(): Protocol {
  if (!protocol) {
    protocol = new Protocol();
    addProtocol('pmtiles', protocol.tile as Parameters<typeof addProtocol>[1]);
  }
  return protocol;
}

/** Opens the archive and reads what the style needs from its header and metadata. */
export async function openBasemap(url: string): Promise<BasemapInfo> {
  const absolute = new URL(url, globalThis.location?.href).href;
  const archive = new PMTiles(absolute);
  const header = await archive.getHeader();
  const kind = basemapKind(header.tileType);
  if (!kind) throw new Error(`unsupported basemap tile type ${header.tileType}`);
  const vectorLayers = kind === 'vector' ? vectorLayerIds(await archive.getMetadata()) : [];
  if (kind === 'vector' && vectorLayers.length === 0) throw new Error('vector basemap lists no vector_layers in its metadata');
  // the protocol finds this very instance (and its cached header) by URL
  pmtilesProtocol().add(archive);
  return {
    tileType: header.tileType,
    vectorLayers,
    minZoom: header.minZoom,
    maxZoom: header.maxZoom,
    bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
    tiles: `pmtiles://${absolute}/{z}/{x}/{y}`,
  };
}

/**
 * Adds the basemap under the grid layers once the map has loaded (call right after creating
 * the map). A missing or broken archive never breaks the map: it is logged, the grid style
 * stays, and `onError` lets the view show a notice. Returns a function that cancels.
 */
export function attachBasemap(map: MaplibreMap, url: string | null | undefined, onError: (error: Error) => void): () => void {
  if (!url) return () => {};
  let cancelled = false;
  let loaded = false;
  let info: BasemapInfo | null = null;
  const fail = (e: unknown) => {
    if (cancelled) return;
    const error = e instanceof Error ? e : new Error(String(e));
    console.warn(`offline basemap ${url} not shown: ${error.message}`);
    onError(error);
  };
  const add = () => {
    if (cancelled || !loaded || !info) return;
    try {
      const style = basemapLayers(info);
      const before = map.getLayer(BASEMAP_BEFORE_LAYER) ? BASEMAP_BEFORE_LAYER : undefined;
      for (const [id, source] of Object.entries(style.sources)) if (!map.getSource(id)) map.addSource(id, source);
      for (const layer of style.layers) if (!map.getLayer(layer.id)) map.addLayer(layer, before);
      if (map.getLayer(BASEMAP_BEFORE_LAYER)) map.setPaintProperty(BASEMAP_BEFORE_LAYER, 'fill-opacity', DISTRICT_FILL_OPACITY_OVER_BASEMAP);
    } catch (e) {
      fail(e);
    }
  };
  map.once('load', () => {
    loaded = true;
    add();
  });
  openBasemap(url).then(
    (i) => {
      info = i;
      add();
    },
    (e) => fail(e),
  );
  return () => {
    cancelled = true;
  };
}

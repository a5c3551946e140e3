// Datum conversion between WGS-84, GCJ-02 and BD-09. gcoord does the maths; this module only
// names the datums our config uses and accepts the spellings clients send.
import gcoord from 'gcoord';
import type { Datum } from '../domain.js';

const GCOORD_CRS = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

const ALIASES: Record<string, Datum> = {
  wgs84: 'WGS84', 'wgs-84': 'WGS84', wgs: 'WGS84', gps: 'WGS84', 'epsg:4326': 'WGS84',
  gcj02: 'GCJ02', 'gcj-02': 'GCJ02', gcj: 'GCJ02', mars: 'GCJ02', amap: 'GCJ02',
  bd09: 'BD09', 'bd-09': 'BD09', bd09ll: 'BD09', baidu: 'BD09',
};

/** Reads a datum name as clients spell it; undefined when it is not one we know. */
export function parseDatum(name: string): Datum | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

/** Converts a point; returns [lon, lat]. Identity when the datums match (the hot path for GPS feeds). */
export function convertDatum(lon: number, lat: number, from: Datum, to: Datum): [number, number] {
  if (from === to) return [lon, lat];
  const out = gcoord.transform([lon, lat] as [number, number], GCOORD_CRS[from], GCOORD_CRS[to]);
  return [out[0], out[1]];
}

// What a case's map picture at a key moment shows (map-picture.ts): the incident and the responders
// sent to it, where they were then and the trails that brought them, with room around them. Pure.
import type { SituationSnapshot } from '../../../core/situation/situation';

/** [[west, south], [east, north]] */
export type Bounds = [[number, number], [number, number]];

/** at least this much on either side of the middle, in degrees (~900 m): the streets around, not a doorway */
const MIN_HALF_SPAN = 0.008;
/** at most this far from the incident, in degrees (~20 km): a responder far off does not shrink the picture to the city */
const MAX_REACH = 0.2;

const finite = (lon: number, lat: number) => Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;

/** The bounds of the incident and its responders (positions and trails) at the moment; null when the incident is not in the situation. */
export function pictureBounds(s: SituationSnapshot, incidentId: string): Bounds | null {
  const inc = s.incidents.find((i) => i.id === incidentId);
  if (!inc || !finite(inc.lon, inc.lat)) return null;
  let w = inc.lon;
  let e = inc.lon;
  let so = inc.lat;
  let n = inc.lat;
  const add = (lon: number, lat: number) => {
    if (!finite(lon, lat) || Math.abs(lon - inc.lon) > MAX_REACH || Math.abs(lat - inc.lat) > MAX_REACH) return;
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    so = Math.min(so, lat);
    n = Math.max(n, lat);
  };
  const sent = new Set(inc.responders.map((r) => r.unitId));
  for (const u of s.units) {
    if (!sent.has(u.id)) continue;
    add(u.lon, u.lat);
    for (const [lon, lat] of u.trail) add(lon, lat);
  }
  const cx = (w + e) / 2;
  const cy = (so + n) / 2;
  const hx = Math.max((e - w) / 2, MIN_HALF_SPAN);
  const hy = Math.max((n - so) / 2, MIN_HALF_SPAN);
  return [
    [cx - hx, cy - hy],
    [cx + hx, cy + hy],
  ];
}

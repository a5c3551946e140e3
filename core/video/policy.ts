// Which cameras are on the wall, and for which alarm. A pure function of the situation, the tiles
// already open and the time, so the same inputs always give the same wall (and replay shows the
// video the operators saw).
import type { Camera, Incident, Kiosk } from '../domain.js';
import { distanceMeters } from '../geo/polygon.js';

export interface VideoPolicyOptions {
  /** nearest cameras are looked for within this distance of the alarm */
  radiusM: number;
  /** tiles per alarm */
  perAlarm: number;
  /** tiles on the wall */
  maxTiles: number;
  /** a closed alarm keeps its tiles this long */
  closeGraceMs: number;
  /** extra degrees either side of a camera's field of view still counted as facing */
  facingMarginDeg: number;
}

export const DEFAULT_VIDEO_POLICY: VideoPolicyOptions = { radiusM: 400, perAlarm: 3, maxTiles: 16, closeGraceMs: 30_000, facingMarginDeg: 10 };

export type TileReason = 'named' | 'kiosk' | 'nearest' | 'pinned' | 'manual';

/**
 * The alarm id a camera opened by hand from the map with no alarm chosen is filed under: the
 * tile stands by the camera itself, with no number badge.
 */
export const MANUAL_PREFIX = 'camera:';
export const manualGroupId = (cameraId: string): string => `${MANUAL_PREFIX}${cameraId}`;
export const isManualGroup = (id: string): boolean => id.startsWith(MANUAL_PREFIX);

export interface VideoTile {
  cameraId: string;
  incidentId: string;
  reason: TileReason;
  /** metres from the camera to the alarm */
  distanceM: number;
  pinned: boolean;
  /** stable position in the strip; a tile keeps its slot while it stays open */
  slot: number;
  openedAt: number;
  /** last time its alarm was updated (or the tile was pinned/opened) */
  relevantAt: number;
}

export interface VideoPolicyInput {
  now: number;
  incidents: Iterable<Incident>;
  cameras: ReadonlyMap<string, Camera>;
  kiosks: ReadonlyMap<string, Kiosk>;
  previous: readonly VideoTile[];
  /** camera ids the operator pinned (they stay until unpinned) */
  pinned: ReadonlySet<string>;
  /** camera ids the operator closed for a given alarm: not reopened for it */
  dismissed: ReadonlySet<string>;
  /**
   * cameras the operator opened by hand: camera id → the alarm it was opened for (or
   * manualGroupId(camera) for none). They come before what the policy chooses, and stay until
   * closed or their alarm is gone.
   */
  requested?: ReadonlyMap<string, string>;
  options?: Partial<VideoPolicyOptions>;
}

const dismissKey = (incidentId: string, cameraId: string) => `${incidentId}\u0000${cameraId}`;
export { dismissKey };

/** Initial bearing from a to b, degrees clockwise from north. */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((lon2 - lon1) * toRad) * Math.cos(lat2 * toRad);
  const x = Math.cos(lat1 * toRad) * Math.sin(lat2 * toRad) - Math.sin(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.cos((lon2 - lon1) * toRad);
  return (Math.atan2(y, x) / toRad + 360) % 360;
}

/** True when the spot lies inside the camera's field of view; cameras without a bearing (domes) face everywhere. */
export function facesSpot(camera: Pick<Camera, 'lat' | 'lon' | 'bearing' | 'fov'>, lon: number, lat: number, marginDeg: number): boolean {
  if (camera.bearing === undefined || camera.fov === undefined || camera.fov >= 360) return true;
  if (distanceMeters(camera.lon, camera.lat, lon, lat) < 15) return true; // standing under it
  const toSpot = bearingDeg(camera.lon, camera.lat, lon, lat);
  const diff = Math.abs(((toSpot - camera.bearing + 540) % 360) - 180);
  return diff <= camera.fov / 2 + marginDeg;
}

interface Want {
  cameraId: string;
  incident: Incident;
  reason: TileReason;
  distanceM: number;
}

/** Cameras for one alarm, best first: its named cameras, its kiosk's camera, then the nearest that face it. */
export function camerasForIncident(
  incident: Incident,
  cameras: ReadonlyMap<string, Camera>,
  kiosks: ReadonlyMap<string, Kiosk>,
  opts: VideoPolicyOptions,
  excluded: (cameraId: string) => boolean = () => false,
): Want[] {
  const out: Want[] = [];
  const seen = new Set<string>();
  const usable = (c: Camera | undefined): c is Camera => c !== undefined && c.online !== false && !seen.has(c.id) && !excluded(c.id);
  const add = (c: Camera, reason: TileReason) => {
    seen.add(c.id);
    out.push({ cameraId: c.id, incident, reason, distanceM: Math.round(distanceMeters(c.lon, c.lat, incident.lon, incident.lat)) });
  };
  for (const id of incident.cameraIds) {
    const c = cameras.get(id);
    if (usable(c)) add(c, 'named');
  }
  const kioskCamera = incident.kioskId ? kiosks.get(incident.kioskId)?.cameraId : undefined;
  if (kioskCamera) {
    const c = cameras.get(kioskCamera);
    if (usable(c)) add(c, 'kiosk');
  }
  if (out.length < opts.perAlarm) {
    const near: { c: Camera; d: number }[] = [];
    for (const c of cameras.values()) {
      if (!usable(c)) continue;
      const d = distanceMeters(c.lon, c.lat, incident.lon, incident.lat);
      if (d <= opts.radiusM && facesSpot(c, incident.lon, incident.lat, opts.facingMarginDeg)) near.push({ c, d });
    }
    near.sort((a, b) => a.d - b.d || (b.c.priority ?? 0) - (a.c.priority ?? 0) || (a.c.id < b.c.id ? -1 : 1));
    for (const { c } of near) {
      if (out.length >= opts.perAlarm) break;
      add(c, 'nearest');
    }
  }
  return out.slice(0, Math.max(opts.perAlarm, 0));
}

/** Alarms in the order they deserve screen space: most urgent, then most recently active. */
function incidentRank(a: Incident, b: Incident): number {
  return a.priority - b.priority || b.lastSeen - a.lastSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function planVideoWall(input: VideoPolicyInput): VideoTile[] {
  const opts = { ...DEFAULT_VIDEO_POLICY, ...input.options };
  const { now } = input;
  const prevByCamera = new Map(input.previous.map((t) => [t.cameraId, t]));

  // Alarms that may hold tiles: open ones, and closed ones within their grace period.
  const live: Incident[] = [];
  for (const inc of input.incidents) {
    if (inc.status === 'open') live.push(inc);
    else if (inc.closedAt !== undefined && now - inc.closedAt < opts.closeGraceMs) live.push(inc);
  }
  live.sort(incidentRank);

  const chosen = new Map<string, VideoTile>();
  const place = (cameraId: string, incidentId: string, reason: TileReason, distanceM: number, pinned: boolean, relevantAt: number) => {
    const prev = prevByCamera.get(cameraId);
    const keepsAlarm = prev && prev.incidentId === incidentId;
    chosen.set(cameraId, {
      cameraId,
      incidentId,
      reason,
      distanceM,
      pinned,
      slot: -1,
      openedAt: keepsAlarm ? prev.openedAt : now,
      relevantAt: Math.max(relevantAt, keepsAlarm ? prev.relevantAt : 0),
    });
  };

  // 1. Pinned tiles stay whatever happens to their alarm.
  for (const cameraId of input.pinned) {
    const prev = prevByCamera.get(cameraId);
    if (!prev || !input.cameras.has(cameraId)) continue;
    place(cameraId, prev.incidentId, prev.reason, prev.distanceM, true, prev.relevantAt);
  }

  // 1b. What the operator asked for by hand, while its alarm (if any) is still there.
  const liveById = new Map(live.map((i) => [i.id, i]));
  for (const [cameraId, incidentId] of input.requested ?? []) {
    const camera = input.cameras.get(cameraId);
    if (!camera || chosen.has(cameraId)) continue;
    const inc = liveById.get(incidentId);
    if (!inc && !isManualGroup(incidentId)) continue;
    const distanceM = inc ? Math.round(distanceMeters(camera.lon, camera.lat, inc.lon, inc.lat)) : 0;
    place(cameraId, incidentId, 'manual', distanceM, false, inc?.lastSeen ?? now);
  }

  // 2. Everything the alarms want, best alarm first; a camera goes to the best alarm wanting it.
  const wants: Want[] = [];
  for (const inc of live) {
    wants.push(...camerasForIncident(inc, input.cameras, input.kiosks, opts, (cameraId) => input.dismissed.has(dismissKey(inc.id, cameraId))));
  }
  const capacity = Math.max(0, opts.maxTiles);
  for (const w of wants) {
    if (chosen.has(w.cameraId)) continue;
    if (chosen.size >= capacity) break;
    place(w.cameraId, w.incident.id, w.reason, w.distanceM, false, w.incident.lastSeen);
  }

  // 3. Slots: keep the previous slot when free, new tiles take the lowest free slot.
  const tiles = [...chosen.values()];
  const used = new Set<number>();
  for (const t of tiles) {
    const prev = prevByCamera.get(t.cameraId);
    if (prev && prev.slot >= 0 && !used.has(prev.slot)) {
      t.slot = prev.slot;
      used.add(prev.slot);
    }
  }
  let next = 0;
  for (const t of tiles) {
    if (t.slot >= 0) continue;
    while (used.has(next)) next++;
    t.slot = next;
    used.add(next);
  }
  // Stable order for the caller: by alarm rank, then by reason order inside an alarm.
  const order = new Map(live.map((i, n) => [i.id, n]));
  tiles.sort((a, b) => (order.get(a.incidentId) ?? -1) - (order.get(b.incidentId) ?? -1) || a.slot - b.slot);
  return tiles;
}

export interface CameraNear {
  camera: Camera;
  distanceM: number;
  /** the alarm's spot is in its field of view (domes face everywhere) */
  facing: boolean;
}

/** Every camera within `radiusM` of a spot, nearest first (at most `limit`): what an operator may open by hand. */
export function camerasNear(lon: number, lat: number, cameras: ReadonlyMap<string, Camera>, radiusM: number, limit: number, marginDeg = DEFAULT_VIDEO_POLICY.facingMarginDeg): CameraNear[] {
  const out: CameraNear[] = [];
  for (const camera of cameras.values()) {
    const d = distanceMeters(camera.lon, camera.lat, lon, lat);
    if (d <= radiusM) out.push({ camera, distanceM: Math.round(d), facing: facesSpot(camera, lon, lat, marginDeg) });
  }
  out.sort((a, b) => a.distanceM - b.distanceM || (a.camera.id < b.camera.id ? -1 : 1));
  return out.slice(0, Math.max(0, limit));
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Camera, Incident, Kiosk } from '../../../core/domain.js';
import { bearingDeg, camerasNear, dismissKey, facesSpot, manualGroupId, planVideoWall, type VideoPolicyInput, type VideoTile } from '../../../core/video/policy.js';

const T0 = Date.UTC(2026, 10, 26, 8);
const SPOT = { lon: 119.2826, lat: 26.0425 };
// ~0.001° lat ≈ 111 m; ~0.001° lon ≈ 100 m here
const cam = (id: string, dLon: number, dLat: number, over: Partial<Camera> = {}): Camera => ({ id, name: id, lon: SPOT.lon + dLon, lat: SPOT.lat + dLat, online: true, ...over });
const incident = (id: string, over: Partial<Incident> = {}): Incident => ({
  id, ts: T0, kind: 'theft', priority: 3, lat: SPOT.lat, lon: SPOT.lon, title: id, status: 'open', cameraIds: [], media: [], source: '110',
  startedAt: T0, firstSeen: T0, lastSeen: T0, updates: 0, acknowledged: false, state: over.acknowledged ? 'acknowledged' : 'new', timeline: [], responders: [], ...over,
});
const cameras = new Map([
  cam('near1', 0.0005, 0), // ~50 m
  cam('near2', 0, 0.001), // ~111 m
  cam('near3', -0.002, 0), // ~200 m
  cam('near4', 0.003, 0), // ~300 m
  cam('far', 0.01, 0), // ~1 km
  cam('kioskcam', 0.02, 0.02),
  cam('named', 0.05, 0.05),
].map((c) => [c.id, c]));
const kiosks = new Map<string, Kiosk>([['K1', { id: 'K1', name: 'K1', lat: 26.06, lon: 119.3, cameraId: 'kioskcam', online: true, sos: false }]]);

const plan = (over: Partial<VideoPolicyInput> = {}) =>
  planVideoWall({ now: T0, incidents: [], cameras, kiosks, previous: [], pinned: new Set(), dismissed: new Set(), ...over });

describe('video policy', () => {
  it('picks named cameras, then the kiosk camera, then the nearest within the radius', () => {
    const tiles = plan({ incidents: [incident('A', { cameraIds: ['named'], kioskId: 'K1' })], options: { perAlarm: 4 } });
    expect(tiles.map((t) => [t.cameraId, t.reason])).toEqual([
      ['named', 'named'], ['kioskcam', 'kiosk'], ['near1', 'nearest'], ['near2', 'nearest'],
    ]);
    expect(tiles.every((t) => t.incidentId === 'A')).toBe(true);
  });

  it('opens up to N per alarm (default 3), nearest first, none beyond the radius', () => {
    const tiles = plan({ incidents: [incident('A')] });
    expect(tiles.map((t) => t.cameraId)).toEqual(['near1', 'near2', 'near3']);
    expect(plan({ incidents: [incident('A')], options: { radiusM: 80 } }).map((t) => t.cameraId)).toEqual(['near1']);
    expect(plan({ incidents: [incident('A')], options: { perAlarm: 10 } }).map((t) => t.cameraId)).not.toContain('far');
  });

  it('skips cameras that face away from the spot and offline cameras', () => {
    const facing = new Map(cameras);
    facing.set('near1', { ...cameras.get('near1')!, bearing: 90, fov: 60 }); // east of the spot, looking further east
    facing.set('near2', { ...cameras.get('near2')!, online: false });
    const tiles = plan({ cameras: facing, incidents: [incident('A')] });
    expect(tiles.map((t) => t.cameraId)).toEqual(['near3', 'near4']);
  });

  it('opens a camera asked for by hand before what the policy chooses, for its alarm or standing alone, and lets it go with its alarm', () => {
    const requested = new Map([['near4', 'A'], ['far', manualGroupId('far')]]);
    const tiles = plan({ incidents: [incident('A')], requested, options: { maxTiles: 4 } });
    // the two asked for come first; the policy fills what room is left
    expect(tiles.map((t) => [t.cameraId, t.incidentId, t.reason])).toEqual([
      ['far', 'camera:far', 'manual'], ['near4', 'A', 'manual'], ['near1', 'A', 'nearest'], ['near2', 'A', 'nearest'],
    ]);
    expect(tiles.find((t) => t.cameraId === 'near4')!.distanceM).toBeGreaterThan(250);
    // its alarm gone: the request for it is not kept; the one standing alone is
    const later = plan({ now: T0 + 3600_000, incidents: [], requested });
    expect(later.map((t) => t.cameraId)).toEqual(['far']);
    // an unknown camera is ignored
    expect(plan({ requested: new Map([['nope', manualGroupId('nope')]]) })).toEqual([]);
  });

  it('camerasNear lists every camera within the radius, nearest first, facing or not', () => {
    const facing = new Map(cameras);
    facing.set('near1', { ...cameras.get('near1')!, bearing: 90, fov: 60 });
    const near = camerasNear(SPOT.lon, SPOT.lat, facing, 350, 10);
    expect(near.map((n) => [n.camera.id, n.facing])).toEqual([['near1', false], ['near2', true], ['near3', true], ['near4', true]]);
    expect(camerasNear(SPOT.lon, SPOT.lat, facing, 350, 2)).toHaveLength(2);
  });

  it('facesSpot and bearings', () => {
    expect(bearingDeg(0, 0, 0, 1)).toBeCloseTo(0);
    expect(bearingDeg(0, 0, 1, 0)).toBeCloseTo(90);
    const c = { lon: 119.28, lat: 26.04, bearing: 0, fov: 60 };
    expect(facesSpot(c, 119.28, 26.05, 0)).toBe(true);
    expect(facesSpot(c, 119.28, 26.03, 0)).toBe(false);
    expect(facesSpot({ ...c, bearing: undefined }, 119.28, 26.03, 0)).toBe(true);
  });

  it('caps the wall at M tiles; a higher-priority alarm pre-empts lower ones', () => {
    const many = new Map([...Array(20)].map((_, i) => { const c = cam(`c${i}`, 0.0001 * (i + 1), 0); return [c.id, c] as const; }));
    const low = incident('LOW', { priority: 4, lastSeen: T0 });
    let tiles = plan({ cameras: many, incidents: [low], options: { perAlarm: 6, maxTiles: 6 } });
    expect(tiles).toHaveLength(6);
    const high = incident('HIGH', { priority: 1, lastSeen: T0 + 1000, lon: SPOT.lon + 0.0015 });
    tiles = plan({ cameras: many, incidents: [low, high], previous: tiles, now: T0 + 1000, options: { perAlarm: 4, maxTiles: 6 } });
    expect(tiles).toHaveLength(6);
    expect(tiles.filter((t) => t.incidentId === 'HIGH')).toHaveLength(4);
    expect(tiles.filter((t) => t.incidentId === 'LOW')).toHaveLength(2);
  });

  it('among equal priorities, the least recently relevant alarm loses its tiles first', () => {
    const many = new Map([...Array(12)].map((_, i) => { const c = cam(`c${i}`, 0.0001 * (i + 1), 0); return [c.id, c] as const; }));
    const old = incident('OLD', { lastSeen: T0, lon: SPOT.lon + 0.0009 });
    const fresh = incident('FRESH', { lastSeen: T0 + 60_000 });
    const tiles = plan({ cameras: many, incidents: [old, fresh], now: T0 + 60_000, options: { perAlarm: 3, maxTiles: 4 } });
    expect(tiles.filter((t) => t.incidentId === 'FRESH')).toHaveLength(3);
    expect(tiles.filter((t) => t.incidentId === 'OLD')).toHaveLength(1);
  });

  it('a closed alarm keeps its tiles for the grace period, then releases them', () => {
    const closed = incident('A', { status: 'closed', closedAt: T0 });
    expect(plan({ incidents: [closed], now: T0 + 10_000, options: { closeGraceMs: 30_000 } })).toHaveLength(3);
    expect(plan({ incidents: [closed], now: T0 + 30_001, options: { closeGraceMs: 30_000 } })).toHaveLength(0);
  });

  it('a pinned tile never closes by itself', () => {
    const tiles = plan({ incidents: [incident('A')] });
    const after = plan({ incidents: [], previous: tiles, pinned: new Set(['near2']), now: T0 + 3600_000 });
    expect(after.map((t) => [t.cameraId, t.pinned])).toEqual([['near2', true]]);
  });

  it('a tile the operator closed is not reopened for that alarm', () => {
    const tiles = plan({ incidents: [incident('A')], dismissed: new Set([dismissKey('A', 'near1')]) });
    expect(tiles.map((t) => t.cameraId)).toEqual(['near2', 'near3', 'near4']);
  });

  it('tiles keep their slots and opening time while they stay', () => {
    const first = plan({ incidents: [incident('A')] });
    const second = plan({ incidents: [incident('B', { priority: 1, lon: SPOT.lon + 0.01, lastSeen: T0 + 5000 }), incident('A')], previous: first, now: T0 + 5000 });
    for (const t of first) {
      const again = second.find((x) => x.cameraId === t.cameraId && x.incidentId === 'A');
      expect(again?.slot).toBe(t.slot);
      expect(again?.openedAt).toBe(T0);
    }
  });

  it('invariants hold for any situation: ≤ M tiles, ≤ N per alarm (unless pinned), unique cameras and slots', () => {
    const arbIncident = fc.record({
      id: fc.constantFrom('A', 'B', 'C', 'D', 'E'), priority: fc.constantFrom(1, 2, 3, 4), dLon: fc.integer({ min: -30, max: 30 }), dLat: fc.integer({ min: -30, max: 30 }),
      closed: fc.boolean(), lastSeen: fc.nat(100_000),
    });
    fc.assert(
      fc.property(fc.array(arbIncident, { maxLength: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 4 }), fc.array(fc.constantFrom(...cameras.keys()), { maxLength: 3 }), (incs, maxTiles, perAlarm, pins) => {
        const list = [...new Map(incs.map((i) => [i.id, incident(i.id, { priority: i.priority as 1, lon: SPOT.lon + i.dLon * 1e-4, lat: SPOT.lat + i.dLat * 1e-4, status: i.closed ? 'closed' : 'open', closedAt: i.closed ? T0 : undefined, lastSeen: T0 + i.lastSeen })])).values()];
        const options = { maxTiles, perAlarm };
        const first: VideoTile[] = plan({ incidents: list, options });
        const tiles = plan({ incidents: list, previous: first, pinned: new Set(pins), now: T0 + 1000, options });
        const unpinned = tiles.filter((t) => !t.pinned);
        expect(unpinned.length).toBeLessThanOrEqual(maxTiles);
        expect(new Set(tiles.map((t) => t.cameraId)).size).toBe(tiles.length);
        expect(new Set(tiles.map((t) => t.slot)).size).toBe(tiles.length);
        for (const id of new Set(unpinned.map((t) => t.incidentId))) expect(unpinned.filter((t) => t.incidentId === id).length).toBeLessThanOrEqual(perAlarm);
        // deterministic
        expect(plan({ incidents: list, previous: first, pinned: new Set(pins), now: T0 + 1000, options })).toEqual(tiles);
      }),
      { numRuns: 300 },
    );
  });
});

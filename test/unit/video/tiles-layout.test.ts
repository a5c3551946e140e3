// The tile layout: next to the alarm, no overlaps, inside the map, docked when crowded, stable when panning.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centreDistance,
  circleOverlapsRect,
  layoutTiles,
  nearestPointOnRect,
  pointRectDistance,
  rectInside,
  rectsOverlap,
  type Circle,
  type LayoutGroup,
  type LayoutInput,
  type Placement,
  type Point,
  type Rect,
} from '../../../renderer/src/video/layout';
import { groupTilesByAlarm } from '../../../renderer/src/video/wall-geometry';
import type { VideoTile } from '../../../core/video/policy';
import { incident } from '../renderer/fixtures';

const VIEW = { w: 1400, h: 1000 };
const TILE = { w: 280, h: 200 };

function groups(anchors: Point[], perAlarm: number): LayoutGroup[] {
  return anchors.map((a, i) => ({ id: `A${i}`, anchor: a, tiles: Array.from({ length: perAlarm }, (_, j) => `A${i}-C${j}`) }));
}

/** Every invariant the wall relies on. */
function checkInvariants(input: LayoutInput, placements: Map<string, Placement>, gap = 8, margin = 8) {
  const all = [...placements.entries()];
  const keys = input.groups.flatMap((g) => g.tiles);
  // every tile is placed exactly once
  expect(new Set(all.map(([k]) => k))).toEqual(new Set(keys));
  const area: Rect = { x: margin, y: margin, w: input.viewport.w - 2 * margin, h: input.viewport.h - 2 * margin };
  for (const [key, p] of all) {
    expect(rectInside(p.rect, { x: 0, y: 0, w: input.viewport.w, h: input.viewport.h })).toBe(true);
    if (p.kind === 'float') {
      expect(rectInside(p.rect, area)).toBe(true);
      // clear of every marker and every group anchor
      for (const m of input.markers) expect(circleOverlapsRect(m, p.rect, gap)).toBe(false);
      for (const g of input.groups) if (g.anchor) expect(pointRectDistance(g.anchor, p.rect)).toBeGreaterThan(0);
      for (const o of [...(input.obstacles ?? []), ...(input.avoid ?? [])]) expect(rectsOverlap(p.rect, o, gap)).toBe(false);
      // not far from its alarm
      const g = input.groups.find((x) => x.tiles.includes(key))!;
      expect(pointRectDistance(g.anchor!, p.rect)).toBeLessThanOrEqual(input.maxDistance ?? 1.6 * Math.max(input.tile.w, input.tile.h));
    }
  }
  // no two tiles overlap (floats keep a gap, docked tiles do not overlap anything)
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      expect(rectsOverlap(all[i][1].rect, all[j][1].rect), `${all[i][0]} vs ${all[j][0]}`).toBe(false);
    }
  }
  // floats stay off the docked strip
  const docked = all.filter(([, p]) => p.kind === 'dock').map(([, p]) => p.rect);
  for (const [, p] of all) if (p.kind === 'float') for (const d of docked) expect(rectsOverlap(p.rect, d)).toBe(false);
}

describe('layoutTiles', () => {
  it('puts one tile beside its alarm, with the leader line short', () => {
    const anchor = { x: 700, y: 500 };
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([anchor], 1), markers: [{ ...anchor, r: 20 }] };
    const { placements, dock } = layoutTiles(input);
    const p = placements.get('A0-C0')!;
    expect(p.kind).toBe('float');
    expect(dock).toBeNull();
    checkInvariants(input, placements);
    const end = nearestPointOnRect(anchor, p.rect);
    const d = Math.hypot(end.x - anchor.x, end.y - anchor.y);
    expect(d).toBeGreaterThan(20);
    expect(d).toBeLessThan(80);
    // upper right is preferred
    expect(p.rect.x).toBeGreaterThan(anchor.x - TILE.w / 2);
    expect(p.rect.y + p.rect.h).toBeLessThan(anchor.y + TILE.h / 2);
  });

  it('groups an alarm\'s three tiles around it without overlaps', () => {
    const anchor = { x: 700, y: 500 };
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([anchor], 3), markers: [{ ...anchor, r: 20 }] };
    const { placements } = layoutTiles(input);
    checkInvariants(input, placements);
    for (const p of placements.values()) {
      expect(p.kind).toBe('float');
      expect(pointRectDistance(anchor, p.rect)).toBeLessThan(300);
    }
  });

  it('keeps tiles inside the viewport for an alarm near a corner', () => {
    const anchor = { x: 20, y: 985 };
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([anchor], 2), markers: [] };
    const { placements } = layoutTiles(input);
    checkInvariants(input, placements);
    expect([...placements.values()].every((p) => p.kind === 'float')).toBe(true);
  });

  it('avoids other alarms\' markers and panels', () => {
    const anchor = { x: 700, y: 500 };
    // markers all around the upper-right, a panel on the left
    const markers: Circle[] = [{ ...anchor, r: 20 }];
    for (let i = 0; i < 12; i++) markers.push({ x: 760 + (i % 4) * 60, y: 300 + Math.floor(i / 4) * 60, r: 20 });
    const obstacles: Rect[] = [{ x: 0, y: 0, w: 400, h: 1000 }];
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([anchor], 3), markers, obstacles };
    const { placements } = layoutTiles(input);
    checkInvariants(input, placements);
  });

  it('docks tiles whose alarm is off-screen or unknown, in alarm order', () => {
    const input: LayoutInput = {
      viewport: VIEW,
      tile: TILE,
      groups: [
        { id: 'A0', anchor: { x: -200, y: 400 }, tiles: ['a'] },
        { id: 'A1', anchor: { x: 500, y: 400 }, tiles: ['b'] },
        { id: 'A2', anchor: null, tiles: ['c'] },
      ],
      markers: [],
    };
    const { placements, dock } = layoutTiles(input);
    checkInvariants(input, placements);
    expect(placements.get('a')).toMatchObject({ kind: 'dock', index: 0 });
    expect(placements.get('b')!.kind).toBe('float');
    expect(placements.get('c')).toMatchObject({ kind: 'dock', index: 1 });
    expect(dock).not.toBeNull();
    // the strip runs along the bottom
    expect(dock!.y + dock!.h).toBeLessThanOrEqual(VIEW.h - 8);
    expect(placements.get('a')!.rect.x).toBeLessThan(placements.get('c')!.rect.x);
  });

  it('docks the rest when more tiles than maxFloating, or when crowded', () => {
    const anchors = Array.from({ length: 16 }, (_, i) => ({ x: 600 + (i % 4) * 12, y: 400 + Math.floor(i / 4) * 12 }));
    const input: LayoutInput = {
      viewport: VIEW,
      tile: TILE,
      groups: groups(anchors, 1),
      markers: anchors.map((a) => ({ ...a, r: 10 })),
      maxFloating: 8,
    };
    const { placements, dock } = layoutTiles(input);
    checkInvariants(input, placements);
    const floats = [...placements.values()].filter((p) => p.kind === 'float');
    expect(floats.length).toBeLessThanOrEqual(8);
    expect(dock).not.toBeNull();
    // the most urgent alarms (first groups) float
    expect(placements.get('A0-C0')!.kind).toBe('float');
    expect(placements.get('A15-C0')!.kind).toBe('dock');
  });

  it('wraps the strip into more rows when tiles would get too narrow', () => {
    const input: LayoutInput = { viewport: { w: 900, h: 800 }, tile: TILE, groups: groups(Array.from({ length: 16 }, () => ({ x: -1, y: -1 })), 1), markers: [], minDockWidth: 150, maxDockShare: 0.9 };
    const { placements, dock } = layoutTiles(input);
    checkInvariants(input, placements);
    const ys = new Set([...placements.values()].map((p) => p.rect.y));
    expect(ys.size).toBeGreaterThan(1);
    for (const p of placements.values()) expect(p.rect.w).toBeGreaterThanOrEqual(150);
    expect(dock!.w).toBeLessThanOrEqual(900);
  });

  it('keeps the strip clear of a panel in the bottom-left corner', () => {
    const obstacles: Rect[] = [{ x: 10, y: 700, w: 300, h: 290 }];
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([null as unknown as Point, null as unknown as Point], 1), markers: [], obstacles };
    const { placements } = layoutTiles(input);
    for (const p of placements.values()) {
      expect(p.kind).toBe('dock');
      expect(rectsOverlap(p.rect, obstacles[0])).toBe(false);
    }
  });

  it('is stable across small pans: tiles move with the map', () => {
    const anchors = [
      { x: 500, y: 400 },
      { x: 820, y: 560 },
      { x: 640, y: 300 },
    ];
    const base: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups(anchors, 2), markers: anchors.map((a) => ({ ...a, r: 20 })) };
    const first = layoutTiles(base);
    const offsets = new Map<string, Point>();
    for (const [k, p] of first.placements) if (p.kind === 'float') offsets.set(k, p.offset);
    for (const [dx, dy] of [
      [6, 0],
      [0, -9],
      [-15, 12],
      [25, 18],
    ]) {
      const moved = (a: Point) => ({ x: a.x + dx, y: a.y + dy });
      const input: LayoutInput = {
        ...base,
        groups: base.groups.map((g) => ({ ...g, anchor: moved(g.anchor!) })),
        markers: base.markers.map((m) => ({ ...m, ...moved(m) })),
        previous: offsets,
      };
      const next = layoutTiles(input);
      checkInvariants(input, next.placements);
      let kept = 0;
      for (const [k, p] of first.placements) {
        const q = next.placements.get(k)!;
        const shifted = { ...p.rect, x: p.rect.x + dx, y: p.rect.y + dy };
        // a tile moves with the map unless the move pushed it against the map's edge
        if (!rectInside(shifted, { x: 8, y: 8, w: VIEW.w - 16, h: VIEW.h - 16 })) continue;
        kept++;
        expect(q.kind).toBe(p.kind);
        expect(q.rect.x).toBeCloseTo(shifted.x, 5);
        expect(q.rect.y).toBeCloseTo(shifted.y, 5);
      }
      expect(kept).toBeGreaterThanOrEqual(first.placements.size - 1);
    }
  });

  it('is deterministic', () => {
    const input: LayoutInput = { viewport: VIEW, tile: TILE, groups: groups([{ x: 300, y: 300 }, { x: 900, y: 700 }], 3), markers: [] };
    expect([...layoutTiles(input).placements]).toEqual([...layoutTiles(input).placements]);
  });

  it('keeps whole-pixel tiles within the distance limit (a property run found one 0.4 px past it)', () => {
    const markers = [{ x: 265, y: 719, r: 5 }];
    const input: LayoutInput = {
      viewport: VIEW,
      tile: { w: 265, h: Math.round((265 * 9) / 16) + 40 },
      groups: groups([{ x: 10, y: 438 }, { x: 8, y: 614 }], 2),
      markers,
      obstacles: [{ x: 8, y: 760, w: 260, h: 230 }],
      avoid: markers.map((m) => ({ x: m.x - 40, y: m.y - 50, w: 80, h: 24 })),
      maxFloating: 4,
    };
    checkInvariants(input, layoutTiles(input).placements);
  });

  it('holds its invariants for random walls (property)', () => {
    const point = fc.record({ x: fc.integer({ min: -100, max: 1500 }), y: fc.integer({ min: -100, max: 1100 }) });
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 1400 }), y: fc.integer({ min: 0, max: 1000 }), r: fc.integer({ min: 5, max: 30 }) }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 160, max: 400 }),
        (anchors, perAlarm, markers, maxFloating, tileW) => {
          const input: LayoutInput = {
            viewport: VIEW,
            tile: { w: tileW, h: Math.round((tileW * 9) / 16) + 40 },
            groups: groups(anchors, perAlarm),
            markers,
            obstacles: [{ x: 8, y: 760, w: 260, h: 230 }],
            avoid: markers.slice(0, 10).map((m) => ({ x: m.x - 40, y: m.y - 50, w: 80, h: 24 })),
            maxFloating,
          };
          const { placements } = layoutTiles(input);
          checkInvariants(input, placements);
          expect([...placements.values()].filter((p) => p.kind === 'float').length).toBeLessThanOrEqual(maxFloating);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('centreDistance', () => {
  it('puts the box exactly d from the origin, in any direction', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.integer({ min: 10, max: 400 }), fc.integer({ min: 10, max: 300 }), fc.integer({ min: 0, max: 500 }), (t, w, h, d) => {
        const s = centreDistance(Math.cos(t), Math.sin(t), w / 2, h / 2, d);
        const rect = { x: Math.cos(t) * s - w / 2, y: Math.sin(t) * s - h / 2, w, h };
        expect(pointRectDistance({ x: 0, y: 0 }, rect)).toBeCloseTo(d, 6);
      }),
    );
  });
});

describe('the strip', () => {
  it('never climbs past its share of the height, even with panels on both sides', () => {
    const obstacles: Rect[] = [
      { x: 8, y: 8, w: 460, h: 60 }, // search box, top-left
      { x: 8, y: 560, w: 600, h: 430 }, // layer panel, bottom-left
    ];
    const input: LayoutInput = { viewport: { w: 1400, h: 1000 }, tile: TILE, groups: groups(Array.from({ length: 16 }, () => null as unknown as Point), 1), markers: [], obstacles, minDockWidth: 200 };
    const { placements, dock } = layoutTiles(input);
    checkInvariants(input, placements);
    expect(dock!.y).toBeGreaterThanOrEqual(1000 - 8 - 0.45 * 984 - 1);
    for (const p of placements.values()) for (const o of obstacles) expect(rectsOverlap(p.rect, o)).toBe(false);
  });
});

describe('which alarm chooses first', () => {
  it('an unacknowledged P1 floats beside its alarm while lower priorities go to the strip, whatever the plan order', () => {
    const inc = (id: string, priority: 1 | 3 | 4, lon: number, acknowledged = false) => incident(id, { priority, lon, lat: 26.06, acknowledged });
    // five alarms close together: room beside them for only a few tiles
    const incidents = new Map(
      [inc('p4', 4, 119.3), inc('p3', 3, 119.3001), inc('p1-acked', 1, 119.3002, true), inc('p3b', 3, 119.3003), inc('p1', 1, 119.3004)].map((i) => [i.id, i]),
    );
    const project = (lon: number, lat: number): Point => ({ x: 700 + (lon - 119.3) * 1e5, y: 500 - (lat - 26.06) * 1e5 });
    // the plan lists the P1 last
    const tiles = ['p4', 'p3', 'p1-acked', 'p3b', 'p1'].map((id) => ({ incidentId: id, cameraId: `cam-${id}` }) as VideoTile);
    const g = groupTilesByAlarm(tiles, null, incidents, project);
    expect(g.map((x) => x.id)).toEqual(['p1', 'p3', 'p3b', 'p4', 'p1-acked']);
    const { placements } = layoutTiles({ viewport: VIEW, tile: TILE, groups: g, markers: [], maxFloating: 2 });
    expect(placements.get('cam-p1')!.kind).toBe('float');
    expect(placements.get('cam-p4')!.kind).toBe('dock');
  });

  it('a camera opened by hand with no alarm stands by the camera, after the unacknowledged alarms', () => {
    const incidents = new Map([incident('p3', { priority: 3, lon: 119.3, lat: 26.06 }), incident('p4', { priority: 4, lon: 119.3, lat: 26.06, acknowledged: true })].map((i) => [i.id, i]));
    const cameras = new Map([['C7', { id: 'C7', name: 'C7', lon: 119.301, lat: 26.06, online: true }]]);
    const project = (lon: number, lat: number): Point => ({ x: 700 + (lon - 119.3) * 1e5, y: 500 - (lat - 26.06) * 1e5 });
    const tiles = ['camera:C7', 'p4', 'p3'].map((id) => ({ incidentId: id, cameraId: `cam-${id}` }) as VideoTile);
    const g = groupTilesByAlarm(tiles, null, incidents, project, cameras);
    expect(g.map((x) => [x.id, x.anchor && { x: Math.round(x.anchor.x), y: Math.round(x.anchor.y) }])).toEqual([
      ['p3', { x: 700, y: 500 }],
      ['camera:C7', { x: 800, y: 500 }],
      ['p4', { x: 700, y: 500 }],
    ]);
  });
});

// A page's display roles (renderer/src/model/display.ts): explicit ?display= over the screen's
// preset over the default, errors said and fallen back from, the video grid's shape, the areas a
// set of roles lays out, and the `layout` message kept in the wall's model.
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../core/domain';
import { DEFAULT_ROLES, type LayoutState } from '../../../core/display';
import { alarmsWithoutTiles, areasClass, autoGridShape, displayAreas, MAX_GRID_CELLS, mayShowMap, pageRoles, parseGridShape, presetScreen } from '../../../renderer/src/model/display';
import { initialModel, reduce } from '../../../renderer/src/model/wall';
import { incident } from './fixtures';

const layout = (over: Partial<LayoutState> = {}): LayoutState => ({
  presets: [
    { id: 'day', name: '日常', screens: { left: { roles: ['map'] }, right: { roles: ['video', 'board'] } } },
    { id: 'major', name: '重大警情', screens: { left: { roles: ['video'], videoGrid: { cols: 2, rows: 2 } }, desk: { roles: ['dispatch'] } } },
  ],
  active: 'day',
  cause: 'operator',
  by: 'admin',
  since: 1,
  revertTo: null,
  autoFor: [],
  ...over,
});

describe('pageRoles', () => {
  it('takes ?display= first, in either spelling of the join', () => {
    expect(pageRoles({ displayParam: 'video', screenParam: 'left', layout: layout() })).toEqual({ roles: ['video'], source: 'param' });
    // the browser hands `map+board` over as `map board`
    expect(pageRoles({ displayParam: 'board map', screenParam: null, layout: null })).toEqual({ roles: ['map', 'board'], source: 'param' });
    expect(pageRoles({ displayParam: 'map+board', screenParam: null, layout: null }).roles).toEqual(DEFAULT_ROLES);
  });

  it('takes the active preset for a named screen, with its grid', () => {
    expect(pageRoles({ displayParam: null, screenParam: 'right', layout: layout() })).toEqual({ roles: ['video', 'board'], source: 'preset', preset: 'day' });
    expect(pageRoles({ displayParam: null, screenParam: 'left', layout: layout({ active: 'major' }) })).toEqual({ roles: ['video'], source: 'preset', preset: 'major', videoGrid: { cols: 2, rows: 2 } });
  });

  it('falls back to the default wall: no screen, no layout yet, no active preset, a screen the preset does not name', () => {
    const def = { roles: DEFAULT_ROLES, source: 'default' };
    expect(pageRoles({ displayParam: null, screenParam: null, layout: layout() })).toEqual(def);
    expect(pageRoles({ displayParam: null, screenParam: 'left', layout: null })).toEqual(def);
    expect(pageRoles({ displayParam: null, screenParam: 'left', layout: layout({ active: null }) })).toEqual(def);
    expect(pageRoles({ displayParam: null, screenParam: 'desk', layout: layout() })).toEqual(def);
    expect(pageRoles({ displayParam: null, screenParam: '  ', layout: layout() })).toEqual(def);
  });

  it('says a bad ?display= and falls back to the default, or to the screen preset', () => {
    const r = pageRoles({ displayParam: 'nonsense', screenParam: null, layout: null });
    expect(r.roles).toEqual(DEFAULT_ROLES);
    expect(r.source).toBe('default');
    expect(r.error).toMatchObject({ param: 'display', value: 'nonsense' });
    expect(r.error!.reason).toMatch(/unknown display role "nonsense"/);
    expect(pageRoles({ displayParam: '', screenParam: null, layout: null }).error?.param).toBe('display');
    expect(pageRoles({ displayParam: 'map+map', screenParam: null, layout: null }).error?.reason).toMatch(/twice/);
    const viaPreset = pageRoles({ displayParam: 'vidoe', screenParam: 'right', layout: layout() });
    expect(viaPreset).toMatchObject({ roles: ['video', 'board'], source: 'preset', error: { param: 'display', value: 'vidoe' } });
    // a very long value is cut for the banner
    expect(pageRoles({ displayParam: 'x'.repeat(500), screenParam: null, layout: null }).error!.value).toHaveLength(80);
  });

  it('fixes the video grid from ?grid=, over the preset, and says a bad one', () => {
    expect(pageRoles({ displayParam: 'video', screenParam: null, gridParam: '3x2', layout: null })).toEqual({ roles: ['video'], source: 'param', videoGrid: { cols: 3, rows: 2 } });
    expect(pageRoles({ displayParam: null, screenParam: 'left', gridParam: '1x1', layout: layout({ active: 'major' }) }).videoGrid).toEqual({ cols: 1, rows: 1 });
    const bad = pageRoles({ displayParam: 'video', screenParam: null, gridParam: '9x9', layout: null });
    expect(bad).toMatchObject({ roles: ['video'], source: 'param', error: { param: 'grid', value: '9x9' } });
    expect(bad.videoGrid).toBeUndefined();
    // the display's error is the one said when both are wrong
    expect(pageRoles({ displayParam: 'no', screenParam: null, gridParam: 'no', layout: null }).error?.param).toBe('display');
  });

  it('never throws on a malformed layout from the network: a broken entry for this screen is an error, the rest is ignored', () => {
    const junk: unknown[] = [undefined, 5, 'x', { presets: 'no', active: 'day' }, { presets: [null, 3, { id: 'day' }], active: 'day' }, { presets: [{ id: 'day', screens: null }], active: 'day' }];
    for (const j of junk) expect(pageRoles({ displayParam: null, screenParam: 'left', layout: j as LayoutState })).toEqual({ roles: DEFAULT_ROLES, source: 'default' });
    const broken = (entry: unknown) => pageRoles({ displayParam: null, screenParam: 'left', layout: { ...layout(), presets: [{ id: 'day', screens: { left: entry } }] } as LayoutState });
    for (const entry of [null, {}, { roles: 'map' }, { roles: ['map', 7] }, { roles: ['globe'] }, { roles: [] }, { roles: ['video'], videoGrid: { cols: 5, rows: 5 } }, { roles: ['video'], videoGrid: { cols: 1.5, rows: 2 } }]) {
      const r = broken(entry);
      expect(r.roles, JSON.stringify(entry)).toEqual(DEFAULT_ROLES);
      expect(r.error?.param, JSON.stringify(entry)).toBe('screen');
    }
    expect(presetScreen({ active: 'day', presets: [{ id: 'day', screens: { left: { roles: ['board'] } } }] }, 'left')).toEqual({ ok: true, value: { preset: 'day', roles: ['board'] } });
    // a screen named like an Object.prototype member is not found in the prototype
    expect(presetScreen(layout(), 'constructor')).toEqual({ ok: true, value: null });
  });
});

describe('mayShowMap (whether a page starts the map worker before the services answer)', () => {
  it('the default wall and any ?display= with the map', () => {
    expect(mayShowMap('')).toBe(true);
    expect(mayShowMap('?lang=en')).toBe(true);
    expect(mayShowMap('?display=map')).toBe(true);
    expect(mayShowMap('?display=video+map')).toBe(true);
    expect(mayShowMap('?display=MAP%2Bboard')).toBe(true);
  });
  it('not a page whose ?display= leaves the map out', () => {
    expect(mayShowMap('?display=video')).toBe(false);
    expect(mayShowMap('?display=board')).toBe(false);
    expect(mayShowMap('?display=dispatch')).toBe(false);
    expect(mayShowMap('?display=video+board&screen=left')).toBe(false);
  });
  it('a bad ?display= shows the default wall, which has the map', () => {
    expect(mayShowMap('?display=')).toBe(true);
    expect(mayShowMap('?display=wall')).toBe(true);
    expect(DEFAULT_ROLES).toContain('map');
  });
  it('a screen whose preset is not known yet may show one', () => {
    expect(mayShowMap('?screen=left')).toBe(true);
    expect(mayShowMap('?screen=%20')).toBe(true);
  });
});

describe('grid shapes', () => {
  it('parses cols x rows, at most 16 cells', () => {
    expect(parseGridShape('4x4')).toEqual({ ok: true, value: { cols: 4, rows: 4 } });
    expect(parseGridShape(' 2X3 ')).toEqual({ ok: true, value: { cols: 2, rows: 3 } });
    expect(parseGridShape('3×1')).toEqual({ ok: true, value: { cols: 3, rows: 1 } });
    for (const bad of ['', '4', '4x', 'x4', '0x3', '5x4', '17x1', '4x4x4', '-1x2', 'axb', '1e1x1']) expect(parseGridShape(bad).ok, bad).toBe(false);
  });

  it('chooses a grid where every tile fits, at most 4 × 4, with the largest pictures', () => {
    for (const [w, h] of [
      [3840, 2100],
      [1920, 1000],
      [1000, 1600],
      [0, 0],
    ]) {
      for (let n = 0; n <= 20; n++) {
        const s = autoGridShape(n, w, h);
        expect(s.cols * s.rows, `${n} in ${w}x${h}`).toBeGreaterThanOrEqual(Math.min(Math.max(n, 1), MAX_GRID_CELLS));
        expect(s.cols).toBeLessThanOrEqual(4);
        expect(s.rows).toBeLessThanOrEqual(4);
      }
    }
    expect(autoGridShape(0, 3840, 2100)).toEqual({ cols: 1, rows: 1 });
    expect(autoGridShape(1, 3840, 2100)).toEqual({ cols: 1, rows: 1 });
    expect(autoGridShape(4, 3840, 2100)).toEqual({ cols: 2, rows: 2 });
    expect(autoGridShape(9, 3840, 2100)).toEqual({ cols: 3, rows: 3 });
    expect(autoGridShape(16, 3840, 2100)).toEqual({ cols: 4, rows: 4 });
    // landscape: two side by side; portrait: one above the other
    expect(autoGridShape(2, 3840, 2100)).toEqual({ cols: 2, rows: 1 });
    expect(autoGridShape(2, 1000, 1600)).toEqual({ cols: 1, rows: 2 });
    // three on a wide screen: a row of three rather than 2 × 2 with a hole
    expect(autoGridShape(3, 3840, 1000)).toEqual({ cols: 3, rows: 1 });
  });
});

describe('areas of a page', () => {
  it('lays out each role once; tiles float on the map only without a grid, the detail only without the console', () => {
    expect(displayAreas(['map', 'board'])).toEqual({ map: true, video: false, side: 'board', tilesOnMap: true, detailOnMap: true });
    expect(displayAreas(['map'])).toEqual({ map: true, video: false, side: null, tilesOnMap: true, detailOnMap: true });
    expect(displayAreas(['video'])).toEqual({ map: false, video: true, side: null, tilesOnMap: false, detailOnMap: false });
    expect(displayAreas(['board'])).toEqual({ map: false, video: false, side: 'board', tilesOnMap: false, detailOnMap: false });
    expect(displayAreas(['map', 'video'])).toMatchObject({ map: true, video: true, tilesOnMap: false });
    // the console has its own board: never two
    expect(displayAreas(['board', 'dispatch']).side).toBe('dispatch');
    expect(displayAreas(['map', 'dispatch'])).toMatchObject({ detailOnMap: false, side: 'dispatch' });
    expect(areasClass(displayAreas(['map', 'board']))).toBe('primary-1 side-board');
    expect(areasClass(displayAreas(['board']))).toBe('primary-0 side-board no-map');
    expect(areasClass(displayAreas(['video', 'dispatch']))).toBe('primary-1 side-dispatch no-map');
  });
});

describe('alarms without tiles', () => {
  const cam = (id: string, lon: number): Camera => ({ id, name: id, lat: 26.04, lon, hls: `/v/${id}.m3u8` }) as Camera;
  const cameras = new Map([cam('c1', 119.28), cam('c2', 119.5)].map((c) => [c.id, c]));
  it('counts the open alarms with a camera near them and no tile', () => {
    const incidents = [
      incident('near-shown', { lat: 26.04, lon: 119.28 }),
      incident('near-hidden', { lat: 26.04, lon: 119.2801 }),
      incident('far', { lat: 26.04, lon: 119.9 }),
      incident('closed', { lat: 26.04, lon: 119.5, status: 'closed' }),
    ];
    expect(alarmsWithoutTiles(incidents, [{ incidentId: 'near-shown' }], cameras, new Map())).toBe(1);
    expect(alarmsWithoutTiles(incidents, [], cameras, new Map())).toBe(2);
  });
});

describe('the layout message in the wall model', () => {
  it('keeps the services’ layout state, from the message or the action', () => {
    const m0 = initialModel(0);
    expect(m0.layout).toBeNull();
    const l = layout();
    const m1 = reduce(m0, { type: 'server', message: { type: 'layout', layout: l }, at: 5 });
    expect(m1.layout).toBe(l);
    expect(pageRoles({ displayParam: null, screenParam: 'right', layout: m1.layout }).roles).toEqual(['video', 'board']);
    const l2 = layout({ active: 'major' });
    expect(reduce(m1, { type: 'layout', layout: l2 }).layout).toBe(l2);
    expect(reduce(m1, { type: 'layout', layout: l })).toBe(m1);
    // the layout is the room's, not the situation's: a sign-out keeps it
    const out = reduce(m1, { type: 'server', message: { type: 'session', session: { me: null, required: true } as never }, at: 6 });
    expect(out.layout).toBe(l);
  });
});

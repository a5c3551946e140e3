import { describe, expect, it } from 'vitest';
import { gridCatalog } from '../../../renderer/src/model/grids';
import { UnitTable } from '../../../renderer/src/model/units';
import { matchScore, normalise, search, searchChoiceOf, type SearchSources } from '../../../renderer/src/ui/search';
import type { Place } from '../../../core/places';
import { incident, unit } from './fixtures';
import { GRIDS } from './grid-fixture';

function sources(more: ReturnType<typeof unit>[] = []): SearchSources {
  const units = new UnitTable();
  units.load([unit('P-007', { name: '台江巡特警七组', kind: 'police', lon: 119.31, lat: 26.05 }), unit('V-1', { name: '平安志愿者一组' }), unit('甲街道巡逻'), ...more]);
  return {
    incidents: [
      incident('110-0042', { title: '万达广场手机被盗', kind: 'theft' }),
      incident('110-0043', { title: '路口打架（甲街道）', kind: 'fight' }),
      incident('110-0044', { title: '已结的警情', status: 'closed' }),
    ],
    units,
    kiosks: [{ id: 'K001', name: '屏山幼儿园南门一键报警柱', lat: 26.09, lon: 119.31, online: true, sos: false }],
    grids: gridCatalog(GRIDS).entries,
    places: [],
  };
}

const WANDA: Place = {
  id: 'wanda',
  name: '仓山万达广场',
  aliases: ['万达', '万达广场', 'Wanda Plaza'],
  kind: 'mall',
  lat: 26.0425,
  lon: 119.2826,
  grid: { id: 'G1', ids: ['C', 'D1', 'S1', 'M1', 'G1'], names: ['市', '一区', '甲街道', '子社区', '一号网格'] },
};
const PLACES: Place[] = [
  WANDA,
  { id: 'mawei-wanda', name: '马尾万达广场', lat: 26.0, lon: 119.455 },
  // no id in its file: the host named it by its index
  { id: '#7', name: '甲街道小学', kind: 'school', lat: 26.01, lon: 119.21 },
];

/** The sources with places, a grid and a unit named like them, and a kiosk of a school. */
function withPlaces(more: ReturnType<typeof unit>[] = []): SearchSources {
  return { ...sources([unit('W-1', { name: '仓山万达巡逻组', lon: 119.28, lat: 26.04 }), ...more]), places: PLACES };
}

describe('search', () => {
  it('finds incidents by id and by title, open ones only', () => {
    const r = search('110-0042', sources());
    expect(r[0]).toMatchObject({ kind: 'incident', id: '110-0042', title: '万达广场手机被盗', sub: 'theft', score: 0 });
    expect(search('手机', sources()).map((x) => x.id)).toEqual(['110-0042']);
    expect(search('已结', sources())).toEqual([]);
  });

  it('finds units by name or id, kiosks by name, grids by name with their path and bounds', () => {
    expect(search('七组', sources())[0]).toMatchObject({ kind: 'unit', id: 'P-007', title: '台江巡特警七组', sub: 'police', lon: 119.31, lat: 26.05 });
    expect(search('p-007', sources())[0].id).toBe('P-007');
    expect(search('报警柱', sources())[0]).toMatchObject({ kind: 'kiosk', id: 'K001' });
    const g = search('子社区', sources())[0];
    expect(g).toMatchObject({ kind: 'grid', id: 'M1', detail: '一区 › 甲街道', sub: 'community', bounds: [0, 0, 1, 1] });
    // the city itself is not a search result
    expect(search('市', sources()).some((x) => x.kind === 'grid' && x.id === 'C')).toBe(false);
  });

  it('ranks an open incident that matches first, then exact before prefix before substring', () => {
    const r = search('甲街道', sources());
    // the open incident (a substring match) first: it is what the operator is after; then the
    // street (exact), then the unit named 甲街道巡逻 (prefix)
    expect(r.map((x) => `${x.kind}:${x.id}`)).toEqual(['incident:110-0043', 'grid:S1', 'unit:甲街道巡逻']);
  });

  it('needs every word of the query; ignores case, width and spacing; honours the limit', () => {
    expect(search('万达  被盗', sources()).map((x) => x.id)).toEqual(['110-0042']);
    expect(search('万达 打架', sources())).toEqual([]);
    expect(search('Ｐ－００７', sources())[0]?.id).toBe('P-007'); // full-width
    expect(search('   ', sources())).toEqual([]);
    expect(search('1', sources(), 2)).toHaveLength(2);
    expect(normalise('  A  b ')).toBe('a b');
    expect(matchScore(['x'], [undefined])).toBeNull();
  });

  it('finds places by name, alias or their own id, with their kind and where they are', () => {
    // (the open incident 万达广场手机被盗 comes first: the ranking test below)
    const places = search('万达广场', withPlaces()).filter((x) => x.kind === 'place');
    expect(places[0]).toMatchObject({ kind: 'place', id: 'wanda', title: '仓山万达广场', sub: 'mall', detail: '一区 › 甲街道 › 子社区 › 一号网格', lon: 119.2826, lat: 26.0425 });
    // 仓山万达广场 by its alias 万达广场 (exact) before 马尾万达广场 (substring)
    expect(places.map((x) => x.id)).toEqual(['wanda', 'mawei-wanda']);
    // an alias, in any case or width
    expect(search('wanda plaza', withPlaces())[0]).toMatchObject({ kind: 'place', id: 'wanda', score: 0 });
    expect(search('mawei-wanda', withPlaces())[0]).toMatchObject({ kind: 'place', id: 'mawei-wanda' });
    // a made-up id is nobody's word for it: "#7" or "7" finds nothing
    expect(search('#7', withPlaces()).some((x) => x.kind === 'place')).toBe(false);
    expect(search('小学', withPlaces())[0]).toMatchObject({ kind: 'place', id: '#7', sub: 'school', detail: '' });
  });

  it('ranks an open incident first, then places before kiosks, grids and units of the same match', () => {
    // 万达: the alarm there (a substring match) first; then the place whose alias is 万达 (exact);
    // then 马尾万达广场 and the unit 仓山万达巡逻组 (substrings): the place first
    expect(search('万达', withPlaces()).map((x) => `${x.kind}:${x.id}`)).toEqual(['incident:110-0042', 'place:wanda', 'place:mawei-wanda', 'unit:W-1']);
    // 甲街道: the open incident, the street (exact), then the school (a place) and the unit named
    // 甲街道巡逻 (both prefix): the place before the unit
    expect(search('甲街道', withPlaces()).map((x) => `${x.kind}:${x.id}`)).toEqual(['incident:110-0043', 'grid:S1', 'place:#7', 'unit:甲街道巡逻']);
    // kiosks (substring) before units (substring)
    expect(search('报警柱', withPlaces([unit('K-P', { name: '巡查报警柱组' })])).map((x) => x.kind)).toEqual(['kiosk', 'unit']);
  });

  it('flies to a chosen place and rings it where it is', () => {
    const r = search('万达', withPlaces()).find((x) => x.kind === 'place')!;
    expect(searchChoiceOf(r)).toEqual({ kind: 'place', id: 'wanda', lon: 119.2826, lat: 26.0425, bounds: undefined });
    const unitChoice = searchChoiceOf(search('七组', withPlaces())[0]);
    expect(unitChoice).toMatchObject({ kind: 'unit', id: 'P-007' });
  });
});

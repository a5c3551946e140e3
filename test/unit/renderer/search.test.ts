import { describe, expect, it } from 'vitest';
import { gridCatalog } from '../../../renderer/src/model/grids';
import { UnitTable } from '../../../renderer/src/model/units';
import { matchScore, normalise, search, type SearchSources } from '../../../renderer/src/ui/search';
import { incident, unit } from './fixtures';
import { GRIDS } from './grid-fixture';

function sources(): SearchSources {
  const units = new UnitTable();
  units.load([unit('P-007', { name: '台江巡特警七组', kind: 'police', lon: 119.31, lat: 26.05 }), unit('V-1', { name: '平安志愿者一组' }), unit('甲街道巡逻')]);
  return {
    incidents: [
      incident('110-0042', { title: '万达广场手机被盗', kind: 'theft' }),
      incident('110-0043', { title: '路口打架（甲街道）', kind: 'fight' }),
      incident('110-0044', { title: '已结的警情', status: 'closed' }),
    ],
    units,
    kiosks: [{ id: 'K001', name: '屏山幼儿园南门一键报警柱', lat: 26.09, lon: 119.31, online: true, sos: false }],
    grids: gridCatalog(GRIDS).entries,
  };
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

  it('ranks an open incident that matches first, then exact before prefix before substring, then units, kiosks, grids', () => {
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
});

import { describe, expect, it } from 'vitest';
import { tooltipText, type TooltipDeps } from '../../../renderer/src/map/tooltip';
import { incident, unit } from './fixtures';

const deps = (over: Partial<TooltipDeps> = {}): TooltipDeps => ({
  t: (k) => `«${k}»`,
  language: 'en',
  now: 61_000,
  unitAt: (i) => (i === 0 ? unit('p1', { kind: 'patrol', name: '巡逻一组', lastSeen: 1_000 }) : undefined),
  ...over,
});

describe('tooltipText', () => {
  it('describes a unit by index (binary layer), translated', () => {
    const text = tooltipText('units', undefined, 0, deps())!;
    expect(text).toContain('«unitKinds.patrol» · 巡逻一组');
    expect(text).toContain('«unitStatus.available»');
    expect(tooltipText('units', undefined, 5, deps())).toBeNull();
  });
  it('says what the unit reports of its motion, battery and accuracy, where it is and through which feed — and leaves out what it does not report', () => {
    const t = (k: string, o?: Record<string, unknown>) => `${k}${o ? JSON.stringify(o) : ''}`;
    const u = unit('v1', { name: '志愿者王', speed: 5, heading: 44, battery: 81.4, accuracy: 12, gridId: 'G1', source: 'owntracks' });
    const lines = tooltipText('units', undefined, 0, deps({ t, unitAt: () => u, gridPath: (id) => (id === 'G1' ? '鼓楼区 › 东街街道' : null) }))!.split('\n');
    expect(lines[2]).toBe('unitInfo.speed{"speed":18} · unitInfo.heading.NE · unitInfo.battery{"battery":81} · unitInfo.accuracy{"accuracy":12}');
    expect(lines[3]).toBe('鼓楼区 › 东街街道 · unitInfo.source{"source":"feeds.sources.owntracks{\\"defaultValue\\":\\"owntracks\\"}"}');
    // standing still: no heading; nothing reported: no motion line at all
    expect(tooltipText('units', undefined, 0, deps({ t, unitAt: () => unit('v2', { speed: 0, heading: 90 }) }))).not.toContain('heading');
    expect(tooltipText('units', undefined, 0, deps({ t, unitAt: () => unit('v3') }))!.split('\n')).toHaveLength(3);
  });
  it('says stale for a silent unit', () => {
    const text = tooltipText('units', undefined, 0, deps({ unitAt: () => unit('v', { stale: true }) }))!;
    expect(text).toContain('«unitStatus.stale»');
  });
  it('describes an incident with its grid path', () => {
    const inc = incident('a', { grid: { id: 'g', names: ['福州市', '鼓楼区', '东街街道'], ids: [] } });
    const text = tooltipText('incidents', inc, 0, deps())!;
    expect(text).toContain('«kinds.theft»');
    expect(text).toContain('鼓楼区 › 东街街道');
    expect(text).not.toContain('福州市');
  });
  it('says when an incident sits at a last-known position, and how old it was at the alarm', () => {
    const inc = incident('sos', { ts: 50 * 60_000, positionAt: 10 * 60_000 });
    const t = (k: string, o?: Record<string, unknown>) => (k === 'board.lastKnown' ? `last known ${o?.age}` : k);
    expect(tooltipText('incidents', inc, 0, deps({ t }))).toContain('last known 40 min');
    expect(tooltipText('incidents', incident('b'), 0, deps({ t }))).not.toContain('last known');
  });
  it('is silent for other layers', () => {
    expect(tooltipText('incident-labels', {}, 0, deps())).toBeNull();
    expect(tooltipText(undefined, null, -1, deps())).toBeNull();
  });
  it('describes a grid with its path and the three figures', () => {
    const f = { properties: { id: 'M1', name: '子社区', names: ['市', '一区', '甲街道', '子社区'] } };
    const text = tooltipText('grid-fill', f, 0, deps({ gridFigures: () => ({ open: 2, day: 5, units: 11 }) }))!;
    expect(text.split('\n')).toEqual(['子社区', '一区 › 甲街道', '«gridFill.open» 2 · «gridFill.day» 5 · «gridFill.units» 11', '«gridInfo.openHint»']);
  });
  it('describes a cluster and says a click zooms in', () => {
    const text = tooltipText('incident-clusters', { id: 'cluster:a', count: 4, priority: 1, lon: 0, lat: 0, members: [], bounds: [0, 0, 0, 0] }, 0, deps())!;
    expect(text).toBe('«cluster.count» · «priorityShort.1»\n«cluster.zoom»');
  });
});

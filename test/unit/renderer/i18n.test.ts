import { describe, expect, it } from 'vitest';
import { INCIDENT_KINDS, INCIDENT_STATUSES, REJECT_REASONS, UNIT_KINDS, UNIT_STATUSES } from '../../../core/domain';
import { en } from '../../../renderer/src/i18n/en';
import { formatAge, formatClock, formatNumber } from '../../../renderer/src/i18n/format';
import { initialLanguage, normaliseLanguage } from '../../../renderer/src/i18n/index';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('messages', () => {
  it('English has exactly the Chinese keys, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const k of keys(en)) expect(k.split('.').reduce((o: never, p) => o[p], en as never), k).not.toBe('');
  });

  it('covers every domain vocabulary', () => {
    for (const m of [zhCN, en]) {
      for (const k of INCIDENT_KINDS) expect(m.kinds[k]).toBeTruthy();
      for (const k of UNIT_KINDS) expect(m.unitKinds[k]).toBeTruthy();
      for (const k of UNIT_STATUSES) expect(m.unitStatus[k]).toBeTruthy();
      for (const k of INCIDENT_STATUSES) expect(m.incidentStatus[k]).toBeTruthy();
      for (const r of REJECT_REASONS) expect(m.rejectReason[r]).toBeTruthy();
      for (const p of ['1', '2', '3', '4'] as const) expect(m.priority[p]).toBeTruthy();
    }
  });

  it('uses the agreed Chinese terms', () => {
    expect(zhCN.kinds).toEqual({
      theft: '盗窃',
      fight: '打架斗殴',
      drugs: '涉毒',
      mental: '精神异常',
      terror: '涉恐',
      urban: '城市管理',
      sos: '一键报警',
      fire: '火情',
      traffic: '交通',
      other: '其他',
    });
    expect(zhCN.unitKinds).toEqual({ volunteer: '志愿者', patrol: '巡逻', police: '民警', vehicle: '车辆' });
  });
});

describe('language choice', () => {
  it('defaults to Chinese and honours ?lang=', () => {
    expect(initialLanguage('')).toBe('zh-CN');
    expect(initialLanguage('?lang=en')).toBe('en');
    expect(initialLanguage('?lang=en-GB')).toBe('en');
    expect(initialLanguage('?lang=zh')).toBe('zh-CN');
    expect(initialLanguage('?lang=fr')).toBe('zh-CN');
    expect(normaliseLanguage(null)).toBeNull();
  });
});

describe('formatting', () => {
  it('shows the clock in the configured zone', () => {
    const t = Date.UTC(2025, 0, 1, 16, 5, 9); // 00:05:09 next day in Shanghai
    expect(formatClock(t, 'zh-CN', 'Asia/Shanghai')).toBe('00:05:09');
    expect(formatClock(t, 'en', 'UTC')).toBe('16:05:09');
    expect(formatClock(t, 'en', 'Not/AZone')).toBe('00:05:09');
  });
  it('formats numbers and ages', () => {
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatNumber(2.25, 'en', 1)).toMatch(/^2\.[23]$/);
    expect(formatAge(5_000, 'zh-CN')).toContain('5');
    expect(formatAge(3 * 60_000, 'en')).toMatch(/3/);
    expect(formatAge(3 * 3600_000, 'en')).toMatch(/3/);
  });
});

import { describe, expect, it } from 'vitest';
import { INCIDENT_KINDS, INCIDENT_STATES, INCIDENT_STATUSES, OPERATOR_ACTIONS, REJECT_REASONS, TIMELINE_CHANGES, TIMELINE_KINDS, UNIT_KINDS, UNIT_STATUSES } from '../../../core/domain';
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
      // what a rejection means and what to do about it, in the operator's language
      for (const r of REJECT_REASONS) expect(m.rejectHelp[r], r).toBeTruthy();
      for (const c of TIMELINE_CHANGES) expect(m.detail.changed[c], c).toBeTruthy();
      for (const k of TIMELINE_KINDS) expect(m.detail.tl[k], k).toBeTruthy();
      for (const k of INCIDENT_STATES) expect(m.incidentState[k], k).toBeTruthy();
      for (const k of OPERATOR_ACTIONS) expect(m.actions[k], k).toBeTruthy();
      for (const p of ['1', '2', '3', '4'] as const) expect(m.priority[p]).toBeTruthy();
    }
  });

  it('names every kind, unit kind, priority and reason distinctly, in Chinese in the Chinese table', () => {
    const cjk = /[\u4e00-\u9fff]/;
    for (const group of ['kinds', 'unitKinds', 'unitStatus', 'priority', 'rejectReason', 'rejectHelp'] as const) {
      for (const m of [zhCN, en]) {
        const labels = Object.values(m[group] as Record<string, string>);
        // two kinds with one name would be one kind on the wall
        expect(new Set(labels).size, `${group} labels are distinct`).toBe(labels.length);
      }
      for (const label of Object.values(zhCN[group] as Record<string, string>)) expect(label, `${group}: ${label}`).toMatch(cjk);
    }
  });

  it('uses the same placeholders in both languages', () => {
    const at = (m: object, k: string) => k.split('.').reduce((o: never, p) => o[p], m as never) as unknown as string;
    const names = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((x) => x[1]).sort();
    for (const k of keys(en)) expect(names(at(en, k)), k).toEqual(names(at(zhCN, k)));
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

// timeline.csv: a BOM for Excel, RFC 4180 (CRLF, quotes doubled), no cell a spreadsheet would run as
// a formula, Chinese kept as it is, every incident's lines in time order with the incident's id.
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../core/domain.js';
import { localClock } from '../../../main/cases/local-time.js';
import { BOM, TIMELINE_COLUMNS, timelineCsv } from '../../../main/cases/timeline-csv.js';

const T = Date.UTC(2026, 11, 5, 8, 30, 0);
const shanghai = localClock('Asia/Shanghai').format;

describe('timelineCsv', () => {
  it('starts with a BOM and the header, ends every row with CRLF', () => {
    const csv = timelineCsv([{ id: 'a1', timeline: [{ at: T, kind: 'reported', priority: 1 }] }], shanghai);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.slice(1).split('\r\n')).toEqual([TIMELINE_COLUMNS.join(','), 'a1,2026-12-05T08:30:00.000Z,2026-12-05 16:30:00,reported,,,,,,,,,1', '']);
    expect(csv.slice(1).replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('quotes what holds a comma, quote or line break, and defuses formulas', () => {
    const timeline: TimelineEntry[] = [
      { at: T, kind: 'note', by: '张伟', role: 'dispatcher', note: '嫌疑人，穿"黑色"卫衣\n往东跑' },
      { at: T + 1, kind: 'note', by: '=HYPERLINK("http://x")', note: '+1 -2 @3' },
      { at: T + 2, kind: 'reply', unit: '志愿者 老陈', answer: 'arrived' },
      { at: T + 3, kind: 'updated', changed: ['priority', 'position'], priority: 2 },
      { at: T + 4, kind: 'dispatched', asked: 3, other: 'b2' },
    ];
    const rows = timelineCsv([{ id: 'a1', timeline }], shanghai).slice(1).split('\r\n');
    expect(rows[1]).toBe('a1,2026-12-05T08:30:00.000Z,2026-12-05 16:30:00,note,张伟,dispatcher,"嫌疑人，穿""黑色""卫衣\n往东跑",,,,,,');
    expect(rows[2]).toBe(`a1,2026-12-05T08:30:00.001Z,2026-12-05 16:30:00,note,"'=HYPERLINK(""http://x"")",,'+1 -2 @3,,,,,,`);
    expect(rows[3]).toBe('a1,2026-12-05T08:30:00.002Z,2026-12-05 16:30:00,reply,,,,志愿者 老陈,arrived,,,,');
    expect(rows[4]).toBe('a1,2026-12-05T08:30:00.003Z,2026-12-05 16:30:00,updated,,,,,,,,priority position,2');
    expect(rows[5]).toBe('a1,2026-12-05T08:30:00.004Z,2026-12-05 16:30:00,dispatched,,,,,,b2,3,,');
  });

  it("merges several incidents' lines in time order, each with its incident's id", () => {
    const csv = timelineCsv(
      [
        { id: 'b', timeline: [{ at: T + 10, kind: 'reported' }, { at: T + 30, kind: 'acknowledged' }] },
        { id: 'a', timeline: [{ at: T + 20, kind: 'reported' }, { at: T + 30, kind: 'resolved' }] },
      ],
      shanghai,
    );
    expect(csv.slice(1).trimEnd().split('\r\n').slice(1).map((r) => r.split(',').slice(0, 4).filter((_, k) => k !== 2).join(' '))).toEqual([
      'b 2026-12-05T08:30:00.010Z reported',
      'a 2026-12-05T08:30:00.020Z reported',
      'a 2026-12-05T08:30:00.030Z resolved',
      'b 2026-12-05T08:30:00.030Z acknowledged',
    ]);
  });

  it('falls back to UTC for a time zone it does not know', () => {
    const c = localClock('Mars/Olympus');
    expect(c.zone).toBe('UTC');
    expect(c.format(T)).toBe('2026-12-05 08:30:00');
  });
});

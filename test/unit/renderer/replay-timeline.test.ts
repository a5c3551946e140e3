// The replay timeline's geometry and the replay's addresses, pure: instants and points of the bar,
// density bars, stacked incident markers, round ticks in the wall's zone, speeds, the period an
// incident's 回放 opens and the URLs in and out of a replay.
import { describe, expect, it } from 'vitest';
import { parseReplayParam, REPLAY_SPEEDS, type ReplayMarker } from '../../../core/player';
import { formatFullDateTime } from '../../../renderer/src/i18n/format';
import { incidentReplayPeriod, liveHref, replayHref, stepSpeed } from '../../../renderer/src/model/replay';
import { densityBars, fractionOf, placeMarkers, ticks, timeAt, timeAtX, zoneOffsetMs } from '../../../renderer/src/model/timeline';

const FROM = Date.UTC(2026, 11, 5, 0, 28, 0); // 08:28 in Shanghai
const TO = FROM + 30 * 60_000;
const marker = (id: string, at: number, priority: 1 | 2 | 3 | 4 = 2): ReplayMarker => ({ id, at, priority, kind: 'theft', title: id });

describe('where an instant lies on the bar', () => {
  it('maps instants to fractions and back, held inside the period', () => {
    expect(fractionOf(FROM, FROM, TO)).toBe(0);
    expect(fractionOf(TO, FROM, TO)).toBe(1);
    expect(fractionOf(FROM + 15 * 60_000, FROM, TO)).toBe(0.5);
    expect(fractionOf(FROM - 1, FROM, TO)).toBe(0);
    expect(fractionOf(TO + 1, FROM, TO)).toBe(1);
    expect(fractionOf(5, 10, 10)).toBe(0);
    expect(timeAt(0.25, FROM, TO)).toBe(FROM + 7.5 * 60_000);
    expect(timeAt(-3, FROM, TO)).toBe(FROM);
    expect(timeAt(7, FROM, TO)).toBe(TO);
    expect(timeAt(Number.NaN, FROM, TO)).toBe(FROM);
    for (const f of [0, 0.1, 0.5, 0.99, 1]) expect(fractionOf(timeAt(f, FROM, TO), FROM, TO)).toBeCloseTo(f, 9);
  });

  it('says which instant a pointer is over, on a bar wherever it sits', () => {
    // a bar from x = 100 to 1100 px
    expect(timeAtX(100, 100, 1000, FROM, TO)).toBe(FROM);
    expect(timeAtX(600, 100, 1000, FROM, TO)).toBe(FROM + 15 * 60_000);
    expect(timeAtX(1100, 100, 1000, FROM, TO)).toBe(TO);
    // dragged past either end: held at it
    expect(timeAtX(20, 100, 1000, FROM, TO)).toBe(FROM);
    expect(timeAtX(5000, 100, 1000, FROM, TO)).toBe(TO);
    expect(timeAtX(300, 100, 0, FROM, TO)).toBe(FROM);
  });
});

describe('the density bars', () => {
  it('sums buckets into bars, scales to the busiest by square root, and shows any recording at all', () => {
    // 30 one-minute buckets into 3 bars of ten minutes
    const counts = Array.from({ length: 30 }, (_, i) => (i < 10 ? 100 : i < 20 ? 0 : i === 25 ? 1 : 0));
    const bars = densityBars({ bucketMs: 60_000, counts }, FROM, TO, 3);
    expect(bars).toHaveLength(3);
    expect(bars[0]).toBe(1);
    expect(bars[1]).toBe(0);
    // 1 byte against 1,000: tiny, but never invisible
    expect(bars[2]).toBeGreaterThanOrEqual(0.08);
    expect(bars[2]).toBeLessThan(0.1);
    const quarter = densityBars({ bucketMs: 60_000, counts: [400, 100] }, FROM, FROM + 120_000, 2);
    expect(quarter).toEqual([1, 0.5]);
  });

  it('leaves out buckets beyond the period, and copes with nothing recorded', () => {
    expect(densityBars({ bucketMs: 60_000, counts: [0, 0, 0] }, FROM, TO, 4)).toEqual([0, 0, 0, 0]);
    expect(densityBars({ bucketMs: 60_000, counts: [] }, FROM, TO, 2)).toEqual([0, 0]);
    expect(densityBars({ bucketMs: 60_000, counts: [5, 5, 5, 999] }, FROM, FROM + 180_000, 3)).toEqual([1, 1, 1]);
    expect(densityBars({ bucketMs: 0, counts: [5] }, FROM, TO, 2)).toEqual([0, 0]);
  });
});

describe('incident markers', () => {
  it('stacks markers too close to share a row, in time order, and lets far ones share the first row', () => {
    const minute = 60_000;
    const placed = placeMarkers([marker('c', FROM + 20 * minute), marker('a', FROM + minute), marker('b', FROM + minute + 10_000, 1), marker('d', FROM + 2 * minute)], FROM, TO, 0.05, 3);
    expect(placed.map((p) => p.marker.id)).toEqual(['a', 'b', 'd', 'c']);
    expect(placed.map((p) => p.lane)).toEqual([0, 1, 2, 0]);
    expect(placed[0].x).toBeCloseTo(1 / 30, 9);
    expect(placed[3].x).toBeCloseTo(20 / 30, 9);
  });

  it('puts a marker where every row is taken on the row whose last marker is furthest back', () => {
    const placed = placeMarkers([marker('a', FROM), marker('b', FROM + 1000), marker('c', FROM + 2000)], FROM, TO, 0.1, 2);
    expect(placed.map((p) => p.lane)).toEqual([0, 1, 0]);
  });
});

describe('ticks', () => {
  it('the smallest round spacing that fits, on the wall zone’s round times', () => {
    const shanghai = zoneOffsetMs(FROM, 'Asia/Shanghai');
    expect(shanghai).toBe(8 * 3_600_000);
    const { step, times } = ticks(FROM, TO, 8, shanghai);
    expect(step).toBe(5 * 60_000);
    expect(times.map((t) => formatFullDateTime(t, 'Asia/Shanghai').slice(11, 16))).toEqual(['08:30', '08:35', '08:40', '08:45', '08:50', '08:55']);
    // a day, a few ticks: every 6 hours on the zone's midnight
    const day = ticks(FROM, FROM + 86_400_000, 5, shanghai);
    expect(day.step).toBe(6 * 3_600_000);
    expect(formatFullDateTime(day.times[0], 'Asia/Shanghai').slice(11)).toBe('12:00:00');
    // India is 5:30 ahead: hours fall on its half hours in UTC
    const kolkata = zoneOffsetMs(FROM, 'Asia/Kolkata');
    expect(kolkata).toBe(5.5 * 3_600_000);
    expect(formatFullDateTime(ticks(FROM, FROM + 5 * 3_600_000, 5, kolkata).times[0], 'Asia/Kolkata').slice(14)).toBe('00:00');
    expect(ticks(FROM, FROM, 5).times).toEqual([]);
  });
});

describe('speeds and addresses', () => {
  it('steps through the offered speeds and stops at the ends', () => {
    expect(stepSpeed(1, 1)).toBe(2);
    expect(stepSpeed(8, -1)).toBe(4);
    expect(stepSpeed(64, 1)).toBe(64);
    expect(stepSpeed(0.25, -1)).toBe(0.25);
    expect(stepSpeed(3, 1)).toBe(REPLAY_SPEEDS[REPLAY_SPEEDS.indexOf(4) + 1]);
  });

  it('replays an incident from two minutes before it to half an hour after, or now', () => {
    const started = FROM + 10 * 60_000;
    expect(incidentReplayPeriod(started, started + 3_600_000)).toEqual({ from: started - 120_000, to: started + 1_800_000 });
    expect(incidentReplayPeriod(started, started + 60_000)).toEqual({ from: started - 120_000, to: started + 60_000 });
    // a clock behind the services' never makes an empty period
    const odd = incidentReplayPeriod(started, started - 600_000);
    expect(odd.to).toBeGreaterThan(odd.from);
  });

  it('builds ?replay= that parses back to the period, keeps the other parameters, and leaves it for live', () => {
    const href = replayHref('http://127.0.0.1:8080/?lang=en#x', FROM, TO + 123);
    expect(href).toBe('http://127.0.0.1:8080/?lang=en&replay=2026-12-05T00:28:00Z/2026-12-05T00:58:00.123Z');
    const u = new URL(href);
    expect(parseReplayParam(u.searchParams.get('replay'))).toEqual({ from: FROM, to: TO + 123 });
    expect(u.searchParams.get('lang')).toBe('en');
    // one ?replay= at a time
    expect(new URL(replayHref(href, FROM, TO)).searchParams.getAll('replay')).toHaveLength(1);
    expect(liveHref(href)).toBe('http://127.0.0.1:8080/?lang=en');
    expect(liveHref('http://w/?replay=1/2')).toBe('http://w/');
  });

  it('says the replay clock to the second in the wall’s zone', () => {
    expect(formatFullDateTime(Date.UTC(2026, 11, 5, 0, 30, 12), 'Asia/Shanghai')).toBe('2026-12-05 08:30:12');
    expect(formatFullDateTime(Date.UTC(2026, 11, 4, 16, 0, 0), 'Asia/Shanghai')).toBe('2026-12-05 00:00:00');
  });
});

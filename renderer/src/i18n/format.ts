// Numbers, times and ages through Intl, in the configured time zone (Asia/Shanghai by default).
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | string>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | string>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (f === undefined) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

/** The zone if Intl knows it, else the default (asked once per zone: building a formatter to find out is not cheap). */
function safeZone(timeZone: string): string {
  return cached(`zone|${timeZone}`, () => {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      return timeZone;
    } catch {
      return DEFAULT_TIME_ZONE;
    }
  });
}

/** HH:MM:SS, 24-hour. */
export function formatClock(ms: number, locale: string, timeZone: string): string {
  const tz = safeZone(timeZone);
  return cached(`clock|${locale}|${tz}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })).format(ms);
}

/** e.g. 2025年11月27日 星期四 / Thu, Nov 27, 2025 */
export function formatDate(ms: number, locale: string, timeZone: string): string {
  const tz = safeZone(timeZone);
  return cached(`date|${locale}|${tz}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' })).format(ms);
}

/** Month-day and time, for lists. */
export function formatDateTime(ms: number, locale: string, timeZone: string): string {
  const tz = safeZone(timeZone);
  return cached(`dt|${locale}|${tz}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })).format(ms);
}

export function formatNumber(n: number, locale: string, maximumFractionDigits = 0): string {
  return cached(`num|${locale}|${maximumFractionDigits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits })).format(n);
}

/** How long ago, compact: "3 分钟前" / "3 min. ago". */
export function formatAge(ageMs: number, locale: string): string {
  const rtf = cached(`rel|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'narrow' }));
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 60) return rtf.format(-s, 'second');
  const m = Math.floor(s / 60);
  if (m < 60) return rtf.format(-m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 48) return rtf.format(-h, 'hour');
  return rtf.format(-Math.floor(h / 24), 'day');
}

/** A length of time, compact and unsigned: "40 分钟" / "40 min". */
export function formatDuration(ms: number, locale: string): string {
  const unit = (u: 'second' | 'minute' | 'hour' | 'day', n: number) =>
    cached(`dur|${locale}|${u}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' })).format(n);
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return unit('second', s);
  const m = Math.floor(s / 60);
  if (m < 60) return unit('minute', m);
  const h = Math.floor(m / 60);
  if (h < 48) return unit('hour', h);
  return unit('day', Math.floor(h / 24));
}

/** "2026-12-05 08:30:12" in the zone, whatever the language: the replay band says exactly which instant. */
export function formatFullDateTime(ms: number, timeZone: string): string {
  const tz = safeZone(timeZone);
  const f = cached(`full|${tz}`, () => new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** HH:MM, 24-hour: the timeline's ticks. */
export function formatHourMinute(ms: number, locale: string, timeZone: string): string {
  const tz = safeZone(timeZone);
  return cached(`hm|${locale}|${tz}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(ms);
}

// Times as the wall's operators read them: in its configured time zone (config.timeZone,
// Asia/Shanghai by default), "2026-12-05 16:30:05". A zone this Node does not know falls back to UTC
// (and says so in the zone name it reports).

export interface LocalClock {
  /** the zone actually used */
  zone: string;
  format(at: number): string;
}

export function localClock(timeZone: string): LocalClock {
  let fmt: Intl.DateTimeFormat;
  let zone = timeZone;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  } catch {
    zone = 'UTC';
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  }
  return {
    zone,
    format(at: number): string {
      if (!Number.isFinite(at)) return '';
      const p = Object.fromEntries(fmt.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    },
  };
}

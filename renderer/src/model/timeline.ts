// The replay timeline's geometry, pure: where an instant lies along the bar and which instant a
// point of the bar is, the recorded density as bars, incident markers stacked so none hides
// another, and the tick times a reader can say ("08:30", "08:35").
import type { ReplayMarker } from '../../../core/player';

/** Where `t` lies along the period, 0 (from) to 1 (to), held inside it. */
export function fractionOf(t: number, from: number, to: number): number {
  if (!(to > from)) return 0;
  return Math.min(1, Math.max(0, (t - from) / (to - from)));
}

/** The instant at `fraction` of the period (held inside it), to the millisecond. */
export function timeAt(fraction: number, from: number, to: number): number {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return Math.round(from + f * (to - from));
}

/** The instant under a pointer at `x` on a bar `left`..`left + width` (pixels). */
export function timeAtX(x: number, left: number, width: number, from: number, to: number): number {
  return timeAt(width > 0 ? (x - left) / width : 0, from, to);
}

/**
 * The density buckets (bytes recorded per bucket) as `bars` heights from 0 to 1: buckets summed into
 * bars, then scaled to the busiest by square root (a quiet minute still shows beside a burst), and
 * anything recorded at all at least `minShown` high. The bars cover the period; buckets beyond it
 * are left out.
 */
export function densityBars(density: { bucketMs: number; counts: readonly number[] }, from: number, to: number, bars: number, minShown = 0.08): number[] {
  const n = Math.max(0, Math.floor(bars));
  const sums = new Array<number>(n).fill(0);
  if (n === 0 || !(to > from) || !(density.bucketMs > 0)) return sums;
  const span = to - from;
  density.counts.forEach((c, i) => {
    if (!(c > 0)) return;
    const mid = (i + 0.5) * density.bucketMs;
    if (mid >= span) return;
    sums[Math.min(n - 1, Math.floor((mid / span) * n))] += c;
  });
  const max = Math.max(0, ...sums);
  if (max === 0) return sums;
  return sums.map((s) => (s > 0 ? Math.max(minShown, Math.sqrt(s / max)) : 0));
}

export interface PlacedMarker {
  marker: ReplayMarker;
  /** along the bar, 0..1 */
  x: number;
  /** row from the bar's top: markers closer than the gap go on the next row, up to `lanes` rows */
  lane: number;
}

/**
 * Incident markers along the bar: each at its start, on the first row where it keeps `minGap` (a
 * fraction of the bar) from the one before it; when every row is taken, the row whose last marker
 * is furthest away. Ordered by time.
 */
export function placeMarkers(markers: readonly ReplayMarker[], from: number, to: number, minGap: number, lanes = 3): PlacedMarker[] {
  const sorted = [...markers].sort((a, b) => a.at - b.at || a.priority - b.priority || (a.id < b.id ? -1 : 1));
  const lastX = new Array<number>(Math.max(1, lanes)).fill(-Infinity);
  return sorted.map((marker) => {
    const x = fractionOf(marker.at, from, to);
    let lane = lastX.findIndex((l) => x - l >= minGap);
    if (lane < 0) lane = lastX.reduce((best, l, i) => (l < lastX[best] ? i : best), 0);
    lastX[lane] = x;
    return { marker, x, lane };
  });
}

/** Tick spacings a reader can count in, smallest first. */
export const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/**
 * Tick times inside the period: the smallest round spacing that gives at most `maxTicks`, on round
 * times of the wall's zone (`zoneOffsetMs`: the zone's offset from UTC, e.g. +8 h for Asia/Shanghai).
 */
export function ticks(from: number, to: number, maxTicks: number, zoneOffsetMs = 0): { step: number; times: number[] } {
  const span = to - from;
  if (!(span > 0) || maxTicks < 1) return { step: 0, times: [] };
  const step = TICK_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const first = Math.ceil((from + zoneOffsetMs) / step) * step - zoneOffsetMs;
  const times: number[] = [];
  for (let t = first; t <= to; t += step) times.push(t);
  return { step, times };
}

/** The zone's offset from UTC at `at` (ms), from Intl: what makes ticks fall on the zone's round times. */
export function zoneOffsetMs(at: number, timeZone: string): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return asUtc - Math.floor(at / 1000) * 1000;
  } catch {
    return 0;
  }
}

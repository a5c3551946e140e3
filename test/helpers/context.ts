// A realistic adapter context for tests: the same shape the host builds from config.
import type { AdaptContext } from '../../core/adapters/common.js';
import type { Datum } from '../../core/domain.js';

export function makeContext(over: Partial<AdaptContext> & { datums?: Record<string, Datum> } = {}): Omit<AdaptContext, 'receivedAt'> {
  const { datums = {}, ...rest } = over;
  return {
    mapDatum: 'WGS84',
    sourceDatum: (s) => datums[s] ?? 'WGS84',
    maxFutureSkewMs: 300_000,
    cameraAlias: (n) => n,
    cameraPosition: () => undefined,
    unitKindFor: () => 'volunteer',
    ...rest,
  };
}

export const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
export const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

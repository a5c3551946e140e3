// An adapter context for tests, built the way the host builds it (core/adapters/context.ts).
import type { AdaptContext } from '../../core/adapters/common.js';
import { adaptContextFor } from '../../core/adapters/context.js';
import { parseConfig } from '../../core/config.js';
import type { Datum } from '../../core/domain.js';

export function makeContext(over: Partial<AdaptContext> & { datums?: Record<string, Datum> } = {}): Omit<AdaptContext, 'receivedAt'> {
  const { datums = {}, ...rest } = over;
  const config = parseConfig({ defaultDatum: 'WGS84', sources: Object.fromEntries(Object.entries(datums).map(([s, datum]) => [s, { datum }])) });
  if (!config.ok) throw new Error(config.error);
  return { ...adaptContextFor(config.value, () => undefined), ...rest };
}

export const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
export const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

// The adapter tests' context: one receive time, a tiny camera registry, and a configuration
// turned into a context by the same builder the host uses (so unit kinds are what users get).
import fc from 'fast-check';
import { expect } from 'vitest';
import type { AdaptContext, AdaptOutcome } from '../../../core/adapters/common.js';
import { MAX_ID_LENGTH } from '../../../core/adapters/common.js';
import { adaptContextFor } from '../../../core/adapters/context.js';
import { parseConfig } from '../../../core/config.js';
import { type Datum, INCIDENT_KINDS, INCIDENT_STATUSES, REJECT_REASONS, UNIT_KINDS } from '../../../core/domain.js';

/** 2024-06-21T16:30:00Z: a few minutes after every fixture's timestamp. */
export const RECEIVED_AT = Date.UTC(2024, 5, 21, 16, 30, 0);

/** Frigate camera registry: registry id → position (map datum). */
export const CAMERAS: Record<string, { lat: number; lon: number }> = {
  'cam-front': { lat: 26.0745, lon: 119.2965 },
  back_yard: { lat: 26.0751, lon: 119.2971 },
};

/** Frigate camera name → registry id; names not listed map to themselves. */
export const CAMERA_ALIASES: Record<string, string> = { front_cam: 'cam-front' };

export interface TestContextOptions extends Partial<AdaptContext> {
  /** per-source datums; sources not listed send WGS84 */
  datums?: Record<string, Datum>;
}

/**
 * The adapter tests' configuration: Traccar with its default category kinds (car, truck… →
 * vehicle), OwnTracks users `police*` as police, the Frigate alias above, a 60 s future skew.
 */
export const TEST_CONFIG = {
  limits: { maxFutureSkewMs: 60_000 },
  adapters: {
    owntracks: { enabled: true, userKinds: { 'police*': 'police' } },
    traccar: { enabled: true },
    frigate: { enabled: true, cameras: CAMERA_ALIASES },
  },
};

export function makeContext(opts: TestContextOptions = {}): AdaptContext {
  const { datums = {}, ...overrides } = opts;
  const config = parseConfig({ ...TEST_CONFIG, sources: Object.fromEntries(Object.entries(datums).map(([s, datum]) => [s, { datum }])) });
  if (!config.ok) throw new Error(config.error);
  return { ...adaptContextFor(config.value, (id) => (Object.hasOwn(CAMERAS, id) ? CAMERAS[id] : undefined)), receivedAt: RECEIVED_AT, ...overrides };
}

/** Topic / payload pairs where the payload is arbitrary JSON. */
export const anyJson = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 4 });

/** A value that is sometimes of the expected type and sometimes anything. */
export const loose = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 12, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyJson() });

/** Epoch ms from a day before the receive time to two minutes after it (past the 60 s skew allowed). */
export const nearReceiveMs = (): fc.Arbitrary<number> => fc.integer({ min: RECEIVED_AT - 86_400_000, max: RECEIVED_AT + 120_000 });

/** Checks what every adapter promises: an outcome, never a throw; a known reason; well-formed events. */
export function expectWellFormed(outcome: AdaptOutcome): void {
  expect(outcome).toBeTypeOf('object');
  if (!outcome.ok) {
    expect(REJECT_REASONS).toContain(outcome.reason);
    expect(typeof outcome.message).toBe('string');
    expect(outcome.message.length).toBeGreaterThan(0);
    return;
  }
  expect(Array.isArray(outcome.events)).toBe(true);
  for (const e of outcome.events) {
    expect(typeof e.source).toBe('string');
    if (e.type === 'unitFix') {
      const f = e.fix;
      expect(f.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
      expect(Number.isFinite(f.ts) && Number.isFinite(f.lat) && Number.isFinite(f.lon)).toBe(true);
      expect(Math.abs(f.lat) <= 90 && Math.abs(f.lon) <= 180).toBe(true);
      expect(UNIT_KINDS).toContain(f.kind);
      if (f.speed !== undefined) expect(Number.isFinite(f.speed) && f.speed >= 0).toBe(true);
      if (f.heading !== undefined) expect(f.heading >= 0 && f.heading < 360).toBe(true);
      if (f.battery !== undefined) expect(f.battery >= 0 && f.battery <= 100).toBe(true);
    } else if (e.type === 'incident') {
      const r = e.report;
      expect(r.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
      expect(Number.isFinite(r.ts) && Number.isFinite(r.lat) && Number.isFinite(r.lon)).toBe(true);
      expect(INCIDENT_KINDS).toContain(r.kind);
      expect(INCIDENT_STATUSES).toContain(r.status);
      expect([1, 2, 3, 4]).toContain(r.priority);
      expect(typeof r.title).toBe('string');
    } else if (e.type === 'unitOffline') {
      expect(e.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
      expect(Number.isFinite(e.ts)).toBe(true);
    }
  }
}

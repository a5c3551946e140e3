import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkUnitLocation } from '../../../core/adapters/unit-location-check.js';
import { unitLocationSchema } from '../../../core/adapters/native-schemas.js';

// Values near every boundary of the schema, plus the wrong types JSON can carry.
const anyJson = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }));
const edgeString = (max: number) => fc.oneof(fc.constant(''), fc.string({ minLength: max - 1, maxLength: max + 1 }), fc.string({ maxLength: 8 }), fc.constant('志愿者'.repeat(Math.ceil(max / 3))));
const edgeNumber = (min: number, max: number) =>
  fc.oneof(fc.constantFrom(min, max, min - 1e-9, max + 1e-9, -0, Infinity, -Infinity, Number.NaN), fc.double({ min: min - 10, max: Math.min(max, 1e6) + 10 }));
/** mostly a plain valid value, sometimes one at or past a boundary, sometimes the wrong type */
const field = <T, U>(valid: fc.Arbitrary<T>, edge?: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: edge ?? valid, weight: 1 }, { arbitrary: anyJson, weight: 1 });
const optional = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });

const message = fc.record(
  {
    id: field(fc.string({ minLength: 1, maxLength: 12 }), edgeString(128)),
    ts: field(fc.integer({ min: 0, max: 2e12 }), fc.oneof(fc.double(), edgeString(64))),
    lat: field(fc.double({ min: -90, max: 90, noNaN: true })),
    lon: field(fc.double({ min: -180, max: 180, noNaN: true })),
    kind: field(fc.constantFrom('volunteer', 'patrol', 'police', 'vehicle'), fc.constantFrom('Volunteer', 'drone', '')),
    name: optional(field(fc.string({ maxLength: 12 }), edgeString(200))),
    heading: optional(field(fc.double({ min: 0, max: 360, noNaN: true }), edgeNumber(0, 360))),
    speed: optional(field(fc.double({ min: 0, max: 200, noNaN: true }), edgeNumber(0, 200))),
    accuracy: optional(field(fc.double({ min: 0, max: 1e4, noNaN: true }), edgeNumber(0, Infinity))),
    status: optional(field(fc.constantFrom('available', 'busy', 'offline'), fc.constantFrom('lost', 'Busy'))),
    battery: optional(field(fc.double({ min: 0, max: 100, noNaN: true }), edgeNumber(0, 100))),
    crs: optional(field(fc.constantFrom('WGS84', 'GCJ02', 'BD09'), edgeString(16))),
    extra: optional(anyJson),
  },
  { requiredKeys: ['id', 'ts', 'lat', 'lon', 'kind'] },
);
/** a message, sometimes with one required field missing */
const withHoles = fc.tuple(message, fc.option(fc.constantFrom('id', 'ts', 'lat', 'lon', 'kind'), { freq: 4 })).map(([m, drop]) => {
  const out: Record<string, unknown> = { ...m };
  if (drop !== null) delete out[drop];
  return out;
});

describe('checkUnitLocation (the hand-written fast path)', () => {
  it('gives the same verdict and the same fields as the zod schema', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: withHoles, weight: 9 }, { arbitrary: anyJson, weight: 1 }), (m) => {
        // what JSON can carry: no undefined-valued keys, no NaN/Infinity (they become null)
        const json: unknown = JSON.parse(JSON.stringify(m));
        const fast = checkUnitLocation(json);
        const zod = unitLocationSchema.safeParse(json);
        expect(fast !== undefined).toBe(zod.success);
        if (fast && zod.success) {
          accepted++;
          expect(fast).toEqual(zod.data);
        }
      }),
      { numRuns: 5000 },
    );
    // the generator must exercise both verdicts, or the test proves little
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(4900);
  });

  it('also agrees on values JSON cannot carry (callers outside the pipeline)', () => {
    fc.assert(
      fc.property(withHoles, (m) => {
        const clean = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
        expect(checkUnitLocation(clean) !== undefined).toBe(unitLocationSchema.safeParse(clean).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a typical message and refuses near misses', () => {
    const ok = { id: 'V1', ts: 1_790_000_000_000, lat: 26.04, lon: 119.28, kind: 'volunteer', name: '志愿者', heading: 360, speed: 0, battery: 100 };
    expect(checkUnitLocation(ok)).toBe(ok);
    expect(checkUnitLocation({ ...ok, heading: 360.5 })).toBeUndefined();
    expect(checkUnitLocation({ ...ok, kind: 'drone' })).toBeUndefined();
    expect(checkUnitLocation({ ...ok, name: null })).toBeUndefined();
    expect(checkUnitLocation({ ...ok, id: '' })).toBeUndefined();
    expect(checkUnitLocation([ok])).toBeUndefined();
  });
});

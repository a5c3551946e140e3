import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyMove, decodeUnit, encodeMove, encodeUnit, UNIT_MOVE_FIELDS, UNIT_WIRE_FIELDS, type UnitView } from '../../../core/situation/unit-wire.js';
import { UNIT_KINDS, UNIT_STATUSES } from '../../../core/domain.js';

const arbUnit: fc.Arbitrary<UnitView> = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 20 }),
    kind: fc.constantFrom(...UNIT_KINDS),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    ts: fc.nat(),
    lastSeen: fc.nat(),
    status: fc.constantFrom(...UNIT_STATUSES),
    stale: fc.boolean(),
    heading: fc.double({ min: 0, max: 360, noNaN: true }),
    speed: fc.double({ min: 0, max: 100, noNaN: true }),
    accuracy: fc.nat(),
    battery: fc.nat(100),
    name: fc.string(),
    source: fc.string(),
    gridId: fc.string(),
    outOfOrder: fc.nat(),
  },
  { requiredKeys: ['id', 'kind', 'lat', 'lon', 'ts', 'lastSeen', 'status', 'stale', 'source', 'outOfOrder'] },
);

describe('unit wire tuples', () => {
  it('round-trip any unit exactly, through JSON too', () => {
    fc.assert(
      fc.property(arbUnit, (u) => {
        expect(decodeUnit(encodeUnit(u))).toEqual(u);
        expect(decodeUnit(JSON.parse(JSON.stringify(encodeUnit(u))))).toEqual(JSON.parse(JSON.stringify(u)));
      }),
      { numRuns: 500 },
    );
  });

  it('names every position of the tuple', () => {
    const u: UnitView = { id: 'V1', kind: 'patrol', lat: 26, lon: 119, ts: 1, lastSeen: 2, status: 'busy', stale: true, source: 's', outOfOrder: 3, name: 'n', gridId: 'g', heading: 90, speed: 2, accuracy: 5, battery: 50 };
    const t = encodeUnit(u);
    expect(t).toHaveLength(UNIT_WIRE_FIELDS.length);
    UNIT_WIRE_FIELDS.forEach((f, i) => expect(t[i]).toEqual(f === 'stale' ? 1 : u[f]));
  });

  it('is about half the size of the object on the wire', () => {
    const u: UnitView = { id: 'vol-00001', kind: 'volunteer', lat: 26.071234, lon: 119.301234, ts: 1795737463146, lastSeen: 1795737463150, status: 'available', stale: false, source: 'units', outOfOrder: 0, name: '志愿者-仓山-0001', gridId: '350104008003-07', heading: 90, speed: 1.2, accuracy: 8, battery: 80 };
    expect(JSON.stringify(encodeUnit(u)).length / JSON.stringify(u).length).toBeLessThan(0.65);
  });

  it('a move applied to what the receiver holds gives the sender unit (only motion changed)', () => {
    fc.assert(
      fc.property(arbUnit, arbUnit, (held, next) => {
        // the sender's unit: what the receiver holds, moved
        const sender: UnitView = { ...held, lat: next.lat, lon: next.lon, ts: next.ts, lastSeen: next.lastSeen, stale: next.stale };
        for (const k of ['heading', 'speed', 'accuracy'] as const) {
          if (next[k] === undefined) delete sender[k];
          else sender[k] = next[k];
        }
        expect(applyMove(JSON.parse(JSON.stringify(held)), JSON.parse(JSON.stringify(encodeMove(sender))))).toEqual(JSON.parse(JSON.stringify(sender)));
        expect(encodeMove(sender)).toHaveLength(UNIT_MOVE_FIELDS.length);
      }),
      { numRuns: 300 },
    );
  });
});

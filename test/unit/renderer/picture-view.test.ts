// What a case's map picture frames (model/picture-view.ts): the incident and its responders, their
// positions and the trails that brought them, never narrower than the streets around, never
// stretched to the city by a responder far away, and nothing for an incident not in the situation.
import { describe, expect, it } from 'vitest';
import type { Incident, Unit } from '../../../core/domain';
import type { SituationSnapshot } from '../../../core/situation/situation';
import { pictureBounds } from '../../../renderer/src/model/picture-view';

const inc = (responders: string[]): Incident => ({ id: 'a1', lat: 26.04, lon: 119.28, responders: responders.map((unitId) => ({ unitId })) }) as unknown as Incident;
const unit = (id: string, lon: number, lat: number, trail: [number, number, number][] = []): Unit => ({ id, lon, lat, trail }) as unknown as Unit;
const snap = (incidents: Incident[], units: Unit[]) => ({ incidents, units }) as unknown as SituationSnapshot;

describe('pictureBounds', () => {
  it('holds the incident and its responders with their trails, not units it did not send', () => {
    const b = pictureBounds(snap([inc(['u1', 'u2'])], [unit('u1', 119.3, 26.05, [[119.31, 26.03, 1]]), unit('u2', 119.27, 26.045), unit('far-other', 119.5, 26.5)]), 'a1');
    expect(b).not.toBeNull();
    const [[w, s], [e, n]] = b!;
    expect(w).toBeCloseTo(119.27, 6);
    expect(e).toBeCloseTo(119.31, 6);
    expect(s).toBeCloseTo(26.03, 6);
    expect(n).toBeCloseTo(26.05, 6);
  });

  it('is never narrower than about 900 m each side of the middle', () => {
    const [[w, s], [e, n]] = pictureBounds(snap([inc([])], []), 'a1')!;
    expect(e - w).toBeCloseTo(0.016, 6);
    expect(n - s).toBeCloseTo(0.016, 6);
    expect((w + e) / 2).toBeCloseTo(119.28, 6);
  });

  it('leaves out a responder more than ~20 km away and positions that are not places', () => {
    const b = pictureBounds(snap([inc(['far', 'bad'])], [unit('far', 119.9, 26.04), unit('bad', Number.NaN, 26.04, [[500, 26, 1]])]), 'a1')!;
    expect(b[1][0] - b[0][0]).toBeCloseTo(0.016, 6);
  });

  it('is null for an incident the situation does not hold', () => {
    expect(pictureBounds(snap([inc([])], []), 'nope')).toBeNull();
  });
});

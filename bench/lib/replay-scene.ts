// The recorded scene of the replay benches (bench:replay, bench:replay-render): UNITS units
// reporting once a second for MINUTES minutes from T0, a tick a second, an alarm every 30 s and its
// acknowledgement 10 s later — the inputs the live wall would record for a city's volunteers.
import type { SituationInput } from '../../core/inputs.js';

export const T0 = Date.UTC(2026, 11, 5, 8, 0, 0);

/** what the native adapter makes of a unit's location message */
function fixInput(u: number, s: number, at: number): SituationInput {
  const id = `V${String(u).padStart(5, '0')}`;
  return {
    t: 'events',
    at,
    topic: `watchfloor/v1/units/${id}/location`,
    events: [
      {
        type: 'unitFix',
        source: 'native',
        fix: {
          id,
          kind: u % 20 === 0 ? 'patrol' : 'volunteer',
          name: `志愿者-${u}`,
          lat: +(26.0 + (u % 200) * 0.0006 + Math.sin((s + u) / 60) * 2e-4).toFixed(6),
          lon: +(119.25 + Math.floor(u / 200) * 0.0015 + Math.cos((s + u) / 60) * 2e-4).toFixed(6),
          ts: at - 150,
          heading: (u * 7 + s) % 360,
          speed: 1.2,
          accuracy: 8,
          status: 'available',
          battery: 80,
        },
      },
    ],
  };
}

/** The scene's inputs in time order. */
export function* sceneInputs(units: number, minutes: number): Generator<SituationInput> {
  for (let s = 0; s < minutes * 60; s++) {
    const base = T0 + s * 1000;
    for (let u = 0; u < units; u++) yield fixInput(u, s, base + Math.floor((u * 1000) / units));
    yield { t: 'tick', at: base + 999 };
    if (s % 30 === 5) {
      const id = `A-${s}`;
      yield { t: 'events', at: base + 500, topic: 'watchfloor/v1/alarms/110', events: [{ type: 'incident', source: '110', report: { id, ts: base + 400, kind: 'theft', priority: 2, lat: 26.05, lon: 119.3, title: `警情 ${s}`, cameraIds: [], media: [], status: 'open' } }] };
    }
    if (s % 30 === 15) yield { t: 'action', at: base + 700, action: { id: `ack-${s}`, kind: 'ack', incidentId: `A-${s - 10}`, by: '值班员', role: 'commander' } as never };
  }
}

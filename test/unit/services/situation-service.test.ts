// The alarm lane: an alarm goes out at once, ahead of the cadence and of the unit moves around it.
import { afterEach, describe, expect, it } from 'vitest';
import type { SituationInput } from '../../../core/inputs';
import { createSituation, type SituationDelta } from '../../../core/situation/situation';
import { SituationService } from '../../../main/services/situation-service';

const reference = { cameras: [], kiosks: [{ id: 'K1', name: '南门', lat: 26.06, lon: 119.31 }] };
const locate = () => ({ id: 'g', ids: ['city'], names: ['福州市'] });
const T0 = Date.UTC(2026, 11, 2, 8);

const fix = (id: string, at: number): SituationInput => ({ t: 'events', at, topic: `u/${id}`, events: [{ type: 'unitFix', source: 'units', fix: { id, ts: at, lat: 26.05, lon: 119.3, kind: 'volunteer' } }] });
const alarm = (id: string, at: number): SituationInput => ({ t: 'events', at, topic: 'alarms/110', events: [{ type: 'incident', source: '110', report: { id, ts: at, kind: 'theft', priority: 1, lat: 26.04, lon: 119.28, title: id, status: 'open' } }] });
const sos = (at: number): SituationInput => ({ t: 'events', at, topic: 'kiosks/K1', events: [{ type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: at, online: true, sos: true } }] });

/** resolves when `deltas` holds at least `n` (the service's own timers drive it: no sleeping) */
function until(deltas: SituationDelta[], n: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (deltas.length >= n ? resolve() : setImmediate(poll));
    poll();
  });
}

let service: SituationService | null = null;
afterEach(() => service?.stop());

describe('SituationService alarm lane', () => {
  it('sends an alarm in a delta of its own before the cadence, leaving the unit moves for the next full delta', async () => {
    const deltas: SituationDelta[] = [];
    // a cadence far longer than the test: only the lane can deliver within it
    service = new SituationService(createSituation(reference, locate), { deltaIntervalMs: 60_000, tickMs: 60_000, now: () => T0 });
    service.onDelta((d) => deltas.push(d));
    service.start();
    service.apply(fix('U1', T0));
    service.apply(alarm('A1', T0));
    service.apply(fix('U2', T0));
    service.apply(sos(T0));
    await until(deltas, 1);
    expect(deltas).toHaveLength(1);
    // the SOS press is an incident of its own as well as a kiosk state
    expect(deltas[0].incidents.map((i) => i.id).sort()).toEqual(['A1', `sos:K1:${T0}`]);
    expect(deltas[0].kiosks.map((k) => [k.id, k.sos])).toEqual([['K1', true]]);
    expect(deltas[0].units).toEqual([]);
    expect(service.alertDeltasSent).toBe(1);
    // the unit moves are still owed, and come with the next full delta
    service.flush();
    expect(deltas).toHaveLength(2);
    expect(deltas[1].units.map((u) => u[0]).sort()).toEqual(['U1', 'U2']);
    expect(deltas[1].incidents).toEqual([]);
  });

  it('a burst of alarms in one turn goes out as one delta; unit moves alone never use the lane', async () => {
    const deltas: SituationDelta[] = [];
    service = new SituationService(createSituation(reference, locate), { deltaIntervalMs: 60_000, tickMs: 60_000, now: () => T0 });
    service.onDelta((d) => deltas.push(d));
    service.start();
    for (let i = 0; i < 20; i++) service.apply(alarm(`A${i}`, T0 + i));
    for (let i = 0; i < 100; i++) service.apply(fix(`U${i}`, T0 + i));
    await until(deltas, 1);
    // another turn: whatever the lane would send has been sent
    await new Promise((r) => setImmediate(r));
    expect(deltas).toHaveLength(1);
    expect(deltas[0].incidents).toHaveLength(20);
    expect(service.alertDeltasSent).toBe(1);
  });

  it('a stopped service sends nothing by itself', async () => {
    const deltas: SituationDelta[] = [];
    service = new SituationService(createSituation(reference, locate), { deltaIntervalMs: 60_000, tickMs: 60_000, now: () => T0 });
    service.onDelta((d) => deltas.push(d));
    service.apply(alarm('A1', T0));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(deltas).toHaveLength(0);
  });
});

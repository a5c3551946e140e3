// Units for the benches that draw them: where unit u is on round r (spread over the urban core,
// each circling slowly), as the input the MQTT ingest would make, and a feeder that hands
// `count` units' fixes, one per unit per second in 20 slices, straight to the host's situation.
import type { UnitKind } from '../../core/domain.js';
import type { SituationInput } from '../../core/inputs.js';
import type { Host } from '../../main/services/host.js';

const PREFIX = 'watchfloor/v1';
const KINDS: UnitKind[] = ['volunteer', 'volunteer', 'volunteer', 'volunteer', 'volunteer', 'volunteer', 'volunteer', 'patrol', 'patrol', 'police', 'police', 'vehicle'];

/** Where unit u is on round r: spread over the urban core, each circling slowly. */
export function fixOf(u: number, round: number, now: number) {
  const id = `B${String(u).padStart(5, '0')}`;
  const kind = KINDS[u % KINDS.length];
  const heading = (u * 37 + round * 9) % 360;
  const rad = (heading * Math.PI) / 180;
  const lat = 25.99 + (u % 250) * 0.0005 + 0.0002 * Math.cos(rad);
  const lon = 119.22 + Math.floor(u / 250) * 0.00075 + 0.0002 * Math.sin(rad);
  return { id, ts: now, lat: +lat.toFixed(6), lon: +lon.toFixed(6), kind, heading: kind === 'volunteer' ? undefined : heading, speed: 1.2, status: 'available' as const };
}

export function fixInput(u: number, round: number, now: number): SituationInput {
  const fix = fixOf(u, round, now);
  return { t: 'events', at: now, topic: `${PREFIX}/units/${fix.id}/location`, events: [{ type: 'unitFix', source: 'units', fix }] };
}

/** Feeds `count` units at one fix per unit per second, in 20 slices a second. */
export interface Feeder {
  stop(): Promise<void>;
  /** fixes handed over (direct) or published (mqtt) */
  sent(): number;
}

export function directFeeder(host: Host, count: number): Feeder {
  let round = 1;
  let next = 0;
  let sent = 0;
  const perTick = Math.ceil(count / 20);
  const timer = setInterval(() => {
    const now = Date.now();
    for (let k = 0; k < perTick && count > 0; k++) {
      host.situation.apply(fixInput(next, round, now));
      sent++;
      if (++next >= count) {
        next = 0;
        round++;
      }
    }
  }, 50);
  return {
    async stop() {
      clearInterval(timer);
    },
    sent: () => sent,
  };
}


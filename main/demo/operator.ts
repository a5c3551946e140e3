// The demo's operator: what a story asks of the duty officer (call the volunteers nearby, close
// the incident) done on the wall for real, through the same services an operator's clicks reach.
// Both shells build it from their host and hand it to startDemoIfEnabled.
import type { Principal } from '../../core/auth/principal.js';
import type { Host } from '../services/host.js';

export interface DemoOperator {
  /** 召集附近志愿者: every available volunteer within `radiusM` of the incident */
  broadcast(incidentId: string, radiusM: number, note?: string): void;
  /** 办结 */
  resolve(incidentId: string, note?: string): void;
}

/** how the demo's operator appears in incidents' timelines */
export const DEMO_OPERATOR_NAME = '演示调度员';

/** the demo's operator is the wall itself acting as a dispatcher: audited like anyone */
const DEMO_OPERATOR: Principal = { name: DEMO_OPERATOR_NAME, role: 'dispatcher', via: 'wall' };

export function demoOperatorFor(host: Pick<Host, 'desk'>, warn: (line: string) => void = console.warn): DemoOperator {
  return {
    broadcast(incidentId, radiusM, note) {
      const r = host.desk.perform(DEMO_OPERATOR, { op: 'broadcast', incidentId, radiusM, ...(note ? { note } : {}) }, 'demo');
      if (!r.ok) warn(`watchfloor demo: the operator's broadcast for ${incidentId} was refused: ${r.error.message}`);
    },
    resolve(incidentId, note) {
      const r = host.desk.perform(DEMO_OPERATOR, { op: 'act', incidentId, kind: 'resolve', ...(note ? { note } : {}) }, 'demo');
      if (!r.ok) warn(`watchfloor demo: the operator's resolve of ${incidentId} was refused: ${r.error.message}`);
    },
  };
}

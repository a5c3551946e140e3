// A scenario played against an in-memory wall (ingest + situation, as support.ts builds them) with
// an operator acting on it as the demo's does: a story's broadcast asks the wall's available
// volunteers within the radius (as DispatchService does), the dispatches go to the scenario's
// units, and a resolve closes the incident. No broker, no clock: everything at the step times.
import { isDispatchable } from '../../../core/dispatch/nearest.js';
import type { OperatorAction } from '../../../core/domain.js';
import { apply } from '../../../core/situation/situation.js';
import { createScenario, type DispatchOutcome, type OperatorRequest, type Scenario, type ScenarioInput } from '../../../core/demo/sim/scenario.js';
import type { SimMessage } from '../../../core/demo/sim/kernel.js';
import type { DemoAssets } from '../../../main/demo/assets.js';
import { feed, wallModel, type WallModel } from './support.js';

export const OPERATOR = '演示调度员';

export interface SentDispatch {
  unitId: string;
  dispatchId: string;
  incidentId: string;
  t: number;
  outcome: DispatchOutcome;
}

export interface Played {
  scenario: Scenario;
  msgs: SimMessage[];
  wall: WallModel;
  requests: OperatorRequest[];
  sent: SentDispatch[];
  /** the wall's refusals of the operator's actions */
  refused: string[];
  /** each incident's states on the wall, in the order it went through them */
  states: Map<string, string[]>;
}

/**
 * Steps `input`'s scenario every `everyMs` up to `untilMs`, feeding the wall; with `operator`, acts
 * on the story's requests. With `settleMs`, stops that long after the operator's first resolve.
 */
export function playWithOperator(assets: DemoAssets, input: ScenarioInput, untilMs: number, everyMs = 500, operator = true, settleMs?: number): Played {
  const scenario = createScenario(input);
  const wall = wallModel(assets);
  const played: Played = { scenario, msgs: [], wall, requests: [], sent: [], refused: [], states: new Map() };
  const track = (): void => {
    for (const inc of wall.state.incidents.values()) {
      const seen = played.states.get(inc.id) ?? [];
      if (seen.at(-1) !== inc.state) played.states.set(inc.id, [...seen, inc.state]);
    }
  };
  let serial = 0;
  const act = (action: OperatorAction, at: number): boolean => {
    apply(wall.state, { t: 'action', at, action });
    // an action applied is remembered by its id (a refused one is not)
    const applied = wall.state.actionIds.has(action.id);
    if (!applied) played.refused.push(`${action.kind} ${action.incidentId}`);
    track();
    return applied;
  };
  let end = untilMs;
  for (let dt = 0; dt <= end; dt += everyMs) {
    const now = input.startAt + dt;
    const batch: SimMessage[] = [];
    scenario.stepInto(now, batch);
    // as the demo does: the operator acts before the step's messages reach the wall
    for (const r of scenario.takeOperatorRequests()) {
      played.requests.push(r);
      if (!operator) continue;
      const inc = wall.state.incidents.get(r.incidentId);
      if (!inc) {
        played.refused.push(`${r.kind} ${r.incidentId} (not held)`);
        continue;
      }
      if (r.kind === 'resolve') {
        if (settleMs !== undefined) end = Math.min(end, dt + settleMs);
        act({ id: `act-${++serial}`, incidentId: r.incidentId, kind: 'resolve', note: r.note, by: OPERATOR, role: 'dispatcher' }, now);
        continue;
      }
      const unitIds = wall.state.unitIndex.nearest(inc.lon, inc.lat, 200, r.radiusM, (u) => u.kind === 'volunteer' && isDispatchable(u)).map((n) => n.id);
      if (unitIds.length === 0) {
        played.refused.push(`broadcast ${r.incidentId} (nobody within ${r.radiusM} m)`);
        continue;
      }
      const dispatchId = `dispatch-${++serial}`;
      const order = { id: dispatchId, mode: 'broadcast' as const, unitIds, radiusM: r.radiusM };
      if (!act({ id: `act-${++serial}`, incidentId: r.incidentId, kind: 'dispatch', order, note: r.note, by: OPERATOR, role: 'dispatcher' }, now)) continue;
      const message = {
        dispatchId,
        incidentId: inc.id,
        kind: inc.kind,
        priority: inc.priority,
        title: inc.title,
        ...(inc.detail ? { detail: inc.detail } : {}),
        lat: inc.lat,
        lon: inc.lon,
        ...(inc.media.length ? { media: inc.media.map((m) => ({ url: m.url, type: m.type })) } : {}),
        radiusM: r.radiusM,
        ts: now,
      };
      for (const unitId of unitIds) {
        // through JSON, as it comes off the broker
        const outcome = scenario.dispatch(unitId, JSON.parse(JSON.stringify(message)), now);
        played.sent.push({ unitId, dispatchId, incidentId: inc.id, t: now, outcome });
      }
    }
    feed(wall, batch);
    track();
    for (const m of batch) played.msgs.push(m);
  }
  return played;
}

export const replies = (msgs: readonly SimMessage[], unitId?: string): SimMessage[] =>
  msgs.filter((m) => m.family === 'reply' && (unitId === undefined || m.topic.endsWith(`/units/${unitId}/reply`)));

export const fixesOf = (msgs: readonly SimMessage[], unitId: string): SimMessage[] => msgs.filter((m) => m.family === 'location' && m.payload.id === unitId);

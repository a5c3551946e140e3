// An incident's life: which operator action may move it from which state, and what each does.
// Pure rules over one incident (and, for a merge, the one it goes into), so the services, a
// replay and a second wall hearing the action from the broker all come to the same state. An
// action that does not fit the state is refused with a reason a person can act on, never applied
// in part.
import { CLOSED_STATES, type Incident, type IncidentState, type OperatorAction, type OperatorActionKind, type TimelineKind } from '../domain.js';
import { err, ok, type Result } from '../result.js';

export const isClosedState = (s: IncidentState): boolean => CLOSED_STATES.includes(s);

/** What the action may start from, and where it leads (`same`: the state does not change). */
const RULES: Record<OperatorActionKind, { from: readonly IncidentState[]; to: IncidentState | 'same' }> = {
  ack: { from: ['new'], to: 'acknowledged' },
  // more units to an incident on scene (backup) leave it on scene
  dispatch: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'dispatched' },
  on_scene: { from: ['new', 'acknowledged', 'dispatched'], to: 'on_scene' },
  resolve: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'resolved' },
  false_alarm: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'false_alarm' },
  merge: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'merged' },
  // a merged incident lives on in the one it went into: it is not reopened on its own
  reopen: { from: ['resolved', 'false_alarm'], to: 'acknowledged' },
  note: { from: ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'false_alarm', 'merged'], to: 'same' },
  // judging a clue does not move the incident: a verified clue may still need units
  verify_clue: { from: ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'false_alarm'], to: 'same' },
  reject_clue: { from: ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'false_alarm'], to: 'same' },
};

/** The timeline's word for an action. */
const ENTRY: Record<OperatorActionKind, TimelineKind> = {
  ack: 'acknowledged',
  dispatch: 'dispatched',
  on_scene: 'on_scene',
  resolve: 'resolved',
  false_alarm: 'false_alarm',
  merge: 'merged',
  reopen: 'reopened',
  note: 'note',
  verify_clue: 'clue_verified',
  reject_clue: 'clue_rejected',
};

export interface Refusal {
  /** `not_found` (404), `illegal` (409: not from this state), `invalid` (400: the action itself is wrong) */
  code: 'not_found' | 'illegal' | 'invalid';
  message: string;
}

export interface Transition {
  to: IncidentState;
  entry: TimelineKind;
}

/** Whether `action` may be applied to `inc` (and `into`, for a merge), and what it leads to. */
export function checkAction(inc: Incident | undefined, action: OperatorAction, into?: Incident): Result<Transition, Refusal> {
  if (!inc) return err({ code: 'not_found', message: `no incident ${action.incidentId.slice(0, 80)}` });
  const rule = RULES[action.kind];
  if (!rule) return err({ code: 'invalid', message: `unknown action ${String(action.kind).slice(0, 40)}` });
  if (!rule.from.includes(inc.state)) return err({ code: 'illegal', message: `cannot ${action.kind} an incident that is ${inc.state}` });
  if (action.kind === 'note' && !action.note?.trim()) return err({ code: 'invalid', message: 'a note needs its text' });
  if (action.kind === 'verify_clue' || action.kind === 'reject_clue') {
    if (!inc.clue) return err({ code: 'invalid', message: `incident ${inc.id.slice(0, 80)} is not a citizen clue` });
    if (inc.clue.state !== 'pending') return err({ code: 'illegal', message: `this clue was already ${inc.clue.state}` });
    if (action.kind === 'reject_clue' && !action.note?.trim()) return err({ code: 'invalid', message: 'rejecting a clue needs its reason (the reporter is told)' });
  }
  if (action.kind === 'merge') {
    if (!action.into) return err({ code: 'invalid', message: 'merge needs the incident to merge into' });
    if (action.into === inc.id) return err({ code: 'invalid', message: 'an incident cannot be merged into itself' });
    if (!into) return err({ code: 'not_found', message: `no incident ${action.into.slice(0, 80)} to merge into` });
    if (isClosedState(into.state)) return err({ code: 'illegal', message: `cannot merge into an incident that is ${into.state}` });
  }
  if (action.order && (action.kind !== 'dispatch' || action.order.unitIds.length === 0)) return err({ code: 'invalid', message: 'a dispatch order needs a dispatch with units' });
  const to = rule.to === 'same' || (action.kind === 'dispatch' && inc.state === 'on_scene') ? inc.state : rule.to;
  return ok({ to, entry: ENTRY[action.kind] });
}

// What an operator does to an incident, from any control (a board button, a shortcut): one path,
// so a refusal is reported the same way whatever was pressed — and truthfully: a request whose
// answer was lost (a timeout, a dropped link) but whose effect the wall can see counts as done.
import { i18n } from '../i18n';
import { CLOSE_UNDO_MS } from '../model/board';
import type { Incident, OperatorActionKind } from '../../../core/domain';
import { actionTookEffect, type IncidentAction } from '../model/situation';
import type { WallRuntime } from './context';

export type { IncidentAction };

/** The bridge's and the services' error texts, said in the operator's language where they are known. */
export function explainError(error: string, t: (key: string, o?: Record<string, unknown>) => string): string {
  if (/timed out/.test(error)) return t('errors.timeout');
  if (/connection closed|bridge closed|not connected/.test(error)) return t('errors.connection');
  if (/rate limited/.test(error)) return t('errors.rateLimited');
  // the services refuse a viewer whatever the page shows, and a page whose sign-in ended
  if (/^forbidden: /.test(error)) return t('errors.forbidden');
  if (/^unauthorized: /.test(error)) return t('errors.unauthorized');
  // a connection watching a replay may not act (core/player.ts)
  if (/^replay: /.test(error)) return t('errors.replay');
  if (/^not_found: no recording/.test(error)) return t('errors.noRecording');
  const judged = /^illegal: this clue was already (verified|rejected)/.exec(error);
  if (judged) return t('errors.clueDone', { state: t(`clue.state.${judged[1]}`) });
  if (/^invalid: rejecting a clue needs its reason/.test(error)) return t('errors.clueReason');
  if (/^(not_found: )?no incident /.test(error)) return t('errors.noIncident');
  const illegal = /^illegal: cannot (\w+) an incident that is (\w+)/.exec(error);
  if (illegal) return t('errors.illegal', { action: t(`actions.${illegal[1]}`, { defaultValue: illegal[1] }), state: t(`incidentState.${illegal[2]}`, { defaultValue: illegal[2] }) });
  if (/^(illegal|invalid): /.test(error)) return t('errors.refused', { reason: error.replace(/^\w+: /, '') });
  return error;
}

/** An id for one press of a button: a retry of the same press is applied once. */
export function newActionId(): string {
  // crypto.randomUUID exists only in secure contexts; a wall on a plain-HTTP LAN address is not one
  return typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Whether the incident as the wall now holds it shows that `kind` was done. */
export function lifecycleTookEffect(kind: OperatorActionKind, inc: Incident | undefined): boolean {
  if (!inc) return kind === 'resolve' || kind === 'false_alarm' || kind === 'merge';
  switch (kind) {
    case 'ack':
      return inc.acknowledged;
    case 'dispatch':
      return inc.state === 'dispatched' || inc.state === 'on_scene' || inc.status === 'closed';
    case 'on_scene':
      return inc.state === 'on_scene' || inc.status === 'closed';
    case 'resolve':
    case 'false_alarm':
    case 'merge':
      return inc.status === 'closed';
    case 'reopen':
      return inc.status === 'open';
    case 'verify_clue':
      return inc.clue?.state === 'verified';
    case 'reject_clue':
      return inc.clue?.state === 'rejected';
    case 'note':
      return false;
  }
}

/**
 * Any lifecycle action (to scene, false alarm, merge, note, reopen…): asked once with an id, so a
 * retry never acts twice; a refusal is said in the operator's language. Resolves to whether it was done.
 */
export async function lifecycleAction(runtime: Pick<WallRuntime, 'bridge' | 'store'>, id: string, kind: OperatorActionKind, extra: { note?: string; into?: string } = {}): Promise<boolean> {
  const title = runtime.store.getState().incidents.get(id)?.title ?? id;
  const r = await runtime.bridge.request('incident.act', { id, action: kind, actionId: newActionId(), ...extra });
  const s = runtime.store.getState();
  const done = r.ok || lifecycleTookEffect(kind, s.incidents.get(id));
  const t = i18n.t.bind(i18n) as (key: string, o?: Record<string, unknown>) => string;
  s.dispatch({ type: 'error', message: done ? null : t('board.failed', { action: t(`actions.${kind}`), title, error: explainError(r.ok ? '' : r.error, t) }), at: Date.now() });
  return done;
}

/** Asks the services; on refusal the board's status line says why. Resolves to whether it was done. */
export async function incidentAction(runtime: Pick<WallRuntime, 'bridge' | 'store'>, method: IncidentAction, id: string): Promise<boolean> {
  const title = runtime.store.getState().incidents.get(id)?.title ?? id;
  const r = await runtime.bridge.request(method, { id });
  const s = runtime.store.getState();
  const done = r.ok || actionTookEffect(method, s.incidents.get(id));
  const t = i18n.t.bind(i18n) as (key: string, o?: Record<string, unknown>) => string;
  s.dispatch({
    type: 'error',
    message: done ? null : t('board.failed', { action: t(method === 'incident.ack' ? 'board.ack' : 'board.close'), title, error: explainError(r.ok ? '' : r.error, t) }),
    at: Date.now(),
    // should the effect show up after all (the answer lost, the change not), the message goes
    about: done ? undefined : { method, id },
  });
  return done;
}

/**
 * 办结 with an undo window: the row says it will close and offers 撤销 for CLOSE_UNDO_MS; then, if
 * not undone, the close goes to the services.
 */
export function requestClose(runtime: Pick<WallRuntime, 'bridge' | 'store'>, id: string, undoMs = CLOSE_UNDO_MS): void {
  const { dispatch } = runtime.store.getState();
  dispatch({ type: 'closePending', id, due: Date.now() + undoMs });
  setTimeout(() => {
    const s = runtime.store.getState();
    if (!(id in s.closing)) return;
    s.dispatch({ type: 'closeSent', id });
    void incidentAction(runtime, 'incident.close', id);
  }, undoMs);
}

/**
 * 召集附近志愿者: the services ask every available volunteer within 500 m (they choose whom, from
 * their index). What came of it is said beside the panel's button, whether the button or `B` asked;
 * a refusal goes to the board's status line too (the panel may be folded).
 */
export async function broadcastNearby(runtime: Pick<WallRuntime, 'bridge' | 'store' | 'broadcastSaid'>, id: string): Promise<boolean> {
  const title = runtime.store.getState().incidents.get(id)?.title ?? id;
  const r = await runtime.bridge.request('dispatch.broadcast', { id, actionId: newActionId() });
  const t = i18n.t.bind(i18n) as (key: string, o?: Record<string, unknown>) => string;
  const text = r.ok ? t('dispatchUi.sent', { count: r.value.recipients.length }) : explainError(r.error, t);
  runtime.broadcastSaid.set({ incidentId: id, text });
  runtime.store.getState().dispatch({ type: 'error', message: r.ok ? null : t('board.failed', { action: t('dispatchUi.broadcastAction'), title, error: text }), at: Date.now() });
  return r.ok;
}

/** A key that would act, pressed on a read-only wall (or in a replay): the status line says so instead of sending anything. */
export function sayReadOnly(runtime: Pick<WallRuntime, 'store'>, action: string, replay = false): void {
  const t = i18n.t.bind(i18n) as (key: string, o?: Record<string, unknown>) => string;
  runtime.store.getState().dispatch({ type: 'error', message: t(replay ? 'replay.noAct' : 'operator.readOnlyKey', { action }), at: Date.now() });
}

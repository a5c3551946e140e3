// What an operator does to an incident, from any control (a board button, a shortcut): one path,
// so a refusal is reported the same way whatever was pressed.
import { i18n } from '../i18n';
import type { WallRuntime } from './context';

export type IncidentAction = 'incident.ack' | 'incident.close';

/** Asks the services; on refusal the wall's status line says why. Resolves to whether it was done. */
export async function incidentAction(runtime: Pick<WallRuntime, 'bridge' | 'store'>, method: IncidentAction, id: string): Promise<boolean> {
  const r = await runtime.bridge.request(method, { id });
  runtime.store.getState().dispatch({ type: 'error', message: r.ok ? null : i18n.t('board.failed', { error: r.error }) });
  return r.ok;
}

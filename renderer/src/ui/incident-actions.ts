// What an operator does to an incident, from any control (a board button, a shortcut): one path,
// so a refusal is reported the same way whatever was pressed.
import type { Bridge } from '../../../core/contract';
import { i18n } from '../i18n';
import { useStore } from '../state/store';

export type IncidentAction = 'incident.ack' | 'incident.close';

/** Asks the services; on refusal the wall's status line says why. Resolves to whether it was done. */
export async function incidentAction(bridge: Bridge, method: IncidentAction, id: string): Promise<boolean> {
  const r = await bridge.request(method, { id });
  useStore.getState().setError(r.ok ? null : i18n.t('board.failed', { error: r.error }));
  return r.ok;
}

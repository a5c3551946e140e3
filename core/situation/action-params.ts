// An operator action as a client asks for it (the bridge's `incident.act`, later the HTTP API):
// checked field by field into an OperatorAction, or a reason. Who acts is never taken from the
// client: the services add the signed-in operator and role.
import { OPERATOR_ACTIONS, type OperatorAction, type OperatorActionKind, type Role } from '../domain.js';
import { err, ok, type Result } from '../result.js';

export const MAX_NOTE_LENGTH = 2000;

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

export function parseActionParams(p: Record<string, unknown>, who: { by?: string; role?: Role }, makeId: () => string): Result<OperatorAction, string> {
  if (!text(p.id, 256)) return err('params.id must be a non-empty string (at most 256 characters)');
  if (typeof p.action !== 'string' || !(OPERATOR_ACTIONS as readonly string[]).includes(p.action)) return err(`params.action must be one of ${OPERATOR_ACTIONS.join(', ')}`);
  if (p.note !== undefined && (typeof p.note !== 'string' || p.note.length > MAX_NOTE_LENGTH)) return err(`params.note must be a string of at most ${MAX_NOTE_LENGTH} characters`);
  if (p.into !== undefined && !text(p.into, 256)) return err('params.into must be an incident id');
  if (p.actionId !== undefined && !text(p.actionId, 128)) return err('params.actionId must be a non-empty string (at most 128 characters)');
  const note = typeof p.note === 'string' ? p.note.trim() : '';
  return ok({
    id: (p.actionId as string | undefined) ?? makeId(),
    incidentId: p.id,
    kind: p.action as OperatorActionKind,
    ...(note ? { note } : {}),
    ...(p.into !== undefined ? { into: p.into as string } : {}),
    ...(who.by ? { by: who.by } : {}),
    ...(who.role ? { role: who.role } : {}),
  });
}

// The operator's desk: every action on an incident, from the bridge (both shells) or the HTTP
// API, passes here. One place decides whether this person may act (role), turns the reducer's
// refusal into an answer a client can act on (400/403/404/409), and writes the audit: what was
// done, by whom, what was refused and why, and what the wall published because of it.
import { randomUUID } from 'node:crypto';
import { canAct, type Principal } from '../../core/auth/principal.js';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import type { OperatorAction, OperatorActionKind } from '../../core/domain.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Refusal } from '../../core/situation/lifecycle.js';
import type { DispatchService } from './dispatch-service.js';
import type { SituationService } from './situation-service.js';

export type DeskRequest =
  | { op: 'act'; incidentId: string; kind: OperatorActionKind; note?: string; into?: string; actionId?: string }
  | { op: 'broadcast'; incidentId: string; radiusM?: number; note?: string; actionId?: string }
  | { op: 'assign'; incidentId: string; unitIds: string[]; note?: string; actionId?: string };

export interface DeskAnswer {
  /** the action was applied before (a retry, another seat's copy): nothing happened again */
  duplicate: boolean;
  /** dispatches: the order's id and who was asked */
  dispatchId?: string;
  recipients?: string[];
}

export interface DeskError {
  status: 400 | 403 | 404 | 409;
  /** `forbidden`, `not_found`, `illegal`, `invalid` */
  code: string;
  message: string;
}

const STATUS: Record<Refusal['code'], DeskError['status']> = { not_found: 404, illegal: 409, invalid: 400 };

/** Who took an action, as the action carries it: anonymous access leaves no name in the timeline. */
const actor = (p: Principal) => (p.via === 'anonymous' ? { role: p.role } : { by: p.name, role: p.role });

export interface DeskDeps {
  situation: SituationService;
  dispatch: DispatchService;
  audit: (e: AuditEntryInput) => void;
  /** counts refusals for health */
  onRefused?: () => void;
  topicPrefix: string;
}

export class Desk {
  constructor(private readonly deps: DeskDeps) {}

  perform(p: Principal, req: DeskRequest, from?: string): Result<DeskAnswer, DeskError> {
    const what = req.op === 'act' ? req.kind : req.op;
    const who = { actor: p.name, role: p.role, via: p.via, ...(from ? { from } : {}) };
    if (!canAct(p.role)) {
      const message = `${p.role} may not act: only a commander or a dispatcher can ${what}`;
      this.deps.onRefused?.();
      this.deps.audit({ kind: 'refused', ...who, incidentId: req.incidentId, what, reason: message });
      return err({ status: 403, code: 'forbidden', message });
    }
    const r = this.run(p, req);
    if (!r.ok) {
      this.deps.audit({ kind: 'refused', ...who, incidentId: req.incidentId, what, reason: `${r.error.code}: ${r.error.message}` });
      return err({ status: STATUS[r.error.code], code: r.error.code, message: r.error.message });
    }
    if (!r.value.duplicate) {
      const detail: Record<string, unknown> = { ...(req.note ? { note: req.note.slice(0, 500) } : {}), ...(req.op === 'act' && req.into ? { into: req.into } : {}) };
      if (r.value.dispatchId) Object.assign(detail, { dispatchId: r.value.dispatchId, recipients: r.value.recipients });
      this.deps.audit({ kind: 'action', ...who, incidentId: req.incidentId, what, ...(Object.keys(detail).length ? { detail } : {}) });
      if (r.value.dispatchId && r.value.recipients?.length) {
        // one line for the messages of one dispatch: the topics are the recipients' own
        this.deps.audit({ kind: 'published', ...who, incidentId: req.incidentId, what: `${this.deps.topicPrefix}/dispatch/{unitId}`, detail: { dispatchId: r.value.dispatchId, qos: 1, messages: r.value.recipients.length, unitIds: r.value.recipients } });
      }
    }
    return r;
  }

  private run(p: Principal, req: DeskRequest): Result<DeskAnswer, Refusal> {
    const { situation, dispatch } = this.deps;
    const base = { incidentId: req.incidentId, ...(req.note ? { note: req.note } : {}), ...(req.actionId ? { actionId: req.actionId } : {}), ...actor(p) };
    if (req.op === 'broadcast') return dispatch.broadcast({ ...base, ...(req.radiusM !== undefined ? { radiusM: req.radiusM } : {}) });
    if (req.op === 'assign') return dispatch.assign({ ...base, unitIds: req.unitIds });
    const action: OperatorAction = {
      id: req.actionId ?? randomUUID(),
      incidentId: req.incidentId,
      kind: req.kind,
      ...(req.note ? { note: req.note } : {}),
      ...(req.into ? { into: req.into } : {}),
      ...actor(p),
    };
    const r = situation.act(action);
    return r.ok ? ok({ duplicate: r.value === 'duplicate' }) : r;
  }
}

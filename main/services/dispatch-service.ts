// Sending units to an incident: a broadcast to every available volunteer within a radius, or the
// units an operator chose. The services decide who is asked (their index, now), put that in the
// action (so a replay asks the same units), apply it through the reducer, and only then publish
// one QoS 1 message per unit with the incident's title, detail and photos.
import { randomUUID } from 'node:crypto';
import type { DispatchMessage } from '../../core/adapters/native-schemas.js';
import { isDispatchable } from '../../core/dispatch/nearest.js';
import type { OperatorAction, Role } from '../../core/domain.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Refusal } from '../../core/situation/lifecycle.js';
import type { DispatchPublisher } from './dispatch-publisher.js';
import type { SituationService } from './situation-service.js';

export const DEFAULT_BROADCAST_RADIUS_M = 500;
/** a broadcast reaches at most this many volunteers (the nearest) */
export const MAX_RECIPIENTS = 200;

export interface DispatchRequest {
  incidentId: string;
  actionId?: string;
  note?: string;
  by?: string;
  role?: Role;
}

export interface DispatchResult {
  dispatchId: string;
  recipients: string[];
  duplicate: boolean;
}

export class DispatchService {
  constructor(
    private readonly situation: SituationService,
    private readonly publisher: DispatchPublisher | null,
    private readonly options: { broadcastRadiusM?: number } = {},
  ) {}

  /** Every available volunteer within `radiusM` of the incident, nearest first. */
  broadcast(req: DispatchRequest & { radiusM?: number }): Result<DispatchResult, Refusal> {
    const inc = this.situation.state.incidents.get(req.incidentId);
    if (!inc) return err({ code: 'not_found', message: `no incident ${req.incidentId.slice(0, 80)}` });
    const radiusM = Math.min(Math.max(req.radiusM ?? this.options.broadcastRadiusM ?? DEFAULT_BROADCAST_RADIUS_M, 50), 5000);
    const near = this.situation.state.unitIndex.nearest(inc.lon, inc.lat, MAX_RECIPIENTS, radiusM, (u) => u.kind === 'volunteer' && isDispatchable(u));
    if (near.length === 0) return err({ code: 'invalid', message: `no available volunteer within ${radiusM} m` });
    return this.send(req, { mode: 'broadcast', unitIds: near.map((n) => n.id), radiusM });
  }

  /** The units the operator chose (any kind; not offline). */
  assign(req: DispatchRequest & { unitIds: string[] }): Result<DispatchResult, Refusal> {
    const ids = [...new Set(req.unitIds)];
    if (ids.length === 0 || ids.length > MAX_RECIPIENTS) return err({ code: 'invalid', message: `choose 1 to ${MAX_RECIPIENTS} units` });
    for (const id of ids) {
      const u = this.situation.state.units.get(id);
      if (!u) return err({ code: 'not_found', message: `no unit ${id.slice(0, 80)}` });
      if (u.status === 'offline') return err({ code: 'invalid', message: `unit ${id.slice(0, 80)} is offline` });
    }
    return this.send(req, { mode: 'assign', unitIds: ids });
  }

  private send(req: DispatchRequest, o: { mode: 'broadcast' | 'assign'; unitIds: string[]; radiusM?: number }): Result<DispatchResult, Refusal> {
    const dispatchId = randomUUID();
    const action: OperatorAction = {
      id: req.actionId ?? randomUUID(),
      incidentId: req.incidentId,
      kind: 'dispatch',
      order: { id: dispatchId, mode: o.mode, unitIds: o.unitIds, ...(o.radiusM !== undefined ? { radiusM: o.radiusM } : {}) },
      ...(req.note ? { note: req.note } : {}),
      ...(req.by ? { by: req.by } : {}),
      ...(req.role ? { role: req.role } : {}),
    };
    const r = this.situation.act(action);
    if (!r.ok) return r;
    // a retry of an action already applied sends nothing again
    if (r.value === 'duplicate') return ok({ dispatchId: '', recipients: [], duplicate: true });
    const inc = this.situation.state.incidents.get(req.incidentId)!;
    const message: DispatchMessage = {
      dispatchId,
      incidentId: inc.id,
      kind: inc.kind,
      priority: inc.priority,
      title: inc.title,
      // what the operator wrote for the units comes first, then the incident's own text
      ...(req.note || inc.detail ? { detail: [req.note, inc.detail].filter(Boolean).join('\n\n').slice(0, 4000) } : {}),
      lat: inc.lat,
      lon: inc.lon,
      // the suspects' photos go with it
      ...(inc.media.length ? { media: inc.media.map((m) => ({ url: m.url, type: m.type })) } : {}),
      ...(o.radiusM !== undefined ? { radiusM: o.radiusM } : {}),
      ts: this.situation.now(),
    };
    for (const unitId of o.unitIds) void this.publisher?.send(unitId, message);
    return ok({ dispatchId, recipients: o.unitIds, duplicate: false });
  }
}

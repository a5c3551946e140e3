// The service side of the Bridge. Transports (WebSocket, Electron IPC) attach peers; the hub
// speaks the contract in core/contract.ts to all of them, so several windows share one core.
// Every peer is bounded: how many may attach, how fast each may ask, and how much may wait
// unread for it (docs/security.md).
import type { Health, ReferencePayload, Requests, RequestMethod, ServerMessage } from '../../core/contract.js';
import { randomUUID } from 'node:crypto';
import { parseClientMessage } from '../../core/contract.js';
import { DEFAULT_NEAREST, nearestUnits } from '../../core/dispatch/nearest.js';
import { parseActionParams } from '../../core/situation/action-params.js';
import type { AccessLog } from './access-log.js';
import type { DispatchService } from './dispatch-service.js';
import { TokenBucket } from './rate-limit.js';
import type { SituationService } from './situation-service.js';

export interface Peer {
  /** `encode` serialises once for all peers that need text */
  deliver(message: ServerMessage, encode: () => string): void;
  /** true when the peer cannot keep up; the hub then drops it so it reconnects with a fresh snapshot */
  congested?(): boolean;
  /** `hard`: drop at once, discarding what is queued for it (a congested peer's backlog is the problem) */
  close(reason: string, hard?: boolean): void;
}

export interface PeerHandle {
  receive(raw: unknown): void;
  detach(): void;
}

type Handlers = { [M in RequestMethod]: (params: Requests[M]['params']) => Requests[M]['result'] | Promise<Requests[M]['result']> };

export interface BridgeLimits {
  /** peers attached at once */
  maxPeers: number;
  /** requests per second per peer, on average */
  requestsPerSecond: number;
  /** requests a peer may make at once */
  requestBurst: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = { maxPeers: 32, requestsPerSecond: 20, requestBurst: 40 };

/** A snapshot costs what this many small requests do: building and sending it is the expensive part. */
const COST: Partial<Record<RequestMethod, number>> = { 'situation.get': 10, 'reference.get': 5 };

/** A dispatch request's optional note and action id, checked (the reducer checks the rest). */
function optionalParams(p: Record<string, unknown>): { note?: string; actionId?: string } {
  if (p.note !== undefined && (typeof p.note !== 'string' || p.note.length > 2000)) throw new Error('invalid: params.note must be a string of at most 2000 characters');
  if (p.actionId !== undefined && (typeof p.actionId !== 'string' || p.actionId.length === 0 || p.actionId.length > 128)) throw new Error('invalid: params.actionId must be a non-empty string');
  return { ...(p.note ? { note: (p.note as string).trim() } : {}), ...(p.actionId ? { actionId: p.actionId as string } : {}) };
}

export interface BridgeHubDeps {
  situation: SituationService;
  /** broadcasts and assignments (dispatch-service.ts) */
  dispatch: DispatchService;
  health: () => Health;
  reference: () => ReferencePayload;
  access: AccessLog;
  limits?: Partial<BridgeLimits>;
  healthIntervalMs?: number;
  now?: () => number;
}

interface PeerState {
  bucket: TokenBucket;
}

export class BridgeHub {
  private readonly peers = new Map<Peer, PeerState>();
  private readonly unsubscribe: () => void;
  private readonly healthTimer: NodeJS.Timeout;
  private readonly handlers: Handlers;
  private readonly limits: BridgeLimits;
  private readonly now: () => number;

  constructor(private readonly deps: BridgeHubDeps) {
    this.limits = { ...DEFAULT_BRIDGE_LIMITS, ...deps.limits };
    this.now = deps.now ?? Date.now;
    deps.access.maxPeers = this.limits.maxPeers;
    this.unsubscribe = deps.situation.onDelta((delta) => this.broadcast({ type: 'delta', delta }));
    this.healthTimer = setInterval(() => this.broadcast({ type: 'health', health: deps.health() }), deps.healthIntervalMs ?? 2000);
    const { situation } = deps;
    const requireId = (params: { id?: unknown }) => {
      if (typeof params.id !== 'string' || params.id.length === 0 || params.id.length > 256) throw new Error('params.id must be a non-empty string');
      if (!situation.state.incidents.has(params.id)) throw new Error(`no incident ${params.id.slice(0, 80)}`);
      return params.id;
    };
    this.handlers = {
      // the first two actions, as actions with ids: shared with the other walls like any other.
      // Acknowledging what is already acknowledged (another seat was quicker) is done, not an error
      'incident.ack': (p) => {
        const id = requireId(p);
        const r = situation.act({ id: randomUUID(), incidentId: id, kind: 'ack' });
        if (!r.ok && !situation.state.incidents.get(id)?.acknowledged) throw new Error(`${r.error.code}: ${r.error.message}`);
        return { ok: true };
      },
      'incident.close': (p) => {
        const id = requireId(p);
        const r = situation.act({ id: randomUUID(), incidentId: id, kind: 'resolve' });
        if (!r.ok && situation.state.incidents.get(id)?.status !== 'closed') throw new Error(`${r.error.code}: ${r.error.message}`);
        return { ok: true };
      },
      'incident.act': (p) => {
        const action = parseActionParams(p as Record<string, unknown>, {}, randomUUID);
        if (!action.ok) throw new Error(`invalid: ${action.error}`);
        const r = situation.act(action.value);
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        return { ok: true, duplicate: r.value === 'duplicate' };
      },
      'dispatch.nearest': (p) => {
        const inc = situation.state.incidents.get(requireId(p));
        const limit = typeof p.limit === 'number' && Number.isInteger(p.limit) ? Math.min(Math.max(p.limit, 1), 50) : DEFAULT_NEAREST.limit;
        const radiusM = typeof p.radiusM === 'number' && Number.isFinite(p.radiusM) ? Math.min(Math.max(p.radiusM, 50), 50_000) : DEFAULT_NEAREST.radiusM;
        return nearestUnits(situation.state.unitIndex, inc!.lon, inc!.lat, { limit, radiusM });
      },
      'dispatch.broadcast': (p) => {
        const r = deps.dispatch.broadcast({ incidentId: requireId(p), ...optionalParams(p), ...(typeof p.radiusM === 'number' ? { radiusM: p.radiusM } : {}) });
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        return r.value;
      },
      'dispatch.assign': (p) => {
        const unitIds = p.unitIds;
        if (!Array.isArray(unitIds) || !unitIds.every((u) => typeof u === 'string' && u.length > 0 && u.length <= 256)) throw new Error('invalid: params.unitIds must be a list of unit ids');
        const r = deps.dispatch.assign({ incidentId: requireId(p), unitIds: unitIds as string[], ...optionalParams(p) });
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        return r.value;
      },
      'rejects.list': () => situation.state.rejects.slice(),
      'reference.get': () => deps.reference(),
      'situation.get': () => situation.snapshot(),
    };
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Whether one more peer may attach; transports ask before they accept a connection. */
  hasRoom(): boolean {
    return this.peers.size < this.limits.maxPeers;
  }

  /** Attaches a peer and sends it a snapshot; null (counted) when the hub is full. */
  attach(peer: Peer): PeerHandle | null {
    if (!this.hasRoom()) {
      this.deps.access.refuse('peers', `bridge full: ${this.limits.maxPeers} clients (web.maxClients)`);
      return null;
    }
    this.peers.set(peer, { bucket: new TokenBucket(this.limits.requestsPerSecond, this.limits.requestBurst, this.now) });
    this.deps.access.peers = this.peers.size;
    const snapshot: ServerMessage = { type: 'snapshot', situation: this.deps.situation.snapshot(), health: this.deps.health() };
    peer.deliver(snapshot, () => JSON.stringify(snapshot));
    return {
      receive: (raw) => this.handle(peer, raw),
      detach: () => this.remove(peer),
    };
  }

  private remove(peer: Peer): void {
    this.peers.delete(peer);
    this.deps.access.peers = this.peers.size;
  }

  private handle(peer: Peer, raw: unknown): void {
    const state = this.peers.get(peer);
    // a peer that does not read what it asked for gets nothing more built for it
    if (!state || this.dropIfCongested(peer)) return;
    const msg = parseClientMessage(raw);
    if (typeof msg === 'string') {
      this.deps.access.refuse('badRequests', msg);
      return;
    }
    if (!state.bucket.take(COST[msg.method] ?? 1)) {
      this.deps.access.refuse('rateLimited', `${msg.method} beyond ${this.limits.requestsPerSecond}/s`);
      this.reply(peer, { type: 'response', id: msg.id, ok: false, error: 'rate limited: too many requests, try again shortly' });
      return;
    }
    let result: unknown;
    try {
      result = (this.handlers[msg.method] as (p: unknown) => unknown)(msg.params);
    } catch (e) {
      this.reply(peer, { type: 'response', id: msg.id, ok: false, error: (e as Error).message });
      return;
    }
    // Answered in the same turn when the handler is synchronous (all are today): a burst of
    // requests is then answered, and congestion seen, one at a time, instead of every answer
    // being built before the first one is sent.
    if (result instanceof Promise) {
      result.then(
        (value) => this.reply(peer, { type: 'response', id: msg.id, ok: true, result: value }),
        (e) => this.reply(peer, { type: 'response', id: msg.id, ok: false, error: (e as Error).message }),
      );
    } else this.reply(peer, { type: 'response', id: msg.id, ok: true, result });
  }

  /** A reply is held for the peer like a broadcast is: one that does not read must not make the server keep it all. */
  private reply(peer: Peer, message: ServerMessage): void {
    if (this.peers.has(peer) && !this.dropIfCongested(peer)) peer.deliver(message, () => JSON.stringify(message));
  }

  private dropIfCongested(peer: Peer): boolean {
    if (!peer.congested?.()) return false;
    this.remove(peer);
    this.deps.access.refuse('congested', 'a bridge client stopped reading: dropped, it reconnects for a fresh snapshot');
    peer.close('congested: reconnect for a fresh snapshot', true);
    return true;
  }

  private broadcast(message: ServerMessage): void {
    let encoded: string | undefined;
    const encode = () => (encoded ??= JSON.stringify(message));
    for (const peer of [...this.peers.keys()]) {
      if (!this.dropIfCongested(peer)) peer.deliver(message, encode);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.healthTimer);
    for (const p of this.peers.keys()) p.close('shutting down');
    this.peers.clear();
    this.deps.access.peers = 0;
  }
}

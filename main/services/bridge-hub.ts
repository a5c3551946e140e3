// The service side of the Bridge. Transports (WebSocket, Electron IPC) attach peers; the hub
// speaks the contract in core/contract.ts to all of them, so several windows share one core.
import type { Health, ReferencePayload, Requests, RequestMethod, ServerMessage } from '../../core/contract.js';
import { parseClientMessage } from '../../core/contract.js';
import type { SituationService } from './situation-service.js';

export interface Peer {
  /** `encode` serialises once for all peers that need text */
  deliver(message: ServerMessage, encode: () => string): void;
  /** true when the peer cannot keep up; the hub then drops it so it reconnects with a fresh snapshot */
  congested?(): boolean;
  close(reason: string): void;
}

export interface PeerHandle {
  receive(raw: unknown): void;
  detach(): void;
}

type Handlers = { [M in RequestMethod]: (params: Requests[M]['params']) => Requests[M]['result'] | Promise<Requests[M]['result']> };

export interface BridgeHubDeps {
  situation: SituationService;
  health: () => Health;
  reference: () => ReferencePayload;
  healthIntervalMs?: number;
}

export class BridgeHub {
  private readonly peers = new Set<Peer>();
  private readonly unsubscribe: () => void;
  private readonly healthTimer: NodeJS.Timeout;
  /** malformed requests from renderers, counted and kept for the health panel */
  readonly badRequests = { count: 0, last: null as string | null };
  private readonly handlers: Handlers;

  constructor(private readonly deps: BridgeHubDeps) {
    this.unsubscribe = deps.situation.onDelta((delta) => this.broadcast({ type: 'delta', delta }));
    this.healthTimer = setInterval(() => this.broadcast({ type: 'health', health: deps.health() }), deps.healthIntervalMs ?? 2000);
    const { situation } = deps;
    const requireId = (params: { id?: unknown }) => {
      if (typeof params.id !== 'string' || params.id.length === 0 || params.id.length > 256) throw new Error('params.id must be a non-empty string');
      if (!situation.state.incidents.has(params.id)) throw new Error(`no incident ${params.id.slice(0, 80)}`);
      return params.id;
    };
    this.handlers = {
      'incident.ack': (p) => {
        situation.apply({ t: 'ack', at: situation.now(), incidentId: requireId(p) });
        return { ok: true };
      },
      'incident.close': (p) => {
        situation.apply({ t: 'close', at: situation.now(), incidentId: requireId(p) });
        return { ok: true };
      },
      'rejects.list': () => situation.state.rejects.slice(),
      'reference.get': () => deps.reference(),
      'situation.get': () => situation.snapshot(),
    };
  }

  get peerCount(): number {
    return this.peers.size;
  }

  attach(peer: Peer): PeerHandle {
    this.peers.add(peer);
    const snapshot: ServerMessage = { type: 'snapshot', situation: this.deps.situation.snapshot(), health: this.deps.health() };
    peer.deliver(snapshot, () => JSON.stringify(snapshot));
    return {
      receive: (raw) => void this.handle(peer, raw),
      detach: () => this.peers.delete(peer),
    };
  }

  private async handle(peer: Peer, raw: unknown): Promise<void> {
    const msg = parseClientMessage(raw);
    if (typeof msg === 'string') {
      this.badRequests.count++;
      this.badRequests.last = msg;
      return;
    }
    let reply: ServerMessage;
    try {
      const handler = this.handlers[msg.method] as (p: unknown) => unknown;
      reply = { type: 'response', id: msg.id, ok: true, result: await handler(msg.params) };
    } catch (e) {
      reply = { type: 'response', id: msg.id, ok: false, error: (e as Error).message };
    }
    if (this.peers.has(peer)) peer.deliver(reply, () => JSON.stringify(reply));
  }

  private broadcast(message: ServerMessage): void {
    let encoded: string | undefined;
    const encode = () => (encoded ??= JSON.stringify(message));
    for (const peer of this.peers) {
      if (peer.congested?.()) {
        this.peers.delete(peer);
        peer.close('congested: reconnect for a fresh snapshot');
        continue;
      }
      peer.deliver(message, encode);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.healthTimer);
    for (const p of this.peers) p.close('shutting down');
    this.peers.clear();
  }
}

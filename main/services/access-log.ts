// What the shells refused and why, counted for /api/health and the wall's health panel: a
// refusal that nobody can see is indistinguishable from an outage (docs/security.md).
import type { AccessHealth, AccessRefusal } from '../../core/contract.js';

export class AccessLog {
  private readonly refused: Record<AccessRefusal, number> = {
    host: 0,
    origin: 0,
    malformed: 0,
    method: 0,
    peers: 0,
    connections: 0,
    rateLimited: 0,
    congested: 0,
    badRequests: 0,
    timeouts: 0,
  };
  private last: { at: number; kind: AccessRefusal; why: string } | null = null;
  /** filled in by the shells: what is open now and the caps */
  peers = 0;
  maxPeers = 0;
  connections = 0;
  maxConnections = 0;

  constructor(private readonly now: () => number = Date.now) {}

  refuse(kind: AccessRefusal, why: string): void {
    this.refused[kind]++;
    this.last = { at: this.now(), kind, why: why.slice(0, 200) };
  }

  count(kind: AccessRefusal): number {
    return this.refused[kind];
  }

  health(): AccessHealth {
    return { peers: this.peers, maxPeers: this.maxPeers, connections: this.connections, maxConnections: this.maxConnections, refused: { ...this.refused }, last: this.last && { ...this.last } };
  }
}

// What the shells refused and why, counted for /api/health and the wall's health panel: a
// refusal that nobody can see is indistinguishable from an outage (docs/security.md).
import type { AccessHealth, AccessRefusal } from '../../core/contract.js';
import type { Logger } from './logger.js';

/** refusals logged per window at most: a flood of bad requests is counted in full, logged in part */
const LOG_PER_WINDOW = 20;
const LOG_WINDOW_MS = 10_000;

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

  private windowStart = 0;
  private loggedInWindow = 0;
  private unlogged = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly log: Logger | null = null,
  ) {}

  refuse(kind: AccessRefusal, why: string): void {
    this.refused[kind]++;
    const at = this.now();
    this.last = { at, kind, why: why.slice(0, 200) };
    if (!this.log) return;
    if (at - this.windowStart >= LOG_WINDOW_MS) {
      this.windowStart = at;
      this.loggedInWindow = 0;
    }
    if (this.loggedInWindow >= LOG_PER_WINDOW) {
      this.unlogged++;
      return;
    }
    this.loggedInWindow++;
    const more = this.unlogged;
    this.unlogged = 0;
    this.log.info({ kind, ...(more > 0 ? { notLoggedBefore: more } : {}) }, `refused (${kind}): ${why.slice(0, 200)}${more > 0 ? ` (and ${more} more before, counted in health, not logged)` : ''}`);
  }

  count(kind: AccessRefusal): number {
    return this.refused[kind];
  }

  health(): AccessHealth {
    return { peers: this.peers, maxPeers: this.maxPeers, connections: this.connections, maxConnections: this.maxConnections, refused: { ...this.refused }, last: this.last && { ...this.last } };
  }
}

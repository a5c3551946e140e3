// The service side of the Bridge. Transports (WebSocket, Electron IPC) attach peers; the hub
// speaks the contract in core/contract.ts to all of them, so several windows share one core.
// Every peer is bounded: how many may attach, how fast each may ask, and how much may wait
// unread for it (docs/security.md).
import type { Health, ReferencePayload, ReporterPoints, Requests, RequestMethod, ServerMessage } from '../../core/contract.js';
import { type Principal, sessionInfo } from '../../core/auth/principal.js';
import { parseClientMessage } from '../../core/contract.js';
import { DEFAULT_NEAREST, nearestUnits } from '../../core/dispatch/nearest.js';
import { parseActionParams } from '../../core/situation/action-params.js';
import type { AccessLog } from './access-log.js';
import type { Auth } from './auth.js';
import type { Desk, DeskRequest } from './desk.js';
import { TokenBucket } from './rate-limit.js';
import type { SituationService } from './situation-service.js';
import type { PlayerState } from '../../core/player.js';
import { type SituationDelta, snapshotOf } from '../../core/situation/situation.js';
import { mergeDeltas } from '../../core/situation/delta-merge.js';
import { MAX_BOOKMARK_NOTE, type BookmarkStore } from '../journal/bookmarks.js';
import type { Recording } from '../journal/recording.js';
import { ReplayPlayer } from '../journal/replay-player.js';
import { UpdateFlow } from './update-flow.js';
import type { CaseService } from '../cases/case-service.js';
import type { Diagnostics } from './diagnostics.js';
import type { LayoutService } from './layout-service.js';

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
  /** who the peer is now: a transport that re-attaches a window (Electron's hello) keeps its sign-in */
  auth(): PeerAuth;
}

/** Who a peer is: its sign-in, and the session it holds (ended sessions end its rights). */
export interface PeerAuth {
  principal: Principal | null;
  sessionId?: string;
  /** where it connects from, for the audit */
  from?: string;
}

type Handlers = { [M in RequestMethod]: (params: Requests[M]['params'], peer: PeerState) => Requests[M]['result'] | Promise<Requests[M]['result']> };

/** Methods a peer that has not signed in may call. */
const BEFORE_SIGN_IN: ReadonlySet<RequestMethod> = new Set(['session.get', 'session.signIn', 'session.signOut']);

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
const COST: Partial<Record<RequestMethod, number>> = { 'situation.get': 10, 'reference.get': 5, 'replay.open': 10, 'replay.control': 2, 'updates.ack': 0.25, 'replay.ack': 0.25, 'case.export': 10, 'case.prepare': 10, 'case.moment': 10, 'case.verify': 2, 'diagnostics.export': 20 };

/** the error prefix the renderer explains, per problem of a diagnostics export */
const DIAGNOSTICS_PREFIX = { 403: 'forbidden', 404: 'not_found', 409: 'busy', 500: 'failed' } as const;

/** A dispatch request's optional note and action id, checked (the reducer checks the rest). */
function optionalParams(p: Record<string, unknown>): { note?: string; actionId?: string } {
  if (p.note !== undefined && (typeof p.note !== 'string' || p.note.length > 2000)) throw new Error('invalid: params.note must be a string of at most 2000 characters');
  if (p.actionId !== undefined && (typeof p.actionId !== 'string' || p.actionId.length === 0 || p.actionId.length > 128)) throw new Error('invalid: params.actionId must be a non-empty string');
  return { ...(p.note ? { note: (p.note as string).trim() } : {}), ...(p.actionId ? { actionId: p.actionId as string } : {}) };
}

export interface BridgeHubDeps {
  situation: SituationService;
  /** every operator action: roles, refusals, audit (desk.ts) */
  desk: Desk;
  auth: Auth;
  /** a citizen reporter's points */
  reporter: (id: string) => ReporterPoints;
  health: () => Health;
  reference: () => ReferencePayload;
  access: AccessLog;
  limits?: Partial<BridgeLimits>;
  healthIntervalMs?: number;
  now?: () => number;
  /** the recording and its bookmarks, for replays (null: no journal) */
  replay?: { recording: Recording; bookmarks: BookmarkStore } | null;
  /** case export and check (main/cases/case-service.ts); set by the shell that serves the media (useCases) */
  cases?: CaseService | null;
  /** the diagnostics export for support (diagnostics.ts) */
  diagnostics?: Diagnostics | null;
  /** the room's layout presets (layout-service.ts): sent after each snapshot and on every change */
  layout?: LayoutService | null;
}

interface PeerState extends PeerAuth {
  bucket: TokenBucket;
  peer: Peer;
  /** set while this connection watches a replay instead of live */
  player?: ReplayPlayer;
  /** the situation updates (live and replayed) sent and acknowledged: flow control (update-flow.ts) */
  flow: UpdateFlow;
  /** live deltas held while the page takes in what it was sent; they go out merged into one */
  held?: SituationDelta[];
  /** sends what is held once the page stops holding it up (it never acknowledged in time) */
  heldTimer?: NodeJS.Timeout;
}

/** The longest period one replay may cover. */
export const MAX_REPLAY_MS = 7 * 24 * 3_600_000;

export class BridgeHub {
  private readonly peers = new Map<Peer, PeerState>();
  private readonly unsubscribe: () => void;
  private readonly unlayout: () => void;
  private readonly healthTimer: NodeJS.Timeout;
  private readonly handlers: Handlers;
  private readonly limits: BridgeLimits;
  private readonly now: () => number;

  constructor(private readonly deps: BridgeHubDeps) {
    this.limits = { ...DEFAULT_BRIDGE_LIMITS, ...deps.limits };
    this.now = deps.now ?? Date.now;
    deps.access.maxPeers = this.limits.maxPeers;
    this.unsubscribe = deps.situation.onDelta((delta) => this.broadcastDelta(delta));
    this.healthTimer = setInterval(() => this.broadcast({ type: 'health', health: deps.health() }), deps.healthIntervalMs ?? 2000);
    const { situation } = deps;
    const casesOf = () => {
      if (!this.deps.cases) throw new Error('not_found: this wall keeps no recording, so there is nothing to export');
      return this.deps.cases;
    };
    const requireId = (params: { id?: unknown }) => {
      if (typeof params.id !== 'string' || params.id.length === 0 || params.id.length > 256) throw new Error('params.id must be a non-empty string');
      if (!situation.state.incidents.has(params.id)) throw new Error(`no incident ${params.id.slice(0, 80)}`);
      return params.id;
    };
    const { desk } = deps;
    /** runs a desk request as this peer; a refusal becomes the error the renderer explains */
    const perform = (peer: PeerState, req: DeskRequest) => {
      // what is done in a replay would be done now, on the live wall, by someone looking at the past
      if (peer.player) throw new Error('replay: no actions in a replay; leave the replay to act on the live wall');
      const r = desk.perform(peer.principal!, req, peer.from);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    const layoutOf = () => {
      if (!deps.layout) throw new Error('not_found: this wall keeps no layout presets');
      return deps.layout;
    };
    const dispatchAnswer = (a: { duplicate: boolean; dispatchId?: string; recipients?: string[] }) => ({ dispatchId: a.dispatchId ?? '', recipients: a.recipients ?? [], duplicate: a.duplicate });
    this.handlers = {
      'session.get': (_p, peer) => sessionInfo(peer.principal, deps.auth.required),
      'session.signIn': async (p, peer) => {
        const r = await deps.auth.signIn(p.name, p.password, peer.from ?? 'bridge');
        if (!r.ok) throw new Error(`unauthorized: ${r.error.message}`);
        this.setPrincipal(peer, r.value.principal, r.value.sessionId);
        return sessionInfo(peer.principal, deps.auth.required);
      },
      'session.signOut': (_p, peer) => {
        deps.auth.signOut(peer.sessionId, peer.from ?? 'bridge');
        this.setPrincipal(peer, deps.auth.anonymous, undefined);
        return sessionInfo(peer.principal, deps.auth.required);
      },
      'reporter.get': (p) => {
        if (typeof p.id !== 'string' || p.id.length === 0 || p.id.length > 128) throw new Error('invalid: params.id must be a reporter id');
        return deps.reporter(p.id);
      },
      // the first two actions, as actions with ids: shared with the other walls like any other.
      // Acknowledging what is already acknowledged (another seat was quicker) is done, not an error
      'incident.ack': (p, peer) => {
        const id = requireId(p);
        try {
          perform(peer, { op: 'act', incidentId: id, kind: 'ack' });
        } catch (e) {
          if (!/^illegal/.test((e as Error).message) || !situation.state.incidents.get(id)?.acknowledged) throw e;
        }
        return { ok: true };
      },
      'incident.close': (p, peer) => {
        const id = requireId(p);
        try {
          perform(peer, { op: 'act', incidentId: id, kind: 'resolve' });
        } catch (e) {
          if (!/^illegal/.test((e as Error).message) || situation.state.incidents.get(id)?.status !== 'closed') throw e;
        }
        return { ok: true };
      },
      'incident.act': (p, peer) => {
        const action = parseActionParams(p as Record<string, unknown>, {}, () => '');
        if (!action.ok) throw new Error(`invalid: ${action.error}`);
        const a = action.value;
        const r = perform(peer, { op: 'act', incidentId: a.incidentId, kind: a.kind, ...(a.note ? { note: a.note } : {}), ...(a.into ? { into: a.into } : {}), ...(a.id ? { actionId: a.id } : {}) });
        return { ok: true, duplicate: r.duplicate };
      },
      'dispatch.nearest': (p, peer) => {
        // in a replay: the units near the incident as they were then
        const state = peer.player?.current() ?? situation.state;
        if (typeof p.id !== 'string' || !state.incidents.has(p.id)) throw new Error(`no incident ${String(p.id).slice(0, 80)}`);
        const inc = state.incidents.get(p.id)!;
        const limit = typeof p.limit === 'number' && Number.isInteger(p.limit) ? Math.min(Math.max(p.limit, 1), 50) : DEFAULT_NEAREST.limit;
        const radiusM = typeof p.radiusM === 'number' && Number.isFinite(p.radiusM) ? Math.min(Math.max(p.radiusM, 50), 50_000) : DEFAULT_NEAREST.radiusM;
        return nearestUnits(state.unitIndex, inc.lon, inc.lat, { limit, radiusM });
      },
      'dispatch.broadcast': (p, peer) => dispatchAnswer(perform(peer, { op: 'broadcast', incidentId: requireId(p), ...optionalParams(p), ...(typeof p.radiusM === 'number' ? { radiusM: p.radiusM } : {}) })),
      'dispatch.assign': (p, peer) => {
        const unitIds = p.unitIds;
        if (!Array.isArray(unitIds) || !unitIds.every((u) => typeof u === 'string' && u.length > 0 && u.length <= 256)) throw new Error('invalid: params.unitIds must be a list of unit ids');
        return dispatchAnswer(perform(peer, { op: 'assign', incidentId: requireId(p), unitIds: unitIds as string[], ...optionalParams(p) }));
      },
      'rejects.list': () => situation.state.rejects.slice(),
      'reference.get': () => deps.reference(),
      'situation.get': (_p, peer) => {
        const replayed = peer.player?.current();
        return replayed ? snapshotOf(replayed) : situation.snapshot();
      },
      'replay.open': async (p, peer) => {
        const r = deps.replay;
        if (!r) throw new Error('not_found: no recording (the wall runs without a data folder, or with journal.enabled false)');
        const { from, to } = p;
        if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new Error('invalid: params.from and params.to are epoch ms, from before to');
        if (to - from > MAX_REPLAY_MS) throw new Error('invalid: a replay covers at most 7 days');
        if (p.at !== undefined && (typeof p.at !== 'number' || !Number.isFinite(p.at))) throw new Error('invalid: params.at is epoch ms');
        peer.player?.close();
        const { flow } = peer;
        flow.clear();
        // the replay's first snapshot says all; live deltas held for the page are moot
        this.dropHeld(peer);
        const player = new ReplayPlayer(
          r.recording,
          r.bookmarks,
          from,
          to,
          {
            snapshot: (s) => this.deliverTo(peer, { type: 'snapshot', situation: s, health: deps.health(), seq: flow.sent('snapshot') }),
            delta: (d) => this.deliverTo(peer, { type: 'delta', delta: d, seq: flow.sent('delta') }),
            player: (state) => this.deliverTo(peer, { type: 'player', player: state }),
          },
          { ready: () => flow.ready() },
        );
        peer.player = player;
        return player.open(p.at, p.speed);
      },
      'replay.control': async (p, peer) => {
        const player = peer.player;
        if (!player) throw new Error('invalid: this connection is not replaying (replay.open first)');
        switch (p.op) {
          case 'play':
            return player.play();
          case 'pause':
            return player.pause();
          case 'speed':
            return player.setSpeed(p.speed);
          case 'seek':
            if (typeof p.at !== 'number' || !Number.isFinite(p.at)) throw new Error('invalid: params.at is epoch ms');
            return player.seek(p.at);
          case 'step':
            return player.step(p.direction === -1 ? -1 : 1);
        }
        throw new Error('invalid: params.op is play, pause, seek, speed or step');
      },
      'replay.bookmark': (p, peer) => {
        const player = peer.player;
        if (!player) throw new Error('invalid: this connection is not replaying (replay.open first)');
        if (typeof p.note !== 'string' || p.note.trim().length === 0 || p.note.length > MAX_BOOKMARK_NOTE) throw new Error(`invalid: params.note is a text of 1 to ${MAX_BOOKMARK_NOTE} characters`);
        if (typeof p.at !== 'number' || !Number.isFinite(p.at)) throw new Error('invalid: params.at is epoch ms');
        return player.bookmark(p.at, p.note.trim(), peer.principal?.name);
      },
      'updates.ack': (p, peer) => this.acknowledge(p, peer),
      // its name before live updates were numbered too: a page loaded before an upgrade still says it
      'replay.ack': (p, peer) => this.acknowledge(p, peer),
      'replay.close': (_p, peer) => {
        peer.flow.clear();
        if (peer.player) {
          peer.player.close();
          delete peer.player;
          this.sendSnapshot(peer);
        }
        const live: PlayerState = { mode: 'live' };
        this.deliverTo(peer, { type: 'player', player: live });
        return live;
      },
      // not actions: an export changes nothing on the wall, so a replaying official may ask for one
      'case.export': (p, peer) => {
        if (!this.deps.cases) throw new Error('not_found: this wall keeps no recording, so there is nothing to export');
        return this.deps.cases.export(p, peer.principal!, peer.from);
      },
      'case.prepare': (p, peer) => casesOf().prepare(p, peer.principal!, peer.from),
      'case.moment': (p, peer) => casesOf().moment(p, peer.principal!),
      'case.picture': (p, peer) => casesOf().picture(p, peer.principal!),
      'case.abandon': (p, peer) => casesOf().abandon(p, peer.principal!),
      'case.verify': (p) => {
        if (!this.deps.cases) throw new Error('not_found: this wall keeps no recording, so it wrote no cases');
        return this.deps.cases.verify(p);
      },
      // commanders and dispatchers only (diagnostics.ts checks and audits)
      'diagnostics.export': async (_p, peer) => {
        if (!this.deps.diagnostics) throw new Error('not_found: this wall has no diagnostics export');
        const r = await this.deps.diagnostics.save(peer.principal!, peer.from);
        if (!r.ok) throw new Error(`${DIAGNOSTICS_PREFIX[r.error.status]}: ${r.error.error}`);
        return r.value;
      },
      'layout.get': () => layoutOf().state(),
      // roles are checked (and refusals audited) by the layout service; a replay switches nothing live
      'layout.apply': (p, peer) => {
        if (peer.player) throw new Error('replay: no actions in a replay; leave the replay to switch the layout');
        const r = layoutOf().apply(peer.principal!, (p as { preset?: unknown }).preset, peer.from);
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        return r.value;
      },
      'layout.revert': (_p, peer) => {
        if (peer.player) throw new Error('replay: no actions in a replay; leave the replay to switch the layout');
        const r = layoutOf().revert(peer.principal!, peer.from);
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        return r.value;
      },
    };
    this.unlayout = deps.layout?.onChange((layout) => this.broadcast({ type: 'layout', layout })) ?? (() => {});
  }

  /** Case export over the bridge, once the shell knows where its media are (the report inlines photos). */
  useCases(cases: CaseService | null): void {
    this.deps.cases = cases;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Whether one more peer may attach; transports ask before they accept a connection. */
  hasRoom(): boolean {
    return this.peers.size < this.limits.maxPeers;
  }

  /**
   * Attaches a peer: it is told who it is signed in as, then (when it may see the situation) gets
   * a snapshot. Null (counted) when the hub is full. `acknowledges`: it acknowledges what it takes
   * in (the wall's pages do), so flow control holds its live deltas from the start, not only from
   * its first acknowledgement.
   */
  attach(peer: Peer, auth: PeerAuth = { principal: this.deps.auth.anonymous }, opts: { acknowledges?: boolean } = {}): PeerHandle | null {
    if (!this.hasRoom()) {
      this.deps.access.refuse('peers', `bridge full: ${this.limits.maxPeers} clients (web.maxClients)`);
      return null;
    }
    const state: PeerState = { ...auth, bucket: new TokenBucket(this.limits.requestsPerSecond, this.limits.requestBurst, this.now), peer, flow: new UpdateFlow(this.now) };
    // a page that says it acknowledges has its updates held from its first snapshot on: a slow one
    // taking in a city's snapshot must not be sent every delta meanwhile
    if (opts.acknowledges) state.flow.acknowledging = true;
    this.peers.set(peer, state);
    this.deps.access.peers = this.peers.size;
    this.sendSession(state);
    if (state.principal) this.sendSnapshot(state);
    return {
      receive: (raw) => this.handle(peer, raw),
      detach: () => this.remove(peer),
      auth: () => ({ principal: state.principal, ...(state.sessionId ? { sessionId: state.sessionId } : {}), ...(state.from ? { from: state.from } : {}) }),
    };
  }

  /** A session ended elsewhere (signed out over HTTP, expired): its peers lose its rights at once. */
  endSession(sessionId: string): void {
    for (const state of this.peers.values()) if (state.sessionId === sessionId) this.setPrincipal(state, this.deps.auth.anonymous, undefined);
  }

  private setPrincipal(state: PeerState, principal: Principal | null, sessionId: string | undefined): void {
    const couldSee = state.principal !== null;
    state.principal = principal;
    state.sessionId = sessionId;
    this.sendSession(state);
    // a page that could not see the situation before gets it now
    if (principal && !couldSee) this.sendSnapshot(state);
  }

  private sendSession(state: PeerState): void {
    const m: ServerMessage = { type: 'session', session: sessionInfo(state.principal, this.deps.auth.required) };
    state.peer.deliver(m, () => JSON.stringify(m));
  }

  private sendSnapshot(state: PeerState): void {
    // the snapshot says everything: what was sent or held before it holds nothing up
    state.flow.clear();
    this.dropHeld(state);
    const snapshot: ServerMessage = { type: 'snapshot', situation: this.deps.situation.snapshot(), health: this.deps.health(), seq: state.flow.sent('snapshot') };
    state.peer.deliver(snapshot, () => JSON.stringify(snapshot));
    // which roles a `/?screen=` page takes comes with what it shows
    if (this.deps.layout) {
      const layout: ServerMessage = { type: 'layout', layout: this.deps.layout.state() };
      state.peer.deliver(layout, () => JSON.stringify(layout));
    }
  }

  /** A message for one peer (a replay's), unless it went away or stopped reading. */
  private deliverTo(state: PeerState, message: ServerMessage): void {
    if (this.peers.get(state.peer) !== state) return;
    this.reply(state.peer, message);
  }

  private remove(peer: Peer): void {
    const state = this.peers.get(peer);
    state?.player?.close();
    if (state) this.dropHeld(state);
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
    // a session that ended (signed out elsewhere, idle too long) takes its rights with it
    if (state.sessionId && !this.deps.auth.session(state.sessionId)) this.setPrincipal(state, this.deps.auth.anonymous, undefined);
    if (!state.principal && !BEFORE_SIGN_IN.has(msg.method)) {
      this.reply(peer, { type: 'response', id: msg.id, ok: false, error: 'unauthorized: sign in first' });
      return;
    }
    let result: unknown;
    try {
      result = (this.handlers[msg.method] as (p: unknown, s: PeerState) => unknown)(msg.params, state);
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

  private acknowledge(p: { seq?: unknown }, peer: PeerState): { ok: true } {
    if (typeof p.seq !== 'number' || !Number.isSafeInteger(p.seq) || p.seq < 0) throw new Error('invalid: params.seq is the number of an update taken in');
    // one that comes after a replay closed (or a snapshot replaced what it acknowledges) is late, not wrong
    peer.flow.ack(p.seq);
    if (peer.held && peer.flow.ready()) this.sendHeld(peer);
    return { ok: true };
  }

  /**
   * A live delta, to every page that watches live. Serialised once; each page's number is added to
   * the text. A page that acknowledges and has not taken in what it was sent gets it later, merged
   * with what follows (update-flow.ts).
   */
  private broadcastDelta(delta: SituationDelta): void {
    let encoded: string | undefined;
    const encode = () => (encoded ??= JSON.stringify({ type: 'delta', delta } satisfies ServerMessage));
    for (const [peer, state] of [...this.peers]) {
      if (!state.principal || state.player) continue;
      if (state.flow.acknowledging && (state.held || !state.flow.ready())) {
        (state.held ??= []).push(delta);
        if (state.held.length > 1 && state.flow.ready()) this.sendHeld(state);
        else this.armHeld(state);
        continue;
      }
      if (this.dropIfCongested(peer)) continue;
      const seq = state.flow.sent('delta');
      peer.deliver({ type: 'delta', delta, seq }, () => `${encode().slice(0, -1)},"seq":${seq}}`);
    }
  }

  /** What was held for the page, as one delta. */
  private sendHeld(state: PeerState): void {
    const held = state.held;
    this.dropHeld(state);
    if (!held || this.peers.get(state.peer) !== state || state.player || this.dropIfCongested(state.peer)) return;
    const message: ServerMessage = { type: 'delta', delta: mergeDeltas(held, this.deps.situation.state.options.trailLength), seq: state.flow.sent('delta') };
    state.peer.deliver(message, () => JSON.stringify(message));
  }

  /** Sends what is held when the page stops holding it up (its ack did not come in time). */
  private armHeld(state: PeerState): void {
    if (state.heldTimer) return;
    state.heldTimer = setTimeout(() => {
      state.heldTimer = undefined;
      if (!state.held) return;
      if (state.flow.ready()) this.sendHeld(state);
      else this.armHeld(state);
    }, Math.max(10, state.flow.waitLeft()));
    state.heldTimer.unref?.();
  }

  private dropHeld(state: PeerState): void {
    state.held = undefined;
    if (state.heldTimer) clearTimeout(state.heldTimer);
    state.heldTimer = undefined;
  }

  private broadcast(message: ServerMessage): void {
    let encoded: string | undefined;
    const encode = () => (encoded ??= JSON.stringify(message));
    for (const [peer, state] of [...this.peers]) {
      // a page nobody signed in to sees nothing of the situation
      if (!state.principal) continue;
      if (!this.dropIfCongested(peer)) peer.deliver(message, encode);
    }
  }

  close(): void {
    this.unsubscribe();
    this.unlayout();
    clearInterval(this.healthTimer);
    for (const [p, st] of this.peers) {
      st.player?.close();
      this.dropHeld(st);
      p.close('shutting down');
    }
    this.peers.clear();
    this.deps.access.peers = 0;
  }
}

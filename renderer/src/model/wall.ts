// The wall's model: everything a wall page holds, and one reducer over everything that can happen
// to it — what the services push over the bridge (snapshot, delta, health), the transport's state,
// the reference data, and the operator's own actions. Framework-free: zustand wraps it
// (store.ts), React and deck.gl read from it, nothing else writes to it.
//
// Like the core's situation reducer, it keeps two mutable containers for speed (the unit table
// with its binary columns, the incident log) and says so with version numbers; every other field
// is replaced, never mutated, so a selector sees a change by identity. Time comes in with each
// action (`at`): the reducer never reads a clock.
import type { SessionInfo } from '../../../core/auth/principal';
import type { Health, ReferencePayload, RendererMemory, ServerMessage } from '../../../core/contract';
import type { LayoutState } from '../../../core/display';
import { type PlayerState, replaySpeed } from '../../../core/player';
import { GRID_FILLS, GridMeasures, type GridFill } from './grids';
import type { BoardHold } from './board';
import { MUTE_MS } from './cues';
import { HISTORY_KEEP_MS, IncidentLog } from './history';
import { isCutOff, liveness, type Liveness, sameLiveness, silentAfterMs } from './liveness';
import { inReplay, playerHeardAt, type ReplayWish, wallClock } from './replay';
import { actionTookEffect, applyDelta, applySnapshot, emptySituation, type IncidentAction, NEW_FRESH_MS, type SituationData } from './situation';
import { UnitTable } from './units';
import { initialVideo, reduceVideo, type VideoAction, type VideoUiState } from './video';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export const LAYER_KEYS = ['incidents', 'units', 'trails', 'kiosks', 'cameras'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];

export interface LayerToggles {
  incidents: boolean;
  units: boolean;
  trails: boolean;
  kiosks: boolean;
  cameras: boolean;
  offlineUnits: boolean;
  grids: boolean;
}

export const DEFAULT_LAYERS: LayerToggles = {
  incidents: true,
  units: true,
  trails: true,
  kiosks: true,
  cameras: false,
  offlineUnits: false,
  grids: true,
};

export interface FlyRequest {
  lon: number;
  lat: number;
  /** bumps on each request so the same place can be flown to twice */
  seq: number;
  /** zoom to fly to (default: at least 14.5) */
  zoom?: number;
  /** [minLon, minLat, maxLon, maxLat]: fit the map to an area instead */
  bounds?: [number, number, number, number];
}

/** Something found by search, outlined on the map until cleared. */
export interface Highlight {
  kind: 'incident' | 'unit' | 'kiosk' | 'place' | 'grid';
  id: string;
  lon: number;
  lat: number;
}

export type PushMessage = Exclude<ServerMessage, { type: 'response' }>;

export interface WallModel extends SituationData {
  connection: ConnectionState;
  /** local time the link last opened, and last stopped being open (null while open) */
  linkOpenedAt: number | null;
  linkLostAt: number | null;
  /** the link was dropped by the page for going silent (a hung server), not closed by the other end */
  linkLostSilently: boolean;
  /** local time the bridge last delivered anything */
  lastHeardAt: number | null;
  /** the services' clock minus the page's, from the last health: their times onto the page's clock */
  clockOffsetMs: number;
  /** whether what the wall shows is live, as of the last tick or change of link (liveness.ts) */
  liveness: Liveness;
  health: Health | null;
  /** who this page is signed in as (null until the services say); `me: null` shows the sign-in */
  session: SessionInfo | null;
  reference: ReferencePayload | null;
  referenceError: string | null;
  units: UnitTable;
  /** bumps when the unit table changed */
  unitsVersion: number;
  /** local time this page loaded */
  pageLoadedAt: number;
  /** local time the operator last touched the wall (key, click, wheel): what came after is "new" */
  lookedAt: number;
  /** an arrival this recent is new even to an operator who just touched the wall (NEW_FRESH_MS; ?newFreshMs=) */
  newFreshMs: number;
  snapshots: number;
  /** incidents seen in the last day (snapshots and deltas), for the 24 h measure */
  history: IncidentLog;
  historyVersion: number;
  /** the minute the history was last pruned in */
  historyPrunedMinute: number;
  webgl: 'pending' | 'ok' | 'unavailable';
  // ---- the operator's ----
  selectedId: string | null;
  layers: LayerToggles;
  rejectsOpen: boolean;
  /** the layers and legend panel, open or collapsed to its title */
  layerPanelOpen: boolean;
  /** closes asked for and still in their undo window: incident id → when the close is sent */
  closing: Readonly<Record<string, number>>;
  /** sounds held back until then (local time), null while the wall may sound */
  mutedUntil: number | null;
  /** how long a mute lasts (MUTE_MS; ?muteMs=) */
  muteMs: number;
  /** the board's order held still after a click on a row's button (board.ts applyHold) */
  boardHold: BoardHold | null;
  flyTo: FlyRequest | null;
  /** last failed request, for the status line, and when (it expires: ERROR_SHOWN_MS) */
  lastError: string | null;
  lastErrorAt: number;
  /** the action the error is about: it is withdrawn if the action shows up as done after all */
  lastErrorAbout: { method: IncidentAction; id: string } | null;
  /** what fills the grids */
  gridFill: GridFill;
  /** grid clicked on the map: its figures are shown in a panel */
  selectedGridId: string | null;
  highlight: Highlight | null;
  /** the map's zoom, as the map last reported it: which grid level is filled and counted */
  zoom: number | null;
  video: VideoUiState;
  // ---- live or replay (core/player.ts, model/replay.ts) ----
  /** what the services said this connection watches: live, or a replay and its clock */
  player: PlayerState;
  /**
   * Date.now() when `player` arrived (the message's receipt, not when a subscriber got to it): a
   * replay's clock runs from here, so a tile held to it is not behind by a busy moment × speed
   */
  playerHeardAt: number;
  /** the replay this page asked for (`?replay=`), kept at the player's clock and speed; null: live */
  replay: ReplayWish | null;
  /** `?replay=` that does not parse: said on the wall, which stays live */
  replayParamError: string | null;
  /** why the replay could not be opened or moved (the services' words), until it works again */
  replayError: string | null;
  /** a replayed situation arrived since the replay opened: until then what the wall holds is not the replay's */
  replaySituation: boolean;
  /** the services' layout presets and which holds (core/display.ts): what a `?screen=` page shows (model/display.ts); null until they send one */
  layout: LayoutState | null;
  /** the page's renderer process as its shell measured it last (the Electron shell only; null in a web shell): the memory watchdog's second figure */
  rendererMemory: RendererMemory | null;
  /** counts per grid measure, kept per model (derived: see selectors.ts) */
  readonly measures: GridMeasures;
}

export type WallAction =
  | { type: 'server'; message: PushMessage; at: number }
  | { type: 'connection'; state: ConnectionState; at: number }
  /**
   * the clock: a page cut off from the services ages what it holds by itself. `frozenMs`: how much
   * later than due this tick came — the page's own thread was busy (a huge snapshot, a long
   * frame), so whatever the link brought meanwhile is still waiting to be read
   */
  | { type: 'tick'; at: number; frozenMs?: number }
  /** the operator touched the wall (a key, a click, a wheel) */
  | { type: 'looked'; at: number }
  /** back to the whole city: the configured view */
  | { type: 'overview' }
  | { type: 'layerPanel'; open: boolean }
  /** 办结 pressed: sent at `due` unless undone before */
  | { type: 'closePending'; id: string; due: number }
  | { type: 'closeUndo'; id: string }
  /** the undo window ended: the close goes to the services */
  | { type: 'closeSent'; id: string }
  | { type: 'holdBoard'; hold: BoardHold | null }
  /** mute the wall's sounds from `at` for muteMs, or (at: null) sound again */
  | { type: 'mute'; at: number | null }
  | { type: 'reference'; reference: ReferencePayload | null; error?: string | null }
  | { type: 'webgl'; state: 'ok' | 'unavailable' }
  | { type: 'select'; id: string | null }
  | { type: 'flyToIncident'; id: string }
  | { type: 'flyToPlace'; place: Omit<FlyRequest, 'seq'> }
  | { type: 'toggleLayer'; key: keyof LayerToggles }
  | { type: 'rejectsOpen'; open: boolean }
  | { type: 'error'; message: string | null; at: number; about?: { method: IncidentAction; id: string } }
  | { type: 'gridFill'; fill: GridFill }
  | { type: 'cycleGridFill' }
  | { type: 'selectGrid'; id: string | null }
  | { type: 'highlight'; highlight: Highlight | null }
  | { type: 'view'; zoom: number }
  /** a search result chosen: select or ring it, and fly there */
  | { type: 'searchChoice'; choice: SearchChoice }
  /** the page asks to watch a recorded period (null: back to live) */
  | { type: 'replayWanted'; wish: { from: number; to: number; at?: number; speed?: number } | null; at: number }
  /** `?replay=` did not parse */
  | { type: 'replayParamInvalid'; value: string }
  /** a replay request's answer: the player's state, or why it failed (null clears) */
  | { type: 'player'; player: PlayerState; at: number }
  | { type: 'replayError'; error: string | null }
  /** the services' layout state (a `layout` message; null forgets it) */
  | { type: 'layout'; layout: LayoutState | null }
  | VideoAction;

export interface SearchChoice {
  kind: Highlight['kind'];
  id: string;
  lon: number;
  lat: number;
  /** areas: fit the map to these */
  bounds?: [number, number, number, number];
}

export function initialModel(pageLoadedAt: number, opts: { newFreshMs?: number; muteMs?: number } = {}): WallModel {
  return {
    ...emptySituation(),
    connection: 'connecting',
    linkOpenedAt: null,
    linkLostAt: null,
    linkLostSilently: false,
    lastHeardAt: null,
    clockOffsetMs: 0,
    liveness: { live: true },
    health: null,
    session: null,
    reference: null,
    referenceError: null,
    units: new UnitTable({ showOffline: DEFAULT_LAYERS.offlineUnits }),
    unitsVersion: 0,
    pageLoadedAt,
    lookedAt: pageLoadedAt,
    newFreshMs: opts.newFreshMs ?? NEW_FRESH_MS,
    snapshots: 0,
    history: new IncidentLog(),
    historyVersion: 0,
    historyPrunedMinute: 0,
    webgl: 'pending',
    selectedId: null,
    layers: { ...DEFAULT_LAYERS },
    rejectsOpen: false,
    layerPanelOpen: true,
    closing: {},
    mutedUntil: null,
    muteMs: opts.muteMs ?? MUTE_MS,
    boardHold: null,
    flyTo: null,
    lastError: null,
    lastErrorAt: 0,
    lastErrorAbout: null,
    gridFill: 'open',
    selectedGridId: null,
    highlight: null,
    zoom: null,
    video: initialVideo(),
    player: { mode: 'live' },
    playerHeardAt: 0,
    replay: null,
    replayParamError: null,
    replayError: null,
    replaySituation: false,
    layout: null,
    rendererMemory: null,
    measures: new GridMeasures(),
  };
}

function receive(m: WallModel, message: PushMessage, at: number): WallModel {
  switch (message.type) {
    case 'snapshot': {
      const data = applySnapshot(message.situation, m.units);
      // a replay's snapshot that goes back in time (a seek back, the replay opening) starts its day
      // log again; one that goes on (a seek ahead, playing fast from snapshot to snapshot) adds to it
      if (inReplay(m) && message.situation.now < m.now) m.history.prune(Number.POSITIVE_INFINITY);
      m.history.record(message.situation.incidents);
      return {
        ...m,
        ...data,
        replaySituation: m.player.mode === 'replay',
        lastHeardAt: at,
        health: message.health,
        clockOffsetMs: clockOffset(message.health, at, m.clockOffsetMs),
        unitsVersion: m.units.version,
        snapshots: m.snapshots + 1,
        historyVersion: m.history.version,
      };
    }
    case 'delta': {
      const data = applyDelta(m, message.delta, m.units);
      if (message.delta.incidents.length) m.history.record(message.delta.incidents);
      // forget what fell out of the day, once a minute (of the replay clock, in a replay)
      const clock = wallClock(m, at);
      const minute = Math.floor(clock / 60_000);
      if (minute !== m.historyPrunedMinute) m.history.prune(clock - HISTORY_KEEP_MS);
      const next = { ...m, ...data, lastHeardAt: at, unitsVersion: m.units.version, historyVersion: m.history.version, historyPrunedMinute: minute };
      const about = m.lastErrorAbout;
      return about && actionTookEffect(about.method, next.incidents.get(about.id)) ? { ...next, lastError: null, lastErrorAbout: null } : next;
    }
    case 'health':
      return { ...m, health: message.health, lastHeardAt: at, clockOffsetMs: clockOffset(message.health, at, m.clockOffsetMs) };
    case 'session':
      // nobody signed in any more (signed out, the session ended): the page lets go of what it
      // held, so nothing of the situation stays behind the sign-in form; a sign-in brings a snapshot
      return message.session.me ? { ...m, session: message.session } : forgetSituation({ ...m, session: message.session });
    case 'player':
      return withPlayer(m, message.player, at);
    case 'layout':
      return reduce(m, { type: 'layout', layout: message.layout });
    case 'memory':
      return { ...m, rendererMemory: message.memory };
  }
}

/** The situation's day log starts again from what the wall holds: live and replayed incidents never mix. */
function restartHistory(m: WallModel): WallModel {
  m.history.prune(Number.POSITIVE_INFINITY);
  m.history.record(m.incidents.values());
  return { ...m, historyVersion: m.history.version };
}

/**
 * The player's state, from a `player` message or a replay request's answer. A replay's clock and
 * speed are kept as the page's wish, so a reconnect opens it again there. Between live and replay,
 * what belonged to the other goes: the day log, closes waiting in their undo window, the board's hold.
 */
function withPlayer(m: WallModel, player: PlayerState, at: number): WallModel {
  const changed = player.mode !== m.player.mode;
  let next: WallModel = { ...m, player, playerHeardAt: playerHeardAt(m.player, m.playerHeardAt, player, at) };
  if (player.mode === 'replay') next.replay = { from: player.from, to: player.to, at: player.at, speed: replaySpeed(player.speed), playing: player.playing };
  // the services send the replay's state before its first snapshot: what the wall holds until then is not the replay
  if (changed) next = restartHistory({ ...next, closing: {}, boardHold: null, replaySituation: false, ...(player.mode === 'replay' ? { replayError: null } : {}) });
  return next;
}

/** The model without the situation: what a page that nobody is signed in to may hold. */
function forgetSituation(m: WallModel): WallModel {
  m.units.clear();
  m.history.prune(Number.POSITIVE_INFINITY);
  return {
    ...m,
    ...emptySituation(),
    unitsVersion: m.units.version,
    historyVersion: m.history.version,
    selectedId: null,
    selectedGridId: null,
    highlight: null,
    closing: {},
    boardHold: null,
    lastError: null,
    lastErrorAbout: null,
    video: initialVideo(),
  };
}

const clockOffset = (h: Health, receivedAt: number, before: number): number => (typeof h.at === 'number' && Number.isFinite(h.at) ? h.at - receivedAt : before);

function connectionChanged(m: WallModel, state: ConnectionState, at: number): WallModel {
  if (state === m.connection) return m;
  if (state === 'open') return { ...m, connection: state, linkOpenedAt: at, linkLostAt: null, linkLostSilently: false };
  if (m.connection !== 'open') return { ...m, connection: state };
  // a link dropped after going silent was lost when it went silent
  const heardAt = Math.max(m.lastHeardAt ?? 0, m.linkOpenedAt ?? 0);
  const silently = at - heardAt > silentAfterMs(m.health?.heartbeatMs);
  const lost = { ...m, connection: state, linkLostAt: silently ? heardAt : at, linkLostSilently: silently };
  // a replay belongs to its connection: the next one starts live (until the page opens it again)
  return m.player.mode === 'replay' ? withPlayer(lost, { mode: 'live' }, at) : lost;
}

/** The model with its liveness as of `at`: replaced only when it changed, so selectors stay still. */
function withLiveness(m: WallModel, at: number): WallModel {
  const l = liveness(m, at);
  return sameLiveness(l, m.liveness) ? m : { ...m, liveness: l };
}

/** A failed action is reported this long, then the status line clears. */
export const ERROR_SHOWN_MS = 20_000;

/**
 * Silence is counted in the page's running time: while its own thread was busy it could not hear
 * the heartbeats waiting behind it, and dropping the link then (the services were fine) would only
 * bring another snapshot to chew on — a slow wall PC looping on reconnects. The time the page was
 * frozen moves its last hearing on by as much; a link that is really silent is still found once
 * the page has run for the usual three heartbeats without a word.
 */
function excuseFrozen(m: WallModel, frozenMs: number, at: number): WallModel {
  if (!(frozenMs > 0) || m.connection !== 'open') return m;
  const heardAt = Math.max(m.lastHeardAt ?? 0, m.linkOpenedAt ?? 0);
  return { ...m, lastHeardAt: Math.min(at, heardAt + frozenMs) };
}

/**
 * The clock's work: liveness, an old error message let go, and a page cut off from the services
 * dimming the units it holds as they go stale, as the services would.
 */
function tick(m: WallModel, at: number): WallModel {
  let next = withLiveness(m, at);
  if (next.lastError && at - next.lastErrorAt > ERROR_SHOWN_MS) next = { ...next, lastError: null };
  // a mute ends by itself: nobody has to remember to sound the wall again
  if (next.mutedUntil !== null && at >= next.mutedUntil) next = { ...next, mutedUntil: null };
  if (!isCutOff(next.liveness)) return next;
  // the services' clock, or the replay's: a replayed unit is stale by the time it is shown at
  const servicesNow = inReplay(next) ? wallClock(next, at) : at + next.clockOffsetMs;
  const changed = next.units.markStaleBefore(servicesNow - next.limits.staleAfterMs);
  return changed ? { ...next, unitsVersion: next.units.version } : next;
}

function chooseSearchResult(m: WallModel, r: SearchChoice): WallModel {
  const seq = (m.flyTo?.seq ?? 0) + 1;
  switch (r.kind) {
    case 'incident': {
      const inc = m.incidents.get(r.id);
      return { ...m, highlight: null, selectedGridId: null, selectedId: r.id, flyTo: inc ? { lon: inc.lon, lat: inc.lat, seq } : m.flyTo };
    }
    case 'grid':
      return { ...m, highlight: { kind: 'grid', id: r.id, lon: r.lon, lat: r.lat }, selectedGridId: r.id, selectedId: null, flyTo: { lon: r.lon, lat: r.lat, bounds: r.bounds, seq } };
    default:
      return { ...m, highlight: { kind: r.kind, id: r.id, lon: r.lon, lat: r.lat }, flyTo: { lon: r.lon, lat: r.lat, zoom: 15.5, seq } };
  }
}

export function reduce<M extends WallModel>(m: M, a: WallAction): M;
export function reduce(m: WallModel, a: WallAction): WallModel {
  switch (a.type) {
    case 'server': {
      const next = receive(m, a.message, a.at);
      // deltas come twenty times a second: their liveness waits for the next tick
      return a.message.type === 'delta' ? next : withLiveness(next, a.at);
    }
    case 'connection':
      return withLiveness(connectionChanged(m, a.state, a.at), a.at);
    case 'tick':
      return tick(excuseFrozen(m, a.frozenMs ?? 0, a.at), a.at);
    case 'looked':
      return a.at > m.lookedAt ? { ...m, lookedAt: a.at } : m;
    case 'closePending':
      return { ...m, closing: { ...m.closing, [a.id]: a.due } };
    case 'closeUndo':
    case 'closeSent': {
      if (!(a.id in m.closing)) return m;
      const { [a.id]: _gone, ...closing } = m.closing;
      return { ...m, closing };
    }
    case 'holdBoard':
      return { ...m, boardHold: a.hold };
    case 'mute':
      return { ...m, mutedUntil: a.at === null ? null : a.at + m.muteMs };
    case 'layerPanel':
      return a.open === m.layerPanelOpen ? m : { ...m, layerPanelOpen: a.open };
    case 'overview': {
      const v = m.reference?.view;
      return v ? { ...m, flyTo: { lon: v.lon, lat: v.lat, zoom: v.zoom, seq: (m.flyTo?.seq ?? 0) + 1 } } : m;
    }
    case 'reference':
      return { ...m, reference: a.reference, referenceError: a.error ?? null };
    case 'webgl':
      return { ...m, webgl: a.state };
    // one detail panel at a time: an incident's or a grid's
    case 'select':
      return { ...m, selectedId: a.id, selectedGridId: a.id ? null : m.selectedGridId };
    case 'flyToIncident': {
      const inc = m.incidents.get(a.id);
      if (!inc) return m;
      return { ...m, selectedId: a.id, selectedGridId: null, flyTo: { lon: inc.lon, lat: inc.lat, seq: (m.flyTo?.seq ?? 0) + 1 } };
    }
    case 'flyToPlace':
      return { ...m, flyTo: { ...a.place, seq: (m.flyTo?.seq ?? 0) + 1 } };
    case 'toggleLayer': {
      const layers = { ...m.layers, [a.key]: !m.layers[a.key] };
      if (a.key !== 'offlineUnits') return { ...m, layers };
      m.units.setStyle({ showOffline: layers.offlineUnits });
      return { ...m, layers, unitsVersion: m.units.version };
    }
    case 'rejectsOpen':
      return { ...m, rejectsOpen: a.open };
    case 'error':
      return { ...m, lastError: a.message, lastErrorAt: a.at, lastErrorAbout: a.about ?? null };
    case 'gridFill':
      return { ...m, gridFill: a.fill };
    case 'cycleGridFill':
      return { ...m, gridFill: GRID_FILLS[(GRID_FILLS.indexOf(m.gridFill) + 1) % GRID_FILLS.length] };
    case 'selectGrid':
      return { ...m, selectedGridId: a.id, selectedId: a.id ? null : m.selectedId };
    case 'highlight':
      return { ...m, highlight: a.highlight };
    case 'view':
      return a.zoom === m.zoom ? m : { ...m, zoom: a.zoom };
    case 'searchChoice':
      return chooseSearchResult(m, a.choice);
    case 'replayWanted': {
      if (!a.wish) return m.replay || m.replayError ? withLiveness({ ...m, replay: null, replayError: null }, a.at) : m;
      const { from, to } = a.wish;
      const clock = Math.min(to, Math.max(from, a.wish.at ?? from));
      // a replay page opens with the layer panel folded to its title: the timeline takes the
      // bottom of the wall, and the open panel covered about half of the map left above it
      // (a click or Tab away); a wish renewed within the replay leaves it as the official set it
      const layerPanelOpen = m.replay ? m.layerPanelOpen : false;
      return withLiveness({ ...m, replay: { from, to, at: clock, speed: replaySpeed(a.wish.speed ?? 1), playing: false }, layerPanelOpen, replayParamError: null, replayError: null }, a.at);
    }
    case 'replayParamInvalid':
      return { ...m, replayParamError: a.value };
    case 'player':
      return withLiveness(withPlayer(m, a.player, a.at), a.at);
    case 'replayError':
      return a.error === m.replayError ? m : { ...m, replayError: a.error };
    case 'layout':
      return a.layout === m.layout ? m : { ...m, layout: a.layout };
    default: {
      const video = reduceVideo(m.video, a);
      return video === m.video ? m : { ...m, video };
    }
  }
}

// Keyboard shortcuts for the operator's desk (documented in docs/wall.md): the whole dispatch flow
// can be run from the keys alone — N to the newest alarm, A acknowledge, B call the volunteers
// nearby, D dispatched, S on scene, C resolve (U undoes), V / X judge a clue — besides moving
// about (J/K, Enter, /, O), the layers and the panels. Keys that act do nothing but say "只读" on a
// read-only wall; the services would refuse them anyway. In a replay (docs/replay.md) Space plays
// or pauses, ← / → step between incidents, + / − change the speed and Q goes back to live; the keys
// that act say "回放中" instead (Esc and L keep their jobs: closing panels, the language). P opens
// the room menu (layout presets, diagnostics).
import type { Incident } from '../../../core/domain';
import { i18n, toggleLanguage } from '../i18n';
import { inReplay, stepSpeed } from '../model/replay';
import { boardRows, nextWaiting, stepSelection } from '../model/situation';
import { LAYER_KEYS } from '../model/wall';
import type { WallRuntime } from './context';
import { leaveReplay, replayControl } from '../state/replay-session';
import { broadcastNearby, incidentAction, lifecycleAction, requestClose, sayReadOnly } from './incident-actions';
import { mayAct } from './session';

/** What a key does to the selected incident. */
export type KeyAct = 'ack' | 'broadcast' | 'dispatch' | 'on_scene' | 'close' | 'verify' | 'reject';

export type ShortcutAction =
  | { type: 'step'; step: 1 | -1 }
  | { type: 'newest' }
  | { type: 'fly' }
  | { type: 'act'; act: KeyAct }
  | { type: 'undo' }
  | { type: 'rejects' }
  | { type: 'language' }
  | { type: 'layer'; index: number }
  | { type: 'search' }
  | { type: 'measure' }
  | { type: 'overview' }
  | { type: 'help' }
  | { type: 'room' }
  | { type: 'escape' }
  | { type: 'replay'; op: ReplayKey };

/** What a key does in a replay. */
export type ReplayKey = 'playPause' | 'prev' | 'next' | 'faster' | 'slower' | 'leave';

/** The replay's keys (only while the wall replays; on a live wall they are the browser's). */
const REPLAY_KEYS: Readonly<Record<string, ReplayKey>> = { ' ': 'playPause', ArrowLeft: 'prev', ArrowRight: 'next', '+': 'faster', '=': 'faster', '-': 'slower', '_': 'slower', q: 'leave', Q: 'leave' };

const ACT_KEYS: Readonly<Record<string, KeyAct>> = { a: 'ack', b: 'broadcast', d: 'dispatch', s: 'on_scene', c: 'close', v: 'verify', x: 'reject' };

/** Maps a key to an action; null for keys the wall does not use (the replay's keys only while `replaying`). */
export function shortcutFor(key: string, mods: { ctrl: boolean; alt: boolean; meta: boolean }, replaying = false): ShortcutAction | null {
  if (mods.ctrl || mods.alt || mods.meta) return null;
  if (replaying && key in REPLAY_KEYS) return { type: 'replay', op: REPLAY_KEYS[key] };
  const act = key.length === 1 ? ACT_KEYS[key.toLowerCase()] : undefined;
  if (act) return { type: 'act', act };
  switch (key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { type: 'step', step: 1 };
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { type: 'step', step: -1 };
    case 'n':
    case 'N':
      return { type: 'newest' };
    case 'Enter':
      return { type: 'fly' };
    case 'u':
    case 'U':
      return { type: 'undo' };
    case 'r':
    case 'R':
      return { type: 'rejects' };
    case 'l':
    case 'L':
      return { type: 'language' };
    case '/':
      return { type: 'search' };
    case 'm':
    case 'M':
      return { type: 'measure' };
    case 'o':
    case 'O':
    case 'Home':
      return { type: 'overview' };
    case '?':
      return { type: 'help' };
    case 'Escape':
      return { type: 'escape' };
    case 'p':
    case 'P':
      return { type: 'room' };
  }
  if (/^[1-5]$/.test(key)) return { type: 'layer', index: Number(key) - 1 };
  return null;
}

/**
 * Whether a key belongs to the element that has the focus rather than to the wall: everything typed
 * into a text field or a list box, and Enter or Space on a button or link (which press it).
 */
export function leaveToElement(el: { tagName: string; isContentEditable?: boolean } | null, key: string): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  return (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') && (key === 'Enter' || key === ' ');
}

/** The open incident that arrived last (the newest alarm), whatever its place on the board. */
export function newestOpen(incidents: Iterable<Incident>): string | null {
  let best: Incident | null = null;
  for (const inc of incidents) {
    if (inc.status !== 'open') continue;
    if (!best || inc.firstSeen > best.firstSeen || (inc.firstSeen === best.firstSeen && inc.id > best.id)) best = inc;
  }
  return best?.id ?? null;
}

/** What a key that acts is called in the status line ("只读：不能签收"). */
export const ACT_LABEL: Readonly<Record<KeyAct, string>> = {
  ack: 'actions.ack',
  broadcast: 'dispatchUi.broadcastAction',
  dispatch: 'actions.dispatch',
  on_scene: 'actions.on_scene',
  close: 'actions.resolve',
  verify: 'actions.verify_clue',
  reject: 'actions.reject_clue',
};

const tr = (key: string, o?: Record<string, unknown>): string => (i18n.t as (k: string, o?: Record<string, unknown>) => string)(key, o);

/** A key that acts, on the selected incident. */
function act(runtime: WallRuntime, what: KeyAct, target: Document): void {
  const s = runtime.store.getState();
  const id = s.selectedId;
  if (!id) return;
  if (inReplay(s)) return sayReadOnly(runtime, tr(ACT_LABEL[what]), true);
  if (!mayAct(s.session)) return sayReadOnly(runtime, tr(ACT_LABEL[what]));
  const inc = s.incidents.get(id);
  switch (what) {
    case 'ack': {
      // the acknowledged row moves down among the acknowledged: the selection goes on to the
      // next row still waiting, so the next J or A acts where the operator expects
      const rows = boardRows(s.incidents, s.lookedAt, Date.now(), s.newFreshMs);
      const next = nextWaiting(rows, id);
      void incidentAction(runtime, 'incident.ack', id);
      if (next) s.dispatch({ type: 'select', id: next });
      return;
    }
    case 'broadcast':
      void broadcastNearby(runtime, id);
      return;
    case 'dispatch':
    case 'on_scene':
      void lifecycleAction(runtime, id, what);
      return;
    case 'close':
      if (inc?.status === 'open' && !(id in s.closing)) requestClose(runtime, id);
      return;
    case 'verify':
      if (inc?.clue?.state !== 'pending') return void s.dispatch({ type: 'error', message: tr(inc?.clue ? 'errors.clueDone' : 'errors.notClue', { state: tr(`clue.state.${inc?.clue?.state}`) }), at: Date.now() });
      void lifecycleAction(runtime, id, 'verify_clue');
      return;
    case 'reject': {
      // the reason is typed in the panel: open its field (focused there)
      const button = target.querySelector<HTMLButtonElement>(`[data-testid="incident-panel"][data-incident-id="${CSS.escape(id)}"] [data-testid="clue-reject"]`);
      if (button) button.click();
      else s.dispatch({ type: 'error', message: tr(inc?.clue && inc.clue.state !== 'pending' ? 'errors.clueDone' : 'errors.notClue', { state: tr(`clue.state.${inc?.clue?.state}`) }), at: Date.now() });
      return;
    }
  }
}

/** A replay key: sent to the services as the player's control (nothing until the replay is open, but Q). */
function replayKey(runtime: WallRuntime, op: ReplayKey): void {
  const p = runtime.store.getState().player;
  if (op === 'leave') return void leaveReplay(runtime);
  if (p.mode !== 'replay') return;
  switch (op) {
    case 'playPause':
      return void replayControl(runtime, { op: p.playing ? 'pause' : 'play' });
    case 'prev':
    case 'next':
      return void replayControl(runtime, { op: 'step', direction: op === 'next' ? 1 : -1 });
    case 'faster':
    case 'slower': {
      const speed = stepSpeed(p.speed, op === 'faster' ? 1 : -1);
      if (speed !== p.speed) void replayControl(runtime, { op: 'speed', speed });
      return;
    }
  }
}

export function installShortcuts(runtime: WallRuntime, target: Document = document): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (leaveToElement(e.target as HTMLElement | null, e.key)) return;
    const s = runtime.store.getState();
    const action = shortcutFor(e.key, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey }, inReplay(s));
    if (!action) return;
    const dispatch = s.dispatch;
    switch (action.type) {
      case 'step': {
        const rows = boardRows(s.incidents, s.lookedAt, Date.now(), s.newFreshMs);
        dispatch({ type: 'select', id: stepSelection(rows, s.selectedId, action.step) });
        break;
      }
      case 'newest': {
        const id = newestOpen(s.incidents.values());
        if (id) dispatch({ type: 'select', id });
        break;
      }
      case 'fly':
        if (s.selectedId) {
          dispatch({ type: 'flyToIncident', id: s.selectedId });
          // and into its detail: Tab goes on to its buttons from there
          target.querySelector<HTMLElement>('[data-testid="incident-panel"]')?.focus();
        }
        break;
      case 'act':
        act(runtime, action.act, target);
        break;
      case 'undo': {
        const pending = Object.entries(s.closing);
        const id = s.selectedId && s.selectedId in s.closing ? s.selectedId : pending.sort((a, b) => b[1] - a[1])[0]?.[0];
        if (id) dispatch({ type: 'closeUndo', id });
        break;
      }
      case 'rejects':
        dispatch({ type: 'rejectsOpen', open: !s.rejectsOpen });
        break;
      case 'language':
        toggleLanguage();
        break;
      case 'layer':
        dispatch({ type: 'toggleLayer', key: LAYER_KEYS[action.index] });
        break;
      case 'search':
        target.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.focus();
        break;
      case 'measure':
        dispatch({ type: 'cycleGridFill' });
        break;
      case 'overview':
        dispatch({ type: 'overview' });
        break;
      case 'help':
        runtime.help.set(!runtime.help.get());
        break;
      case 'room': {
        // the menu opens with the first preset focused: Tab / Enter from there
        const opening = !runtime.roomMenu.get();
        runtime.roomMenu.set(opening);
        if (opening) requestAnimationFrame(() => target.querySelector<HTMLElement>('[data-testid="preset-option"]:not([disabled])')?.focus());
        break;
      }
      case 'replay':
        replayKey(runtime, action.op);
        break;
      case 'escape':
        if (runtime.help.get()) runtime.help.set(false);
        else if (runtime.roomMenu.get()) runtime.roomMenu.set(false);
        else if (s.rejectsOpen) dispatch({ type: 'rejectsOpen', open: false });
        else if (s.selectedGridId || s.highlight) {
          dispatch({ type: 'selectGrid', id: null });
          dispatch({ type: 'highlight', highlight: null });
        } else dispatch({ type: 'select', id: null });
        break;
    }
    e.preventDefault();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}

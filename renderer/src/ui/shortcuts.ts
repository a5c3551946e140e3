// Keyboard shortcuts for the operator's desk (documented in docs/wall.md).
import { toggleLanguage } from '../i18n';
import { boardRows, nextWaiting, stepSelection } from '../model/situation';
import { LAYER_KEYS } from '../model/wall';
import type { WallRuntime } from './context';
import { incidentAction } from './incident-actions';

export type ShortcutAction =
  | { type: 'step'; step: 1 | -1 }
  | { type: 'fly' }
  | { type: 'ack' }
  | { type: 'rejects' }
  | { type: 'language' }
  | { type: 'layer'; index: number }
  | { type: 'search' }
  | { type: 'measure' }
  | { type: 'overview' }
  | { type: 'escape' };

/** Maps a key to an action; null for keys the wall does not use. */
export function shortcutFor(key: string, mods: { ctrl: boolean; alt: boolean; meta: boolean }): ShortcutAction | null {
  if (mods.ctrl || mods.alt || mods.meta) return null;
  switch (key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { type: 'step', step: 1 };
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { type: 'step', step: -1 };
    case 'Enter':
      return { type: 'fly' };
    case 'a':
    case 'A':
      return { type: 'ack' };
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
    case 'Escape':
      return { type: 'escape' };
  }
  if (/^[1-5]$/.test(key)) return { type: 'layer', index: Number(key) - 1 };
  return null;
}

export function installShortcuts(runtime: WallRuntime, target: Document = document): () => void {
  const onKey = (e: KeyboardEvent) => {
    const el = e.target as HTMLElement | null;
    if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) return;
    const action = shortcutFor(e.key, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
    if (!action) return;
    const s = runtime.store.getState();
    const dispatch = s.dispatch;
    switch (action.type) {
      case 'step': {
        const rows = boardRows(s.incidents, s.lookedAt, Date.now(), s.newFreshMs);
        dispatch({ type: 'select', id: stepSelection(rows, s.selectedId, action.step) });
        break;
      }
      case 'fly':
        if (s.selectedId) dispatch({ type: 'flyToIncident', id: s.selectedId });
        break;
      case 'ack':
        if (s.selectedId) {
          // the acknowledged row moves down among the acknowledged: the selection goes on to the
          // next row still waiting, so the next J or A acts where the operator expects
          const rows = boardRows(s.incidents, s.lookedAt, Date.now(), s.newFreshMs);
          const next = nextWaiting(rows, s.selectedId);
          void incidentAction(runtime, 'incident.ack', s.selectedId);
          if (next) dispatch({ type: 'select', id: next });
        }
        break;
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
      case 'escape':
        if (s.rejectsOpen) dispatch({ type: 'rejectsOpen', open: false });
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

// Which wall window goes on which physical display, as plain functions over what Electron's
// `screen` reports, so that plugging displays in and out is testable without Electron.
import type { WatchfloorConfig } from '../../core/config.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of an Electron `Display` these decisions read. */
export interface DisplayInfo {
  id: number;
  label: string;
  bounds: Rect;
  workArea: Rect;
}

export type DisplaySpec = WatchfloorConfig['electron']['displays'][number];

/**
 * One window the shell keeps: a configured screen, or (with no `electron.displays`) the single
 * wall window on the primary display, as before displays were configurable.
 */
export interface WindowSlot {
  /** stable key of the slot: the screen name, '' for the single default window */
  key: string;
  screen: string | null;
  roles: string | null;
  fullscreen: boolean;
  kiosk: boolean;
  /** null: the primary display */
  match: DisplaySpec['match'] | null;
}

export interface Placement {
  slot: WindowSlot;
  /** null while no connected display matches: the window waits hidden for it */
  display: DisplayInfo | null;
}

/** The slots configured; `--fullscreen` applies to the default window only. */
export function windowSlots(displays: readonly DisplaySpec[], fullscreenFlag: boolean): WindowSlot[] {
  if (displays.length === 0) return [{ key: '', screen: null, roles: null, fullscreen: fullscreenFlag, kiosk: false, match: null }];
  return displays.map((d) => ({ key: d.screen, screen: d.screen, roles: d.roles ?? null, fullscreen: d.fullscreen, kiosk: d.kiosk, match: d.match }));
}

const sameLabel = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Places each slot, in configured order, on the first connected display that matches everything
 * its `match` names (id, label, place in the system's list) and no earlier slot took. A display
 * unplugged leaves its slot without one; plugged back (same id or label), the slot finds it again.
 * `index` follows the system's list, which shifts when a display goes: match by id or label where
 * a window must come back to the same panel.
 */
export function placeSlots(displays: readonly DisplayInfo[], primaryId: number | null, slots: readonly WindowSlot[]): Placement[] {
  const taken = new Set<number>();
  return slots.map((slot) => {
    const display = displays.find((d, index) => {
      if (taken.has(d.id)) return false;
      const m = slot.match;
      if (m === null) return primaryId === null ? index === 0 : d.id === primaryId;
      return (m.id === undefined || m.id === d.id) && (m.label === undefined || sameLabel(m.label, d.label)) && (m.index === undefined || m.index === index);
    }) ?? (slot.match === null ? displays.find((d) => !taken.has(d.id)) : undefined) ?? null;
    if (display) taken.add(display.id);
    return { slot, display };
  });
}

/** What the shell knows of a window it holds. */
export interface HeldWindow {
  key: string;
  displayId: number | null;
  bounds: Rect | null;
  visible: boolean;
}

export type WindowAction =
  | { kind: 'open'; slot: WindowSlot; display: DisplayInfo }
  /** put the window on this display (again), full size, and show it */
  | { kind: 'move'; key: string; display: DisplayInfo }
  /** its display is gone: keep the page running (it keeps its situation), out of sight */
  | { kind: 'hide'; key: string };

const sameRect = (a: Rect | null, b: Rect) => !!a && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** The actions that bring the windows held to the placements. Windows are never closed here. */
export function reconcileWindows(held: readonly HeldWindow[], placements: readonly Placement[]): WindowAction[] {
  const byKey = new Map(held.map((w) => [w.key, w]));
  const actions: WindowAction[] = [];
  for (const { slot, display } of placements) {
    const w = byKey.get(slot.key);
    if (!w) {
      if (display) actions.push({ kind: 'open', slot, display });
      continue;
    }
    if (!display) {
      if (w.visible) actions.push({ kind: 'hide', key: slot.key });
      continue;
    }
    if (!w.visible || w.displayId !== display.id || !sameRect(w.bounds, display.bounds)) actions.push({ kind: 'move', key: slot.key, display });
  }
  return actions;
}

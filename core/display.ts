// What a display of the duty room shows (docs/operations.md): its roles, and the presets that
// assign roles to the room's named screens. Shared by the services (presets, automatic switching),
// the web shell (`/?display=`, `/?screen=`), the Electron shell (one window per physical display)
// and the renderer (the layout of a page). Pure: no I/O, no clock.
import { err, ok, type Result } from './result.js';

/** One job a display does. A page may combine several: `map+board` is the classic wall. */
export type DisplayRole = 'map' | 'video' | 'board' | 'dispatch';
export const DISPLAY_ROLES: readonly DisplayRole[] = ['map', 'video', 'board', 'dispatch'];

/** The roles of one page, in a fixed order (map, video, board, dispatch), never empty. */
export type DisplayRoles = readonly DisplayRole[];

/** What a page shows when nothing says otherwise: today's wall (map with tiles beside alarms, and the board). */
export const DEFAULT_ROLES: DisplayRoles = ['map', 'board'];

/**
 * `map`, `video`, `board`, `dispatch`, or a combination joined by `+` (`map+board`), as in
 * `/?display=map+board`. A browser turns `+` in a query into a space, so spaces and commas join as well.
 * Unknown roles, empty or repeated parts are errors (a display configured wrongly says so rather than
 * showing something else).
 */
export function parseDisplayRoles(text: string): Result<DisplayRoles, string> {
  const parts = text.trim().toLowerCase().split(/[+ ,]+/).filter((p) => p !== '');
  if (parts.length === 0) return err('no display role given (map, video, board, dispatch, or a combination such as map+board)');
  const seen = new Set<DisplayRole>();
  for (const p of parts) {
    if (!(DISPLAY_ROLES as readonly string[]).includes(p)) return err(`unknown display role "${p}" (map, video, board, dispatch, or a combination such as map+board)`);
    if (seen.has(p as DisplayRole)) return err(`display role "${p}" given twice`);
    seen.add(p as DisplayRole);
  }
  return ok(DISPLAY_ROLES.filter((r) => seen.has(r)));
}

/** `map+board`: the canonical text of a set of roles. */
export function displayRolesText(roles: DisplayRoles): string {
  return roles.join('+');
}

/** A video grid's shape: columns × rows. */
export interface GridShape {
  cols: number;
  rows: number;
}

/** The layout one named screen gets from a preset. */
export interface ScreenLayout {
  roles: DisplayRoles;
  /** for a `video` role: its grid (default: by the screen's aspect, 4×4 at most) */
  videoGrid?: GridShape;
}

/**
 * A preset ("day shift", "major incident"): what each named screen of the room shows. Screens are
 * named by whoever sets the room up (`/?screen=left`, or an Electron display's configured name);
 * a screen a preset does not name keeps `DEFAULT_ROLES`.
 */
export interface LayoutPreset {
  id: string;
  /** shown in menus; the id when absent */
  name?: string;
  screens: Record<string, ScreenLayout>;
}

/**
 * Which preset holds, and why: the one an operator (or the API) chose, or the one applied by
 * itself because a priority-1 incident is open (then `revertTo` is what comes back when none is).
 */
export interface LayoutState {
  presets: LayoutPreset[];
  active: string | null;
  /** 'operator': chosen by someone (name in `by`); 'auto': a P1 is open; 'default': nothing chosen yet */
  cause: 'operator' | 'auto' | 'default';
  by: string | null;
  /** epoch ms it became active */
  since: number;
  /** while cause is 'auto': the preset to go back to when no P1 is open any more (null: none) */
  revertTo: string | null;
  /** the incidents that brought the automatic preset (cause 'auto') */
  autoFor: string[];
}

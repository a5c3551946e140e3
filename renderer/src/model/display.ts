// What this page shows (docs/wall.md, "Displays"): its roles from `?display=`, from the active
// layout preset for its `?screen=`, or the default wall; the video grid's shape; and where each
// role goes on the page. Pure, so the decision is unit-tested and a preset switch is just a new
// input. The services' layout state arrives over the network: it is read defensively here, and
// anything malformed in it is an error on the page, never a crash.
import { camerasForIncident, DEFAULT_VIDEO_POLICY, type VideoPolicyOptions, type VideoTile } from '../../../core/video/policy';
import type { Camera, Incident, Kiosk } from '../../../core/domain';
import { DEFAULT_ROLES, parseDisplayRoles, type DisplayRoles, type GridShape, type LayoutState } from '../../../core/display';
import { err, ok, type Result } from '../../../core/result';

/** A video grid never holds more tiles than this (16 players is what one page is measured for: docs/video.md). */
export const MAX_GRID_CELLS = 16;
/** an automatic grid is at most 4 × 4 */
const MAX_AUTO_SIDE = 4;

/** `4x4` (also `4X4`, `4×4`): columns × rows, each at least 1, at most MAX_GRID_CELLS cells in all. */
export function parseGridShape(text: string): Result<GridShape, string> {
  const m = /^\s*(\d{1,2})\s*[x×]\s*(\d{1,2})\s*$/i.exec(text);
  if (!m) return err(`"${text.slice(0, 40)}" is not a grid shape (columns x rows, such as 3x3)`);
  const cols = Number(m[1]);
  const rows = Number(m[2]);
  if (cols < 1 || rows < 1) return err(`grid ${cols}x${rows} has no cells`);
  if (cols * rows > MAX_GRID_CELLS) return err(`grid ${cols}x${rows} has more than ${MAX_GRID_CELLS} cells`);
  return ok({ cols, rows });
}

/** A grid shape as a preset may carry it (from the network): whole, in range, or null. */
function gridShapeOf(x: unknown): GridShape | null {
  if (typeof x !== 'object' || x === null) return null;
  const { cols, rows } = x as Record<string, unknown>;
  if (!Number.isInteger(cols) || !Number.isInteger(rows)) return null;
  const r = parseGridShape(`${cols as number}x${rows as number}`);
  return r.ok ? r.value : null;
}

export type RolesSource = 'param' | 'preset' | 'default';

/** Something in the page's address (or its preset) that could not be used: said on the page. */
export interface PageRolesError {
  /** `display`: ?display= did not parse; `grid`: ?grid= did not; `screen`: the preset's entry for ?screen= is malformed */
  param: 'display' | 'grid' | 'screen';
  /** what was given (cut to 80 characters) */
  value: string;
  /** why, in English (for the tooltip and the log; the banner's words come from i18n) */
  reason: string;
}

export interface PageRoles {
  roles: DisplayRoles;
  /** the video grid's shape when fixed (?grid=, or the preset's); absent: chosen by tile count and aspect */
  videoGrid?: GridShape;
  source: RolesSource;
  /** the active preset the roles came from (source 'preset') */
  preset?: string;
  /** the first problem found (the display's before the grid's); the page falls back and says so */
  error?: PageRolesError;
}

export interface PageRolesInput {
  /** ?display= as the page got it (null: absent) */
  displayParam: string | null;
  /** ?screen= (null: absent) */
  screenParam: string | null;
  /** ?grid= (null or absent: automatic, or the preset's) */
  gridParam?: string | null;
  /** the services' layout state, once they sent one (null before, or from services without presets) */
  layout: LayoutState | null;
}

const cut = (s: string) => s.slice(0, 80);

/**
 * The active preset's layout for a named screen: null when there is no active preset or it does
 * not name the screen (the default applies), an error when the entry is there but malformed.
 */
export function presetScreen(layout: unknown, screen: string): Result<{ preset: string; roles: DisplayRoles; videoGrid?: GridShape } | null, string> {
  if (typeof layout !== 'object' || layout === null) return ok(null);
  const { presets, active } = layout as Record<string, unknown>;
  if (typeof active !== 'string' || !Array.isArray(presets)) return ok(null);
  const preset = presets.find((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && (p as Record<string, unknown>).id === active);
  const screens = preset?.screens;
  if (typeof screens !== 'object' || screens === null || !Object.prototype.hasOwnProperty.call(screens, screen)) return ok(null);
  const entry = (screens as Record<string, unknown>)[screen];
  const roles = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).roles : undefined;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return err(`preset "${active}" gives screen "${screen}" no list of roles`);
  const parsed = parseDisplayRoles((roles as string[]).join('+'));
  if (!parsed.ok) return err(`preset "${active}", screen "${screen}": ${parsed.error}`);
  const grid = (entry as Record<string, unknown>).videoGrid;
  const videoGrid = gridShapeOf(grid);
  if (grid !== undefined && !videoGrid) return err(`preset "${active}", screen "${screen}": its videoGrid is not a grid of at most ${MAX_GRID_CELLS} cells`);
  return ok({ preset: active, roles: parsed.value, ...(videoGrid ? { videoGrid } : {}) });
}

/**
 * The page's roles: an explicit `?display=` wins; else a `?screen=` the active preset names takes
 * the preset's; else the default wall. A `?display=` that does not parse is an error the page shows
 * while it falls back (to the preset, when its screen has one, else the default). `?grid=` fixes
 * the video grid over a preset's shape.
 */
export function pageRoles({ displayParam, screenParam, gridParam, layout }: PageRolesInput): PageRoles {
  let error: PageRolesError | undefined;
  let out: PageRoles | null = null;
  if (displayParam !== null) {
    const parsed = parseDisplayRoles(displayParam);
    if (parsed.ok) out = { roles: parsed.value, source: 'param' };
    else error = { param: 'display', value: cut(displayParam), reason: parsed.error };
  }
  if (!out && screenParam !== null && screenParam.trim() !== '') {
    const entry = presetScreen(layout, screenParam.trim());
    if (!entry.ok) error ??= { param: 'screen', value: cut(screenParam), reason: entry.error };
    else if (entry.value) out = { roles: entry.value.roles, source: 'preset', preset: entry.value.preset, ...(entry.value.videoGrid ? { videoGrid: entry.value.videoGrid } : {}) };
  }
  out ??= { roles: DEFAULT_ROLES, source: 'default' };
  if (gridParam !== null && gridParam !== undefined && gridParam.trim() !== '') {
    const grid = parseGridShape(gridParam);
    if (grid.ok) out = { ...out, videoGrid: grid.value };
    else error ??= { param: 'grid', value: cut(gridParam), reason: grid.error };
  }
  return error ? { ...out, error } : out;
}

/**
 * Whether the page at this address may show a map, known before the services answer: its roles
 * from ?display= (a bad one shows the default wall), else the default wall's; a page named as a
 * screen (?screen=) takes its roles from a preset not known yet, and may.
 */
export function mayShowMap(search: string): boolean {
  const q = new URLSearchParams(search);
  const displayParam = q.get('display');
  if (displayParam === null && (q.get('screen') ?? '').trim() !== '') return true;
  return pageRoles({ displayParam, screenParam: null, layout: null }).roles.includes('map');
}

/** What a page with these roles lays out: a main area of the map and/or the video grid, and a side of the board or the dispatch console. */
export interface DisplayAreas {
  map: boolean;
  video: boolean;
  /** the dispatch console holds a board of its own: never two boards on one page */
  side: 'board' | 'dispatch' | null;
  /** video tiles float beside their alarms on the map (as today) only where no grid holds them */
  tilesOnMap: boolean;
  /** the incident detail floats over the map unless the dispatch console holds it */
  detailOnMap: boolean;
}

export function displayAreas(roles: DisplayRoles): DisplayAreas {
  const map = roles.includes('map');
  const video = roles.includes('video');
  const side = roles.includes('dispatch') ? 'dispatch' : roles.includes('board') ? 'board' : null;
  return { map, video, side, tilesOnMap: map && !video, detailOnMap: map && side !== 'dispatch' };
}

/** CSS classes of the page's body for its areas (styles.css lays them out). */
export function areasClass(a: DisplayAreas): string {
  const primary = (a.map ? 1 : 0) + (a.video ? 1 : 0);
  return `primary-${primary} side-${a.side ?? 'none'}${a.map ? '' : ' no-map'}`;
}

/** The strips above and below a tile's picture, as a share of the cell's height (for the shape choice only). */
const TILE_CHROME_SHARE = 0.12;

/**
 * The grid for `n` tiles in a w × h area when nothing fixes it: every tile fits, at most 4 × 4,
 * and the pictures (16:9) as large as they can be; among equals, fewer empty cells, then wider.
 */
export function autoGridShape(n: number, w: number, h: number): GridShape {
  const need = Math.max(1, Math.min(n, MAX_GRID_CELLS));
  const width = w > 0 ? w : 16;
  const height = h > 0 ? h : 9;
  let best: { shape: GridShape; picture: number; empty: number } | null = null;
  for (let cols = 1; cols <= MAX_AUTO_SIDE; cols++) {
    for (let rows = 1; rows <= MAX_AUTO_SIDE; rows++) {
      if (cols * rows < need) continue;
      const cw = width / cols;
      const ch = (height / rows) * (1 - TILE_CHROME_SHARE);
      // a 16:9 picture fitted into the cell
      const pw = Math.min(cw, (ch * 16) / 9);
      const picture = Math.round(pw * pw * 9) / 16;
      const empty = cols * rows - need;
      const better = !best || picture > best.picture * 1.001 || (picture > best.picture * 0.999 && (empty < best.empty || (empty === best.empty && cols > best.shape.cols)));
      if (better) best = { shape: { cols, rows }, picture, empty };
    }
  }
  return best!.shape;
}

/** The policy for a grid of `cells` tiles: the page's options, never more tiles than fit. */
export function gridPolicy(policy: Partial<VideoPolicyOptions>, cells: number): Partial<VideoPolicyOptions> {
  return { ...policy, maxTiles: Math.min(policy.maxTiles ?? MAX_GRID_CELLS, cells, MAX_GRID_CELLS) };
}

/**
 * Open alarms that have cameras to show but no tile on the grid: the "+N more" a full grid admits
 * to. The same choice of cameras as the policy's (core/video/policy.ts).
 */
export function alarmsWithoutTiles(
  incidents: Iterable<Incident>,
  tiles: readonly Pick<VideoTile, 'incidentId'>[],
  cameras: ReadonlyMap<string, Camera>,
  kiosks: ReadonlyMap<string, Kiosk>,
  policy: Partial<VideoPolicyOptions> = {},
): number {
  const shown = new Set(tiles.map((t) => t.incidentId));
  const opts = { ...DEFAULT_VIDEO_POLICY, ...policy, perAlarm: 1 };
  let n = 0;
  for (const inc of incidents) {
    if (inc.status !== 'open' || shown.has(inc.id)) continue;
    if (camerasForIncident(inc, cameras, kiosks, opts).length > 0) n++;
  }
  return n;
}

// The duty room's presets file (docs/operations.md#presets): which roles each named screen takes
// in each preset, and which preset comes by itself when a priority-1 incident opens. Parsed entry
// by entry, so one mistyped preset is skipped with its reason and the rest still load; a file with
// nothing usable in it is an error the caller reports (and then runs on the built-in presets).
// Pure: the service reads the file.
import { z } from 'zod';
import { parseDisplayRoles, type LayoutPreset } from '../display.js';
import { err, ok, type Result } from '../result.js';

/** What happens when a priority-1 incident opens: `preset` comes, and goes again when none is open (`on_close`) or when an operator says so (`operator`). */
export interface AutoOnP1 {
  preset: string;
  revert: 'on_close' | 'operator';
}

export interface PresetsFile {
  presets: LayoutPreset[];
  /** null: no automatic switching */
  autoOnP1: AutoOnP1 | null;
}

/** A parsed file: what loads, and one line per thing left out. */
export interface ParsedPresets extends PresetsFile {
  problems: string[];
}

/** Preset ids and screen names travel in URLs (`/?screen=left`) and menus: short, plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const NAME_RULE = 'must be 1–64 letters, digits, "_", "." or "-", starting with a letter or digit';
export const MAX_PRESETS = 64;
export const MAX_SCREENS = 32;
/** A video grid's side: 6×6 is already more tiles than one screen shows usefully. */
export const MAX_GRID_SIDE = 6;

const presetId = z.string().regex(NAME, NAME_RULE);

/** `"map+board"` or `["map", "board"]`, checked and put in canonical order. */
const roles = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const r = parseDisplayRoles(Array.isArray(v) ? v.join('+') : v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }
  return r.value;
});

const side = z.number().int().min(1).max(MAX_GRID_SIDE);
const screenSchema = z
  .strictObject({ roles, videoGrid: z.strictObject({ cols: side, rows: side }).optional() })
  .refine((s) => !s.videoGrid || s.roles.includes('video'), { message: 'videoGrid is for a screen with the video role', path: ['videoGrid'] });

const presetSchema = z.strictObject({
  id: presetId,
  name: z.string().trim().min(1).max(80).optional(),
  screens: z
    .record(z.string(), screenSchema)
    .superRefine((s, ctx) => {
      // checked here rather than by the record's key schema, whose message would not say what a name may be
      for (const name of Object.keys(s)) if (!NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `a screen name ${NAME_RULE}` });
      if (Object.keys(s).length > MAX_SCREENS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_SCREENS} screens` });
    })
    .default({}),
});

export const autoOnP1Schema = z.strictObject({ preset: presetId, revert: z.enum(['on_close', 'operator']).default('on_close') });

const issues = (e: z.ZodError): string => e.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');

const FILE_SHAPE = 'a presets file is a JSON object { "presets": [ { "id", "name"?, "screens" } … ], "autoOnP1"?: { "preset", "revert" } }';

/**
 * Reads a presets file's JSON. Bad presets (and repeated ids) are left out with their index and
 * reason; an `autoOnP1` that is malformed or names no loaded preset is left out too (no automatic
 * switching). An error only when nothing usable remains.
 */
export function parsePresetsFile(json: unknown): Result<ParsedPresets, string> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return err(FILE_SHAPE);
  const file = json as Record<string, unknown>;
  if (!Array.isArray(file.presets)) return err(`no "presets" list: ${FILE_SHAPE}`);
  const problems: string[] = [];
  for (const key of Object.keys(file)) if (key !== 'presets' && key !== 'autoOnP1') problems.push(`unknown key "${key.slice(0, 40)}" ignored`);
  const presets: LayoutPreset[] = [];
  file.presets.forEach((entry, i) => {
    const label = `presets[${i}]${typeof (entry as { id?: unknown })?.id === 'string' ? ` "${String((entry as { id: string }).id).slice(0, 64)}"` : ''}`;
    if (i >= MAX_PRESETS) return void problems.push(`${label}: left out (at most ${MAX_PRESETS} presets)`);
    const p = presetSchema.safeParse(entry);
    if (!p.success) return void problems.push(`${label}: ${issues(p.error)}`);
    if (presets.some((q) => q.id === p.data.id)) return void problems.push(`${label}: the id is given twice (the first one is used)`);
    presets.push({ id: p.data.id, ...(p.data.name ? { name: p.data.name } : {}), screens: p.data.screens });
  });
  if (presets.length === 0) return err(`no usable preset${problems.length ? `: ${problems.join('; ')}` : ' (the list is empty)'}`);
  let autoOnP1: AutoOnP1 | null = null;
  if (file.autoOnP1 !== undefined && file.autoOnP1 !== null) {
    const a = autoOnP1Schema.safeParse(file.autoOnP1);
    if (!a.success) problems.push(`autoOnP1: ${issues(a.error)} (no automatic switching)`);
    else if (!presets.some((p) => p.id === a.data.preset)) problems.push(`autoOnP1: no preset "${a.data.preset}" (no automatic switching)`);
    else autoOnP1 = a.data;
  }
  return ok({ presets, autoOnP1, problems });
}

/**
 * What a wall without a presets file has: `day` (every screen its default roles) and `major`
 * (three screens named left, center, right: the map, a 4×4 video grid, the board with the
 * dispatch console), `major` coming by itself while a priority-1 incident is open.
 * No names: the wall shows built-in presets in its own language.
 */
export const BUILTIN_PRESETS: PresetsFile = {
  presets: [
    { id: 'day', screens: {} },
    {
      id: 'major',
      screens: {
        left: { roles: ['map'] },
        center: { roles: ['video'], videoGrid: { cols: 4, rows: 4 } },
        right: { roles: ['board', 'dispatch'] },
      },
    },
  ],
  autoOnP1: { preset: 'major', revert: 'on_close' },
};

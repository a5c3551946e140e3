// The layout as kept in the data folder (`layout.json`), so a restarted wall shows what the
// operators chose, and an automatic preset still knows what to go back to. Kept apart from the
// presets file: that one is the administrator's, and the wall never rewrites it. Pure.
import { z } from 'zod';
import { err, ok, type Result } from '../result.js';
import type { LayoutModel } from './policy.js';

export const LAYOUT_FORMAT = 'watchfloor-layout';

const savedSchema = z.object({
  format: z.literal(LAYOUT_FORMAT),
  version: z.literal(1),
  active: z.string().max(64).nullable(),
  cause: z.enum(['operator', 'auto', 'default']),
  by: z.string().max(200).nullable(),
  since: z.number().finite(),
  revertTo: z.string().max(64).nullable(),
  autoFor: z.array(z.string().max(256)).max(1000),
  before: z.object({ cause: z.enum(['operator', 'default']), by: z.string().max(200).nullable() }).nullable(),
});

export type SavedLayout = z.infer<typeof savedSchema>;

export function savedLayoutOf(m: LayoutModel): SavedLayout {
  const l = m.layout;
  return { format: LAYOUT_FORMAT, version: 1, active: l.active, cause: l.cause, by: l.by, since: l.since, revertTo: l.revertTo, autoFor: l.autoFor, before: m.before };
}

/**
 * What was saved, laid over a fresh model (today's presets and settings). Refused, so the fresh
 * one holds, when the file is not a saved layout or names a preset that is no longer in the list.
 */
export function restoreLayout(fresh: LayoutModel, json: unknown): Result<LayoutModel, string> {
  const s = savedSchema.safeParse(json);
  if (!s.success) return err(`not a saved layout (${s.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 300)})`);
  const v = s.data;
  const presets = fresh.layout.presets;
  if (v.active === null || !presets.some((p) => p.id === v.active)) return err(`the saved preset "${String(v.active).slice(0, 64)}" is not among the presets now`);
  return ok({
    ...fresh,
    layout: { ...fresh.layout, active: v.active, cause: v.cause, by: v.by, since: v.since, revertTo: v.cause === 'auto' ? v.revertTo : null, autoFor: v.cause === 'auto' ? v.autoFor : [] },
    before: v.cause === 'auto' ? v.before : null,
  });
}

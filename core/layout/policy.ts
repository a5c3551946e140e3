// Which preset holds, decided from three kinds of events: an operator chooses one, an operator
// reverts an automatic one, and the set of open priority-1 incidents changes. The rules
// (docs/operations.md#presets):
//   - a P1 opens, automatic switching is on and another preset is active → the automatic preset,
//     remembering what to go back to;
//   - while automatic, no P1 open any more and `revert: on_close` → back to what was before, as
//     it was (who had chosen it included);
//   - an operator's choice while automatic ends the episode: their choice holds until a *new* P1
//     opens (a P1 that was already open never takes the wall back from them);
//   - an operator's revert goes back to what was before.
// Pure: times come in with the events.
import type { Incident } from '../domain.js';
import type { LayoutPreset, LayoutState } from '../display.js';
import { CLOSED_STATES } from '../domain.js';
import { err, ok, type Result } from '../result.js';
import type { AutoOnP1 } from './presets.js';

export interface LayoutModel {
  layout: LayoutState;
  /** null: no automatic switching */
  auto: AutoOnP1 | null;
  /** the open P1 incidents as last told, sorted: a P1 is new when it is not among them */
  p1Open: readonly string[];
  /** while automatic: how the preset it goes back to had come (restored with it on `on_close`) */
  before: { cause: 'operator' | 'default'; by: string | null } | null;
}

export type LayoutEvent =
  | { type: 'apply'; preset: string; by: string; at: number }
  | { type: 'revert'; by: string; at: number }
  | { type: 'p1'; open: readonly string[]; at: number };

export interface LayoutRefusal {
  code: 'not_found' | 'illegal';
  message: string;
}

/** Open and priority 1: what brings the automatic preset. */
export const isOpenP1 = (i: Pick<Incident, 'priority' | 'state'>): boolean => i.priority === 1 && !CLOSED_STATES.includes(i.state);

/** The first preset holds until somebody chooses; nothing is open yet. */
export function initialLayout(presets: LayoutPreset[], auto: AutoOnP1 | null, at: number): LayoutModel {
  return {
    layout: { presets, active: presets[0]?.id ?? null, cause: 'default', by: null, since: at, revertTo: null, autoFor: [] },
    auto: auto && presets.some((p) => p.id === auto.preset) ? auto : null,
    p1Open: [],
    before: null,
  };
}

const presetList = (presets: LayoutPreset[]) => presets.map((p) => p.id).join(', ');

/**
 * One event applied. Refused (state unchanged): a preset that is not in the list, a revert when
 * nothing was switched automatically. P1 events are never refused.
 */
export function layoutReduce(m: LayoutModel, e: LayoutEvent): Result<LayoutModel, LayoutRefusal> {
  const l = m.layout;
  switch (e.type) {
    case 'apply': {
      if (!l.presets.some((p) => p.id === e.preset)) return err({ code: 'not_found', message: `no preset "${e.preset.slice(0, 64)}" (presets: ${presetList(l.presets)})` });
      return ok({ ...m, layout: { ...l, active: e.preset, cause: 'operator', by: e.by, since: e.at, revertTo: null, autoFor: [] }, before: null });
    }
    case 'revert': {
      if (l.cause !== 'auto') return err({ code: 'illegal', message: 'nothing to revert: the layout was not switched automatically' });
      return ok(back(m, e.at, { cause: 'operator', by: e.by }));
    }
    case 'p1': {
      const open = [...new Set(e.open)].sort();
      const opened = open.filter((id) => !m.p1Open.includes(id));
      let next: LayoutModel = { ...m, p1Open: open };
      const auto = m.auto;
      if (auto && opened.length > 0) {
        if (l.cause === 'auto') next = { ...next, layout: { ...l, autoFor: [...l.autoFor, ...opened] } };
        else if (l.active !== auto.preset) {
          next = {
            ...next,
            layout: { ...l, active: auto.preset, cause: 'auto', by: null, since: e.at, revertTo: l.active, autoFor: opened },
            before: { cause: l.cause, by: l.by },
          };
        }
      }
      // automatic switching turned off since (a restart with another configuration): nothing keeps the preset
      if (next.layout.cause === 'auto' && open.length === 0 && (auto === null || auto.revert === 'on_close')) next = back(next, e.at, next.before ?? { cause: 'default', by: null });
      return ok(next);
    }
  }
}

/** The end of an automatic episode: what was before comes back. */
function back(m: LayoutModel, at: number, how: { cause: 'operator' | 'default'; by: string | null }): LayoutModel {
  const l = m.layout;
  // the preset it came from may have left the list (a presets file changed between restarts)
  const to = l.revertTo !== null && l.presets.some((p) => p.id === l.revertTo) ? l.revertTo : (l.presets[0]?.id ?? null);
  return { ...m, layout: { ...l, active: to, cause: how.cause, by: how.by, since: at, revertTo: null, autoFor: [] }, before: null };
}

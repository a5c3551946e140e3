// The duty room's layout presets (docs/operations.md#presets): loads the presets file, follows the
// open priority-1 incidents of the live situation, takes operators' choices (roles checked,
// refusals and changes audited), and keeps what holds in <data>/layout.json so a restart shows
// the same. The rules themselves are core/layout/policy.ts. A presets file that cannot be used
// never stops the wall: the built-in presets hold and health says why.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import { canAct, type Principal } from '../../core/auth/principal.js';
import type { LayoutState } from '../../core/display.js';
import { initialLayout, isOpenP1, type LayoutEvent, type LayoutModel, layoutReduce } from '../../core/layout/policy.js';
import { type AutoOnP1, BUILTIN_PRESETS, parsePresetsFile, type PresetsFile } from '../../core/layout/presets.js';
import { restoreLayout, savedLayoutOf } from '../../core/layout/saved.js';
import { err, ok, type Result } from '../../core/result.js';
import type { SituationDelta } from '../../core/situation/situation.js';
import type { SituationService } from './situation-service.js';

export const PRESETS_FILE = 'presets.json';
export const LAYOUT_FILE = 'layout.json';
const FILE_MODE = 0o600;
/** A presets file is a few kilobytes; anything near this is not one. */
const MAX_PRESETS_BYTES = 1024 * 1024;

export interface LayoutServiceOptions {
  situation: SituationService;
  /** the data folder: presets.json is looked for there and layout.json kept there; null = in memory */
  dataDir: string | null;
  /** `layout.presetsFile`, resolved: replaces <data>/presets.json (and must exist) */
  presetsFile?: string;
  /** `layout.autoOnP1`: replaces the file's; null = off; undefined = the file's */
  autoOnP1?: AutoOnP1 | null;
  audit: (e: AuditEntryInput) => void;
  /** counts refusals for health (auth.refusedActions) */
  onRefused?: () => void;
  /** how paths are shown in health (relative to <data>, <config>…) */
  shown?: (text: string) => string;
  now?: () => number;
}

export interface LayoutRefused {
  status: 400 | 403 | 404 | 409;
  /** `forbidden`, `invalid`, `not_found`, `illegal` */
  code: string;
  message: string;
}

/** Who asks, as the audit writes it. */
const who = (p: Principal, from?: string) => ({ actor: p.name, role: p.role, via: p.via, ...(from ? { from } : {}) });

export class LayoutService {
  private model: LayoutModel;
  private readonly listeners = new Set<(l: LayoutState) => void>();
  /** what is wrong with the presets file or the saved layout (the wall runs on what it could use) */
  private readonly problems: string[] = [];
  private saveError: string | null = null;
  private readonly stateFile: string | null;
  private readonly now: () => number;
  private readonly p1 = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: LayoutServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.stateFile = opts.dataDir ? resolve(opts.dataDir, LAYOUT_FILE) : null;
    const file = this.loadPresets();
    const auto = opts.autoOnP1 !== undefined ? opts.autoOnP1 : file.autoOnP1;
    if (auto && !file.presets.some((p) => p.id === auto.preset)) this.problems.push(`layout.autoOnP1: no preset "${auto.preset}" (no automatic switching)`);
    this.model = this.restore(initialLayout(file.presets, auto, this.now()));
    // the P1s open now (a situation restored at start) are known, not new: a restart never takes the wall from an operator
    for (const inc of opts.situation.state.incidents.values()) if (isOpenP1(inc)) this.p1.add(inc.id);
    this.model = { ...this.model, p1Open: [...this.p1].sort() };
    // …but an automatic preset whose P1s closed while the wall was away goes
    this.feed({ type: 'p1', open: [...this.p1], at: this.now() });
    this.unsubscribe = opts.situation.onDelta((d) => this.follow(d));
  }

  state(): LayoutState {
    return this.model.layout;
  }

  health(): { active: string | null; cause: LayoutState['cause']; error: string | null } {
    const problems = [...this.problems, ...(this.saveError ? [this.saveError] : [])];
    const text = problems.length ? problems.join('; ') : null;
    return { active: this.model.layout.active, cause: this.model.layout.cause, error: text && (this.opts.shown?.(text) ?? text) };
  }

  /** Every change of what holds (an operator's, or a P1's). */
  onChange(listener: (l: LayoutState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An operator chooses a preset. */
  apply(p: Principal, preset: unknown, from?: string): Result<LayoutState, LayoutRefused> {
    const what = 'layout.apply';
    if (!canAct(p.role)) return this.refuse(p, what, from, { status: 403, code: 'forbidden', message: `${p.role} may not act: only a commander or a dispatcher can switch the layout` });
    if (typeof preset !== 'string' || preset.length === 0 || preset.length > 64) return this.refuse(p, what, from, { status: 400, code: 'invalid', message: 'send { "preset": "<preset id>" }' });
    return this.operator(p, what, from, { type: 'apply', preset, by: p.name, at: this.now() });
  }

  /** An operator ends an automatic preset: what held before comes back. */
  revert(p: Principal, from?: string): Result<LayoutState, LayoutRefused> {
    const what = 'layout.revert';
    if (!canAct(p.role)) return this.refuse(p, what, from, { status: 403, code: 'forbidden', message: `${p.role} may not act: only a commander or a dispatcher can revert the layout` });
    return this.operator(p, what, from, { type: 'revert', by: p.name, at: this.now() });
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private operator(p: Principal, what: string, from: string | undefined, e: LayoutEvent): Result<LayoutState, LayoutRefused> {
    const previous = this.model.layout.active;
    const r = layoutReduce(this.model, e);
    if (!r.ok) return this.refuse(p, what, from, { status: r.error.code === 'not_found' ? 404 : 409, code: r.error.code, message: r.error.message });
    this.commit(r.value);
    this.opts.audit({ kind: 'action', ...who(p, from), what, detail: { preset: r.value.layout.active, previous } });
    return ok(this.model.layout);
  }

  private refuse(p: Principal, what: string, from: string | undefined, e: LayoutRefused): Result<never, LayoutRefused> {
    if (e.code === 'forbidden') this.opts.onRefused?.();
    this.opts.audit({ kind: 'refused', ...who(p, from), what, reason: `${e.code}: ${e.message}` });
    return err(e);
  }

  /** The open P1s from the live situation's deltas (the alarm lane brings them at once). */
  private follow(d: SituationDelta): void {
    let changed = false;
    for (const inc of d.incidents) {
      const open = isOpenP1(inc);
      if (open !== this.p1.has(inc.id)) changed = true;
      if (open) this.p1.add(inc.id);
      else this.p1.delete(inc.id);
    }
    for (const id of d.removedIncidents) changed = this.p1.delete(id) || changed;
    if (changed) this.feed({ type: 'p1', open: [...this.p1], at: this.now() });
  }

  /** A P1 event: the wall's own doing, audited as such when it changes what holds. */
  private feed(e: LayoutEvent & { type: 'p1' }): void {
    const before = this.model.layout;
    const r = layoutReduce(this.model, e);
    if (!r.ok) return;
    const after = r.value.layout;
    const switched = after.active !== before.active || after.cause !== before.cause;
    if (!switched) {
      this.model = r.value;
      // joined by another P1: kept for a restart, shown to pages
      if (after.autoFor.length !== before.autoFor.length) this.commit(r.value);
      return;
    }
    this.commit(r.value);
    const what = after.cause === 'auto' ? 'layout.auto' : 'layout.auto_revert';
    this.opts.audit({ kind: 'action', what, detail: { preset: after.active, previous: before.active, ...(after.cause === 'auto' ? { incidents: after.autoFor.slice(0, 20) } : {}) } });
  }

  private commit(next: LayoutModel): void {
    this.model = next;
    this.save();
    for (const l of this.listeners) l(next.layout);
  }

  /** Write then rename: a crash mid-write leaves the previous choice whole. A failed save is said in health and tried again at the next change. */
  private save(): void {
    if (!this.stateFile) return;
    const tmp = `${this.stateFile}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(savedLayoutOf(this.model), null, 2)}\n`, { mode: FILE_MODE });
      renameSync(tmp, this.stateFile);
      this.saveError = null;
    } catch (e) {
      this.saveError = `could not save the layout to ${this.stateFile}: ${(e as Error).message}`;
    }
  }

  private loadPresets(): PresetsFile {
    const configured = this.opts.presetsFile;
    const path = configured ?? (this.opts.dataDir ? resolve(this.opts.dataDir, PRESETS_FILE) : null);
    // no file where none was asked for: the built-in presets, and nothing to say
    if (!path || (!configured && !existsSync(path))) return BUILTIN_PRESETS;
    const builtIn = (why: string) => {
      this.problems.push(`${path}: ${why}; the built-in presets are used`);
      return BUILTIN_PRESETS;
    };
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      return builtIn((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(e as Error).message})`);
    }
    if (text.length > MAX_PRESETS_BYTES) return builtIn(`larger than ${MAX_PRESETS_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return builtIn(`not valid JSON (${(e as Error).message.slice(0, 120)})`);
    }
    const r = parsePresetsFile(json);
    if (!r.ok) return builtIn(r.error);
    for (const p of r.value.problems) this.problems.push(`${path}: ${p}`);
    return r.value;
  }

  private restore(fresh: LayoutModel): LayoutModel {
    if (!this.stateFile || !existsSync(this.stateFile)) return fresh;
    try {
      const r = restoreLayout(fresh, JSON.parse(readFileSync(this.stateFile, 'utf8')));
      if (r.ok) return r.value;
      this.problems.push(`${this.stateFile}: ${r.error}; the first preset holds`);
    } catch (e) {
      this.problems.push(`${this.stateFile}: cannot be read (${(e as Error).message.slice(0, 120)}); the first preset holds`);
    }
    return fresh;
  }
}

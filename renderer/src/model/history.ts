// Incidents the wall has seen (from snapshots and deltas, closed ones included), kept for a day,
// so "incidents in the last 24 h" can be counted per grid even after the situation drops them.
import type { Incident } from '../../../core/domain';
import type { LoggedIncident } from './grids';

export const HISTORY_KEEP_MS = 24 * 3600_000;

export class IncidentLog {
  private readonly entries = new Map<string, LoggedIncident>();
  /** bumps when an entry is added, moved or dropped */
  version = 0;

  get size(): number {
    return this.entries.size;
  }

  values(): IterableIterator<LoggedIncident> {
    return this.entries.values();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Adds or updates incidents; returns whether anything changed. */
  record(incidents: Iterable<Incident>): boolean {
    let changed = false;
    for (const inc of incidents) {
      const prev = this.entries.get(inc.id);
      const ids = inc.grid?.ids ?? [];
      if (prev && prev.ts === inc.ts && prev.ids.length === ids.length && prev.ids.every((x, i) => x === ids[i])) continue;
      this.entries.set(inc.id, { ts: inc.ts, ids });
      changed = true;
    }
    if (changed) this.version++;
    return changed;
  }

  /** Drops incidents reported before `before`. */
  prune(before: number): void {
    let changed = false;
    for (const [id, e] of this.entries) {
      if (e.ts < before) {
        this.entries.delete(id);
        changed = true;
      }
    }
    if (changed) this.version++;
  }
}

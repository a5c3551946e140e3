// Citizen clues' points: a verified clue credits its reporter. The ledger is an append-only JSON
// lines file in the data folder (one line per credit, fsync'd), read back at start; a clue is
// credited once however often its verification is heard (this wall's own, another wall's copy).
// The wall that verified it publishes the reporter's new total, retained, for the citizen app.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ReporterPoints } from '../../core/contract.js';
import type { Incident } from '../../core/domain.js';

export interface PointsRules {
  default: number;
  byCategory: Record<string, number>;
}

export interface Credit {
  incidentId: string;
  reporterId: string;
  category: string;
  points: number;
  at: number;
  by?: string;
}

export interface PointsHealth {
  reporters: number;
  credits: number;
  published: number;
  error: string | null;
}

/** Points a clue earns: its category's, else its kind's, else the default. */
export const pointsFor = (inc: Pick<Incident, 'category' | 'kind'>, rules: PointsRules): { category: string; points: number } => {
  const category = inc.category ?? inc.kind;
  return { category, points: rules.byCategory[category] ?? rules.byCategory[inc.kind] ?? rules.default };
};

export class PointsLedger {
  private readonly byReporter = new Map<string, Credit[]>();
  private readonly credited = new Set<string>();
  private fd: number | null = null;
  private tornTail = false;
  private readonly h: PointsHealth = { reporters: 0, credits: 0, published: 0, error: null };

  /** `dir`: the data folder, or null to keep the ledger in memory only (no --data) */
  constructor(
    dir: string | null,
    private readonly rules: PointsRules,
  ) {
    if (!dir) return;
    const folder = join(dir, 'points');
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const file = join(folder, 'ledger.jsonl');
      if (existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        this.load(text);
        // a crash mid-write left a line without its end: the next credit starts on a line of its own
        this.tornTail = text.length > 0 && !text.endsWith('\n');
      }
      this.fd = openSync(file, 'a', 0o600);
    } catch (e) {
      this.h.error = `points ledger not writable: ${(e as Error).message}`;
    }
  }

  private load(text: string): void {
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const c = JSON.parse(line) as Credit;
        if (typeof c.incidentId !== 'string' || typeof c.reporterId !== 'string' || !Number.isInteger(c.points)) throw new Error('fields');
        this.remember(c);
      } catch {
        // a torn last line (a crash mid-write) or a hand edit: skipped and said
        bad++;
      }
    }
    if (bad) this.h.error = `${bad} unreadable line(s) in points/ledger.jsonl skipped`;
  }

  private remember(c: Credit): void {
    if (this.credited.has(c.incidentId)) return;
    this.credited.add(c.incidentId);
    const list = this.byReporter.get(c.reporterId) ?? [];
    list.push(c);
    this.byReporter.set(c.reporterId, list);
    this.h.credits++;
    this.h.reporters = this.byReporter.size;
  }

  /** Credits a verified clue's reporter once; the credit, or null when there is nothing (more) to credit. */
  credit(inc: Incident, at: number): Credit | null {
    if (inc.clue?.state !== 'verified' || !inc.reporterId || this.credited.has(inc.id)) return null;
    const { category, points } = pointsFor(inc, this.rules);
    const c: Credit = { incidentId: inc.id, reporterId: inc.reporterId, category, points, at: inc.clue.at ?? at, ...(inc.clue.by ? { by: inc.clue.by } : {}) };
    if (this.fd !== null) {
      try {
        writeSync(this.fd, `${this.tornTail ? '\n' : ''}${JSON.stringify(c)}\n`);
        fsyncSync(this.fd);
        this.tornTail = false;
      } catch (e) {
        this.h.error = `points ledger write failed: ${(e as Error).message}`;
      }
    }
    this.remember(c);
    return c;
  }

  total(reporterId: string): number {
    return (this.byReporter.get(reporterId) ?? []).reduce((s, c) => s + c.points, 0);
  }

  reporter(reporterId: string, limit = 50): ReporterPoints {
    const list = this.byReporter.get(reporterId) ?? [];
    return {
      reporterId,
      total: this.total(reporterId),
      entries: list
        .slice(-limit)
        .reverse()
        .map((c) => ({ incidentId: c.incidentId, category: c.category, points: c.points, at: c.at, ...(c.by ? { by: c.by } : {}) })),
    };
  }

  published(): void {
    this.h.published++;
  }

  health(): PointsHealth {
    return { ...this.h };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

// Answers questions about the past from the journal: the situation at a time (the latest snapshot
// before it, then the inputs up to it through the same reducer as live), and the incidents open
// in a period. What /api/situation?at= and /api/incidents?from=&to= answer, and where a replay
// starts.
import { join } from 'node:path';
import type { Incident } from '../../core/domain.js';
import { err, ok, type Result } from '../../core/result.js';
import { restoreCheckpoint } from '../../core/situation/checkpoint.js';
import { apply, type SituationState } from '../../core/situation/situation.js';
import type { Journal } from './journal.js';
import { applyInputs, BATCH_SPAN_MS, readInputs, readLastSnapshot, type NumberedInput, type Source } from './journal-read.js';
import { McapReaderPool, msOf, openMcap } from './mcap-read.js';
import type { RecordingEntry } from './recording-index.js';

export interface PastProblem {
  status: 400 | 404 | 500;
  error: string;
}

export interface PastIncident {
  id: string;
  title: string;
  kind: Incident['kind'];
  priority: Incident['priority'];
  startedAt: number;
  /** the state it was in at the period's end (or when it left the wall); `unknown` where the recording never showed it after it started */
  status: Incident['state'] | 'unknown';
  open: boolean;
  closedAt?: number;
}

export class Recording {
  /** finished files stay open between reads (seeks, playing at 64×) */
  private readonly pool = new McapReaderPool();

  constructor(
    private readonly journal: Journal,
    private readonly dir: string,
    /** a fresh, empty situation with the live wall's reference data and options */
    private readonly fresh: () => SituationState,
  ) {}

  /** Lets go of the files it keeps open. */
  close(): void {
    this.pool.closeAll();
  }

  /** The recordings index: the hours held, with the incidents that started in each. */
  entries(): readonly RecordingEntry[] {
    return this.journal.recordings();
  }

  /** The first and last recorded times, null when nothing is recorded. */
  range(): { from: number; to: number } | null {
    const all = this.journal.recordings();
    if (!all.length) return null;
    return { from: Math.min(...all.map((e) => e.from)), to: Math.max(...all.map((e) => e.to)) };
  }

  /** The situation as the live wall had it at `at` (ms). */
  async situationAt(at: number): Promise<Result<SituationState, PastProblem>> {
    const r = await this.replayTo(at);
    return r.ok ? ok(r.value.state) : r;
  }

  /** The situation at `at`, and the number of the last input it holds (where playing on from it starts). */
  async replayTo(at: number): Promise<Result<{ state: SituationState; lastN: number }, PastProblem>> {
    // the range counts inputs as they are recorded: what waits for the next chunk goes to disk now
    this.journal.flush();
    const all = this.journal.recordings();
    const range = this.range();
    if (!range || at < range.from || at > range.to) {
      const held = range ? `from ${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}` : 'nothing yet';
      return err({ status: 404, error: `${new Date(at).toISOString()} is not in the recording (it holds ${held})` });
    }
    // the files up to the one holding `at`; the snapshot is in the last of them that has one before it
    const { paths: upTo, done } = this.readable(all.filter((e) => e.from <= at));
    try {
      // the index lists each file's snapshots: reading from the latest one before `at` reads one chunk,
      // where a search backwards from `at` loads the message index of every chunk of the hour
      const listed = all.flatMap((e) => (e.from <= at ? e.snapshots.filter((x) => x.at <= at) : [])).reduce((m, x) => Math.max(m, x.at), -Infinity);
      const found = await readLastSnapshot(upTo, at, this.pool, Number.isFinite(listed) ? listed : undefined);
      if (!found) return err({ status: 404, error: `no snapshot before ${new Date(at).toISOString()} in the recording` });
      const state = this.fresh();
      const restored = restoreCheckpoint(state, found.snapshot.situation);
      if (!restored.ok) return err({ status: 500, error: `the recording's snapshot could not be restored: ${restored.error}` });
      const files = upTo.slice(upTo.findIndex((u) => (typeof u === 'string' ? u : u.path) === found.file));
      let lastN = found.snapshot.n;
      await applyInputs(files, { afterN: found.snapshot.n, fromMs: found.snapshot.at, toMs: at, pool: this.pool }, (n, input) => {
        apply(state, input);
        lastN = n;
      });
      return ok({ state, lastN });
    } finally {
      done();
    }
  }

  /** Inputs numbered above `afterN`, received in (fromMs, toMs], in the order they were applied: what playing on reads ahead. */
  async inputsBetween(afterN: number, fromMs: number, toMs: number): Promise<NumberedInput[]> {
    const files = this.journal.recordings().filter((e) => e.to >= fromMs - BATCH_SPAN_MS && e.from <= toMs);
    const { paths, done } = this.readable(files);
    try {
      return await readInputs(paths, { afterN, fromMs, toMs, pool: this.pool });
    } finally {
      done();
    }
  }

  /** How much was recorded along [from, to], in `buckets` equal parts: uncompressed chunk bytes, from the files' indexes alone. */
  async density(from: number, to: number, buckets: number): Promise<{ bucketMs: number; counts: number[] }> {
    const bucketMs = Math.max(1, Math.ceil((to - from) / buckets));
    const counts = new Array<number>(buckets).fill(0);
    const files = this.journal.recordings().filter((e) => e.to >= from && e.from <= to);
    const { paths, done } = this.readable(files);
    try {
      for (const src of paths) {
        let r;
        try {
          r = await openMcap(src);
        } catch {
          continue;
        }
        try {
          for (const c of r.reader.chunkIndexes) {
            const a = msOf(c.messageStartTime);
            const b = Math.max(a, msOf(c.messageEndTime));
            if (b < from || a > to) continue;
            // spread the chunk's bytes over the buckets it spans
            const i0 = Math.max(0, Math.floor((a - from) / bucketMs));
            const i1 = Math.min(buckets - 1, Math.floor((b - from) / bucketMs));
            const share = Number(c.uncompressedSize) / (i1 - i0 + 1);
            for (let i = i0; i <= i1; i++) counts[i] += share;
          }
        } finally {
          await r.close();
        }
      }
    } finally {
      done();
    }
    return { bucketMs, counts: counts.map((c) => Math.round(c)) };
  }

  /**
   * What to read `entries` from. The file being written has no summary yet (it gets one when it
   * closes): the journal lends a view of it with the summary it would have now, kept in memory.
   */
  private readable(entries: readonly RecordingEntry[]): { paths: Source[]; done: () => void } {
    const live = this.journal.liveView();
    const paths = entries.map((e): Source => {
      const path = join(this.dir, e.file);
      return !e.complete && live && live.path === path ? live : path;
    });
    return { paths, done: () => undefined };
  }

  /**
   * Incidents open at any moment of [from, to]: those open at `from`, and those that started in it,
   * each as it stood at `to` or when it last was on the wall.
   */
  async incidentsBetween(from: number, to: number): Promise<Result<PastIncident[], PastProblem>> {
    const start = await this.situationAt(Math.max(from, this.range()?.from ?? from));
    if (!start.ok) return start;
    const seen = new Map<string, PastIncident>();
    const view = (i: Incident): PastIncident => ({ id: i.id, title: i.title, kind: i.kind, priority: i.priority, startedAt: i.startedAt, status: i.state, open: i.status === 'open', ...(i.closedAt !== undefined ? { closedAt: i.closedAt } : {}) });
    const note = (s: SituationState) => {
      for (const i of s.incidents.values()) if (i.status === 'open' || i.startedAt >= from || seen.has(i.id)) seen.set(i.id, view(i));
    };
    note(start.value);
    const last = Math.min(to, this.range()!.to);
    const end = await this.situationAt(last);
    if (end.ok) note(end.value);
    // Incidents that started and left in between (closed, then kept closedRetentionMs, then gone):
    // the index lists every incident that started in each hour, but not how it ended. A look every
    // half of that keeping time after it started sees each of them closed before it went, so a
    // false alarm is never listed as resolved. Only periods with such incidents pay for the looks.
    const missing = new Map<string, { at: number; title: string; kind: Incident['kind']; priority: number }>();
    for (const e of this.journal.recordings()) {
      if (e.to < from || e.from > to) continue;
      for (const i of e.incidents) if (i.at >= from && i.at <= to && !seen.has(i.id) && !missing.has(i.id)) missing.set(i.id, i);
    }
    const step = Math.max(1000, start.value.options.closedRetentionMs / 2);
    const found = new Set<string>();
    for (let t = Math.min(...[...missing.values()].map((i) => i.at)) + step; missing.size > 0 && t < last; ) {
      const s = await this.situationAt(t);
      if (!s.ok) break;
      for (const [id, i] of missing) {
        const inc = s.value.incidents.get(id);
        if (inc) {
          seen.set(id, view(inc));
          found.add(id);
        } else if (found.has(id) || i.at + 2 * step < t) missing.delete(id); // gone: its last look holds (or never seen: below)
      }
      // the next look: a step on while one is on the wall, else when the next to come is a step old
      const onWall = [...missing.keys()].some((id) => found.has(id));
      const nextUnseen = Math.min(...[...missing.entries()].filter(([id]) => !found.has(id)).map(([, i]) => i.at + step));
      t = onWall ? t + step : Math.max(t + step, nextUnseen);
    }
    // never seen after it started (the recording has a gap, or the wall had more incidents than it keeps): how it ended is not known
    for (const e of this.journal.recordings()) {
      if (e.to < from || e.from > to) continue;
      for (const i of e.incidents)
        if (i.at >= from && i.at <= to && !seen.has(i.id)) seen.set(i.id, { id: i.id, title: i.title, kind: i.kind, priority: i.priority as Incident['priority'], startedAt: i.at, status: 'unknown', open: false });
    }
    return ok([...seen.values()].filter((i) => i.startedAt <= to).sort((a, b) => a.startedAt - b.startedAt));
  }
}

// The journal: every input the situation applies, recorded in hourly MCAP files under
// <data>/journal/, with a snapshot of the situation every `snapshotEveryMs` (and at the start of
// every file, so each file replays on its own). Chunks are written at least every `flushEveryMs`
// (a kill -9 loses at most that much); files a crash left open are repaired when the journal
// opens; the live wall restores the last snapshot and applies the tail after it (recover()).
// Retention deletes the oldest hours by age and total size, never the file being written. A write
// that fails (disk full) loses that chunk, is counted and shown in health, and never stops the
// wall. One writer per folder (journal.lock).
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputBatcher } from '../../core/journal/batcher.js';
import { snapshotMessages } from '../../core/journal/snapshot.js';
import { familyOf, hourKey, JOURNAL_CHANNELS, journalFileName, parseJournalFileName } from '../../core/journal/channels.js';
import type { JournalHealth, RecoveryReport } from '../../core/contract.js';
import type { SituationInput } from '../../core/inputs.js';
import { restoreCheckpoint } from '../../core/situation/checkpoint.js';
import { releaseFolderLock, takeFolderLock } from '../services/folder-lock.js';
import type { SituationService } from '../services/situation-service.js';
import { decompressSync, loadZstd, zstdCodec } from './codec.js';
import { McapFileWriter, summaryBytes, type ChunkCodec } from './mcap-file.js';
import type { McapSource } from './mcap-read.js';
import { repairMcap, type RepairReport } from './mcap-repair.js';
import { readRecordingIndex, writeRecordingIndex, type RecordingEntry } from './recording-index.js';
import { applyInputs, readLastSnapshot } from './journal-read.js';

export interface JournalOptions {
  /** the folder: <data>/journal */
  dir: string;
  /** a chunk goes to disk at least this often (ms); what a kill -9 can lose */
  flushEveryMs: number;
  /** a snapshot of the situation at least this often (ms of input time) */
  snapshotEveryMs: number;
  /**
   * and after this many inputs since the last (none: by time only): what a seek re-applies is
   * bounded by inputs, not time, so a city's 5,000 units at 1 Hz get one every 3 s, a quiet night every minute
   */
  snapshotEveryInputs?: number;
  /**
   * but never sooner than this after the last (ms of input time; default 3 s): a burst (a broker's
   * backlog after an outage, 90,000 messages a second) must not pay a snapshot of the whole city
   * several times a second — each is O(units), ~10 ms for 5,000 units with their trails as a table
   */
  snapshotMinGapMs?: number;
  /** zstd level of the chunks */
  level: number;
  /** retention: hours older than this go (ms); 0 = kept by size only */
  maxAgeMs: number;
  /** retention: the oldest hours go while the folder holds more than this (bytes); 0 = no limit */
  maxBytes: number;
  /** a chunk is written early once its inputs hold this many bytes */
  chunkBytes?: number;
  now?: () => number;
}

export const LOCK = 'journal.lock';
/** snapshots after so many inputs come at most this often (input time) */
export const SNAPSHOT_MIN_GAP_MS = 2_000;

export type { JournalHealth, RecoveryReport };

export class Journal {
  private writer: McapFileWriter | null = null;
  private entry: RecordingEntry | null = null;
  private entries: RecordingEntry[];
  private readonly batcher = new InputBatcher();
  private nextN: number;
  private lastSnapshotAt = -Infinity;
  private lastSnapshotN = -Infinity;
  private sawIncident = false;
  /** the start of the hour of the latest input (ms) */
  private hourStart = -Infinity;
  /** a write failed since the last one that worked */
  private writeFailed = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private situation: SituationService | null = null;
  private locked = false;
  private readonly now: () => number;
  private readonly h: JournalHealth;

  private constructor(
    private readonly o: JournalOptions,
    private readonly codec: ChunkCodec | null,
    repaired: RepairReport[],
    entries: RecordingEntry[],
    lockProblem: string | null,
  ) {
    this.now = o.now ?? Date.now;
    this.entries = entries;
    this.nextN = entries.reduce((m, e) => Math.max(m, e.lastN + 1), 0);
    this.locked = lockProblem === null && codec !== null;
    this.h = {
      ok: lockProblem === null,
      dir: o.dir,
      recording: false,
      file: null,
      files: entries.length,
      bytes: entries.reduce((s, e) => s + e.bytes, 0),
      inputs: 0,
      chunks: 0,
      snapshots: 0,
      lastFlushAt: null,
      lost: 0,
      diskFull: false,
      error: lockProblem,
      repaired: repaired.map((r) => ({ file: r.path.slice(o.dir.length + 1), cutBytes: r.cutBytes, chunks: r.chunks })),
      recovered: null,
      deleted: 0,
    };
  }

  /**
   * Opens the folder: takes its lock, repairs files a crash left open, reads the index (rebuilt
   * for files it does not list). A journal whose folder another wall holds reads but never writes.
   */
  static async open(o: JournalOptions): Promise<Journal> {
    let holder: string | null;
    try {
      mkdirSync(o.dir, { recursive: true, mode: 0o700 });
      holder = takeFolderLock(o.dir, LOCK);
    } catch (e) {
      // an unusable folder never stops the wall: it runs without recording, and says why
      return new Journal(o, null, [], [], `cannot use the journal folder ${o.dir}: ${(e as Error).message}`);
    }
    const lockProblem = holder === null ? null : `the journal folder ${o.dir} is in use by ${holder}: this wall does not record`;
    const repaired: RepairReport[] = [];
    // a repair may have to open the last chunk of a file to know whether its indexes are whole
    await loadZstd().catch(() => false);
    if (holder === null) {
      for (const name of journalFiles(o.dir)) {
        try {
          const r = repairMcap(join(o.dir, name), decompressSync);
          if (r) repaired.push(r);
        } catch {
          // unreadable: left as it is, listed without figures
        }
      }
    }
    try {
      const entries = await readRecordingIndex(o.dir, journalFiles(o.dir), repaired);
      return new Journal(o, await zstdCodec(o.level), repaired, entries, lockProblem);
    } catch (e) {
      if (holder === null) releaseFolderLock(o.dir, LOCK);
      return new Journal(o, null, repaired, [], `the journal in ${o.dir} could not be opened: ${(e as Error).message}`);
    }
  }

  /** The hours on record, oldest first (the index: listing them reads no recording). */
  recordings(): readonly RecordingEntry[] {
    return [...this.entries, ...(this.entry && !this.entries.includes(this.entry) ? [this.entry] : [])];
  }

  /**
   * Brings an empty situation to where the journal ends: the last snapshot, then every input
   * after it. Null when the journal holds no snapshot (a first start).
   */
  async recover(situation: SituationService): Promise<RecoveryReport | null> {
    const files = this.entries.map((e) => join(this.o.dir, e.file));
    const found = await readLastSnapshot(files);
    if (!found) return null;
    const restored = restoreCheckpoint(situation.state, found.snapshot.situation);
    if (!restored.ok) {
      this.h.error = `journal snapshot in ${found.file} could not be restored: ${restored.error}`;
      return null;
    }
    let lastInputAt: number | null = null;
    // before start(): nothing listens to the situation's inputs yet, so none keeps the fixes' shared object
    const tail = await applyInputs(files.slice(files.indexOf(found.file)), { afterN: found.snapshot.n }, (_n, input) => {
      situation.apply(input);
      lastInputAt = input.at;
    });
    this.h.recovered = { snapshotAt: found.snapshot.at, tail, lastInputAt, from: found.file.slice(this.o.dir.length + 1) };
    return this.h.recovered;
  }

  /**
   * The file being written as a reader can open it: its chunks on disk so far and the summary it
   * would get if it closed now. Flushes first, so it holds every input applied until now.
   */
  liveView(): McapSource | null {
    if (!this.writer) return null;
    this.flush();
    if (!this.writer) return null;
    return { path: this.writer.path, live: { end: this.writer.bytesWritten, tail: summaryBytes(this.writer.summary, BigInt(this.writer.bytesWritten)) } };
  }

  /** The newest time the journal holds, for choosing between it and the checkpoint file. */
  lastRecordedAt(): number | null {
    const last = this.entries.at(-1);
    return last ? last.to : null;
  }

  /** Starts recording what `situation` applies. */
  start(situation: SituationService): void {
    if (!this.locked || this.unlisten) return;
    this.situation = situation;
    this.unlisten = situation.onInput((i) => this.record(i));
    this.timer = setInterval(() => this.flush(), this.o.flushEveryMs);
    this.h.recording = true;
    this.retain();
  }

  private record(input: SituationInput): void {
    const n = this.nextN++;
    const at = input.at;
    // the hour's bounds are kept: formatting the hour of every input would cost more than recording it
    const opens = !this.entry || ((at < this.hourStart || at >= this.hourStart + 3_600_000) && hourKey(at) !== this.entry.hour);
    if (opens) this.rotate(at, n);
    if (opens || at < this.hourStart || at >= this.hourStart + 3_600_000) this.hourStart = Math.floor(at / 3_600_000) * 3_600_000;
    const fam = familyOf(input);
    if (this.batcher.wouldOverrun(at)) this.flushBatches();
    this.batcher.add(n, input);
    const e = this.entry!;
    e.inputs++;
    e.perFamily[fam]++;
    e.lastN = n;
    if (at > e.to) e.to = at;
    if (input.t === 'events' && input.events.some(isIncident)) this.sawIncident = true;
    this.h.inputs++;
    const since = at - this.lastSnapshotAt;
    if (since >= this.o.snapshotEveryMs || (n - this.lastSnapshotN >= (this.o.snapshotEveryInputs ?? Infinity) && since >= (this.o.snapshotMinGapMs ?? SNAPSHOT_MIN_GAP_MS))) this.snapshot(n, at);
    // the input that opened a file goes to disk now, as its snapshot did: a kill -9 before the next
    // flush must not leave the file with the input's effect (the snapshot) but not the input
    if (opens || this.batcher.pendingBytes >= (this.o.chunkBytes ?? 4 << 20)) this.flush();
  }

  /**
   * Closes the current file and opens the next, beginning with a snapshot of the situation after
   * input `n` (the one that opened it: listeners hear an input once it is applied). That input is
   * recorded in the new file too; a replay from the snapshot skips it by its number.
   */
  private rotate(at: number, n: number): void {
    this.closeFile();
    this.openFile(at, n);
    this.retain();
  }

  /** A new file for the hour of `at`, starting with a snapshot after input `n`; on failure none (flush() tries again). */
  private openFile(at: number, n: number): void {
    const hour = hourKey(at);
    let part = 1;
    const names = new Set(journalFiles(this.o.dir));
    while (names.has(journalFileName(hour, part))) part++;
    const file = journalFileName(hour, part);
    const path = join(this.o.dir, file);
    this.entry = { file, hour, part, from: at, to: at, bytes: 0, inputs: 0, perFamily: { events: 0, rejects: 0, ticks: 0, actions: 0 }, snapshots: [], incidents: [], firstN: n, lastN: n - 1, complete: false };
    try {
      this.writer = McapFileWriter.create(path, JOURNAL_CHANNELS, this.codec!);
    } catch (e) {
      this.fail(e, 0);
      this.writer = null;
      // a file whose start could not be written is no recording: it goes, and its name with it
      try {
        unlinkSync(path);
      } catch {
        // it was never made
      }
      return;
    }
    this.h.file = file;
    this.snapshot(n, at);
    this.flush();
  }

  private snapshot(n: number, at: number): void {
    if (!this.situation) return;
    this.flushBatches();
    for (const m of snapshotMessages(this.situation.state, n, at)) this.writer?.add(m.channelId, at, m.data);
    this.lastSnapshotAt = at;
    this.lastSnapshotN = n;
    this.entry?.snapshots.push({ at, n });
    this.h.snapshots++;
    this.noteIncidents();
    this.saveIndex();
  }

  /** Incidents that started in the current file's period, for the index (looked for only after an incident message). */
  private noteIncidents(): void {
    const e = this.entry;
    if (!e || !this.sawIncident || !this.situation) return;
    this.sawIncident = false;
    const listed = new Set(e.incidents.map((i) => i.id));
    for (const inc of this.situation.state.incidents.values()) {
      // when it came in (the replay clock's time), not the time its report gives
      if (listed.has(inc.id) || inc.firstSeen < e.from) continue;
      e.incidents.push({ id: inc.id, at: inc.firstSeen, kind: inc.kind, priority: inc.priority, title: inc.title.slice(0, 120) });
    }
  }

  /** The batches waiting become messages in the open chunk. */
  private flushBatches(): void {
    for (const m of this.batcher.drain()) this.writer?.add(m.channelId, m.at, m.data);
  }

  /** Writes what waits: batches into the chunk, the chunk to disk. Failures are counted, never thrown. */
  flush(): void {
    const waiting = this.batcher.count;
    // no file since a write failed: try a new one (its snapshot holds what waits, which is written after it too)
    if (!this.writer && this.entry && this.situation && this.locked) {
      const pending = this.entry;
      this.openFile(this.now(), this.nextN - 1);
      if (!this.writer) {
        this.entry = pending;
        this.batcher.drain();
        this.h.lost += waiting;
        return;
      }
    }
    // after a lost chunk the file goes on from a fresh snapshot, so a replay never applies inputs over a gap
    if (this.writeFailed && this.writer && this.situation) this.snapshot(this.nextN - 1, this.now());
    this.flushBatches();
    this.noteIncidents();
    const w = this.writer;
    if (!w || w.pendingMessages === 0) {
      if (!w && waiting) this.h.lost += waiting;
      return;
    }
    try {
      w.flush(true);
      this.h.chunks++;
      this.h.lastFlushAt = this.now();
      if (this.writeFailed) {
        this.writeFailed = false;
        this.h.error = null;
        this.h.diskFull = false;
      }
      if (this.entry) this.entry.bytes = w.bytesWritten;
    } catch (e) {
      this.fail(e, waiting);
      w.dropChunk();
    }
  }

  private fail(e: unknown, lost: number): void {
    this.writeFailed = true;
    const code = (e as NodeJS.ErrnoException).code;
    this.h.lost += lost;
    this.h.diskFull = code === 'ENOSPC' || code === 'EDQUOT';
    this.h.error = `${this.h.diskFull ? 'disk full: ' : ''}journal write failed (${(e as Error).message}); the wall goes on, ${this.h.lost} inputs not recorded so far`;
  }

  private closeFile(): void {
    if (!this.writer || !this.entry) return;
    this.flush();
    try {
      this.writer.close();
    } catch (e) {
      this.fail(e, 0);
    }
    this.entry.bytes = safeSize(join(this.o.dir, this.entry.file));
    this.entry.complete = true;
    if (!this.entries.includes(this.entry)) this.entries.push(this.entry);
    this.writer = null;
    this.saveIndex();
  }

  private saveIndex(): void {
    if (!this.locked) return;
    try {
      writeRecordingIndex(this.o.dir, this.recordings());
    } catch (e) {
      this.h.error = `journal index not saved: ${(e as Error).message}`;
    }
  }

  /** Retention: the oldest hours go first, by age then by total size; never the file being written. */
  private retain(): void {
    if (!this.locked) return;
    const now = this.now();
    const current = this.entry?.file;
    const all = this.recordings();
    let total = all.reduce((s, e) => s + e.bytes, 0);
    const gone = new Set<string>();
    for (const e of all) {
      if (e.file === current) continue;
      const old = this.o.maxAgeMs > 0 && e.to < now - this.o.maxAgeMs;
      const tooBig = this.o.maxBytes > 0 && total > this.o.maxBytes;
      if (!old && !tooBig) continue;
      try {
        unlinkSync(join(this.o.dir, e.file));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') continue;
      }
      gone.add(e.file);
      total -= e.bytes;
      this.h.deleted++;
    }
    if (gone.size) {
      this.entries = this.entries.filter((e) => !gone.has(e.file));
      this.saveIndex();
    }
  }

  health(): JournalHealth {
    const all = this.recordings();
    return { ...this.h, files: all.length, bytes: all.reduce((s, e) => s + (e === this.entry && this.writer ? this.writer.bytesWritten : e.bytes), 0), repaired: [...this.h.repaired] };
  }

  /** Stops recording: the last chunk, the summary, the index. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
    this.closeFile();
    this.entry = null;
    this.h.recording = false;
    this.h.file = null;
    if (this.locked) releaseFolderLock(this.o.dir, LOCK);
    this.locked = false;
  }

  /** For tests of a crash: stops without closing the file (as kill -9 would leave it). */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.unlisten?.();
    this.writer?.abandon();
    this.writer = null;
    if (this.locked) releaseFolderLock(this.o.dir, LOCK);
    this.locked = false;
  }
}


const isIncident = (ev: { type: string }): boolean => ev.type === 'incident';

export function journalFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, p: parseJournalFileName(name) }))
    .filter((x): x is { name: string; p: { hour: string; part: number } } => x.p !== null)
    .sort((a, b) => (a.p.hour < b.p.hour ? -1 : a.p.hour > b.p.hour ? 1 : a.p.part - b.p.part))
    .map((x) => x.name);
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// The recordings index (<data>/journal/index.json): for each hourly file, its period, size, input
// counts, snapshots and the incidents that started in it, so listing what the journal holds never
// reads a recording. Written whole (temporary file, then rename) at every snapshot and rotation.
// Files it does not list, or lists from before a crash, are looked at once when the journal opens.
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { familyOf, parseJournalFileName } from '../../core/journal/channels.js';
import { INCIDENT_KINDS } from '../../core/domain.js';
import type { RepairReport } from './mcap-repair.js';
import { readInputs } from './journal-read.js';
import { msOf, openMcap } from './mcap-read.js';

export const INDEX_FILE = 'index.json';

const entrySchema = z.object({
  file: z.string(),
  hour: z.string(),
  part: z.number().int().min(1),
  from: z.number(),
  to: z.number(),
  bytes: z.number().min(0),
  inputs: z.number().int().min(0),
  perFamily: z.object({ events: z.number(), rejects: z.number(), ticks: z.number(), actions: z.number() }),
  snapshots: z.array(z.object({ at: z.number(), n: z.number() })),
  incidents: z.array(z.object({ id: z.string(), at: z.number(), kind: z.enum(INCIDENT_KINDS), priority: z.number(), title: z.string() })),
  firstN: z.number().int(),
  lastN: z.number().int(),
  complete: z.boolean(),
});

export type RecordingEntry = z.infer<typeof entrySchema>;

export function writeRecordingIndex(dir: string, entries: readonly RecordingEntry[]): void {
  const path = join(dir, INDEX_FILE);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: 'watchfloor-journal-index', version: 1, files: entries }), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function readIndexFile(dir: string): Map<string, RecordingEntry> {
  const out = new Map<string, RecordingEntry>();
  try {
    const raw = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8')) as { files?: unknown[] };
    for (const f of raw.files ?? []) {
      const e = entrySchema.safeParse(f);
      if (e.success) out.set(e.data.file, e.data);
    }
  } catch {
    // no index yet, or unreadable: rebuilt from the files
  }
  return out;
}

/**
 * The index for `files` (sorted): entries from index.json where they are current; a file repaired
 * just now gets the inputs after its entry's last snapshot counted in; a file the index lacks is
 * read whole (rare: the index was lost).
 */
export async function readRecordingIndex(dir: string, files: readonly string[], repaired: readonly RepairReport[]): Promise<RecordingEntry[]> {
  const known = readIndexFile(dir);
  const wasRepaired = new Set(repaired.map((r) => r.path));
  const out: RecordingEntry[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const have = known.get(file);
    if (have && have.complete && !wasRepaired.has(path)) {
      out.push(have);
      continue;
    }
    const rebuilt = await rebuildEntry(path, file, have ?? null);
    if (rebuilt) out.push(rebuilt);
  }
  writeRecordingIndex(dir, out);
  return out;
}

async function rebuildEntry(path: string, file: string, from: RecordingEntry | null): Promise<RecordingEntry | null> {
  const name = parseJournalFileName(file);
  if (!name) return null;
  let start: number | null = null;
  try {
    const r = await openMcap(path);
    const s = r.reader.statistics;
    if (s && s.messageCount > 0n) start = msOf(s.messageStartTime);
    await r.close();
  } catch {
    return null;
  }
  const e: RecordingEntry = from
    ? { ...from, perFamily: { ...from.perFamily }, snapshots: [...from.snapshots], incidents: [...from.incidents] }
    : { file, hour: name.hour, part: name.part, from: start ?? 0, to: start ?? 0, bytes: 0, inputs: 0, perFamily: { events: 0, rejects: 0, ticks: 0, actions: 0 }, snapshots: [], incidents: [], firstN: 0, lastN: -1, complete: false };
  // what came after the entry was last saved (all of it, for a file the index lacked)
  const tail = await readInputs([path], { afterN: from ? from.lastN : -1, fromMs: from ? from.to : undefined });
  if (!from && tail.length) e.firstN = tail[0].n;
  for (const { n, input } of tail) {
    e.inputs++;
    e.perFamily[familyOf(input)]++;
    e.lastN = Math.max(e.lastN, n);
    if (input.at > e.to) e.to = input.at;
    if (input.at < e.from) e.from = input.at;
    if (input.t === 'events')
      for (const ev of input.events)
        if (ev.type === 'incident' && !e.incidents.some((i) => i.id === ev.report.id))
          e.incidents.push({ id: ev.report.id, at: input.at, kind: ev.report.kind, priority: ev.report.priority, title: ev.report.title.slice(0, 120) });
  }
  e.bytes = statSync(path).size;
  e.complete = true;
  return e;
}

// When a wall page that has grown too big reloads itself (issue #16, "a memory watchdog recycles a
// renderer that grows past a limit, at a quiet moment"). A reload costs the wall a few seconds
// (the page comes back with a fresh snapshot from the services), so it waits for a moment nobody
// would miss those seconds: no priority-1 incident open, nobody at the keys for a while, not in a
// replay someone is watching. Past a hard ceiling it stops waiting: a page the browser kills for
// its memory is gone for longer than one that reloads. Pure: the installer (state/memory-watchdog.ts)
// brings the figures and the clock.

export interface MemoryWatchdogSettings {
  /** JS heap above this (bytes): recycle at the next quiet moment */
  limitBytes: number;
  /** above this: recycle now, quiet or not */
  ceilingBytes: number;
  /**
   * the page's whole renderer process (its shell's figure, RendererMemory: the Electron shell only)
   * above this (bytes): recycle at the next quiet moment. Memory outside the JS heap — graphics,
   * media, a leak in native code — shows only here
   */
  processLimitBytes: number;
  /** the process above this: recycle now */
  processCeilingBytes: number;
  /** quiet: no operator input for this long (ms) */
  quietMs: number;
  /**
   * a page younger than this is never recycled for its limit (a fresh page's heap peaks while it
   * loads the reference data: a limit set too low must not turn into a reload loop)
   */
  minUptimeMs: number;
  /**
   * the heap must stay over the limit this long (ms): V8 counts garbage it has not collected yet,
   * and a busy moment's garbage is not a leak
   */
  sustainMs: number;
  /**
   * video streams the page may load (tiles' players, in its frames or in itself) before it
   * recycles at the next quiet moment, where the budget applies (streamBudgetInForce); 0: never.
   * A display whose browser composites in software keeps what each stream's media stack took
   * (~8 MB a stream, docs/operations.md "Displays without a GPU") in processes a web page cannot
   * measure: the streams loaded are the figure that grows with it
   */
  streamBudget: number;
  /** the budget was asked for in the page's address: it applies on any display */
  streamBudgetExplicit: boolean;
}

/** nor for its ceiling, younger than this */
export const CEILING_MIN_UPTIME_MS = 60_000;

export const DEFAULT_MEMORY_WATCHDOG: MemoryWatchdogSettings = {
  limitBytes: 1536 * 2 ** 20,
  ceilingBytes: 2560 * 2 ** 20,
  // the wall page's process is ~300 MB at 1080p on the soak's load (docs/performance.md) with its
  // video in frames of their own; well above that, well below what a wall PC has
  processLimitBytes: 3072 * 2 ** 20,
  processCeilingBytes: 5120 * 2 ** 20,
  quietMs: 2 * 60_000,
  minUptimeMs: 10 * 60_000,
  sustainMs: 60_000,
  // ~8 MB kept a stream (runs D–F): ~1.6 GB of kept media before the page reloads. A duty room
  // with an alarm and four tiles every ten minutes reloads a display about twice a day
  streamBudget: 200,
  streamBudgetExplicit: false,
};

/**
 * The stream budget in force, or null. By default only where the page's memory is likely kept out
 * of its sight: WebGL on a software renderer (the display has no GPU, so its browser probably
 * composites in software — WebGL's name is the same either way, see docs) and a shell that does not
 * measure the page's processes (the Electron shell does, kept processes included: its process
 * figure covers them). Asked for in the address, it applies anyway.
 */
export function streamBudgetInForce(s: MemoryWatchdogSettings, display: { softwareRenderer: boolean; processMeasured: boolean }): number | null {
  if (s.streamBudget <= 0) return null;
  if (s.streamBudgetExplicit) return s.streamBudget;
  return display.softwareRenderer && !display.processMeasured ? s.streamBudget : null;
}

export interface MemoryReading {
  /** the page's used JS heap (performance.memory.usedJSHeapSize), bytes */
  heapBytes: number;
  /** the page's renderer process as its shell measured it lately (bytes), or null where the shell cannot (a web shell) */
  processBytes?: number | null;
  now: number;
  /** when this page loaded */
  loadedAt: number;
  /** since when every reading has been over a limit, either (null: the last one was not) */
  overSince: number | null;
  /**
   * recycles in a row before this page (each within an hour of the last): the minimum uptime
   * doubles with each, so a page that keeps coming back big backs off instead of looping
   */
  recentRecycles?: number;
  /** the operator's last key, click or wheel (model `lookedAt`) */
  lookedAt: number;
  /** open priority-1 incidents */
  p1Open: number;
  /** the page watches a replay */
  replay: boolean;
  /** video streams this page has loaded since it loaded */
  streamsLoaded?: number;
  /** the stream budget in force (streamBudgetInForce), or null */
  streamBudget?: number | null;
}

export type MemoryVerdict =
  | { kind: 'ok' }
  /** over the limit, waiting for a quiet moment: why it is not one */
  | { kind: 'wait'; because: 'p1_open' | 'operator' | 'replay' | 'young' | 'settling' }
  /** `figure`: which one was over, the JS heap or the whole process */
  | { kind: 'recycle'; reason: 'limit' | 'ceiling'; figure: MemoryFigure };

/** `streams`: the video streams loaded went past the stream budget */
export type MemoryFigure = 'heap' | 'process' | 'streams';

type Figures = Pick<MemoryReading, 'heapBytes' | 'processBytes' | 'streamsLoaded' | 'streamBudget'>;

const overStreams = (r: Figures): boolean => r.streamBudget != null && r.streamBudget > 0 && (r.streamsLoaded ?? 0) >= r.streamBudget;

/** Which figure is over its limit (the process only where the shell measures it), or null. */
export function overLimit(r: Figures, s: MemoryWatchdogSettings): MemoryFigure | null {
  // the heap first where several are: it is the figure the page can do most about
  if (r.heapBytes >= s.limitBytes) return 'heap';
  if (r.processBytes != null && r.processBytes >= s.processLimitBytes) return 'process';
  return overStreams(r) ? 'streams' : null;
}

export function memoryVerdict(r: MemoryReading, s: MemoryWatchdogSettings = DEFAULT_MEMORY_WATCHDOG): MemoryVerdict {
  const proc = r.processBytes ?? null;
  const figure = overLimit(r, s);
  if (figure === null) return { kind: 'ok' };
  const age = r.now - r.loadedAt;
  const backoff = 2 ** Math.min(r.recentRecycles ?? 0, 6);
  const ceiling: MemoryFigure | null = r.heapBytes >= s.ceilingBytes ? 'heap' : proc !== null && proc >= s.processCeilingBytes ? 'process' : null;
  if (ceiling) return age >= Math.min(CEILING_MIN_UPTIME_MS, s.minUptimeMs) * backoff ? { kind: 'recycle', reason: 'ceiling', figure: ceiling } : { kind: 'wait', because: 'young' };
  if (age < s.minUptimeMs * backoff) return { kind: 'wait', because: 'young' };
  if (r.p1Open > 0) return { kind: 'wait', because: 'p1_open' };
  if (r.replay) return { kind: 'wait', because: 'replay' };
  if (r.now - r.lookedAt < s.quietMs) return { kind: 'wait', because: 'operator' };
  if (r.overSince === null || r.now - r.overSince < s.sustainMs) return { kind: 'wait', because: 'settling' };
  return { kind: 'recycle', reason: 'limit', figure };
}

/**
 * Settings from the page's address (`?heapLimitMB=`, `?heapCeilingMB=`, `?quietMs=`: a display
 * with less memory, or a test; `?streamBudget=`: streams, 0 for never), within sane bounds; the
 * defaults otherwise. The ceiling is never below the limit.
 */
export function memoryWatchdogSettings(search: string, base: MemoryWatchdogSettings = DEFAULT_MEMORY_WATCHDOG): MemoryWatchdogSettings {
  const q = new URLSearchParams(search);
  const num = (name: string, min: number, max: number): number | null => {
    const raw = q.get(name);
    if (raw === null || raw.trim() === '') return null;
    const v = Number(raw);
    return Number.isFinite(v) && v >= min && v <= max ? v : null;
  };
  const limitMB = num('heapLimitMB', 16, 64 * 1024);
  const ceilingMB = num('heapCeilingMB', 16, 64 * 1024);
  const processLimitMB = num('processLimitMB', 64, 256 * 1024);
  const processCeilingMB = num('processCeilingMB', 64, 256 * 1024);
  const quietMs = num('quietMs', 0, 24 * 3600_000);
  const minUptimeMs = num('minUptimeMs', 1000, 24 * 3600_000);
  const sustainMs = num('sustainMs', 0, 24 * 3600_000);
  const streamBudget = num('streamBudget', 0, 1_000_000);
  const limitBytes = limitMB !== null ? limitMB * 2 ** 20 : base.limitBytes;
  const ceiling = ceilingMB !== null ? ceilingMB * 2 ** 20 : limitMB !== null ? limitBytes * (base.ceilingBytes / base.limitBytes) : base.ceilingBytes;
  const processLimitBytes = processLimitMB !== null ? processLimitMB * 2 ** 20 : base.processLimitBytes;
  const processCeiling = processCeilingMB !== null ? processCeilingMB * 2 ** 20 : processLimitMB !== null ? processLimitBytes * (base.processCeilingBytes / base.processLimitBytes) : base.processCeilingBytes;
  return { limitBytes, ceilingBytes: Math.max(limitBytes, ceiling), processLimitBytes, processCeilingBytes: Math.max(processLimitBytes, processCeiling), quietMs: quietMs ?? base.quietMs, minUptimeMs: minUptimeMs ?? base.minUptimeMs, sustainMs: sustainMs ?? base.sustainMs, streamBudget: streamBudget !== null ? Math.floor(streamBudget) : base.streamBudget, streamBudgetExplicit: streamBudget !== null || base.streamBudgetExplicit };
}

/** The figure a recycle note shows in MB: the one that was over (the heap for a stream budget). */
export const recycledBytes = (note: RecycleNote): number => (note.figure === 'process' && note.processBytes != null ? note.processBytes : note.heapBytes);

/** What a recycled page remembers across its reload (sessionStorage), to say why it blinked. */
export interface RecycleNote {
  at: number;
  heapBytes: number;
  /** the renderer process, where the shell measured it */
  processBytes?: number | null;
  /** which figure was over (absent in a note from before there were two: the heap) */
  figure?: MemoryFigure;
  /** the video streams the page had loaded */
  streams?: number | null;
  reason: 'limit' | 'ceiling';
  /** recycles in a row, this one included (each within RECYCLE_CHAIN_MS of the one before) */
  count: number;
}

/** a recycle this long after the last starts a new count */
export const RECYCLE_CHAIN_MS = 3600_000;

/** How many recycles in a row came before a page that starts at `now`, given the note it found. */
export const recyclesBefore = (note: RecycleNote | null, now: number): number => (note && now - note.at < RECYCLE_CHAIN_MS ? note.count : 0);

export function parseRecycleNote(raw: string | null): RecycleNote | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<RecycleNote>;
    if (typeof v.at !== 'number' || typeof v.heapBytes !== 'number' || (v.reason !== 'limit' && v.reason !== 'ceiling')) return null;
    const count = typeof v.count === 'number' && Number.isInteger(v.count) && v.count >= 1 ? Math.min(v.count, 1000) : 1;
    const processBytes = typeof v.processBytes === 'number' && Number.isFinite(v.processBytes) ? v.processBytes : null;
    const streams = typeof v.streams === 'number' && Number.isInteger(v.streams) && v.streams >= 0 ? v.streams : null;
    const figure: MemoryFigure = v.figure === 'process' && processBytes !== null ? 'process' : v.figure === 'streams' && streams !== null ? 'streams' : 'heap';
    return { at: v.at, heapBytes: v.heapBytes, processBytes, figure, reason: v.reason, count, streams };
  } catch {
    return null;
  }
}

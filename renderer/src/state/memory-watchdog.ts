// The page's memory watchdog (model/memory-watchdog.ts decides): every few seconds it reads the
// page's JS heap and, when the policy says so, notes why in sessionStorage and reloads the page.
// The reloaded page says hello, gets a fresh snapshot from the services and shows a notice of the
// recycle (ui/RecycleNotice.tsx) — the same path as a page that lost its link.
//
// The heap comes from `performance.memory` (Chromium). Without --enable-precise-memory-info Chromium
// rounds it and refreshes it at most every 20 minutes; the Electron shell sets that switch, and a
// kiosk browser should be started with it (docs/operations.md). A browser without the API: the
// watchdog says so (status 'unavailable') and does nothing.
import { memoryVerdict, type MemoryVerdict, type MemoryWatchdogSettings, overLimit, parseRecycleNote, recyclesBefore, type RecycleNote, streamBudgetInForce } from '../model/memory-watchdog';
import { openCountsByPriority } from '../model/situation';
import { inReplay } from '../model/replay';
import type { WallStore } from './store';

export const MEMORY_CHECK_MS = 10_000;
/** a shell's reading of the process older than this is not used (the shell sends one every few seconds) */
export const PROCESS_READING_FRESH_MS = 60_000;
export const RECYCLE_NOTE_KEY = 'watchfloor.recycled';

export interface MemoryWatchdogStatus {
  heapBytes: number | null;
  /** the renderer process as the shell measured it (null: a web shell, or no fresh reading) */
  processBytes: number | null;
  /** video streams loaded since the page loaded, and the budget in force (null: none applies here) */
  streams: { loaded: number; budget: number | null };
  verdict: MemoryVerdict | { kind: 'unavailable' };
  settings: MemoryWatchdogSettings;
  checkedAt: number | null;
}

export interface MemoryWatchdogEnv {
  now(): number;
  /** the used JS heap in bytes, or null where the browser does not say */
  heapBytes(): number | null;
  reload(): void;
  /** video streams the page's players have loaded since it loaded */
  streamsLoaded(): number;
  /** whether WebGL draws on a software renderer (the display has no GPU) */
  softwareRenderer(): boolean;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  everyMs: number;
}

/** `display`: the video's stream count and the map's renderer (the entry brings them: this layer knows neither) */
export function browserMemoryEnv(display: Pick<MemoryWatchdogEnv, 'streamsLoaded' | 'softwareRenderer'>, everyMs = MEMORY_CHECK_MS): MemoryWatchdogEnv {
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return {
    now: Date.now,
    heapBytes: () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
    reload: () => window.location.reload(),
    streamsLoaded: display.streamsLoaded,
    softwareRenderer: display.softwareRenderer,
    storage,
    everyMs,
  };
}

/** The note a recycle left for this page (read once, then removed), or null. */
export function takeRecycleNote(storage: MemoryWatchdogEnv['storage']): RecycleNote | null {
  if (!storage) return null;
  const note = parseRecycleNote(storage.getItem(RECYCLE_NOTE_KEY));
  storage.removeItem(RECYCLE_NOTE_KEY);
  return note;
}

/** `previous`: the note the last recycle left (takeRecycleNote), so that recycles in a row back off */
export function startMemoryWatchdog(store: WallStore, settings: MemoryWatchdogSettings, env: MemoryWatchdogEnv, previous: RecycleNote | null = null, loadedAt = env.now()): { stop(): void; status(): MemoryWatchdogStatus } {
  let status: MemoryWatchdogStatus = { heapBytes: null, processBytes: null, streams: { loaded: 0, budget: null }, verdict: { kind: 'ok' }, settings, checkedAt: null };
  let recycling = false;
  let processMeasured = false;
  let overSince: number | null = null;
  const recentRecycles = recyclesBefore(previous, loadedAt);
  const check = () => {
    if (recycling) return;
    const heapBytes = env.heapBytes();
    const now = env.now();
    const m = store.getState();
    const reading = m.rendererMemory;
    const processBytes = reading && Math.abs(now - reading.at) <= PROCESS_READING_FRESH_MS ? reading.processBytes : null;
    // a shell that has measured the page's processes once does so all along (the Electron shell)
    processMeasured ||= reading !== null;
    const streams = { loaded: env.streamsLoaded(), budget: streamBudgetInForce(settings, { softwareRenderer: env.softwareRenderer(), processMeasured }) };
    if (heapBytes === null) {
      status = { heapBytes, processBytes, streams, verdict: { kind: 'unavailable' }, settings, checkedAt: now };
      return;
    }
    const figures = { heapBytes, processBytes, streamsLoaded: streams.loaded, streamBudget: streams.budget };
    overSince = overLimit(figures, settings) ? (overSince ?? now) : null;
    const verdict = memoryVerdict({ ...figures, now, loadedAt, overSince, recentRecycles, lookedAt: m.lookedAt, p1Open: openCountsByPriority(m.incidents)[1], replay: inReplay(m) }, settings);
    status = { heapBytes, processBytes, streams, verdict, settings, checkedAt: now };
    if (verdict.kind !== 'recycle') return;
    recycling = true;
    const note: RecycleNote = { at: now, heapBytes, processBytes, figure: verdict.figure, reason: verdict.reason, count: recentRecycles + 1, streams: streams.loaded };
    try {
      env.storage?.setItem(RECYCLE_NOTE_KEY, JSON.stringify(note));
    } catch {
      // a full or refused storage costs the notice, not the recycle
    }
    env.reload();
  };
  const id = setInterval(check, env.everyMs);
  return {
    stop: () => clearInterval(id),
    status: () => status,
  };
}

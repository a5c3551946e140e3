// What a wall page's components share: its bridge, its store, the map (for the video overlay),
// the live tile players and the debug hook's handles — one runtime per page, handed down by
// context, so nothing of a wall lives in a module of its own.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { Bridge } from '../../../core/contract';
import type { DebugHandles } from '../debug';
import { DEFAULT_TIME_ZONE } from '../i18n/format';
import { inReplay, replayClock } from '../model/replay';
import type { WallAction } from '../model/wall';
import type { WallState, WallStore } from '../state/store';
import type { TilePlayerLike } from '../video/registry';
import type { CaseExportView } from './CaseExport';
import { mayAct } from './session';

/** A value that changes, and who wants to hear of it. */
export interface Observable<T> {
  get(): T;
  set(value: T): void;
  /** calls `fn` now and on every change; returns the unsubscribe */
  watch(fn: (value: T) => void): () => void;
}

export function observable<T>(initial: T): Observable<T> {
  let value = initial;
  const listeners = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(v) {
      value = v;
      for (const l of [...listeners]) l(v);
    },
    watch(fn) {
      listeners.add(fn);
      fn(value);
      return () => {
        listeners.delete(fn);
      };
    },
  };
}

export interface WallRuntime {
  bridge: Bridge;
  store: WallStore;
  /** the maplibre map once MapView made it (the video overlay follows it) */
  map: Observable<MaplibreMap | null>;
  /** live tile players by camera id (tiles register while mounted), for the debug hook */
  players: Map<string, TilePlayerLike>;
  /** what the map gives the debug hook */
  debug: DebugHandles;
  /** the last call to volunteers nearby and what came of it, from the panel's button or `B` */
  broadcastSaid: Observable<{ incidentId: string; text: string } | null>;
  /** the keyboard help (`?`) */
  help: Observable<boolean>;
  /** the room menu (layout presets, diagnostics) in the header (`P`) */
  roomMenu: Observable<boolean>;
  /** the case export being asked for or last written (CaseExport.tsx) */
  caseExport: Observable<CaseExportView | null>;
}

export function createRuntime(bridge: Bridge, store: WallStore): WallRuntime {
  return {
    bridge,
    store,
    map: observable<MaplibreMap | null>(null),
    players: new Map(),
    debug: { map: () => null, deck: () => null, overlay: () => null, stats: () => null, sounds: [] },
    broadcastSaid: observable<{ incidentId: string; text: string } | null>(null),
    help: observable(false),
    roomMenu: observable(false),
    caseExport: observable<CaseExportView | null>(null),
  };
}

/** An observable's value as React state. */
export function useObservable<T>(o: Observable<T>): T {
  const [value, setValue] = useState(() => o.get());
  useEffect(() => o.watch(setValue), [o]);
  return value;
}

export const WallContext = createContext<WallRuntime | null>(null);

export function useRuntime(): WallRuntime {
  const r = useContext(WallContext);
  if (!r) throw new Error('no wall runtime: render inside <WallContext.Provider>');
  return r;
}

export const useBridge = (): Bridge => useRuntime().bridge;

/** Selects from the wall's model; re-renders when the selected value changes (by identity). */
export function useWall<T>(selector: (s: WallState) => T): T {
  return useStore(useRuntime().store, selector);
}

/**
 * Whether the signed-in operator may act: controls that act are shown only then (the services
 * decide anyway). Never in a replay: the past is watched, not changed.
 */
export const useCanAct = (): boolean => useWall((s) => mayAct(s.session) && !inReplay(s));

/** The page watches (or is opening) a replay. */
export const useReplaying = (): boolean => useWall((s) => inReplay(s));

export function useDispatch(): (action: WallAction) => void {
  return useRuntime().store.getState().dispatch;
}

/** Local wall-clock time, re-rendering every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * The wall's "now" (model/replay.ts wallClock): the local clock, re-rendering every `everyMs`, on a
 * live wall; the replay clock in a replay, re-rendering as the player moves it.
 */
export function useWallNow(everyMs = 1000): number {
  const local = useNow(everyMs);
  // to the second: the player moves the clock ten times a second, ages change once a second
  return useWall((s) => {
    const at = replayClock(s);
    return at === null ? null : Math.floor(at / 1000) * 1000;
  }) ?? local;
}

export function useTimeZone(): string {
  return useWall((s) => s.reference?.timeZone) ?? DEFAULT_TIME_ZONE;
}

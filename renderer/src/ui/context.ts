// The bridge and the time zone, for components.
import { createContext, useContext, useEffect, useState } from 'react';
import type { Bridge } from '../../../core/contract';
import { DEFAULT_TIME_ZONE } from '../i18n/format';
import { useStore } from '../state/store';

export const BridgeContext = createContext<Bridge | null>(null);

export function useBridge(): Bridge {
  const b = useContext(BridgeContext);
  if (!b) throw new Error('no bridge');
  return b;
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

export function useTimeZone(): string {
  return useStore((s) => s.reference?.timeZone) ?? DEFAULT_TIME_ZONE;
}

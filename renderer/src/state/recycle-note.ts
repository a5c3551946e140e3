// The note a memory recycle left for this page (state/memory-watchdog.ts), taken once at start, so
// the reloaded wall can say why it blinked.
import type { RecycleNote } from '../model/memory-watchdog';

let note: RecycleNote | null = null;

export const setRecycleNote = (n: RecycleNote | null): void => {
  note = n;
};
export const recycleNote = (): RecycleNote | null => note;

// When the operator last touched the wall (a key, a click, a wheel turn): what arrived before it
// is no longer "new" (model/situation.ts isNew). Told to the model at most once a second.
import type { WallAction } from '../model/wall';

const EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;
export const LOOKED_EVERY_MS = 1000;

export function installOperatorPresence(dispatch: (a: WallAction) => void, target: Document = document, now: () => number = Date.now): () => void {
  let last = 0;
  const seen = () => {
    const at = now();
    if (at - last < LOOKED_EVERY_MS) return;
    last = at;
    dispatch({ type: 'looked', at });
  };
  // after the event's own handlers (bubbling, not capture): a click on a row acts on the board as
  // it was, and only then does the operator count as having looked
  for (const e of EVENTS) target.addEventListener(e, seen, { passive: true });
  return () => {
    for (const e of EVENTS) target.removeEventListener(e, seen);
  };
}

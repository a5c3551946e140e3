// When a frame of each origin (so of each frames' process) last said anything: its player's reports,
// and a warm frame's 'ready' while the pool fills. A tile whose own frame is silent asks this before
// taking the whole process for dead (remote-player.ts, silenceAction): a process busy loading warm
// frames is alive, only slow.

const heardAt = new Map<string, number>();

/** A frame of `origin` just said something. */
export function heardFrom(origin: string, at = performance.now()): void {
  heardAt.set(origin, at);
}

/** How long since a frame of `origin` said anything (null: never). */
export function heardAgo(origin: string, now = performance.now()): number | null {
  const at = heardAt.get(origin);
  return at === undefined ? null : now - at;
}

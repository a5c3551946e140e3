// Flow control of one page's replay. At 64× a replay of a city sends the whole situation (~3 MB
// for 5,000 units) several times a second; a page that parses and draws slower than that fell
// behind until the services dropped it as congested (16 MB unread), and it reopened the replay,
// again and again (bench:replay-render, 2026-12-07). Now each update (snapshot or delta) is
// numbered as it is sent and the page acknowledges it once it is in its model (replay.ack); the
// replay holds its next update until then. Nothing of the clock is lost: the update after a wait
// covers all of it (a bigger delta, or a jump to where the clock is now), so a slow page sees fewer
// updates of the same replay, never a backlog. The Electron shell's IPC has no backpressure at
// all, so this is the only bound there.

/** An update unacknowledged this long no longer holds the next: a page that does not acknowledge is bounded by the congestion guard alone. */
export const ACK_WAIT_MS = 5_000;

export type UpdateKind = 'snapshot' | 'delta';

export class ReplayFlow {
  private seq = 0;
  private readonly outstanding: { seq: number; kind: UpdateKind; at: number }[] = [];
  /** times the replay asked and had to wait */
  waits = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly waitMs = ACK_WAIT_MS,
  ) {}

  /** Numbers an update about to be sent. Numbers only grow, across replays of the same connection: a late ack of an old replay cannot release a new one's update. */
  sent(kind: UpdateKind): number {
    const seq = ++this.seq;
    this.outstanding.push({ seq, kind, at: this.now() });
    return seq;
  }

  /** The page took every update up to `seq` in (an ack of a number never sent releases only what was sent). */
  ack(seq: number): void {
    let k = 0;
    while (k < this.outstanding.length && this.outstanding[k].seq <= seq) k++;
    if (k) this.outstanding.splice(0, k);
  }

  /** A new replay (or back to live): nothing sent before holds what comes next. */
  clear(): void {
    this.outstanding.length = 0;
  }

  /**
   * Whether the replay may send its next update: nothing outstanding, or one delta (small: the
   * page applies it while the next tick's is made), or the oldest waited past ACK_WAIT_MS.
   * A snapshot must be taken in before anything follows it.
   */
  ready(): boolean {
    const o = this.outstanding;
    if (o.length === 0) return true;
    if (this.now() - o[0].at >= this.waitMs) return true;
    if (o.length === 1 && o[0].kind === 'delta') return true;
    this.waits++;
    return false;
  }

  /** Updates sent and not yet acknowledged. */
  pending(): number {
    return this.outstanding.length;
  }
}

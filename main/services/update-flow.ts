// Flow control of one page's situation updates, live and replayed. At 64× a replay of a city sends
// the whole situation (~3 MB for 5,000 units) several times a second; a page that parses and draws
// slower than that fell behind until the services dropped it as congested (16 MB unread), and it
// reopened the replay, again and again (bench:replay-render, 2026-12-07). A live wall on a slow PC
// under a burst of traffic did the same with deltas. Now each update (snapshot or delta) is numbered
// as it is sent and the page acknowledges it once it is in its model (updates.ack); the next update
// waits until then. Nothing is lost: a replay's next update covers all the held time (a bigger
// delta, or a jump to where the clock is now), and live deltas held meanwhile go out merged into one
// (core/situation/delta-merge.ts), so a slow page sees fewer updates of the same situation, never a
// backlog. The Electron shell's IPC has no backpressure at all, so this is the only bound there.

/**
 * An update unacknowledged this long no longer holds the next: a page that stopped acknowledging
 * (a fault, not slowness) is then bounded by the congestion guard alone. Long, because a slow wall
 * PC may take many seconds to take in a city's snapshot: with 5 s, a page slowed 6× under 20,000
 * units a second lapsed on every snapshot, was sent everything unheld, dropped as congested and
 * reconnected, again and again (bench:live-render, 2026-12-07). What is held meanwhile is merged, so
 * holding longer costs no more memory.
 */
export const ACK_WAIT_MS = 30_000;

export type UpdateKind = 'snapshot' | 'delta';

export class UpdateFlow {
  private seq = 0;
  private readonly outstanding: { seq: number; kind: UpdateKind; at: number }[] = [];
  /**
   * The page takes part in flow control: it said so when it connected (the wall's pages do), or it
   * has acknowledged an update. Live deltas are held only for such a page (a client that never
   * acknowledges keeps getting every delta, bounded by the congestion guard, as before); a
   * replay's updates wait for every page.
   */
  acknowledging = false;
  /**
   * The oldest update waited past ACK_WAIT_MS: the page is not acknowledging in time (or at all),
   * so nothing holds, and nothing is kept, until it acknowledges again. Bounds what is kept for a
   * page that never acknowledges to a few seconds of numbers.
   */
  private lapsed = false;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly waitMs = ACK_WAIT_MS,
  ) {}

  /** Numbers an update about to be sent. Numbers only grow for the connection, across replays and back to live: a late ack of what came before cannot release a newer update. */
  sent(kind: UpdateKind): number {
    const seq = ++this.seq;
    if (!this.lapsedNow()) this.outstanding.push({ seq, kind, at: this.now() });
    return seq;
  }

  /** The page took every update up to `seq` in (an ack of a number never sent releases only what was sent). */
  ack(seq: number): void {
    this.acknowledging = true;
    this.lapsed = false;
    let k = 0;
    while (k < this.outstanding.length && this.outstanding[k].seq <= seq) k++;
    if (k) this.outstanding.splice(0, k);
  }

  /** A new replay, or back to live: nothing sent before holds what comes next. */
  clear(): void {
    this.outstanding.length = 0;
  }

  private lapsedNow(): boolean {
    const o = this.outstanding;
    if (!this.lapsed && o.length > 0 && this.now() - o[0].at >= this.waitMs) {
      this.lapsed = true;
      o.length = 0;
    }
    return this.lapsed;
  }

  /**
   * Whether the next update may go: nothing outstanding, or one delta (small: the page applies it
   * while the next is made), or the oldest waited past ACK_WAIT_MS. A snapshot must be taken in
   * before anything follows it.
   */
  ready(): boolean {
    const o = this.outstanding;
    if (this.lapsedNow() || o.length === 0) return true;
    return o.length === 1 && o[0].kind === 'delta';
  }

  /** Updates sent and not yet acknowledged. */
  pending(): number {
    return this.outstanding.length;
  }

  /** Milliseconds until the oldest outstanding update stops holding the next (0: it does not hold). */
  waitLeft(): number {
    const o = this.outstanding;
    return o.length === 0 ? 0 : Math.max(0, o[0].at + this.waitMs - this.now());
  }
}

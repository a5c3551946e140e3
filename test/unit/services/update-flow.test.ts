// A page's flow control (live and replay): the next update waits for the page to take the last one in (a snapshot
// entirely, one small delta may be in flight), acks are cumulative and only release what was
// sent, a new replay is not held by the old one's updates, and a page that never acknowledges
// holds nothing for longer than ACK_WAIT_MS.
import { describe, expect, it } from 'vitest';
import { ACK_WAIT_MS, UpdateFlow } from '../../../main/services/update-flow.js';

describe('update flow', () => {
  it('holds after a snapshot until it is acknowledged; lets one delta be in flight, not two', () => {
    let now = 0;
    const f = new UpdateFlow(() => now);
    expect(f.ready()).toBe(true);
    const s = f.sent('snapshot');
    expect(f.ready()).toBe(false);
    now += 1000;
    expect(f.ready()).toBe(false);
    f.ack(s);
    expect(f.ready()).toBe(true);
    const d1 = f.sent('delta');
    expect(f.ready()).toBe(true);
    f.sent('delta');
    expect(f.ready()).toBe(false);
    f.ack(d1);
    expect(f.ready()).toBe(true);
  });

  it('takes an ack as covering every update up to it, and an ack of a number not sent releases only what was sent', () => {
    const f = new UpdateFlow(() => 0);
    f.sent('snapshot');
    f.sent('delta');
    const last = f.sent('delta');
    f.ack(last);
    expect(f.pending()).toBe(0);
    const next = f.sent('snapshot');
    expect(next).toBe(last + 1);
    f.ack(next - 1); // late: the snapshot after it still holds
    expect(f.ready()).toBe(false);
    f.ack(Number.MAX_SAFE_INTEGER);
    expect(f.pending()).toBe(0);
    const after = f.sent('snapshot');
    expect(after).toBe(next + 1);
    expect(f.ready()).toBe(false);
  });

  it('is not held by a replay closed before (clear), and a late ack of the old one does not release the new', () => {
    const f = new UpdateFlow(() => 0);
    const old = f.sent('snapshot');
    f.clear();
    expect(f.ready()).toBe(true);
    f.sent('snapshot');
    f.ack(old);
    expect(f.ready()).toBe(false);
  });

  it('stops waiting for a page that never acknowledges after ACK_WAIT_MS', () => {
    let now = 0;
    const f = new UpdateFlow(() => now);
    f.sent('snapshot');
    now += ACK_WAIT_MS - 1;
    expect(f.ready()).toBe(false);
    now += 1;
    expect(f.ready()).toBe(true);
  });

  it('knows a page that acknowledges; one that stops (or never starts) lapses after ACK_WAIT_MS and has nothing kept for it until it acknowledges again', () => {
    let now = 0;
    const f = new UpdateFlow(() => now);
    expect(f.acknowledging).toBe(false);
    const s = f.sent('snapshot');
    for (let k = 0; k < 100; k++) f.sent('delta');
    expect(f.pending()).toBe(101);
    expect(f.waitLeft()).toBe(ACK_WAIT_MS);
    now += ACK_WAIT_MS;
    expect(f.waitLeft()).toBe(0);
    // lapsed: everything may go, and nothing is kept (a page that never acknowledges costs nothing)
    for (let k = 0; k < 10_000; k++) f.sent('delta');
    expect(f.pending()).toBe(0);
    expect(f.ready()).toBe(true);
    f.ack(s);
    expect(f.acknowledging).toBe(true);
    const again = f.sent('snapshot');
    expect(f.pending()).toBe(1);
    expect(f.ready()).toBe(false);
    now += 1000;
    expect(f.waitLeft()).toBe(ACK_WAIT_MS - 1000);
    f.ack(again);
    expect(f.ready()).toBe(true);
  });
});

// The page acknowledges numbered updates (live and replayed) once it has drawn a frame after taking them in:
// one request for all taken before that frame (the highest number), and without frames (a hidden
// page) after ACK_WITHOUT_FRAME_MS, so a page in a background window does not stall.
import { describe, expect, it } from 'vitest';
import { ACK_WITHOUT_FRAME_MS, updateAcks, type UpdateAcksEnv } from '../../../renderer/src/state/update-acks';

function fakeEnv() {
  let frames: (() => void)[] = [];
  const timers = new Map<number, { fn: () => void; at: number }>();
  let now = 0;
  let id = 0;
  const env: UpdateAcksEnv = {
    frame: (fn) => void frames.push(fn),
    setTimeout: (fn, ms) => (timers.set(++id, { fn, at: now + ms }), id),
    clearTimeout: (t) => void timers.delete(t as number),
  };
  return {
    env,
    /** one animation frame: the callbacks asked for before it */
    frame() {
      const run = frames;
      frames = [];
      for (const f of run) f();
    },
    advance(ms: number) {
      now += ms;
      for (const [k, t] of [...timers]) {
        if (t.at > now) continue;
        timers.delete(k);
        t.fn();
      }
    },
  };
}

function bridge() {
  const acks: number[] = [];
  return { acks, request: (method: string, params: { seq: number }) => (expect(method).toBe('updates.ack'), acks.push(params.seq), Promise.resolve({ ok: true as const, value: { ok: true as const } })) };
}

describe('update acks', () => {
  it('acknowledges after the frame that followed, once for all taken before it', () => {
    const f = fakeEnv();
    const b = bridge();
    const acks = updateAcks(b as never, f.env);
    acks.taken(3);
    acks.taken(5);
    acks.taken(4);
    expect(b.acks).toEqual([]);
    f.frame(); // begins before the page draws
    expect(b.acks).toEqual([]);
    f.frame(); // after it has drawn
    expect(b.acks).toEqual([5]);
    f.advance(ACK_WITHOUT_FRAME_MS * 2);
    expect(b.acks).toEqual([5]);
    acks.taken(6);
    f.frame();
    f.frame();
    expect(b.acks).toEqual([5, 6]);
  });

  it('acknowledges without a frame after ACK_WITHOUT_FRAME_MS (a hidden page), and not twice', () => {
    const f = fakeEnv();
    const b = bridge();
    const acks = updateAcks(b as never, f.env);
    acks.taken(1);
    f.advance(ACK_WITHOUT_FRAME_MS - 1);
    expect(b.acks).toEqual([]);
    f.advance(1);
    expect(b.acks).toEqual([1]);
    f.frame();
    f.frame();
    expect(b.acks).toEqual([1]);
  });
});

// The bridge hub's live flow control on a quiet wall, on a clock the test moves: deltas held for a
// page that has not acknowledged go out by themselves once it has not answered for ACK_WAIT_MS,
// even when nothing else happens that could carry them (the integration test,
// test/integration/web/live-flow.test.ts, runs the rest over a real broker and WebSocket). Real
// reducer, SituationService, Auth and hub; the peers are the hub's own Peer interface.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import type { ServerMessage } from '../../../core/contract.js';
import { createSituation } from '../../../core/situation/situation.js';
import { AccessLog } from '../../../main/services/access-log.js';
import { Auth } from '../../../main/services/auth.js';
import { BridgeHub, type BridgeHubDeps, type Peer } from '../../../main/services/bridge-hub.js';
import { SituationService } from '../../../main/services/situation-service.js';
import { ACK_WAIT_MS } from '../../../main/services/update-flow.js';

const T0 = Date.UTC(2026, 11, 7, 8);

function setup() {
  const config = parseConfig({});
  if (!config.ok) throw new Error(config.error);
  const state = createSituation({ cameras: [], kiosks: [] }, () => undefined);
  const situation = new SituationService(state, { deltaIntervalMs: 50, now: () => Date.now() });
  const deps = {
    situation,
    desk: {} as BridgeHubDeps['desk'],
    auth: new Auth(config.value as WatchfloorConfig, () => {}),
    reporter: () => ({ id: '', points: 0 }) as unknown as ReturnType<BridgeHubDeps['reporter']>,
    health: () => ({}) as ReturnType<BridgeHubDeps['health']>,
    reference: () => ({}) as ReturnType<BridgeHubDeps['reference']>,
    access: new AccessLog(),
    healthIntervalMs: 3_600_000,
  } satisfies BridgeHubDeps;
  const hub = new BridgeHub(deps);
  let id = 1;
  const page = () => {
    const got: ServerMessage[] = [];
    const peer: Peer = { deliver: (m, encode) => got.push(JSON.parse(encode()) as ServerMessage), close: () => {} };
    const handle = hub.attach(peer)!;
    const updates = () => got.filter((m): m is ServerMessage & { type: 'snapshot' | 'delta' } => m.type === 'snapshot' || m.type === 'delta');
    return { got, updates, ack: () => handle.receive({ type: 'request', id: id++, method: 'updates.ack', params: { seq: updates().at(-1)!.seq } }) };
  };
  const move = (k: number) => {
    situation.apply({ t: 'events', at: Date.now(), topic: 'u/Q1', events: [{ type: 'unitFix', source: 'units', fix: { id: 'Q1', ts: Date.now(), lat: 26.05 + k * 1e-4, lon: 119.3, kind: 'volunteer' } }] });
    situation.flush();
  };
  return { hub, page, move };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('live flow control on a quiet wall', () => {
  it('sends what it held for a page that stopped acknowledging, by itself, ACK_WAIT_MS after the oldest unanswered update', () => {
    const { hub, page, move } = setup();
    const slow = page();
    const never = page();
    expect(slow.updates().map((m) => [m.type, m.seq])).toEqual([['snapshot', 1]]);
    slow.ack();
    move(1);
    move(2);
    move(3);
    // two in flight, the third held; the page that never acknowledged gets all three
    expect(slow.updates().length).toBe(3);
    expect(never.updates().length).toBe(4);
    vi.advanceTimersByTime(ACK_WAIT_MS - 1);
    expect(slow.updates().length).toBe(3);
    vi.advanceTimersByTime(1);
    const last = slow.updates().at(-1)!;
    expect(last.seq).toBe(4);
    expect(last.type === 'delta' && last.delta.unitMoves.map((m) => m[1])).toEqual([26.05 + 3e-4]);
    // nothing more is held or sent for it
    vi.advanceTimersByTime(60_000);
    expect(slow.updates().length).toBe(4);
    hub.close();
  });

  it('sends what it held as soon as the page acknowledges, merged into one, and no timer sends it twice', () => {
    const { hub, page, move } = setup();
    const slow = page();
    slow.ack();
    for (let k = 1; k <= 6; k++) move(k);
    expect(slow.updates().length).toBe(3);
    vi.advanceTimersByTime(1000);
    slow.ack();
    expect(slow.updates().length).toBe(4);
    const merged = slow.updates().at(-1)!;
    // the four held moves as one: where the unit is now, every place it passed as a trail point
    expect(merged.type === 'delta' && merged.delta.unitMoves.map((m) => m[1])).toEqual([26.05 + 6e-4]);
    expect(merged.type === 'delta' && merged.delta.trailPoints.map((p) => p[2])).toEqual([3, 4, 5, 6].map((k) => 26.05 + k * 1e-4));
    vi.advanceTimersByTime(60_000);
    expect(slow.updates().length).toBe(4);
    hub.close();
  });
});

// Sign-in on the bridge itself, as the Electron shell uses it (a window attached over IPC, no
// cookie): the real host's hub, a peer in memory. A peer nobody signed in to learns that and
// nothing else; it signs in with session.signIn, then gets the situation; a viewer's actions are
// refused; signing out (here or over HTTP) takes the rights away at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../core/contract.js';
import type { Host } from '../../../main/services/host.js';
import { hashSecret } from '../../../main/services/passwords.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';

let host: Host;
beforeAll(async () => {
  host = await startTestHost({
    auth: { users: [{ name: '李娜', role: 'dispatcher', passwordHash: await hashSecret('desk-pass-9') }, { name: '走廊', role: 'viewer', passwordHash: await hashSecret('corridor-9') }] },
  } as never);
  await host.ingest.ready(10_000);
}, 30_000);
afterAll(() => host?.close());

function window() {
  const got: ServerMessage[] = [];
  let n = 0;
  const handle = host.hub.attach({ deliver: (m) => got.push(m), close: () => {} }, { principal: host.auth.anonymous, from: 'electron' })!;
  const ask = async (method: string, params: unknown) => {
    const id = ++n;
    handle.receive({ type: 'request', id, method, params });
    await waitFor(() => got.some((m) => m.type === 'response' && m.id === id), 10_000, `answer to ${method}`);
    return got.find((m) => m.type === 'response' && m.id === id) as Extract<ServerMessage, { type: 'response' }>;
  };
  return { got, handle, ask, kinds: () => got.map((m) => m.type) };
}

describe('sign-in over the bridge (the Electron shell)', () => {
  it('tells a window nobody signed in to only that, signs it in, and then gives it the situation', async () => {
    const w = window();
    expect(w.got).toEqual([{ type: 'session', session: { me: null, signInAvailable: true } }]);
    expect(await w.ask('situation.get', {})).toMatchObject({ ok: false, error: 'unauthorized: sign in first' });
    expect(await w.ask('incident.ack', { id: 'x' })).toMatchObject({ ok: false, error: 'unauthorized: sign in first' });
    expect(await w.ask('session.signIn', { name: '李娜', password: 'wrong' })).toMatchObject({ ok: false, error: 'unauthorized: name or password is wrong' });
    // the heartbeat and deltas pass it by
    await waitFor(() => host.hub.peerCount > 0, 1000);
    expect(w.kinds().filter((k) => k === 'snapshot' || k === 'health' || k === 'delta')).toEqual([]);

    const ok = await w.ask('session.signIn', { name: '李娜', password: 'desk-pass-9' });
    expect(ok).toMatchObject({ ok: true, result: { me: { name: '李娜', role: 'dispatcher', via: 'session', canAct: true } } });
    await waitFor(() => w.kinds().includes('snapshot'), 5000, 'snapshot after sign-in');

    const sensor = await connectClient(host.brokerUrl);
    await publish(sensor, 'watchfloor/v1/alarms/110', { id: 'E-1', ts: Date.now(), kind: 'fire', priority: 1, lat: 26.08, lon: 119.3, title: '仓库起火' });
    await sensor.endAsync();
    await waitFor(() => w.got.some((m) => m.type === 'delta' && m.delta.incidents.some((i) => i.id === 'E-1')), 5000, 'the alarm');
    expect(await w.ask('incident.ack', { id: 'E-1' })).toMatchObject({ ok: true });
    expect(host.situation.state.incidents.get('E-1')).toMatchObject({ acknowledgedBy: '李娜' });

    // signing out leaves the window with nothing
    expect(await w.ask('session.signOut', {})).toMatchObject({ ok: true, result: { me: null } });
    const before = w.got.length;
    expect(await w.ask('situation.get', {})).toMatchObject({ ok: false, error: 'unauthorized: sign in first' });
    expect(w.got.slice(before).filter((m) => m.type !== 'response')).toEqual([]);
    w.handle.detach();
  });

  it("refuses a viewer's actions, and ends a window's rights when its session is signed out elsewhere", async () => {
    const w = window();
    expect(await w.ask('session.signIn', { name: '走廊', password: 'corridor-9' })).toMatchObject({ ok: true });
    expect(await w.ask('incident.act', { id: 'E-1', action: 'note', note: 'x' })).toMatchObject({ ok: false, error: 'forbidden: viewer may not act: only a commander or a dispatcher can note' });
    expect(await w.ask('situation.get', {})).toMatchObject({ ok: true });

    const d = window();
    expect(await d.ask('session.signIn', { name: '李娜', password: 'desk-pass-9' })).toMatchObject({ ok: true });
    const sessionId = d.handle.auth().sessionId!;
    host.auth.signOut(sessionId, 'test');
    host.hub.endSession(sessionId);
    expect(d.got.at(-1)).toEqual({ type: 'session', session: { me: null, signInAvailable: true } });
    expect(await d.ask('incident.act', { id: 'E-1', action: 'note', note: 'x' })).toMatchObject({ ok: false, error: 'unauthorized: sign in first' });
    // a window that asks for a fresh start keeps who it is (Electron's hello re-attaches it)
    const again = host.hub.attach({ deliver: () => {}, close: () => {} }, w.handle.auth());
    expect(again!.auth().principal).toMatchObject({ name: '走廊', role: 'viewer' });
    again!.detach();
    w.handle.detach();
    d.handle.detach();
  });
});

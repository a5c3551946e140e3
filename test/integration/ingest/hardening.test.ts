// MQTT as a hostile or careless network gives it, through real brokers (Debian's Mosquitto, MQTT
// 3.1.1 and 5, and the embedded Aedes): passwords written into broker URLs, payloads far beyond the
// limit, retained alarms replayed on every subscription, an embedded broker that anyone can reach.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';
import { startWebProcess, type WebProcess } from '../../helpers/web-process.js';

const P = 'watchfloor/v1';
const alarm = (id: string, over: Record<string, unknown> = {}) => ({ id, ts: Date.now(), kind: 'theft', priority: 2, lat: 26.0425, lon: 119.2826, title: '万达广场手机被盗', ...over });

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('broker credentials written into the URL', () => {
  it('logs in with them and never shows them: not in /api/health, the bridge, the situation or the start-up line', async () => {
    const secret = 'Zq9/s3cr3t@pw';
    const mosquitto = await startMosquitto({ users: { wall: secret, sensor: 'pw' } });
    cleanup.push(() => mosquitto.stop());
    const url = `mqtt://wall:${encodeURIComponent(secret)}@127.0.0.1:${mosquitto.port}`;
    const wp: WebProcess = await startWebProcess({ brokers: [url], clientId: `wf-cred-${process.pid}` });
    cleanup.push(() => wp.stop());
    // connected (and subscribed) with the URL's login: an alarm arrives
    let connected = false;
    const deadline = Date.now() + 15_000;
    while (!connected && Date.now() < deadline) {
      connected = (await (await fetch(`${wp.url}/api/health`)).json()).broker.connected;
      if (!connected) await new Promise((r) => setTimeout(r, 100));
    }
    expect(connected).toBe(true);
    const pub = await connectClient(mosquitto.url, { username: 'sensor', password: 'pw' });
    await publish(pub, `${P}/alarms/110`, alarm('CRED-1'));
    await pub.endAsync();
    let situation = '';
    async function poll() {
      situation = await (await fetch(`${wp.url}/api/situation`)).text();
    }
    const timer = setInterval(() => void poll(), 200);
    try {
      await waitFor(() => situation.includes('CRED-1'), 15_000, 'the alarm through the URL-authenticated broker');
    } finally {
      clearInterval(timer);
    }
    const health = await (await fetch(`${wp.url}/api/health`)).json();
    expect(health.broker).toMatchObject({ connected: true, url: `mqtt://127.0.0.1:${mosquitto.port}` });
    const bridge = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${wp.url.replace('http', 'ws')}/bridge`, { headers: { Origin: wp.url } });
      ws.once('message', (d) => {
        ws.close();
        resolve(d.toString());
      });
      ws.once('error', reject);
    });
    for (const [what, text] of [['health', JSON.stringify(health)], ['bridge snapshot', bridge], ['situation', situation], ['start-up output', wp.output()]] as const) {
      expect(text, what).not.toContain('s3cr3t');
      expect(text, what).not.toContain(encodeURIComponent(secret));
    }
    expect(wp.output()).toContain(`broker: mqtt://127.0.0.1:${mosquitto.port}`);
  });

  it('refuses at start URLs whose credentials disagree, saying what to write instead, without printing them', async () => {
    await expect(startWebProcess({ brokers: ['mqtt://a:one-secret@127.0.0.1:1', 'mqtt://a:other-secret@127.0.0.1:2'] })).rejects.toThrow(/different credentials[\s\S]*"username" and "password"/);
    const err = await startWebProcess({ brokers: ['mqtt://a:one-secret@127.0.0.1:1'], username: 'b' }).catch((e: Error) => e.message);
    expect(err).toMatch(/differ from "username"\/"password"/);
    expect(err).not.toContain('one-secret');
  });
});

const BIG = 10 * 1024 * 1024;

describe.each([
  ['Mosquitto, MQTT 3.1.1', 'mosquitto', 4],
  ['Mosquitto, MQTT 5', 'mosquitto', 5],
  ['the embedded Aedes', 'aedes', 4],
] as const)('a payload far over the limit through %s', (_name, broker, protocolVersion) => {
  it('is cut on arrival, counted as oversized with an excerpt, and costs the feed nothing; a payload dressed as a cut one is not taken for one', async () => {
    let mosquitto: Mosquitto | undefined;
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto();
      cleanup.push(() => mosquitto!.stop());
    }
    const host: Host = await startTestHost({ ...(mosquitto ? { brokers: [mosquitto.url] } : {}), protocolVersion }, `wf-big-${broker}-${protocolVersion}-${process.pid}`);
    cleanup.push(() => host.close());
    await host.ingest.ready();
    const pub = await connectClient(mosquitto?.url ?? host.brokerUrl);
    await publish(pub, `${P}/alarms/110`, alarm('BIG-before'));
    // what a cut message looks like inside the wall, sent by a publisher: the marker's old form, and
    // one with a made-up key. Neither is a cut message: they are the payloads they are
    await pub.publishAsync(`${P}/alarms/110`, `\u0000watchfloor:oversized:99999999\u0000{"id":"FORGED-1"}`, { qos: 1 });
    await pub.publishAsync(`${P}/alarms/110`, `\u0000watchfloor:oversized:${'0'.repeat(32)}:99999999\u0000{"id":"FORGED-2"}`, { qos: 1 });
    const huge = `{"id":"BIG-huge","pad":"${'x'.repeat(BIG)}"}`;
    await pub.publishAsync(`${P}/alarms/110`, huge, { qos: 1 });
    await publish(pub, `${P}/alarms/110`, alarm('BIG-after'));
    await pub.endAsync();
    const s = host.situation.state;
    await waitFor(() => s.incidents.has('BIG-after') && s.stats.rejected >= 3, 20_000, 'the alarms around the big one');
    expect(s.incidents.has('BIG-before')).toBe(true);
    const forged = s.rejects.filter((r) => r.excerpt.includes('FORGED'));
    expect(forged.map((r) => r.reason)).toEqual(['invalid_json', 'invalid_json']);
    expect(s.stats.rejectedByReason).toMatchObject({ oversized: 1, invalid_json: 2 });
    const rej = s.rejects.find((r) => r.reason === 'oversized')!;
    expect(rej).toMatchObject({ reason: 'oversized', topic: `${P}/alarms/110` });
    // never held whole: only its size and first bytes reached the wall
    expect(rej.message).toContain(`payload of ${huge.length} bytes`);
    expect(rej.message).toContain('cut on arrival');
    expect(rej.excerpt.startsWith('{"id":"BIG-huge","pad":"xxx')).toBe(true);
    // the feed stayed up and the message was acknowledged (not redelivered)
    expect(host.ingest.health()).toMatchObject({ connected: true, reconnects: 0 });
    expect(s.stats.rejected).toBe(3);
  });
});

describe('the embedded broker', () => {
  it('asks for the configured username and password, and refuses anyone else', async () => {
    const host = await startTestHost({ username: 'wall', password: 'room-42' }, `wf-eb-auth-${process.pid}`);
    cleanup.push(() => host.close());
    await host.ingest.ready();
    expect(host.brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    await expect(connectClient(host.brokerUrl, { reconnectPeriod: 0 })).rejects.toThrow(/bad user ?name or password|not authorized/i);
    await expect(connectClient(host.brokerUrl, { reconnectPeriod: 0, username: 'wall', password: 'wrong' })).rejects.toThrow(/bad user ?name or password|not authorized/i);
    const pub = await connectClient(host.brokerUrl, { username: 'wall', password: 'room-42' });
    await publish(pub, `${P}/alarms/110`, alarm('EB-1'));
    await pub.endAsync();
    await waitFor(() => host.situation.state.incidents.has('EB-1'), 5000, 'alarm through the authenticated embedded broker');
  });
});

describe('retained alarms', () => {
  it('are taken once at start (recent ones raised, old ones not) and not replayed on every reconnect', async () => {
    const mosquitto = await startMosquitto();
    cleanup.push(() => mosquitto.stop());
    const pub = await connectClient(mosquitto.url);
    for (let i = 0; i < 50; i++) await pub.publishAsync(`${P}/alarms/r${i}`, JSON.stringify(alarm(`RET-${i}`)), { qos: 1, retain: true });
    await pub.publishAsync(`${P}/alarms/old`, JSON.stringify(alarm('RET-old', { ts: Date.now() - 3 * 3600_000 })), { qos: 1, retain: true });
    await pub.endAsync();
    const host = await startTestHost({ brokers: [mosquitto.url] }, `wf-retained-${process.pid}`);
    cleanup.push(() => host.close());
    const s = host.situation.state;
    await waitFor(() => s.stats.retained === 51, 10_000, 'the retained alarms');
    expect(s.incidents.size).toBe(50);
    expect(s.incidents.has('RET-old')).toBe(false);
    expect(s.stats).toMatchObject({ retainedIgnored: 1, duplicates: 0, accepted: 0 });
    // the broker restarts (its persistence keeps our session): the wall reconnects, and nothing is replayed
    for (let round = 0; round < 3; round++) {
      const before = host.ingest.health().reconnects;
      await mosquitto.stop();
      await mosquitto.start();
      await waitFor(() => host.ingest.health().connected && host.ingest.health().reconnects > before, 15_000, 'reconnected');
    }
    const live = await connectClient(mosquitto.url);
    await publish(live, `${P}/alarms/110`, alarm('RET-live'));
    await live.endAsync();
    await waitFor(() => s.incidents.has('RET-live'), 5000, 'a live alarm after the reconnects');
    expect(s.stats).toMatchObject({ retained: 51, duplicates: 0, accepted: 1 });
  });
});

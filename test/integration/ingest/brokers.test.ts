// Publish → situation through real brokers: the embedded Aedes and Debian's Mosquitto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';

const P = 'watchfloor/v1';
const alarm = (id: string, over: Record<string, unknown> = {}) => ({ id, ts: Date.now(), kind: 'theft', priority: 2, lat: 26.0425, lon: 119.2826, title: '万达广场服装店手机被盗', ...over });

describe.each(['aedes', 'mosquitto'] as const)('ingest through %s', (brokerKind) => {
  let mosquitto: Mosquitto | undefined;
  let host: Host;
  let brokerUrl: string;

  beforeAll(async () => {
    if (brokerKind === 'mosquitto') {
      mosquitto = await startMosquitto();
      host = await startTestHost({ brokers: [mosquitto.url] }, `wf-test-${brokerKind}-${process.pid}`);
      brokerUrl = mosquitto.url;
    } else {
      host = await startTestHost({}, `wf-test-${brokerKind}-${process.pid}`);
      brokerUrl = host.brokerUrl;
    }
    await host.ingest.ready();
  });
  afterAll(async () => {
    await host?.close();
    await mosquitto?.stop();
  });

  it('turns published alarms and fixes into the situation, and bad input into counted rejects', async () => {
    const pub = await connectClient(brokerUrl);
    await publish(pub, `${P}/alarms/110`, alarm('INT-1'));
    await publish(pub, `${P}/units/V-9/location`, { id: 'V-9', ts: Date.now(), lat: 26.07, lon: 119.3, kind: 'patrol', name: '巡逻 9' });
    await publish(pub, `${P}/alarms/110`, '{"id": broken');
    await publish(pub, `${P}/alarms/110`, alarm('INT-2', { lat: 'north' }));
    await publish(pub, `${P}/alarms/110`, alarm('INT-3', { kind: 'alien' }));
    await publish(pub, `${P}/alarms/110`, alarm('INT-4'));
    const s = host.situation.state;
    await waitFor(() => s.incidents.has('INT-4') && s.stats.rejected >= 3, 10_000, 'alarms and rejects');
    expect(s.incidents.get('INT-1')).toMatchObject({ kind: 'theft', priority: 2, source: '110', status: 'open' });
    expect(s.units.get('V-9')).toMatchObject({ kind: 'patrol', name: '巡逻 9' });
    expect(s.stats.rejectedByReason).toMatchObject({ invalid_json: 1, bad_coordinates: 1, unknown_kind: 1 });
    expect(s.incidents.has('INT-2')).toBe(false);
    expect(s.rejects.map((r) => r.topic)).toEqual([`${P}/alarms/110`, `${P}/alarms/110`, `${P}/alarms/110`]);
    expect(s.rejects[0].excerpt).toBe('{"id": broken');
    // what the client read and what reached the situation, counted apart: six each
    await waitFor(() => host.ingest.health().received >= 6, 5_000, 'the worker’s count');
    expect(host.ingest.health()).toMatchObject({ received: 6, handled: 6 });
    await pub.endAsync();
  });

  it('delivers QoS 1 messages published while the wall was disconnected once it reconnects', async () => {
    const clientId = `wf-durable-${brokerKind}-${process.pid}`;
    const first = await startTestHost({ brokers: [brokerUrl] }, clientId);
    await first.ingest.ready();
    await first.close();
    const pub = await connectClient(brokerUrl);
    const ids = Array.from({ length: 50 }, (_, i) => `OFF-${i}`);
    for (const id of ids) await publish(pub, `${P}/alarms/kiosk`, alarm(id));
    await pub.endAsync();
    const second = await startTestHost({ brokers: [brokerUrl] }, clientId);
    try {
      await waitFor(() => ids.every((id) => second.situation.state.incidents.has(id)), 10_000, 'offline messages');
      expect(second.situation.state.stats.accepted).toBeGreaterThanOrEqual(50);
    } finally {
      await second.close();
    }
  });
});

describe('broker restarts mid-stream (Mosquitto with persistence)', () => {
  it('loses no QoS 1 alarm over 10 restarts, and holds each one once', { timeout: 120_000 }, async () => {
    const mosquitto = await startMosquitto();
    const host = await startTestHost({ brokers: [mosquitto.url] }, `wf-restart-${process.pid}`);
    await host.ingest.ready();
    const pub = await connectClient(mosquitto.url, { clientId: `wf-pub-${process.pid}`, clean: false, reconnectPeriod: 100 });
    const N = 600;
    const RESTARTS = 10;
    // a restart every 55 alarms, from the 30th on
    const restartAt = new Set(Array.from({ length: RESTARTS }, (_, k) => 30 + k * 55));
    const sent: Promise<void>[] = [];
    try {
      // as a device does: a publish the broker never acknowledged (the link dropped before mqtt.js
      // could resend it) is sent again, the same message, until it is — bounded
      const untilAcked = async (i: number) => {
        const message = alarm(`RS-${i}`, { ts: Date.now() });
        for (let attempt = 1; ; attempt++) {
          try {
            return await publish(pub, `${P}/alarms/110`, message);
          } catch (e) {
            if (attempt >= 30) throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      };
      for (let i = 0; i < N; i++) {
        // No await: mqtt.js keeps unacknowledged QoS 1 publishes and resends them after reconnect.
        sent.push(untilAcked(i));
        if (restartAt.has(i)) {
          const before = host.ingest.health().reconnects;
          await mosquitto.stop();
          await mosquitto.start();
          // each restart seen by the wall (its own reconnect), with alarms still in flight
          await waitFor(() => host.ingest.health().reconnects > before && host.ingest.health().connected, 15_000, `the wall back after restart ${[...restartAt].indexOf(i) + 1}`);
        } else if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(sent);
      const s = host.situation.state;
      const ids = Array.from({ length: N }, (_, i) => `RS-${i}`);
      await waitFor(() => ids.every((id) => s.incidents.has(id)), 30_000, 'every alarm after the restarts');
      expect([...s.incidents.keys()].filter((k) => k.startsWith('RS-'))).toHaveLength(N);
      // once each: a redelivered copy is known as one (counted), never a second report on the incident
      for (const id of ids) expect(s.incidents.get(id)!.timeline.filter((e) => e.kind === 'reported'), id).toHaveLength(1);
      expect(host.ingest.health().reconnects).toBeGreaterThanOrEqual(RESTARTS);
      expect(host.ingest.health().connected).toBe(true);
    } finally {
      await pub.endAsync();
      await host.close();
      await mosquitto.stop();
    }
  });
});

describe('failover across the broker list', () => {
  it('connects to the second broker when the first is down', async () => {
    const mosquitto = await startMosquitto();
    const host = await startTestHost({ brokers: ['mqtt://127.0.0.1:1', mosquitto.url] }, `wf-failover-${process.pid}`);
    try {
      await host.ingest.ready(15_000);
      expect(host.ingest.health()).toMatchObject({ connected: true, url: mosquitto.url });
      const pub = await connectClient(mosquitto.url);
      await publish(pub, `${P}/alarms/110`, alarm('FO-1'));
      await waitFor(() => host.situation.state.incidents.has('FO-1'), 5000, 'alarm via second broker');
      await pub.endAsync();
    } finally {
      await host.close();
      await mosquitto.stop();
    }
  });
});

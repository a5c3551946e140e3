// 100,000 malformed messages mixed into valid traffic, through Mosquitto (issue #16's fault suite):
// the wall does not crash, counts every bad one under its reason, and applies every valid one.
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { RejectReason } from '../../../core/domain.js';
import type { Host } from '../../../main/services/host.js';
import { missingTool } from '../../helpers/assets.js';
import { connectClient, startTestHost, waitFor } from '../../helpers/host.js';
import { MOSQUITTO, type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';

const P = 'watchfloor/v1';
const BAD = 100_000;
const VALID_FIXES = 2_000;
const VALID_ALARMS = 200;

/** kinds of bad message, each with the reason the wall must count it under */
const now = Date.now();
const fix = (id: string, o: Record<string, unknown> = {}) => JSON.stringify({ id, ts: now, kind: 'volunteer', lat: 26.05, lon: 119.3, ...o });
const BAD_KINDS: { reason: RejectReason; make: (k: number) => { topic: string; payload: string | Buffer } }[] = [
  { reason: 'invalid_json', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: `{"id":"b${k}","lat":` }) },
  { reason: 'invalid_encoding', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d, k % 256]) }) },
  { reason: 'schema', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: JSON.stringify({ id: `b${k}`, lat: 26 }) }) },
  { reason: 'unknown_kind', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: fix(`b${k}`, { kind: 'submarine' }) }) },
  { reason: 'bad_coordinates', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: fix(`b${k}`, { lat: 91 + (k % 50) }) }) },
  { reason: 'future_timestamp', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: fix(`b${k}`, { ts: now + 86_400_000 + k }) }) },
  { reason: 'conflict', make: (k) => ({ topic: `${P}/units/b${k}/location`, payload: fix(`other${k}`) }) },
  { reason: 'schema', make: (k) => ({ topic: `${P}/alarms/110`, payload: JSON.stringify({ id: `bad-alarm-${k}`, kind: 'theft', priority: 9, lat: 26, lon: 119, title: 'x', ts: now }) }) },
  { reason: 'invalid_json', make: () => ({ topic: `${P}/alarms/110`, payload: '' }) },
];

/** Publishes at QoS 1 with a window of unacknowledged messages, as a busy gateway does. */
async function publishAll(client: MqttClient, messages: Iterable<{ topic: string; payload: string | Buffer }>): Promise<number> {
  const it = messages[Symbol.iterator]();
  let sent = 0;
  await new Promise<void>((resolve, reject) => {
    let inflight = 0;
    let done = false;
    const pump = () => {
      while (inflight < 512 && !done) {
        const next = it.next();
        if (next.done) {
          done = true;
          break;
        }
        inflight++;
        client.publish(next.value.topic, next.value.payload, { qos: 1 }, (e) => {
          inflight--;
          if (e) return reject(e);
          sent++;
          if (done && inflight === 0) resolve();
          else pump();
        });
      }
      if (done && inflight === 0) resolve();
    };
    pump();
  });
  return sent;
}

describe.skipIf(missingTool(!!MOSQUITTO, 'mosquitto'))('a flood of malformed messages in valid traffic (Mosquitto)', () => {
  let mosquitto: Mosquitto | undefined;
  let host: Host | undefined;
  let client: MqttClient | undefined;
  afterAll(async () => {
    await client?.endAsync();
    await host?.close();
    await mosquitto?.stop();
  });

  it(`counts all ${BAD.toLocaleString()} bad ones by reason and applies every valid one`, { timeout: 180_000 }, async () => {
    mosquitto = await startMosquitto();
    host = await startTestHost({ brokers: [mosquitto.url] }, `wf-flood-${process.pid}`);
    await host.ingest.ready();
    client = await connectClient(mosquitto.url, { clientId: `wf-flood-pub-${process.pid}` });
    const expected: Partial<Record<RejectReason, number>> = {};
    const stream = function* () {
      let valid = 0;
      for (let k = 0; k < BAD; k++) {
        const kind = BAD_KINDS[k % BAD_KINDS.length];
        expected[kind.reason] = (expected[kind.reason] ?? 0) + 1;
        yield kind.make(k);
        // a valid message after every 45 bad ones: fixes of 500 units, then alarms
        if (k % 45 === 0 && valid < VALID_FIXES + VALID_ALARMS) {
          yield valid < VALID_FIXES
            ? { topic: `${P}/units/v${valid % 500}/location`, payload: fix(`v${valid % 500}`, { ts: now + valid, lat: 26.05 + valid * 1e-6 }) }
            : { topic: `${P}/alarms/110`, payload: JSON.stringify({ id: `flood-${valid - VALID_FIXES}`, ts: now, kind: 'theft', priority: 2, lat: 26.04, lon: 119.28, title: '洪峰中的真警情' }) };
          valid++;
        }
      }
      expect(valid).toBe(VALID_FIXES + VALID_ALARMS);
    };
    const sent = await publishAll(client, stream());
    expect(sent).toBe(BAD + VALID_FIXES + VALID_ALARMS);

    const s = host.situation.state;
    await waitFor(() => s.stats.rejected >= BAD && s.incidents.size >= VALID_ALARMS, 120_000, 'every message taken');
    // every bad one counted, under its reason — and nothing else refused
    expect(s.stats.rejected).toBe(BAD);
    expect(Object.fromEntries(Object.entries(s.stats.rejectedByReason).filter(([, n]) => n))).toEqual(expected);
    // every valid one applied: 500 units at their last fix, all the alarms
    await waitFor(() => s.units.size === 500, 10_000, 'the valid units');
    for (let u = 0; u < 500; u++) {
      const last = VALID_FIXES - 500 + u;
      const unit = s.units.get(`v${u}`);
      expect(unit?.ts, `unit v${u}`).toBe(now + last);
      expect(unit?.lat).toBeCloseTo(26.05 + last * 1e-6, 7);
    }
    for (let a = 0; a < VALID_ALARMS; a++) expect(s.incidents.has(`flood-${a}`), `alarm ${a}`).toBe(true);
    expect([...s.units.keys()].filter((id) => !id.startsWith('v'))).toEqual([]);
    // and the wall is well: connected, its health says what it refused
    expect(host.ingest.health().connected).toBe(true);
    // and read every message once: what the MQTT client counted is what reached the situation
    // (the worker reports what it read every 50 ms)
    const total = BAD + VALID_FIXES + VALID_ALARMS;
    await waitFor(() => host!.ingest.health().received >= total, 5_000, 'the worker’s count');
    expect(host.ingest.health()).toMatchObject({ received: total, handled: total });
    console.log(`[flood] ${BAD.toLocaleString()} bad + ${VALID_FIXES + VALID_ALARMS} valid: rejected ${JSON.stringify(s.stats.rejectedByReason)}`);
  });
});

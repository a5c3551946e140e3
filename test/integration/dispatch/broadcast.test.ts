// A dispatch end to end through Debian's Mosquitto: an alarm with the suspects' photos, a broadcast
// to the volunteers within 500 m — real MQTT clients on persistent sessions, one of them offline
// while it is sent and getting it when it comes back — their answers, the incident on scene once
// one arrives, and replies that do not fit rejected and counted.
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { DispatchMessage } from '../../../core/adapters/native-schemas.js';
import type { Host } from '../../../main/services/host.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';

const P = 'watchfloor/v1';
const WANDA = { lat: 26.0425, lon: 119.2826 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A volunteer's phone: a persistent session subscribed to its own dispatch topic. */
async function volunteer(m: Mosquitto, id: string, inbox: DispatchMessage[]): Promise<MqttClient> {
  // listening before it connects: a returning session's queued messages come right after CONNACK
  const c = mqtt.connect(m.url, { clientId: `phone-${id}-${process.pid}`, clean: false, reconnectPeriod: 200 });
  c.on('message', (_t, payload) => inbox.push(JSON.parse(payload.toString()) as DispatchMessage));
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  await c.subscribeAsync(`${P}/dispatch/${id}`, { qos: 1 });
  return c;
}

describe('broadcast to volunteers nearby', () => {
  it('reaches every available volunteer within the radius (offline ones when they return), and their answers put the incident on scene', async () => {
    const m = await startMosquitto();
    cleanup.push(() => m.stop());
    const host: Host = await startTestHost({ brokers: [m.url] }, `wf-dispatch-${process.pid}`);
    cleanup.push(() => host.close());
    await host.ingest.ready(10_000);
    const sensor = await connectClient(m.url);
    cleanup.push(() => sensor.endAsync());

    const inbox: Record<string, DispatchMessage[]> = { near1: [], near2: [], away: [], far: [], busy: [] };
    const phones: Record<string, MqttClient> = {};
    for (const id of Object.keys(inbox)) phones[id] = await volunteer(m, id, inbox[id]);
    cleanup.push(async () => {
      for (const c of Object.values(phones)) await c.endAsync(true);
    });
    // ~100 m per 0.001° of longitude here: near1 200 m, near2 350 m, away 450 m (offline when sent), far 900 m, busy 100 m
    const spots: Record<string, [number, Record<string, unknown>?]> = { near1: [0.002], near2: [0.0035], away: [0.0045], far: [0.009], busy: [0.001, { status: 'busy' }] };
    for (const [id, [dLon, extra]] of Object.entries(spots)) await publish(sensor, `${P}/units/${id}/location`, { id, ts: Date.now(), kind: 'volunteer', name: `志愿者${id}`, lat: WANDA.lat, lon: WANDA.lon + dLon, ...extra });
    const media = [{ url: '/media/demo/clue-1.jpg', type: 'image/jpeg' }, { url: '/media/demo/clue-2.jpg', type: 'image/jpeg' }];
    await publish(sensor, `${P}/alarms/110`, { id: 'W-1', ts: Date.now(), kind: 'theft', priority: 2, ...WANDA, title: '万达广场服装店手机被盗', detail: '嫌疑人甲：男，约25岁', media });
    await waitFor(() => host.situation.state.incidents.has('W-1') && host.situation.state.units.size === 5, 10_000, 'the alarm and the volunteers');
    // one phone is off while the broadcast goes out
    await phones.away.endAsync();

    const r = host.dispatch.broadcast({ incidentId: 'W-1', actionId: 'bc-1' });
    expect(r.ok).toBe(true);
    const { dispatchId, recipients } = (r as { value: { dispatchId: string; recipients: string[] } }).value;
    expect(recipients).toEqual(['near1', 'near2', 'away']);
    // sent again (a retry): nothing goes out twice
    expect(host.dispatch.broadcast({ incidentId: 'W-1', actionId: 'bc-1' })).toMatchObject({ ok: true, value: { duplicate: true } });

    await waitFor(() => inbox.near1.length === 1 && inbox.near2.length === 1, 10_000, 'the online volunteers to get it');
    expect(inbox.near1[0]).toMatchObject({ dispatchId, incidentId: 'W-1', kind: 'theft', priority: 2, title: '万达广场服装店手机被盗', detail: '嫌疑人甲：男，约25岁', media, radiusM: 500, lat: WANDA.lat, lon: WANDA.lon });
    // the offline phone comes back on its session: the broker kept the message for it
    phones.away = await volunteer(m, 'away', inbox.away);
    await waitFor(() => inbox.away.length === 1, 10_000, 'the returning volunteer to get it');
    expect(inbox.far).toEqual([]);
    expect(inbox.busy).toEqual([]);
    // what went out is counted for health
    await waitFor(() => host.health().dispatch?.sent === 3, 10_000, 'the sends counted');
    // and the broadcast (applied once) shared with any other wall
    await waitFor(() => host.health().dispatch?.shared === 1, 10_000, 'the action shared');
    expect(host.health().dispatch).toMatchObject({ connected: true, failed: 0 });

    const inc = () => host.situation.state.incidents.get('W-1')!;
    expect(inc().state).toBe('dispatched');
    expect(inc().responders.map((x) => [x.unitId, x.answer])).toEqual([['near1', 'asked'], ['near2', 'asked'], ['away', 'asked']]);

    const reply = (unit: string, answer: string, o: Record<string, unknown> = {}) => publish(phones[unit] ?? sensor, `${P}/units/${unit}/reply`, { dispatchId, incidentId: 'W-1', answer, ts: Date.now(), ...o });
    await reply('near1', 'accept');
    await reply('near2', 'decline', { note: '在上课' });
    await reply('near1', 'enroute');
    await waitFor(() => inc().responders[0].answer === 'enroute' && inc().responders[1].answer === 'decline', 10_000, 'the answers');
    expect(inc().state).toBe('dispatched');
    await reply('near1', 'arrived');
    await waitFor(() => inc().state === 'on_scene', 10_000, 'on scene');
    expect(inc().timeline.filter((e) => e.kind === 'reply').map((e) => [e.unit, e.answer])).toEqual([
      ['志愿者near1', 'accept'],
      ['志愿者near2', 'decline'],
      ['志愿者near1', 'enroute'],
      ['志愿者near1', 'arrived'],
    ]);

    // replies that do not fit: a unit never asked, a made-up dispatch, an answer going back, nonsense
    const before = host.situation.state.stats.rejectedByReason.unknown_dispatch ?? 0;
    await reply('far', 'accept');
    await publish(sensor, `${P}/units/near2/reply`, { dispatchId: 'no-such', incidentId: 'W-1', answer: 'accept', ts: Date.now() });
    await reply('near1', 'accept');
    await publish(sensor, `${P}/units/near1/reply`, { dispatchId, incidentId: 'W-1', answer: 'maybe', ts: Date.now() });
    // a repeat of the last answer is a duplicate, not an error
    await reply('near1', 'arrived');
    await waitFor(() => (host.situation.state.stats.rejectedByReason.unknown_dispatch ?? 0) === before + 3 && (host.situation.state.stats.rejectedByReason.schema ?? 0) >= 1, 10_000, 'the rejections');
    expect(host.situation.state.stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(inc().responders.find((x) => x.unitId === 'near1')!.answer).toBe('arrived');
  });

  it('refuses a broadcast with nobody to reach, and an assignment of an offline or unknown unit', async () => {
    const host = await startTestHost({}, `wf-dispatch2-${process.pid}`);
    cleanup.push(() => host.close());
    await host.ingest.ready(10_000);
    const c = await connectClient(host.brokerUrl);
    cleanup.push(() => c.endAsync());
    await publish(c, `${P}/alarms/110`, { id: 'E-1', ts: Date.now(), kind: 'fight', priority: 2, ...WANDA, title: '打架' });
    await publish(c, `${P}/units/off1/location`, { id: 'off1', ts: Date.now(), kind: 'patrol', lat: WANDA.lat, lon: WANDA.lon, status: 'offline' });
    await waitFor(() => host.situation.state.incidents.has('E-1') && host.situation.state.units.has('off1'), 10_000, 'the alarm');
    expect(host.dispatch.broadcast({ incidentId: 'E-1' })).toEqual({ ok: false, error: { code: 'invalid', message: 'no available volunteer within 500 m' } });
    expect(host.dispatch.assign({ incidentId: 'E-1', unitIds: ['off1'] })).toEqual({ ok: false, error: { code: 'invalid', message: 'unit off1 is offline' } });
    expect(host.dispatch.assign({ incidentId: 'E-1', unitIds: ['ghost'] })).toEqual({ ok: false, error: { code: 'not_found', message: 'no unit ghost' } });
    expect(host.situation.state.incidents.get('E-1')!.state).toBe('new');
  });
});

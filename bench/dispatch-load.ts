// The load for bench:dispatch's broadcast and ingest figures, in a process of its own (forked by
// bench/dispatch-broadcast.ts): the units' phones.
//
// - Locations: one raw MQTT 3.1.1 connection publishing hand-framed QoS 1 PUBLISH packets (the wall
//   subscribes QoS 1, so they reach it QoS 1 end to end; BENCH_QOS=0 for QoS 0), paced to a target
//   rate in 5 ms ticks.
//   Hand-framed rather than through mqtt.js so the publisher costs as little CPU as it can on a
//   2-core machine it shares with the wall and the broker; the broker's PUBACKs are counted, not
//   waited for (QoS 1 packet ids from the publisher side are not tracked by the broker).
// - Replies: an mqtt.js client subscribed to {prefix}/dispatch/+ at QoS 1 stands for the phones of
//   every unit; each dispatch it gets is answered at once with `accept` on
//   {prefix}/units/{unitId}/reply (QoS 1), as a phone would.
//
// Commands come from the parent over IPC; the process ends by itself after `lifetimeMs` whatever
// happens, and when the parent goes.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';

export interface LoadOptions {
  host: string;
  port: number;
  prefix: string;
  /** units, laid out on a lattice of `cols` columns (see unitSpot) */
  units: number;
  cols: number;
  lon0: number;
  lat0: number;
  dLon: number;
  dLat: number;
  /** location messages per second to offer once flowing */
  rate: number;
  /** QoS of the location messages (the wall subscribes QoS 1: they reach it at this QoS) */
  qos: 0 | 1;
  /** hard end of this process */
  lifetimeMs: number;
}

export type LoadCommand = { cmd: 'populate' } | { cmd: 'flow' } | { cmd: 'count'; id: number } | { cmd: 'stop' };
export type LoadEvent =
  | { ev: 'ready' }
  | { ev: 'populated'; sent: number; ms: number }
  | { ev: 'count'; id: number; sent: number; acked: number; dispatches: number; replies: number; cpuMs: number; behindMs: number }
  | { ev: 'error'; message: string };

/** Where unit `i` is: a lattice with a few metres of jitter, ~45 m apart; `round` moves it a little. */
function unitSpot(o: Pick<LoadOptions, 'cols' | 'lon0' | 'lat0' | 'dLon' | 'dLat'>, i: number, round: number) {
  const col = i % o.cols;
  const row = Math.floor(i / o.cols);
  const jx = (((i * 7919) % 101) / 101 - 0.5) * o.dLon * 0.6;
  const jy = (((i * 104_729) % 97) / 97 - 0.5) * o.dLat * 0.6;
  // a slow wander of ±~5 m
  const wx = Math.sin(round * 0.7 + i) * 0.00005;
  const wy = Math.cos(round * 0.9 + i) * 0.00005;
  return { lon: +(o.lon0 + col * o.dLon + jx + wx).toFixed(6), lat: +(o.lat0 + row * o.dLat + jy + wy).toFixed(6) };
}

/** every 10th unit busy, every 20th (offset 1) a patrol: the rest are available volunteers */
const unitKind = (i: number) => (i % 20 === 1 ? 'patrol' : 'volunteer');
const unitStatus = (i: number) => (i % 10 === 0 ? 'busy' : 'available');

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 128;
    out.push(b);
  } while (n > 0);
  return out;
}

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  // protocol name MQTT, level 4, flags: clean session, keepalive 0 (none)
  const body = Buffer.concat([Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0, id.length >> 8, id.length & 255]), id]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

function main() {
  const o = JSON.parse(process.argv[2]) as LoadOptions;
  const send = (e: LoadEvent) => process.send?.(e);
  // bounded whatever the parent does
  setTimeout(() => process.exit(3), o.lifetimeMs);
  process.on('disconnect', () => process.exit(0));

  // the locations' connection (MQTT CONNECT once the socket is up)
  const sock: Socket = connect(o.port, o.host);
  let connacked = false;
  let ackBytes = 0;
  let sent = 0;
  let cursor = 0;
  let packetId = 0;
  let waitingDrain = false;
  const cpu0 = process.cpuUsage();

  /** frames `n` location messages (the next units in turn) into one buffer */
  const frame = (n: number): Buffer => {
    const parts: Buffer[] = [];
    const now = Date.now();
    for (let k = 0; k < n; k++) {
      const i = cursor % o.units;
      const round = Math.floor(cursor / o.units);
      cursor++;
      const id = `V${String(i).padStart(5, '0')}`;
      const at = unitSpot(o, i, round);
      const payload = Buffer.from(
        JSON.stringify({ id, ts: now, lat: at.lat, lon: at.lon, kind: unitKind(i), name: `志愿者-${i}`, heading: (i * 7 + round * 13) % 360, speed: 1.2, accuracy: 8, status: unitStatus(i), battery: 80 }),
      );
      const topic = Buffer.from(`${o.prefix}/units/${id}/location`);
      const remaining = 2 + topic.length + (o.qos ? 2 : 0) + payload.length;
      parts.push(Buffer.from([o.qos ? 0x32 : 0x30, ...varint(remaining), topic.length >> 8, topic.length & 255]), topic);
      if (o.qos) {
        packetId = (packetId % 65_535) + 1;
        parts.push(Buffer.from([packetId >> 8, packetId & 255]));
      }
      parts.push(payload);
    }
    sent += n;
    return Buffer.concat(parts);
  };

  const writeBatch = (n: number): boolean => {
    const ok = sock.write(frame(n));
    if (!ok) {
      waitingDrain = true;
      sock.once('drain', () => (waitingDrain = false));
    }
    return ok;
  };

  const populate = async () => {
    const t0 = performance.now();
    for (let done = 0; done < o.units; ) {
      const n = Math.min(1000, o.units - done);
      done += n;
      if (!writeBatch(n)) await new Promise((r) => sock.once('drain', r));
    }
    send({ ev: 'populated', sent, ms: performance.now() - t0 });
  };

  // paced flow: at each 5 ms tick, send what is due by now; more than 100 ms behind is given up
  // (the achieved rate then shows it), never a burst to catch up
  let flowing = false;
  let flowStart = 0;
  let flowSent = 0;
  let behindMs = 0;
  const TICK_MS = 5;
  const tick = () => {
    if (!flowing) return;
    if (!waitingDrain) {
      const now = performance.now();
      let due = Math.floor(((now - flowStart) / 1000) * o.rate) - flowSent;
      const cap = o.rate / 10;
      if (due > cap) {
        // behind by more than 100 ms: give that time up
        const skip = due - cap;
        behindMs += (skip / o.rate) * 1000;
        flowSent += skip;
        due = cap;
      }
      if (due > 0) {
        flowSent += due;
        writeBatch(due);
      }
    }
    setTimeout(tick, TICK_MS);
  };

  // the phones: answer every dispatch at once
  let dispatches = 0;
  let replies = 0;
  const phones = mqtt.connect({ host: o.host, port: o.port, clientId: `bench-phones-${process.pid}`, clean: true, reconnectPeriod: 0, protocolVersion: 4 });
  phones.on('message', (topic, payload) => {
    dispatches++;
    const unitId = topic.slice(topic.lastIndexOf('/') + 1);
    const m = JSON.parse(payload.toString()) as { dispatchId: string; incidentId: string };
    phones.publish(`${o.prefix}/units/${unitId}/reply`, JSON.stringify({ dispatchId: m.dispatchId, incidentId: m.incidentId, answer: 'accept', ts: Date.now() }), { qos: 1 }, (err) => {
      if (!err) replies++;
    });
  });
  phones.on('error', (e) => send({ ev: 'error', message: `phones: ${e.message}` }));

  process.on('message', (c: LoadCommand) => {
    switch (c.cmd) {
      case 'populate':
        void populate();
        return;
      case 'flow':
        flowing = true;
        flowStart = performance.now();
        flowSent = 0;
        tick();
        return;
      case 'count': {
        const u = process.cpuUsage(cpu0);
        send({ ev: 'count', id: c.id, sent, acked: Math.floor(ackBytes / 4), dispatches, replies, cpuMs: (u.user + u.system) / 1000, behindMs });
        return;
      }
      case 'stop':
        flowing = false;
        sock.end();
        phones.end(true, {}, () => process.exit(0));
        setTimeout(() => process.exit(0), 1000);
        return;
    }
  });

  const phonesReady = new Promise<void>((resolve, reject) => {
    phones.once('connect', () => phones.subscribe(`${o.prefix}/dispatch/+`, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    phones.once('error', reject);
  });
  sock.setNoDelay(true);
  sock.on('error', (e) => send({ ev: 'error', message: `locations: ${e.message}` }));
  sock.on('data', (d: Buffer) => {
    if (!connacked) {
      // CONNACK: 0x20 0x02 flags rc
      if (d[0] !== 0x20 || d[3] !== 0) send({ ev: 'error', message: `locations: refused (${d.subarray(0, 4).toString('hex')})` });
      connacked = true;
      ackBytes += d.length - 4;
      void phonesReady.then(
        () => send({ ev: 'ready' }),
        (e: Error) => send({ ev: 'error', message: `phones: ${e.message}` }),
      );
      return;
    }
    // the rest are PUBACKs, 4 bytes each
    ackBytes += d.length;
  });
  sock.on('connect', () => sock.write(connectPacket(`bench-locations-${process.pid}`)));
}

main();

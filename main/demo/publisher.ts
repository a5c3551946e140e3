// Drives a scenario with the real clock and publishes what it produces over one mqtt.js client.
// Location messages can be paced by a token bucket; every publish respects the client's
// backpressure (socket drain, and a cap on unacknowledged QoS 1 messages).
import type { MqttClient } from 'mqtt';
import type { Scenario } from '../../core/demo/sim/scenario.js';
import type { SimFamily, SimMessage } from '../../core/demo/sim/kernel.js';

export const FAMILIES: readonly SimFamily[] = ['location', 'alarm', 'kiosk', 'camera', 'reply'];

export interface PublisherOptions {
  client: MqttClient;
  scenario: Scenario;
  /** how often to step the scenario when there is nothing to send, ms */
  tickMs: number;
  /** cap on location messages per second (token bucket); none = as the scenario schedules them */
  locationRate?: number;
  qosLocation: 0 | 1;
  qosOther: 0 | 1;
  /** messages published but not yet confirmed (written for QoS 0, acknowledged for QoS 1) */
  maxInflight?: number;
  /** most messages sent in one event-loop turn before yielding to I/O */
  batch?: number;
  now?: () => number;
  /** called after each step of the scenario, before what it produced is published */
  afterStep?: () => void;
}

export interface PublisherStats {
  sent: Record<SimFamily, number>;
  errors: number;
  /** messages dropped because the client was not connected */
  dropped: number;
  lastError: string | null;
  /** messages confirmed per second since start (index 0 = first second) */
  windows: number[];
  locationWindows: number[];
  /** due messages not yet published */
  backlog: number;
  startedAt: number;
}

export interface Publisher {
  readonly stats: PublisherStats;
  /** stops stepping; waits (up to `drainMs`) for confirmations of what was already published */
  stop(drainMs?: number): Promise<void>;
}

/** A FIFO that does not shift arrays. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

export function startPublisher(opts: PublisherOptions): Publisher {
  const { client, scenario } = opts;
  const now = opts.now ?? Date.now;
  const maxInflight = opts.maxInflight ?? 1000;
  const batch = opts.batch ?? 2000;
  const rate = opts.locationRate && opts.locationRate > 0 ? opts.locationRate : undefined;
  // half a second of burst lets the bucket catch up after a pause without exceeding the rate for long
  const burst = rate ? Math.max(50, rate * 0.5) : 0;
  const lowWater = rate ? Math.max(200, Math.ceil(rate * 0.05)) : 5000;
  const startedAt = now();
  const stats: PublisherStats = {
    sent: { location: 0, alarm: 0, kiosk: 0, camera: 0, reply: 0 },
    errors: 0,
    dropped: 0,
    lastError: null,
    windows: [],
    locationWindows: [],
    backlog: 0,
    startedAt,
  };
  const locations = new Fifo<SimMessage>();
  const others = new Fifo<SimMessage>();
  const stepped: SimMessage[] = [];
  let tokens = 0;
  let lastRefill = startedAt;
  let inflight = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let waitingDrain = false;
  let drainTimer: NodeJS.Timeout | undefined;
  let idleResolve: (() => void) | undefined;

  const bump = (arr: number[], i: number) => {
    while (arr.length <= i) arr.push(0);
    arr[i]++;
  };

  const publish = (m: SimMessage) => {
    const qos = m.family === 'location' ? opts.qosLocation : opts.qosOther;
    inflight++;
    client.publish(m.topic, JSON.stringify(m.payload), { qos }, (err) => {
      inflight--;
      if (err) {
        stats.errors++;
        stats.lastError = err.message;
      } else {
        stats.sent[m.family]++;
        const w = Math.floor((now() - startedAt) / 1000);
        bump(stats.windows, w);
        if (m.family === 'location') bump(stats.locationWindows, w);
      }
      if (inflight === 0 && idleResolve) idleResolve();
      // a freed slot may unblock the loop
      if (!stopped && inflight === maxInflight - 1) kick();
    });
  };

  const writable = (): boolean => inflight < maxInflight && !(client.stream as { writableNeedDrain?: boolean } | undefined)?.writableNeedDrain;

  const schedule = (ms: number) => {
    if (stopped || timer || immediate || waitingDrain) return;
    if (ms <= 0) immediate = setImmediate(loop);
    else timer = setTimeout(loop, ms);
  };

  function kick(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    schedule(0);
  }

  function loop(): void {
    timer = undefined;
    immediate = undefined;
    if (stopped) return;
    const t = now();
    if (locations.length < lowWater) {
      stepped.length = 0;
      scenario.stepInto(t, stepped);
      opts.afterStep?.();
      for (const m of stepped) (m.family === 'location' ? locations : others).push(m);
    }
    if (rate) {
      tokens = Math.min(burst, tokens + ((t - lastRefill) * rate) / 1000);
      lastRefill = t;
    }
    let budget = batch;
    if (!client.connected) {
      // keep the world moving while the broker is away; what falls due meanwhile is dropped
      stats.dropped += locations.length + others.length;
      while (locations.shift());
      while (others.shift());
    } else {
      while (budget > 0 && others.length > 0 && writable()) {
        publish(others.shift()!);
        budget--;
      }
      while (budget > 0 && locations.length > 0 && (!rate || tokens >= 1) && writable()) {
        publish(locations.shift()!);
        if (rate) tokens--;
        budget--;
      }
    }
    stats.backlog = locations.length + others.length;
    if (stats.backlog > 0 && client.connected) {
      const stream = client.stream as (NodeJS.EventEmitter & { writableNeedDrain?: boolean }) | undefined;
      if (stream?.writableNeedDrain) {
        waitingDrain = true;
        const onDrain = () => {
          if (!waitingDrain) return;
          waitingDrain = false;
          clearTimeout(drainTimer);
          schedule(0);
        };
        stream.once('drain', onDrain);
        // in case the drain never comes (socket closed), look again shortly
        drainTimer = setTimeout(() => {
          stream.off('drain', onDrain);
          waitingDrain = false;
          schedule(0);
        }, 250);
        return;
      }
      if (inflight >= maxInflight) return schedule(50); // a callback kicks us earlier
      if (rate && tokens < 1) return schedule(Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate)));
      return schedule(0);
    }
    // nothing left to send: step again after a tick
    schedule(opts.tickMs);
  }

  schedule(0);

  return {
    stats,
    async stop(drainMs = 5000) {
      stopped = true;
      waitingDrain = false;
      clearTimeout(drainTimer);
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = undefined;
      immediate = undefined;
      stats.backlog = locations.length + others.length;
      if (inflight > 0) {
        await new Promise<void>((resolve) => {
          const giveUp = setTimeout(resolve, drainMs);
          idleResolve = () => {
            clearTimeout(giveUp);
            resolve();
          };
        });
      }
    },
  };
}

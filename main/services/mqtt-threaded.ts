// Ingest with the MQTT client on a worker thread (see mqtt-worker.ts). Same interface as the
// in-thread client; falls back to it when the bundled worker is not there (npm run build:main).
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { BrokerHealth } from '../../core/contract.js';
import { redactUrlsIn } from '../../core/broker-url.js';
import { oversizeMarkerKey } from '../../core/ingest/packet-guard.js';
import type { Logger } from './logger.js';
import { type MessageHandler, type MqttIngest, type MqttIngestOptions, startMqttIngest } from './mqtt-ingest.js';

export type WorkerToMain =
  | { type: 'batch'; topics: string[]; offsets: Uint32Array; times: Float64Array; retained: Uint8Array; data: ArrayBuffer }
  | { type: 'health'; health: BrokerHealth }
  | { type: 'ready'; health: BrokerHealth }
  | { type: 'closed'; health: BrokerHealth };
export type MainToWorker = { type: 'ack' } | { type: 'close' };

/** longest stretch of message processing before timers get a turn */
const SLICE_MS = 15;

export interface ThreadedIngest extends MqttIngest {
  threaded: boolean;
}

/**
 * Logs what changed in the broker connection: connected, lost (with why), a new error while away.
 * The worker reports its health as messages; the client in this thread is looked at every second.
 */
function brokerLogger(log: Logger | undefined) {
  let last: BrokerHealth | null = null;
  return (h: BrokerHealth) => {
    const prev = last;
    last = h;
    if (!log) return;
    const error = h.error ? redactUrlsIn(h.error) : null;
    if (h.connected && !prev?.connected) log.info({ url: h.url, reconnects: h.reconnects }, `connected to ${h.url}`);
    else if (!h.connected && prev?.connected) log.warn({ url: h.url, error }, `broker connection lost${error ? `: ${error}` : ''}`);
    else if (!h.connected && error && error !== (prev?.error ? redactUrlsIn(prev.error) : null)) log.warn({ url: h.url, error }, `broker: ${error}`);
  };
}

/** What the worker is started with: the client's options and this thread's oversize marker key. */
export type WorkerData = MqttIngestOptions & { oversizeMarkerKey: string };

export function startIngest(opts: MqttIngestOptions, onMessage: MessageHandler, workerFile: string | null, log?: Logger): ThreadedIngest {
  const seen = brokerLogger(log);
  if (!workerFile || !existsSync(workerFile)) {
    const ingest = startMqttIngest(opts, onMessage);
    const closeClient = ingest.close.bind(ingest);
    const watch = setInterval(() => seen(ingest.health()), 1000);
    watch.unref();
    return Object.assign(ingest, {
      threaded: false,
      close: () => {
        clearInterval(watch);
        return closeClient();
      },
    });
  }
  // what the worker cuts to a marker, this thread reads: one key (packet-guard.ts)
  const workerData: WorkerData = { ...opts, oversizeMarkerKey: oversizeMarkerKey() };
  const worker = new Worker(workerFile, { workerData });
  let health: BrokerHealth = { url: opts.urls[0], connected: false, lastConnectedAt: null, disconnectedAt: Date.now(), lastMessageAt: null, reconnects: 0, error: null, received: 0, handled: 0 };
  let isReady = false;
  const readyWaiters: (() => void)[] = [];
  let closed: (() => void) | undefined;
  let workerError: string | null = null;
  let handlerFailures = 0;
  let handlerError: string | null = null;
  /** messages this thread has handed to the pipeline: the worker's `handled` means "put in a batch" */
  let handled = 0;

  // Batches are processed in slices of at most SLICE_MS, yielding between slices, so the delta
  // and tick timers keep their cadence even when MQTT delivers faster than we can reduce.
  const queue: Extract<WorkerToMain, { type: 'batch' }>[] = [];
  let queueHead = 0;
  let draining = false;
  const drain = () => {
    const until = performance.now() + SLICE_MS;
    while (queue.length > 0) {
      const m = queue[0];
      const bytes = new Uint8Array(m.data);
      for (; queueHead < m.topics.length; queueHead++) {
        const i = queueHead;
        handled++;
        // A view, not a copy: the pipeline reads it before the next message. A handler that throws
        // must not end the drain (nothing would restart it): the message is lost, counted, reported.
        try {
          onMessage(m.topics[i], Buffer.from(bytes.buffer, m.offsets[i], m.offsets[i + 1] - m.offsets[i]), m.times[i], m.retained[i] === 1);
        } catch (e) {
          handlerFailures++;
          handlerError = `message handler failed ${handlerFailures}×, last on ${m.topics[i].slice(0, 120)}: ${(e as Error).message}`;
          // the first, then at 10, 100, 1000…: a handler failing on every message must not flood the log
          if (Number.isInteger(Math.log10(handlerFailures))) log?.error({ err: e, topic: m.topics[i].slice(0, 120), failures: handlerFailures }, handlerError);
        }
        if ((i & 63) === 63 && performance.now() > until) {
          queueHead++;
          setImmediate(drain);
          return;
        }
      }
      queue.shift();
      queueHead = 0;
      worker.postMessage({ type: 'ack' } satisfies MainToWorker);
    }
    draining = false;
  };

  worker.on('message', (m: WorkerToMain) => {
    switch (m.type) {
      case 'batch': {
        queue.push(m);
        if (!draining) {
          draining = true;
          setImmediate(drain);
        }
        return;
      }
      case 'health':
        health = m.health;
        seen(health);
        return;
      case 'ready':
        health = m.health;
        seen(health);
        isReady = true;
        readyWaiters.splice(0).forEach((r) => r());
        return;
      case 'closed':
        health = m.health;
        closed?.();
        return;
    }
  });
  let closing = false;
  worker.on('error', (e) => {
    workerError = `ingest worker failed: ${e.message}`;
    log?.error({ err: e }, workerError);
  });
  worker.on('exit', (code) => {
    if (!closing) log?.error({ code }, `ingest worker exited (${code}): no more messages arrive until a restart`);
    closed?.();
  });

  return {
    threaded: true,
    health: () => ({ ...health, handled, connected: health.connected && !workerError, error: workerError ?? handlerError ?? health.error }),
    ready(timeoutMs = 10_000) {
      if (isReady) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`broker not ready after ${timeoutMs} ms: ${workerError ?? health.error ?? 'no connection'}`)), timeoutMs);
        readyWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    async close() {
      closing = true;
      const done = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: 'close' } satisfies MainToWorker);
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      await worker.terminate();
    },
  };
}

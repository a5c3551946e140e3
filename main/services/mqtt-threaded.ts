// Ingest with the MQTT client on a worker thread (see mqtt-worker.ts). Same interface as the
// in-thread client; falls back to it when the bundled worker is not there (npm run build:main).
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { BrokerHealth } from '../../core/contract.js';
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

export function startIngest(opts: MqttIngestOptions, onMessage: MessageHandler, workerFile: string | null): ThreadedIngest {
  if (!workerFile || !existsSync(workerFile)) {
    return Object.assign(startMqttIngest(opts, onMessage), { threaded: false });
  }
  const worker = new Worker(workerFile, { workerData: opts });
  let health: BrokerHealth = { url: opts.urls[0], connected: false, lastConnectedAt: null, disconnectedAt: Date.now(), lastMessageAt: null, reconnects: 0, error: null };
  let isReady = false;
  const readyWaiters: (() => void)[] = [];
  let closed: (() => void) | undefined;
  let workerError: string | null = null;
  let handlerFailures = 0;
  let handlerError: string | null = null;

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
        // A view, not a copy: the pipeline reads it before the next message. A handler that throws
        // must not end the drain (nothing would restart it): the message is lost, counted, reported.
        try {
          onMessage(m.topics[i], Buffer.from(bytes.buffer, m.offsets[i], m.offsets[i + 1] - m.offsets[i]), m.times[i], m.retained[i] === 1);
        } catch (e) {
          handlerFailures++;
          handlerError = `message handler failed ${handlerFailures}×, last on ${m.topics[i].slice(0, 120)}: ${(e as Error).message}`;
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
        return;
      case 'ready':
        health = m.health;
        isReady = true;
        readyWaiters.splice(0).forEach((r) => r());
        return;
      case 'closed':
        health = m.health;
        closed?.();
        return;
    }
  });
  worker.on('error', (e) => {
    workerError = `ingest worker failed: ${e.message}`;
  });
  worker.on('exit', () => closed?.());

  return {
    threaded: true,
    health: () => ({ ...health, connected: health.connected && !workerError, error: workerError ?? handlerError ?? health.error }),
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
      const done = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: 'close' } satisfies MainToWorker);
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      await worker.terminate();
    },
  };
}

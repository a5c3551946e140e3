// Worker-thread side of threaded ingest: runs the MQTT client off the main thread and hands
// messages over in batches (one transferable buffer per batch), so MQTT parsing and our
// parse → validate → reduce run on two cores instead of one.
import { parentPort, workerData } from 'node:worker_threads';
import { type MqttIngestOptions, startMqttIngest } from './mqtt-ingest.js';
import type { WorkerToMain, MainToWorker } from './mqtt-threaded.js';

const port = parentPort!;
const options = workerData as MqttIngestOptions;

const FLUSH_MS = 4;
const MAX_BATCH_BYTES = 1 << 20;
/** batches the main thread has not processed yet; above this the socket is paused */
const MAX_IN_FLIGHT = 16;

let topics: string[] = [];
let offsets: number[] = [0];
let times: number[] = [];
let chunk = Buffer.allocUnsafe(MAX_BATCH_BYTES);
let used = 0;
let timer: NodeJS.Timeout | undefined;
let inFlight = 0;
let paused = false;

function flush(): void {
  timer = undefined;
  if (topics.length === 0) return;
  // A copy of just the used bytes travels (transferred, not cloned); the chunk is reused.
  const data = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + used);
  const message: WorkerToMain = { type: 'batch', topics, offsets: Uint32Array.from(offsets), times: Float64Array.from(times), data };
  port.postMessage(message, [data]);
  inFlight++;
  topics = [];
  offsets = [0];
  times = [];
  used = 0;
  if (inFlight > MAX_IN_FLIGHT && !paused) {
    paused = true;
    ingest.pause?.();
  }
}

const ingest = startMqttIngest(options, (topic, payload, receivedAt) => {
  if (used + payload.length > chunk.length) {
    flush();
    // An oversized payload still travels whole: the pipeline rejects it on size, with an excerpt.
    if (payload.length > chunk.length) chunk = Buffer.allocUnsafe(payload.length);
  }
  payload.copy(chunk, used);
  used += payload.length;
  topics.push(topic);
  offsets.push(used);
  times.push(receivedAt);
  if (used >= MAX_BATCH_BYTES) flush();
  else timer ??= setTimeout(flush, FLUSH_MS);
});

let lastHealth = '';
const healthTimer = setInterval(() => {
  const h = JSON.stringify(ingest.health());
  if (h !== lastHealth) {
    lastHealth = h;
    port.postMessage({ type: 'health', health: ingest.health() } satisfies WorkerToMain);
  }
}, 50);

ingest.ready(24 * 3600_000).then(
  () => port.postMessage({ type: 'ready', health: ingest.health() } satisfies WorkerToMain),
  () => {},
);

port.on('message', async (m: MainToWorker) => {
  if (m.type === 'ack') {
    inFlight--;
    if (paused && inFlight <= MAX_IN_FLIGHT / 2) {
      paused = false;
      ingest.resume?.();
    }
  } else if (m.type === 'close') {
    if (timer) clearTimeout(timer);
    flush();
    clearInterval(healthTimer);
    await ingest.close();
    port.postMessage({ type: 'closed', health: ingest.health() } satisfies WorkerToMain);
  }
});

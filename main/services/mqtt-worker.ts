// Worker-thread side of threaded ingest: runs the MQTT client off the main thread and hands
// messages over in batches (one transferable buffer per batch), so MQTT parsing and our
// parse → validate → reduce run on two cores instead of one.
import { parentPort, workerData } from 'node:worker_threads';
import { useOversizeMarkerKey } from '../../core/ingest/packet-guard.js';
import { startMqttIngest } from './mqtt-ingest.js';
import type { MainToWorker, WorkerData, WorkerToMain } from './mqtt-threaded.js';

const port = parentPort!;
const { oversizeMarkerKey, ...options } = workerData as WorkerData;
// oversized messages cut here are read as such by the main thread's pipeline, and only those
useOversizeMarkerKey(oversizeMarkerKey);

const FLUSH_MS = 4;
const MAX_BATCH_BYTES = 1 << 20;
/** batches the main thread has not processed yet; above this the socket is paused */
const MAX_IN_FLIGHT = 16;

let topics: string[] = [];
let offsets: number[] = [0];
let times: number[] = [];
let retained: number[] = [];
const chunk = Buffer.allocUnsafe(MAX_BATCH_BYTES);
let used = 0;
let timer: NodeJS.Timeout | undefined;
let inFlight = 0;
let paused = false;

function flush(): void {
  timer = undefined;
  if (topics.length === 0) return;
  // A copy of just the used bytes travels (transferred, not cloned); the chunk is reused.
  const data = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + used);
  const message: WorkerToMain = { type: 'batch', topics, offsets: Uint32Array.from(offsets), times: Float64Array.from(times), retained: Uint8Array.from(retained), data };
  port.postMessage(message, [data]);
  inFlight++;
  topics = [];
  offsets = [0];
  times = [];
  retained = [];
  used = 0;
  if (inFlight > MAX_IN_FLIGHT && !paused) {
    paused = true;
    ingest.pause?.();
  }
}

/** A message larger than a batch (a payload limit above 1 MB) travels alone in a buffer of its own; the batch buffer never grows. */
function sendAlone(topic: string, payload: Buffer, receivedAt: number, isRetained: boolean): void {
  flush();
  const copy = new Uint8Array(payload.length);
  copy.set(payload);
  const data = copy.buffer;
  const message: WorkerToMain = { type: 'batch', topics: [topic], offsets: Uint32Array.from([0, payload.length]), times: Float64Array.from([receivedAt]), retained: Uint8Array.from([isRetained ? 1 : 0]), data };
  port.postMessage(message, [data]);
  inFlight++;
}

const ingest = startMqttIngest(options, (topic, payload, receivedAt, isRetained) => {
  if (payload.length > chunk.length) return sendAlone(topic, payload, receivedAt, isRetained);
  if (used + payload.length > chunk.length) flush();
  payload.copy(chunk, used);
  used += payload.length;
  topics.push(topic);
  offsets.push(used);
  times.push(receivedAt);
  retained.push(isRetained ? 1 : 0);
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

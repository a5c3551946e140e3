// A message handler that throws (a reducer bug, say) must cost that one message, not the feed:
// the threaded ingest's drain and the in-thread client both carry on, and health says what happened.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../main/services/embedded-broker.js';
import { startIngest } from '../../../main/services/mqtt-threaded.js';
import { APP_ROOT, connectClient, waitFor } from '../../helpers/host.js';

const WORKER = resolve(APP_ROOT, 'dist/workers/mqtt-worker.cjs');
let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0, maxPayloadBytes: 64 * 1024 });
});
afterAll(async () => {
  await broker?.close();
});

describe.each([
  ['on the worker thread', WORKER],
  ['in-thread', null],
])('ingest %s', (_name, worker) => {
  it('keeps delivering after the handler throws, and reports it', async () => {
    const got: string[] = [];
    const ingest = startIngest(
      { urls: [broker.url], clientId: `wf-throw-${process.pid}-${worker ? 'w' : 't'}`, filters: ['throw/#'], reconnect: { minMs: 100, maxMs: 500 }, persistentSession: false, maxPayloadBytes: 64 * 1024 },
      (topic) => {
        if (topic === 'throw/boom') throw new Error('reducer bug');
        got.push(topic);
      },
      worker,
    );
    try {
      expect(ingest.threaded).toBe(worker !== null);
      await ingest.ready(10_000);
      const pub = await connectClient(broker.url);
      for (const t of ['throw/a', 'throw/boom', 'throw/b', 'throw/boom', 'throw/c']) await pub.publishAsync(t, 'x', { qos: 1 });
      await pub.endAsync();
      await waitFor(() => got.length === 3, 5_000, 'the messages around the failures');
      expect(got).toEqual(['throw/a', 'throw/b', 'throw/c']);
      expect(ingest.health().error).toMatch(/message handler failed 2×, last on throw\/boom: reducer bug/);
    } finally {
      await ingest.close();
    }
  });
});

// TLS with a private CA and username/password, against Debian's Mosquitto.
import { chmodSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCerts } from '../../helpers/certs.js';
import { connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';
import { startMosquitto } from '../../helpers/mosquitto.js';

describe('TLS and authentication', () => {
  it('connects over mqtts with the configured CA and credentials, and reports a refused login', async () => {
    const certs = makeCerts();
    chmodSync(certs.key, 0o644);
    const mosquitto = await startMosquitto({ tls: certs, users: { wall: 's3cret', sensor: 'pw' } });
    const good = await startTestHost({ brokers: [mosquitto.url], username: 'wall', password: 's3cret', tls: { ca: certs.ca, rejectUnauthorized: true } }, `wf-tls-${process.pid}`);
    const bad = await startTestHost({ brokers: [mosquitto.url], username: 'wall', password: 'wrong', tls: { ca: certs.ca, rejectUnauthorized: true } }, `wf-tls-bad-${process.pid}`);
    try {
      await good.ingest.ready(10_000);
      const pub = await connectClient(mosquitto.url, { username: 'sensor', password: 'pw', ca: [readFileSync(certs.ca)] });
      await publish(pub, 'watchfloor/v1/alarms/110', { id: 'TLS-1', ts: Date.now(), kind: 'other', lat: 26.08, lon: 119.3, title: 'tls' });
      await pub.endAsync();
      await waitFor(() => good.situation.state.incidents.has('TLS-1'), 5000, 'alarm over TLS');
      await waitFor(() => bad.ingest.health().error !== null, 5000, 'auth error reported');
      expect(bad.ingest.health()).toMatchObject({ connected: false });
      expect(bad.ingest.health().error).toMatch(/auth|Not authorized|Bad User Name or Password/i);
    } finally {
      await good.close();
      await bad.close();
      await mosquitto.stop();
    }
  });

  it('connects with a client certificate and key (mutual TLS), both the ingest and the dispatch publisher', async () => {
    const certs = makeCerts({ client: true });
    const mosquitto = await startMosquitto({ tls: certs, requireClientCert: true });
    // the publisher once threw "Missing secure protocol key" at start (mqtt.js wants a top-level protocol with a key)
    const host = await startTestHost({ brokers: [mosquitto.url], tls: { ca: certs.ca, cert: certs.client!.cert, key: certs.client!.key, rejectUnauthorized: true } }, `wf-mtls-${process.pid}`);
    try {
      await host.ingest.ready(10_000);
      await waitFor(() => host.health().dispatch?.connected === true, 10_000, 'the dispatch publisher connected');
    } finally {
      await host.close();
      await mosquitto.stop();
    }
  });
});

// Reference data from files (the generated Fuzhou registry and grids) through the real host.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT, connectClient, publish, startTestHost, waitFor } from '../../helpers/host.js';

const gen = resolve(APP_ROOT, 'assets/generated');
const P = 'watchfloor/v1';

describe('reference data', () => {
  it('tags incidents and units with their grid, and a kiosk SOS raises an incident with its camera', async () => {
    const host = await startTestHost(
      { reference: { grids: join(gen, 'geo/fuzhou-grids.geojson'), cameras: join(gen, 'demo/cameras.json'), kiosks: join(gen, 'demo/kiosks.json') } },
      `wf-ref-${process.pid}`,
    );
    try {
      await host.ingest.ready();
      const s = host.situation.state;
      expect(s.cameras.size).toBeGreaterThanOrEqual(50);
      expect(s.kiosks.size).toBeGreaterThanOrEqual(30);
      expect(host.health().referenceErrors).toEqual([]);
      const kiosk = [...s.kiosks.values()][0];
      const pub = await connectClient(host.brokerUrl);
      await publish(pub, `${P}/alarms/110`, { id: 'REF-1', ts: Date.now(), kind: 'theft', lat: 26.0425, lon: 119.2826, title: '万达广场服装店手机被盗' });
      await publish(pub, `${P}/units/P1/location`, { id: 'P1', ts: Date.now(), lat: 26.0425, lon: 119.2826, kind: 'patrol' });
      await publish(pub, `${P}/kiosks/${kiosk.id}/status`, { online: true, sos: true, ts: Date.now() });
      await pub.endAsync();
      await waitFor(() => s.incidents.has('REF-1') && s.units.has('P1') && s.kiosks.get(kiosk.id)!.sos, 5000, 'messages');
      const grid = s.incidents.get('REF-1')!.grid!;
      expect(grid.names[0]).toBe('福州市');
      expect(grid.names[1]).toBe('仓山区');
      expect(grid.ids).toHaveLength(5);
      expect(s.units.get('P1')!.gridId).toBe(grid.id);
      const sos = [...s.incidents.values()].find((i) => i.kind === 'sos')!;
      expect(sos).toMatchObject({ priority: 1, kioskId: kiosk.id, cameraIds: [kiosk.cameraId], lat: kiosk.lat, lon: kiosk.lon });
    } finally {
      await host.close();
    }
  });

  it('skips bad registry entries with reasons and keeps the good ones; a missing file is reported, not fatal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-ref-'));
    writeFileSync(
      join(dir, 'cameras.json'),
      JSON.stringify([
        { id: 'C1', name: 'ok', lat: 26.05, lon: 119.3 },
        { id: 'C2', name: 'bad lat', lat: 126, lon: 119.3 },
        { id: 'C1', name: 'duplicate', lat: 26.05, lon: 119.3 },
        { name: 'no id', lat: 26, lon: 119 },
        { id: 'C3', name: 'gcj', lat: 26.05, lon: 119.3, datum: 'GCJ02' },
      ]),
    );
    writeFileSync(join(dir, 'grids.geojson'), '{ not json');
    const host = await startTestHost({ reference: { cameras: join(dir, 'cameras.json'), kiosks: join(dir, 'missing.json'), grids: join(dir, 'grids.geojson') } }, `wf-ref2-${process.pid}`);
    try {
      expect([...host.situation.state.cameras.keys()].sort()).toEqual(['C1', 'C3']);
      // GCJ-02 entry converted to the map datum (WGS-84): moved west and north by a few hundred metres
      const c3 = host.situation.state.cameras.get('C3')!;
      expect(c3.lon).toBeLessThan(119.3);
      expect(c3.lat).toBeGreaterThan(26.05);
      const errors = host.health().referenceErrors.join('\n');
      expect(errors).toContain('skipped 3 entries');
      expect(errors).toContain('missing.json');
      expect(errors).toContain('grids.geojson');
      await host.ingest.ready();
      expect(host.health().broker.connected).toBe(true);
    } finally {
      await host.close();
    }
  });
});

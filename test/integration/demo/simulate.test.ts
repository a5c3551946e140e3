// The load generator against real brokers: the embedded Aedes and Debian's Mosquitto. A plain
// subscriber counts what arrives; counts must match the report and every payload must be accepted
// by the wall's ingest.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../main/services/embedded-broker.js';
import { parseSimArgs, runSimulation, type SimReport } from '../../../main/demo/cli.js';
import { FIXTURE, REPO_ROOT, wallModel } from '../../unit/demo/support.js';
import { type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';
import { type Counter, startCounter } from './counter.js';

interface Broker {
  name: string;
  url: () => string;
}

let aedes: EmbeddedBroker;
let mosquitto: Mosquitto;

beforeAll(async () => {
  aedes = await startEmbeddedBroker({ port: 0, maxPayloadBytes: 64 * 1024 });
  mosquitto = await startMosquitto();
});

afterAll(async () => {
  await aedes?.close();
  await mosquitto?.stop();
});

const brokers: Broker[] = [
  { name: 'embedded Aedes', url: () => aedes.url },
  { name: 'Mosquitto', url: () => mosquitto.url },
];

async function simulateAndCount(url: string, opts: Partial<Parameters<typeof runSimulation>[0]>): Promise<{ report: SimReport; counter: Counter }> {
  const counter = await startCounter(url);
  try {
    const report = await runSimulation({ broker: url, assets: FIXTURE, units: 300, patrols: 20, durationS: 3, seed: 5, ...opts });
    await counter.waitFor(report.sent.total, 5000);
    // a little longer, to catch anything beyond what the report claims
    await new Promise((r) => setTimeout(r, 200));
    return { report, counter };
  } finally {
    await counter.close();
  }
}

function expectAcceptedByWall(counter: Counter): void {
  const wall = wallModel(FIXTURE);
  for (const m of counter.messages) wall.receive(m.topic, m.payload, m.at);
  expect(wall.state.stats.rejected, JSON.stringify(wall.state.rejects.slice(0, 3))).toBe(0);
}

describe.each(brokers)('simulator against $name', (broker) => {
  it('delivers exactly what it reports, at natural rates', async () => {
    const { report, counter } = await simulateAndCount(broker.url(), {});
    expect(report.ok, report.error ?? '').toBe(true);
    expect(report.sent.location).toBeGreaterThan(150); // units first report staggered over ~4.5 s
    expect(report.sent.alarm).toBeGreaterThanOrEqual(1);
    expect(report.sent.kiosk).toBe(FIXTURE.kiosks.length);
    expect(report.sent.camera).toBe(FIXTURE.cameras.length);
    expect(counter.byFamily).toEqual({ location: report.sent.location, alarm: report.sent.alarm, kiosk: report.sent.kiosk, camera: report.sent.camera });
    expectAcceptedByWall(counter);
  });

  it('paces unit locations to --rate', async () => {
    const { report, counter } = await simulateAndCount(broker.url(), { rate: 2000, units: 1000, durationS: 3, qos: 1, story: 'wanda' });
    expect(report.ok, report.error ?? '').toBe(true);
    expect(report.rate.locationMean).toBeGreaterThan(1800);
    expect(report.rate.locationMean).toBeLessThan(2150);
    expect(report.windows).toHaveLength(3);
    expect(counter.total()).toBe(report.sent.total);
    expect(counter.byFamily.location).toBe(report.sent.location);
    expectAcceptedByWall(counter);
  });
});

describe('npm run simulate', () => {
  it('parses its flags', () => {
    const ok = parseSimArgs(['--broker', 'mqtt://h:1', '--units', '20000', '--rate', '20000', '--duration', '15', '--seed', '3', '--story', 'wanda', '--prefix', 'x/y', '--qos', '1']);
    expect(ok).toEqual({ ok: true, value: { broker: 'mqtt://h:1', units: 20000, rate: 20000, durationS: 15, seed: 3, story: 'wanda', prefix: 'x/y', qos: 1 } });
    expect(parseSimArgs([]).ok).toBe(false);
    expect(parseSimArgs(['--broker', 'mqtt://h', '--qos', '2']).ok).toBe(false);
    expect(parseSimArgs(['--broker', 'mqtt://h', '--story', 'nope']).ok).toBe(false);
    expect(parseSimArgs(['--broker', 'mqtt://h', '--bogus']).ok).toBe(false);
  });

  it('runs as a command, prints a JSON report line and a summary, exits 0', async () => {
    const counter = await startCounter(mosquitto.url);
    try {
      const res = spawnSync(process.execPath, ['--import', 'tsx', 'main/demo/cli.ts', '--broker', mosquitto.url, '--units', '200', '--patrols', '10', '--duration', '2', '--seed', '9'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status, res.stderr).toBe(0);
      const lines = res.stdout.trim().split('\n');
      const report = JSON.parse(lines[0]) as SimReport;
      expect(report).toMatchObject({ ok: true, errors: 0, units: 200, patrols: 10, seed: 9 });
      expect(lines.slice(1).join('\n')).toMatch(/^OK: .* messages in /);
      await counter.waitFor(report.sent.total, 5000);
      expect(counter.total()).toBe(report.sent.total);
    } finally {
      await counter.close();
    }
  });

  it('reports a broker it cannot reach and exits non-zero', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'main/demo/cli.ts', '--broker', 'mqtt://127.0.0.1:1', '--duration', '1'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(1);
    const report = JSON.parse(res.stdout.trim().split('\n')[0]) as SimReport;
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/could not connect/);
  });
});

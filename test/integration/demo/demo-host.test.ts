// The wall's demo end to end: the host with its embedded broker, the demo publishing into it,
// and the situation filling up within seconds with nothing rejected.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import { demoAssetPaths, type Host, startHost } from '../../../main/services/host.js';
import { type DemoHandle, startDemoIfEnabled } from '../../../main/demo/demo.js';
import { REPO_ROOT } from '../../unit/demo/support.js';

function config(json: unknown): WatchfloorConfig {
  const parsed = parseConfig(json);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

async function until(check: () => boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

beforeAll(() => {
  // the demo needs the generated Fuzhou data (npm run build:data); build it once if it is missing
  if (!Object.values(demoAssetPaths(REPO_ROOT)).every((p) => existsSync(p))) {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-fuzhou.ts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    if (res.status !== 0) throw new Error(`npm run build:data failed: ${res.stderr}`);
  }
});

let host: Host | undefined;
let demo: DemoHandle | null = null;

afterEach(async () => {
  await demo?.stop();
  await host?.close();
  demo = null;
  host = undefined;
  vi.restoreAllMocks();
});

describe('wall demo', () => {
  it('fills the situation within 10 s: ≥ 1,000 units, an incident, kiosks online, nothing rejected', async () => {
    const cfg = config({ demo: true, embeddedBroker: { port: 0 } });
    host = await startHost({ config: cfg, shell: 'web', appRoot: REPO_ROOT, clientIdOverride: `wall-demo-test-${process.pid}` });
    await host.ingest.ready(10_000);
    const started = Date.now();
    demo = await startDemoIfEnabled({ config: cfg, appRoot: REPO_ROOT, brokerUrl: host.brokerUrl });
    expect(demo).not.toBeNull();
    const s = host.situation.state;
    const alive = () => s.units.size >= 1000 && s.incidents.size >= 1 && s.kiosks.size > 0 && [...s.kiosks.values()].every((k) => k.online === true);
    const ok = await until(alive, 10_000);
    const elapsed = Date.now() - started;
    expect(ok, `after ${elapsed} ms: ${s.units.size} units, ${s.incidents.size} incidents, ${[...s.kiosks.values()].filter((k) => k.online).length}/${s.kiosks.size} kiosks online`).toBe(true);
    expect(elapsed).toBeLessThan(10_000);
    expect(s.stats.rejected, JSON.stringify(s.rejects.slice(0, 3))).toBe(0);
    expect([...s.cameras.values()].filter((c) => c.online === true).length).toBeGreaterThan(0);
    // a first alarm shows within ~3 s
    const firstIncident = Math.min(...[...s.incidents.values()].map((i) => i.firstSeen));
    expect(firstIncident - started).toBeLessThan(4000);
    expect(host.health().referenceErrors).toEqual([]);
  });

  it('runs the wanda story on request', async () => {
    const cfg = config({ demo: true, embeddedBroker: { port: 0 } });
    host = await startHost({ config: cfg, shell: 'web', appRoot: REPO_ROOT, clientIdOverride: `wall-demo-story-${process.pid}` });
    await host.ingest.ready(10_000);
    demo = await startDemoIfEnabled({ config: cfg, appRoot: REPO_ROOT, brokerUrl: host.brokerUrl, story: 'wanda' });
    const s = host.situation.state;
    const story = () => [...s.incidents.values()].find((i) => i.id.startsWith('wanda-'));
    expect(await until(() => story() !== undefined, 8000)).toBe(true);
    expect(story()).toMatchObject({ kind: 'theft', priority: 2, title: '万达广场服装店手机被盗', status: 'open' });
    expect(story()!.cameraIds).toHaveLength(3);
    expect(s.stats.rejected).toBe(0);
  });

  it('does nothing when the demo is off, and warns and does nothing without the generated data', async () => {
    expect(await startDemoIfEnabled({ config: config({ demo: false }), appRoot: REPO_ROOT, brokerUrl: 'mqtt://127.0.0.1:1' })).toBeNull();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const empty = mkdtempSync(join(tmpdir(), 'watchfloor-nodata-'));
    try {
      expect(await startDemoIfEnabled({ config: config({ demo: true }), appRoot: empty, brokerUrl: 'mqtt://127.0.0.1:1' })).toBeNull();
      expect(warn.mock.calls.flat().join(' ')).toMatch(/demo.*build:data/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

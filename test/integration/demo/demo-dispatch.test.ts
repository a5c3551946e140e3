// The demo plays dispatch end to end: the wall (host + embedded broker) and the demo on it with the
// story "wanda" and the demo's operator, on a clock 50× faster than real time so the volunteers'
// walk takes seconds. The operator's broadcast goes out over MQTT, the simulated volunteers answer
// it over MQTT, walk in and arrive, and the operator resolves the incident: hands-free.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import { WANDA_TIMELINE } from '../../../core/demo/sim/stories/wanda.js';
import { demoAssetPaths, type Host, startHost } from '../../../main/services/host.js';
import { type DemoHandle, startDemoIfEnabled } from '../../../main/demo/demo.js';
import { DEMO_OPERATOR_NAME, demoOperatorFor } from '../../../main/demo/operator.js';
import { REPO_ROOT } from '../../unit/demo/support.js';

/** simulated seconds per real second */
const SPEED = 50;
const P = 'watchfloor/v1';

function config(json: unknown): WatchfloorConfig {
  const parsed = parseConfig(json);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

async function until(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

beforeAll(() => {
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

describe('the demo plays dispatch', () => {
  it('story "wanda" hands-free: the operator broadcasts, volunteers accept, walk in and arrive, the operator resolves', { timeout: 30_000 }, async () => {
    // the demo's clock runs ahead of the wall's: let its timestamps through
    const cfg = config({ demo: true, embeddedBroker: { port: 0 }, limits: { maxFutureSkewMs: 3_600_000 } });
    host = await startHost({ config: cfg, shell: 'web', appRoot: REPO_ROOT, clientIdOverride: `wall-demo-dispatch-${process.pid}` });
    await host.ingest.ready(10_000);
    const warn = vi.fn();
    const t0 = Date.now();
    const now = () => t0 + (Date.now() - t0) * SPEED;
    demo = await startDemoIfEnabled({
      config: cfg,
      appRoot: REPO_ROOT,
      brokerUrl: host.brokerUrl,
      story: 'wanda',
      operator: demoOperatorFor(host, warn),
      // the story a simulated minute in (1.2 s here), once the wall holds every unit's first fixes
      testing: { now, units: 100, patrols: 5, tickMs: 40, scenario: { storyAtMs: 60_000 } },
    });
    const s = host.situation.state;
    const story = () => [...s.incidents.values()].find((i) => i.id.startsWith('wanda-'));
    // what the wall shows, after every input it applies (the timeline keeps only its latest 40 entries)
    const states: string[] = [];
    const answers = new Map<string, string[]>();
    const watch = () => {
      const inc = story();
      if (!inc) return false;
      if (states.at(-1) !== inc.state) states.push(inc.state);
      for (const e of inc.timeline) {
        if (e.kind !== 'reply' || !e.unit || !e.answer) continue;
        const seen = answers.get(e.unit) ?? [];
        if (!seen.includes(e.answer)) answers.set(e.unit, [...seen, e.answer]);
      }
      return inc.state === 'resolved';
    };
    const unwatch = host.situation.onInput(() => void watch());
    // the whole story is at most ~10.5 simulated minutes from the start: under 13 s here
    const resolved = await until(watch, 20_000);
    unwatch();
    const elapsed = Date.now() - t0;
    const inc = story();
    expect(resolved, `after ${elapsed} ms: ${inc?.state}, ${JSON.stringify(inc?.responders)} warnings ${JSON.stringify(warn.mock.calls)}`).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    expect(states).toEqual(['new', 'dispatched', 'on_scene', 'resolved']);
    expect(inc).toMatchObject({ status: 'closed', closedBy: DEMO_OPERATOR_NAME });
    // the broadcast: every volunteer asked, by the demo's operator, and some answered all the way
    expect(inc!.responders.length).toBeGreaterThanOrEqual(2);
    expect(inc!.timeline.find((e) => e.kind === 'dispatched') ?? { by: DEMO_OPERATOR_NAME }).toMatchObject({ by: DEMO_OPERATOR_NAME });
    const walkedIn = [...answers].filter(([, a]) => a.join() === 'accept,enroute,arrived' || a.join() === 'accept,enroute,arrived,done');
    expect(walkedIn.length, JSON.stringify([...answers])).toBeGreaterThanOrEqual(1);
    expect(demo!.dispatches.accept).toBeGreaterThanOrEqual(1);
    expect(demo!.dispatches.accept + demo!.dispatches.decline + demo!.dispatches.silent + demo!.dispatches.offline).toBe(inc!.responders.length);
    // on the story's own clock: closed after the first arrival, well before its latest time
    const closedSimS = (now() - t0) / 1000;
    expect(closedSimS).toBeLessThan((60_000 + WANDA_TIMELINE.progressBy + 60_000) / 1000);
    // and those who accepted stand down within 30 simulated seconds
    const accepted = () => s.incidents.get(inc!.id)!.responders.filter((r) => ['accept', 'enroute', 'arrived', 'done'].includes(r.answer));
    expect(await until(() => accepted().every((r) => r.answer === 'done'), 5_000), JSON.stringify(accepted())).toBe(true);
    expect(s.stats.rejected, JSON.stringify(s.rejects.slice(0, 3))).toBe(0);
  });

  it("ignores dispatches it cannot use (malformed, for units it does not run, repeated) and keeps going", async () => {
    const cfg = config({ demo: true, embeddedBroker: { port: 0 } });
    host = await startHost({ config: cfg, shell: 'web', appRoot: REPO_ROOT, clientIdOverride: `wall-demo-dispatch-bad-${process.pid}` });
    await host.ingest.ready(10_000);
    demo = await startDemoIfEnabled({ config: cfg, appRoot: REPO_ROOT, brokerUrl: host.brokerUrl, testing: { units: 50, patrols: 5 } });
    const s = host.situation.state;
    expect(await until(() => s.units.size >= 10, 10_000)).toBe(true);
    const phone = await mqtt.connectAsync(host.brokerUrl, { clientId: `bad-dispatcher-${process.pid}` });
    try {
      const ok = { dispatchId: 'd-x', incidentId: 'nope', kind: 'theft', priority: 2, title: 't', lat: 26.0425, lon: 119.2826, ts: Date.now() };
      await phone.publishAsync(`${P}/dispatch/vol-00001`, '{not json', { qos: 1 });
      await phone.publishAsync(`${P}/dispatch/vol-00001`, JSON.stringify({ ...ok, lat: 'north' }), { qos: 1 });
      await phone.publishAsync(`${P}/dispatch/nobody`, JSON.stringify(ok), { qos: 1 });
      await phone.publishAsync(`${P}/dispatch/vol-00002`, JSON.stringify(ok), { qos: 1 });
      await phone.publishAsync(`${P}/dispatch/vol-00002`, JSON.stringify(ok), { qos: 1 });
      const d = demo!.dispatches;
      expect(await until(() => d.malformed === 2 && d.unknown_unit === 1 && d.duplicate === 1, 5_000), JSON.stringify(d)).toBe(true);
      // still running: messages keep coming
      const before = s.stats.accepted;
      expect(await until(() => s.stats.accepted > before + 10, 8_000)).toBe(true);
    } finally {
      await phone.endAsync();
    }
  });
});

// bench:dispatch, parts (b) and (c): a broadcast's action → last PUBACK, and the ingest rate with
// dispatch traffic on beside without, on the real services (startHost) against a real Mosquitto.
//
// Method (docs/dispatch.md has the figures):
// - A Mosquitto of its own on a free loopback port (generated config, temp dir removed at the end).
// - The wall: startHost with the broker in config.brokers, a fresh client id, the ingest worker
//   as built (dist/workers), the demo's grids when built (tagging costs what it costs), and one
//   listener serialising every delta once, as a connected wall page makes the bridge do.
// - A load process (bench/dispatch-load.ts) publishes 50,000 units' locations through the broker
//   (all of them once as fast as it goes, then paced at BENCH_RATE, 20,000 msg/s), QoS 1
//   (BENCH_QOS=0 for QoS 0); when it cannot keep the pace it says how far behind it fell. Its
//   phones client answers every dispatch at once with a reply on {prefix}/units/{unitId}/reply.
//   The units stand on a ~45 m lattice over Fuzhou's centre (~350 available volunteers within
//   any 500 m away from the edges), so every broadcast reaches the 200 nearest.
// - (b) BENCH_BROADCASTS broadcasts (50), each on a fresh incident (applied through the
//   situation service as ingest would), timed from the call to DispatchService.broadcast to the
//   last of its 200 PUBACKs. The host's DispatchService fires its sends and forgets them, so the
//   bench builds the same DispatchService on the host's situation around a publisher made by the
//   same startDispatchPublisher with the host's settings, whose send() promises (resolved at the
//   PUBACK, or false after its timeout) it keeps. That is one more MQTT client on the broker.
// - (c) windows of BENCH_WINDOW_S (6 s) alternating A B A B: A with no dispatch, B with a
//   200-recipient broadcast every 200 ms and the 200 replies to each. The rate is location
//   messages applied by the situation service per second (counted on its input hook); the
//   figure is ΣB / ΣA. Each window starts once what the last one left queued (published, not yet
//   applied) is down to 50 ms' worth (at most 10 s), so no window applies another's backlog; the
//   queue at each window's start and end is printed, with the CPU each process used.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../core/config.js';
import type { IncidentReport } from '../core/domain.js';
import { type DispatchPublisher, startDispatchPublisher } from '../main/services/dispatch-publisher.js';
import { DispatchService, MAX_RECIPIENTS } from '../main/services/dispatch-service.js';
import { type Host, startHost } from '../main/services/host.js';
import { freePort, MOSQUITTO } from '../test/helpers/mosquitto.js';
import type { LoadCommand, LoadEvent, LoadOptions } from './dispatch-load.js';

const APP_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const LOAD = resolve(fileURLToPath(import.meta.url), '../dispatch-load.ts');
const PREFIX = 'watchfloor/v1';

const UNITS = Number(process.env.BENCH_UNITS ?? 50_000);
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
/** QoS of the location messages (QoS 1, as bench:ingest and the wall's subscription) */
const QOS = process.env.BENCH_QOS === '0' ? 0 : 1;
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 50);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 6);
/** (c): one broadcast this often in the B windows */
const B_EVERY_MS = 200;
/** (b): a broadcast starts at most this often (and never before the last one's last PUBACK) */
const B_PERIOD_MS = 300;
/** (c): a window starts once fewer than this many seconds' worth of locations wait to be applied… */
const DRAINED_S = 0.05;
/** …or after this long, whatever is left (shown) */
const MAX_DRAIN_MS = 10_000;
/** a broadcast's PUBACKs not all in within this long fail the run */
const PUBACK_TIMEOUT_MS = 10_000;
/** ~45 m apart: 0.00045° of longitude ≈ 45 m at 26° N, 0.000405° of latitude ≈ 45 m */
const LAYOUT = { cols: 250, lon0: 119.25, lat0: 26.03, dLon: 0.00045, dLat: 0.000405 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const p = (xs: number[], q: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (n: number) => Math.round(n).toLocaleString('en');

interface Broker {
  url: string;
  host: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** for exit handlers: no waiting */
  killSync(): void;
}

/** Debian's Mosquitto on a free loopback port, configured as test/helpers/mosquitto.ts does but without persistence; its temp dir goes with it. */
async function startBroker(): Promise<Broker> {
  if (!MOSQUITTO) throw new Error('Debian mosquitto is not installed (apt-get install mosquitto)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wf-bench-dispatch-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 2000000', 'max_inflight_messages 0', 'max_queued_bytes 0', 'user root', ''].join('\n'));
  const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += d));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const killSync = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    removeDir();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) {
      removeDir();
      throw new Error(`mosquitto exited (${proc.exitCode}): ${stderr}`);
    }
    const up = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      killSync();
      throw new Error(`mosquitto did not listen on ${port} within 10 s`);
    }
    await sleep(50);
  }
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await Promise.race([new Promise((r) => proc.once('exit', r)), (proc.kill('SIGTERM'), sleep(3000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
    removeDir();
  };
  return { url: `mqtt://127.0.0.1:${port}`, host: '127.0.0.1', port, pid: proc.pid!, stop, killSync };
}

/** CPU seconds a process has used (Linux /proc; 0 elsewhere). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far (Linux /proc/stat; zeros elsewhere). */
function machineCpu(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const idle = f[3] + (f[4] || 0);
    const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The load process, with a request/answer for its counters. */
function startLoad(broker: Broker) {
  const opts: LoadOptions = { host: broker.host, port: broker.port, prefix: PREFIX, units: UNITS, rate: RATE, qos: QOS, lifetimeMs: 150_000, ...LAYOUT };
  // fork keeps this process's exec arguments: under tsx, the loader comes along
  const child: ChildProcess = fork(LOAD, [JSON.stringify(opts)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (e: Extract<LoadEvent, { ev: 'count' }>) => void>();
  let nextId = 0;
  let errors: string[] = [];
  // 'ready' and 'populated', as they come (perhaps before anyone waits for them)
  const seen = new Set<string>();
  const once = new Map<string, () => void>();
  child.on('message', (e: LoadEvent) => {
    if (e.ev === 'count') waiting.get(e.id)?.(e);
    else if (e.ev === 'error') errors.push(e.message);
    else {
      seen.add(e.ev);
      once.get(e.ev)?.();
    }
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`load process exited (${code}) ${errors.join('; ')}`))));
  exited.catch(() => {});
  const event = (ev: 'ready' | 'populated', timeoutMs: number) =>
    Promise.race([
      new Promise<void>((r) => (seen.has(ev) ? r() : once.set(ev, r))),
      exited,
      sleep(timeoutMs).then(() => {
        throw new Error(`load process: no ${ev} within ${timeoutMs} ms ${errors.join('; ')}`);
      }),
    ]);
  const command = (c: LoadCommand) => child.send(c);
  const count = () =>
    Promise.race([
      new Promise<Extract<LoadEvent, { ev: 'count' }>>((r) => {
        const id = nextId++;
        waiting.set(id, (e) => (waiting.delete(id), r(e)));
        command({ cmd: 'count', id });
      }),
      exited,
    ]);
  return {
    child,
    event,
    command,
    count,
    takeErrors: () => {
      const e = errors;
      errors = [];
      return e;
    },
    killSync: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      command({ cmd: 'stop' });
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export async function broadcastBench(): Promise<void> {
  // before anything of ours runs: is the machine busy with something else?
  const loadBefore = loadavg()[0];
  const cleanups: (() => Promise<void>)[] = [];
  const syncCleanups: (() => void)[] = [];
  const onExit = () => syncCleanups.forEach((c) => c());
  const onSignal = (sig: NodeJS.Signals) => {
    onExit();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const broker = await startBroker();
    cleanups.push(() => broker.stop());
    syncCleanups.push(() => broker.killSync());
    const load = startLoad(broker);
    cleanups.push(() => load.stop());
    syncCleanups.push(() => load.killSync());

    const gridsPath = resolve(APP_ROOT, 'assets/generated/geo/fuzhou-grids.geojson');
    const parsed = parseConfig({ demo: false, brokers: [broker.url], ...(existsSync(gridsPath) ? { reference: { grids: gridsPath } } : {}) });
    if (!parsed.ok) throw new Error(parsed.error);
    const clientId = `bench-dispatch-${process.pid}-${Date.now().toString(36)}`;
    const host: Host = await startHost({ config: parsed.value, shell: 'web', appRoot: APP_ROOT, clientIdOverride: clientId });
    cleanups.push(() => host.close());
    await host.ingest.ready(10_000);
    // a wall page connected: each delta serialised once
    host.situation.onDelta((d) => void JSON.stringify(d));
    let fixes = 0;
    let replies = 0;
    host.situation.onInput((i) => {
      if (i.t !== 'events') return;
      if (i.topic.endsWith('/location')) fixes++;
      else if (i.topic.endsWith('/reply')) replies++;
    });

    // the host's DispatchService, with a publisher whose PUBACK promises are kept (see the top)
    const base = startDispatchPublisher({ urls: [broker.url], clientId: `${clientId}-dispatch-bench`, topicPrefix: parsed.value.topicPrefix, protocolVersion: parsed.value.protocolVersion, timeoutMs: PUBACK_TIMEOUT_MS });
    cleanups.push(() => base.close());
    let capture: Promise<boolean>[] | null = null;
    const publisher: DispatchPublisher = {
      ...base,
      send: (unitId, message) => {
        const sent = base.send(unitId, message);
        capture?.push(sent);
        return sent;
      },
    };
    const dispatch = new DispatchService(host.situation, publisher);
    for (let i = 0; i < 100 && !base.health().connected; i++) await sleep(50);
    if (!base.health().connected) throw new Error('dispatch publisher did not connect');

    await load.event('ready', 10_000);
    const tPop = performance.now();
    load.command({ cmd: 'populate' });
    await load.event('populated', 30_000);
    for (let i = 0; i < 600 && host.situation.state.units.size < UNITS; i++) await sleep(50);
    if (host.situation.state.units.size < UNITS) throw new Error(`only ${host.situation.state.units.size} of ${UNITS} units arrived`);
    const populateS = (performance.now() - tPop) / 1000;
    load.command({ cmd: 'flow' });
    await sleep(2000);

    // ---- one broadcast ----
    let seq = 0;
    const unacked = { count: 0 };
    const outcomes = { short: 0 };
    let rnd = 7;
    const random = () => ((rnd = (rnd * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const broadcastOnce = () => {
      const id = `BENCH-${process.pid}-${++seq}`;
      // away from the lattice's edges by more than 500 m
      const rows = Math.ceil(UNITS / LAYOUT.cols);
      const lon = LAYOUT.lon0 + (0.1 + 0.8 * random()) * LAYOUT.cols * LAYOUT.dLon;
      const lat = LAYOUT.lat0 + (0.1 + 0.8 * random()) * rows * LAYOUT.dLat;
      const at = Date.now();
      const report: IncidentReport = {
        id,
        ts: at,
        kind: 'theft',
        priority: 2,
        lat,
        lon,
        title: '商场服装店手机被盗',
        detail: '嫌疑人甲：男，约25岁，身高175厘米左右，黑色外套，背蓝色双肩包，往地铁站方向逃离',
        media: [
          { url: '/media/demo/clue-1.jpg', type: 'image/jpeg' },
          { url: '/media/demo/clue-2.jpg', type: 'image/jpeg' },
        ],
        status: 'open',
      };
      host.situation.apply({ t: 'events', at, topic: `${PREFIX}/alarms/bench`, events: [{ type: 'incident', source: 'bench', report }] });
      capture = [];
      const t0 = performance.now();
      const r = dispatch.broadcast({ incidentId: id, actionId: `bench-${id}` });
      const t1 = performance.now();
      const sends = capture;
      capture = null;
      if (!r.ok) throw new Error(`broadcast on ${id} refused: ${r.error.message}`);
      if (r.value.recipients.length < MAX_RECIPIENTS) outcomes.short++;
      const done = Promise.all(sends).then((acked) => {
        unacked.count += acked.filter((a) => !a).length;
        return { callMs: t1 - t0, totalMs: performance.now() - t0, recipients: sends.length };
      });
      return done;
    };

    // ---- (b) ----
    const bFixes0 = fixes;
    const bCount0 = await load.count();
    const tb0 = performance.now();
    const b: { callMs: number; totalMs: number; recipients: number }[] = [];
    for (let k = 0; k < BROADCASTS; k++) {
      const started = performance.now();
      b.push(await broadcastOnce());
      const rest = B_PERIOD_MS - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
    const bSeconds = (performance.now() - tb0) / 1000;
    const bCount1 = await load.count();
    const bOffered = (bCount1.sent - bCount0.sent) / bSeconds;
    const bApplied = (fixes - bFixes0) / bSeconds;

    // ---- (c) ----
    type Window = { kind: 'A' | 'B'; seconds: number; fixes: number; sent: number; replies: number; broadcasts: number; elu: number; wallCpu: number; brokerCpu: number; loadCpu: number; otherCpu: number; behindMs: number; lag0: number; lag1: number; drainMs: number };
    const windows: Window[] = [];
    const cLatencies: number[] = [];
    /** location messages published and not yet applied (in the broker, the worker, the queue) */
    const lag = async () => (await load.count()).sent - fixes;
    for (const kind of ['A', 'B', 'A', 'B'] as const) {
      // each window starts with nothing queued: what the last one left behind is applied first
      const drainStart = performance.now();
      while ((await lag()) > RATE * DRAINED_S && performance.now() - drainStart < MAX_DRAIN_MS) await sleep(100);
      const drainMs = performance.now() - drainStart;
      const lag0 = await lag();
      const c0 = await load.count();
      const f0 = fixes;
      const r0 = replies;
      const elu0 = performance.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      const broker0 = cpuSecondsOf(broker.pid);
      const m0 = machineCpu();
      const t0 = performance.now();
      const pending: Promise<{ totalMs: number }>[] = [];
      let failed: unknown = null;
      const timer =
        kind === 'B'
          ? setInterval(() => {
              try {
                pending.push(broadcastOnce());
              } catch (e) {
                failed = e;
              }
            }, B_EVERY_MS)
          : null;
      await sleep(WINDOW_S * 1000);
      if (timer) clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      const c1 = await load.count();
      const lag1 = c1.sent - fixes;
      const cpu = process.cpuUsage(cpu0);
      const m1 = machineCpu();
      const wallCpu = (cpu.user + cpu.system) / 1e6 / seconds;
      const brokerCpu = (cpuSecondsOf(broker.pid) - broker0) / seconds;
      const loadCpu = (c1.cpuMs - c0.cpuMs) / 1000 / seconds;
      windows.push({
        kind,
        seconds,
        fixes: fixes - f0,
        sent: c1.sent - c0.sent,
        replies: replies - r0,
        broadcasts: pending.length,
        elu: performance.eventLoopUtilization(elu0).utilization,
        wallCpu,
        brokerCpu,
        loadCpu,
        // whatever else ran on the machine meanwhile (other processes; 0 if /proc/stat is not there)
        otherCpu: Math.max(0, (m1.busy - m0.busy) / seconds - wallCpu - brokerCpu - loadCpu),
        behindMs: c1.behindMs - c0.behindMs,
        lag0,
        lag1,
        drainMs,
      });
      if (failed) throw failed;
      for (const x of await Promise.all(pending)) cLatencies.push(x.totalMs);
    }
    const loadErrors = load.takeErrors();
    if (loadErrors.length) throw new Error(`load process: ${loadErrors.join('; ')}`);

    // ---- report ----
    const row = (name: string, xs: number[]) => `  ${name.padEnd(30)} p50 ${p(xs, 0.5).toFixed(1)} ms   p99 ${p(xs, 0.99).toFixed(1)} ms   max ${Math.max(...xs).toFixed(1)} ms`;
    const short = bOffered < RATE * 0.95;
    console.log('');
    console.log(`bench:dispatch (b) — broadcast to the ${MAX_RECIPIENTS} nearest available volunteers within 500 m, ${fmt(UNITS)} units held, locations flowing; Mosquitto on loopback, locations QoS ${QOS}, dispatches and replies QoS 1`);
    console.log(`  machine: ${availableParallelism()} cores, 1-min load average ${loadBefore.toFixed(2)} before the broker and the wall started`);
    console.log(`  units: published through the broker (all ${fmt(UNITS)} in ${populateS.toFixed(1)} s), then ${fmt(RATE)} msg/s asked of the publisher; the wall's MQTT client on ${host.ingest.threaded ? 'its worker thread' : 'the main thread (worker not built)'}`);
    console.log(`  location flow during (b): ${fmt(bOffered)} msg/s published, ${fmt(bApplied)} msg/s applied${short ? `   (${fmt(RATE)} msg/s NOT reached on this machine: the publisher shares ${availableParallelism()} cores with the wall and the broker)` : ''}`);
    console.log(row('action → last PUBACK', b.map((x) => x.totalMs)));
    console.log(row('of which the call (sync)', b.map((x) => x.callMs)));
    console.log(`  ${b.length} broadcasts, ${fmt(b.reduce((s, x) => s + x.recipients, 0))} dispatches sent, ${unacked.count} not acknowledged, ${outcomes.short} with fewer than ${MAX_RECIPIENTS} recipients`);
    const bP99 = p(
      b.map((x) => x.totalMs),
      0.99,
    );
    console.log(`  goal: p99 ≤ 200 ms: ${bP99 <= 200 ? 'met' : 'NOT met'}`);

    const sum = (k: 'A' | 'B', f: (w: Window) => number) => windows.filter((w) => w.kind === k).reduce((s, w) => s + f(w), 0);
    const rateOf = (k: 'A' | 'B') => sum(k, (w) => w.fixes) / sum(k, (w) => w.seconds);
    const offeredOf = (k: 'A' | 'B') => sum(k, (w) => w.sent) / sum(k, (w) => w.seconds);
    const ratio = rateOf('B') / rateOf('A');
    console.log('');
    console.log(`bench:dispatch (c) — location messages applied per second, ${WINDOW_S} s windows A B A B: A no dispatch, B a ${MAX_RECIPIENTS}-recipient broadcast every ${B_EVERY_MS} ms and every recipient's reply`);
    windows.forEach((w, i) => {
      console.log(
        `  ${w.kind}${Math.floor(i / 2) + 1}  ${fmt(w.fixes / w.seconds).padStart(7)} msg/s applied, ${fmt(w.sent / w.seconds).padStart(7)} published   queued ${fmt(w.lag0)} → ${fmt(w.lag1)}   ${w.broadcasts} broadcasts, ${fmt(w.replies / w.seconds)} replies/s${w.behindMs > 0 ? `   publisher ${Math.round(w.behindMs)} ms behind` : ''}`,
      );
      console.log(`      wall main thread ${(w.elu * 100).toFixed(0)} % busy; CPU (cores): wall ${w.wallCpu.toFixed(2)}, Mosquitto ${w.brokerCpu.toFixed(2)}, load ${w.loadCpu.toFixed(2)}, other processes ${w.otherCpu.toFixed(2)}`);
    });
    if (cLatencies.length) console.log(row('B: action → last PUBACK', cLatencies));
    console.log(`  ratio with dispatch / without: ${ratio.toFixed(3)}×   (${fmt(rateOf('B'))} / ${fmt(rateOf('A'))} msg/s; published ${fmt(offeredOf('B'))} / ${fmt(offeredOf('A'))})   (goal ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'})`);
    const brokerMax = Math.max(...windows.map((w) => w.brokerCpu));
    if (brokerMax >= 0.85) console.log(`  note: Mosquitto (one thread) used up to ${brokerMax.toFixed(2)} of a core: on this machine the broker, beside the wall, sets the limit`);
    const otherMax = Math.max(...windows.map((w) => w.otherCpu));
    if (otherMax >= 0.1) console.log(`  note: other processes used up to ${otherMax.toFixed(2)} cores during the windows: these figures are disturbed`);
    if (offeredOf('A') < RATE * 0.95) console.log(`  note: the publisher reached ${fmt(offeredOf('A'))} of the ${fmt(RATE)} msg/s asked (${availableParallelism()} cores shared by wall, broker and publisher)`);
    const st = host.situation.state.stats;
    console.log(`  units held ${fmt(host.situation.state.units.size)}, incidents ${fmt(host.situation.state.incidents.size)}, rejected ${fmt(st.rejected)}, the bench publisher's health: ${JSON.stringify(base.health())}`);
    console.log(
      JSON.stringify({
        bench: 'dispatch-broadcast',
        units: UNITS,
        rateAsked: RATE,
        rateDuringB: Math.round(bOffered),
        pubackP50: +p(
          b.map((x) => x.totalMs),
          0.5,
        ).toFixed(1),
        pubackP99: +bP99.toFixed(1),
        pubackMax: +Math.max(...b.map((x) => x.totalMs)).toFixed(1),
        ingestA: Math.round(rateOf('A')),
        ingestB: Math.round(rateOf('B')),
        ratio: +ratio.toFixed(3),
        mosquittoCpuMax: +brokerMax.toFixed(2),
        otherCpuMax: +otherMax.toFixed(2),
      }),
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

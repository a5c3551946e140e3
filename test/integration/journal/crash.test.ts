// kill -9, again and again, under live traffic: a real wall process (the web shell CLI, `--data`
// on a temporary folder) on Debian's Mosquitto records what a publisher sends (QoS 1 alarms every
// ~75 ms, unit fixes) and is killed with SIGKILL at random moments, then started again on the same
// folder. After every restart: every journal file opens (the one being written at the kill is
// repaired), nothing the wall had for longer than the journal's flush bound (1 s; flushEveryMs is
// 500 ms) is missing from the restored situation, nothing is there twice. What was lost in the last
// second before each kill is counted. After a clean stop, every file is a complete indexed MCAP and
// the alarms they hold cover every alarm acknowledged (less those counted lost).
//
// When did the wall have an alarm? At the publisher's PUBACK, but never before the wall's broker
// connection of that life came up: what Mosquitto queued for the wall's persistent session while
// it was down reaches it only then. The wall acknowledges on receipt, so from then on the alarm is
// the journal's to keep: one it had for more than 1 s at a kill must come back. One it had for less
// may be lost (counted: acked in the last second, or a backlog delivered late), or may come back
// through Mosquitto (the wall had not acknowledged it yet). An alarm that came back is kept by the
// journal (required from then on) when it is in the journal files; when Mosquitto redelivered it,
// it counts as delivered at this life's connection.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { Health } from '../../../core/contract.js';
import type { Incident, Unit } from '../../../core/domain.js';
import type { SituationInput } from '../../../core/inputs.js';
import { FIX_TOPIC, inputTopic, parseJournalFileName, SNAPSHOT_TOPIC, UNIT_TABLE_TOPIC, type InputBatch } from '../../../core/journal/channels.js';
import { decodeFixBatch } from '../../../core/journal/fix-codec.js';
import { openMcap } from '../../../main/journal/mcap-read.js';
import { scanMcap } from '../../../main/journal/mcap-repair.js';
import { connectClient } from '../../helpers/host.js';
import { freePort, MOSQUITTO, startMosquitto } from '../../helpers/mosquitto.js';
import { spawnWebShell } from '../../helpers/web-process.js';
import { missingTool } from '../../helpers/assets.js';

const P = 'watchfloor/v1';
/** kills at a random moment (0.8–3 s into a life) */
const RANDOM_KILLS = 10;
/** and kills right after a life opened its journal file (its first input), the file's most fragile moment */
const EARLY_KILL_AT = new Set([4, 9]);
const KILLS = RANDOM_KILLS + EARLY_KILL_AT.size;
/** about 45–55 s on an idle 2-core machine (each restart of the wall under tsx takes 1.3–3 s); more on a loaded one */
const TIMEOUT_MS = Number(process.env.JOURNAL_CRASH_TIMEOUT_MS ?? 90_000);
/** the journal's promise: a kill loses at most flushEveryMs (500 ms); 1 s leaves room for a busy loop */
const FLUSH_EVERY_MS = 500;
const LOSS_WINDOW_MS = 1_000;
const ALARM_EVERY_MS = 75;
const UNIT_EVERY_MS = 200;
const UNITS = ['U-1', 'U-2', 'U-3', 'U-4'];

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an async condition; bounded, so a broken product fails instead of hanging. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | null | false>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

interface Wall {
  proc: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWall(configPath: string, dataDir: string, port: number): Wall {
  const { proc, output: out } = spawnWebShell(configPath, dataDir, ['--port', String(port)]);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const wall = { proc, url: `http://127.0.0.1:${port}`, out, exited };
  cleanup.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
  });
  return wall;
}

const alive = (w: Wall) => w.proc.exitCode === null && w.proc.signalCode === null;

async function getJson<T>(w: Wall, path: string): Promise<T> {
  const r = await fetch(`${w.url}${path}`, { signal: AbortSignal.timeout(5_000) });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** a few tries: a connection kept alive to a wall that was killed may fail once */
async function getJsonRetry<T>(w: Wall, path: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson<T>(w, path);
    } catch (e) {
      if (attempt === 3 || !alive(w)) throw new Error(`${path}: ${(e as Error).message}\n${w.out()}`);
      await sleep(50);
    }
  }
}

const health = (w: Wall) => getJsonRetry<Health>(w, '/api/health');
const incidentIds = async (w: Wall) => (await getJsonRetry<{ id: string }[]>(w, '/api/incidents')).map((i) => i.id);

/** Waits until the wall answers /api/health (it recovers before it listens). */
async function waitForHealth(w: Wall, timeoutMs = 20_000): Promise<Health> {
  return until(`the wall to answer /api/health:\n${w.out()}`, timeoutMs, async () => {
    if (!alive(w)) throw new Error(`the wall exited:\n${w.out()}`);
    return getJson<Health>(w, '/api/health').catch(() => null);
  });
}

/** The journal files in the folder, and those a crash left open (read-only scan: no repair). */
function journalState(dir: string): { files: string[]; open: string[] } {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => parseJournalFileName(f) !== null) : [];
  return { files, open: files.filter((f) => scanMcap(join(dir, f)).state.kind === 'open') };
}

const verified = new Map<string, { key: string; alarms: string[]; chunks: number }>();

/** readJournalFile, once per version of a file (a file closed or repaired before does not change) */
async function readJournalFileOnce(path: string): Promise<{ alarms: string[]; chunks: number }> {
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}`;
  const seen = verified.get(path);
  if (seen?.key === key) return seen;
  const r = await readJournalFile(path);
  verified.set(path, { key, ...r });
  return r;
}

/**
 * A journal file opened through its index, every message read (chunks decompressed, CRCs checked):
 * the alarm ids in its inputs. Its inputs' numbers run without a gap from its first snapshot's,
 * the input that opened the file (a chunk cut by a kill takes a tail off, never a middle or a head).
 */
async function readJournalFile(path: string): Promise<{ alarms: string[]; chunks: number }> {
  const r = await openMcap(path);
  try {
    const alarms: string[] = [];
    const ns: number[] = [];
    let firstSnapshotN = Infinity;
    const topicOf = new Map([...r.reader.channelsById.values()].map((c) => [c.id, c.topic]));
    for await (const m of r.reader.readMessages()) {
      const topic = topicOf.get(m.channelId);
      if (topic === SNAPSHOT_TOPIC) {
        // {"n":…,"at":…,"situation":{…}}: the number is at the start (no need to parse the situation)
        const n = /^\{"n":(-?\d+),/.exec(dec.decode(m.data.subarray(0, 40)));
        expect(n, `${basename(path)}: a snapshot without its number`).not.toBeNull();
        firstSnapshotN = Math.min(firstSnapshotN, Number(n![1]));
        continue;
      }
      // a snapshot's units: read with the snapshot by the wall (journal-read.ts), nothing to count here
      if (topic === UNIT_TABLE_TOPIC) continue;
      if (topic === FIX_TOPIC) {
        ns.push(...decodeFixBatch(m.data).map((x) => x.n));
        continue;
      }
      const batch = JSON.parse(dec.decode(m.data)) as InputBatch;
      ns.push(...batch.n);
      if (topic !== inputTopic('events')) continue;
      for (const input of batch.inputs as SituationInput[]) {
        if (input.t !== 'events') continue;
        for (const ev of input.events) if (ev.type === 'incident') alarms.push(ev.report.id);
      }
    }
    ns.sort((a, b) => a - b);
    const name = basename(path);
    expect(firstSnapshotN, `${name}: no snapshot`).not.toBe(Infinity);
    expect(ns[0], `${name}: the input that opened the file (n=${firstSnapshotN}) is not in it`).toBe(firstSnapshotN);
    expect(ns.at(-1)! - ns[0] + 1, `${name}: input numbers ${ns[0]}…${ns.at(-1)} with gaps or repeats`).toBe(ns.length);
    return { alarms, chunks: r.reader.chunkIndexes.length };
  } finally {
    await r.close();
  }
}

describe.skipIf(missingTool(!!MOSQUITTO, 'mosquitto'))('the journal under kill -9, with a real wall process and Mosquitto', () => {
  it(`survives ${KILLS} SIGKILLs under live QoS 1 traffic, losing at most the last second each time`, async () => {
    expect(EARLY_KILL_AT.size + RANDOM_KILLS).toBe(KILLS);
    const t0 = Date.now();
    const m = await startMosquitto();
    cleanup.push(() => m.stop());
    const root = mkdtempSync(join(tmpdir(), 'wf-journal-crash-'));
    if (process.env.JOURNAL_CRASH_KEEP) console.log(`journal crash test: keeping ${root}`);
    else cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'data');
    const journalDir = join(dataDir, 'journal');
    const configPath = join(root, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        demo: false,
        brokers: [m.url],
        // a fixed client id: a persistent session that Mosquitto keeps for the wall between lives
        clientId: `wf-journal-crash-${process.pid}`,
        reconnect: { minMs: 100, maxMs: 1000 },
        // no situation.json: what comes back, comes back from the journal
        situation: { checkpointIntervalMs: 0 },
        // snapshots every 2 s: recoveries start from a file's first snapshot or from one inside it
        journal: { flushEveryMs: FLUSH_EVERY_MS, snapshotEveryMs: 2_000 },
      }),
    );

    // --- the publisher: alarms and unit fixes, QoS 1; when each alarm was sent and acknowledged
    const pub: MqttClient = await connectClient(m.url, { clientId: `wf-journal-crash-pub-${process.pid}`, clean: true });
    cleanup.push(() => void pub.end(true));
    const sentAt = new Map<string, number>();
    const ackAt = new Map<string, number>();
    const unitAcks: { id: string; at: number }[] = [];
    let sent = 0;
    let publishing = false;
    const sendAlarm = (id: string) => {
      sentAt.set(id, Date.now());
      const alarm = { id, ts: Date.now(), kind: 'theft', priority: 3, lat: 26.04 + Math.random() * 0.03, lon: 119.27 + Math.random() * 0.03, title: `crash test ${id}` };
      pub.publish(`${P}/alarms/110`, JSON.stringify(alarm), { qos: 1 }, (err) => {
        if (!err) ackAt.set(id, Date.now());
      });
    };
    let unitTurn = 0;
    const sendUnit = () => {
      const id = UNITS[unitTurn++ % UNITS.length];
      const fix = { id, ts: Date.now(), lat: 26.05 + Math.random() * 0.01, lon: 119.28 + Math.random() * 0.01, kind: 'patrol' };
      pub.publish(`${P}/units/${id}/location`, JSON.stringify(fix), { qos: 1 }, (err) => {
        if (!err) unitAcks.push({ id, at: Date.now() });
      });
    };
    const alarmTimer = setInterval(() => publishing && sendAlarm(`JC-${++sent}`), ALARM_EVERY_MS);
    const unitTimer = setInterval(() => publishing && sendUnit(), UNIT_EVERY_MS);
    cleanup.push(() => (clearInterval(alarmTimer), clearInterval(unitTimer)));
    const alarmIds = () => [...sentAt.keys()].filter((id) => id.startsWith('JC-'));

    // --- first life: probes until one arrives (the wall's persistent session has subscribed)
    const port = await freePort();
    let wall = spawnWall(configPath, dataDir, port);
    let h = await waitForHealth(wall);
    expect(h.journal).toMatchObject({ ok: true, error: null, repaired: [], recovered: null });
    let probe = 0;
    await until('the wall to hold a probe alarm (its persistent session subscribed)', 15_000, async () => {
      sendAlarm(`PROBE-${++probe}`);
      return (await incidentIds(wall)).some((id) => id.startsWith('PROBE-'));
    }, 100);
    publishing = true;

    /** alarms the journal must give back after every later kill */
    const required = new Set<string>();
    const requiredUnits = new Set<string>();
    /** alarms lost at a kill (the wall had them for less than the loss window): never expected again */
    const excused = new Set<string>();
    /** alarms at risk at a kill (→ which kill), not yet known kept or lost: a settled life tells */
    const unresolved = new Map<string, number>();
    /** alarms redelivered by Mosquitto to this life (they reached it at its connection) */
    let redelivered = new Set<string>();
    const figures = Array.from({ length: KILLS + 1 }, (_, k) => ({ kill: k, early: false, startMs: 0, runMs: 0, connectedAfterMs: 0, settled: false, lastSecond: 0, lostLastSecond: 0, backlog: 0, lostBacklog: 0, tail: 0, sinceOpenMs: NaN }));
    let maxTail = 0;
    let cutBytes = 0;
    /** the current life: when it answered, when its broker connection came up, whether Mosquitto's backlog for it has drained */
    let healthAt = Date.now();
    let connectedAt = h.broker.connected ? (h.broker.lastConnectedAt ?? Infinity) : Infinity;
    let settled = true;
    let goneAt = -Infinity;
    let durable = new Set<string>();
    const killOf = new Map<number, { killAt: number }>();
    const recentAt = (id: string, kill: number) => (ackAt.get(id) ?? Infinity) >= killOf.get(kill)!.killAt - LOSS_WINDOW_MS;

    /**
     * Once an alarm acked after this life answered is in, Mosquitto has delivered everything it had
     * queued for the wall before it (one session, in order): the alarms at risk are kept or lost now.
     */
    const trySettle = async (k: number) => {
      if (settled) return;
      const newer = [...ackAt].filter(([id, at]) => id.startsWith('JC-') && at > healthAt).map(([id]) => id);
      if (!newer.length) return;
      const now = new Set(await incidentIds(wall));
      if (!newer.some((id) => now.has(id))) return;
      for (const [id, kill] of unresolved) {
        const f = figures[kill];
        if (durable.has(id)) required.add(id);
        else if (now.has(id)) redelivered.add(id);
        else {
          excused.add(id);
          if (recentAt(id, kill)) f.lostLastSecond++;
          else f.lostBacklog++;
        }
      }
      unresolved.clear();
      // an alarm sent once the last wall was gone never reached a wall that died: it must be here
      const neverLost = [...ackAt].filter(([id, at]) => id.startsWith('JC-') && sentAt.get(id)! > goneAt && at <= healthAt && !now.has(id)).map(([id]) => id);
      expect(neverLost, `life ${k + 1}: alarms sent while the wall was down never arrived`).toEqual([]);
      settled = true;
    };

    for (let k = 1; k <= KILLS; k++) {
      // --- run for a random 0.8–3 s from the first answer, watching the broker connection, the journal's file, the backlog
      // (or, for an early kill, until the journal opened this life's file)
      const early = EARLY_KILL_AT.has(k);
      const runMs = early ? 5_000 : 800 + Math.random() * 2_200;
      const noteConnection = () => {
        if (h.broker.connected && connectedAt === Infinity) connectedAt = h.broker.lastConnectedAt ?? Infinity;
      };
      while (Date.now() < healthAt + runMs && !(early && h.journal?.file)) {
        h = await health(wall);
        noteConnection();
        if (early) {
          await sleep(10);
          continue;
        }
        await trySettle(k - 1);
        await sleep(Math.min(150, Math.max(0, healthAt + runMs - Date.now())));
      }
      h = await health(wall);
      noteConnection();
      if (early) expect(h.journal?.file, `life ${k}: no journal file within ${runMs} ms`).toBeTruthy();
      const fileAtKill = h.journal?.file ?? null;
      const killAt = Date.now();
      wall.proc.kill('SIGKILL');
      expect((await wall.exited).signal).toBe('SIGKILL');
      goneAt = Date.now();
      killOf.set(k, { killAt });
      Object.assign(figures[k], { early, runMs: Math.round(killAt - healthAt), connectedAfterMs: Math.round(connectedAt - healthAt), settled });

      // what the journal must hold now: what this wall had for more than the loss window; the rest is at risk
      const horizon = killAt - LOSS_WINDOW_MS;
      for (const id of alarmIds()) {
        if (sentAt.get(id)! > killAt || required.has(id) || excused.has(id) || unresolved.has(id)) continue;
        // delivered to this life: sent during it or queued for it; it had them since max(PUBACK, connection)
        const had = redelivered.has(id) ? connectedAt : Math.max(ackAt.get(id) ?? Infinity, connectedAt);
        if (settled && had < horizon) required.add(id);
        else {
          unresolved.set(id, k);
          if (recentAt(id, k)) figures[k].lastSecond++;
          else figures[k].backlog++;
        }
      }
      if (settled) for (const u of unitAcks) if (u.at >= connectedAt && u.at < horizon) requiredUnits.add(u.id);

      const atKill = journalState(journalDir);
      // --- restart on the same folder
      const spawnedAt = Date.now();
      wall = spawnWall(configPath, dataDir, port);
      h = await waitForHealth(wall);
      healthAt = Date.now();
      figures[k].startMs = healthAt - spawnedAt;
      connectedAt = Infinity;
      noteConnection();
      settled = false;
      redelivered = new Set();
      const j = h.journal!;
      const where = `after kill ${k} (file at kill ${fileAtKill}, open then: ${atKill.open.join(', ')})`;
      expect(j, where).toMatchObject({ ok: true, error: null, lost: 0, recording: true });
      const repairedNames = j.repaired.map((r) => r.file);
      // the file being written at the kill was open, and was repaired; so was every other one left open
      expect(atKill.open.length, where).toBeGreaterThan(0);
      for (const f of atKill.open) expect(repairedNames, where).toContain(f);
      if (fileAtKill) expect(repairedNames, where).toContain(fileAtKill);
      cutBytes += j.repaired.reduce((n, r) => n + r.cutBytes, 0);
      expect(j.recovered, where).not.toBeNull();
      figures[k].tail = j.recovered!.tail;
      // an early kill: how long after its file opened (the file's first snapshot) — inside the first flush interval, when the machine is not too slow
      if (early) figures[k].sinceOpenMs = killAt - j.recovered!.snapshotAt;
      maxTail = Math.max(maxTail, j.recovered!.tail);
      // every file there at the kill now opens through its index (while the wall writes the next); what they hold is kept
      durable = new Set();
      for (const f of atKill.files) for (const id of (await readJournalFileOnce(join(journalDir, f))).alarms) durable.add(id);

      // --- the restored situation: everything required, nothing twice, nothing that is not in the journal
      const s = await getJsonRetry<{ incidents: Incident[]; units: Unit[] }>(wall, '/api/situation');
      const ids = s.incidents.map((i) => i.id);
      expect(new Set(ids).size, `${where}: an incident listed twice`).toBe(ids.length);
      const have = new Set(ids);
      expect(
        [...required].filter((id) => !have.has(id)),
        `${where}: alarms the wall had for more than ${LOSS_WINDOW_MS} ms before the kill are missing (recovered ${JSON.stringify(j.recovered)})`,
      ).toEqual([]);
      expect([...required].filter((id) => !durable.has(id)), `${where}: required alarms in no journal file`).toEqual([]);
      // and recovery (last snapshot + the inputs after it) gives back every alarm the files hold
      expect([...durable].filter((id) => id.startsWith('JC-') && !have.has(id)), `${where}: alarms in the journal files but not restored`).toEqual([]);
      // a redelivered alarm is a duplicate, never a second report of its incident
      expect(s.incidents.filter((i) => i.id.startsWith('JC-') && i.updates !== 0).map((i) => `${i.id}: ${i.updates} updates`), `${where}: alarms applied twice`).toEqual([]);
      const units = new Set(s.units.map((u) => u.id));
      expect([...requiredUnits].filter((u) => !units.has(u)), `${where}: units missing`).toEqual([]);
    }

    // --- the end: the backlog drains, the publisher stops, the wall catches up, a clean stop (SIGTERM)
    const endFrom = Date.now();
    await until('the last life to settle', 15_000, async () => (await trySettle(KILLS), settled));
    publishing = false;
    await until('the publisher to have every PUBACK', 10_000, async () => alarmIds().every((id) => ackAt.has(id)));
    const expected = alarmIds().filter((id) => !excused.has(id));
    await until('the wall to hold every alarm but those lost at a kill', 15_000, async () => {
      const now = new Set(await incidentIds(wall));
      return expected.every((id) => now.has(id));
    });
    wall.proc.kill('SIGTERM');
    const end = await Promise.race([wall.exited, sleep(15_000).then(() => null)]);
    expect(end, `the wall did not stop on SIGTERM:\n${wall.out()}`).toEqual({ code: 0, signal: null });
    expect(existsSync(join(journalDir, 'journal.lock'))).toBe(false);

    // every file a complete, indexed MCAP; together they hold every alarm acknowledged (less the lost)
    const final = journalState(journalDir);
    expect(final.open).toEqual([]);
    expect(final.files.length).toBeGreaterThanOrEqual(KILLS + 1);
    const recorded = new Set<string>();
    for (const f of final.files) {
      expect(scanMcap(join(journalDir, f)).state.kind, f).toBe('complete');
      const r = await readJournalFile(join(journalDir, f));
      expect(r.chunks, f).toBeGreaterThan(0);
      for (const id of r.alarms) recorded.add(id);
    }
    expect(expected.filter((id) => !recorded.has(id)), 'acked alarms in no journal file').toEqual([]);

    const kills = figures.slice(1);
    if (process.env.JOURNAL_CRASH_DEBUG) for (const f of kills) console.log(JSON.stringify(f));
    const sum = (key: 'lastSecond' | 'lostLastSecond' | 'backlog' | 'lostBacklog') => kills.reduce((n, f) => n + f[key], 0);
    console.log(
      `journal crash test: kills=${KILLS} (random ${RANDOM_KILLS}, right after a file opened ${EARLY_KILL_AT.size}) alarms_acked=${alarmIds().length} files=${final.files.length} ` +
        `lost_acked_in_last_second=${sum('lostLastSecond')}/${sum('lastSecond')} per_kill=[${kills.map((f) => `${f.lostLastSecond}/${f.lastSecond}`).join(' ')}] ` +
        `lost_backlog_delivered_in_last_second=${sum('lostBacklog')}/${sum('backlog')} ` +
        `early_kills_ms_after_file_opened=[${kills.filter((f) => f.early).map((f) => f.sinceOpenMs).join(' ')}] ` +
        `max_recovered_tail=${maxTail} repair_cut_bytes=${cutBytes} restart_ms=${Math.min(...kills.map((f) => f.startMs))}-${Math.max(...kills.map((f) => f.startMs))} ` +
        `end_phase_s=${((Date.now() - endFrom) / 1000).toFixed(1)} duration_s=${((Date.now() - t0) / 1000).toFixed(1)}`,
    );
  }, TIMEOUT_MS);
});

// The journal service: records what the situation applies into hourly files, snapshots, and brings
// a fresh situation back to where a crashed one was (snapshot + tail).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SituationInput } from '../../../core/inputs.js';
import { checkpointOf } from '../../../core/situation/checkpoint.js';
import { createSituation } from '../../../core/situation/situation.js';
import { FIX_TOPIC } from '../../../core/journal/channels.js';
import { FixBatchReader } from '../../../core/journal/fix-codec.js';
import { Journal, SNAPSHOT_MIN_GAP_MS } from '../../../main/journal/journal.js';
import { openMcap } from '../../../main/journal/mcap-read.js';
import { Recording } from '../../../main/journal/recording.js';
import { SituationService } from '../../../main/services/situation-service.js';

const T0 = Date.UTC(2026, 11, 5, 7, 59, 0);
const fresh = () => createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 5 });
const service = () => new SituationService(fresh(), { deltaIntervalMs: 50 });
const opts = (dir: string) => ({ dir, flushEveryMs: 100_000, snapshotEveryMs: 30_000, level: 3, maxAgeMs: 0, maxBytes: 0 });

function fix(at: number, id: string, k: number): SituationInput {
  return { t: 'events', at, topic: `watchfloor/v1/units/${id}/location`, events: [{ type: 'unitFix', source: 'native', fix: { id, kind: 'volunteer', lat: 26.05 + k * 1e-4, lon: 119.3 + k * 1e-4, ts: at } }] };
}
function alarm(at: number, id: string): SituationInput {
  return { t: 'events', at, topic: `watchfloor/v1/alarms/${id}`, events: [{ type: 'incident', source: 'native', report: { id, ts: at, kind: 'theft', priority: 2, lat: 26.06, lon: 119.31, title: `警情 ${id}`, cameraIds: [], media: [], status: 'open' } }] };
}

/** three minutes across an hour boundary: fixes every second, ticks, an alarm each minute */
function inputs(): SituationInput[] {
  const out: SituationInput[] = [];
  for (let s = 0; s < 180; s++) {
    const at = T0 + s * 1000;
    out.push(fix(at, `u${s % 7}`, s));
    out.push({ t: 'tick', at });
    if (s % 60 === 10) out.push(alarm(at, `a${s}`));
  }
  return out;
}

describe('journal', () => {
  it('records into hourly files and restores a fresh situation to the same state (snapshot + tail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const live = service();
    const j = await Journal.open(opts(dir));
    j.start(live);
    for (const i of inputs()) live.apply(i);
    j.flush(); // the timer would have
    j.abandon(); // as a kill -9 leaves it, with the last chunk written
    expect(readdirSync(dir).filter((f) => f.endsWith('.mcap'))).toEqual(['watchfloor-2026-12-05T07Z.mcap', 'watchfloor-2026-12-05T08Z.mcap']);

    const back = service();
    const j2 = await Journal.open(opts(dir));
    expect(j2.health().repaired.map((r) => r.file)).toEqual(['watchfloor-2026-12-05T08Z.mcap']);
    const rec = await j2.recover(back);
    expect(rec).not.toBeNull();
    expect(checkpointOf(back.state, { trails: true })).toEqual(checkpointOf(live.state, { trails: true }));
    const files = j2.recordings();
    expect(files.map((f) => f.incidents.map((i) => i.id))).toEqual([['a10'], ['a70', 'a130']]);
    expect(files.reduce((s, f) => s + f.inputs, 0)).toBe(inputs().length);
    j2.close();
    expect(existsSync(join(dir, 'journal.lock'))).toBe(false);
  });

  it('answers the situation at any recorded time as the live wall had it then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const live = service();
    const j = await Journal.open(opts(dir));
    j.start(live);
    const all = inputs();
    const at = new Map<number, string>();
    for (const i of all) {
      live.apply(i);
      at.set(i.at, JSON.stringify(checkpointOf(live.state, { trails: true })));
    }
    j.close();
    const j2 = await Journal.open(opts(dir));
    const rec = new Recording(j2, dir, fresh);
    for (const t of [T0 + 5_000, T0 + 179_000, T0 + 61_000, T0 + 59_000, T0 + 60_000, T0 + 120_500 - 500]) {
      const s = await rec.situationAt(t);
      expect(s.ok, `at +${t - T0}`).toBe(true);
      if (s.ok) expect(checkpointOf(s.value, { trails: true }), `at +${t - T0}`).toEqual(JSON.parse(at.get(t)!));
    }
    const out = await rec.situationAt(T0 + 999_999);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.status).toBe(404);
    const inc = await rec.incidentsBetween(T0 + 65_000, T0 + 135_000);
    expect(inc.ok && inc.value.map((i) => i.id)).toEqual(['a10', 'a70', 'a130']);
    j2.close();
  });

  it('lists an incident that started and left within a period as it ended: a false alarm is not "resolved"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    // closed incidents stay 20 s, so the false alarm at +20 s is gone by +41 s, long before the period ends
    const quick = () => createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 5, closedRetentionMs: 20_000 });
    const live = new SituationService(quick(), { deltaIntervalMs: 50 });
    const j = await Journal.open(opts(dir));
    j.start(live);
    const act = (at: number, incidentId: string, kind: 'false_alarm' | 'resolve'): SituationInput => ({ t: 'action', at, action: { id: `${kind}-${incidentId}`, incidentId, kind, by: '张伟', role: 'dispatcher' } });
    const extra = new Map<number, SituationInput[]>([
      [T0 + 10_000, [alarm(T0 + 10_000, 'fa')]],
      [T0 + 20_000, [act(T0 + 20_000, 'fa', 'false_alarm')]],
      [T0 + 70_000, [alarm(T0 + 70_000, 'ok')]],
      [T0 + 95_000, [act(T0 + 95_000, 'ok', 'resolve')]],
      [T0 + 150_000, [alarm(T0 + 150_000, 'open')]],
    ]);
    for (let s = 0; s < 180; s++) {
      const at = T0 + s * 1000;
      live.apply(fix(at, `u${s % 7}`, s));
      for (const i of extra.get(at) ?? []) live.apply(i);
      live.apply({ t: 'tick', at });
    }
    expect(live.state.incidents.has('fa')).toBe(false);
    expect(live.state.incidents.has('ok')).toBe(false);
    j.close();
    const j2 = await Journal.open(opts(dir));
    const rec = new Recording(j2, dir, quick);
    const inc = await rec.incidentsBetween(T0 + 5_000, T0 + 179_000);
    expect(inc.ok).toBe(true);
    if (inc.ok)
      expect(inc.value.map((i) => [i.id, i.status, i.open, i.closedAt === undefined ? null : i.closedAt - T0])).toEqual([
        ['fa', 'false_alarm', false, 20_000],
        ['ok', 'resolved', false, 95_000],
        ['open', 'new', true, null],
      ]);
    j2.close();
  });

  it('snapshots after so many inputs as well as after so much time, and seeks from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const live = service();
    // a busy second: 2,400 fixes of 800 units, 100 ms of input time apart in 24 steps
    const busy: SituationInput[] = [];
    for (let k = 0; k < 2400; k++) busy.push(fix(T0 + Math.floor(k / 100) * 100, `u${k % 800}`, k));
    const j = await Journal.open({ ...opts(dir), snapshotEveryInputs: 1000, snapshotMinGapMs: 0 });
    j.start(live);
    const asked = [T0 + 1200, T0 + 2300, T0 + 500];
    const at = new Map<number, string>();
    busy.forEach((i, k) => {
      live.apply(i);
      // the live situation at each asked instant: after its last input
      if (asked.includes(i.at) && busy[k + 1]?.at !== i.at) at.set(i.at, JSON.stringify(checkpointOf(live.state, { trails: true })));
    });
    j.close();
    const [entry] = j.recordings();
    // the file's first, then one after every 1,000 inputs, all inside 2.4 s (30 s would give none)
    expect(entry.snapshots.map((s) => s.n)).toEqual([0, 1000, 2000]);
    const j2 = await Journal.open(opts(dir));
    const rec = new Recording(j2, dir, fresh);
    for (const t of asked) {
      const s = await rec.situationAt(t);
      expect(s.ok && checkpointOf(s.value, { trails: true }), `at +${t - T0}`).toEqual(JSON.parse(at.get(t)!));
    }
    j2.close();
    // by default a burst like this one gets them no sooner than 2 s of input time after the last:
    // its 2.4 s get one more, at the first input 2 s in, where 1,000 inputs would give two
    const dir2 = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const j3 = await Journal.open({ ...opts(dir2), snapshotEveryInputs: 1000 });
    const live2 = service();
    j3.start(live2);
    for (const i of busy) live2.apply(i);
    j3.close();
    expect(SNAPSHOT_MIN_GAP_MS).toBe(2000);
    expect(j3.recordings()[0].snapshots.map((s) => s.n)).toEqual([0, 2000]);
  });

  it('holds at most a second of receive time in a batch, even when its timer never drains them', async () => {
    // a reader from time T reads the batches logged (at their first input) from T − 5 s on: one that
    // began earlier and went on past T would lose what it holds after T. The timer (every 500 ms)
    // keeps batches short; here it never fires, and the clock steps back 5 s halfway.
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const live = service();
    const j = await Journal.open(opts(dir));
    j.start(live);
    const times: number[] = [];
    for (let k = 0; k < 300; k++) times.push(T0 + 5000 + k * 100);
    for (let k = 0; k < 50; k++) times.push(T0 + 30_000 + k * 100);
    times.forEach((at, k) => live.apply(fix(at, `u${k % 7}`, k)));
    j.close();
    const { reader, close } = await openMcap(join(dir, j.recordings()[0].file));
    const spans: number[] = [];
    let fixes = 0;
    try {
      for await (const m of reader.readMessages({ topics: [FIX_TOPIC] })) {
        const b = new FixBatchReader(m.data);
        let lo = Infinity;
        let hi = -Infinity;
        for (; !b.done; b.skip(), fixes++) [lo, hi] = [Math.min(lo, b.peekAt()), Math.max(hi, b.peekAt())];
        spans.push(hi - lo);
      }
    } finally {
      await close();
    }
    expect(fixes).toBe(times.length);
    expect(Math.max(...spans)).toBeLessThanOrEqual(1000);
  });

  it('retention: the oldest hours go by size and by age, never the file being written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const H = 3_600_000;
    const live = service();
    let now = T0 + 5 * H;
    const j = await Journal.open({ ...opts(dir), maxBytes: 0, maxAgeMs: 0, now: () => now });
    j.start(live);
    // five hours, a few inputs in each
    for (let h = 0; h < 5; h++) for (let s = 0; s < 20; s++) live.apply(fix(T0 + 60_000 + h * H + s * 1000, `u${s}`, s));
    j.close();
    const names = () => readdirSync(dir).filter((f) => f.endsWith('.mcap'));
    expect(names()).toHaveLength(5);
    // by age: hours that ended more than 2.5 h before now go when the journal starts
    const j2 = await Journal.open({ ...opts(dir), maxAgeMs: 2.5 * H, maxBytes: 0, now: () => now });
    j2.start(live);
    expect(names()).toEqual(['watchfloor-2026-12-05T11Z.mcap', 'watchfloor-2026-12-05T12Z.mcap']);
    expect(j2.health().deleted).toBe(3);
    // by size: a limit below one file's size keeps only the file being written
    j2.close();
    now += H;
    const j3 = await Journal.open({ ...opts(dir), maxAgeMs: 0, maxBytes: 1, now: () => now });
    j3.start(live);
    live.apply(fix(now, 'u1', 1));
    expect(names()).toEqual(['watchfloor-2026-12-05T13Z.mcap']);
    expect(j3.recordings().map((e) => e.file)).toEqual(['watchfloor-2026-12-05T13Z.mcap']);
    j3.close();
  });

  it('a full disk loses chunks, says so, never throws, and recording resumes once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      console.warn('[journal] full-disk test skipped: this machine does not let the test mount a small tmpfs (needs root)');
      return;
    }
    try {
      writeFileSync(join(dir, 'ballast'), Buffer.alloc(160 * 1024));
      const live = service();
      const j = await Journal.open({ ...opts(dir), dir: join(dir, 'journal') });
      j.start(live);
      const noise = (k: number) => Array.from({ length: 60 }, (_, i) => ((k * 7919 + i * 104729) % 2147483647).toString(36)).join('');
      let k = 0;
      for (; k < 2000 && !j.health().diskFull; k++) {
        const a = alarm(T0 + k * 1000, `full-${k}`);
        if (a.t === 'events' && a.events[0].type === 'incident') a.events[0].report.detail = noise(k);
        live.apply(a);
        j.flush();
      }
      const h = j.health();
      expect(h.diskFull, 'the disk filled up').toBe(true);
      expect(h.lost).toBeGreaterThan(0);
      expect(h.error).toMatch(/^disk full: /);
      // the wall goes on
      expect(() => live.apply(alarm(T0 + k * 1000, 'while-full'))).not.toThrow();
      j.flush();
      unlinkSync(join(dir, 'ballast'));
      live.apply(alarm(T0 + (k + 1) * 1000, 'after-room'));
      j.flush();
      expect(j.health().diskFull).toBe(false);
      expect(j.health().error).toBeNull();
      j.close();
      // what is recorded comes back, up to the end: the file went on from a fresh snapshot
      const back = service();
      const j2 = await Journal.open({ ...opts(dir), dir: join(dir, 'journal') });
      await j2.recover(back);
      expect(back.state.incidents.has('after-room')).toBe(true);
      expect(back.state.incidents.has('while-full')).toBe(true);
      j2.close();
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('the input that opens a file is on disk with the file\'s first snapshot (a kill right after loses neither)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journal-'));
    const live = service();
    const j = await Journal.open(opts(dir));
    j.start(live);
    live.apply(alarm(T0 + 120_000, 'first'));
    j.abandon(); // no flush: the timer never ran
    const j2 = await Journal.open(opts(dir));
    const back = service();
    const rec = await j2.recover(back);
    expect(back.state.incidents.has('first')).toBe(true);
    expect(j2.recordings()[0].inputs).toBe(1);
    expect(j2.recordings()[0].incidents.map((i) => i.id)).toEqual(['first']);
    expect(rec?.tail).toBe(0); // the snapshot holds it; the input is recorded after it, skipped by its number
    j2.close();
  });
});


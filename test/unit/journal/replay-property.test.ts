// Replay is the live wall again: for random histories of inputs (unit fixes in and out of order,
// alarms raised, updated, closed and ended, kiosk SOS, clock ticks that escalate and expire,
// operator actions checked as the wall checks them, actions and replies heard from the broker,
// rejects), the situation the journal rebuilds at any instant T (Recording.situationAt: the latest
// snapshot at or before T, then the inputs up to T) is the one the live wall had at T: the same
// checkpoint, trails included. Histories cross an hour (file rotation), snapshots come every few
// seconds of input time, chunks are cut at random, and some runs crash (flush, then kill -9) and
// go on from the journal's recovery. The recording is read back while the wall still records, or
// once closed, or once killed at the end and repaired. REPLAY_RUNS=N explores longer.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS, REJECT_REASONS, type DispatchAnswer, type IncidentReport, type OperatorAction, type OperatorActionKind, type Priority, type UnitFix } from '../../../core/domain.js';
import type { IngestEvent, SituationInput } from '../../../core/inputs.js';
import { checkpointOf } from '../../../core/situation/checkpoint.js';
import { createSituation, type ReferenceData } from '../../../core/situation/situation.js';
import { Journal, type JournalOptions } from '../../../main/journal/journal.js';
import { Recording } from '../../../main/journal/recording.js';
import { SituationService } from '../../../main/services/situation-service.js';

const HOUR = 3_600_000;
/** the journal syncs every chunk to disk: in memory where there is such a folder, so a run takes milliseconds */
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/** an hour boundary: runs start a little before it */
const H = Date.UTC(2026, 11, 5, 8, 0, 0);

const reference: ReferenceData = {
  cameras: [{ id: 'C1', name: '万达北门', lat: 26.043, lon: 119.283 }],
  kiosks: [{ id: 'K1', name: '金山小学南门', lat: 26.05, lon: 119.27, cameraId: 'C1' }],
};
const locate = (lon: number) => (lon < 119.3 ? { id: 'G-W', ids: ['city', 'G-W'], names: ['福州市', '西格'] } : { id: 'G-E', ids: ['city', 'G-E'], names: ['福州市', '东格'] });
/** small limits, so a few minutes of history reach them: stale and forgotten units, closed incidents leaving, tombstones expiring, the incident cap, bounded action ids */
const fresh = () =>
  createSituation(reference, locate, {
    trailLength: 4,
    staleAfterMs: 20_000,
    forgetUnitsAfterMs: 100_000,
    closedRetentionMs: 40_000,
    tombstoneMs: 80_000,
    maxTombstones: 3,
    maxIncidents: 5,
    rejectsKept: 5,
    actionIdsKept: 8,
    episodeGapMs: 60_000,
  });
const service = () => new SituationService(fresh(), { deltaIntervalMs: 50 });

const UNITS = ['u1', 'u2', 'u3', 'u4'];
/** names as clients send them, a hostile one's too: a NUL (the journal's tables' separator) and a lone surrogate (no UTF-8 form) */
const NAMES = { plain: (id: string) => `队员${id}`, nul: (id: string) => `队员\u0000${id}`, surrogate: (id: string) => `队员${id}\ud800` };
const ALARMS = ['a1', 'a2', 'a3', 'a4'];
const DISPATCHES = ['d1', 'd2', 'd3'];

// ---- the history, as steps; times are laid out when it is played ----

type Step =
  | { s: 'fix'; dt: number; id: string; late: number; k: number; kind: UnitFix['kind']; name: 'none' | 'plain' | 'nul' | 'surrogate' }
  | { s: 'nofix' | 'offline'; dt: number; id: string }
  | { s: 'alarm'; dt: number; id: string; source: string; p: Priority; closed: boolean; title: number; k: number; back: number; cams: string[]; retained: boolean }
  | { s: 'sos'; dt: number; k: number; back: number }
  | { s: 'end'; dt: number; id: string }
  | { s: 'kiosk'; dt: number; id: 'K1' | 'K9'; online: boolean; sos: boolean; positioned: boolean; back: number }
  | { s: 'camera'; dt: number; id: 'C1' | 'C7'; online: boolean }
  | { s: 'alarms'; dt: number; active: boolean }
  | { s: 'reply'; dt: number; unit: string; dispatch: string; target: number; answer: DispatchAnswer }
  | { s: 'act'; dt: number; how: 'local' | 'remote' | 'legacy'; kind: OperatorActionKind; target: number; into: number | null; note: string | undefined; idn: number; order: { dispatch: string; mode: 'assign' | 'broadcast'; units: string[] } | null; lag: number }
  | { s: 'reject'; dt: number; reason: (typeof REJECT_REASONS)[number] }
  | { s: 'tick'; dt: number }
  | { s: 'flush'; dt: number };

/** time between inputs: often none (the same ms), mostly a little, sometimes several seconds */
const dt = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 1500 }) }, { weight: 2, arbitrary: fc.integer({ min: 1500, max: 12_000 }) });
/** an incident to act on: one of the alarm ids, or (beyond them) whichever incident the wall holds at that place (a kiosk SOS) */
const target = fc.integer({ min: 0, max: ALARMS.length + 1 });

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ s: fc.constant('fix' as const), dt, id: fc.constantFrom(...UNITS), late: fc.oneof(fc.constant(0), fc.integer({ min: -10_000, max: 1000 })), k: fc.integer({ min: 1, max: 400 }), kind: fc.constantFrom('volunteer' as const, 'patrol' as const), name: fc.constantFrom('none' as const, 'plain' as const, 'plain' as const, 'nul' as const, 'surrogate' as const) }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constantFrom('nofix' as const, 'offline' as const), dt, id: fc.constantFrom(...UNITS) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      s: fc.constant('alarm' as const),
      dt,
      id: fc.constantFrom(...ALARMS),
      source: fc.constantFrom('110', '110', 'clue'),
      p: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<Priority>,
      closed: fc.boolean(),
      title: fc.integer({ min: 0, max: 2 }),
      k: fc.integer({ min: 1, max: 400 }),
      back: fc.integer({ min: 0, max: 30_000 }),
      cams: fc.subarray(['C1', 'C2']),
      /** the broker's retained copy, replayed when the wall subscribes */
      retained: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ s: fc.constant('sos' as const), dt, k: fc.integer({ min: 1, max: 400 }), back: fc.integer({ min: 0, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('end' as const), dt, id: fc.constantFrom(...ALARMS) }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('kiosk' as const), dt, id: fc.constantFrom('K1' as const, 'K9' as const), online: fc.boolean(), sos: fc.boolean(), positioned: fc.boolean(), back: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('camera' as const), dt, id: fc.constantFrom('C1' as const, 'C7' as const), online: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('alarms' as const), dt, active: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ s: fc.constant('reply' as const), dt, unit: fc.constantFrom(...UNITS), dispatch: fc.constantFrom(...DISPATCHES), target, answer: fc.constantFrom<DispatchAnswer>('accept', 'decline', 'enroute', 'arrived', 'done') }) },
  {
    weight: 6,
    arbitrary: fc.record({
      s: fc.constant('act' as const),
      dt,
      how: fc.constantFrom('local' as const, 'local' as const, 'local' as const, 'remote' as const, 'legacy' as const),
      kind: fc.constantFrom<OperatorActionKind>(...OPERATOR_ACTIONS, 'ack', 'dispatch', 'resolve', 'bogus' as OperatorActionKind),
      target,
      into: fc.option(target, { nil: null }),
      note: fc.constantFrom('现场有监控', '', undefined),
      idn: fc.integer({ min: 0, max: 20 }),
      order: fc.option(fc.record({ dispatch: fc.constantFrom(...DISPATCHES), mode: fc.constantFrom('assign' as const, 'broadcast' as const), units: fc.subarray(UNITS) }), { nil: null }),
      lag: fc.integer({ min: 0, max: 4000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('reject' as const), dt, reason: fc.constantFrom(...REJECT_REASONS) }) },
  { weight: 6, arbitrary: fc.record({ s: fc.constant('tick' as const), dt }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('flush' as const), dt }) },
);

const ev = (at: number, topic: string, ...events: IngestEvent[]): SituationInput => ({ t: 'events', at, topic, events });

/** The incident a step names: an alarm id, or the wall's n-th held incident at the time (else a name it does not hold). */
function incidentAt(live: SituationService, n: number): string {
  if (n < ALARMS.length) return ALARMS[n];
  const held = [...live.state.incidents.keys()].filter((id) => !ALARMS.includes(id));
  return held[n - ALARMS.length] ?? 'nobody';
}

/** Plays one step on the live wall the way the host would; what the wall applies reaches the journal by itself. */
function play(live: SituationService, journal: Journal, x: Step, at: number): void {
  switch (x.s) {
    case 'fix':
      return live.apply(ev(at, `watchfloor/v1/units/${x.id}/location`, { type: 'unitFix', source: 'native', fix: { id: x.id, kind: x.kind, lat: 26.03 + x.k * 1e-4, lon: 119.28 + x.k * 1e-4, ts: at + x.late, ...(x.name === 'none' ? {} : { name: NAMES[x.name](x.id) }) } }));
    case 'nofix':
      return live.apply(ev(at, `watchfloor/v1/units/${x.id}/location`, { type: 'unitNoFix', source: 'native', id: x.id }));
    case 'offline':
      return live.apply(ev(at, `watchfloor/v1/units/${x.id}/status`, { type: 'unitOffline', source: 'native', id: x.id, ts: at }));
    case 'alarm': {
      const report: IncidentReport = {
        id: x.id,
        ts: at - x.back,
        kind: x.title === 2 ? 'fight' : 'theft',
        priority: x.p,
        lat: 26.04 + x.k * 1e-4,
        lon: 119.28 + x.k * 1e-4,
        title: ['手机被盗', '手机被盗（更新）', '打架斗殴'][x.title],
        cameraIds: x.cams,
        media: [],
        status: x.closed ? 'closed' : 'open',
      };
      return live.apply({ ...ev(at, `watchfloor/v1/alarms/${x.id}`, { type: 'incident', source: x.source, report }), ...(x.retained ? { retained: true } : {}) });
    }
    case 'sos': {
      // a tracker holding its SOS bit, as the Traccar adapter reports it: an id per message, one episode
      const ts = at - x.back;
      const report: IncidentReport = { id: `traccar:868120001:sos:${ts}`, ts, kind: 'sos', priority: 1, lat: 26.08 + x.k * 1e-5, lon: 119.3 + x.k * 1e-5, title: 'Traccar 报警 sos: 巡逻 07', reporter: '巡逻 07', status: 'open', episode: { device: 'traccar:868120001', alarm: 'sos' } };
      return live.apply(ev(at, 'traccar/positions', { type: 'incident', source: 'traccar', report }, { type: 'deviceAlarms', source: 'traccar', device: 'traccar:868120001', alarms: ['sos'] }));
    }
    case 'end':
      return live.apply(ev(at, `frigate/reviews`, { type: 'incidentEnd', source: 'frigate', id: x.id }));
    case 'kiosk':
      return live.apply(ev(at, `watchfloor/v1/kiosks/${x.id}/status`, { type: 'kioskStatus', source: 'kiosks', status: { id: x.id, ts: at - x.back, online: x.online, sos: x.sos, ...(x.positioned ? { lat: 26.06, lon: 119.33 } : {}) } }));
    case 'camera':
      return live.apply(ev(at, `watchfloor/v1/cameras/${x.id}/status`, { type: 'cameraStatus', source: 'cameras', status: { id: x.id, ts: at, online: x.online, lat: 26.07, lon: 119.31 } }));
    case 'alarms':
      // the tracker's position without the bit (or with it, nothing new): an episode it no longer reports has ended
      return live.apply(ev(at, 'traccar/positions', { type: 'deviceAlarms', source: 'traccar', device: 'traccar:868120001', alarms: x.active ? ['sos'] : [] }));
    case 'reply':
      return live.apply(ev(at, `watchfloor/v1/units/${x.unit}/reply`, { type: 'unitReply', source: 'native', reply: { unitId: x.unit, dispatchId: x.dispatch, incidentId: incidentAt(live, x.target), answer: x.answer, ts: at } }));
    case 'act': {
      const incidentId = incidentAt(live, x.target);
      const action: OperatorAction = {
        id: `x${x.idn}`,
        incidentId,
        kind: x.kind,
        by: '张警官',
        role: 'dispatcher',
        ...(x.note !== undefined ? { note: x.note } : {}),
        ...(x.into !== null ? { into: incidentAt(live, x.into) } : {}),
        ...(x.order ? { order: { id: x.order.dispatch, mode: x.order.mode, unitIds: x.order.units, ...(x.order.mode === 'broadcast' ? { radiusM: 1500 } : {}) } } : {}),
      };
      // this wall's operator: checked first, applied (and journaled) only when accepted
      if (x.how === 'local') return void live.act(action, at);
      // another wall's, heard from the broker: applied (or refused, as a conflict) by the reducer
      if (x.how === 'remote') return live.apply(ev(at, `watchfloor/v1/actions/${action.id}`, { type: 'operatorAction', source: 'broker', action, at: at - x.lag }));
      // the shells' first two actions
      return live.apply({ t: x.kind === 'ack' ? 'ack' : 'close', at, incidentId, by: '李警官' });
    }
    case 'reject':
      return live.apply({ t: 'reject', at, topic: 'watchfloor/v1/alarms/x', reason: x.reason, message: `refused: ${x.reason}`, excerpt: '{"bad":' });
    case 'tick':
      return live.apply({ t: 'tick', at });
    case 'flush':
      // the journal's timer: a chunk goes to disk here
      return journal.flush();
  }
}

/** What T to ask: an input's own time, a time between two inputs, or around the hour. */
type Query = { q: 'exact' | 'between'; pick: number } | { q: 'hour'; off: number };
const query: fc.Arbitrary<Query> = fc.oneof(
  fc.record({ q: fc.constantFrom('exact' as const, 'between' as const), pick: fc.nat() }),
  fc.record({ q: fc.constant('hour' as const), off: fc.integer({ min: -1500, max: 1500 }) }),
);

const run = fc.record({
  /** where the history starts, before the hour */
  lead: fc.integer({ min: 5_000, max: 90_000 }),
  steps: fc.array(step, { minLength: 30, maxLength: 110 }),
  snapshotEveryMs: fc.integer({ min: 5_000, max: 20_000 }),
  /** and after so many inputs (sooner than by time, in some runs) */
  snapshotEveryInputs: fc.option(fc.integer({ min: 3, max: 40 }), { nil: undefined }),
  snapshotMinGapMs: fc.integer({ min: 0, max: 15_000 }),
  /** some runs are killed mid-history (after a flush) and go on from what the journal recovers */
  crashAt: fc.option(fc.double({ min: 0.1, max: 0.9, noNaN: true }), { nil: null, freq: 2 }),
  /** and is read back while the wall still records (its current file unclosed), or once closed, or once killed (after a flush) and repaired when opened again */
  end: fc.constantFrom('live' as const, 'close' as const, 'abandon' as const),
  queries: fc.array(query, { minLength: 5, maxLength: 10 }),
});

interface Seen {
  at: number;
  /** the live wall's checkpoint after this input */
  cp: string;
}

const comparable = (cp: string) => JSON.parse(cp) as unknown;

describe('journal replay (random histories)', () => {
  it('rebuilds, at any instant, the situation the live wall had at that instant', async () => {
    await fc.assert(
      fc.asyncProperty(run, async (r) => {
        const dir = mkdtempSync(join(scratch, 'wf-replay-'));
        const opts: JournalOptions = { dir, flushEveryMs: 3_600_000, snapshotEveryMs: r.snapshotEveryMs, snapshotEveryInputs: r.snapshotEveryInputs, snapshotMinGapMs: r.snapshotMinGapMs, level: 1, maxAgeMs: 0, maxBytes: 0, chunkBytes: 1 << 20 };
        const open: Journal[] = [];
        try {
          const seen: Seen[] = [];
          const watch = (s: SituationService) => s.onInput((i) => seen.push({ at: i.at, cp: JSON.stringify(checkpointOf(s.state, { trails: true })) }));
          let live = service();
          let journal = await Journal.open(opts);
          open.push(journal);
          journal.start(live);
          watch(live);
          const t0 = H - r.lead;
          // the first input: a unit's fix, so every history records something
          live.apply(ev(t0, 'watchfloor/v1/units/u1/location', { type: 'unitFix', source: 'native', fix: { id: 'u1', kind: 'volunteer', lat: 26.05, lon: 119.29, ts: t0 } }));
          const crashAt = r.crashAt === null ? -1 : Math.floor(r.crashAt * r.steps.length);
          let at = t0;
          for (const [k, x] of r.steps.entries()) {
            at += x.dt;
            if (k === crashAt) {
              // kill -9 after the last chunk went to disk; the wall comes back from the journal
              journal.flush();
              journal.abandon();
              const back = service();
              journal = await Journal.open(opts);
              open.push(journal);
              expect(await journal.recover(back)).not.toBeNull();
              expect(checkpointOf(back.state, { trails: true }), 'recovered after the crash').toEqual(comparable(seen.at(-1)!.cp));
              live = back;
              journal.start(live);
              watch(live);
            }
            play(live, journal, x, at);
          }
          // still recording: asked while its current file is open, and its last inputs wait for the next chunk
          let rec = new Recording(journal, dir, fresh);
          if (r.end !== 'live') {
            if (r.end === 'close') journal.close();
            else {
              journal.flush();
              journal.abandon();
            }
            const reopened = await Journal.open(opts);
            open.push(reopened);
            if (r.end === 'abandon') expect(reopened.health().repaired.length).toBe(1);
            rec = new Recording(reopened, dir, fresh);
          }
          const first = seen[0].at;
          const last = seen.at(-1)!.at;
          expect(rec.range()).toEqual({ from: first, to: last });

          // the state at T: after every input received at or before T (inputs share a ms: the last of them)
          const expectedAt = (t: number): string => {
            let lo = 0;
            let hi = seen.length - 1;
            while (lo < hi) {
              const mid = (lo + hi + 1) >> 1;
              if (seen[mid].at <= t) lo = mid;
              else hi = mid - 1;
            }
            return seen[lo].cp;
          };
          const times: number[] = r.queries.map((q) => {
            if (q.q === 'hour') return Math.min(last, Math.max(first, H + q.off));
            const i = q.pick % seen.length;
            if (q.q === 'exact' || i === seen.length - 1) return seen[i].at;
            const a = seen[i].at;
            const b = seen[i + 1].at;
            return b - a > 1 ? a + 1 + (q.pick % (b - a - 1)) : a;
          });
          // always: the last input, and the first input of the new hour and the ms before it (rotation)
          times.push(last);
          const firstOfHour = seen.find((s) => s.at >= H);
          if (firstOfHour) times.push(firstOfHour.at, firstOfHour.at - 1);
          for (const t of times) {
            const got = await rec.situationAt(t);
            const where = `at ${t - H} ms from the hour (history ${first - H}…${last - H})`;
            expect(got.ok, `${where}: ${got.ok ? '' : got.error.error}`).toBe(true);
            if (got.ok) expect(checkpointOf(got.value, { trails: true }), where).toEqual(comparable(expectedAt(t)));
          }
          if (last >= H + HOUR) throw new Error('a history spans at most two hours here');
          if (first < H && last >= H) expect(readdirSync(dir).filter((f) => f.endsWith('.mcap')).length).toBeGreaterThanOrEqual(2);
        } finally {
          for (const j of open) j.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      // a failing history shrinks for at most 20 s (a shorter one is easier to read); FC_SEED reproduces it
      { numRuns: Number(process.env.REPLAY_RUNS ?? 30), plugins: [fc.interruptAfterTimeLimit(20_000)] },
    );
  }, 120_000);

  // what the random histories found: a snapshot (checkpoint) that derived the alarm episodes from
  // the incidents it held replayed a tracker's SOS differently from the live wall
  it('replays a tracker’s alarm episodes as live: one that ended before a new press, one whose incident has left', async () => {
    const dir = mkdtempSync(join(scratch, 'wf-replay-'));
    const journal = await Journal.open({ dir, flushEveryMs: 3_600_000, snapshotEveryMs: 5_000, level: 1, maxAgeMs: 0, maxBytes: 0 });
    try {
      const live = service();
      journal.start(live);
      const seen = new Map<number, string>();
      live.onInput((i) => seen.set(i.at, JSON.stringify(checkpointOf(live.state, { trails: true }))));
      const t0 = H - 10 * 60_000;
      const press = (at: number) => play(live, journal, { s: 'sos', dt: 0, k: 1, back: 0 }, at);
      const cleared = (at: number) => play(live, journal, { s: 'alarms', dt: 0, active: false }, at);
      const tick = (at: number) => live.apply({ t: 'tick', at });
      // a press; the bit clears; a snapshot; a new press is a new incident
      press(t0);
      cleared(t0 + 2_000);
      tick(t0 + 6_000);
      press(t0 + 8_000);
      // that one is closed by an operator and leaves the wall while the tracker still holds the bit:
      // the repeats raise nothing, after a snapshot as before it
      const second = `traccar:868120001:sos:${t0 + 8_000}`;
      expect(live.act({ id: 'close-sos', incidentId: second, kind: 'resolve', by: '张警官' }, t0 + 9_000).ok).toBe(true);
      for (let t = t0 + 10_000; t <= t0 + 60_000; t += 10_000) press(t);
      tick(t0 + 60_000);
      expect(live.state.incidents.has(second)).toBe(false);
      tick(t0 + 66_000);
      press(t0 + 70_000);
      expect([...live.state.incidents.keys()].filter((id) => id.startsWith('traccar:'))).toEqual([`traccar:868120001:sos:${t0}`]);
      const rec = new Recording(journal, dir, fresh);
      for (const t of [t0 + 8_000, t0 + 70_000]) {
        const got = await rec.situationAt(t);
        expect(got.ok).toBe(true);
        if (got.ok) expect(checkpointOf(got.value, { trails: true }), `at +${t - t0}`).toEqual(comparable(seen.get(t)!));
      }
    } finally {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

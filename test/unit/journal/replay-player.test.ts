// The ReplayPlayer playing fast: a tick that passes a recorded snapshot with more inputs before it
// than a restore costs goes on by that snapshot (a seek) instead of applying them. Whichever way a
// tick went, the situation it shows is the one the live wall had at that instant, trails included;
// jumps are sent whole (a snapshot), applied ticks as deltas.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { SituationInput } from '../../../core/inputs.js';
import type { ReplayState } from '../../../core/player.js';
import { checkpointOf } from '../../../core/situation/checkpoint.js';
import { createSituation, type SituationState } from '../../../core/situation/situation.js';
import { BookmarkStore } from '../../../main/journal/bookmarks.js';
import { Journal } from '../../../main/journal/journal.js';
import { Recording } from '../../../main/journal/recording.js';
import { ReplayPlayer } from '../../../main/journal/replay-player.js';
import { SituationService } from '../../../main/services/situation-service.js';

const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
const SPAN = 120_000;
const fresh = () => createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 6, staleAfterMs: 15_000, forgetUnitsAfterMs: 60_000 });

/** two minutes of 100 units, one fix every 10 ms (a unit every second), units leaving after 40 s, two alarms and a tick a second */
function history(): SituationInput[] {
  const out: SituationInput[] = [];
  for (let k = 0; k < SPAN / 10; k++) {
    const at = T0 + k * 10;
    const u = k % 100;
    // half the units fall silent after 40 s: they go stale, then are forgotten
    if (u >= 50 && at > T0 + 40_000) continue;
    out.push({ t: 'events', at, topic: `watchfloor/v1/units/u${u}/location`, events: [{ type: 'unitFix', source: 'native', fix: { id: `u${u}`, kind: 'volunteer', lat: 26.05 + u * 1e-4 + k * 1e-7, lon: 119.3 + u * 1e-4, ts: at } }] });
    if (k % 100 === 0) out.push({ t: 'tick', at });
    if (k === 3000 || k === 9000)
      out.push({ t: 'events', at, topic: 'watchfloor/v1/alarms/110', events: [{ type: 'incident', source: 'native', report: { id: `a${k}`, ts: at, kind: 'theft', priority: 2, lat: 26.06, lon: 119.31, title: `警情 ${k}`, cameraIds: [], media: [], status: 'open' } }] });
  }
  return out;
}

/** the situation as text, taken when shown (the player goes on changing it); compared parsed (key order aside) */
const cp = (s: SituationState) => JSON.stringify(checkpointOf(s, { trails: true }));

async function recorded() {
  const dir = mkdtempSync(join(tmpdir(), 'wf-replay-player-'));
  const live = new SituationService(fresh(), { deltaIntervalMs: 50 });
  const j = await Journal.open({ dir, flushEveryMs: 100_000, snapshotEveryMs: 60_000, snapshotEveryInputs: 1000, snapshotMinGapMs: 0, level: 1, maxAgeMs: 0, maxBytes: 0, chunkBytes: 64 << 10 });
  j.start(live);
  for (const i of history()) live.apply(i);
  j.close();
  const journal = await Journal.open({ dir, flushEveryMs: 100_000, snapshotEveryMs: 60_000, level: 1, maxAgeMs: 0, maxBytes: 0 });
  return { dir, journal, rec: new Recording(journal, dir, fresh) };
}

/**
 * Plays the whole period at `speed`, each tick `steps` ms of the player's clock after the last (in
 * turn): what every tick showed, and what was sent. The clock moves only when read (once a tick),
 * so which ticks jump is the same on every run.
 */
async function playThrough(rec: Recording, speed: number, skipInputs: number, steps: number[], ready?: () => boolean) {
  const shown: { at: number; situation: string }[] = [];
  const sent = { snapshots: 0, deltas: 0, whileHeld: 0 };
  /** what the viewer said last: an update sent after a "not yet" is one too many */
  let viewerReady = true;
  const asked = ready && (() => (viewerReady = ready()));
  let player: ReplayPlayer | null = null;
  let now = 0;
  let reads = 0;
  player = new ReplayPlayer(
    rec,
    new BookmarkStore(null),
    T0,
    T0 + SPAN,
    {
      snapshot: () => {
        sent.snapshots++;
        if (!viewerReady) sent.whileHeld++;
      },
      delta: () => {
        sent.deltas++;
        if (!viewerReady) sent.whileHeld++;
      },
      player: (state) => {
        const p = state as ReplayState;
        const s = player?.current();
        if (p.playing && !p.loading && s) shown.push({ at: p.at, situation: cp(s) });
      },
    },
    { tickMs: 2, clock: () => (now += steps[reads++ % steps.length]), skipInputs, ready: asked },
  );
  await player.open(T0, speed);
  const opened = sent.snapshots;
  player.play();
  await vi.waitFor(
    () => {
      if ((player.info() as ReplayState).playing) throw new Error('still playing');
    },
    { timeout: 20_000, interval: 10 },
  );
  const { jumps, held } = player;
  player.close();
  return { shown, jumps, held, whileHeld: sent.whileHeld, snapshots: sent.snapshots - opened, deltas: sent.deltas, end: cp(player.current()!), at: (player.info() as ReplayState).at, error: (player.info() as ReplayState).error, reads };
}

describe('replay player, fast', () => {
  it('goes on by recorded snapshots when a tick passes one far ahead, and every tick shows the live situation of its instant', async () => {
    const { dir, journal, rec } = await recorded();
    try {
      // at 8×, ticks of 3.2 s of recording (320 inputs) and of 16 s (1,600) in turn; a snapshot every 1,000 inputs
      const fast = await playThrough(rec, 8, 1000, [400, 2000]);
      // both ways were taken: some long ticks passed a snapshot 1,000 inputs ahead, the others applied theirs
      expect(fast.jumps).toBeGreaterThan(0);
      expect(fast.snapshots).toBe(fast.jumps);
      expect(fast.deltas).toBeGreaterThan(0);
      expect(fast.shown.length).toBeGreaterThan(fast.jumps);
      for (const { at, situation } of fast.shown) {
        const then = await rec.situationAt(at);
        expect(then.ok).toBe(true);
        if (situation !== cp((then as { value: SituationState }).value)) { const a = JSON.parse(situation), b = JSON.parse(cp((then as { value: SituationState }).value)); for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) console.log('DIFF', k, JSON.stringify(a[k]).slice(0, 300), '\n VS', JSON.stringify(b[k]).slice(0, 300)); }
        expect(JSON.parse(situation), `at +${at - T0} ms`).toEqual(JSON.parse(cp((then as { value: SituationState }).value)));
      }
      // and where it ends, applying every input ends the same
      const every = await playThrough(rec, 8, Infinity, [400, 2000]);
      expect(every.jumps).toBe(0);
      expect(every.snapshots).toBe(0);
      expect(JSON.parse(every.end)).toEqual(JSON.parse(fast.end));
    } finally {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('applies every input while no tick passes a snapshot that far ahead', async () => {
    const { dir, journal, rec } = await recorded();
    try {
      // ticks of 320 inputs never get 1,000 past what is applied
      const slow = await playThrough(rec, 8, 1000, [400]);
      expect(slow.jumps).toBe(0);
      expect(slow.snapshots).toBe(0);
    } finally {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('holds its updates while the viewer has not taken the last one in, and loses none of the clock: the next covers the time held', async () => {
    const { dir, journal, rec } = await recorded();
    try {
      const free = await playThrough(rec, 8, 1000, [400]);
      // the viewer takes one update in every third time it is asked
      let asks = 0;
      const slow = await playThrough(rec, 8, 1000, [400], () => ++asks % 3 === 0);
      expect(slow.held).toBeGreaterThan(0);
      expect(slow.whileHeld).toBe(0);
      // fewer updates, the same period played to its end, and the same situation there
      expect(slow.snapshots + slow.deltas).toBeLessThan(free.snapshots + free.deltas);
      expect(slow.error).toBeNull();
      expect(slow.at).toBe(T0 + SPAN);
      // in about as many ticks: the time of a held tick went into the next (lost, it took three times as many)
      expect(slow.reads).toBeLessThan(free.reads * 1.5);
      expect(JSON.parse(slow.end)).toEqual(JSON.parse(free.end));
      // every instant it showed is the live situation of that instant (a held tick changes nothing)
      for (const { at, situation } of slow.shown) {
        const then = await rec.situationAt(at);
        expect(JSON.parse(situation), `at +${at - T0} ms`).toEqual(JSON.parse(cp((then as { value: SituationState }).value)));
      }
    } finally {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

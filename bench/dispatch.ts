// npm run bench:dispatch
//
// Who is nearest, at the wall's scale: 50,000 units held and moving, the nearest-units query the
// dispatch panel asks every 2 s, beside a linear scan of every unit in the same run (the ratio is
// the figure; milliseconds differ 2× between machines). Goal (issue #14): p99 ≤ 2 ms at 50k units.
//
// Method: units are spread over Fuzhou's centre (denser in the middle, as people are); between
// batches of queries a fifth of them move (as 20,000 location messages a second would in the
// services), through the same reducer that keeps the index. Queries come from random spots in the
// same area; each is answered by the index and by the scan, and the two answers must agree.
//
// Then (b) a broadcast's action → last PUBACK and (c) the ingest rate with dispatch traffic on
// beside without, on the real services against Debian's Mosquitto: bench/dispatch-broadcast.ts.
// BENCH_PARTS=a (or bc) runs only those parts.
import { performance } from 'node:perf_hooks';
import { type Unit, UNIT_KINDS } from '../core/domain.js';
import { etaSeconds, isDispatchable, nearestUnits } from '../core/dispatch/nearest.js';
import { distanceMeters } from '../core/geo/polygon.js';
import { apply, createSituation } from '../core/situation/situation.js';
import { broadcastBench } from './dispatch-broadcast.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 50_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2_000);
const ROUNDS = 10;
const LIMIT = 10;
const RADIUS_M = 5000;
const CENTRE = { lon: 119.3, lat: 26.08 };

let seed = 42;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
/** around the centre, denser in the middle (±15 km) */
const spot = () => ({ lon: CENTRE.lon + (rnd() - 0.5) * 0.3 * rnd(), lat: CENTRE.lat + (rnd() - 0.5) * 0.27 * rnd() });

function scan(units: Iterable<Unit>, lon: number, lat: number) {
  const out: { unitId: string; distanceM: number; etaS: number }[] = [];
  for (const u of units) {
    if (!isDispatchable(u)) continue;
    const d = distanceMeters(lon, lat, u.lon, u.lat);
    if (d <= RADIUS_M) out.push({ unitId: u.id, distanceM: Math.round(d), etaS: etaSeconds(u.kind, d) });
  }
  return out.sort((a, b) => a.etaS - b.etaS || a.distanceM - b.distanceM || (a.unitId < b.unitId ? -1 : 1)).slice(0, LIMIT);
}

const p = (xs: number[], q: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const PARTS = process.env.BENCH_PARTS ?? 'abc';

function nearestBench() {
  const state = createSituation({ cameras: [], kiosks: [] }, () => undefined);
  let t = Date.now();
  const move = (i: number) => {
    const at = spot();
    apply(state, {
      t: 'events',
      at: t,
      topic: 'bench',
      events: [{ type: 'unitFix', source: 'units', fix: { id: `u${i}`, ts: t, kind: UNIT_KINDS[i % 4 === 3 ? 1 + (i % 3) : 0], lat: at.lat, lon: at.lon, status: i % 7 === 0 ? 'busy' : 'available' } }],
    });
  };
  for (let i = 0; i < UNITS; i++) move(i);

  const indexed: number[] = [];
  const scanned: number[] = [];
  let moveMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    t += 1000;
    const m0 = performance.now();
    for (let k = 0; k < UNITS / 5; k++) move(Math.floor(rnd() * UNITS));
    moveMs += performance.now() - m0;
    for (let q = 0; q < QUERIES / ROUNDS; q++) {
      const at = spot();
      const a0 = performance.now();
      const got = nearestUnits(state.unitIndex, at.lon, at.lat, { limit: LIMIT, radiusM: RADIUS_M });
      const a1 = performance.now();
      const want = scan(state.units.values(), at.lon, at.lat);
      const a2 = performance.now();
      indexed.push(a1 - a0);
      scanned.push(a2 - a1);
      if (JSON.stringify(got.map((g) => [g.unitId, g.distanceM, g.etaS])) !== JSON.stringify(want.map((w) => [w.unitId, w.distanceM, w.etaS]))) {
        throw new Error(`index and scan disagree at ${at.lon},${at.lat}`);
      }
    }
  }

  const row = (name: string, xs: number[]) => `${name.padEnd(22)} p50 ${p(xs, 0.5).toFixed(3)} ms   p99 ${p(xs, 0.99).toFixed(3)} ms   max ${Math.max(...xs).toFixed(3)} ms`;
  console.log(`bench:dispatch — ${UNITS.toLocaleString('en')} units (a fifth moving between batches), ${QUERIES.toLocaleString('en')} queries, ${LIMIT} nearest within ${RADIUS_M} m`);
  console.log(row('nearest (grid index)', indexed));
  console.log(row('linear scan', scanned));
  console.log(`ratio p99 index / scan: ${(p(indexed, 0.99) / p(scanned, 0.99)).toFixed(3)}×   (goal: p99 ≤ 2 ms: ${p(indexed, 0.99) <= 2 ? 'met' : 'NOT met'})`);
  console.log(`unit moves through the reducer (index kept): ${((moveMs / ((ROUNDS * UNITS) / 5)) * 1000).toFixed(2)} µs each`);
  console.log('answers agreed on every query');
}

if (PARTS.includes('a')) nearestBench();
if (/[bc]/.test(PARTS)) {
  broadcastBench().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

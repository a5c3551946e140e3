// The demo scenario engine: a deterministic discrete-event simulation of volunteers, patrols, kiosks,
// cameras and alarms in Fuzhou, producing messages for Watchfloor's own topics.
//
// Pure: no clock, no Math.random, no I/O. Time is passed in. Every event has a fixed time drawn
// from seeded streams when it is scheduled, and events run in (time, insertion) order, so the
// messages a scenario produces are the same for a seed and start time however often `step` is
// called: stepping once to t or a thousand times up to t gives the same sequence.
import type { IncidentKind, UnitStatus } from '../../domain.js';
import { INCIDENT_KINDS } from '../../domain.js';
import type { GridFeature } from '../../geo/grids.js';
import {
  type AlarmSource,
  KIND_WEIGHTS,
  clueMedia,
  closingNote,
  composeAlarmText,
  composeAnalyticsText,
  districtShort,
  LANDMARKS,
  priorityFor,
  progressNote,
  reporterFor,
  sourceFor,
} from './catalog.js';
import { type Area, bearingDeg, boxArea, distanceM, insideWithMargin, makeArea, offsetPoint, randomPointIn, round6, segmentInside } from './geo.js';
import type { OperatorRequest, SimAction, SimCamera, SimKernel, SimKiosk, SimMessage, SimMover, SimPlace, Story } from './kernel.js';
import { createResponders, type DispatchOutcome, type Responders } from './responders.js';
import { hashSeed, Rng } from './rng.js';
import { getStory } from './stories/index.js';

export type { SimMessage, SimFamily, SimKiosk, SimCamera, SimPlace, OperatorRequest } from './kernel.js';
export type { DispatchOutcome } from './responders.js';

export interface ScenarioOptions {
  topicPrefix: string;
  /** how often a volunteer reports, ms */
  volunteerIntervalMs: number;
  /** how often a patrol reports, ms */
  patrolIntervalMs: number;
  /** when set, every unit reports at this interval (the load generator's pacing) */
  locationIntervalMs?: number;
  /** ± fraction applied to every periodic interval */
  intervalJitter: number;
  /** units first report between these offsets from the start (staggered), ms */
  firstReportDelayMs: number;
  firstReportWindowMs: number;
  volunteerSpeed: [number, number];
  patrolSpeed: [number, number];
  volunteerPauseMs: [number, number];
  patrolPauseMs: [number, number];
  /** share of units offline at any one time, and how long one stays away */
  offlineShare: number;
  offlineMs: [number, number];
  /** share of volunteers / patrols busy at any one time, and for how long */
  volunteerBusyShare: number;
  patrolBusyShare: number;
  busyMs: [number, number];
  /** share of volunteers homed in 金山街道 (the golden-hill micro-crowd groups) */
  goldenHillShare: number;
  alarms: boolean;
  firstAlarmAtMs: number;
  alarmIntervalMs: [number, number];
  /** an alarm is updated once after this long, and closed after this long */
  alarmUpdateMs: [number, number];
  alarmCloseMs: [number, number];
  kioskIntervalMs: number;
  cameraIntervalMs: number;
  firstStatusWindowMs: number;
  /** per camera status report: chance it goes offline for `cameraOfflineMs` */
  cameraOfflineChance: number;
  cameraOfflineMs: [number, number];
  sos: boolean;
  firstSosAtMs: number;
  sosIntervalMs: [number, number];
  sosHoldMs: [number, number];
  sosCloseMs: [number, number];
  /** a scripted story to run (e.g. "wanda"), starting `storyAtMs` after the start */
  story?: string;
  storyAtMs: number;
  /** adds `crs` to every payload (when the demo assets' datum differs from the sources' default) */
  crs?: string;
  /** tag in incident ids so runs do not collide; default: the start time in base 36 */
  runTag?: string;
}

export const DEFAULT_SCENARIO_OPTIONS: ScenarioOptions = {
  topicPrefix: 'watchfloor/v1',
  volunteerIntervalMs: 5000,
  patrolIntervalMs: 2000,
  intervalJitter: 0.2,
  firstReportDelayMs: 200,
  firstReportWindowMs: 4500,
  volunteerSpeed: [1.0, 1.45],
  patrolSpeed: [6, 10],
  volunteerPauseMs: [5_000, 90_000],
  patrolPauseMs: [10_000, 90_000],
  offlineShare: 0.01,
  offlineMs: [60_000, 240_000],
  volunteerBusyShare: 0.08,
  patrolBusyShare: 0.2,
  busyMs: [120_000, 600_000],
  goldenHillShare: 0.15,
  alarms: true,
  firstAlarmAtMs: 1500,
  alarmIntervalMs: [20_000, 60_000],
  alarmUpdateMs: [40_000, 120_000],
  alarmCloseMs: [180_000, 480_000],
  kioskIntervalMs: 60_000,
  cameraIntervalMs: 60_000,
  firstStatusWindowMs: 2500,
  cameraOfflineChance: 0.005,
  cameraOfflineMs: [120_000, 360_000],
  sos: true,
  firstSosAtMs: 45_000,
  sosIntervalMs: [240_000, 600_000],
  sosHoldMs: [25_000, 35_000],
  sosCloseMs: [150_000, 300_000],
  storyAtMs: 3000,
};

export interface ScenarioInput {
  seed: number;
  /** number of volunteers */
  units: number;
  patrols: number;
  kiosks: readonly SimKiosk[];
  cameras: readonly SimCamera[];
  grids: readonly GridFeature[];
  places: Readonly<Record<string, SimPlace>>;
  /** epoch ms */
  startAt: number;
  options?: Partial<ScenarioOptions>;
}

export interface SimUnitInfo {
  id: string;
  kind: 'volunteer' | 'patrol';
  name: string;
  /** the grid (volunteers) or street (patrols) the unit keeps to */
  homeId: string;
  home: Area;
  /** moved by a story: may leave its home area */
  storyCast: boolean;
}

export interface Scenario {
  readonly startAt: number;
  readonly options: Readonly<ScenarioOptions>;
  readonly units: readonly SimUnitInfo[];
  /** the story running, if any */
  readonly story: string | undefined;
  /** the messages due up to `nowMs` (inclusive), in time order */
  step(nowMs: number): SimMessage[];
  /** the same, appended to `out`; returns how many were appended */
  stepInto(nowMs: number, out: SimMessage[]): number;
  /** time of the next pending event (Infinity when none) */
  nextAt(): number;
  /**
   * A dispatch the wall sent to `unitId` (the JSON of `{prefix}/dispatch/{unitId}`), heard at `t`:
   * a simulated unit answers it (core/demo/sim/responders.ts); unknown units, malformed messages
   * and repeats are ignored. Its replies come out of later steps, family `reply`.
   */
  dispatch(unitId: string, message: unknown, t: number): DispatchOutcome;
  /** the incident was closed on the wall (an operator's 办结 heard on the broker): its units stand down */
  incidentClosed(incidentId: string, t: number): void;
  /** what the story asked of the wall's operator since the last call, in order */
  takeOperatorRequests(): OperatorRequest[];
}

// ---- internals ----

interface Mover extends SimMover {
  id: string;
  name: string;
  kind: 'volunteer' | 'patrol';
  status: UnitStatus;
  topic: string;
  home: Area;
  rng: Rng;
  speedMin: number;
  speedMax: number;
  pauseMin: number;
  pauseMax: number;
  // current leg: from a (at t0) to b (at t1), then a pause until tNext
  ax: number;
  ay: number;
  bx: number;
  by: number;
  t0: number;
  t1: number;
  tNext: number;
  legSpeed: number;
  heading: number;
  /** a story holds this unit still at b after its steer */
  pinned: boolean;
  held: boolean;
  busyUntil: number;
  baseIntervalMs: number;
  intervalMs: number;
  battery0: number;
  drainPerMs: number;
  info: SimUnitInfo;
}

interface Ev {
  t: number;
  seq: number;
  m: Mover | null;
  fn: SimAction | null;
}

/** Binary min-heap of events by (t, seq). */
class EventQueue {
  private items: Ev[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Ev | undefined {
    return this.items[0];
  }

  push(t: number, m: Mover | null, fn: SimAction | null): void {
    const e: Ev = { t, seq: this.seq++, m, fn };
    const a = this.items;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p], e)) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = e;
  }

  pop(): Ev | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(a[r], a[l]) ? r : l;
        if (less(last, a[c])) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

const less = (x: Ev, y: Ev): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);

/** Weighted sampling over many items via prefix sums. */
class WeightedTable<T> {
  private readonly cum: Float64Array;
  constructor(
    readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    this.cum = new Float64Array(items.length);
    let s = 0;
    items.forEach((it, i) => {
      s += Math.max(0, weight(it));
      this.cum[i] = s;
    });
  }
  get total(): number {
    return this.cum.length ? this.cum[this.cum.length - 1] : 0;
  }
  pick(rng: Rng): T {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/** Core urban districts get most of the people. */
const CORE_DISTRICTS = new Set(['鼓楼区', '台江区', '仓山区', '晋安区']);
const GOLDEN_HILL = '金山街道';
const FUZHOU_CENTRE: [number, number] = [119.2965, 26.0745];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const round1 = (v: number): number => Math.round(v * 10) / 10;

interface HomeChoice {
  area: Area;
  feature?: GridFeature;
}

/** What the parts of a scenario share: its options, clock and queue, and how its messages are made. */
interface World {
  o: ScenarioOptions;
  input: ScenarioInput;
  prefix: string;
  startAt: number;
  seed: number;
  runTag: string;
  queue: EventQueue;
  /** the time of the event being run: nothing is scheduled before it */
  clock: { current: number };
  /** the latest time the scenario was stepped to */
  steppedTo: number;
  /** requests for the wall's operator not yet taken */
  operatorOut: OperatorRequest[];
  /** told when one of the scenario's alarms closes (its units stand down) */
  onClosed: ((incidentId: string, t: number) => void) | null;
  withCrs<P extends Record<string, unknown>>(p: P): P;
  /** a report interval with the configured jitter */
  jitter(rng: Rng, ms: number): number;
  at(t: number, fn: SimAction): void;
  alarm(out: SimMessage[], source: string, payload: Record<string, unknown>): void;
}

function makeWorld(input: ScenarioInput): World {
  const o: ScenarioOptions = { ...DEFAULT_SCENARIO_OPTIONS, ...input.options };
  const prefix = o.topicPrefix.replace(/\/+$/, '');
  const startAt = Math.round(input.startAt);
  const queue = new EventQueue();
  const clock = { current: startAt };
  const crs = o.crs;
  const withCrs = <P extends Record<string, unknown>>(p: P): P => (crs ? { ...p, crs } : p);
  const w: World = {
    o,
    input,
    prefix,
    startAt,
    seed: input.seed >>> 0,
    runTag: o.runTag ?? startAt.toString(36),
    queue,
    clock,
    steppedTo: startAt,
    operatorOut: [],
    onClosed: null,
    withCrs,
    jitter: (rng, ms) => Math.max(1, Math.round(ms * (1 + o.intervalJitter * (2 * rng.next() - 1)))),
    at: (t, fn) => queue.push(Math.max(clock.current, Math.round(t)), null, fn),
    alarm: (out, source, payload) => {
      out.push({ topic: `${prefix}/alarms/${source}`, payload: withCrs(payload), qos: 1, family: 'alarm' });
      if (payload.status === 'closed' && typeof payload.id === 'string') w.onClosed?.(payload.id, clock.current);
    },
  };
  return w;
}

/** requests kept for the operator when nobody takes them (a scenario run without one) */
const OPERATOR_REQUESTS_KEPT = 100;

/** Where people live and alarms happen: grid cells and streets weighted by district, areas made once. */
function makeGeography(input: ScenarioInput) {
  const areaCache = new Map<string, Area>();
  const areaOf = (f: GridFeature): Area => {
    let a = areaCache.get(f.properties.id);
    if (!a) {
      a = makeArea(f.properties.id, f.geometry);
      areaCache.set(f.properties.id, a);
    }
    return a;
  };
  const byLevel = (level: string) => input.grids.filter((f) => f.properties.level === level);
  let gridCells = byLevel('grid');
  if (gridCells.length === 0) gridCells = byLevel('community');
  let streets = byLevel('street');
  if (streets.length === 0) streets = gridCells;
  const districtWeight = (f: GridFeature) => (CORE_DISTRICTS.has(f.properties.names[1] ?? '') ? 1 : 0.35);
  const fallbackArea = (rng: Rng, halfSizeM: number): Area => {
    const placeList = Object.values(input.places);
    const anchor = placeList.length ? rng.pick(placeList) : undefined;
    const [lon, lat] = anchor ? [anchor.lon, anchor.lat] : FUZHOU_CENTRE;
    const [x, y] = offsetPoint(lon, lat, rng.range(0, 360), rng.range(0, 3000));
    return boxArea(`box-${x.toFixed(4)},${y.toFixed(4)}`, x, y, halfSizeM);
  };
  return {
    areaOf,
    gridCells,
    streets,
    cellTable: new WeightedTable(gridCells, districtWeight),
    goldenCells: gridCells.filter((f) => f.properties.names[2] === GOLDEN_HILL),
    streetTable: new WeightedTable(streets, districtWeight),
    fallbackArea,
  };
}

type Geography = ReturnType<typeof makeGeography>;

/** Volunteer team names handed out so far: numbered per street. */
interface Naming {
  golden: number;
  streets: Map<string, number>;
}

function makeMover(w: World, naming: Naming, index: number, kind: 'volunteer' | 'patrol', home: HomeChoice, rng: Rng, storyCast: boolean): Mover {
  const names = home.feature?.properties.names ?? ['福州市', '鼓楼区', '东街街道'];
  const district = districtShort(names[1] ?? '福州');
  const street = names[2] ?? names[1] ?? '福州';
  let id: string;
  let name: string;
  if (kind === 'volunteer') {
    id = `vol-${pad(index + 1, 5)}`;
    if (street === GOLDEN_HILL) name = `${GOLDEN_HILL}平安志愿队-${pad(++naming.golden, 2)}`;
    else if (rng.chance(0.3)) {
      const k = (naming.streets.get(street) ?? 0) + 1;
      naming.streets.set(street, k);
      name = `${street}平安志愿队-${pad(k, 2)}`;
    } else name = `志愿者-${district}-${pad(index + 1, 4)}`;
  } else {
    id = `pat-${pad(index + 1, 4)}`;
    name = `${district}巡逻车-${pad(index + 1, 3)}`;
  }
  const start = randomPointIn(home.area, () => rng.next()) ?? [home.area.bbox[0], home.area.bbox[1]];
  const isVol = kind === 'volunteer';
  const baseInterval = w.o.locationIntervalMs ?? (isVol ? w.o.volunteerIntervalMs : w.o.patrolIntervalMs);
  const info: SimUnitInfo = { id, kind, name, homeId: home.area.id, home: home.area, storyCast };
  const [pMin, pMax] = isVol ? w.o.volunteerPauseMs : w.o.patrolPauseMs;
  const m: Mover = {
    id,
    name,
    kind,
    status: 'available',
    topic: `${w.prefix}/units/${id}/location`,
    home: home.area,
    rng,
    speedMin: (isVol ? w.o.volunteerSpeed : w.o.patrolSpeed)[0],
    speedMax: (isVol ? w.o.volunteerSpeed : w.o.patrolSpeed)[1],
    pauseMin: pMin,
    pauseMax: pMax,
    ax: start[0],
    ay: start[1],
    bx: start[0],
    by: start[1],
    t0: w.startAt,
    t1: w.startAt,
    tNext: w.startAt + Math.round(rng.range(0, pMax)),
    legSpeed: 0,
    heading: rng.int(0, 359),
    pinned: false,
    held: false,
    busyUntil: 0,
    baseIntervalMs: baseInterval,
    intervalMs: baseInterval,
    battery0: isVol ? rng.range(45, 100) : rng.range(70, 100),
    drainPerMs: (isVol ? rng.range(4, 12) : rng.range(1, 3)) / 3_600_000,
    info,
  };
  const busyShare = isVol ? w.o.volunteerBusyShare : w.o.patrolBusyShare;
  if (rng.chance(busyShare)) {
    m.status = 'busy';
    m.busyUntil = w.startAt + Math.round(rng.range(w.o.busyMs[0], w.o.busyMs[1]) * rng.next());
  }
  return m;
}

/** Everyone on patrol: the story's cast homed near its places first, then volunteers by district, then patrol cars by street. */
function castUnits(w: World, g: Geography, story: Story | undefined): Mover[] {
  const movers: Mover[] = [];
  const naming: Naming = { golden: 0, streets: new Map() };
  const homeRng = new Rng(hashSeed(w.seed, 'homes'));
  // story cast first: volunteers homed near the story's places
  const anchors = story?.volunteersNear?.(w.input.places) ?? [];
  let volIndex = 0;
  for (const anchor of anchors) {
    const near = g.gridCells.filter((f) => {
      const a = g.areaOf(f);
      const cx = Math.min(Math.max(anchor.lon, a.bbox[0]), a.bbox[2]);
      const cy = Math.min(Math.max(anchor.lat, a.bbox[1]), a.bbox[3]);
      return distanceM(anchor.lon, anchor.lat, cx, cy) <= anchor.radiusM;
    });
    for (let k = 0; k < anchor.count && volIndex < w.input.units; k++, volIndex++) {
      const id = `vol-${pad(volIndex + 1, 5)}`;
      const rng = new Rng(hashSeed(w.seed, 'unit', id));
      const feature = near.length ? near[k % near.length] : undefined;
      const home: HomeChoice = feature ? { area: g.areaOf(feature), feature } : { area: boxArea(`box-${anchor.lon},${anchor.lat}`, anchor.lon, anchor.lat, anchor.radiusM / 2) };
      const m = makeMover(w, naming, volIndex, 'volunteer', home, rng, true);
      // start them within the radius so the story finds them
      const p = pointNear(home.area, anchor.lon, anchor.lat, anchor.radiusM * 0.8, rng);
      if (p) {
        m.ax = m.bx = p[0];
        m.ay = m.by = p[1];
      }
      movers.push(m);
    }
  }
  for (; volIndex < w.input.units; volIndex++) {
    const id = `vol-${pad(volIndex + 1, 5)}`;
    const rng = new Rng(hashSeed(w.seed, 'unit', id));
    let home: HomeChoice;
    if (g.goldenCells.length && homeRng.chance(w.o.goldenHillShare)) {
      const f = homeRng.pick(g.goldenCells);
      home = { area: g.areaOf(f), feature: f };
    } else if (g.gridCells.length) {
      const f = g.cellTable.pick(homeRng);
      home = { area: g.areaOf(f), feature: f };
    } else home = { area: g.fallbackArea(homeRng, 200) };
    movers.push(makeMover(w, naming, volIndex, 'volunteer', home, rng, false));
  }
  for (let i = 0; i < w.input.patrols; i++) {
    const rng = new Rng(hashSeed(w.seed, 'unit', `pat-${i}`));
    let home: HomeChoice;
    if (g.streets.length) {
      const f = g.streetTable.pick(homeRng);
      home = { area: g.areaOf(f), feature: f };
    } else home = { area: g.fallbackArea(homeRng, 1500) };
    movers.push(makeMover(w, naming, i, 'patrol', home, rng, false));
  }
  return movers;
}

// ---- motion: each unit walks legs between random points of its home area, pausing between them ----

function newLeg(m: Mover): void {
  const sx = m.bx;
  const sy = m.by;
  const fromInside = insideWithMargin(m.home, sx, sy);
  let tx = sx;
  let ty = sy;
  for (let i = 0; i < 12; i++) {
    const p = randomPointIn(m.home, () => m.rng.next(), 30);
    if (!p) break;
    if (distanceM(sx, sy, p[0], p[1]) < 10) continue;
    if (fromInside && !segmentInside(m.home, sx, sy, p[0], p[1])) continue;
    tx = p[0];
    ty = p[1];
    break;
  }
  const dist = distanceM(sx, sy, tx, ty);
  const speed = m.rng.range(m.speedMin, m.speedMax);
  m.ax = sx;
  m.ay = sy;
  m.bx = tx;
  m.by = ty;
  m.t0 = m.tNext;
  m.t1 = m.t0 + Math.round((dist / speed) * 1000);
  m.tNext = m.t1 + Math.max(1000, Math.round(m.rng.range(m.pauseMin, m.pauseMax)));
  m.legSpeed = dist > 0 ? speed : 0;
  if (dist > 0) m.heading = bearingDeg(sx, sy, tx, ty);
}

function advance(m: Mover, t: number): void {
  while (!m.pinned && t >= m.tNext) newLeg(m);
}

function positionAt(m: Mover, t: number): [number, number] {
  advance(m, t);
  if (t >= m.t1 || m.t1 <= m.t0) return [m.bx, m.by];
  if (t <= m.t0) return [m.ax, m.ay];
  const f = (t - m.t0) / (m.t1 - m.t0);
  return [m.ax + (m.bx - m.ax) * f, m.ay + (m.by - m.ay) * f];
}

// ---- reports ----

function fix(w: World, m: Mover, t: number, status: UnitStatus): Record<string, unknown> {
  const [x, y] = positionAt(m, t);
  const moving = t > m.t0 && t < m.t1 && m.legSpeed > 0;
  const speed = moving && status !== 'offline' ? round1(Math.min(200, m.legSpeed * m.rng.range(0.92, 1.08))) : 0;
  const battery = Math.max(5, Math.round(m.battery0 - m.drainPerMs * (t - w.startAt)));
  const accuracy = m.kind === 'volunteer' ? Math.round(m.rng.range(4, 18)) : Math.round(m.rng.range(2, 6));
  return w.withCrs({
    id: m.id,
    ts: t,
    lat: round6(y),
    lon: round6(x),
    kind: m.kind,
    name: m.name,
    heading: Math.round(m.heading) % 360,
    speed,
    accuracy,
    status,
    battery,
  });
}

function report(w: World, m: Mover, t: number, out: SimMessage[]): void {
  const { o, queue } = w;
  const meanOffline = (o.offlineMs[0] + o.offlineMs[1]) / 2;
  const meanBusy = (o.busyMs[0] + o.busyMs[1]) / 2;
  const rng = m.rng;
  if (m.status === 'offline') {
    // back online
    m.status = !m.held && t < m.busyUntil ? 'busy' : 'available';
  } else if (!m.held && o.offlineShare > 0 && rng.chance((o.offlineShare * m.intervalMs) / meanOffline)) {
    m.status = 'offline';
    out.push({ topic: m.topic, payload: fix(w, m, t, 'offline'), qos: 0, family: 'location' });
    queue.push(t + Math.round(rng.range(o.offlineMs[0], o.offlineMs[1])), m, null);
    return;
  }
  if (!m.held) {
    const share = m.kind === 'volunteer' ? o.volunteerBusyShare : o.patrolBusyShare;
    if (m.status === 'busy' && t >= m.busyUntil) m.status = 'available';
    else if (m.status === 'available' && share > 0 && rng.chance((share * m.intervalMs) / meanBusy)) {
      m.status = 'busy';
      m.busyUntil = t + Math.round(rng.range(o.busyMs[0], o.busyMs[1]));
    }
  }
  out.push({ topic: m.topic, payload: fix(w, m, t, m.status), qos: 0, family: 'location' });
  queue.push(t + w.jitter(rng, m.intervalMs), m, null);
}

/** What stories may do with the world: schedule, raise alarms, hold, steer and release units, ask the operator. */
function storyKernel(w: World, movers: Mover[], responders: () => Responders): SimKernel {
  const volunteers = movers.filter((m) => m.kind === 'volunteer');
  const asMover = (m: SimMover) => m as Mover;
  return {
    startAt: w.startAt,
    topicPrefix: w.prefix,
    runTag: w.runTag,
    rng: new Rng(hashSeed(w.seed, 'story')),
    cameras: w.input.cameras,
    places: w.input.places,
    at: w.at,
    alarm: w.alarm,
    volunteers: () => volunteers,
    positionAt: (m, t) => positionAt(asMover(m), t),
    hold(sm, status) {
      const m = asMover(sm);
      m.held = true;
      if (m.status !== 'offline') m.status = status;
    },
    steer(sm, t, lon, lat, arriveAt) {
      const m = asMover(sm);
      const [x, y] = positionAt(m, t);
      m.ax = x;
      m.ay = y;
      m.bx = lon;
      m.by = lat;
      m.t0 = t;
      m.t1 = Math.max(t + 1, Math.round(arriveAt));
      m.tNext = Number.POSITIVE_INFINITY;
      m.pinned = true;
      m.legSpeed = distanceM(x, y, lon, lat) / ((m.t1 - t) / 1000);
      if (m.legSpeed > 0) m.heading = bearingDeg(x, y, lon, lat);
    },
    reportEvery(sm, ms) {
      const m = asMover(sm);
      m.intervalMs = ms ?? m.baseIntervalMs;
    },
    release(sm, t) {
      const m = asMover(sm);
      const [x, y] = positionAt(m, t);
      m.pinned = false;
      m.held = false;
      m.ax = m.bx = x;
      m.ay = m.by = y;
      m.t0 = m.t1 = t;
      m.tNext = t + Math.round(m.rng.range(m.pauseMin, m.pauseMax));
      m.legSpeed = 0;
      if (m.status !== 'offline') m.status = 'available';
      m.busyUntil = 0;
    },
    operator(request) {
      w.operatorOut.push(request);
      if (w.operatorOut.length > OPERATOR_REQUESTS_KEPT) w.operatorOut.shift();
    },
    responders: (incidentId) => responders().responders(incidentId),
  };
}

/** Kiosks report their status on a cadence; now and then one's SOS button is pressed, held, and its incident closed. */
function scheduleKiosks(w: World, devRng: Rng): void {
  const { o, at, alarm, startAt } = w;
  const kioskState = w.input.kiosks.map((k) => ({ ...k, topic: `${w.prefix}/kiosks/${k.id}/status`, sos: false }));
  const kioskStatus = (k: (typeof kioskState)[number], t: number, sosField?: boolean): SimMessage => ({
    topic: k.topic,
    payload: w.withCrs(sosField === undefined && !k.sos ? { online: true, ts: t } : { online: true, ts: t, sos: k.sos }),
    qos: 1,
    family: 'kiosk',
  });
  for (const k of kioskState) {
    const tick: SimAction = (t, out) => {
      out.push(kioskStatus(k, t));
      at(t + w.jitter(devRng, o.kioskIntervalMs), tick);
    };
    at(startAt + o.firstReportDelayMs + Math.floor(devRng.next() * o.firstStatusWindowMs), tick);
  }
  if (o.sos && kioskState.length) {
    const press: SimAction = (t, out) => {
      const free = kioskState.filter((k) => !k.sos);
      if (free.length) {
        const k = devRng.pick(free);
        k.sos = true;
        out.push(kioskStatus(k, t, true));
        const pressedAt = t;
        at(t + Math.round(devRng.range(o.sosHoldMs[0], o.sosHoldMs[1])), (t2, out2) => {
          k.sos = false;
          out2.push(kioskStatus(k, t2, false));
        });
        // the dispatcher resolves the kiosk's SOS incident (the wall names it sos:{kiosk}:{ts})
        const note = devRng.pick(['学校保安到场核实：学生误触报警按钮，已解除', '民警到场：学生与同学发生纠纷求助，已妥善处置', '家长接送时与人发生口角求助，民警已调解', '一名学生身体不适求助，已联系家长送医']);
        at(t + Math.round(devRng.range(o.sosCloseMs[0], o.sosCloseMs[1])), (t2, out2) =>
          alarm(out2, 'kiosk', {
            id: `sos:${k.id}:${pressedAt}`,
            ts: t2,
            kind: 'sos',
            priority: 1,
            lat: k.lat,
            lon: k.lon,
            title: k.name,
            detail: `【结果】${note}。`,
            kioskId: k.id,
            ...(k.cameraId ? { cameraIds: [k.cameraId] } : {}),
            status: 'closed',
          }),
        );
      }
      at(t + Math.round(devRng.range(o.sosIntervalMs[0], o.sosIntervalMs[1])), press);
    };
    at(startAt + o.firstSosAtMs, press);
  }
}

/** Cameras report their status on a cadence, and now and then go offline for a while. */
function scheduleCameras(w: World, devRng: Rng): void {
  const { o, at, startAt } = w;
  for (const c of w.input.cameras) {
    const topic = `${w.prefix}/cameras/${c.id}/status`;
    let offlineUntil = 0;
    const tick: SimAction = (t, out) => {
      let online = t >= offlineUntil;
      if (online && devRng.chance(o.cameraOfflineChance)) {
        offlineUntil = t + Math.round(devRng.range(o.cameraOfflineMs[0], o.cameraOfflineMs[1]));
        online = false;
      }
      out.push({ topic, payload: w.withCrs({ online, ts: t }), qos: 1, family: 'camera' });
      // an offline camera reports again when it comes back
      const next = online ? t + w.jitter(devRng, o.cameraIntervalMs) : Math.min(offlineUntil, t + w.jitter(devRng, o.cameraIntervalMs));
      at(next, tick);
    };
    at(startAt + o.firstReportDelayMs + Math.floor(devRng.next() * o.firstStatusWindowMs), tick);
  }
}

/** Alarms from every source, at random places weighted by district, each updated and later closed. */
function scheduleAlarms(w: World, g: Geography): void {
  const { o, at, alarm } = w;
  const arng = new Rng(hashSeed(w.seed, 'alarms'));
  const kinds = INCIDENT_KINDS.filter((k) => KIND_WEIGHTS[k] > 0);
  const kindWeights = kinds.map((k) => KIND_WEIGHTS[k]);
  const placeList = Object.values(w.input.places);
  let serial = 0;
  const nearestCameras = (lon: number, lat: number, maxM: number, n: number): string[] =>
    w.input.cameras
      .map((c) => ({ id: c.id, d: distanceM(lon, lat, c.lon, c.lat) }))
      .filter((c) => c.d <= maxM)
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
      .slice(0, n)
      .map((c) => c.id);

  const spawn: SimAction = (t, out) => {
    const kind: IncidentKind = arng.weighted(kinds, kindWeights);
    const source: AlarmSource = sourceFor(arng, kind, w.input.cameras.length > 0);
    let lon: number;
    let lat: number;
    let text: { title: string; detail: string } | undefined;
    let cameraIds: string[];
    if (source === 'analytics') {
      const cam = arng.pick(w.input.cameras);
      [lon, lat] = offsetPoint(cam.lon, cam.lat, arng.range(0, 360), arng.range(5, 30));
      text = composeAnalyticsText(arng, kind, cam.name);
      cameraIds = [cam.id, ...nearestCameras(cam.lon, cam.lat, 400, 3).filter((id) => id !== cam.id)].slice(0, 2);
      if (!text) text = composeAlarmText(arng, kind, cam.name.replace(/(球机|枪机|摄像机|摄像头)$/, ''), source);
    } else {
      let place: string;
      let named = false;
      if (placeList.length && arng.chance(0.4)) {
        const p = arng.pick(placeList);
        [lon, lat] = offsetPoint(p.lon, p.lat, arng.range(0, 360), arng.range(0, 250));
        place = p.name;
        named = true;
      } else if (g.gridCells.length) {
        const f = g.cellTable.pick(arng);
        [lon, lat] = randomPointIn(g.areaOf(f), () => arng.next()) ?? [g.areaOf(f).bbox[0], g.areaOf(f).bbox[1]];
        const names = f.properties.names;
        place = `${names[3] ?? names[names.length - 1]}${arng.pick(LANDMARKS)}`;
      } else {
        [lon, lat] = offsetPoint(FUZHOU_CENTRE[0], FUZHOU_CENTRE[1], arng.range(0, 360), arng.range(0, 4000));
        place = `${arng.pick(['东街口', '五一广场', '台江步行街'])}${arng.pick(LANDMARKS)}`;
      }
      text = composeAlarmText(arng, kind, place, source, named);
      cameraIds = nearestCameras(lon, lat, 500, 3);
    }
    serial++;
    const id = `${source}-${w.runTag}-${pad(serial, 4)}`;
    const base: Record<string, unknown> = {
      id,
      ts: t,
      kind,
      priority: priorityFor(arng, kind),
      lat: round6(lat),
      lon: round6(lon),
      title: text.title,
      detail: text.detail,
    };
    if (cameraIds.length) base.cameraIds = cameraIds;
    const reporter = reporterFor(arng, source);
    if (reporter) base.reporter = reporter;
    if (source === 'clue') base.media = clueMedia(arng, arng.chance(0.3) ? 2 : 1);
    base.status = 'open';
    alarm(out, source, base);
    const progress = progressNote(arng, kind, source);
    const closing = closingNote(arng, kind);
    const updateAt = t + Math.round(arng.range(o.alarmUpdateMs[0], o.alarmUpdateMs[1]));
    const closeAt = Math.max(updateAt + 10_000, t + Math.round(arng.range(o.alarmCloseMs[0], o.alarmCloseMs[1])));
    at(updateAt, (t2, out2) => alarm(out2, source, { ...base, ts: t2, detail: `${base.detail}\n${progress}` }));
    at(closeAt, (t2, out2) => alarm(out2, source, { ...base, ts: t2, detail: `${base.detail}\n${progress}\n${closing}`, status: 'closed' }));
    at(t + Math.round(arng.range(o.alarmIntervalMs[0], o.alarmIntervalMs[1])), spawn);
  };
  at(w.startAt + o.firstAlarmAtMs, spawn);
}

export function createScenario(input: ScenarioInput): Scenario {
  const w = makeWorld(input);
  const { o, startAt, queue } = w;
  const story: Story | undefined = o.story ? getStory(o.story) : undefined;
  if (o.story && !story) throw new Error(`unknown story "${o.story}"`);
  const g = makeGeography(input);
  const movers = castUnits(w, g, story);
  // first reports, staggered over the first few seconds
  for (const m of movers) {
    const window = Math.max(1, Math.min(o.firstReportWindowMs, m.intervalMs));
    queue.push(startAt + o.firstReportDelayMs + Math.floor(m.rng.next() * window), m, null);
  }
  const byId = new Map(movers.map((m) => [m.id, m]));
  // the kernel lets stories ask the responders, who act through the kernel
  const late: { responders?: Responders } = {};
  const kernel = storyKernel(w, movers, () => late.responders!);
  const responders = (late.responders = createResponders({ ...kernel, seed: w.seed, unit: (id) => byId.get(id) }));
  w.onClosed = (id, t) => responders.incidentClosed(id, t);
  const devRng = new Rng(hashSeed(w.seed, 'devices'));
  scheduleKiosks(w, devRng);
  scheduleCameras(w, devRng);
  if (o.alarms) scheduleAlarms(w, g);
  story?.install(kernel, startAt + o.storyAtMs);

  function stepInto(nowMs: number, out: SimMessage[]): number {
    const before = out.length;
    w.steppedTo = Math.max(w.steppedTo, nowMs);
    for (;;) {
      const top = queue.peek();
      if (!top || top.t > nowMs) break;
      queue.pop();
      w.clock.current = top.t;
      if (top.m) report(w, top.m, top.t, out);
      else top.fn!(top.t, out);
    }
    return out.length - before;
  }

  return {
    startAt,
    options: o,
    units: movers.map((m) => m.info),
    story: story?.name,
    step(nowMs) {
      const out: SimMessage[] = [];
      stepInto(nowMs, out);
      return out;
    },
    stepInto,
    nextAt: () => queue.peek()?.t ?? Number.POSITIVE_INFINITY,
    // heard from outside between steps: never before what was already stepped
    dispatch: (unitId, message, t) => responders.dispatch(unitId, message, Math.max(Math.round(t), w.steppedTo, w.clock.current)),
    incidentClosed: (incidentId, t) => responders.incidentClosed(incidentId, Math.max(Math.round(t), w.steppedTo, w.clock.current)),
    takeOperatorRequests: () => w.operatorOut.splice(0),
  };
}

/** A point inside `area` within `radiusM` of (lon, lat), if one is found. */
function pointNear(area: Area, lon: number, lat: number, radiusM: number, rng: Rng): [number, number] | undefined {
  for (let i = 0; i < 80; i++) {
    const p = offsetPoint(lon, lat, rng.range(0, 360), radiusM * Math.sqrt(rng.next()));
    if (insideWithMargin(area, p[0], p[1])) return p;
  }
  return randomPointIn(area, () => rng.next());
}

// The frame loop's alarm lane: a new alarm is handed to the alert canvas alone; what the base
// canvas owes for it follows — the grid fill that counts it with the next routine redraw, a
// kiosk's new state once the alarm has been drawn.
// The model comes through the real core reducer and the real store; the map and the two canvases
// are stand-ins for what maplibre and deck.gl would be (the loop only reads the view and hands layers).
import type { Layer } from '@deck.gl/core';
import type { Map as MaplibreMap } from 'maplibre-gl';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Health } from '../../../core/contract';
import type { IncidentReport } from '../../../core/domain';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import { ALARM_QUIET_MS, ALERT_FIRST_MS, createFrameLoop } from '../../../renderer/src/map/frame-loop';
import { LayerMemo } from '../../../renderer/src/map/layers';
import type { Overlays } from '../../../renderer/src/map/overlays';
import { DEFAULT_REDRAW_BUDGET, RedrawBudget } from '../../../renderer/src/map/redrawBudget';
import { createWallStore } from '../../../renderer/src/state/store';
import { GRIDS } from './grid-fixture';

const T = Date.UTC(2026, 11, 2, 9);
const locate = () => ({ id: 'S1', ids: ['C', 'D1', 'S1'], names: ['市', '一区', '甲街道'] });
const report = (id: string): IncidentReport => ({ id, ts: T, kind: 'theft', priority: 1, lat: 0.5, lon: 0.5, title: id, status: 'open' });

function wall() {
  const core = createSituation({ cameras: [], kiosks: [{ id: 'K1', name: '南门', lat: 0.6, lon: 0.6 }] }, locate);
  apply(core, { t: 'tick', at: T });
  takeDelta(core);
  const store = createWallStore(T);
  const { dispatch } = store.getState();
  dispatch({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: { ok: true } as Health }, at: T });
  dispatch({ type: 'reference', reference: { grids: GRIDS, basemapUrl: null, mapDatum: 'WGS84', view: { lon: 2, lat: 1, zoom: 8 }, locale: 'zh-CN', timeZone: 'Asia/Shanghai' } });
  const alarm = (r: IncidentReport) => {
    apply(core, { t: 'events', at: T, topic: 'alarms/110', events: [{ type: 'incident', source: '110', report: r }] });
    dispatch({ type: 'server', message: { type: 'delta', delta: takeDelta(core) }, at: T });
  };
  const move = (lon: number) => {
    apply(core, { t: 'events', at: T, topic: 'u/U1', events: [{ type: 'unitFix', source: 'units', fix: { id: 'U1', ts: T + lon * 1000, lat: 0.5, lon, kind: 'volunteer' } }] });
    dispatch({ type: 'server', message: { type: 'delta', delta: takeDelta(core) }, at: T });
  };
  const sos = () => {
    apply(core, { t: 'events', at: T, topic: 'kiosks/K1', events: [{ type: 'kioskStatus', source: 'kiosks', status: { id: 'K1', ts: T, online: true, sos: true } }] });
    dispatch({ type: 'server', message: { type: 'delta', delta: takeDelta(core) }, at: T });
  };
  // what each canvas was handed, and how often the alert canvas has drawn
  const handed = { base: [] as Layer[][], alerts: [] as Layer[][], alertRedraws: 0 };
  const overlays: Overlays = {
    ready: () => true,
    setBase: (l) => void handed.base.push(l),
    setAlerts: (l) => void handed.alerts.push(l),
    alertAt: () => false,
    gridAt: () => null,
    deck: () => null,
    overlay: () => null,
    stats: () => ({ redraws: handed.alertRedraws, alertRedraws: handed.alertRedraws }),
    destroy: () => undefined,
  };
  const map = { getCenter: () => ({ lng: 2, lat: 1 }), getZoom: () => 8, project: ([lon, lat]: [number, number]) => ({ x: lon * 100, y: lat * 100 }) } as unknown as MaplibreMap;
  const loop = createFrameLoop({
    store,
    map,
    size: { width: 1920, height: 1080 },
    overlays,
    budget: new RedrawBudget(),
    memo: new LayerMemo(),
    scale: 1,
    icons: null,
    kindLabel: (k) => k,
    language: () => 'zh-CN',
    onPickIncident: () => undefined,
    onPickCluster: () => undefined,
    onPickCamera: () => undefined,
  });
  return { alarm, move, sos, handed, loop, dispatch };
}

const ids = (ls: Layer[] | undefined) => (ls ?? []).map((l) => l.id);
const gridFill = (ls: Layer[] | undefined) => ls?.find((l) => l.id.startsWith('grid'));

afterEach(() => vi.restoreAllMocks());

describe('the frame loop', () => {
  let now = 10_000;
  beforeEach(() => {
    now = 10_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
  });

  it('draws a new alarm on the alert canvas alone; the grid fill that counts it waits for a routine redraw', () => {
    const w = wall();
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);
    expect(w.handed.alerts).toHaveLength(1);
    const fillBefore = gridFill(w.handed.base[0]);
    expect(fillBefore).toBeDefined();

    now += 10;
    w.alarm(report('A1'));
    w.loop.frame();
    expect(w.handed.alerts).toHaveLength(2);
    expect(ids(w.handed.alerts[1])).toContain('incidents');
    expect(w.handed.base).toHaveLength(1);
    w.handed.alertRedraws++;
    now += 10;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);

    // a routine redraw is due (the budget's shortest interval on a machine that redraws for free),
    // but waits for a quiet moment after the alarm — at most twice its interval
    now += DEFAULT_REDRAW_BUDGET.minMs;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);
    now += DEFAULT_REDRAW_BUDGET.minMs;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(2);
    expect(gridFill(w.handed.base[1])).not.toBe(fillBefore);
  });

  it('an SOS press: the alert canvas draws first, the base canvas (its kiosk) once that has drawn', () => {
    const w = wall();
    w.loop.frame();
    now += 10;
    w.sos();
    w.loop.frame();
    expect(ids(w.handed.alerts[1])).toContain('kiosks-sos');
    expect(w.handed.base).toHaveLength(1);
    now += 10;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);
    // the alert canvas drew: the base canvas follows on the next frame, though no routine redraw is due
    w.handed.alertRedraws++;
    now += 10;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(2);
  });

  it('holds the base canvas no longer than ALERT_FIRST_MS when the alert canvas never draws', () => {
    const w = wall();
    w.loop.frame();
    w.sos();
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);
    now += ALERT_FIRST_MS - 1;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(1);
    now += 1;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(2);
  });

  it('a stream of alarms does not starve the units: they still move with each routine redraw', () => {
    const w = wall();
    w.move(0.1);
    w.loop.frame();
    const drawn = w.handed.base.length;
    // an alarm every 50 ms for a second, the units moving all along
    for (let i = 0; i < 20; i++) {
      now += 50;
      w.alarm(report(`A${i}`));
      w.move(0.1 + i * 0.01);
      w.loop.frame();
      w.handed.alertRedraws++;
    }
    expect(w.handed.alerts.length).toBeGreaterThanOrEqual(21);
    // the budget's shortest interval is 100 ms, held off by the alarms to at most twice that
    expect(w.handed.base.length - drawn).toBeGreaterThanOrEqual(1000 / (2 * DEFAULT_REDRAW_BUDGET.minMs) - 1);
  });

  it('after an alarm, routine unit redraws wait for a quiet moment', () => {
    const w = wall();
    w.move(0.1);
    w.loop.frame();
    now += 10;
    w.alarm(report('A1'));
    w.loop.frame();
    w.handed.alertRedraws++;
    const drawn = w.handed.base.length;
    // units move; a routine redraw is due but the alarm was just drawn
    now += DEFAULT_REDRAW_BUDGET.minMs + 1;
    w.move(0.2);
    w.loop.frame();
    expect(w.handed.base).toHaveLength(drawn);
    // quiet since the alarm: the units follow
    now = 10_010 + ALARM_QUIET_MS;
    w.loop.frame();
    expect(w.handed.base).toHaveLength(drawn + 1);
  });

  it("the operator's measure shows at once, though its figures are routine", () => {
    const w = wall();
    w.loop.frame();
    const before = gridFill(w.handed.base[0]);
    now += 10;
    w.dispatch({ type: 'cycleGridFill' });
    w.loop.frame();
    expect(w.handed.base).toHaveLength(2);
    expect(gridFill(w.handed.base[1])).not.toBe(before);
  });
});

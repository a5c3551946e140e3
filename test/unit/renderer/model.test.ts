// The wall's model: one reducer over what the bridge pushes and what the operator does, and what
// is derived from it. Through the real core reducer for the situation it reports.
import { describe, expect, it } from 'vitest';
import type { Health } from '../../../core/contract';
import type { IncidentReport } from '../../../core/domain';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import type { VideoTile } from '../../../core/video/policy';
import { feedsNow, gridFillOf, UNIT_FIGURES_MS, unitFigures } from '../../../renderer/src/model/selectors';
import { feedsOf } from '../../../renderer/src/model/feeds';
import { initialModel, reduce, type WallAction, type WallModel } from '../../../renderer/src/model/wall';

const health = { ok: true } as Health;
const T = Date.UTC(2026, 11, 2, 9);
const report = (id: string, lon = 119.28): IncidentReport => ({ id, ts: T, kind: 'theft', priority: 2, lat: 26.04, lon, title: id, status: 'open' });
// two districts, each with one street, side by side at lon 119.3
const square = (x0: number, x1: number) => ({ type: 'Polygon', coordinates: [[[x0, 26], [x1, 26], [x1, 26.1], [x0, 26.1], [x0, 26]]] });
const grids = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 'D1', name: '西区', level: 'district', ids: ['C', 'D1'], names: ['市', '西区'] }, geometry: square(119.2, 119.3) },
    { type: 'Feature', properties: { id: 'D2', name: '东区', level: 'district', ids: ['C', 'D2'], names: ['市', '东区'] }, geometry: square(119.3, 119.4) },
    { type: 'Feature', properties: { id: 'S1', name: '西街', level: 'street', ids: ['C', 'D1', 'S1'], names: ['市', '西区', '西街'] }, geometry: square(119.2, 119.3) },
    { type: 'Feature', properties: { id: 'S2', name: '东街', level: 'street', ids: ['C', 'D2', 'S2'], names: ['市', '东区', '东街'] }, geometry: square(119.3, 119.4) },
  ],
};
const locate = (lon: number) => (lon < 119.3 ? { id: 'S1', ids: ['C', 'D1', 'S1'], names: ['市', '西区', '西街'] } : { id: 'S2', ids: ['C', 'D2', 'S2'], names: ['市', '东区', '东街'] });

function wall() {
  const core = createSituation({ cameras: [], kiosks: [] }, locate);
  apply(core, { t: 'tick', at: T });
  takeDelta(core);
  let m: WallModel = initialModel(T);
  const act = (a: WallAction) => (m = reduce(m, a));
  act({ type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health }, at: T });
  act({ type: 'reference', reference: { grids, basemapUrl: null, mapDatum: 'WGS84', view: { lon: 119.3, lat: 26.05, zoom: 10 }, locale: 'zh-CN', timeZone: 'Asia/Shanghai' } });
  const alarm = (r: IncidentReport, at = T) => {
    apply(core, { t: 'events', at, topic: 't', events: [{ type: 'incident', source: '110', report: r }] });
    act({ type: 'server', message: { type: 'delta', delta: takeDelta(core) }, at });
  };
  return { act, alarm, model: () => m };
}

describe('the wall model', () => {
  it('changes only what an action names, by identity, and keeps the rest', () => {
    const w = wall();
    const before = w.model();
    w.act({ type: 'toggleLayer', key: 'kiosks' });
    expect(w.model().layers.kiosks).toBe(false);
    expect(w.model().incidents).toBe(before.incidents);
    // an action that changes nothing returns the same model: no subscriber wakes
    const same = w.model();
    w.act({ type: 'view', zoom: w.model().zoom ?? 0 });
    w.act({ type: 'view', zoom: 12 });
    const after12 = w.model();
    w.act({ type: 'view', zoom: 12 });
    expect(w.model()).toBe(after12);
    expect(same).not.toBe(after12);
  });

  it('takes the time a message arrived from the action, never from a clock', () => {
    const w = wall();
    w.alarm(report('A1'), T + 5_000);
    expect(w.model().lastHeardAt).toBe(T + 5_000);
    expect(w.model().incidents.get('A1')?.title).toBe('A1');
  });

  it('derives the grid legend from the measure and the zoom the map reported (no write-back)', () => {
    const w = wall();
    w.alarm(report('A1', 119.25));
    w.alarm(report('A2', 119.26));
    w.alarm(report('A3', 119.35));
    // before the map reports a zoom, the configured view's
    expect(gridFillOf(w.model(), T)).toMatchObject({ fill: 'open', level: 'district', max: 2 });
    w.act({ type: 'view', zoom: 12 });
    const street = gridFillOf(w.model(), T)!;
    expect(street).toMatchObject({ level: 'street', max: 2 });
    expect(street.counts!.get('S1')).toBe(2);
    w.act({ type: 'cycleGridFill' });
    expect(gridFillOf(w.model(), T)).toMatchObject({ fill: 'day' });
    w.act({ type: 'gridFill', fill: 'none' });
    expect(gridFillOf(w.model(), T)).toMatchObject({ counts: null, max: 0 });
  });

  it('goes back to the configured overview, and folds the layer panel away and back', () => {
    const w = wall();
    w.act({ type: 'flyToPlace', place: { lon: 119.5, lat: 26.2, zoom: 16 } });
    const seq = w.model().flyTo!.seq;
    w.act({ type: 'overview' });
    expect(w.model().flyTo).toEqual({ lon: 119.3, lat: 26.05, zoom: 10, seq: seq + 1 });
    expect(w.model().layerPanelOpen).toBe(true);
    w.act({ type: 'layerPanel', open: false });
    expect(w.model().layerPanelOpen).toBe(false);
    const m = w.model();
    w.act({ type: 'layerPanel', open: false });
    expect(w.model()).toBe(m);
  });

  it('a chosen search result selects an incident, or rings a unit, or outlines a grid, and flies there', () => {
    const w = wall();
    w.alarm(report('A1'));
    w.act({ type: 'searchChoice', choice: { kind: 'unit', id: 'U1', lon: 119.3, lat: 26.05 } });
    expect(w.model()).toMatchObject({ highlight: { kind: 'unit', id: 'U1' }, flyTo: { zoom: 15.5, seq: 1 } });
    w.act({ type: 'searchChoice', choice: { kind: 'grid', id: 'S1', lon: 119.25, lat: 26.05, bounds: [119.2, 26, 119.3, 26.1] } });
    expect(w.model()).toMatchObject({ highlight: { kind: 'grid', id: 'S1' }, selectedGridId: 'S1', flyTo: { bounds: [119.2, 26, 119.3, 26.1], seq: 2 } });
    w.act({ type: 'searchChoice', choice: { kind: 'incident', id: 'A1', lon: 0, lat: 0 } });
    expect(w.model()).toMatchObject({ highlight: null, selectedGridId: null, selectedId: 'A1', flyTo: { lon: 119.28, lat: 26.04, seq: 3 } });
  });

  it('keeps the video wall’s choices: pins, closes (dismissing the alarm’s camera), and lets go of what a plan drops', () => {
    const w = wall();
    const tile = (incidentId: string, cameraId: string, slot = 0): VideoTile => ({ incidentId, cameraId, reason: 'nearest', distanceM: 50, pinned: false, slot, openedAt: T, relevantAt: T });
    w.act({ type: 'video.plan', tiles: [tile('A1', 'C1'), tile('A1', 'C2')], numbers: new Map([['A1', 1]]) });
    w.act({ type: 'video.togglePin', cameraId: 'C1' });
    w.act({ type: 'video.enlarge', cameraId: 'C2' });
    w.act({ type: 'video.close', cameraId: 'C2' });
    const v = w.model().video;
    expect(v.tiles.map((t) => t.cameraId)).toEqual(['C1']);
    expect([...v.dismissed]).toEqual(['A1\u0000C2']);
    expect(v.enlarged).toBeNull();
    expect(v.inputsVersion).toBe(2);
    w.act({ type: 'video.plan', tiles: [], numbers: new Map() });
    expect(w.model().video.pinned.size).toBe(0);
    w.act({ type: 'video.pruneDismissed', live: new Set() });
    expect(w.model().video.dismissed.size).toBe(0);
  });

  it('opens a camera by hand until it is closed or its alarm lets it go', () => {
    const w = wall();
    const tile = (incidentId: string, cameraId: string, reason: VideoTile['reason'] = 'nearest'): VideoTile => ({ incidentId, cameraId, reason, distanceM: 50, pinned: false, slot: 0, openedAt: T, relevantAt: T });
    w.act({ type: 'video.open', cameraId: 'C9', incidentId: 'A1' });
    expect(w.model().video).toMatchObject({ requested: new Map([['C9', 'A1']]), inputsVersion: 1 });
    // asked again: nothing new to plan
    w.act({ type: 'video.open', cameraId: 'C9', incidentId: 'A1' });
    expect(w.model().video.inputsVersion).toBe(1);
    // a plan made before it was asked for does not drop it; one that dropped it does
    w.act({ type: 'video.plan', tiles: [], numbers: new Map() });
    expect(w.model().video.requested.size).toBe(1);
    w.act({ type: 'video.plan', tiles: [tile('A1', 'C9', 'manual')], numbers: new Map([['A1', 1]]) });
    w.act({ type: 'video.plan', tiles: [], numbers: new Map() });
    expect(w.model().video.requested.size).toBe(0);
    // closed by the operator: the request goes with the tile
    w.act({ type: 'video.open', cameraId: 'C8', incidentId: 'camera:C8' });
    w.act({ type: 'video.plan', tiles: [tile('camera:C8', 'C8', 'manual')], numbers: new Map() });
    w.act({ type: 'video.close', cameraId: 'C8' });
    expect(w.model().video.requested.size).toBe(0);
  });

  it('shows one detail panel at a time: choosing an incident closes a grid’s, and a grid’s closes the incident’s', () => {
    const w = wall();
    w.alarm(report('A1'));
    w.act({ type: 'selectGrid', id: 'S1' });
    w.act({ type: 'select', id: 'A1' });
    expect(w.model()).toMatchObject({ selectedId: 'A1', selectedGridId: null });
    w.act({ type: 'selectGrid', id: 'S2' });
    expect(w.model()).toMatchObject({ selectedId: null, selectedGridId: 'S2' });
    w.act({ type: 'flyToIncident', id: 'A1' });
    expect(w.model()).toMatchObject({ selectedId: 'A1', selectedGridId: null });
    // letting go of one leaves the other as it was
    w.act({ type: 'selectGrid', id: null });
    expect(w.model().selectedId).toBe('A1');
  });

  it('counts units for the header at most once a second, and at once when that second has passed', () => {
    const core = createSituation({ cameras: [], kiosks: [] }, locate);
    let m: WallModel = initialModel(T);
    const fix = (id: string, status: 'available' | 'busy', at: number) => {
      apply(core, { t: 'events', at, topic: 't', events: [{ type: 'unitFix', source: 'owntracks', fix: { id, ts: at, lat: 26.04, lon: 119.28, kind: 'volunteer', status } }] });
      m = reduce(m, { type: 'server', message: { type: 'delta', delta: takeDelta(core) }, at });
    };
    m = reduce(m, { type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health }, at: T });
    fix('v1', 'available', T);
    expect(unitFigures(m, T)).toMatchObject({ available: 1, total: 1 });
    fix('v2', 'available', T + 10);
    // within the second: the figures it counted, even though the table changed
    expect(unitFigures(m, T + 500)).toMatchObject({ available: 1, total: 1 });
    expect(unitFigures(m, T + UNIT_FIGURES_MS)).toMatchObject({ available: 2, total: 2 });
    // the feeds agree with counting everything afresh
    expect(feedsNow(m, T + UNIT_FIGURES_MS)).toEqual(feedsOf(m));
    expect(feedsOf(m).find((f) => f.key === 'units:owntracks')).toMatchObject({ count: 2, lastHeard: T + 10 });
  });
});


import { describe, expect, it } from 'vitest';
import type { Kiosk } from '../../../core/domain';
import { ageFade, buildLayers, incidentColor, kioskColor, type LayerInput, phaseAt } from '../../../renderer/src/map/layers';
import { DEFAULT_LAYERS } from '../../../renderer/src/state/store';
import { UnitTable } from '../../../renderer/src/state/units';
import { incident, unit } from './fixtures';

function input(over: Partial<LayerInput> = {}): LayerInput {
  const units = new UnitTable();
  units.load([unit('u1', { trail: [[119.3, 26.08, 1], [119.31, 26.08, 2]] }), unit('u2', { kind: 'patrol', heading: 45 })]);
  return {
    incidents: new Map([incident('a', { priority: 1, firstSeen: 50_000 }), incident('b', { acknowledged: true }), incident('c', { status: 'closed' })].map((i) => [i.id, i])),
    kiosks: new Map(),
    cameras: new Map(),
    units,
    unitsVersion: units.version,
    trails: null,
    layers: { ...DEFAULT_LAYERS },
    selectedId: null,
    pageLoadedAt: 0,
    now: 60_000,
    time: 0,
    scale: 1,
    kindLabel: (k) => `label:${k}`,
    language: 'zh-CN',
    icons: null,
    ...over,
  };
}

const ids = (ls: { id: string }[]) => ls.map((l) => l.id);

describe('buildLayers', () => {
  it('draws open incidents, pulses the unacknowledged ones, and labels them', () => {
    const layers = buildLayers(input());
    expect(ids(layers)).toEqual(expect.arrayContaining(['units', 'incident-pulse', 'incidents', 'incident-labels', 'kiosks']));
    const incidents = layers.find((l) => l.id === 'incidents')!;
    expect((incidents.props.data as { id: string }[]).map((i) => i.id).sort()).toEqual(['a', 'b']);
    const pulse = layers.find((l) => l.id === 'incident-pulse')!;
    expect((pulse.props.data as { id: string }[]).map((i) => i.id)).toEqual(['a']);
    const labels = layers.find((l) => l.id === 'incident-labels')!;
    expect((labels.props as unknown as { characterSet: string }).characterSet).toBe('auto');
  });

  it('keeps data identities across animation frames, so only uniforms change', () => {
    const s = input();
    const a = buildLayers(s);
    const b = buildLayers({ ...s, time: 800 });
    for (const id of ['incidents', 'units', 'incident-pulse']) {
      expect(b.find((l) => l.id === id)!.props.data).toBe(a.find((l) => l.id === id)!.props.data);
    }
    const ra = a.find((l) => l.id === 'incident-pulse')!.props as unknown as { radiusScale: number };
    const rb = b.find((l) => l.id === 'incident-pulse')!.props as unknown as { radiusScale: number };
    expect(rb.radiusScale).not.toBe(ra.radiusScale);
  });

  it('gives the units layer binary attributes from the unit table', () => {
    const s = input();
    const units = buildLayers(s).find((l) => l.id === 'units')!;
    const data = units.props.data as { length: number; attributes: Record<string, { value: ArrayLike<number> }> };
    expect(data.length).toBe(2);
    expect(data.attributes.getPosition.value).toBeInstanceOf(Float32Array);
    expect(data.attributes.getFillColor.value).toBeInstanceOf(Uint8Array);
  });

  it('honours the layer toggles and adds trails and the selection ring', () => {
    const s = input();
    const trails = { length: 1, startIndices: new Uint32Array([0, 2]), positions: new Float32Array(4), colors: new Uint8Array(8) };
    const all = ids(buildLayers({ ...s, trails, selectedId: 'a' }));
    expect(all).toEqual(expect.arrayContaining(['unit-trails', 'incident-selected']));
    const none = ids(buildLayers({ ...s, trails, layers: { ...s.layers, incidents: false, units: false, kiosks: false } }));
    expect(none).toEqual([]);
  });
});

describe('styling helpers', () => {
  it('fades incidents with age', () => {
    expect(ageFade(0)).toBe(1);
    expect(ageFade(60 * 60_000)).toBeLessThan(1);
    expect(ageFade(10 * 3600_000)).toBe(0.55);
    const fresh = incidentColor(incident("a", { ts: 0, firstSeen: 0, priority: 1 }), 0);
    expect(fresh).toEqual([235, 64, 52, 255]);
  });
  it('colours kiosks by status, SOS first', () => {
    const k = (o: Partial<Kiosk>): Kiosk => ({ id: 'k', name: 'k', lat: 0, lon: 0, online: true, sos: false, ...o });
    expect(kioskColor(k({ sos: true, online: false }))[0]).toBe(255);
    expect(kioskColor(k({ online: false }))).not.toEqual(kioskColor(k({ online: true })));
  });
  it('phaseAt wraps', () => {
    expect(phaseAt(0, 1000)).toBe(0);
    expect(phaseAt(1500, 1000)).toBe(0.5);
    expect(phaseAt(-250, 1000)).toBe(0.75);
  });
});

// Small builders for renderer unit tests.
import type { Incident, Unit } from '../../../core/domain';
import type { SituationDelta } from '../../../core/situation/situation';
import { emptyStats } from '../../../renderer/src/model/situation';

export function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    ts: 1_000,
    kind: 'theft',
    priority: 3,
    lat: 26.08,
    lon: 119.3,
    title: `incident ${id}`,
    status: 'open',
    cameraIds: [],
    media: [],
    source: 'test',
    startedAt: 1_000,
    firstSeen: 1_000,
    lastSeen: 1_000,
    updates: 0,
    acknowledged: false,
    state: over.acknowledged ? 'acknowledged' : 'new',
    timeline: [],
    responders: [],
    ...over,
  };
}

export function unit(id: string, over: Partial<Unit> = {}): Unit {
  return {
    id,
    kind: 'volunteer',
    lat: 26.08,
    lon: 119.3,
    status: 'available',
    ts: 1_000,
    lastSeen: 1_000,
    stale: false,
    source: 'units',
    trail: [[119.3, 26.08, 1_000]],
    outOfOrder: 0,
    ...over,
  };
}

export function delta(over: Partial<SituationDelta> = {}): SituationDelta {
  return {
    now: 2_000,
    incidents: [],
    removedIncidents: [],
    units: [],
    unitMoves: [],
    removedUnits: [],
    trailPoints: [],
    kiosks: [],
    cameras: [],
    stats: emptyStats(),
    rejects: [],
    ...over,
  };
}

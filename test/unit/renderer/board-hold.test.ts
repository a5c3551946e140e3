// The board kept still under the operator's hand, the selection moved on after A, and failed
// actions reported truthfully and only for a while.
import { describe, expect, it } from 'vitest';
import type { Health } from '../../../core/contract';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import { applyHold, holdOf } from '../../../renderer/src/model/board';
import { actionTookEffect, boardRows, nextWaiting } from '../../../renderer/src/model/situation';
import { ERROR_SHOWN_MS, initialModel, reduce, type WallModel } from '../../../renderer/src/model/wall';
import { explainError } from '../../../renderer/src/ui/incident-actions';
import { incident } from './fixtures';

const rowsOf = (...ids: [string, boolean][]) => ids.map(([id, acknowledged]) => ({ incident: incident(id, { acknowledged }), isNew: false }));

describe('holding the board still', () => {
  it('keeps the held order until the hold ends; rows that came meanwhile go after', () => {
    const before = rowsOf(['a', false], ['b', false], ['c', true]);
    const hold = holdOf(before, 1000, 3000);
    // 'a' acknowledged: sorted, it would go below 'b'
    const sorted = rowsOf(['b', false], ['new', false], ['a', true], ['c', true]);
    expect(applyHold(sorted, hold, 3999).map((r) => r.incident.id)).toEqual(['a', 'b', 'c', 'new']);
    expect(applyHold(sorted, hold, 4000).map((r) => r.incident.id)).toEqual(['b', 'new', 'a', 'c']);
    expect(applyHold(sorted, null, 0)).toBe(sorted);
  });

  it('A moves the selection to the next row still waiting, wrapping round', () => {
    const rows = rowsOf(['a', false], ['b', true], ['c', false], ['d', true]);
    expect(nextWaiting(rows, 'a')).toBe('c');
    expect(nextWaiting(rows, 'c')).toBe('a');
    expect(nextWaiting(rowsOf(['a', false], ['b', true]), 'a')).toBe(null);
    expect(nextWaiting(rows, 'gone')).toBe('a');
  });

  it('sorts through the real situation: an incident acknowledged drops among the acknowledged', () => {
    const m = new Map([incident('x', { priority: 1, startedAt: 1 }), incident('y', { priority: 1, startedAt: 2 })].map((i) => [i.id, i]));
    expect(boardRows(m, 0, 10).map((r) => r.incident.id)).toEqual(['x', 'y']);
    m.set('x', { ...m.get('x')!, acknowledged: true });
    expect(boardRows(m, 0, 10).map((r) => r.incident.id)).toEqual(['y', 'x']);
  });
});

describe('failed actions', () => {
  const T = Date.UTC(2026, 11, 5, 9);
  function wall() {
    const core = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    apply(core, { t: 'events', at: T, topic: 't', events: [{ type: 'incident', source: '110', report: { id: 'A1', ts: T, kind: 'theft', priority: 2, lat: 26, lon: 119.3, title: 'A1', status: 'open' } }] });
    takeDelta(core);
    let m: WallModel = reduce(initialModel(T), { type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: { ok: true } as Health }, at: T });
    return { core, act: (a: Parameters<typeof reduce>[1]) => (m = reduce(m, a)), model: () => m };
  }

  it('an error about an action that shows up as done after all is withdrawn with the delta that shows it', () => {
    const w = wall();
    w.act({ type: 'error', message: '签收未成功', at: T + 1000, about: { method: 'incident.ack', id: 'A1' } });
    expect(w.model().lastError).toBe('签收未成功');
    apply(w.core, { t: 'ack', at: T + 1500, incidentId: 'A1' });
    w.act({ type: 'server', message: { type: 'delta', delta: takeDelta(w.core) }, at: T + 1500 });
    expect(w.model().lastError).toBe(null);
  });

  it('an error is shown for a while, then let go', () => {
    const w = wall();
    w.act({ type: 'error', message: 'x', at: T + 1000 });
    w.act({ type: 'tick', at: T + 1000 + ERROR_SHOWN_MS });
    expect(w.model().lastError).toBe('x');
    w.act({ type: 'tick', at: T + 1001 + ERROR_SHOWN_MS });
    expect(w.model().lastError).toBe(null);
  });

  it('knows an action took effect from the incident itself, and says the bridge’s errors in words', () => {
    expect(actionTookEffect('incident.ack', incident('a', { acknowledged: true }))).toBe(true);
    expect(actionTookEffect('incident.ack', incident('a'))).toBe(false);
    expect(actionTookEffect('incident.close', undefined)).toBe(true);
    expect(actionTookEffect('incident.close', incident('a', { status: 'closed' }))).toBe(true);
    const t = (k: string) => `<${k}>`;
    expect(explainError('request incident.ack timed out after 10000 ms', t)).toBe('<errors.timeout>');
    expect(explainError('connection closed', t)).toBe('<errors.connection>');
    expect(explainError('no incident Z', t)).toBe('<errors.noIncident>');
    expect(explainError('something else', t)).toBe('something else');
  });
});

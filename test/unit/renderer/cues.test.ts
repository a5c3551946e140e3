// When the wall sounds (model/cues.ts): new open incidents and fresh escalations, most urgent
// first; a distinct tone per priority and for escalation.
import { describe, expect, it } from 'vitest';
import { cuesBetween, toneFor } from '../../../renderer/src/model/cues';
import { incident } from './fixtures';

const table = (...xs: ReturnType<typeof incident>[]) => new Map(xs.map((i) => [i.id, i]));

describe('cues', () => {
  it('sounds what is new and open, and what was just escalated, most urgent first; nothing for what it already held', () => {
    const before = table(incident('held', { priority: 1 }), incident('esc', { priority: 3 }));
    const after = table(
      incident('held', { priority: 1, title: 'updated' }),
      incident('esc', { priority: 3, escalatedAt: 5 }),
      incident('new-p2', { priority: 2 }),
      incident('new-closed', { priority: 1, status: 'closed', state: 'resolved' }),
    );
    expect(cuesBetween(before, after)).toEqual([
      { kind: 'new', priority: 2, incidentId: 'new-p2' },
      { kind: 'escalated', priority: 3, incidentId: 'esc' },
    ]);
    expect(cuesBetween(after, after)).toEqual([]);
  });

  it('an incident raised again by its source sounds again; one reopened by an operator does not', () => {
    const closed = table(incident('a', { status: 'closed', state: 'resolved' }), incident('b', { status: 'closed', state: 'false_alarm' }));
    const after = table(incident('a', { state: 'new' }), incident('b', { state: 'acknowledged', acknowledged: true }));
    expect(cuesBetween(closed, after).map((c) => c.incidentId)).toEqual(['a']);
  });

  it('gives each priority and escalation a sound of its own, more insistent the more urgent', () => {
    const tones = [1, 2, 3, 4].map((p) => toneFor({ kind: 'new', priority: p as 1 | 2 | 3 | 4 }));
    const esc = toneFor({ kind: 'escalated', priority: 3 });
    const keys = [...tones, esc].map((t) => JSON.stringify(t));
    expect(new Set(keys).size).toBe(5);
    for (let i = 1; i < 4; i++) {
      expect(tones[i].notes.length).toBeLessThanOrEqual(tones[i - 1].notes.length);
      expect(tones[i].gain).toBeLessThan(tones[i - 1].gain);
    }
    expect(new Set(esc.notes).size).toBe(2);
  });
});

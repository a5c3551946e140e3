// What POST /api/cases accepts, and the case's name on disk.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { caseIdOf, compactTime, instantOf, parseCaseRequest } from '../../../main/cases/case-request.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const T = Date.UTC(2026, 11, 5, 8, 30, 5, 123);

describe('parseCaseRequest', () => {
  it('takes an incident, or a period in ISO-8601 or epoch ms of at most 24 hours', () => {
    expect(parseCaseRequest({ incidentId: '110-20261205-0042' })).toEqual({ ok: true, value: { kind: 'incident', incidentId: '110-20261205-0042' } });
    expect(parseCaseRequest({ from: '2026-12-05T08:00:00Z', to: '2026-12-05T09:00:00+08:00' })).toEqual({ ok: false, error: 'to must be after from' });
    expect(parseCaseRequest({ from: '2026-12-05T08:00:00Z', to: String(Date.UTC(2026, 11, 5, 9)) })).toEqual({ ok: true, value: { kind: 'period', from: Date.UTC(2026, 11, 5, 8), to: Date.UTC(2026, 11, 5, 9) } });
    expect(parseCaseRequest({ from: T, to: T + 24 * 3_600_000 }).ok).toBe(true);
    expect(parseCaseRequest({ from: T, to: T + 24 * 3_600_000 + 1 })).toEqual({ ok: false, error: expect.stringContaining('at most 24 hours') });
  });

  it('says what to send for anything else', () => {
    for (const body of [{}, { incidentId: 3 }, { incidentId: 'x'.repeat(257) }, { from: 'noon', to: T }, { from: T }, { to: T }, { incidentId: 'a', to: T }, { from: T, to: T }, { from: -5, to: T }]) {
      const r = parseCaseRequest(body as Record<string, unknown>);
      expect(r.ok, JSON.stringify(body)).toBe(false);
    }
    expect(parseCaseRequest({})).toEqual({ ok: false, error: expect.stringMatching(/incidentId.*from.*to.*ISO-8601.*epoch milliseconds/) });
  });

  it('reads instants', () => {
    expect(instantOf('2026-12-05')).toBe(Date.UTC(2026, 11, 5));
    expect(instantOf('2026-12-05T16:30:05+08:00')).toBe(Date.UTC(2026, 11, 5, 8, 30, 5));
    expect(instantOf(' 1796458444620 ')).toBe(1796458444620);
    for (const bad of ['yesterday', '2026-13-45T99:00:00Z', 'NaN', '', '12abc', null, {}, Number.NaN]) expect(instantOf(bad), String(bad)).toBeNull();
  });
});

describe('caseIdOf', () => {
  it('names a case by its incident or its start, and when it was made', () => {
    expect(compactTime(T)).toBe('20261205T083005Z');
    expect(caseIdOf({ incidentId: '110-20261205-0042' }, T, sha)).toBe('case-110-20261205-0042-20261205T083005Z');
    expect(caseIdOf({ from: Date.UTC(2026, 11, 5, 8) }, T, sha)).toBe('case-20261205T080000Z-20261205T083005Z');
  });

  it('keeps a name safe on any file system, and apart from other ids that clean to the same', () => {
    const a = caseIdOf({ incidentId: '../../etc/passwd' }, T, sha);
    const b = caseIdOf({ incidentId: '..\\..\\etc\\passwd' }, T, sha);
    const c = caseIdOf({ incidentId: '万达广场警情' }, T, sha);
    for (const id of [a, b, c]) expect(id).toMatch(/^case-[A-Za-z0-9][A-Za-z0-9._-]*-20261205T083005Z$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('/');
    expect(c).toBe(`case-${sha('万达广场警情').slice(0, 8)}-20261205T083005Z`);
    expect(caseIdOf({ incidentId: 'x'.repeat(256) }, T, sha).length).toBeLessThan(120);
  });
});

// An operator action as a client asks for it, checked field by field; who acts comes from the services.
import { describe, expect, it } from 'vitest';
import { parseActionParams } from '../../../core/situation/action-params.js';

const id = () => 'generated';

describe('parseActionParams', () => {
  it('takes a well-formed action, trims its note, and names the operator the services know, never the client', () => {
    expect(parseActionParams({ id: 'A1', action: 'note', note: '  现场有监控 ', actionId: 'x1', by: 'forged', role: 'commander' }, { by: '张警官', role: 'dispatcher' }, id)).toEqual({
      ok: true,
      value: { id: 'x1', incidentId: 'A1', kind: 'note', note: '现场有监控', by: '张警官', role: 'dispatcher' },
    });
    expect(parseActionParams({ id: 'A1', action: 'merge', into: 'B1' }, {}, id)).toEqual({ ok: true, value: { id: 'generated', incidentId: 'A1', kind: 'merge', into: 'B1' } });
  });

  it('refuses what is malformed, saying which field', () => {
    const refused = (p: Record<string, unknown>) => {
      const r = parseActionParams(p, {}, id);
      return r.ok ? null : r.error;
    };
    expect(refused({ action: 'ack' })).toMatch(/^params.id/);
    expect(refused({ id: 'A1', action: 'explode' })).toMatch(/^params.action must be one of ack, dispatch/);
    expect(refused({ id: 'A1', action: 'note', note: 'x'.repeat(2001) })).toMatch(/^params.note/);
    expect(refused({ id: 'A1', action: 'note', note: 5 })).toMatch(/^params.note/);
    expect(refused({ id: 'A1', action: 'merge', into: '' })).toMatch(/^params.into/);
    expect(refused({ id: 'A1', action: 'ack', actionId: 'x'.repeat(129) })).toMatch(/^params.actionId/);
  });
});

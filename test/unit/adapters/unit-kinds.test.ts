// Unit kinds as a wall gives them: from the configuration, through the host's own context builder.
import { describe, expect, it } from 'vitest';
import { adaptContextFor, kindForUser } from '../../../core/adapters/context.js';
import { parseConfig } from '../../../core/config.js';

const contextOf = (json: unknown) => {
  const c = parseConfig(json);
  if (!c.ok) throw new Error(c.error);
  return adaptContextFor(c.value, () => undefined);
};

describe('unit kinds', () => {
  it('Traccar: vehicle categories are vehicles by default, everything else the adapter’s kind', () => {
    const ctx = contextOf({ adapters: { traccar: { enabled: true } } });
    expect(['car', 'truck', 'motorcycle'].map((c) => ctx.unitKindFor('traccar', c))).toEqual(['vehicle', 'vehicle', 'vehicle']);
    expect(['person', 'default', 'animal', undefined].map((c) => ctx.unitKindFor('traccar', c))).toEqual(['patrol', 'patrol', 'patrol', 'patrol']);
    // no adapter section at all: the same defaults
    expect(contextOf({}).unitKindFor('traccar', 'car')).toBe('vehicle');
    // a configured table replaces the defaults
    const custom = contextOf({ adapters: { traccar: { enabled: true, unitKind: 'volunteer', categoryKinds: { person: 'police' } } } });
    expect([custom.unitKindFor('traccar', 'person'), custom.unitKindFor('traccar', 'car')]).toEqual(['police', 'volunteer']);
    // an inherited property is not a category
    expect(custom.unitKindFor('traccar', 'constructor')).toBe('volunteer');
  });

  it('OwnTracks: exact users first, then the longest matching prefix*, then the adapter’s kind', () => {
    const kinds = { 'police*': 'police', 'police-car*': 'vehicle', 'lin': 'patrol' } as const;
    expect(kindForUser('police-007', kinds, 'volunteer')).toBe('police');
    expect(kindForUser('police-car-3', kinds, 'volunteer')).toBe('vehicle');
    expect(kindForUser('lin', kinds, 'volunteer')).toBe('patrol');
    expect(kindForUser('linda', kinds, 'volunteer')).toBe('volunteer');
    expect(kindForUser(undefined, kinds, 'volunteer')).toBe('volunteer');
    const ctx = contextOf({ adapters: { owntracks: { enabled: true, userKinds: kinds } } });
    expect(ctx.unitKindFor('owntracks', 'police-007')).toBe('police');
    expect(ctx.unitKindFor('owntracks', 'zhang')).toBe('volunteer');
  });

  it('refuses a kind that is not a unit kind in the configuration', () => {
    expect(parseConfig({ adapters: { traccar: { enabled: true, categoryKinds: { car: 'tank' } } } }).ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { type DisplayInfo, placeSlots, reconcileWindows, windowSlots } from '../../../main/electron/displays.js';
import { parseConfig } from '../../../core/config.js';

const d = (id: number, label: string, x = 0, width = 1920): DisplayInfo => ({ id, label, bounds: { x, y: 0, width, height: 1080 }, workArea: { x, y: 0, width, height: 1040 } });

function slotsOf(displays: unknown[]) {
  const c = parseConfig({ electron: { displays } });
  if (!c.ok) throw new Error(c.error);
  return windowSlots(c.value.electron.displays, false);
}

describe('which window goes on which display', () => {
  it('without configured displays: one window on the primary display, as before', () => {
    const slots = windowSlots([], true);
    expect(slots).toEqual([{ key: '', screen: null, roles: null, fullscreen: true, kiosk: false, match: null }]);
    expect(placeSlots([d(1, 'A'), d(2, 'B', 1920)], 2, slots)[0].display?.id).toBe(2);
    expect(placeSlots([d(1, 'A')], null, slots)[0].display?.id).toBe(1);
    expect(placeSlots([], null, slots)[0].display).toBeNull();
  });

  it('matches by id, label (any case) and place in the list, each display taken once, in configured order', () => {
    const slots = slotsOf([
      { match: { label: 'dell u3223qe' }, screen: 'left', roles: 'map+board' },
      { match: { id: 7 }, screen: 'right', roles: 'video' },
      { match: { index: 0 }, screen: 'first' },
      { match: { index: 0 }, screen: 'again' },
    ]);
    const placed = placeSlots([d(3, 'Dell U3223QE'), d(7, 'LG', 1920)], 3, slots);
    expect(placed.map((p) => [p.slot.screen, p.slot.roles, p.display?.id ?? null])).toEqual([
      ['left', 'map+board', 3],
      ['right', 'video', 7],
      // index 0 is display 3, already the left screen's
      ['first', null, null],
      ['again', null, null],
    ]);
  });

  it('needs every key a match names', () => {
    const slots = slotsOf([{ match: { id: 7, label: 'Other' }, screen: 'x' }]);
    expect(placeSlots([d(7, 'LG')], 7, slots)[0].display).toBeNull();
  });

  it('hides a window whose display went, and puts it back when the display returns', () => {
    const slots = slotsOf([{ match: { id: 1 }, screen: 'left' }, { match: { id: 2 }, screen: 'right' }]);
    const both = placeSlots([d(1, 'A'), d(2, 'B', 1920)], 1, slots);
    expect(reconcileWindows([], both).map((a) => [a.kind, a.kind === 'open' ? a.slot.key : a.key])).toEqual([['open', 'left'], ['open', 'right']]);
    const held = [
      { key: 'left', displayId: 1, bounds: d(1, 'A').bounds, visible: true },
      { key: 'right', displayId: 2, bounds: d(2, 'B', 1920).bounds, visible: true },
    ];
    expect(reconcileWindows(held, both)).toEqual([]);
    const unplugged = placeSlots([d(1, 'A')], 1, slots);
    expect(reconcileWindows(held, unplugged)).toEqual([{ kind: 'hide', key: 'right' }]);
    const hidden = [held[0], { ...held[1], visible: false }];
    expect(reconcileWindows(hidden, unplugged)).toEqual([]);
    // plugged back, somewhere else in the desktop: moved there and shown
    const back = placeSlots([d(1, 'A'), d(2, 'B', 3840)], 1, slots);
    expect(reconcileWindows(hidden, back)).toEqual([{ kind: 'move', key: 'right', display: d(2, 'B', 3840) }]);
  });

  it('moves a window whose display changed resolution', () => {
    const slots = slotsOf([{ match: { id: 1 }, screen: 'left' }]);
    const held = [{ key: 'left', displayId: 1, bounds: d(1, 'A').bounds, visible: true }];
    const bigger = d(1, 'A', 0, 3840);
    expect(reconcileWindows(held, placeSlots([bigger], 1, slots))).toEqual([{ kind: 'move', key: 'left', display: bigger }]);
  });

  it('opens no window for a display that is not there', () => {
    const slots = slotsOf([{ match: { label: 'Desk' }, screen: 'desk' }]);
    expect(reconcileWindows([], placeSlots([d(1, 'A')], 1, slots))).toEqual([]);
  });
});

describe('electron.displays in the configuration', () => {
  it('takes roles as ?display= text, with defaults', () => {
    const c = parseConfig({ electron: { displays: [{ match: { index: 1 }, screen: 'wall-2', roles: 'map+video' }], startOnLogin: true } });
    expect(c.ok && c.value.electron).toEqual({ displays: [{ match: { index: 1 }, screen: 'wall-2', roles: 'map+video', fullscreen: true, kiosk: false }], startOnLogin: true });
    const none = parseConfig({});
    expect(none.ok && none.value.electron).toEqual({ displays: [], startOnLogin: false });
  });

  it.each([
    [{ displays: [{ match: {}, screen: 'a' }] }, 'electron.displays.0.match: name the display by id, label or index'],
    [{ displays: [{ match: { id: 1 }, screen: 'a', roles: 'map+mapp' }] }, 'electron.displays.0.roles: unknown display role "mapp"'],
    [{ displays: [{ match: { id: 1 }, screen: 'a', roles: 'map+map' }] }, 'electron.displays.0.roles: display role "map" given twice'],
    [{ displays: [{ match: { id: 1 }, screen: 'a b' }] }, 'electron.displays.0.screen: must be 1-40 letters'],
    [{ displays: [{ match: { id: 1 }, screen: 'a' }, { match: { id: 2 }, screen: 'a' }] }, 'electron.displays.1.screen: screen "a" is named twice'],
    [{ displays: [{ match: { id: 1.5 }, screen: 'a' }] }, 'electron.displays.0.match.id'],
    [{ displays: 'left' }, 'electron.displays'],
    [{ startOnLogin: 'yes' }, 'electron.startOnLogin'],
    [{ windows: [] }, 'electron'],
  ])('refuses %j with a clear error', (electron, message) => {
    const c = parseConfig({ electron });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toContain(message);
  });
});

import { describe, expect, it } from 'vitest';
import { leaveToElement, newestOpen, shortcutFor } from '../../../renderer/src/ui/shortcuts';
import { incident } from './fixtures';

const none = { ctrl: false, alt: false, meta: false };

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor('j', none)).toEqual({ type: 'step', step: 1 });
    expect(shortcutFor('K', none)).toEqual({ type: 'step', step: -1 });
    expect(shortcutFor('ArrowDown', none)).toEqual({ type: 'step', step: 1 });
    expect(shortcutFor('Enter', none)).toEqual({ type: 'fly' });
    expect(shortcutFor('r', none)).toEqual({ type: 'rejects' });
    expect(shortcutFor('l', none)).toEqual({ type: 'language' });
    expect(shortcutFor('Escape', none)).toEqual({ type: 'escape' });
    expect(shortcutFor('1', none)).toEqual({ type: 'layer', index: 0 });
    expect(shortcutFor('5', none)).toEqual({ type: 'layer', index: 4 });
    expect(shortcutFor('/', none)).toEqual({ type: 'search' });
    expect(shortcutFor('m', none)).toEqual({ type: 'measure' });
    expect(shortcutFor('M', none)).toEqual({ type: 'measure' });
    expect(shortcutFor('o', none)).toEqual({ type: 'overview' });
    expect(shortcutFor('Home', none)).toEqual({ type: 'overview' });
    expect(shortcutFor('?', none)).toEqual({ type: 'help' });
  });

  it('maps the dispatch flow: newest, acknowledge, call volunteers, dispatched, on scene, resolve and undo, judge a clue', () => {
    expect(shortcutFor('n', none)).toEqual({ type: 'newest' });
    expect(shortcutFor('N', none)).toEqual({ type: 'newest' });
    expect(shortcutFor('a', none)).toEqual({ type: 'act', act: 'ack' });
    expect(shortcutFor('A', none)).toEqual({ type: 'act', act: 'ack' });
    expect(shortcutFor('b', none)).toEqual({ type: 'act', act: 'broadcast' });
    expect(shortcutFor('d', none)).toEqual({ type: 'act', act: 'dispatch' });
    expect(shortcutFor('s', none)).toEqual({ type: 'act', act: 'on_scene' });
    expect(shortcutFor('c', none)).toEqual({ type: 'act', act: 'close' });
    expect(shortcutFor('u', none)).toEqual({ type: 'undo' });
    expect(shortcutFor('v', none)).toEqual({ type: 'act', act: 'verify' });
    expect(shortcutFor('X', none)).toEqual({ type: 'act', act: 'reject' });
  });

  it('leaves other keys and modified keys to the browser', () => {
    expect(shortcutFor('6', none)).toBeNull();
    expect(shortcutFor('q', none)).toBeNull();
    expect(shortcutFor('F5', none)).toBeNull();
    expect(shortcutFor('r', { ...none, ctrl: true })).toBeNull();
    // Ctrl+C copies; it never resolves an incident
    expect(shortcutFor('c', { ...none, ctrl: true })).toBeNull();
    expect(shortcutFor('a', { ...none, meta: true })).toBeNull();
  });
});

describe('keys that belong to the focused element', () => {
  it('everything typed into a field or a list box; Enter and Space on a button press it', () => {
    expect(leaveToElement({ tagName: 'INPUT' }, 'a')).toBe(true);
    expect(leaveToElement({ tagName: 'TEXTAREA' }, 'Escape')).toBe(true);
    expect(leaveToElement({ tagName: 'SELECT' }, 'ArrowDown')).toBe(true);
    expect(leaveToElement({ tagName: 'DIV', isContentEditable: true }, 'j')).toBe(true);
    expect(leaveToElement({ tagName: 'BUTTON' }, 'Enter')).toBe(true);
    expect(leaveToElement({ tagName: 'BUTTON' }, ' ')).toBe(true);
    // other keys on a button are still the wall's: A acknowledges wherever the focus is
    expect(leaveToElement({ tagName: 'BUTTON' }, 'a')).toBe(false);
    expect(leaveToElement({ tagName: 'BUTTON' }, 'Escape')).toBe(false);
    expect(leaveToElement({ tagName: 'BODY' }, 'Enter')).toBe(false);
    expect(leaveToElement(null, 'Enter')).toBe(false);
  });
});

describe('the newest incident', () => {
  it('is the open one that arrived last, wherever the board puts it', () => {
    const incidents = [
      incident('old-p1', { priority: 1, firstSeen: 1_000 }),
      incident('new-p4', { priority: 4, firstSeen: 5_000 }),
      incident('closed', { firstSeen: 9_000, status: 'closed', state: 'resolved' }),
      incident('mid', { firstSeen: 3_000, acknowledged: true }),
    ];
    expect(newestOpen(incidents)).toBe('new-p4');
    expect(newestOpen([])).toBeNull();
    expect(newestOpen([incident('closed', { status: 'closed', state: 'resolved' })])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { shortcutFor } from '../../../renderer/src/ui/shortcuts';

const none = { ctrl: false, alt: false, meta: false };

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor('j', none)).toEqual({ type: 'step', step: 1 });
    expect(shortcutFor('K', none)).toEqual({ type: 'step', step: -1 });
    expect(shortcutFor('Enter', none)).toEqual({ type: 'fly' });
    expect(shortcutFor('a', none)).toEqual({ type: 'ack' });
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
  });
  it('leaves other keys and modified keys to the browser', () => {
    expect(shortcutFor('6', none)).toBeNull();
    expect(shortcutFor('x', none)).toBeNull();
    expect(shortcutFor('r', { ...none, ctrl: true })).toBeNull();
  });
});

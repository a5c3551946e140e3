// The duty room's presets file: good presets load in canonical form, each bad one is left out with
// its index and reason, and a file with nothing usable is an error (the wall then runs on the
// built-in presets); the saved layout comes back only when it still fits the presets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialLayout } from '../../../core/layout/policy.js';
import { BUILTIN_PRESETS, parsePresetsFile } from '../../../core/layout/presets.js';
import { restoreLayout, savedLayoutOf } from '../../../core/layout/saved.js';

const major = { id: 'major', name: '重大事件', screens: { left: { roles: 'map' }, center: { roles: ['video'], videoGrid: { cols: 3, rows: 2 } }, right: { roles: 'dispatch+board' } } };

describe('presets file', () => {
  it('loads presets with roles in canonical order, and the automatic preset', () => {
    const r = parsePresetsFile({ presets: [{ id: 'day', screens: {} }, major], autoOnP1: { preset: 'major', revert: 'operator' } });
    expect(r).toEqual({
      ok: true,
      value: {
        presets: [
          { id: 'day', screens: {} },
          { id: 'major', name: '重大事件', screens: { left: { roles: ['map'] }, center: { roles: ['video'], videoGrid: { cols: 3, rows: 2 } }, right: { roles: ['board', 'dispatch'] } } },
        ],
        autoOnP1: { preset: 'major', revert: 'operator' },
        problems: [],
      },
    });
    // revert defaults to on_close; no autoOnP1 means no automatic switching
    expect(parsePresetsFile({ presets: [major], autoOnP1: { preset: 'major' } })).toMatchObject({ ok: true, value: { autoOnP1: { preset: 'major', revert: 'on_close' } } });
    expect(parsePresetsFile({ presets: [major] })).toMatchObject({ ok: true, value: { autoOnP1: null } });
  });

  it('leaves out each bad preset with its index, id and reason, and loads the rest', () => {
    const r = parsePresetsFile({
      presets: [
        { id: 'a', screens: { left: { roles: 'maps' } } },
        { id: 'b c', screens: {} },
        { id: 'd', screens: { left: { roles: 'map', videoGrid: { cols: 2, rows: 2 } } } },
        { id: 'e', screens: { center: { roles: 'video', videoGrid: { cols: 9, rows: 1 } } } },
        'not an object',
        { id: 'ok', screens: { 'left wall': { roles: 'map' } } },
        { id: 'good', screens: {}, colour: 'red' },
        major,
        { ...major, name: 'again' },
      ],
      extra: 1,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.presets.map((p) => p.id)).toEqual(['major']);
    expect(r.value.problems).toEqual([
      'unknown key "extra" ignored',
      expect.stringMatching(/^presets\[0\] "a": screens\.left\.roles: unknown display role "maps"/),
      expect.stringMatching(/^presets\[1\] "b c": id: must be 1–64 letters/),
      'presets[2] "d": screens.left.videoGrid: videoGrid is for a screen with the video role',
      expect.stringMatching(/^presets\[3\] "e": screens\.center\.videoGrid\.cols: /),
      expect.stringMatching(/^presets\[4\]: /),
      expect.stringMatching(/^presets\[5\] "ok": screens\.left wall: a screen name must be/),
      expect.stringMatching(/^presets\[6\] "good": .*colour/),
      'presets[8] "major": the id is given twice (the first one is used)',
    ]);
  });

  it('turns automatic switching off, saying why, when autoOnP1 is malformed or names no preset', () => {
    const unknown = parsePresetsFile({ presets: [major], autoOnP1: { preset: 'night' } });
    expect(unknown).toMatchObject({ ok: true, value: { autoOnP1: null, problems: ['autoOnP1: no preset "night" (no automatic switching)'] } });
    const bad = parsePresetsFile({ presets: [major], autoOnP1: { preset: 'major', revert: 'never' } });
    expect(bad).toMatchObject({ ok: true, value: { autoOnP1: null, problems: [expect.stringMatching(/^autoOnP1: revert: .*\(no automatic switching\)$/)] } });
  });

  it('is an error, never a crash, when nothing usable is in the file', () => {
    for (const json of [null, 3, 'x', [], {}, { presets: {} }, { presets: [] }, { presets: [{ id: '' }] }]) {
      const r = parsePresetsFile(json);
      expect(r.ok, JSON.stringify(json)).toBe(false);
    }
    expect(parsePresetsFile({ presets: [] })).toEqual({ ok: false, error: 'no usable preset (the list is empty)' });
    expect(parsePresetsFile({ presets: [{ id: 'x', screens: { a: { roles: '' } } }] })).toEqual({ ok: false, error: expect.stringMatching(/^no usable preset: presets\[0\] "x": screens\.a\.roles: no display role given/) });
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const r = parsePresetsFile(json);
        expect(typeof (r.ok ? r.value.problems.join() : r.error)).toBe('string');
      }),
    );
  });

  it('has built-in presets that parse as a file would', () => {
    const r = parsePresetsFile(JSON.parse(JSON.stringify(BUILTIN_PRESETS)));
    expect(r).toEqual({ ok: true, value: { ...BUILTIN_PRESETS, problems: [] } });
  });
});

describe('saved layout', () => {
  const fresh = () => initialLayout(BUILTIN_PRESETS.presets, BUILTIN_PRESETS.autoOnP1, 1000);

  it('comes back as it was saved', () => {
    const m = fresh();
    const chosen = { ...m, layout: { ...m.layout, active: 'major', cause: 'operator' as const, by: '张伟', since: 2000 } };
    const back = restoreLayout(fresh(), JSON.parse(JSON.stringify(savedLayoutOf(chosen))));
    expect(back).toEqual({ ok: true, value: chosen });
  });

  it('is refused, so the fresh layout holds, when it is not a saved layout or names a preset gone since', () => {
    const saved = savedLayoutOf({ ...fresh(), layout: { ...fresh().layout, active: 'night', cause: 'operator', by: 'x' } });
    expect(restoreLayout(fresh(), saved)).toEqual({ ok: false, error: 'the saved preset "night" is not among the presets now' });
    expect(restoreLayout(fresh(), { format: 'other' })).toMatchObject({ ok: false, error: expect.stringMatching(/^not a saved layout/) });
    expect(restoreLayout(fresh(), null).ok).toBe(false);
  });
});

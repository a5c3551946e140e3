// The reference files a wall loads: the places registry among them, from the configuration or the
// demo's generated files; a bad file is reported in the errors (health's referenceErrors), never fatal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReference } from '../../../main/services/reference-files.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-places-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const config = (places: string | undefined, demo = false) => ({ reference: { places }, demo, mapDatum: 'WGS84' as const });
const noApp = '/nonexistent-app-root';

describe('loadReference: places', () => {
  it('loads the configured places file relative to the config folder, skipping bad entries with a note', () => {
    const dir = folder({
      'registry/places.json': JSON.stringify({
        places: [
          { id: 'wanda', name: '仓山万达广场', aliases: ['万达'], kind: 'mall', lat: 26.0425, lon: 119.2826 },
          { id: 'bad', name: '坏坐标', lat: 'north', lon: 119.3 },
          { name: '五一广场', lat: 26.077, lon: 119.3046, datum: 'GCJ02' },
        ],
      }),
    });
    const ref = loadReference(config('registry/places.json'), dir, noApp);
    expect(ref.places.map((p) => [p.id, p.name])).toEqual([
      ['wanda', '仓山万达广场'],
      ['#2', '五一广场'],
    ]);
    // converted to the map datum
    expect(ref.places[1].lon).not.toBe(119.3046);
    expect(ref.errors).toHaveLength(1);
    expect(ref.errors[0]).toContain(join(dir, 'registry/places.json'));
    expect(ref.errors[0]).toMatch(/skipped 1 entries \(first: #1 lat: /);
  });

  it('reports a places file that is missing, not JSON, or holds no list, and goes on without places', () => {
    const dir = folder({ 'broken.json': '{ "places": [ {"name": "万达"', 'wrong.json': '{ "cameras": [] }' });
    for (const [file, why] of [
      ['missing.json', /missing\.json: ENOENT/],
      ['broken.json', /broken\.json: .*JSON/],
      ['wrong.json', /wrong\.json: expected an array or an object with a "places" array/],
    ] as const) {
      const ref = loadReference(config(file), dir, noApp);
      expect(ref.places).toEqual([]);
      expect(ref.errors).toHaveLength(1);
      expect(ref.errors[0]).toMatch(why);
    }
  });

  it("uses the demo's places when the demo runs and none is configured, and none otherwise", () => {
    const app = folder({ 'assets/generated/demo/places.json': JSON.stringify([{ id: 'wanda', name: '仓山万达广场', lat: 26.0425, lon: 119.2826 }]) });
    expect(loadReference(config(undefined, true), app, app).places.map((p) => p.id)).toEqual(['wanda']);
    expect(loadReference(config(undefined, false), app, app).places).toEqual([]);
    // the demo's other files were never built here: nothing to report, as before
    expect(loadReference(config(undefined, true), app, app).errors).toEqual([]);
  });
});

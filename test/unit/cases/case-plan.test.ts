// A case exported from a wall page in steps (case-service.ts), on a recording made here: the plan
// names the key moments and holds the wall busy; each moment's situation is the recorded one; a
// picture arrives in base64 parts and is kept only as a PNG of a sensible size; the export with the
// plan's token writes the pictures beside the report, embeds them, lists them in the manifest and
// the check passes. Someone else's requests, a wrong token, parts out of order and a plan left idle
// are refused or given up, leaving nothing behind.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../core/auth/principal.js';
import { caseService } from '../../../main/cases/case-service.js';
import { verifyCase } from '../../../main/cases/manifest.js';
import { PICTURE_MAX_PARTS, PICTURE_PART_CHARS, pngSize, PictureAssembly } from '../../../main/cases/picture.js';
import { waitFor } from '../../helpers/host.js';
import { T0, MIN, recordedWall, removeRecordedWalls, viewer } from '../../helpers/case-wall.js';
import { encodePng } from '../../helpers/png.js';

afterEach(removeRecordedWalls);

const other: Principal = { name: '李强', role: 'viewer', via: 'session' };
/** a picture big enough to need several parts: noise does not compress */
const picture = (seed: number) => encodePng(160, 120, (x, y) => [(x * 7 + y * 13 + seed) % 256, (x * y + seed * 31) % 256, (x ^ y ^ seed) & 255, 255]);

/** Sends a PNG in parts as a page does; the last answer. */
function send(svc: ReturnType<typeof caseService>, token: string, index: number, png: Buffer, who = viewer) {
  const data = png.toString('base64');
  const parts = Math.ceil(data.length / PICTURE_PART_CHARS);
  let last: { index: number; complete: boolean } | null = null;
  for (let part = 0; part < parts; part++) last = svc.picture({ token, index, part, parts, data: data.slice(part * PICTURE_PART_CHARS, (part + 1) * PICTURE_PART_CHARS) }, who);
  return last;
}

const partials = (dataDir: string) => (existsSync(join(dataDir, 'cases')) ? readdirSync(join(dataDir, 'cases')).filter((n) => n.endsWith('.partial')) : []);

describe('a case exported in steps, with the wall page’s pictures', () => {
  it('plans the key moments, answers their situations, takes the pictures in parts and writes them beside and into the report', async () => {
    const w = await recordedWall();
    try {
      const svc = caseService(w.host);
      const plan = await svc.prepare({ incidentId: 'a1' }, viewer, '10.0.0.9');
      // a1: reported +3, acknowledged +4, dispatched +5, answered +5:30, arrived +7, resolved (and closed) +8
      expect(plan.moments.map((m) => [m.at - T0, m.kinds])).toEqual([
        [3 * MIN + 1, ['reported']],
        [5 * MIN + 1, ['dispatched']],
        [7 * MIN + 1, ['onScene']],
        [8 * MIN + 1, ['closed']],
      ]);
      expect(plan).toMatchObject({ caseId: expect.stringMatching(/^case-a1-/), from: T0 + MIN + 1, partChars: PICTURE_PART_CHARS });
      // one case at a time, also while a plan waits for its pictures
      await expect(svc.export({ incidentId: 'a1' }, viewer, undefined)).rejects.toThrow(/^busy: /);
      await expect(svc.prepare({ incidentId: 'a1' }, viewer, undefined)).rejects.toThrow(/^busy: /);

      // the recorded situation at each moment: the dispatch shows at the dispatch, the arrival at the arrival
      const atDispatch = await svc.moment({ token: plan.token, index: 1 }, viewer);
      expect(atDispatch.now).toBe(T0 + 5 * MIN + 1);
      expect(atDispatch.incidents.find((i) => i.id === 'a1')).toMatchObject({ state: 'dispatched' });
      const atArrival = await svc.moment({ token: plan.token, index: 2 }, viewer);
      expect(atArrival.incidents.find((i) => i.id === 'a1')?.responders[0]).toMatchObject({ unitId: 'u1', answer: 'arrived' });
      expect(atArrival.units.find((u) => u.id === 'u1')?.trail.length).toBeGreaterThan(1);
      // a closed incident leaves the map: its closing is the last instant it was on it
      const atClose = await svc.moment({ token: plan.token, index: 3 }, viewer);
      expect(atClose.now).toBe(T0 + 8 * MIN);
      expect(atClose.incidents.find((i) => i.id === 'a1')).toMatchObject({ status: 'open' });

      const first = picture(1);
      const third = picture(3);
      expect(first.toString('base64').length).toBeGreaterThan(PICTURE_PART_CHARS);
      expect(send(svc, plan.token, 0, first)).toEqual({ index: 0, complete: true });
      expect(send(svc, plan.token, 2, third)).toEqual({ index: 2, complete: true });

      const r = await svc.export({ token: plan.token }, viewer, undefined);
      const dir = join(w.dataDir, r.path.replace('<data>/', ''));
      expect(r.files.map((f) => f.name)).toEqual(['recording.mcap', 'audit.jsonl', 'timeline.csv', 'map-01-reported.png', 'map-03-onScene.png', 'report.html']);
      expect(readFileSync(join(dir, 'map-01-reported.png')).equals(first)).toBe(true);
      expect(readFileSync(join(dir, 'map-03-onScene.png')).equals(third)).toBe(true);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain(`<a href="map-01-reported.png"><img class="wall-map" src="data:image/png;base64,${first.toString('base64')}"`);
      expect(html).toContain(`src="data:image/png;base64,${third.toString('base64')}"`);
      // the dispatch and the close were not drawn: sketches, and a note saying so
      expect(html.match(/<figure class="sketch">/g)).toHaveLength(2);
      expect(r.notes.map((n) => n.en)).toContain("the wall rendered 2 of the 4 key moments' maps: the others are sketches drawn from coordinates");
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.counts).toMatchObject({ keyMoments: 4, mapPictures: 2 });
      expect((await verifyCase(dir)).ok).toBe(true);
      expect((await verifyCase(join(w.dataDir, r.zip.replace('<data>/', '')))).ok).toBe(true);
      expect(w.audited.at(-1)).toMatchObject({ what: 'case export', actor: viewer.name, from: '10.0.0.9', detail: { mapPictures: 2 } });
      // the plan is spent; the next case may be written
      await expect(svc.moment({ token: plan.token, index: 0 }, viewer)).rejects.toThrow(/^not_found: /);
      expect((await svc.export({ incidentId: 'a1' }, viewer, undefined)).files.some((f) => f.name.startsWith('map-'))).toBe(false);
      expect(partials(w.dataDir)).toEqual([]);
    } finally {
      w.close();
    }
  });

  it("refuses someone else's requests, a wrong token, a moment it does not have, and pictures that are not sensible PNGs", async () => {
    const w = await recordedWall();
    try {
      const svc = caseService(w.host);
      const plan = await svc.prepare({ from: T0 + 2 * MIN, to: T0 + 9 * MIN }, viewer, undefined);
      const token = plan.token;
      await expect(svc.moment({ token, index: 0 }, other)).rejects.toThrow(/^forbidden: /);
      expect(() => send(svc, token, 0, picture(1), other)).toThrow(/^forbidden: /);
      await expect(svc.export({ token }, other, undefined)).rejects.toThrow(/^forbidden: /);
      await expect(svc.moment({ token: 'f'.repeat(32), index: 0 }, viewer)).rejects.toThrow(/^not_found: /);
      await expect(svc.moment({ token: { $ne: 1 }, index: 0 }, viewer)).rejects.toThrow(/^invalid: /);
      await expect(svc.moment({ token, index: 99 }, viewer)).rejects.toThrow(/^invalid: index/);
      const bad = (p: Record<string, unknown>) => () => svc.picture({ token, index: 0, part: 0, parts: 1, ...p }, viewer);
      expect(bad({ index: plan.moments.length })).toThrow(/^invalid: index/);
      expect(bad({ data: 'not base64!' })).toThrow(/^invalid: data/);
      expect(bad({ data: 'A'.repeat(PICTURE_PART_CHARS + 4) })).toThrow(/^invalid: data/);
      expect(bad({ parts: 0 })).toThrow(/^invalid: parts/);
      expect(bad({ part: 1 })).toThrow(/^invalid: part/);
      expect(bad({ data: Buffer.from('GIF89a not a png at all, not at all').toString('base64') })).toThrow(/^invalid: not a PNG/);
      expect(bad({ data: encodePng(8, 8, () => [0, 0, 0]).toString('base64') })).toThrow(/^invalid: a picture is 16 to 4096 pixels a side, not 8×8/);
      // parts out of order: refused, and the picture starts over at part 0
      const data = picture(2).toString('base64');
      const parts = Math.ceil(data.length / PICTURE_PART_CHARS);
      expect(() => svc.picture({ token, index: 0, part: 1, parts, data: data.slice(PICTURE_PART_CHARS, 2 * PICTURE_PART_CHARS) }, viewer)).toThrow(/^invalid: part 1 of \d+ out of order/);
      expect(send(svc, token, 0, picture(2))).toEqual({ index: 0, complete: true });
      // nothing refused was kept: one picture
      const r = await svc.export({ token }, viewer, undefined);
      expect(r.files.filter((f) => f.name.startsWith('map-'))).toHaveLength(1);
    } finally {
      w.close();
    }
  });

  it('gives up a plan abandoned or left idle, leaving nothing behind and the wall free for the next case', async () => {
    const w = await recordedWall();
    try {
      const svc = caseService(w.host, { planIdleMs: 150 });
      const plan = await svc.prepare({ incidentId: 'a1' }, viewer, undefined);
      expect(partials(w.dataDir)).toHaveLength(1);
      await expect(svc.abandon({ token: plan.token }, viewer)).resolves.toEqual({ abandoned: true });
      expect(partials(w.dataDir)).toEqual([]);
      const idle = await svc.prepare({ incidentId: 'a1' }, viewer, undefined);
      expect(send(svc, idle.token, 0, picture(5))).toEqual({ index: 0, complete: true });
      // nobody comes back: the plan goes, its folder with it
      await waitFor(() => partials(w.dataDir).length === 0, 5000, 'the idle plan to be given up');
      await expect(svc.export({ token: idle.token }, viewer, undefined)).rejects.toThrow(/^not_found: /);
      const next = await svc.export({ incidentId: 'a1' }, viewer, undefined);
      expect(next.caseId).toMatch(/^case-a1-/);
      expect(readdirSync(join(w.dataDir, 'cases')).filter((n) => !n.startsWith('.')).sort()).toEqual([next.caseId, `${next.caseId}.zip`]);
    } finally {
      w.close();
    }
  });
});

describe('picture checks', () => {
  it('reads a PNG’s size from its header and refuses what is not one', () => {
    expect(pngSize(encodePng(1280, 20, () => [1, 2, 3]))).toEqual({ ok: true, value: { width: 1280, height: 20 } });
    expect(pngSize(new Uint8Array(10)).ok).toBe(false);
    const png = encodePng(20, 20, () => [1, 2, 3]);
    png.write('IHDX', 12, 'latin1');
    expect(pngSize(png)).toEqual({ ok: false, error: 'not a PNG (no IHDR header first)' });
    expect(pngSize(encodePng(5000, 16, () => [0, 0, 0])).ok).toBe(false);
  });

  it('refuses a picture grown past its limit, part by part', () => {
    const a = new PictureAssembly();
    const chunk = 'A'.repeat(PICTURE_PART_CHARS);
    const parts = PICTURE_MAX_PARTS;
    let r: ReturnType<PictureAssembly['add']> = { ok: true, value: null };
    for (let part = 0; part < parts && r.ok; part++) r = a.add({ index: 0, part, parts, data: chunk });
    expect(r).toEqual({ ok: false, error: 'a picture is at most 8388608 bytes' });
  });
});

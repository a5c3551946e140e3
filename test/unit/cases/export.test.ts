// Case export on a recording made here (no web shell): the period of an incident (2 minutes before
// it started to 2 minutes after it closed), the MCAP slice holding exactly the journal's inputs of
// that period under their own numbers and a snapshot at its start, the period of a time range with
// only the incidents open in it, photos under /media/ inlined and nothing outside that folder,
// the audit (its lines and the export's own entry), one export at a time (409), and the answers
// for an unknown incident, a period outside the recording and a wall without a recording.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply } from '../../../core/situation/situation.js';
import { exportCase } from '../../../main/cases/export.js';
import { verifyCase } from '../../../main/cases/manifest.js';
import { readInputs, readLastSnapshot } from '../../../main/journal/journal-read.js';
import { Recording } from '../../../main/journal/recording.js';
import type { Host } from '../../../main/services/host.js';
import { END, fresh, JPEG, MIN, recordedWall, removeRecordedWalls, SECRET, T0, viewer } from '../../helpers/case-wall.js';

afterEach(removeRecordedWalls);
const wall = recordedWall;

describe('exportCase', () => {
  it("an incident's case runs from 2 minutes before it started to 2 minutes after it closed, and its slice holds exactly the journal's inputs of that time", async () => {
    const w = await wall();
    try {
      const r = await exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END, mediaDir: w.media, remote: '10.0.0.9' });
      expect(r.ok, JSON.stringify(!r.ok && r.error)).toBe(true);
      if (!r.ok) return;
      const m = r.value.manifest;
      const started = T0 + 3 * MIN + 1;
      const closed = T0 + 8 * MIN + 1;
      expect(m.period).toEqual({ from: new Date(started - 2 * MIN).toISOString(), to: new Date(closed + 2 * MIN).toISOString(), fromMs: started - 2 * MIN, toMs: closed + 2 * MIN });
      expect(m.caseId).toMatch(/^case-a1-20261205T075200Z$/);
      expect(r.value.shown).toEqual({ path: `<data>/cases/${m.caseId}`, zip: `<data>/cases/${m.caseId}.zip` });
      expect(statSync(r.value.dir).mode & 0o777).toBe(0o700);

      // the journal's own inputs of the period, under the same numbers (closed now, so its file has its summary)
      w.journal.close();
      const journalFiles = w.journal.recordings().map((e) => join(w.dataDir, 'journal', e.file));
      const all = await readInputs(journalFiles, { afterN: -1 });
      const expected = all.filter(({ input }) => input.at > m.period.fromMs && input.at <= m.period.toMs);
      const slice = join(r.value.dir, 'recording.mcap');
      const snap = await readLastSnapshot([slice]);
      const first = await readLastSnapshot([slice], m.period.fromMs);
      expect(first!.snapshot).toMatchObject({ at: m.period.fromMs, n: all.filter(({ input }) => input.at <= m.period.fromMs).at(-1)!.n });
      expect(snap!.snapshot.at).toBeGreaterThan(first!.snapshot.at); // and more every snapshotEveryMs
      const got = await readInputs([slice], { afterN: first!.snapshot.n });
      expect(got).toEqual(expected);
      expect(m.counts).toMatchObject({ inputs: expected.length });

      // the snapshot at the start is the wall's situation then
      const then = fresh();
      const rec = new Recording(w.journal, join(w.dataDir, 'journal'), fresh);
      const at = await rec.situationAt(m.period.fromMs);
      expect(at.ok).toBe(true);
      if (at.ok) expect(first!.snapshot.situation).toEqual(checkpointOf(at.value, { trails: true }));
      expect(restoreCheckpoint(then, first!.snapshot.situation).ok).toBe(true);
      for (const { input } of got) apply(then, input);
      expect(then.incidents.get('a1')).toMatchObject({ state: 'resolved', acknowledgedBy: '张伟' });
      // a2 came after: not in this case
      expect(then.incidents.has('a2')).toBe(false);

      // the report: the photo under /media/ inlined, nothing from outside that folder, links only for http(s)
      const html = readFileSync(join(r.value.dir, 'report.html'), 'utf8');
      expect(html).toContain(`src="data:image/jpeg;base64,${JPEG.toString('base64')}"`);
      expect(html).not.toContain(SECRET.toString('base64'));
      expect(html).toContain('leaves the media folder');
      expect(html).toContain('<a href="https://media.example.org/x.jpg"');
      expect(html).not.toContain('href="javascript:');
      expect(html).toContain('志愿者 老陈');
      expect(html).toMatch(/<polyline/);

      // the audit lines of the period, and the export's own entry
      const lines = readFileSync(join(r.value.dir, 'audit.jsonl'), 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).what)).toEqual(['ack', 'dispatch', 'resolve']);
      expect(w.audited.at(-1)).toMatchObject({ kind: 'action', actor: '王芳', role: 'viewer', via: 'session', incidentId: 'a1', what: 'case export', from: '10.0.0.9', detail: { caseId: m.caseId, manifestSha256: r.value.manifestSha256 } });

      expect((await verifyCase(r.value.dir)).ok).toBe(true);
      expect((await verifyCase(r.value.zip)).ok).toBe(true);
    } finally {
      w.close();
    }
  });

  it('a period holds the incidents open in it (not one closed before it), and says where it was cut to the recording', async () => {
    const w = await wall();
    try {
      const r = await exportCase(w.host, { kind: 'period', from: T0 + 10.5 * MIN, to: T0 + 11.5 * MIN }, viewer, { now: () => END });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const csv = readFileSync(join(r.value.dir, 'timeline.csv'), 'utf8');
      expect([...new Set(csv.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(',')[0]))]).toEqual(['a2']);
      expect(r.value.manifest.caseId).toBe('case-20261205T075030Z-20261205T075200Z');
      expect(r.value.manifest.notes).toBeUndefined();

      const early = await exportCase(w.host, { kind: 'period', from: T0 - 10 * MIN, to: T0 + MIN }, viewer, { now: () => END });
      expect(early.ok).toBe(true);
      if (early.ok) {
        expect(early.value.manifest.period.fromMs).toBe(T0);
        expect(early.value.manifest.notes).toEqual([expect.stringContaining('the recording begins at 2026-12-05T07:40:00.000Z')]);
      }
    } finally {
      w.close();
    }
  });

  it('exports one case at a time (409), and answers 404 for what it cannot find', async () => {
    const w = await wall();
    try {
      const [a, b] = await Promise.all([exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END }), exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END })]);
      expect(a.ok).toBe(true);
      expect(b).toEqual({ ok: false, error: { status: 409, error: expect.stringMatching(/being written/) } });
      // a second export of the same incident in the same second gets a name of its own
      const c = await exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END });
      expect(c.ok && c.value.manifest.caseId).toBe('case-a1-20261205T075200Z-2');

      const unknown = await exportCase(w.host, { kind: 'incident', incidentId: 'nope' }, viewer, { now: () => END });
      expect(unknown).toEqual({ ok: false, error: { status: 404, error: expect.stringMatching(/^no incident nope on the wall or in the recording \(the recording holds 2026-12-05T07:40:00.000Z to /) } });
      const outside = await exportCase(w.host, { kind: 'period', from: T0 - 60 * MIN, to: T0 - 30 * MIN }, viewer, { now: () => END });
      expect(outside.ok === false && outside.error.status).toBe(404);
      const none = await exportCase({ ...w.host, journal: null, recording: null } as unknown as Host, { kind: 'incident', incidentId: 'a1' }, viewer);
      expect(none).toEqual({ ok: false, error: { status: 404, error: expect.stringMatching(/^no recording/) } });
      expect(readdirSync(join(w.dataDir, 'cases')).filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      w.close();
    }
  });

  it('answers 500 with why when the case cannot be written, the path shown relative to the data folder', async () => {
    const w = await wall();
    try {
      writeFileSync(join(w.dataDir, 'cases'), 'a file where the cases folder should be');
      const r = await exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END });
      expect(r).toEqual({ ok: false, error: { status: 500, error: expect.stringMatching(/^the case could not be written: .*<data>\/cases/) } });
      expect(JSON.stringify(r)).not.toContain(w.dataDir);
      expect(w.audited.filter((e) => e.what === 'case export')).toEqual([]);
    } finally {
      w.close();
    }
  });

  it('without an audit log: an empty audit.jsonl and a note saying why', async () => {
    const w = await wall({ audit: false });
    try {
      const r = await exportCase(w.host, { kind: 'incident', incidentId: 'a1' }, viewer, { now: () => END });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(readFileSync(join(r.value.dir, 'audit.jsonl'), 'utf8')).toBe('');
      expect(r.value.manifest.notes).toEqual([expect.stringMatching(/no audit log/)]);
      expect(readFileSync(join(r.value.dir, 'report.html'), 'utf8')).toContain('本平台未保存审计日志');
    } finally {
      w.close();
    }
  });
});

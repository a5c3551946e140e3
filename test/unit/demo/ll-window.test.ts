import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completedCount, loopSegment } from '../../../core/demo/video/live-window.js';
import {
  type LlClip,
  type PartSpec,
  advancePartLimit,
  blockingReload,
  groupParts,
  llWindow,
  parseLlPlaylist,
  parseReloadQuery,
  partsOf,
  renderLlPlaylist,
  renderLlVod,
} from '../../../core/demo/video/ll-window.js';

const pad = (i: number) => String(i).padStart(3, '0');

/** An LL clip from part durations per segment: [[400,400,...], ...]. */
function llClip(partTargetMs: number, ...segs: number[][]): LlClip {
  let n = 0;
  return {
    partTargetMs,
    segments: segs.map((parts, i) => ({
      uri: `seg_${pad(i)}.ts`,
      durationMs: parts.reduce((a, b) => a + b, 0),
      parts: parts.map((durationMs) => ({ uri: `part_${pad(n++)}.ts`, durationMs })),
    })),
  };
}

// 2 s, 2 s, 1 s segments of 0.4 s parts (the last one 0.4 + 0.4 + 0.2): a 5 s cycle, like make-video's
const FIVE = [400, 400, 400, 400, 400];
const C = llClip(400, FIVE, FIVE, [400, 400, 200]);
const T0 = Date.parse('2024-05-01T00:00:00Z');
const uris = { segmentUri: (s: { uri: string }) => `seg/v0/${s.uri}`, partUri: (p: { uri: string }) => `seg/v0/${p.uri}` };

const arbClip = fc
  .array(fc.array(fc.integer({ min: 100, max: 500 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 })
  .map((segs) => llClip(500, ...segs));

describe('LL parts on the loop', () => {
  it('gives each part its wall-clock span inside its segment', () => {
    const ps = partsOf(C, T0, 7); // cycle 2 (10 s), clip segment 1 → starts at 12 s
    expect(ps.map((p) => [p.msn, p.index, p.uri, p.startMs - T0, p.endMs - T0])).toEqual([
      [7, 0, 'part_005.ts', 12_000, 12_400],
      [7, 1, 'part_006.ts', 12_400, 12_800],
      [7, 2, 'part_007.ts', 12_800, 13_200],
      [7, 3, 'part_008.ts', 13_200, 13_600],
      [7, 4, 'part_009.ts', 13_600, 14_000],
    ]);
  });

  it('lists the parts finished so far of the segment in progress, and hints the next one', () => {
    // at 12.9 s: segments 0..6 complete (12 s), segment 7 has parts 0 and 1 finished
    const w = llWindow(C, T0, T0 + 12_900, 4);
    expect(w.segments.map((s) => s.seq)).toEqual([3, 4, 5, 6]);
    expect(w.current.segment.seq).toBe(7);
    expect(w.current.parts.map((p) => p.index)).toEqual([0, 1]);
    expect([w.preloadHint.msn, w.preloadHint.index]).toEqual([7, 2]);
    // on the boundary: a part exists from its end on
    expect(llWindow(C, T0, T0 + 12_800, 4).current.parts).toHaveLength(2);
    expect(llWindow(C, T0, T0 + 12_799, 4).current.parts).toHaveLength(1);
  });

  it('at a segment boundary hints part 0 of the segment that just began', () => {
    const w = llWindow(C, T0, T0 + 12_000, 4);
    expect(w.segments[w.segments.length - 1].seq).toBe(6);
    expect(w.current.segment.seq).toBe(7);
    expect(w.current.parts).toEqual([]);
    expect([w.preloadHint.msn, w.preloadHint.index]).toEqual([7, 0]);
    const text = renderLlPlaylist(w, uris);
    expect(text).toMatch(/seg\/v0\/seg_000\.ts\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg\/v0\/part_005\.ts"\n$/);
  });

  it('keeps parts only for segments within three target durations of the newest part', () => {
    const w = llWindow(C, T0, T0 + 12_900, 4); // edge 12.8 s, keep segments ending after 6.8 s
    // segment 3 runs 5–7 s: it ends after 6.8 s and keeps its parts
    expect(w.segments.map((s) => [s.seq, s.parts?.length ?? null])).toEqual([
      [3, 5],
      [4, 5],
      [5, 3],
      [6, 5],
    ]);
    const later = llWindow(C, T0, T0 + 13_700, 4); // edge 13.6 s, keep segments ending after 7.6 s
    expect(later.segments.map((s) => s.parts?.length ?? null)).toEqual([null, 5, 3, 5]);
  });

  it('renders the LL-HLS tags hls.js looks for, in order', () => {
    const w = llWindow(C, T0, T0 + 12_900, 4);
    const text = renderLlPlaylist(w, uris);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.2',
      '#EXT-X-PART-INF:PART-TARGET=0.4',
      '#EXT-X-MEDIA-SEQUENCE:3',
      '#EXT-X-DISCONTINUITY-SEQUENCE:1',
      '#EXT-X-INDEPENDENT-SEGMENTS',
    ]);
    // the wrap into cycle 2 (segment 6 = clip segment 0) carries its discontinuity
    expect(text).toContain(
      '#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T00:00:10.000Z\n#EXT-X-PART:DURATION=0.400,URI="seg/v0/part_000.ts",INDEPENDENT=YES\n',
    );
    // the segment in progress: its date, its two finished parts, then the hint
    expect(lines.slice(-4)).toEqual([
      '#EXT-X-PROGRAM-DATE-TIME:2024-05-01T00:00:12.000Z',
      '#EXT-X-PART:DURATION=0.400,URI="seg/v0/part_005.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.400,URI="seg/v0/part_006.ts",INDEPENDENT=YES',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg/v0/part_007.ts"',
    ]);
    expect(text).not.toContain('ENDLIST');
    // every listed part of a complete segment comes before its EXTINF
    expect(text).toContain('URI="seg/v0/part_012.ts",INDEPENDENT=YES\n#EXTINF:1.000,\nseg/v0/seg_002.ts\n');
  });

  it('tags a wrap in progress and keeps the header right when nothing is complete yet', () => {
    // at 10.5 s segment 6 (a wrap) has one part
    const w = llWindow(C, T0, T0 + 10_500, 4);
    expect(renderLlPlaylist(w, uris)).toMatch(/#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T00:00:10\.000Z\n#EXT-X-PART:[^\n]*part_000\.ts[^\n]*\n#EXT-X-PRELOAD-HINT/);
    const early = llWindow(C, T0, T0 + 500, 4);
    expect(early.segments).toEqual([]);
    expect(early.mediaSequence).toBe(0);
    expect(early.current.parts.map((p) => p.uri)).toEqual(['part_000.ts']);
    expect(renderLlPlaylist(early, uris)).not.toContain('#EXT-X-DISCONTINUITY\n');
  });

  it('property: the playlist edge is now, to within a part, and parts tile their segments', () => {
    fc.assert(
      fc.property(arbClip, fc.integer({ min: 0, max: 10_000_000 }), (clip, dt) => {
        const now = T0 + dt;
        const w = llWindow(clip, T0, now, 3);
        const listed = [...w.segments.flatMap((s) => s.parts ?? []), ...w.current.parts];
        const edge = listed.length > 0 ? listed[listed.length - 1].endMs : w.current.segment.startMs;
        expect(edge).toBeLessThanOrEqual(now);
        expect(now - edge).toBeLessThan(clip.partTargetMs);
        expect(w.preloadHint.startMs).toBe(edge);
        for (const s of w.segments) {
          if (!s.parts) continue;
          expect(s.parts[0].startMs).toBe(s.startMs);
          expect(s.parts[s.parts.length - 1].endMs).toBe(s.startMs + s.durationMs);
        }
        // once a segment's parts stop being listed, no earlier segment lists them
        const firstWithParts = w.segments.findIndex((s) => s.parts !== null);
        if (firstWithParts >= 0) expect(w.segments.slice(firstWithParts).every((s) => s.parts !== null)).toBe(true);
      }),
    );
  });
});

describe('blocking playlist reload', () => {
  // at 12.9 s: last complete segment 6, segment 7 has parts 0, 1; part 2 ends at 13.2 s
  const now = T0 + 12_900;

  it('answers at once what the playlist already holds', () => {
    expect(blockingReload(C, T0, now, { msn: 6, part: null })).toEqual({ kind: 'ready' });
    expect(blockingReload(C, T0, now, { msn: 7, part: 1 })).toEqual({ kind: 'ready' });
    expect(blockingReload(C, T0, now, { msn: 2, part: 0 })).toEqual({ kind: 'ready' });
  });

  it('holds a request for the next part until that part ends', () => {
    expect(blockingReload(C, T0, now, { msn: 7, part: 2 })).toEqual({ kind: 'hold', untilMs: T0 + 13_200 });
    expect(blockingReload(C, T0, T0 + 13_199, { msn: 7, part: 2 })).toEqual({ kind: 'hold', untilMs: T0 + 13_200 });
    expect(blockingReload(C, T0, T0 + 13_200, { msn: 7, part: 2 })).toEqual({ kind: 'ready' });
  });

  it('holds a segment request until the whole segment is there', () => {
    expect(blockingReload(C, T0, now, { msn: 7, part: null })).toEqual({ kind: 'hold', untilMs: T0 + 14_000 });
    // segment 8 is the clip's 1 s one, 14–15 s
    expect(blockingReload(C, T0, now, { msn: 8, part: null })).toEqual({ kind: 'hold', untilMs: T0 + 15_000 });
  });

  it('reads a part index past the end of a segment as part 0 of the next', () => {
    // segment 8 (14–15 s) has three parts; "part 3" is part 0 of segment 9, 15–15.4 s
    expect(blockingReload(C, T0, T0 + 14_900, { msn: 8, part: 3 })).toEqual({ kind: 'hold', untilMs: T0 + 15_400 });
    expect(blockingReload(C, T0, T0 + 17_000, { msn: 6, part: 9 })).toEqual({ kind: 'ready' });
  });

  it('refuses what is more than two segments or the Advance Part Limit ahead', () => {
    expect(advancePartLimit(C)).toBe(7.5);
    // at 12.9 s the newest complete segment is 6: msn 8 may wait, msn 9 may not
    expect(blockingReload(C, T0, now, { msn: 8, part: null }).kind).toBe('hold');
    expect(blockingReload(C, T0, now, { msn: 9, part: null })).toMatchObject({ kind: 'bad' });
    expect(blockingReload(C, T0, now, { msn: 9, part: 0 })).toMatchObject({ kind: 'bad' });
    expect(blockingReload(C, T0, now, { msn: 1_000_000, part: 0 })).toMatchObject({ kind: 'bad' });
    // at 10.9 s parts 6.0 and 6.1 exist; 6.2 6.3 6.4 7.0 7.1 7.2 7.3 are the next 7, 7.4 the 8th
    const t = T0 + 10_900;
    expect(blockingReload(C, T0, t, { msn: 7, part: 3 })).toEqual({ kind: 'hold', untilMs: T0 + 13_600 });
    expect(blockingReload(C, T0, t, { msn: 7, part: 4 })).toMatchObject({ kind: 'bad' });
    expect(blockingReload(C, T0, t, { msn: 7, part: null })).toEqual({ kind: 'hold', untilMs: T0 + 14_000 });
  });

  it('property: a held request becomes ready exactly when it is due, and never waits past the part after the next segment', () => {
    fc.assert(
      fc.property(arbClip, fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: -3, max: 3 }), fc.option(fc.integer({ min: 0, max: 7 }), { nil: null }), (clip, dt, dMsn, part) => {
        const now = T0 + dt;
        const msn = Math.max(0, completedCount(clip, T0, now) + dMsn);
        const d = blockingReload(clip, T0, now, { msn, part });
        if (d.kind !== 'hold') return;
        expect(d.untilMs).toBeGreaterThan(now);
        expect(blockingReload(clip, T0, d.untilMs - 1, { msn, part }).kind).toBe('hold');
        expect(blockingReload(clip, T0, d.untilMs, { msn, part })).toEqual({ kind: 'ready' });
        const done = completedCount(clip, T0, now);
        expect(d.untilMs).toBeLessThanOrEqual(loopSegment(clip, T0, done + 2).startMs + clip.partTargetMs);
      }),
    );
  });

  it('parses the delivery directives', () => {
    expect(parseReloadQuery(null, null)).toBeNull();
    expect(parseReloadQuery('12', null)).toEqual({ msn: 12, part: null });
    expect(parseReloadQuery('12', '3')).toEqual({ msn: 12, part: 3 });
    expect(parseReloadQuery(null, '3')).toEqual({ error: '_HLS_part without _HLS_msn' });
    for (const bad of ['', '-1', '1.5', 'x', '1e3', '12345678901']) expect(parseReloadQuery(bad, null)).toHaveProperty('error');
    expect(parseReloadQuery('1', 'two')).toHaveProperty('error');
  });
});

describe('the LL clip on disk', () => {
  it('groups parts into segments of the segment duration, the rest in a short last one', () => {
    const parts: PartSpec[] = Array.from({ length: 13 }, (_, i) => ({ uri: `part_${pad(i)}.ts`, durationMs: i === 12 ? 200 : 400 }));
    const segs = groupParts(parts, 2000, (i) => `seg_${pad(i)}.ts`);
    expect(segs.map((s) => [s.uri, s.durationMs, s.parts.length])).toEqual([
      ['seg_000.ts', 2000, 5],
      ['seg_001.ts', 2000, 5],
      ['seg_002.ts', 1000, 3],
    ]);
    // durations rounded from ffmpeg's seconds may fall a millisecond short
    expect(groupParts([399, 400, 400, 400, 400].map((d, i) => ({ uri: `p${i}.ts`, durationMs: d })), 2000, String).map((s) => s.durationMs)).toEqual([1999]);
  });

  it('round-trips through the LL VOD playlist', () => {
    const text = renderLlVod(C);
    expect(text).toContain('#EXT-X-PART-INF:PART-TARGET=0.4\n');
    expect(text).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(parseLlPlaylist(text)).toEqual(C);
  });

  it('rejects playlists whose parts do not add up or are missing', () => {
    expect(parseLlPlaylist('#EXTM3U\n#EXTINF:2.000,\nseg_000.ts\n')).toBeNull(); // no parts, no PART-INF
    const text = renderLlVod(C);
    expect(parseLlPlaylist(text.replace('#EXTINF:1.000,', '#EXTINF:1.200,'))).toBeNull();
    expect(parseLlPlaylist(text.replace('PART-TARGET=0.4', 'PART-TARGET=0.3'))).toBeNull();
    expect(parseLlPlaylist(text.replace('DURATION=0.200', 'DURATION=abc'))).toBeNull();
  });
});

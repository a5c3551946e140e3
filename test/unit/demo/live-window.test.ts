import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Clip,
  completedCount,
  cycleMs,
  fnv1a,
  liveWindow,
  loopSegment,
  parseMediaPlaylist,
  renderPlaylist,
  segmentIndexAt,
  targetDurationOf,
  variantFor,
  vodWindow,
} from '../../../core/demo/video/live-window.js';

const clip = (...ms: number[]): Clip => ({
  segments: ms.map((durationMs, i) => ({ uri: `seg_${String(i).padStart(3, '0')}.ts`, durationMs })),
});

// 4 segments: 2 s, 2 s, 2 s, 1 s -> 7 s cycle.
const C = clip(2000, 2000, 2000, 1000);
const T0 = Date.parse('2024-05-01T00:00:00Z');

const arbClip = fc
  .array(fc.integer({ min: 200, max: 6000 }), { minLength: 1, maxLength: 12 })
  .map((ms) => clip(...ms));

describe('live window', () => {
  it('is empty until the first segment completes', () => {
    expect(liveWindow(C, T0, T0 - 5000, 4).segments).toEqual([]);
    expect(liveWindow(C, T0, T0 + 1999, 4).segments).toEqual([]);
    const w = liveWindow(C, T0, T0 + 2000, 4);
    expect(w.segments.map((s) => s.seq)).toEqual([0]);
    expect(w.mediaSequence).toBe(0);
    expect(w.discontinuitySequence).toBe(0);
  });

  it('advances the media sequence with time', () => {
    const a = liveWindow(C, T0, T0 + 20_000, 4);
    const b = liveWindow(C, T0, T0 + 22_100, 4);
    expect(b.mediaSequence).toBeGreaterThan(a.mediaSequence);
    expect(a.segments).toHaveLength(4);
  });

  it('wraps with a discontinuity and a correct discontinuity sequence', () => {
    // cycle 7 s; at t = 16 s complete segments: 0..3 (7 s), 4..7 (14 s), 8 (16 s) -> 9 done
    const w = liveWindow(C, T0, T0 + 16_000, 4);
    expect(w.segments.map((s) => [s.seq, s.clipIndex, s.discontinuity])).toEqual([
      [5, 1, false],
      [6, 2, false],
      [7, 3, false],
      [8, 0, true],
    ]);
    expect(w.discontinuitySequence).toBe(1);
    expect(w.segments.map((s) => s.discontinuitySeq)).toEqual([1, 1, 1, 2]);
    expect(w.segments[3].startMs).toBe(T0 + 14_000);
    // A window that starts on a wrap does not tag its first segment; the header carries it.
    const w2 = liveWindow(C, T0, T0 + 21_000, 4); // done = 12 -> 8..11
    expect(w2.segments[0].seq).toBe(8);
    expect(w2.segments[0].discontinuity).toBe(false);
    expect(w2.discontinuitySequence).toBe(2);
  });

  it('renders a live playlist without ENDLIST and a VOD one with it', () => {
    const w = liveWindow(C, T0, T0 + 16_000, 4);
    const text = renderPlaylist(w, { uri: (s) => `../seg/v0/${s.uri}?cam=C1` });
    expect(text).toContain('#EXT-X-VERSION:3');
    expect(text).toContain('#EXT-X-TARGETDURATION:2');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:5');
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(text).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    expect(text).not.toContain('ENDLIST');
    expect(text.match(/^#EXT-X-DISCONTINUITY$/gm)).toHaveLength(1);
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2024-05-01T00:00:14.000Z\n#EXTINF:2.000,\n../seg/v0/seg_000.ts?cam=C1');
    const v = renderPlaylist(vodWindow(C, T0, T0, T0 + 10_000, T0 + 60_000), { uri: (s) => s.uri, endList: true });
    expect(v).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(v).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
  });

  it('parses ffmpeg VOD playlists', () => {
    const c = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000000,\nseg_000.ts\n#EXTINF:1.000000,\nseg_001.ts\n#EXT-X-ENDLIST\n',
    );
    expect(c).toEqual(clip(2000, 1000));
    expect(parseMediaPlaylist('#EXTM3U\n#EXT-X-ENDLIST\n')).toBeNull();
    expect(parseMediaPlaylist('#EXTM3U\nseg.ts\n')).toBeNull();
    expect(parseMediaPlaylist('#EXTINF:abc,\nseg.ts\n')).toBeNull();
  });

  it('maps cameras to variants stably', () => {
    const vs = ['v0', 'v1', 'v2', 'v3'];
    expect(variantFor('C001', vs)).toBe(variantFor('C001', [...vs]));
    expect(variantFor('x', [])).toBeUndefined();
    expect(fnv1a('')).toBe(0x811c9dc5);
    const used = new Set(Array.from({ length: 200 }, (_, i) => variantFor(`C${i}`, vs)));
    expect(used.size).toBe(4);
  });

  it('target duration covers every EXTINF', () => {
    expect(targetDurationOf(clip(2000, 1000))).toBe(2);
    expect(targetDurationOf(clip(2001))).toBe(2); // 1 ms of rounding noise tolerated
    expect(targetDurationOf(clip(2002))).toBe(3);
    expect(targetDurationOf(clip(400))).toBe(1);
    fc.assert(
      fc.property(arbClip, (c) => {
        const td = targetDurationOf(c);
        for (const s of c.segments) expect(Math.round(s.durationMs / 1000)).toBeLessThanOrEqual(td);
      }),
    );
  });
});

describe('live window properties', () => {
  const arbT = fc.integer({ min: 0, max: 2_000_000_000 });

  it('never lists a future segment; newest one is the latest complete', () => {
    fc.assert(
      fc.property(arbClip, arbT, fc.integer({ min: 1, max: 8 }), (c, dt, w) => {
        const now = T0 + dt;
        const win = liveWindow(c, T0, now, w);
        const done = completedCount(c, T0, now);
        expect(win.segments.length).toBe(Math.min(w, done));
        for (const s of win.segments) expect(s.startMs + s.durationMs).toBeLessThanOrEqual(now);
        if (done > 0) {
          const last = win.segments[win.segments.length - 1];
          expect(last.seq).toBe(done - 1);
          // the next segment is not complete yet
          const next = loopSegment(c, T0, done);
          expect(next.startMs + next.durationMs).toBeGreaterThan(now);
        }
      }),
    );
  });

  it('PDT equals segment start, is contiguous and monotonic; durations sum', () => {
    fc.assert(
      fc.property(arbClip, arbT, fc.integer({ min: 1, max: 8 }), (c, dt, w) => {
        const win = liveWindow(c, T0, T0 + dt, w);
        const n = c.segments.length;
        let sum = 0;
        for (let i = 0; i < win.segments.length; i++) {
          const s = win.segments[i];
          const ref = loopSegment(c, T0, s.seq);
          expect(s.startMs).toBe(ref.startMs);
          expect(s.seq).toBe(win.mediaSequence + i);
          expect(s.clipIndex).toBe(s.seq % n);
          expect(s.durationMs).toBe(c.segments[s.seq % n].durationMs);
          expect(s.discontinuitySeq).toBe(Math.floor(s.seq / n));
          if (i > 0) {
            const p = win.segments[i - 1];
            expect(s.startMs).toBe(p.startMs + p.durationMs);
            expect(s.discontinuity).toBe(s.seq % n === 0);
          }
          sum += s.durationMs;
        }
        if (win.segments.length > 0) {
          const first = win.segments[0];
          const last = win.segments[win.segments.length - 1];
          expect(last.startMs + last.durationMs - first.startMs).toBe(sum);
          // the start of a segment k is startedAt + cycles * cycle + clip offset
          expect(loopSegment(c, T0, first.seq + n).startMs - first.startMs).toBe(cycleMs(c));
          // discontinuity sequence: header + tags seen so far == each segment's number
          let cc = win.discontinuitySequence;
          for (const s of win.segments) {
            if (s.discontinuity) cc++;
            expect(cc).toBe(s.discontinuitySeq);
          }
        }
      }),
    );
  });

  it('sequence is monotonic in time and advances by exactly the completed segments', () => {
    fc.assert(
      fc.property(arbClip, arbT, fc.integer({ min: 0, max: 100_000 }), (c, dt, step) => {
        const a = liveWindow(c, T0, T0 + dt, 4);
        const b = liveWindow(c, T0, T0 + dt + step, 4);
        expect(b.mediaSequence).toBeGreaterThanOrEqual(a.mediaSequence);
        expect(b.discontinuitySequence).toBeGreaterThanOrEqual(a.discontinuitySequence);
        expect(completedCount(c, T0, T0 + dt + step)).toBeGreaterThanOrEqual(completedCount(c, T0, T0 + dt));
      }),
    );
  });

  it('segmentIndexAt finds the segment containing t', () => {
    fc.assert(
      fc.property(arbClip, arbT, (c, dt) => {
        const t = T0 + dt;
        const k = segmentIndexAt(c, T0, t);
        const s = loopSegment(c, T0, k);
        expect(s.startMs).toBeLessThanOrEqual(t);
        expect(s.startMs + s.durationMs).toBeGreaterThan(t);
      }),
    );
  });

  it('VOD windows cover [start,end), are capped and only hold complete segments', () => {
    fc.assert(
      fc.property(
        arbClip,
        fc.integer({ min: -100_000, max: 10_000_000 }),
        fc.integer({ min: 1, max: 4_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (c, ds, len, dn) => {
          const start = T0 + ds;
          const end = start + len;
          const now = T0 + dn;
          const cap = 30 * 60 * 1000;
          const win = vodWindow(c, T0, start, end, now, cap);
          const s = Math.max(start, T0);
          const e = Math.min(end, s + cap);
          for (const seg of win.segments) {
            expect(seg.startMs + seg.durationMs).toBeLessThanOrEqual(now);
            expect(seg.startMs).toBeLessThan(e);
            expect(seg.startMs + seg.durationMs).toBeGreaterThan(s);
          }
          if (win.segments.length > 0) {
            expect(win.segments[0].startMs).toBeLessThanOrEqual(s);
            const last = win.segments[win.segments.length - 1];
            // either the window reaches e or it stops at the last complete segment
            expect(last.startMs + last.durationMs >= e || last.seq === completedCount(c, T0, now) - 1).toBe(true);
          }
        },
      ),
    );
  });
});

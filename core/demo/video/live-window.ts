// Pure playlist maths for the looping "live" HLS simulator (no Node imports).
//
// A variant is a short VOD clip made of n segments with durations d[0..n-1]
// (integer milliseconds). The simulator pretends the clip has been playing in
// an endless loop since `startedAt` (epoch ms): global segment k (k >= 0) is
// clip segment k mod n of loop cycle floor(k / n), and it "started" at
//   startedAt + floor(k / n) * cycleMs + cum[k mod n].
// A discontinuity happens at every wrap (k > 0, k mod n == 0), so the
// discontinuity sequence number of segment k is floor(k / n).

export interface ClipSegment {
  /** URI as written in the variant's VOD playlist, e.g. "seg_000.ts". */
  uri: string;
  /** Duration in integer milliseconds (> 0). */
  durationMs: number;
}

export interface Clip {
  segments: readonly ClipSegment[];
}

export interface LoopSegment {
  /** Global (media) sequence number, >= 0. */
  seq: number;
  /** Index into the clip's segment list. */
  clipIndex: number;
  uri: string;
  durationMs: number;
  /** Wall-clock start of the segment (epoch ms) = its EXT-X-PROGRAM-DATE-TIME. */
  startMs: number;
  /** Discontinuity sequence number of this segment. */
  discontinuitySeq: number;
  /** True when a discontinuity precedes this segment (loop wrap, seq > 0). */
  discontinuity: boolean;
}

export interface SegmentWindow {
  mediaSequence: number;
  discontinuitySequence: number;
  targetDuration: number;
  segments: LoopSegment[];
}

export const MAX_VOD_WINDOW_MS = 30 * 60 * 1000;

/** Sum of segment durations (ms). */
export function cycleMs(clip: Clip): number {
  let t = 0;
  for (const s of clip.segments) t += s.durationMs;
  return t;
}

/** EXT-X-TARGETDURATION for a clip: whole seconds, >= every EXTINF rounded. */
export function targetDurationOf(clip: Clip): number {
  let max = 0;
  for (const s of clip.segments) max = Math.max(max, s.durationMs);
  return Math.max(1, Math.ceil((max - 1) / 1000));
}

function assertClip(clip: Clip): void {
  if (clip.segments.length === 0) throw new RangeError('clip has no segments');
  for (const s of clip.segments) {
    if (!Number.isInteger(s.durationMs) || s.durationMs <= 0) {
      throw new RangeError(`bad segment duration ${s.durationMs}`);
    }
  }
}

/** Details of global segment k (k >= 0). */
export function loopSegment(clip: Clip, startedAt: number, k: number): LoopSegment {
  const n = clip.segments.length;
  const cycle = Math.floor(k / n);
  const i = k - cycle * n;
  let offset = 0;
  for (let j = 0; j < i; j++) offset += clip.segments[j].durationMs;
  const seg = clip.segments[i];
  return {
    seq: k,
    clipIndex: i,
    uri: seg.uri,
    durationMs: seg.durationMs,
    startMs: startedAt + cycle * cycleMs(clip) + offset,
    discontinuitySeq: cycle,
    discontinuity: k > 0 && i === 0,
  };
}

/**
 * Index of the loop segment that contains wall-clock time t (start <= t < end).
 * For t before startedAt returns -1.
 */
export function segmentIndexAt(clip: Clip, startedAt: number, t: number): number {
  assertClip(clip);
  const elapsed = t - startedAt;
  if (elapsed < 0) return -1;
  const n = clip.segments.length;
  const total = cycleMs(clip);
  const cycles = Math.floor(elapsed / total);
  let rem = elapsed - cycles * total;
  let i = 0;
  while (i < n - 1 && rem >= clip.segments[i].durationMs) {
    rem -= clip.segments[i].durationMs;
    i++;
  }
  return cycles * n + i;
}

/** Number of loop segments that are complete (start + duration <= now). */
export function completedCount(clip: Clip, startedAt: number, now: number): number {
  assertClip(clip);
  const elapsed = now - startedAt;
  if (elapsed <= 0) return 0;
  const n = clip.segments.length;
  const total = cycleMs(clip);
  const cycles = Math.floor(elapsed / total);
  let rem = elapsed - cycles * total;
  let j = 0;
  while (j < n && rem >= clip.segments[j].durationMs) {
    rem -= clip.segments[j].durationMs;
    j++;
  }
  return cycles * n + j;
}

/** Segments first..first+count-1 of the loop, with discontinuity flags. */
function range(clip: Clip, startedAt: number, first: number, count: number): SegmentWindow {
  const segments: LoopSegment[] = [];
  if (count > 0) {
    const s0 = loopSegment(clip, startedAt, first);
    segments.push({ ...s0, discontinuity: false });
    const n = clip.segments.length;
    let startMs = s0.startMs + s0.durationMs;
    for (let k = first + 1; k < first + count; k++) {
      const i = k % n;
      const seg = clip.segments[i];
      segments.push({
        seq: k,
        clipIndex: i,
        uri: seg.uri,
        durationMs: seg.durationMs,
        startMs,
        discontinuitySeq: Math.floor(k / n),
        discontinuity: i === 0,
      });
      startMs += seg.durationMs;
    }
  }
  const n = clip.segments.length;
  return {
    mediaSequence: first,
    // The first listed segment never carries a DISCONTINUITY tag; the header
    // therefore equals its own discontinuity sequence number.
    discontinuitySequence: Math.floor(first / n),
    targetDuration: targetDurationOf(clip),
    segments,
  };
}

/**
 * Sliding live window at time `now`: the newest `windowSize` complete
 * segments (start + duration <= now). Empty before the first one completes.
 */
export function liveWindow(clip: Clip, startedAt: number, now: number, windowSize: number): SegmentWindow {
  assertClip(clip);
  const w = Math.max(1, Math.floor(windowSize));
  const done = completedCount(clip, startedAt, now);
  const first = Math.max(0, done - w);
  return range(clip, startedAt, first, done - first);
}

/**
 * "Recording" of the loop between start and end (epoch ms): every complete
 * segment (as of `now`) that overlaps [start, end), clamped to startedAt and
 * to `maxMs` (default 30 min) after the (clamped) start.
 */
export function vodWindow(
  clip: Clip,
  startedAt: number,
  start: number,
  end: number,
  now: number,
  maxMs: number = MAX_VOD_WINDOW_MS,
): SegmentWindow {
  assertClip(clip);
  const s = Math.max(start, startedAt);
  const e = Math.min(end, s + maxMs);
  const done = completedCount(clip, startedAt, now);
  if (!(e > s) || done === 0) return range(clip, startedAt, 0, 0);
  const first = segmentIndexAt(clip, startedAt, s);
  // Last segment starting strictly before e.
  const last = Math.min(segmentIndexAt(clip, startedAt, e - 1), done - 1);
  if (first < 0 || last < first) return range(clip, startedAt, Math.max(0, first), 0);
  return range(clip, startedAt, first, last - first + 1);
}

export interface RenderOptions {
  /** Maps a clip segment URI to the URI written into the playlist. */
  uri: (segment: LoopSegment) => string;
  /** VOD: adds PLAYLIST-TYPE:VOD and ENDLIST. */
  endList?: boolean;
}

/** ISO-8601 with milliseconds and Z, as EXT-X-PROGRAM-DATE-TIME wants. */
export function programDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function renderPlaylist(win: SegmentWindow, opts: RenderOptions): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${win.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${win.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${win.discontinuitySequence}`,
  ];
  if (opts.endList) lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const seg of win.segments) {
    if (seg.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${programDateTime(seg.startMs)}`);
    lines.push(`#EXTINF:${(seg.durationMs / 1000).toFixed(3)},`);
    lines.push(opts.uri(seg));
  }
  if (opts.endList) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/**
 * Minimal parser for the VOD media playlists ffmpeg writes: EXTINF + URI
 * pairs. Returns null when there is no segment or a duration is invalid.
 */
export function parseMediaPlaylist(text: string): Clip | null {
  const segments: ClipSegment[] = [];
  let pending: number | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXTINF:')) {
      const secs = Number.parseFloat(line.slice(8));
      if (!Number.isFinite(secs) || secs <= 0) return null;
      pending = Math.max(1, Math.round(secs * 1000));
    } else if (!line.startsWith('#')) {
      if (pending === null) return null;
      segments.push({ uri: line, durationMs: pending });
      pending = null;
    }
  }
  return segments.length > 0 ? { segments } : null;
}

/** Stable 32-bit FNV-1a hash of a string (UTF-16 code units). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Stable camera -> variant mapping (variants should be sorted). */
export function variantFor(cameraId: string, variants: readonly string[]): string | undefined {
  if (variants.length === 0) return undefined;
  return variants[fnv1a(cameraId) % variants.length];
}

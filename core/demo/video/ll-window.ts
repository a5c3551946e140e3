// Pure maths for the low-latency (LL-HLS) variant of the looping live simulator (no Node imports).
//
// The LL clip is the same kind of loop as in live-window.ts, encoded with a keyframe at every part
// boundary, so every part is an independent MPEG-TS file and a segment is the byte concatenation
// of its parts: a client may fetch either. Global segment k starts when live-window.ts says; its
// part j starts after the parts before it and "exists" from its end on, like a live encoder that
// publishes each part the moment it is finished. The clock is always passed in.
import {
  type Clip,
  type ClipSegment,
  type LoopSegment,
  completedCount,
  liveWindow,
  loopSegment,
  programDateTime,
} from './live-window.js';

export interface PartSpec {
  /** URI as written in the variant's LL VOD playlist, e.g. "part_000.ts". */
  uri: string;
  /** Duration in integer milliseconds (> 0). */
  durationMs: number;
}

export interface LlClipSegment extends ClipSegment {
  /** The segment's parts in order; their durations add up to the segment's. */
  parts: readonly PartSpec[];
}

export interface LlClip extends Clip {
  segments: readonly LlClipSegment[];
  /** EXT-X-PART-INF PART-TARGET in ms: no part is longer. */
  partTargetMs: number;
}

export interface LoopPart {
  /** Media sequence number of the parent segment. */
  msn: number;
  /** Index of the part within its segment. */
  index: number;
  uri: string;
  durationMs: number;
  startMs: number;
  /** When the part exists (start + duration). */
  endMs: number;
}

export interface LlSegment extends LoopSegment {
  /** Its parts when the playlist lists them (the newest segments only), else null. */
  parts: LoopPart[] | null;
}

export interface LlWindow {
  mediaSequence: number;
  discontinuitySequence: number;
  targetDuration: number;
  /** Seconds. */
  partTarget: number;
  partHoldBack: number;
  /** Complete segments, oldest first. */
  segments: LlSegment[];
  /** The segment being "produced" and its finished parts (possibly none yet). */
  current: { segment: LoopSegment; parts: LoopPart[] };
  /** The next part to appear (EXT-X-PRELOAD-HINT). */
  preloadHint: LoopPart;
}

/**
 * PART-HOLD-BACK as a multiple of PART-TARGET: the spec's floor is 2, its recommendation (and
 * Apple's validator's) at least 3, which leaves room for one late part on a busy player.
 */
export const PART_HOLD_BACK_PARTS = 3;
/** Parts stay listed while their segment ends within this many target durations of the edge (spec: ≥ 3). */
const PART_LIST_TARGET_DURATIONS = 3;

/** Throws unless every segment has parts that add up to it, none longer than the part target. */
export function assertLlClip(clip: LlClip): void {
  if (clip.segments.length === 0) throw new RangeError('clip has no segments');
  if (!Number.isInteger(clip.partTargetMs) || clip.partTargetMs <= 0) throw new RangeError(`bad part target ${clip.partTargetMs}`);
  for (const s of clip.segments) {
    if (s.parts.length === 0) throw new RangeError(`segment ${s.uri} has no parts`);
    let sum = 0;
    for (const p of s.parts) {
      if (!Number.isInteger(p.durationMs) || p.durationMs <= 0 || p.durationMs > clip.partTargetMs) {
        throw new RangeError(`bad part duration ${p.durationMs} in ${s.uri}`);
      }
      sum += p.durationMs;
    }
    if (sum !== s.durationMs) throw new RangeError(`parts of ${s.uri} add up to ${sum} ms, not ${s.durationMs}`);
  }
}

/** All parts of loop segment k, with their wall-clock times. */
export function partsOf(clip: LlClip, startedAt: number, k: number): LoopPart[] {
  const seg = loopSegment(clip, startedAt, k);
  const spec = clip.segments[seg.clipIndex];
  const out: LoopPart[] = [];
  let t = seg.startMs;
  spec.parts.forEach((p, index) => {
    out.push({ msn: k, index, uri: p.uri, durationMs: p.durationMs, startMs: t, endMs: t + p.durationMs });
    t += p.durationMs;
  });
  return out;
}

export function partTargetSec(clip: LlClip): number {
  return clip.partTargetMs / 1000;
}

export function partHoldBackSec(clip: LlClip): number {
  return (PART_HOLD_BACK_PARTS * clip.partTargetMs) / 1000;
}

/**
 * The LL live playlist at `now`: the newest `windowSize` complete segments (as in liveWindow),
 * the parts of those that end within three target durations of the newest part, the segment in
 * progress with the parts finished so far, and the next part as a preload hint.
 */
export function llWindow(clip: LlClip, startedAt: number, now: number, windowSize: number): LlWindow {
  assertLlClip(clip);
  const base = liveWindow(clip, startedAt, now, windowSize);
  const done = completedCount(clip, startedAt, now);
  const currentParts = partsOf(clip, startedAt, done);
  const finished = currentParts.filter((p) => p.endMs <= now);
  const preloadHint = finished.length < currentParts.length ? currentParts[finished.length] : partsOf(clip, startedAt, done + 1)[0];
  const currentSeg = loopSegment(clip, startedAt, done);
  // the first listed segment never carries a DISCONTINUITY tag (the header counts it)
  const current = { segment: base.segments.length === 0 ? { ...currentSeg, discontinuity: false } : currentSeg, parts: finished };
  const edgeMs = finished.length > 0 ? finished[finished.length - 1].endMs : currentSeg.startMs;
  const keepAfter = edgeMs - PART_LIST_TARGET_DURATIONS * base.targetDuration * 1000;
  const segments: LlSegment[] = base.segments.map((s) => ({
    ...s,
    parts: s.startMs + s.durationMs > keepAfter ? partsOf(clip, startedAt, s.seq) : null,
  }));
  return {
    mediaSequence: base.segments.length > 0 ? base.mediaSequence : done,
    discontinuitySequence: base.segments.length > 0 ? base.discontinuitySequence : currentSeg.discontinuitySeq,
    targetDuration: base.targetDuration,
    partTarget: partTargetSec(clip),
    partHoldBack: partHoldBackSec(clip),
    segments,
    current,
    preloadHint,
  };
}

export interface LlRenderOptions {
  /** URI written for a whole segment. */
  segmentUri: (segment: LoopSegment) => string;
  /** URI written for a part. */
  partUri: (part: LoopPart) => string;
}

/** Seconds with at most three decimals, no trailing zeros ("0.4", "1.2", "2"). */
function secs(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function partLine(p: LoopPart, uri: string): string {
  // every part starts on a keyframe (make-video.ts forces one at each part boundary)
  return `#EXT-X-PART:DURATION=${(p.durationMs / 1000).toFixed(3)},URI="${uri}",INDEPENDENT=YES`;
}

export function renderLlPlaylist(win: LlWindow, opts: LlRenderOptions): string {
  const lines = [
    '#EXTM3U',
    // 9: the version that defines the LL-HLS tags (EXT-X-SKIP needs it; the others do not object)
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${win.targetDuration}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${secs(win.partHoldBack * 1000)}`,
    `#EXT-X-PART-INF:PART-TARGET=${secs(win.partTarget * 1000)}`,
    `#EXT-X-MEDIA-SEQUENCE:${win.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${win.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  for (const seg of win.segments) {
    if (seg.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${programDateTime(seg.startMs)}`);
    for (const p of seg.parts ?? []) lines.push(partLine(p, opts.partUri(p)));
    lines.push(`#EXTINF:${(seg.durationMs / 1000).toFixed(3)},`);
    lines.push(opts.segmentUri(seg));
  }
  const { segment, parts } = win.current;
  if (parts.length > 0) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${programDateTime(segment.startMs)}`);
    for (const p of parts) lines.push(partLine(p, opts.partUri(p)));
  }
  lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${opts.partUri(win.preloadHint)}"`);
  return lines.join('\n') + '\n';
}

// ---- blocking playlist reload (RFC 8216bis §6.2.5.2) ----

export interface ReloadRequest {
  msn: number;
  /** null: wait for the whole segment */
  part: number | null;
}

export type ReloadDecision =
  /** the playlist already holds what was asked for (or more): answer now */
  | { kind: 'ready' }
  /** answer when the part/segment exists (the caller bounds the wait) */
  | { kind: 'hold'; untilMs: number }
  /** too far ahead: 400 at once */
  | { kind: 'bad'; reason: string };

/**
 * Reads `_HLS_msn` / `_HLS_part`. null: no directive (an ordinary reload); an error string for a
 * malformed one (400), including `_HLS_part` without `_HLS_msn`.
 */
export function parseReloadQuery(msn: string | null, part: string | null): ReloadRequest | null | { error: string } {
  if (msn === null) return part === null ? null : { error: '_HLS_part without _HLS_msn' };
  const int = (s: string) => (/^\d{1,9}$/.test(s) ? Number(s) : Number.NaN);
  const m = int(msn);
  if (!Number.isFinite(m)) return { error: 'bad _HLS_msn' };
  if (part === null) return { msn: m, part: null };
  const p = int(part);
  if (!Number.isFinite(p)) return { error: 'bad _HLS_part' };
  return { msn: m, part: p };
}

/**
 * The Advance Part Limit: how many parts beyond the newest a request may ask for before it is
 * refused (three seconds' worth for parts under a second, else three parts).
 */
export function advancePartLimit(clip: LlClip): number {
  const t = partTargetSec(clip);
  return t < 1 ? 3 / t : 3;
}

/**
 * What to do with a blocking reload at `now`. Segment `msn` is in the playlist once it is
 * complete; part `part` of it once that part is finished. A part index past the segment's last
 * part means the part after it (part 0 of msn + 1). Refused (400) when `msn` is more than two
 * segments past the newest complete one, or the part more than the Advance Part Limit past the
 * newest part, as the spec says.
 */
export function blockingReload(clip: LlClip, startedAt: number, now: number, req: ReloadRequest): ReloadDecision {
  assertLlClip(clip);
  const done = completedCount(clip, startedAt, now);
  const lastMsn = done - 1;
  if (req.msn > lastMsn + 2) return { kind: 'bad', reason: `_HLS_msn ${req.msn} is more than two segments past ${lastMsn}` };
  if (req.part === null) {
    const seg = loopSegment(clip, startedAt, req.msn);
    const untilMs = seg.startMs + seg.durationMs;
    return untilMs <= now ? { kind: 'ready' } : { kind: 'hold', untilMs };
  }
  let parts = partsOf(clip, startedAt, req.msn);
  let wanted = parts[req.part];
  if (!wanted) {
    parts = partsOf(clip, startedAt, req.msn + 1);
    wanted = parts[0];
  }
  if (wanted.endMs <= now) return { kind: 'ready' };
  // parts not yet finished, from the next one to appear up to the one asked for
  let ahead = 0;
  for (let k = done; k <= wanted.msn; k++) {
    for (const p of k === wanted.msn ? parts : partsOf(clip, startedAt, k)) {
      if (p.endMs > now) ahead++;
      if (k === wanted.msn && p.index === wanted.index) break;
    }
  }
  if (ahead > advancePartLimit(clip)) {
    return { kind: 'bad', reason: `part ${req.msn}.${req.part} is ${ahead} parts ahead (limit ${advancePartLimit(clip)})` };
  }
  return { kind: 'hold', untilMs: wanted.endMs };
}

// ---- the clip on disk ----

/**
 * Groups a clip's parts into segments of about `segmentMs`: a segment closes on the part that
 * reaches it (within 1 ms, for durations rounded from seconds), the last one takes what is left.
 */
export function groupParts(parts: readonly PartSpec[], segmentMs: number, segmentUri: (index: number) => string): LlClipSegment[] {
  const out: LlClipSegment[] = [];
  let cur: PartSpec[] = [];
  let sum = 0;
  for (const p of parts) {
    cur.push(p);
    sum += p.durationMs;
    if (sum >= segmentMs - 1) {
      out.push({ uri: segmentUri(out.length), durationMs: sum, parts: cur });
      cur = [];
      sum = 0;
    }
  }
  if (cur.length > 0) out.push({ uri: segmentUri(out.length), durationMs: sum, parts: cur });
  return out;
}

/** The LL clip as a VOD playlist with its parts (what make-video.ts writes, and parseLlPlaylist reads). */
export function renderLlVod(clip: LlClip): string {
  let max = 0;
  for (const s of clip.segments) max = Math.max(max, s.durationMs);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil((max - 1) / 1000))}`,
    `#EXT-X-PART-INF:PART-TARGET=${secs(clip.partTargetMs)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  for (const s of clip.segments) {
    for (const p of s.parts) lines.push(`#EXT-X-PART:DURATION=${(p.durationMs / 1000).toFixed(3)},URI="${p.uri}",INDEPENDENT=YES`);
    lines.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`, s.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

function attr(line: string, name: string): string | null {
  const m = new RegExp(`(?:^|,)${name}=("([^"]*)"|[^,]*)`).exec(line);
  return m ? (m[2] ?? m[1]) : null;
}

const toMs = (s: string | null): number => {
  const v = s === null ? Number.NaN : Number.parseFloat(s);
  return Number.isFinite(v) && v > 0 ? Math.max(1, Math.round(v * 1000)) : Number.NaN;
};

/**
 * Reads an LL VOD playlist (renderLlVod's format: EXT-X-PART lines before the EXTINF and URI of
 * their segment). null when it has no segment, a segment has no part, or the numbers do not add
 * up.
 */
export function parseLlPlaylist(text: string): LlClip | null {
  const segments: LlClipSegment[] = [];
  let partTargetMs = Number.NaN;
  let parts: PartSpec[] = [];
  let pending: number | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-PART-INF:')) partTargetMs = toMs(attr(line.slice(16), 'PART-TARGET'));
    else if (line.startsWith('#EXT-X-PART:')) {
      const body = line.slice(12);
      const uri = attr(body, 'URI');
      const durationMs = toMs(attr(body, 'DURATION'));
      if (!uri || !Number.isFinite(durationMs)) return null;
      parts.push({ uri, durationMs });
    } else if (line.startsWith('#EXTINF:')) {
      pending = toMs(line.slice(8).split(',')[0]);
      if (!Number.isFinite(pending)) return null;
    } else if (!line.startsWith('#')) {
      if (pending === null) return null;
      segments.push({ uri: line, durationMs: pending, parts });
      parts = [];
      pending = null;
    }
  }
  const clip: LlClip = { segments, partTargetMs };
  try {
    assertLlClip(clip);
  } catch {
    return null;
  }
  return clip;
}

// Generates small H.264 HLS VOD clips used by the live-HLS simulator, the
// demo and the tests:  assets/generated/video/<variant>/{index.m3u8,seg_NNN.ts,build.json}
// and the same clips for low-latency HLS, a keyframe at every 0.4 s part:
// assets/generated/video/ll/<variant>/{index.m3u8,part_NNN.ts,seg_NNN.ts,build.json}, where each
// seg_NNN.ts is the byte concatenation of its parts (index.m3u8 lists both, see core/video/ll-window.ts).
//
//   npx tsx scripts/make-video.ts [--force] [--out DIR]
//
// Idempotent: a variant is skipped when its build.json records the same
// parameters and all its segments exist. ffmpeg is $FFMPEG_PATH, /usr/bin/ffmpeg
// or the first on PATH. Without one (or with FFMPEG_PATH=none) it prints a
// message, writes <out>/UNAVAILABLE.json and exits 0 (the wall works without video).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseMediaPlaylist } from '../core/demo/video/live-window.js';
import { groupParts, renderLlVod, type LlClip } from '../core/demo/video/ll-window.js';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_VIDEO_ROOT = resolve(here, '..', 'assets', 'generated', 'video');
export const UNAVAILABLE_FILE = 'UNAVAILABLE.json';
export const MANIFEST_FILE = 'manifest.json';
/** Sub-folder of the video root with the low-latency clips (no index.m3u8 of its own, so the regular scan skips it). */
export const LL_DIR = 'll';

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';

export interface VariantSpec {
  name: string;
  label: string;
  /** lavfi source graph (without duration). */
  source: string;
  /** extra filters applied before the text overlay. */
  filters?: string;
  seconds: number;
}

const W = 640;
const H = 360;
const FPS = 25;
const SEG_SECONDS = 2;
const SIZE = `${W}x${H}`;

// Durations are deliberately uneven (one ends on a 1 s segment) so the loop
// maths is exercised with real, unequal segment lengths.
export const VARIANTS: readonly VariantSpec[] = [
  { name: 'v0', label: 'CAM-A testsrc2', source: `testsrc2=size=${SIZE}:rate=${FPS}`, seconds: 16 },
  { name: 'v1', label: 'CAM-B smptebars', source: `smptebars=size=${SIZE}:rate=${FPS}`, seconds: 12 },
  { name: 'v2', label: 'CAM-C mandelbrot', source: `mandelbrot=size=${SIZE}:rate=${FPS}`, seconds: 14 },
  { name: 'v3', label: 'CAM-D testsrc2/hue', source: `testsrc2=size=${SIZE}:rate=${FPS}`, filters: 'hue=h=140:s=1.3', seconds: 18 },
  { name: 'v4', label: 'CAM-E life', source: `life=size=${SIZE}:rate=${FPS}:ratio=0.12:mold=10:life_color=#40ff80:death_color=#102030:mold_color=#305060`, seconds: 13 },
  { name: 'v5', label: 'CAM-F gradients', source: `gradients=size=${SIZE}:rate=${FPS}:speed=0.03`, seconds: 20 },
  { name: 'v6', label: 'CAM-G rgbtestsrc', source: `rgbtestsrc=size=${SIZE}:rate=${FPS}`, filters: 'rotate=a=0.4*t:fillcolor=#202020', seconds: 15 },
  { name: 'v7', label: 'CAM-H testsrc2/neg', source: `testsrc2=size=${SIZE}:rate=${FPS}`, filters: 'negate,hue=s=0.4', seconds: 17 },
];

export const ENCODE_PARAMS = {
  size: SIZE,
  fps: FPS,
  segSeconds: SEG_SECONDS,
  codec: 'libx264',
  profile: 'baseline',
  preset: 'ultrafast',
  tune: 'zerolatency',
  bitrate: '350k',
  gop: FPS * SEG_SECONDS,
  version: 1,
} as const;

/** 10 frames: a part must hold whole frames, and 0.5 s is 12.5 of them at 25 fps. */
const PART_FRAMES = 10;

/**
 * Low-latency clips: the same pictures and rate, a keyframe at every part boundary so each part
 * decodes on its own (EXT-X-PART INDEPENDENT=YES), parts grouped into segments of segSeconds.
 */
export const LL_ENCODE_PARAMS = {
  ...ENCODE_PARAMS,
  gop: PART_FRAMES,
  partMs: (PART_FRAMES * 1000) / FPS,
  version: 1,
} as const;

type Kind = 'regular' | 'll';
const paramsOf = (kind: Kind) => (kind === 'll' ? LL_ENCODE_PARAMS : ENCODE_PARAMS);

export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): string | null {
  // FFMPEG_PATH=none simulates a machine without ffmpeg.
  if (env.FFMPEG_PATH === 'none') return null;
  const candidates: string[] = [];
  if (env.FFMPEG_PATH) candidates.push(env.FFMPEG_PATH);
  candidates.push('/usr/bin/ffmpeg');
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'ffmpeg'));
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      const r = spawnSync(c, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
      if (r.status === 0) return c;
    } catch {
      /* try next */
    }
  }
  return null;
}

/**
 * Labels go inside '...' in the filter graph, where no escaping works, and
 * drawtext would expand `%{`; keep them to a safe character set.
 */
function drawtextLiteral(s: string): string {
  if (!/^[\w .\-/[\]#+()]*$/.test(s)) throw new Error(`unsafe drawtext label: ${s}`);
  return s;
}

function fontFile(name: string): string | null {
  const p = join(FONT_DIR, name);
  return existsSync(p) ? p : null;
}

export function ffmpegArgs(spec: VariantSpec, outDir: string, kind: Kind = 'regular'): string[] {
  const bold = fontFile('DejaVuSansMono-Bold.ttf');
  const font = bold ? `fontfile=${bold}:` : '';
  const label = drawtextLiteral(`${spec.label} [${spec.name}]`);
  // `%{pts\:hms}`: the colon separating the expansion's arguments must be
  // escaped so the option parser does not take it as an option separator.
  const textFilters = [
    `drawtext=${font}text='${label}':x=12:y=12:fontsize=22:fontcolor=white:box=1:boxcolor=black@0.65:boxborderw=6`,
    `drawtext=${font}text='%{pts\\:hms}  #%{frame_num}':x=12:y=h-th-14:fontsize=28:fontcolor=yellow:box=1:boxcolor=black@0.65:boxborderw=6`,
  ];
  const vf = [spec.filters, ...textFilters, 'format=yuv420p'].filter(Boolean).join(',');
  const p = ENCODE_PARAMS;
  // LL: ffmpeg cuts the parts (one per keyframe); buildVariant groups them into segments
  const cut =
    kind === 'll'
      ? { gop: LL_ENCODE_PARAMS.gop, every: LL_ENCODE_PARAMS.partMs / 1000, file: 'part_%03d.ts', playlist: PARTS_PLAYLIST }
      : { gop: p.gop, every: p.segSeconds, file: 'seg_%03d.ts', playlist: 'index.m3u8' };
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', spec.source,
    '-t', String(spec.seconds),
    '-vf', vf,
    '-an',
    '-c:v', p.codec, '-preset', p.preset, '-tune', p.tune, '-profile:v', p.profile,
    '-b:v', p.bitrate, '-maxrate', p.bitrate, '-bufsize', '700k',
    '-g', String(cut.gop), '-keyint_min', String(cut.gop), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${cut.every})`,
    '-threads', '1',
    '-f', 'hls', '-hls_time', String(cut.every), '-hls_playlist_type', 'vod',
    '-hls_flags', 'independent_segments', '-start_number', '0',
    '-hls_segment_filename', join(outDir, cut.file),
    join(outDir, cut.playlist),
  ];
}

const PARTS_PLAYLIST = 'parts.m3u8';

function specHash(spec: VariantSpec, kind: Kind): string {
  return createHash('sha256').update(JSON.stringify({ spec, p: paramsOf(kind) })).digest('hex').slice(0, 16);
}

/** Where a variant of the given kind lives under the video root. */
export function variantDir(root: string, spec: VariantSpec, kind: Kind = 'regular'): string {
  return kind === 'll' ? join(root, LL_DIR, spec.name) : join(root, spec.name);
}

/** True when dir holds a complete build of spec. */
export function isBuilt(dir: string, spec: VariantSpec, kind: Kind = 'regular'): boolean {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as { hash?: string; files?: string[] };
    if (meta.hash !== specHash(spec, kind) || !Array.isArray(meta.files) || meta.files.length === 0) return false;
    if (!existsSync(join(dir, 'index.m3u8'))) return false;
    return meta.files.every((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 8000) stderr += d.toString();
    });
    child.on('error', (e) => res({ code: -1, stderr: String(e) }));
    child.on('close', (code) => res({ code: code ?? -1, stderr }));
  });
}

/**
 * LL: ffmpeg wrote one file per part; group them into segments, write each segment as the byte
 * concatenation of its parts (the hls muxer carries the continuity counters on from one part to
 * the next, so the concatenation is one clean transport stream) and the LL VOD playlist.
 */
function assembleLl(dir: string): string[] {
  const parts = parseMediaPlaylist(readFileSync(join(dir, PARTS_PLAYLIST), 'utf8'));
  if (!parts) throw new Error(`ffmpeg wrote no parts in ${dir}`);
  const p = LL_ENCODE_PARAMS;
  const segments = groupParts(parts.segments, p.segSeconds * 1000, (i) => `seg_${String(i).padStart(3, '0')}.ts`);
  const clip: LlClip = { segments, partTargetMs: Math.max(p.partMs, ...parts.segments.map((x) => x.durationMs)) };
  for (const seg of segments) writeFileSync(join(dir, seg.uri), Buffer.concat(seg.parts.map((x) => readFileSync(join(dir, x.uri)))));
  writeFileSync(join(dir, 'index.m3u8'), renderLlVod(clip));
  rmSync(join(dir, PARTS_PLAYLIST), { force: true });
  return segments.flatMap((seg) => [...seg.parts.map((x) => x.uri), seg.uri]);
}

async function buildVariant(ffmpeg: string, root: string, spec: VariantSpec, kind: Kind): Promise<{ bytes: number }> {
  const dir = variantDir(root, spec, kind);
  const tmp = join(dirname(dir), `.${spec.name}.tmp-${process.pid}-${Date.now()}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const r = await run(ffmpeg, ffmpegArgs(spec, tmp, kind));
    if (r.code !== 0) throw new Error(`ffmpeg failed for ${spec.name} (code ${r.code}): ${r.stderr.trim()}`);
    const files =
      kind === 'll'
        ? assembleLl(tmp)
        : readFileSync(join(tmp, 'index.m3u8'), 'utf8')
            .split(/\r?\n/)
            .filter((l) => l && !l.startsWith('#'));
    let bytes = 0;
    for (const f of files) bytes += statSync(join(tmp, f)).size;
    writeFileSync(
      join(tmp, 'build.json'),
      JSON.stringify({ hash: specHash(spec, kind), spec, params: paramsOf(kind), files, bytes, builtAt: new Date().toISOString() }, null, 2),
    );
    // Another process may have finished the same variant meanwhile.
    if (isBuilt(dir, spec, kind)) {
      rmSync(tmp, { recursive: true, force: true });
      return { bytes };
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!isBuilt(dir, spec, kind)) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
    return { bytes };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export interface BuildOptions {
  root?: string;
  force?: boolean;
  ffmpeg?: string | null;
  /** Parallel ffmpeg processes (each single-threaded). Default 2. */
  concurrency?: number;
  log?: (msg: string) => void;
}

export interface BuildResult {
  available: boolean;
  root: string;
  /** variants encoded by this run ("v0", and "ll/v0" for the low-latency ones) */
  built: string[];
  skipped: string[];
  variants: string[];
  /** the low-latency variants, under <root>/ll/ */
  llVariants: string[];
  totalBytes: number;
  ms: number;
  reason?: string;
}

export async function buildVideos(opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = Date.now();
  const root = resolve(opts.root ?? DEFAULT_VIDEO_ROOT);
  const log = opts.log ?? (() => {});
  mkdirSync(root, { recursive: true });
  // Generated output never belongs in git, even if the top-level ignore misses it.
  const ignore = join(root, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# generated by scripts/make-video.ts\n*\n');
  const ffmpeg = opts.ffmpeg === undefined ? findFfmpeg() : opts.ffmpeg;
  const flag = join(root, UNAVAILABLE_FILE);

  mkdirSync(join(root, LL_DIR), { recursive: true });
  const jobs = (['regular', 'll'] as const).flatMap((kind) => VARIANTS.map((spec) => ({ spec, kind, name: kind === 'll' ? `${LL_DIR}/${spec.name}` : spec.name })));
  const pending = jobs.filter((j) => opts.force || !isBuilt(variantDir(root, j.spec, j.kind), j.spec, j.kind));
  const skipped = jobs.filter((j) => !pending.includes(j)).map((j) => j.name);

  if (pending.length > 0 && !ffmpeg) {
    const reason = 'ffmpeg not found (set FFMPEG_PATH or install ffmpeg); demo video is unavailable';
    writeFileSync(flag, JSON.stringify({ available: false, reason, at: new Date().toISOString() }, null, 2) + '\n');
    log(`make-video: ${reason}`);
    const have = (kind: Kind) => jobs.filter((j) => j.kind === kind && skipped.includes(j.name)).map((j) => j.spec.name);
    return { available: false, root, built: [], skipped, variants: have('regular'), llVariants: have('ll'), totalBytes: 0, ms: Date.now() - t0, reason };
  }

  const built: string[] = [];
  const queue = [...pending];
  const workers = Math.max(1, Math.min(opts.concurrency ?? 2, queue.length));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const t = Date.now();
        const { bytes } = await buildVariant(ffmpeg as string, root, job.spec, job.kind);
        built.push(job.name);
        log(`make-video: ${job.name} ${job.spec.seconds}s ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - t} ms`);
      }
    }),
  );

  let totalBytes = 0;
  const listed = (kind: Kind) =>
    VARIANTS.map((v) => {
      const meta = JSON.parse(readFileSync(join(variantDir(root, v, kind), 'build.json'), 'utf8')) as { bytes: number };
      totalBytes += meta.bytes;
      return { name: v.name, label: v.label, seconds: v.seconds, bytes: meta.bytes };
    });
  const variants = listed('regular');
  const ll = { dir: LL_DIR, params: LL_ENCODE_PARAMS, variants: listed('ll') };
  rmSync(flag, { force: true });
  writeFileSync(join(root, MANIFEST_FILE), JSON.stringify({ available: true, params: ENCODE_PARAMS, variants, ll }, null, 2) + '\n');
  return {
    available: true,
    root,
    built: built.sort(),
    skipped,
    variants: VARIANTS.map((v) => v.name),
    llVariants: VARIANTS.map((v) => v.name),
    totalBytes,
    ms: Date.now() - t0,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const root = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1]) : DEFAULT_VIDEO_ROOT;
  const r = await buildVideos({ root, force: args.includes('--force'), log: (m) => console.log(m) });
  if (!r.available) {
    console.log(`make-video: wrote ${join(r.root, UNAVAILABLE_FILE)}; exiting 0`);
    return;
  }
  console.log(
    `make-video: ${r.variants.length} variants (+ ${r.llVariants.length} low-latency in ${LL_DIR}/) in ${r.root} (built ${r.built.length}, skipped ${r.skipped.length}), ` +
      `${(r.totalBytes / 1048576).toFixed(1)} MiB, ${r.ms} ms`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}

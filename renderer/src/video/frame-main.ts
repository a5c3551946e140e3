// The video frame: one tile's player, alone in a document of its own on another site (see
// frame-protocol.ts). It takes orders only from the wall page that named itself in the URL's
// #parent= and reports the player's figures back to it.
import { envelope, frameOrphaned, type FromFrame, ORPHANED_AFTER_MS, parentOriginsFor, parseToFrame } from './frame-protocol';
import { TilePlayer } from './player';
import type { ReplayVideoClock } from './replay-sync';

const STATS_EVERY_MS = 500;
// hls.js shares one transmuxer worker among the players of a document; each frame is a document
// of its own, so a worker each would mean an isolate and a compile of hls.js's worker per tile.
// Transmuxing a camera's segments is a millisecond or two: the frames' shared thread does it.
const FRAME_HLS_CONFIG = { enableWorker: false };

const hash = new URLSearchParams(location.hash.slice(1));
/** how often the frame looks whether its wall still holds it */
const ORPHAN_CHECK_MS = 5000;
/** nothing from the wall this long: left behind (`#orphanMs=` for tests, within bounds) */
const orphanMs = (() => {
  const v = Number(hash.get('orphanMs'));
  return Number.isInteger(v) && v >= 1000 && v <= 3_600_000 ? v : ORPHANED_AFTER_MS;
})();

/** The #parent= the URL names, when it is a wall page this frame may serve (parentOriginsFor). */
function parentOrigin(): string | null {
  const p = hash.get('parent');
  const allowed = parentOriginsFor(location);
  if (!p || !allowed.includes(p)) {
    if (p) console.error(`video frame: #parent=${p.slice(0, 100)} is not ${allowed.length ? allowed.join(' or ') : 'a wall this frame serves'}; it will not play`);
    return null;
  }
  return p;
}

const origin = parentOrigin();
/** when the wall last said anything to this frame */
let lastHeardAt = performance.now();
/** it took itself for left behind (and is empty) until the wall says something again */
let left = false;
let player: TilePlayer | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
/** messages that were not ours or not understood (for field debugging) */
let rejected = 0;
/** the replay clock the page asked this frame's video to follow, for a player made after it came */
let following: { clock: ReplayVideoClock | null; origin: number | null } | null = null;

const send = (m: FromFrame) => {
  if (origin) window.parent.postMessage(envelope(m), origin);
};

/** Plays `src`: a new player, or the running one switched over (a start after the URL's own). */
function start(src: string, live: boolean): void {
  if (player) {
    player.setSource(src, live);
    return;
  }
  player = new TilePlayer(document.body, { src, live, hlsConfig: FRAME_HLS_CONFIG, onChange: (stats) => send({ t: 'stats', stats }) });
  // before it starts: a replay's recording must not begin to play on its own
  if (following) player.follow(following.clock, following.origin);
  player.start();
  ticker = setInterval(() => {
    if (player) send({ t: 'stats', stats: player.stats() });
  }, STATS_EVERY_MS);
}

function stop(): void {
  if (ticker !== null) clearInterval(ticker);
  ticker = null;
  player?.destroy();
  player = null;
}

window.addEventListener('message', (e: MessageEvent) => {
  if (e.source !== window.parent || e.origin !== origin) return;
  const parsed = parseToFrame(e.data);
  if (!parsed.ok) {
    rejected++;
    console.warn(`video frame: ${parsed.error} (${rejected} rejected)`);
    return;
  }
  lastHeardAt = performance.now();
  left = false;
  const m = parsed.value;
  switch (m.t) {
    case 'alive':
      break;
    case 'start':
      start(m.src, m.live);
      break;
    case 'source':
      player?.setSource(m.src, m.live);
      break;
    case 'retry':
      player?.retryNow();
      break;
    case 'stop':
      stop();
      break;
    case 'follow':
      following = { clock: m.clock, origin: m.origin };
      player?.follow(m.clock, m.origin);
      break;
  }
});
// the frame going away takes the player with it; this only makes it prompt
window.addEventListener('pagehide', stop);

/**
 * Left behind (frameOrphaned): the player goes and the document empties, so that a frame Chromium
 * kept after its wall let go of it costs a blank document, not a playing camera. (It cannot remove
 * itself, and its process lives on while it does: docs/video.md.)
 */
function leave(): void {
  stop();
  document.body.replaceChildren();
  console.warn(`video frame: nothing from the wall for ${Math.round(orphanMs / 1000)} s; left behind, it stops its player and empties`);
}

if (origin) {
  let lastCheckAt = performance.now();
  setInterval(() => {
    const now = performance.now();
    // time this frame's own thread could not run is not the wall's silence
    const late = Math.max(0, now - lastCheckAt - 2 * ORPHAN_CHECK_MS);
    lastCheckAt = now;
    lastHeardAt += late;
    if (left || !frameOrphaned(lastHeardAt, now, orphanMs)) return;
    left = true;
    leave();
  }, ORPHAN_CHECK_MS);
}

if (origin) {
  // the source comes in the URL too, so the picture does not wait for a busy wall page to answer
  // 'ready'; the 'start' that answer brings only matters if the source changed meanwhile
  const first = parseToFrame(envelope({ t: 'start', src: hash.get('src'), live: hash.get('live') === '1' }));
  if (first.ok && first.value.t === 'start') start(first.value.src, first.value.live);
  send({ t: 'ready' });
} else console.error('video frame: no valid #parent= origin; it will not play');

// The page's own count of video frames by origin, from the document itself rather than from what
// the players and pools believe they hold. A generation's process can only end when no frame of its
// site is left in the page, whoever put it there: a soak saw the first name's process outlive its
// generation at ~72 MB (a frame's worth) for minutes while the players counted none, and the way
// back then loaded new frames into it. An origin is returned to only when the document has none of
// its frames (liveFramesFrom), and frames of an earlier generation that nothing owns any more are
// removed once the tiles have moved (sweepOrphans): counted and said, never silently kept.

/** The origin an iframe's document comes from (null for about:blank, a bad URL, or none). */
export function frameOriginOf(frame: HTMLIFrameElement): string | null {
  const src = frame.getAttribute('src');
  if (!src) return null;
  try {
    const origin = new URL(src, document.baseURI).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Frames from `origin` in the document now, any kind (a tile's, a warm one, one being moved away from, a stray). */
export function framesInDocument(origin: string, root: ParentNode = document): number {
  let n = 0;
  for (const f of root.querySelectorAll('iframe')) if (frameOriginOf(f) === origin) n++;
  return n;
}

/** Where a stray frame sat, for the console line that says it was removed. */
function describe(frame: HTMLIFrameElement): string {
  const holder = frame.parentElement;
  const where = holder ? `${holder.tagName.toLowerCase()}${holder.dataset.testid ? `[data-testid=${holder.dataset.testid}]` : ''}${holder.className && typeof holder.className === 'string' ? `.${holder.className.split(/\s+/).join('.')}` : ''}` : 'detached';
  return `${frame.className || 'iframe'} in ${where}`;
}

/**
 * Removes the video frames of `origin` that `owned` does not claim; returns how many. For an
 * earlier generation once its tiles have moved: whatever is left keeps its process (and the
 * memory Chromium's media stack kept there) alive.
 */
export function sweepOrphans(origin: string, owned: (frame: HTMLIFrameElement) => boolean, root: ParentNode = document): number {
  let n = 0;
  for (const f of root.querySelectorAll<HTMLIFrameElement>('iframe.video-frame')) {
    if (frameOriginOf(f) !== origin || owned(f)) continue;
    console.warn(`video frame of an earlier generation left in the page (${describe(f)}): removed, so that ${origin}'s process can end`);
    f.remove();
    n++;
  }
  return n;
}

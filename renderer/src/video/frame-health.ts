// Whether video frames can be had at all. They come from another site (the shell's other loopback
// name; app://video in Electron); a PC whose `localhost` does not resolve, a proxy in the way, or
// a content policy that refuses them means no frame ever loads — and then players in the page beat tiles that never play. Once one
// frame has loaded, later failures are crashes or a server going away, which the players' own
// rebuilds handle: the verdict is only about the start.

/** frames that failed to load, with none ever loaded, before the wall gives up on frames */
export const FRAME_FAILURES_BEFORE_FALLBACK = 2;

export class FrameHealth {
  private everLoaded = false;
  private failures = 0;
  private down = false;

  constructor(private readonly onDown: (failures: number) => void) {}

  /** A frame said 'ready' (or reported anything). */
  loaded(): void {
    this.everLoaded = true;
  }

  /** A frame never said a word. */
  failed(): void {
    if (this.everLoaded || this.down) return;
    if (++this.failures >= FRAME_FAILURES_BEFORE_FALLBACK) {
      this.down = true;
      this.onDown(this.failures);
    }
  }

  isDown(): boolean {
    return this.down;
  }
}

// The loopback names video frames load from (renderer/src/video/frame-protocol.ts), shared with the
// web shell, which must answer to them (main/web/access.ts) and let its wall frame them
// (main/web/csp.ts).

/**
 * The frames' second name. A wall frames its tiles from the other loopback name (127.0.0.1 ↔
 * localhost); after so many tiles it frames the next ones from here instead, so that the first
 * name's process, once its last tile closes, exits and gives back what Chromium's media stack kept
 * (renderer/src/video/frame-generations.ts), then back again. Browsers resolve `*.localhost` to
 * loopback themselves (RFC 6761; Chromium, Firefox), and it is a site of its own.
 */
export const FRAMES_ALT_HOST = 'frames.localhost';

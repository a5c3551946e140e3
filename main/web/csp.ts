// Content security policies, as plain strings: the web shell's pages and, with their app:// names,
// the Electron window's (main/electron/policy.ts).

/** the web shell under its other loopback name: where tiles' video frames come from (?videoFrame=auto) */
const LOOPBACK_SOURCES = 'http://127.0.0.1:* http://localhost:*';

const POLICY_BASE = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss: blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
];

/** Scripts only from ourselves, workers from blob: for maplibre; who may be framed and who may frame us as given. */
export function contentSecurityPolicy(frameSrc: string, frameAncestors: string): string {
  return [...POLICY_BASE, `frame-src ${frameSrc}`, `frame-ancestors ${frameAncestors}`].join('; ');
}

// The wall: frames only from the shell itself on loopback (tiles' video frames); framed by nobody.
// (The Electron window's is the same with its own app:// names: main/electron/policy.ts.)
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(`'self' ${LOOPBACK_SOURCES}`, "'none'");

/** A tile's video frame: framed by the wall, which is the shell under its other loopback name. */
export const VIDEO_FRAME_POLICY = contentSecurityPolicy("'none'", `'self' ${LOOPBACK_SOURCES}`);

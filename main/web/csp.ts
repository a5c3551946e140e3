// Content security policies and the other response headers pages get, as plain strings: the web
// shell's pages and, with their app:// names, the Electron window's (main/electron/policy.ts).
// Each policy names exactly what the wall uses: its own origin (which for CSP 3 includes the
// bridge's ws:// on the same host), the origin its tiles' frames come from, and the media origins
// the camera registry and the configuration name (docs/security.md).

import { FRAMES_ALT_HOST } from '../../core/video/frame-hosts.js';

export interface PolicySources {
  /** who this page may frame: tiles' video frames; none = "'none'" */
  frames: readonly string[];
  /** who may frame this page; none = "'none'" */
  ancestors: readonly string[];
  /** origins besides 'self' that images, video and their playlists come from */
  media?: readonly string[];
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(' ') : "'none'");
const withSelf = (xs: readonly string[]) => ["'self'", ...xs].join(' ');

/** Scripts only from ourselves, workers from blob: (maplibre), frames and framers as given. */
export function contentSecurityPolicy(s: PolicySources): string {
  const media = s.media ?? [];
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${withSelf(['data:', 'blob:', ...media])}`,
    `media-src ${withSelf(['blob:', ...media])}`,
    // hls.js fetches playlists and segments: the media origins; the bridge is 'self'
    `connect-src ${withSelf(['blob:', ...media])}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-src ${s.frames.length ? withSelf(s.frames) : "'none'"}`,
    `frame-ancestors ${list(s.ancestors)}`,
  ].join('; ');
}

/** The two loopback names of the web shell on `port`: a wall on one frames its tiles from the other. */
export const loopbackOrigins = (port: number): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

/** Where a wall's tiles' frames may come from: the loopback names and the frames' second name (core/video/frame-hosts.ts). */
export const frameOrigins = (port: number): string[] => [...loopbackOrigins(port), `http://${FRAMES_ALT_HOST}:${port}`];

export interface PagePolicies {
  /** the wall: frames its tiles from the other loopback name (or frames.localhost); framed by nobody */
  wall: string;
  /** a tile's video frame: frames nothing; framed only by the wall on a loopback name */
  videoFrame: string;
}

export function webShellPolicies(port: number, mediaOrigins: readonly string[]): PagePolicies {
  const loopback = loopbackOrigins(port);
  return {
    wall: contentSecurityPolicy({ frames: frameOrigins(port), ancestors: [], media: mediaOrigins }),
    videoFrame: contentSecurityPolicy({ frames: [], ancestors: loopback, media: mediaOrigins }),
  };
}

/**
 * Headers every response gets. No referrer leaves the wall (its URLs name cameras and incidents);
 * pages keep their own browsing context group; resources are for our own pages only.
 */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Documents add these: a window another site opens cannot reach into the wall. */
export const DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), payment=()',
};

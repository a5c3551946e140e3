// Electron security decisions as plain data and predicates, so they are testable without Electron.
import { contentSecurityPolicy, type PagePolicies } from '../web/csp.js';

/** The renderer is served from this origin through a custom protocol, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wall';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/**
 * Tiles' video frames come from a second host: another site, so Chromium can give them a process
 * of their own, whose memory goes with each frame (docs/video.md). The renderer pairs the two in
 * frameOriginFor (renderer/src/video/frame-protocol.ts).
 */
export const APP_VIDEO_HOST = 'video';
export const APP_VIDEO_ORIGIN = `${APP_SCHEME}://${APP_VIDEO_HOST}`;
/**
 * The frames' second name, a site (so a process) of its own: after so many tiles new frames come
 * from here, so that the first name's process can end once its last frame goes and give back what
 * Chromium's media stack kept (renderer/src/video/frame-generations.ts), then back again.
 */
export const APP_VIDEO_ALT_HOST = 'video2';
export const APP_VIDEO_ALT_ORIGIN = `${APP_SCHEME}://${APP_VIDEO_ALT_HOST}`;
/** Every origin video frames come from. */
export const APP_VIDEO_ORIGINS: readonly string[] = [APP_VIDEO_ORIGIN, APP_VIDEO_ALT_ORIGIN];
const isVideoHost = (host: string) => host === APP_VIDEO_HOST || host === APP_VIDEO_ALT_HOST;

/** The wall window's and its video frames' content policies, given the media origins (web/csp.ts). */
export function appPolicies(mediaOrigins: readonly string[] = []): PagePolicies {
  return {
    // frames only from the video hosts; framed by nobody
    wall: contentSecurityPolicy({ frames: APP_VIDEO_ORIGINS, ancestors: [], media: mediaOrigins }),
    // frames nothing, framed only by the wall
    videoFrame: contentSecurityPolicy({ frames: [], ancestors: [APP_ORIGIN], media: mediaOrigins }),
  };
}

/** What an app:// request gets. */
export type AppRoute =
  | { kind: 'proxy'; path: string }
  | { kind: 'file'; rel: string; policy: string }
  | { kind: 'refuse'; status: 400 | 404; text: string };

const PROXIED = (path: string) => path.startsWith('/video/') || path.startsWith('/media/') || path === '/basemap.pmtiles';
const VIDEO_FRAME_PAGE = 'video-frame.html';

/**
 * Routes an app:// request: the loopback server's streams, media and basemap for both hosts; the
 * renderer build for the wall; for the video host only the frame page and the build's assets.
 */
export function routeAppRequest(url: URL, policies: PagePolicies = appPolicies()): AppRoute {
  if (url.protocol !== `${APP_SCHEME}:` || (url.host !== APP_HOST && !isVideoHost(url.host))) return { kind: 'refuse', status: 404, text: 'not found' };
  if (PROXIED(url.pathname)) return { kind: 'proxy', path: `${url.pathname}${url.search}` };
  const rel = rendererFileFor(url.pathname);
  if (!rel) return { kind: 'refuse', status: 400, text: 'bad path' };
  if (url.host === APP_HOST) return { kind: 'file', rel, policy: policies.wall };
  if (rel === VIDEO_FRAME_PAGE || rel.startsWith('assets/')) return { kind: 'file', rel, policy: policies.videoFrame };
  return { kind: 'refuse', status: 404, text: 'not found' };
}

export function wallWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: undefined,
    webviewTag: false,
    spellcheck: false,
    // A wall window is often not focused; it must keep drawing and playing video.
    backgroundThrottling: false,
    // and it must sound an alarm with nobody at the keys (a browser waits for a first gesture)
    autoplayPolicy: 'no-user-gesture-required',
  } as const;
}

/** Only our own pages may talk to the services. */
export function isTrustedUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Maps an app:// request path to a file under the renderer build, or null when it escapes it. */
export function rendererFileFor(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p.includes('\\'))) return null;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}

/** GPU process crashes tolerated before the wall relaunches with software rendering. */
export const GPU_CRASHES_BEFORE_SOFTWARE = 3;

/**
 * A replay opens in a window of its own while the live wall stays live (docs/replay.md): only our
 * own page with a `?replay=` query, and it is a wall window like any other (same preload, same
 * lock-down). Anything else a page asks to open is refused.
 */
export function replayWindowPath(url: string): string | null {
  if (!isTrustedUrl(url)) return null;
  const u = new URL(url);
  const replay = u.searchParams.get('replay');
  if (u.pathname !== '/index.html' || !replay || !/^[0-9TZ:.+\-/]{3,80}$/.test(replay)) return null;
  return `/index.html?replay=${encodeURIComponent(replay)}`;
}

/** The one page a video frame may hold (renderer/src/video/frame-pool.ts): on a video host. */
const VIDEO_FRAME_URLS = APP_VIDEO_ORIGINS.map((o) => `${o}/${VIDEO_FRAME_PAGE}`);

/**
 * Where a frame of a wall window may go (`will-frame-navigate`, `will-navigate`): the main frame
 * only to the wall's own pages, a subframe only to a video host's frame page. Everything else a
 * page, a link or a script asks for is refused: the wall never shows anyone else's content.
 */
export function navigationAllowed(nav: { url: string; isMainFrame: boolean }): boolean {
  if (nav.isMainFrame) return isTrustedUrl(nav.url);
  try {
    const u = new URL(nav.url);
    // (origin is "null" for a scheme Node's URL does not know: compare its parts)
    return VIDEO_FRAME_URLS.includes(`${u.protocol}//${u.host}${u.pathname}`) && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

/**
 * A redirect during a navigation (`will-redirect`) lands where the navigation could not have gone
 * itself only if it is refused too: the same rule, applied to where it leads. app:// never
 * redirects, so in practice this refuses every redirect out of our origins.
 */
export function redirectAllowed(nav: { url: string; isMainFrame: boolean }): boolean {
  return navigationAllowed(nav);
}

/**
 * The URL a wall window loads for one display: its roles (`?display=`, core/display.ts) and the
 * screen name layout presets use (`?screen=`); neither when the window has none.
 */
export function wallPageUrl(slot: { roles?: string | null; screen?: string | null } = {}): string {
  const q = new URLSearchParams();
  if (slot.roles) q.set('display', slot.roles);
  if (slot.screen) q.set('screen', slot.screen);
  const query = q.toString();
  return `${APP_ORIGIN}/index.html${query ? `?${query}` : ''}`;
}

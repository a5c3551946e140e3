// Electron security decisions as plain data and predicates, so they are testable without Electron.

/** The renderer is served from this origin through a custom protocol, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wall';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

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

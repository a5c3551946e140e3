import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, appPolicies, isTrustedUrl, navigationAllowed, redirectAllowed, rendererFileFor, replayWindowPath, routeAppRequest, wallPageUrl, wallWebPreferences } from '../../../main/electron/policy.js';

const { wall: APP_WALL_POLICY, videoFrame: APP_VIDEO_FRAME_POLICY } = appPolicies();

describe('Electron security policy', () => {
  it('wall windows are isolated, sandboxed and without Node', () => {
    const p = wallWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, backgroundThrottling: false, autoplayPolicy: 'no-user-gesture-required' });
  });

  it.each([
    ['app://wall/index.html', true],
    ['app://wall/', true],
    ['app://evil/index.html', false],
    ['file:///etc/passwd', false],
    ['http://127.0.0.1:5170/', false],
    ['https://wall/', false],
    ['not a url', false],
    ['', false],
  ])('trusts %s: %s', (url, trusted) => {
    expect(isTrustedUrl(url)).toBe(trusted);
  });

  it.each([
    ['/', 'index.html'],
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/../secret', null],
    ['/assets/%2e%2e/%2e%2e/etc/passwd', null],
    ['/a%00b', null],
    ['/%E0%A4%A', null],
    ['/a\\..\\b', null],
  ])('maps %s to %s', (path, file) => {
    expect(rendererFileFor(path)).toBe(file);
  });

  it.each([
    // both hosts: the loopback server's streams, media and basemap
    ['app://wall/video/live/C001.m3u8?x=1', { kind: 'proxy', path: '/video/live/C001.m3u8?x=1' }],
    ['app://video/video/seg/v1/seg_001.ts?cam=C001', { kind: 'proxy', path: '/video/seg/v1/seg_001.ts?cam=C001' }],
    ['app://wall/basemap.pmtiles', { kind: 'proxy', path: '/basemap.pmtiles' }],
    // the wall: the renderer build, under the wall's policy
    ['app://wall/', { kind: 'file', rel: 'index.html', policy: APP_WALL_POLICY }],
    ['app://wall/assets/main-abc.js', { kind: 'file', rel: 'assets/main-abc.js', policy: APP_WALL_POLICY }],
    // the video host: only the frame page and the build's assets, under the frame's policy
    ['app://video/video-frame.html', { kind: 'file', rel: 'video-frame.html', policy: APP_VIDEO_FRAME_POLICY }],
    ['app://video/assets/player-abc.js', { kind: 'file', rel: 'assets/player-abc.js', policy: APP_VIDEO_FRAME_POLICY }],
    ['app://video/', { kind: 'refuse', status: 404, text: 'not found' }],
    ['app://video/index.html', { kind: 'refuse', status: 404, text: 'not found' }],
    // the frames' second name (their second generation): the same
    ['app://video2/video-frame.html', { kind: 'file', rel: 'video-frame.html', policy: APP_VIDEO_FRAME_POLICY }],
    ['app://video2/assets/player-abc.js', { kind: 'file', rel: 'assets/player-abc.js', policy: APP_VIDEO_FRAME_POLICY }],
    ['app://video2/video/seg/v1/seg_001.ts', { kind: 'proxy', path: '/video/seg/v1/seg_001.ts' }],
    ['app://video2/index.html', { kind: 'refuse', status: 404, text: 'not found' }],
    // anything else
    ['app://video3/video-frame.html', { kind: 'refuse', status: 404, text: 'not found' }],
    ['app://evil/index.html', { kind: 'refuse', status: 404, text: 'not found' }],
    // dot segments are resolved by the URL parser before routing: they stay under the build
    ['app://wall/../secret', { kind: 'file', rel: 'secret', policy: APP_WALL_POLICY }],
    ['app://wall/assets/%2e%2e/%2e%2e/etc/passwd', { kind: 'file', rel: 'etc/passwd', policy: APP_WALL_POLICY }],
    ['app://wall/a%00b', { kind: 'refuse', status: 400, text: 'bad path' }],
    ['app://video/assets/%E0%A4%A', { kind: 'refuse', status: 400, text: 'bad path' }],
  ])('routes %s', (url, route) => {
    expect(routeAppRequest(new URL(url))).toEqual(route);
  });

  it('lets the wall frame only its video hosts, and the video hosts be framed only by the wall', () => {
    expect(APP_WALL_POLICY).toContain("frame-src 'self' app://video app://video2;");
    expect(APP_WALL_POLICY).toContain("frame-ancestors 'none'");
    expect(APP_VIDEO_FRAME_POLICY).toContain("frame-src 'none';");
    expect(APP_VIDEO_FRAME_POLICY).toContain('frame-ancestors app://wall');
    expect(APP_VIDEO_FRAME_POLICY).toContain("script-src 'self'");
  });

  it('lets pages fetch streams from the media origins it is given, and from nowhere else', () => {
    const { wall, videoFrame } = appPolicies(['http://10.0.0.5:8080']);
    for (const p of [wall, videoFrame]) {
      expect(p).toContain("connect-src 'self' blob: http://10.0.0.5:8080;");
      expect(p).toContain("media-src 'self' blob: http://10.0.0.5:8080;");
      expect(p).not.toMatch(/connect-src[^;]*\bwss?:/);
    }
    expect(APP_WALL_POLICY).toContain("connect-src 'self' blob:;");
  });
});

describe('replay windows', () => {
  it('opens our own page with a ?replay= in a window of its own, and nothing else', () => {
    expect(replayWindowPath(`${APP_ORIGIN}/index.html?replay=2026-12-05T08:00:00Z/2026-12-05T09:00:00Z`)).toBe('/index.html?replay=2026-12-05T08%3A00%3A00Z%2F2026-12-05T09%3A00%3A00Z');
    expect(replayWindowPath(`${APP_ORIGIN}/index.html?replay=1796457550000/1796457670000`)).toBe('/index.html?replay=1796457550000%2F1796457670000');
    expect(replayWindowPath('https://example.com/index.html?replay=1/2')).toBeNull();
    expect(replayWindowPath(`${APP_ORIGIN}/index.html`)).toBeNull();
    expect(replayWindowPath(`${APP_ORIGIN}/other.html?replay=1/2`)).toBeNull();
    expect(replayWindowPath(`${APP_ORIGIN}/index.html?replay=<script>`)).toBeNull();
  });
});


describe('where a wall window\'s frames may go', () => {
  it.each([
    // the main frame: our own pages only
    ['app://wall/index.html?display=map', true, true],
    ['app://wall/', true, true],
    ['app://video/video-frame.html', true, false],
    ['https://example.com/', true, false],
    ['file:///etc/passwd', true, false],
    ['http://127.0.0.1:5170/', true, false],
    ['javascript:alert(1)', true, false],
    ['about:blank', true, false],
    // a subframe: the video host's frame page only (any query or fragment)
    ['app://video/video-frame.html#parent=app://wall&id=3', false, true],
    ['app://video/video-frame.html?x=1', false, true],
    ['app://video2/video-frame.html#parent=app://wall', false, true],
    ['app://video2/index.html', false, false],
    ['app://video3/video-frame.html', false, false],
    ['app://video/index.html', false, false],
    ['app://video:8080/video-frame.html', false, false],
    ['app://user:pw@video/video-frame.html', false, false],
    ['app://wall/index.html', false, false],
    ['https://evil.example/video-frame.html', false, false],
    ['not a url', false, false],
    ['', false, false],
  ])('%s (main frame: %s): %s', (url, isMainFrame, allowed) => {
    expect(navigationAllowed({ url, isMainFrame })).toBe(allowed);
    // a redirect may only land where a navigation could have gone
    expect(redirectAllowed({ url, isMainFrame })).toBe(allowed);
  });
});

describe('the page a display\'s window loads', () => {
  it('names its roles and screen, and nothing when it has neither', () => {
    expect(wallPageUrl({ roles: 'map+board', screen: 'left' })).toBe('app://wall/index.html?display=map%2Bboard&screen=left');
    expect(new URL(wallPageUrl({ roles: 'map+board', screen: 'left' })).searchParams.get('display')).toBe('map+board');
    expect(wallPageUrl({ roles: 'video' })).toBe('app://wall/index.html?display=video');
    expect(wallPageUrl({ screen: null, roles: null })).toBe('app://wall/index.html');
    expect(isTrustedUrl(wallPageUrl({ roles: 'dispatch', screen: 'desk' }))).toBe(true);
  });
});

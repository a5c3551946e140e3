import { describe, expect, it } from 'vitest';
import { isTrustedUrl, rendererFileFor, wallWebPreferences } from '../../../main/electron/policy.js';

describe('Electron security policy', () => {
  it('wall windows are isolated, sandboxed and without Node', () => {
    const p = wallWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, backgroundThrottling: false });
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
});

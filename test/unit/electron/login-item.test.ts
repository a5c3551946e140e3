import { describe, expect, it, vi } from 'vitest';

// login-item.ts imports `app` for applyStartOnLogin; the plan is a plain function and needs none
vi.mock('electron', () => ({ app: {} }));
const { loginItemPlan } = await import('../../../main/electron/login-item.js');

const facts = { platform: 'linux' as NodeJS.Platform, packaged: true, enabled: true, exec: '/opt/Watchfloor/watchfloor', configHome: '/home/duty/.config' };

describe('electron.startOnLogin', () => {
  it('Windows and macOS: the system login item', () => {
    expect(loginItemPlan({ ...facts, platform: 'win32' })).toEqual({ kind: 'login-item', openAtLogin: true });
    expect(loginItemPlan({ ...facts, platform: 'darwin', enabled: false })).toEqual({ kind: 'login-item', openAtLogin: false });
  });

  it('Linux: an XDG autostart entry, written or removed', () => {
    const on = loginItemPlan({ ...facts, exec: '/home/duty/Apps/Watch floor.AppImage' });
    expect(on).toMatchObject({ kind: 'autostart-file', path: '/home/duty/.config/autostart/watchfloor.desktop' });
    expect(on.kind === 'autostart-file' && on.content).toContain('Exec="/home/duty/Apps/Watch floor.AppImage"\n');
    expect(on.kind === 'autostart-file' && on.content).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(loginItemPlan({ ...facts, enabled: false })).toEqual({ kind: 'autostart-file', path: '/home/duty/.config/autostart/watchfloor.desktop', content: null });
  });

  it('refuses a program path an Exec= line cannot carry safely', () => {
    for (const exec of ['/a/"b"', '/a/$HOME', '/a/100%', '/a\\b', '/a/`x`', '/a/\nb']) expect(loginItemPlan({ ...facts, exec }).kind).toBe('skip');
  });

  it('nothing from a checkout (it would register the bare Electron binary)', () => {
    expect(loginItemPlan({ ...facts, packaged: false })).toEqual({ kind: 'skip', why: 'not a packaged app' });
  });
});

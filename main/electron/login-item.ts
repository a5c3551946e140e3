// `electron.startOnLogin`: the wall starts when the machine's user logs in. Windows and macOS keep
// login items themselves (app.setLoginItemSettings); Linux desktops read an XDG autostart entry
// (~/.config/autostart), which Electron does not write, so the shell writes it. The decision is a
// plain function; applyStartOnLogin does what it says.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { app } from 'electron';

export type LoginItemPlan =
  | { kind: 'login-item'; openAtLogin: boolean }
  | { kind: 'autostart-file'; path: string; content: string | null }
  | { kind: 'skip'; why: string };

export interface LoginItemFacts {
  platform: NodeJS.Platform;
  packaged: boolean;
  enabled: boolean;
  /** the program to start: the AppImage's own path when run from one ($APPIMAGE), else the executable */
  exec: string;
  /** $XDG_CONFIG_HOME, or ~/.config */
  configHome: string;
}

/**
 * Exec= quoting (Desktop Entry specification) escapes twice over for quotes, backslashes, `$` and
 * backticks, and `%` is a field code: a path with any of them is refused rather than risked.
 */
const UNSAFE_EXEC = /["`$\\%\p{Cc}]/u;

export function loginItemPlan(f: LoginItemFacts): LoginItemPlan {
  // an unpackaged checkout would register the bare Electron binary, which opens no wall
  if (!f.packaged) return { kind: 'skip', why: 'not a packaged app' };
  if (f.platform === 'win32' || f.platform === 'darwin') return { kind: 'login-item', openAtLogin: f.enabled };
  if (f.platform !== 'linux') return { kind: 'skip', why: `no login items on ${f.platform}` };
  const path = join(f.configHome, 'autostart', 'watchfloor.desktop');
  if (f.enabled && UNSAFE_EXEC.test(f.exec)) return { kind: 'skip', why: `the program's path (${f.exec}) holds characters an autostart entry cannot carry safely` };
  const content = f.enabled
    ? ['[Desktop Entry]', 'Type=Application', 'Name=Watchfloor', 'Comment=Command-center video wall', `Exec="${f.exec}"`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n')
    : null;
  return { kind: 'autostart-file', path, content };
}

export function applyStartOnLogin(enabled: boolean): void {
  const home = process.env.HOME ?? app.getPath('home');
  const plan = loginItemPlan({
    platform: process.platform,
    packaged: app.isPackaged,
    enabled,
    exec: process.env.APPIMAGE ?? process.execPath,
    configHome: process.env.XDG_CONFIG_HOME || join(home, '.config'),
  });
  try {
    if (plan.kind === 'login-item') app.setLoginItemSettings({ openAtLogin: plan.openAtLogin });
    else if (plan.kind === 'autostart-file' && plan.content !== null) {
      mkdirSync(dirname(plan.path), { recursive: true });
      writeFileSync(plan.path, plan.content, { mode: 0o644 });
    } else if (plan.kind === 'autostart-file') rmSync(plan.path, { force: true });
  } catch (e) {
    // not being started at login is no reason to stop the wall now
    console.error(`electron.startOnLogin: ${(e as Error).message}`);
  }
}

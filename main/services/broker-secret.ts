// Where the web shell takes the broker's password from, besides the configuration file: the
// environment (WATCHFLOOR_BROKER_PASSWORD) or a file of its own (--broker-password-file), so the
// password need not sit in a config that is copied around. A file the password is read from — the
// password file, or a config file holding a `password` — must not be readable by others: the
// shell says so at start (it still starts: refusing would leave the room without its wall).
// The Electron shell keeps the password in safeStorage instead (main/electron/secrets.ts).
import { readFileSync, statSync } from 'node:fs';
import { err, ok, type Result } from '../../core/result.js';

export const PASSWORD_ENV = 'WATCHFLOOR_BROKER_PASSWORD';

export interface BrokerSecret {
  /** the password to use, when the environment or a file gave one */
  password?: string;
  /** where it came from, for the start-up line (never the password) */
  from?: string;
  /** what the person starting the wall should fix */
  warnings: string[];
}

/** `FILE is readable by others (mode 0644): chmod 600 FILE`, or null (or null where modes mean nothing, as on Windows). */
export function readableByOthers(path: string, platform = process.platform): string | null {
  if (platform === 'win32') return null;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  return `${path} is readable by others (mode 0${mode.toString(8)}): it holds the broker password — chmod 600 ${path}`;
}

export function brokerSecret(opts: { env: NodeJS.ProcessEnv; passwordFile?: string; configPath?: string; configHasPassword: boolean; platform?: NodeJS.Platform }): Result<BrokerSecret> {
  const warnings: string[] = [];
  const fromEnv = opts.env[PASSWORD_ENV];
  const given = [fromEnv !== undefined && fromEnv !== '' ? PASSWORD_ENV : null, opts.passwordFile ? '--broker-password-file' : null, opts.configHasPassword ? 'the config file' : null].filter((x): x is string => x !== null);
  if (given.length > 1) return err(`the broker password is given twice (${given.join(' and ')}): give it one way`);
  if (opts.configHasPassword && opts.configPath) {
    const w = readableByOthers(opts.configPath, opts.platform);
    if (w) warnings.push(w);
  }
  if (fromEnv !== undefined && fromEnv !== '') return ok({ password: fromEnv, from: PASSWORD_ENV, warnings });
  if (!opts.passwordFile) return ok({ warnings });
  let text: string;
  try {
    text = readFileSync(opts.passwordFile, 'utf8');
  } catch (e) {
    return err(`cannot read the broker password file ${opts.passwordFile}: ${(e as Error).message}`);
  }
  // one line: a trailing newline (as `echo` writes it) is not part of the password
  const password = text.replace(/\r?\n$/, '');
  if (password === '' || /[\r\n]/.test(password)) return err(`the broker password file ${opts.passwordFile} must hold the password on one line`);
  const w = readableByOthers(opts.passwordFile, opts.platform);
  if (w) warnings.push(w);
  return ok({ password, from: opts.passwordFile, warnings });
}

// The web shell's broker password from the environment or a file of its own, and the warning when
// a file that holds it (that file, or a config file with a password) is readable by others —
// through parseShellArgs, with real files and real modes.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV } from '../../../main/services/broker-secret';
import { parseShellArgs } from '../../../main/services/cli-args';

const dir = mkdtempSync(join(tmpdir(), 'wf-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode: number) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
};
const BROKER = ['--broker', 'mqtt://127.0.0.1:1883', '--no-demo'];
const cfg = (name: string, o: Record<string, unknown>, mode: number) => file(name, JSON.stringify({ username: 'wall', ...o }), mode);

describe.skipIf(process.platform === 'win32')('the broker password of the web shell', () => {
  it('comes from WATCHFLOOR_BROKER_PASSWORD, with no warning', () => {
    const r = parseShellArgs([...BROKER, '--config', cfg('env.json', {}, 0o644)], dir, { env: { [PASSWORD_ENV]: 's3cret' } });
    expect(r.ok && r.value.config.password).toBe('s3cret');
    expect(r.ok && r.value.warnings).toEqual([]);
  });

  it('comes from a password file (one line, its newline dropped); a file others can read is said at start', () => {
    const own = file('own.txt', 'pa ss\n', 0o600);
    const r = parseShellArgs([...BROKER, '--config', cfg('f.json', {}, 0o600), '--broker-password-file', own], dir, { env: {} });
    expect(r.ok && r.value.config.password).toBe('pa ss');
    expect(r.ok && r.value.warnings).toEqual([]);
    const open = file('open.txt', 'pa ss\n', 0o644);
    const w = parseShellArgs([...BROKER, '--config', cfg('g.json', {}, 0o600), '--broker-password-file', open], dir, { env: {} });
    expect(w.ok && w.value.config.password).toBe('pa ss');
    expect(w.ok && w.value.warnings).toEqual([`${open} is readable by others (mode 0644): it holds the broker password — chmod 600 ${open}`]);
  });

  it('says so when the config file holding the password is readable by others', () => {
    const c = cfg('loose.json', { password: 'in-config' }, 0o640);
    const r = parseShellArgs([...BROKER, '--config', c], dir, { env: {} });
    expect(r.ok && r.value.config.password).toBe('in-config');
    expect(r.ok && r.value.warnings).toEqual([`${c} is readable by others (mode 0640): it holds the broker password — chmod 600 ${c}`]);
    // a config without a password may be read by anyone
    const plain = parseShellArgs([...BROKER, '--config', cfg('plain.json', {}, 0o644)], dir, { env: {} });
    expect(plain.ok && plain.value.warnings).toEqual([]);
  });

  it('refuses a password given twice, an unreadable file, an empty or two-line one', () => {
    const own = file('twice.txt', 'x', 0o600);
    const twice = parseShellArgs([...BROKER, '--broker-password-file', own], dir, { env: { [PASSWORD_ENV]: 'y' } });
    expect(twice).toEqual({ ok: false, error: `the broker password is given twice (${PASSWORD_ENV} and --broker-password-file): give it one way` });
    const inConfig = parseShellArgs([...BROKER, '--config', cfg('both.json', { password: 'a' }, 0o600)], dir, { env: { [PASSWORD_ENV]: 'b' } });
    expect(inConfig.ok).toBe(false);
    const missing = parseShellArgs([...BROKER, '--broker-password-file', join(dir, 'nope.txt')], dir, { env: {} });
    expect(!missing.ok && missing.error).toMatch(/^cannot read the broker password file .*nope\.txt: ENOENT/);
    for (const [name, text] of [['empty.txt', '\n'], ['two.txt', 'a\nb\n']]) {
      const r = parseShellArgs([...BROKER, '--broker-password-file', file(name, text, 0o600)], dir, { env: {} });
      expect(!r.ok && r.error).toMatch(/must hold the password on one line$/);
    }
  });
});

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerPasswordFor, loadBrokerPassword, storeBrokerPassword } from '../../../main/electron/secrets.js';
import { SafeStorageDouble } from '../../helpers/electron-double.js';

const safe = () => new SafeStorageDouble(() => undefined);
const dir = () => mkdtempSync(join(tmpdir(), 'wf-secrets-'));

describe('the Electron shell\'s broker password', () => {
  it('is stored encrypted, 0600, and read back', () => {
    const path = join(dir(), 'user', 'secrets.bin');
    expect(storeBrokerPassword(path, 's3cret-密码', safe())).toEqual({ ok: true, value: undefined });
    expect(readFileSync(path).includes(Buffer.from('s3cret'))).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadBrokerPassword(path, safe())).toEqual({ ok: true, value: 's3cret-密码' });
  });

  it('is not stored without a keyring, nor with Linux\'s built-in key', () => {
    const path = join(dir(), 'secrets.bin');
    const none = safe();
    none.available = false;
    expect(storeBrokerPassword(path, 'x', none).ok).toBe(false);
    const basic = Object.assign(safe(), { getSelectedStorageBackend: () => 'basic_text' });
    const r = storeBrokerPassword(path, 'x', basic);
    expect(r.ok === false && r.error).toContain('no keyring');
    expect(storeBrokerPassword(path, '', safe()).ok).toBe(false);
  });

  it('says so when a stored password cannot be read, and is simply absent when none is stored', () => {
    const d = dir();
    expect(loadBrokerPassword(join(d, 'none.bin'), safe())).toEqual({ ok: true, value: null });
    writeFileSync(join(d, 'bad.bin'), 'plain text');
    const bad = loadBrokerPassword(join(d, 'bad.bin'), safe());
    expect(bad.ok === false && bad.error).toContain('cannot be decrypted');
    const path = join(d, 'good.bin');
    storeBrokerPassword(path, 'x', safe());
    const locked = safe();
    locked.available = false;
    const r = loadBrokerPassword(path, locked);
    expect(r.ok === false && r.error).toContain('keyring is not available');
  });

  it('never comes from the configuration file or a broker URL', () => {
    const base = { brokers: ['mqtts://mqtt.local:8883'], username: 'wall', password: undefined };
    expect(brokerPasswordFor(base, 'p')).toEqual({ ok: true, value: 'p' });
    expect(brokerPasswordFor(base, null)).toEqual({ ok: true, value: null });
    const plain = brokerPasswordFor({ ...base, password: 'p' }, null);
    expect(plain.ok === false && plain.error).toContain('--store-broker-password');
    expect(brokerPasswordFor({ ...base, brokers: ['mqtt://wall:p@mqtt.local'] }, null).ok).toBe(false);
    expect(brokerPasswordFor({ ...base, username: undefined }, 'p').ok).toBe(false);
  });
});

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerPasswordFor, clientKeyFor, loadBrokerPassword, loadSecrets, storeBrokerPassword, storeClientKey } from '../../../main/electron/secrets.js';
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

describe("the Electron shell's broker client key", () => {
  const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nAbc+/=\n-----END PRIVATE KEY-----\n';

  it('is stored encrypted beside a stored password, each kept when the other is stored', () => {
    const path = join(dir(), 'secrets.bin');
    expect(storeBrokerPassword(path, 'pw', safe()).ok).toBe(true);
    expect(storeClientKey(path, KEY, safe())).toEqual({ ok: true, value: undefined });
    expect(readFileSync(path).includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadSecrets(path, safe())).toEqual({ ok: true, value: { brokerPassword: 'pw', clientKey: KEY } });
    expect(storeBrokerPassword(path, 'pw2', safe()).ok).toBe(true);
    expect(loadSecrets(path, safe())).toEqual({ ok: true, value: { brokerPassword: 'pw2', clientKey: KEY } });
    // a key alone: no password is stored, and none is read
    const keyOnly = join(dir(), 'secrets.bin');
    expect(storeClientKey(keyOnly, KEY, safe()).ok).toBe(true);
    expect(loadBrokerPassword(keyOnly, safe())).toEqual({ ok: true, value: null });
  });

  it('must be an unencrypted PEM private key, and is not stored over a file that cannot be read', () => {
    const path = join(dir(), 'secrets.bin');
    const no = (pem: string, says: string) => {
      const r = storeClientKey(path, pem, safe());
      expect(r.ok === false && r.error, pem.slice(0, 40)).toContain(says);
    };
    no('', 'no key');
    no('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----', 'passphrase');
    no('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----', 'passphrase');
    no('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'not a PEM private key');
    no('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----', 'not a PEM private key');
    expect(storeClientKey(path, '-----BEGIN EC PARAMETERS-----\nBggq\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n', safe()).ok).toBe(true);
    const bad = join(dir(), 'bad.bin');
    writeFileSync(bad, 'not encrypted by this keyring');
    const r = storeClientKey(bad, KEY, safe());
    expect(r.ok === false && r.error).toContain('cannot be decrypted');
    expect(readFileSync(bad, 'utf8')).toBe('not encrypted by this keyring');
  });

  it('never comes from a key file named in the configuration, and goes with a certificate', () => {
    expect(clientKeyFor({ tls: { cert: 'c.pem', rejectUnauthorized: true } }, KEY)).toEqual({ ok: true, value: KEY });
    expect(clientKeyFor({ tls: undefined }, null)).toEqual({ ok: true, value: null });
    const file = clientKeyFor({ tls: { cert: 'c.pem', key: 'client.key', rejectUnauthorized: true } }, null);
    expect(file.ok === false && file.error).toContain('--store-client-key');
    const noCert = clientKeyFor({ tls: { rejectUnauthorized: true } }, KEY);
    expect(noCert.ok === false && noCert.error).toContain('tls.cert');
  });
});

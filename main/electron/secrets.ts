// The broker password and the broker client key (mutual TLS) of the Electron shell: kept encrypted
// with Electron's safeStorage (the OS keyring: DPAPI on Windows, the Keychain on macOS,
// libsecret/kwallet on Linux) in <userData>/secrets.bin, never in the configuration file or a key
// file beside it. Stored once each with `watchfloor --store-broker-password` and
// `watchfloor --store-client-key` (the secret on stdin); storing one keeps the other. The decisions
// are plain functions; the file functions take safeStorage as an argument, so both are testable
// without Electron.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WatchfloorConfig } from '../../core/config.js';
import { err, ok, type Result } from '../../core/result.js';

export const SECRETS_FILE = 'secrets.bin';
export const STORE_FLAG = '--store-broker-password';
export const STORE_KEY_FLAG = '--store-client-key';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, and a key anyone can read */
  getSelectedStorageBackend?(): string;
}

interface Secrets {
  brokerPassword?: string;
  /** PEM */
  clientKey?: string;
}

const HOW = `store it encrypted instead: \`watchfloor ${STORE_FLAG}\` with the password on stdin`;
const HOW_KEY = `store it encrypted instead: \`watchfloor ${STORE_KEY_FLAG} < client.key\`, then delete the file`;

/**
 * The password the services get: the stored one, or none. A password in the configuration file
 * (or in a broker URL) is refused: on a duty-room PC the file is read by whoever maintains it.
 */
export function brokerPasswordFor(config: Pick<WatchfloorConfig, 'password' | 'username' | 'brokers'>, stored: string | null): Result<string | null> {
  if (config.password !== undefined) return err(`password: the Electron shell takes no broker password from its configuration file; remove it and ${HOW}`);
  if (config.brokers.some((u) => /^[a-z]+:\/\/[^/?#]*@/i.test(u))) return err(`brokers: the Electron shell takes no credentials in broker URLs; give "username" in the configuration and ${HOW}`);
  if (stored === null) return ok(null);
  if (!config.username) return err(`a broker password is stored (${SECRETS_FILE}) but the configuration names no "username" to go with it`);
  return ok(stored);
}

/**
 * The client key the services get: the stored one, or none. A key file named in the configuration
 * is refused: a key lying in a file on a duty-room PC is readable by whoever can read that file.
 */
export function clientKeyFor(config: Pick<WatchfloorConfig, 'tls'>, stored: string | null): Result<string | null> {
  if (config.tls?.key !== undefined) return err(`tls.key: the Electron shell takes no client key file; remove it from the configuration and ${HOW_KEY}`);
  if (stored === null) return ok(null);
  if (!config.tls?.cert) return err(`a client key is stored (${SECRETS_FILE}) but the configuration names no "tls.cert" to go with it`);
  return ok(stored);
}

/** Everything stored: null when nothing is; an error when it cannot be decrypted. */
export function loadSecrets(path: string, safe: SafeStorageLike): Result<Secrets | null> {
  if (!existsSync(path)) return ok(null);
  if (!safe.isEncryptionAvailable()) return err(`${path}: secrets are stored, but this system's keyring is not available to decrypt them`);
  let secrets: unknown;
  try {
    secrets = JSON.parse(safe.decryptString(readFileSync(path)));
  } catch (e) {
    return err(`${path}: cannot be decrypted (${(e as Error).message.slice(0, 200)}); store the secrets again (${STORE_FLAG}, ${STORE_KEY_FLAG})`);
  }
  if (typeof secrets !== 'object' || secrets === null) return err(`${path}: not a secrets file; store the secrets again (${STORE_FLAG}, ${STORE_KEY_FLAG})`);
  const { brokerPassword, clientKey } = secrets as Record<string, unknown>;
  return ok({ ...(typeof brokerPassword === 'string' ? { brokerPassword } : {}), ...(typeof clientKey === 'string' ? { clientKey } : {}) });
}

/** Reads the stored password: null when none is stored; an error when it cannot be decrypted. */
export function loadBrokerPassword(path: string, safe: SafeStorageLike): Result<string | null> {
  const s = loadSecrets(path, safe);
  return s.ok ? ok(s.value?.brokerPassword ?? null) : s;
}

/** Encrypts and writes the password (0600, through a temporary file), keeping a stored key. Refuses without a real keyring. */
export function storeBrokerPassword(path: string, password: string, safe: SafeStorageLike): Result<void> {
  if (password === '') return err('no password given on stdin');
  return storeSecret(path, { brokerPassword: password }, 'password', safe);
}

/**
 * Encrypts and writes the client key (PEM), keeping a stored password. Only an unencrypted private
 * key: here the keyring is what encrypts it, and a passphrase would have to be stored beside it.
 */
export function storeClientKey(path: string, pem: string, safe: SafeStorageLike): Result<void> {
  const text = pem.trim();
  if (text === '') return err('no key given on stdin');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) return err('the key is encrypted with a passphrase: give it decrypted (`openssl pkey -in client.key`); the keyring encrypts it here');
  // (openssl writes EC keys with an EC PARAMETERS block before the key: it stays)
  if (!/-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1-----/.test(text)) return err('not a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)');
  return storeSecret(path, { clientKey: `${text}\n` }, 'key', safe);
}

function storeSecret(path: string, patch: Secrets, what: 'password' | 'key', safe: SafeStorageLike): Result<void> {
  if (!safe.isEncryptionAvailable()) return err(`this system offers no encryption for secrets (no keyring): the ${what} was not stored`);
  // Linux without a keyring "encrypts" with a key built into Chromium: that is plain text by another name
  if (safe.getSelectedStorageBackend?.() === 'basic_text') return err(`no keyring (libsecret or kwallet) is running for this user: the ${what} would be stored with a key anyone can read, so it was not stored`);
  // what is stored already stays; a file that cannot be read is not silently replaced
  const before = loadSecrets(path, safe);
  if (!before.ok) return err(`${before.error} — or delete it to start afresh: the ${what} was not stored`);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, safe.encryptString(JSON.stringify({ ...(before.value ?? {}), ...patch } satisfies Secrets)), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    return ok(undefined);
  } catch (e) {
    return err(`${path}: ${(e as Error).message}`);
  }
}

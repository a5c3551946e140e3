// The broker password of the Electron shell: kept encrypted with Electron's safeStorage (the OS
// keyring: DPAPI on Windows, the Keychain on macOS, libsecret/kwallet on Linux) in
// <userData>/secrets.bin, never in the configuration file. Stored once with
// `watchfloor --store-broker-password` (the password on stdin). The decision is a plain function;
// the file functions take safeStorage as an argument, so both are testable without Electron.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WatchfloorConfig } from '../../core/config.js';
import { err, ok, type Result } from '../../core/result.js';

export const SECRETS_FILE = 'secrets.bin';
export const STORE_FLAG = '--store-broker-password';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, and a key anyone can read */
  getSelectedStorageBackend?(): string;
}

interface Secrets {
  brokerPassword: string;
}

const HOW = `store it encrypted instead: \`watchfloor ${STORE_FLAG}\` with the password on stdin`;

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

/** Reads the stored password: null when none is stored; an error when it cannot be decrypted. */
export function loadBrokerPassword(path: string, safe: SafeStorageLike): Result<string | null> {
  if (!existsSync(path)) return ok(null);
  if (!safe.isEncryptionAvailable()) return err(`${path}: a broker password is stored, but this system's keyring is not available to decrypt it`);
  try {
    const secrets = JSON.parse(safe.decryptString(readFileSync(path))) as Partial<Secrets>;
    if (typeof secrets.brokerPassword !== 'string') return err(`${path}: holds no broker password; store it again (${STORE_FLAG})`);
    return ok(secrets.brokerPassword);
  } catch (e) {
    return err(`${path}: cannot be decrypted (${(e as Error).message.slice(0, 200)}); store the password again (${STORE_FLAG})`);
  }
}

/** Encrypts and writes the password (0600, through a temporary file). Refuses without a real keyring. */
export function storeBrokerPassword(path: string, password: string, safe: SafeStorageLike): Result<void> {
  if (password === '') return err('no password given on stdin');
  if (!safe.isEncryptionAvailable()) return err('this system offers no encryption for secrets (no keyring): the password was not stored');
  // Linux without a keyring "encrypts" with a key built into Chromium: that is plain text by another name
  if (safe.getSelectedStorageBackend?.() === 'basic_text') return err('no keyring (libsecret or kwallet) is running for this user: the password would be stored with a key anyone can read, so it was not stored');
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, safe.encryptString(JSON.stringify({ brokerPassword: password } satisfies Secrets)), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    return ok(undefined);
  } catch (e) {
    return err(`${path}: ${(e as Error).message}`);
  }
}

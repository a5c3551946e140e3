// The configuration as support may see it (the diagnostics export, docs/operations.md): every
// secret replaced by "[removed]", everything else as the wall runs with it. Secrets are known by
// the schema's fields and, so that a field added later is not leaked by default, by their names:
// any key that names a password, token, hash, cookie or key is removed wherever it sits.
import { redactUrl } from './broker-url.js';
import type { WatchfloorConfig } from './config.js';

export const REMOVED = '[removed]';

/** Keys whose values are secrets, at any depth (`password`, `tls.key`, `auth.users[].passwordHash`, `auth.tokens[].tokenHash`, …). */
const SECRET_KEY = /pass(word|wd|phrase)|^pass$|secret|token(?!s$)|hash|cookie|credential|^key$|privatekey|apikey|authorization|encrypted/i;

/** A URL with userinfo or query values: shown without them (broker URLs may carry `user:password@`). */
const URL_WITH_SECRETS = /^[a-z][a-z0-9+.-]{0,20}:\/\/[^\s]*[@?]/i;

function scrub(value: unknown, key: string | null): unknown {
  if (key !== null && SECRET_KEY.test(key) && value !== null && value !== undefined) return REMOVED;
  if (typeof value === 'string') return URL_WITH_SECRETS.test(value) ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, null));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k);
    return out;
  }
  return value;
}

/** A deep copy of `config` with every secret replaced by "[removed]" and credentials taken out of URLs. */
export function redactConfig(config: WatchfloorConfig): Record<string, unknown> {
  return scrub(config, null) as Record<string, unknown>;
}

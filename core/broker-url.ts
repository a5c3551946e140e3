// Broker URLs as people write them (`mqtt://user:pass@host:1883`) and as the wall may show them.
// Credentials in a URL are taken out once, here, and used for the connection; every URL the wall
// shows, logs or sends to a page is the one without them (docs/security.md).
import type { Result } from './result.js';

/** Query parameters whose values are secrets (tokens in MQTT-over-WebSocket URLs, signed URLs). */
const SECRET_PARAM = /pass|pwd|secret|token|key|auth|sig|cred|session/i;

/**
 * The URL with no userinfo and its secret-looking query values masked. Anything that does not
 * parse is shown as its scheme only: an unparseable string may still hold a password.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    const scheme = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(url);
    return scheme ? `${scheme[1]}://(unparseable URL)` : '(unparseable URL)';
  }
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAM.test(key)) u.searchParams.set(key, '***');
  return u.toString();
}

/** Replaces every URL with userinfo inside free text (an error message, a log line) by its redacted form. */
export function redactUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'<>]*@[^\s"'<>]*/gi, (m) => redactUrl(m));
}

export interface BrokerConnection {
  /** the URLs to connect to and to show: no userinfo */
  urls: string[];
  username?: string;
  password?: string;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Takes the credentials out of the broker URLs and merges them with `username`/`password`. The MQTT
 * client logs in with one username and password whatever server of the list it reaches, so URLs
 * that disagree with each other or with the configured pair are refused, saying what to write.
 */
export function brokerConnection(brokers: readonly string[], username?: string, password?: string): Result<BrokerConnection> {
  const urls: string[] = [];
  let fromUrl: { username: string; password?: string; url: string } | undefined;
  for (const raw of brokers) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return { ok: false, error: `broker URL ${redactUrl(raw)} does not parse` };
    }
    if (u.username || u.password) {
      const creds = { username: decode(u.username), password: u.password ? decode(u.password) : undefined, url: redactUrl(raw) };
      if (fromUrl && (fromUrl.username !== creds.username || fromUrl.password !== creds.password)) {
        return { ok: false, error: `broker URLs ${fromUrl.url} and ${creds.url} carry different credentials; the wall logs in to every broker of the list with one username and password: set "username" and "password" in the configuration instead` };
      }
      fromUrl = creds;
      u.username = '';
      u.password = '';
    }
    urls.push(u.toString());
  }
  if (!fromUrl) return { ok: true, value: { urls, username, password } };
  if ((username !== undefined && username !== fromUrl.username) || (password !== undefined && password !== fromUrl.password)) {
    return { ok: false, error: `broker URL ${fromUrl.url} carries credentials that differ from "username"/"password" in the configuration: keep one of them` };
  }
  return { ok: true, value: { urls, username: fromUrl.username, password: fromUrl.password } };
}

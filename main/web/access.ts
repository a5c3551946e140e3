// Who may talk to the web shell, decided from the request line and headers alone: plain
// functions over strings, so every odd header a client can send is a value to judge, never an
// exception (docs/security.md).
//
// DNS rebinding is the threat the Host check answers: a page on another site whose name is made
// to resolve to 127.0.0.1 reaches this server as "same origin" in the browser's eyes, and only the
// Host header (the attacker's name) gives it away. An IP literal cannot be rebound, so any IP is
// fine; names must be ours: `localhost`, the video frames' second name (`frames.localhost`, which
// browsers resolve to loopback themselves) or one the operator listed (`web.allowedHosts`).
import type { Result } from '../../core/result.js';
import { FRAMES_ALT_HOST } from '../../core/video/frame-hosts.js';

export interface AccessPolicy {
  /** the port the shell listens on: a Host or Origin naming another port is not us */
  port: number;
  /** extra host names (lower case, no port) the operator listed: the wall's DNS names on the room's network */
  names: ReadonlySet<string>;
  /** non-http origins allowed to call in (the Electron shell's app:// pages proxied through it) */
  extraOrigins: ReadonlySet<string>;
}

export function accessPolicy(port: number, allowedHosts: readonly string[] = [], extraOrigins: readonly string[] = []): AccessPolicy {
  return { port, names: new Set(allowedHosts.map((h) => h.toLowerCase())), extraOrigins: new Set(extraOrigins) };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// what may sit between [ ] in a Host header: hex groups, colons, an embedded IPv4, a zone id
const IPV6_BRACKETED = /^\[[0-9a-f:.]+(%[0-9a-z._~-]+)?\]$/i;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export interface HostPort {
  /** lower case; IPv6 with its brackets */
  host: string;
  port: number | null;
}

/** Splits `name:port`, `1.2.3.4:port`, `[::1]:port`; null for anything else (userinfo, paths, spaces…). */
export function parseHostPort(value: string): HostPort | null {
  if (value.length === 0 || value.length > 300) return null;
  let host: string;
  let rest: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return null;
    host = value.slice(0, end + 1);
    rest = value.slice(end + 1);
    if (!IPV6_BRACKETED.test(host)) return null;
  } else {
    const colon = value.indexOf(':');
    host = colon < 0 ? value : value.slice(0, colon);
    rest = colon < 0 ? '' : value.slice(colon);
    if (!IPV4.test(host) && !NAME.test(host)) return null;
  }
  let port: number | null = null;
  if (rest.length > 0) {
    if (!/^:\d{1,5}$/.test(rest)) return null;
    port = Number(rest.slice(1));
    if (port > 65535) return null;
  }
  return { host: host.toLowerCase(), port };
}

const isIpLiteral = (host: string) => IPV4.test(host) || host.startsWith('[');

function hostAllowed(p: HostPort, defaultPort: number, policy: AccessPolicy): boolean {
  if ((p.port ?? defaultPort) !== policy.port) return false;
  const bare = p.host.endsWith('.') ? p.host.slice(0, -1) : p.host;
  return isIpLiteral(bare) || bare === 'localhost' || bare === FRAMES_ALT_HOST || policy.names.has(bare);
}

/** The Host header must name this server: an IP literal, localhost or a listed name, on our port. */
export function checkHost(header: string | undefined, policy: AccessPolicy): Result<HostPort> {
  if (header === undefined || header === '') return { ok: false, error: 'request without a Host header' };
  const parsed = parseHostPort(header);
  if (!parsed) return { ok: false, error: 'malformed Host header' };
  if (!hostAllowed(parsed, 80, policy)) return { ok: false, error: `Host ${header.slice(0, 80)} is not this wall (list it in web.allowedHosts)` };
  return { ok: true, value: parsed };
}

/**
 * An Origin header, when there is one, must be one of ours: the shell's http(s) names under the
 * same rules as Host, or a listed non-http origin. `null` (sandboxed frames, opaque origins) is
 * nobody we know.
 */
export function checkOrigin(header: string | undefined, policy: AccessPolicy): Result<string | null> {
  if (header === undefined) return { ok: true, value: null };
  if (policy.extraOrigins.has(header)) return { ok: true, value: header };
  const m = /^(https?):\/\/([^/?#\s]+)$/i.exec(header);
  if (!m) return { ok: false, error: `Origin ${JSON.stringify(header.slice(0, 80))} is not one of this wall's pages` };
  const parsed = parseHostPort(m[2]);
  if (!parsed || !hostAllowed(parsed, m[1].toLowerCase() === 'https' ? 443 : 80, policy)) {
    return { ok: false, error: `Origin ${header.slice(0, 80)} is not one of this wall's pages` };
  }
  return { ok: true, value: header };
}

/**
 * The bridge carries the situation and takes operators' actions: only the wall page itself opens
 * it, so its Origin must name the very host the request went to (a browser always sends one).
 */
export function checkBridgeOrigin(origin: string | undefined, host: HostPort, policy: AccessPolicy): Result<null> {
  if (origin === undefined) return { ok: true, value: null }; // not a browser: tools and tests
  const o = checkOrigin(origin, policy);
  if (!o.ok) return o;
  const m = /^https?:\/\/(.+)$/i.exec(origin);
  const p = m ? parseHostPort(m[1]) : null;
  if (!p || p.host !== host.host || (p.port ?? 80) !== (host.port ?? 80)) return { ok: false, error: `Origin ${origin.slice(0, 80)} is not the page this bridge serves` };
  return { ok: true, value: null };
}

export interface RequestTarget {
  /** raw (still percent-encoded) path, starting with a single / */
  path: string;
  /** raw query without the ? */
  query: string;
}

/**
 * The request target in origin form (`/path?query`) only. `new URL(req.url, base)` is not safe
 * here: `//` throws, and `//other.host/x` quietly becomes the path `/x`.
 */
export function parseRequestTarget(raw: string | undefined): Result<RequestTarget> {
  if (!raw || raw[0] !== '/' || raw.startsWith('//')) return { ok: false, error: 'request target must be a path starting with one /' };
  if (raw.length > 4096) return { ok: false, error: 'request target too long' };
  // control characters and spaces never belong in a target (Node lets some through)
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return { ok: false, error: 'request target holds control characters or spaces' };
  }
  const hashless = raw.split('#', 1)[0];
  const q = hashless.indexOf('?');
  return { ok: true, value: { path: q < 0 ? hashless : hashless.slice(0, q), query: q < 0 ? '' : hashless.slice(q + 1) } };
}

/** A path's decoded form for routing; null when the encoding is broken. */
export function decodePath(path: string): string | null {
  try {
    const d = decodeURIComponent(path);
    return d.includes('\0') ? null : d;
  } catch {
    return null;
  }
}

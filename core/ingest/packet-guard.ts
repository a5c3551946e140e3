// Oversized MQTT messages, cut before they are buffered. MQTT clients and parsers (mqtt.js's
// mqtt-packet, Aedes) hold a whole packet in memory before anyone can look at its size: a 10 MB
// publish costs 10 MB or more, and MQTT 3.1.1 has no way to tell a broker not to send one. This
// guard sits on the byte stream in front of the parser: a PUBLISH whose payload is over the limit
// goes on as the same PUBLISH (topic, packet id, QoS, retain and properties kept, so it is
// acknowledged like any other and never redelivered) with its payload replaced by a marker and the
// first bytes of the original; the rest is skipped as it arrives, never held. The ingest pipeline
// turns the marker into an `oversized` rejection with that excerpt (docs/security.md).
//
// The marker carries a key drawn at random when the process starts (and handed to the MQTT worker
// thread), so a publisher cannot forge one: a payload that merely looks like a marker is read as
// the payload it is (and rejected as such), not as a cut message of whatever size it claims.

/** Bytes of the original payload kept for the rejection's excerpt. */
export const OVERSIZE_EXCERPT_BYTES = 1024;
/** Packets other than PUBLISH are tiny (acks, subscriptions); one this big is not MQTT we speak. */
export const MAX_CONTROL_PACKET = 1024 * 1024;
/** v5 properties longer than this are dropped from a cut packet rather than held. */
const MAX_KEPT_PROPERTIES = 64 * 1024;

const PUBLISH = 3;
const encoder = new TextEncoder();

/** 128 random bits as hex: this process's marker key. */
function randomKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

let markerKey = randomKey();
let markerHead = `\u0000watchfloor:oversized:${markerKey}:`;
let markerHeadBytes = encoder.encode(markerHead);

/** This process's marker key: the MQTT worker thread is started with it (useOversizeMarkerKey). */
export function oversizeMarkerKey(): string {
  return markerKey;
}

/** Marks and reads with `key` from now on: a worker thread takes its parent's, so what it cuts the parent reads. */
export function useOversizeMarkerKey(key: string): void {
  if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('an oversize marker key is 32 hex digits');
  markerKey = key;
  markerHead = `\u0000watchfloor:oversized:${key}:`;
  markerHeadBytes = encoder.encode(markerHead);
}

/** The payload a cut PUBLISH carries: marker (with this process's key), original size, then the first bytes of the original. */
export function oversizeMarker(originalBytes: number, head: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${markerHead}${originalBytes}\u0000`);
  const out = new Uint8Array(prefix.length + head.length);
  out.set(prefix, 0);
  out.set(head, prefix.length);
  return out;
}

/** The original size and first bytes when `payload` is a marker made with this process's key, else null. */
export function readOversizeMarker(payload: Uint8Array): { bytes: number; head: Uint8Array } | null {
  const head = markerHeadBytes;
  if (payload.length < head.length + 2) return null;
  for (let i = 0; i < head.length; i++) if (payload[i] !== head[i]) return null;
  let i = head.length;
  let n = 0;
  const start = i;
  while (i < payload.length && payload[i] >= 0x30 && payload[i] <= 0x39 && i - start < 12) n = n * 10 + (payload[i++] - 0x30);
  if (i === start || payload[i] !== 0) return null;
  return { bytes: n, head: payload.subarray(i + 1) };
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Reads a variable byte integer at `at`: value and length, `null` when more bytes are needed, -1 when malformed. */
function readVarint(buf: Uint8Array, at: number, end: number): { value: number; length: number } | null | -1 {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (at + i >= end) return null;
    const b = buf[at + i];
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return { value, length: i + 1 };
    mult *= 128;
  }
  return -1;
}

export interface PacketGuardOptions {
  /** payload bytes a PUBLISH may carry whole */
  maxPayloadBytes: number;
  /** 5 adds properties to a PUBLISH's variable header */
  protocolVersion: 3 | 4 | 5;
}

export interface PacketGuardStats {
  /** PUBLISH packets cut to a marker */
  cut: number;
  /** bytes skipped instead of buffered */
  skippedBytes: number;
}

export type GuardOutput = { ok: true; chunks: Uint8Array[] } | { ok: false; error: string };

export interface PacketGuard {
  /** Takes the next bytes of the stream; returns what to hand the parser, or why the stream is not MQTT we accept. */
  feed(chunk: Uint8Array): GuardOutput;
  readonly stats: PacketGuardStats;
}

type State =
  | { k: 'fixed'; header: number[] }
  | { k: 'pass'; left: number }
  | { k: 'cut'; first: number; remaining: number; prefix: number[]; need: number }
  | { k: 'skip'; left: number };

export function createPacketGuard(opts: PacketGuardOptions): PacketGuard {
  const stats: PacketGuardStats = { cut: 0, skippedBytes: 0 };
  let state: State = { k: 'fixed', header: [] };

  /**
   * For a cut PUBLISH, how many bytes of it we need before the replacement can be built: the
   * variable header (topic, packet id, properties) plus the excerpt. `null` while that is unknown.
   */
  function layout(first: number, prefix: number[], remaining: number): { varLen: number; propsAt: number; propsLen: number } | null | -1 {
    if (prefix.length < 2) return null;
    const topicLen = (prefix[0] << 8) | prefix[1];
    const qos = (first >> 1) & 3;
    let at = 2 + topicLen + (qos > 0 ? 2 : 0);
    if (at > remaining) return -1;
    if (opts.protocolVersion !== 5) return { varLen: at, propsAt: at, propsLen: 0 };
    const bytes = Uint8Array.from(prefix);
    const v = readVarint(bytes, at, bytes.length);
    if (v === null) return null;
    if (v === -1) return -1;
    const propsAt = at;
    at += v.length + v.value;
    if (at > remaining) return -1;
    return { varLen: at, propsAt, propsLen: v.value };
  }

  /** Bytes of a cut PUBLISH held to build its replacement: never its long properties, never more than the excerpt of its payload. */
  function needed(l: { varLen: number; propsAt: number; propsLen: number }, remaining: number): number {
    if (l.propsLen > MAX_KEPT_PROPERTIES) return l.propsAt + varint(l.propsLen).length;
    return Math.min(remaining, l.varLen + OVERSIZE_EXCERPT_BYTES);
  }

  function replacement(first: number, prefix: number[], remaining: number, l: { varLen: number; propsAt: number; propsLen: number }): Uint8Array {
    const payloadBytes = remaining - l.varLen;
    // properties too long to hold are dropped (empty property list), and with them the excerpt
    // behind them; the packet keeps its identity
    const keepProps = l.propsLen <= MAX_KEPT_PROPERTIES;
    const head = keepProps ? Uint8Array.from(prefix.slice(l.varLen, l.varLen + OVERSIZE_EXCERPT_BYTES)) : new Uint8Array(0);
    const marker = oversizeMarker(payloadBytes, head);
    const variable = keepProps ? prefix.slice(0, l.varLen) : [...prefix.slice(0, l.propsAt), 0];
    const rest = variable.length + marker.length;
    const out = new Uint8Array(1 + varint(rest).length + rest);
    let i = 0;
    out[i++] = first;
    for (const b of varint(rest)) out[i++] = b;
    out.set(variable, i);
    out.set(marker, i + variable.length);
    return out;
  }

  /** What follows a fixed header: the packet passes, is cut, or is refused. */
  function begin(first: number, remaining: number): { k: 'pass' | 'cut'; state: State } | { k: 'error'; error: string } {
    const type = first >> 4;
    // the payload may still be small (a long topic): decided once the variable header is in
    if (type === PUBLISH && remaining > opts.maxPayloadBytes) return { k: 'cut', state: { k: 'cut', first, remaining, prefix: [], need: 2 } };
    if (type !== PUBLISH && remaining > MAX_CONTROL_PACKET) return { k: 'error', error: `MQTT packet of type ${type} with ${remaining} bytes: not one we accept` };
    return { k: 'pass', state: remaining > 0 ? { k: 'pass', left: remaining } : { k: 'fixed', header: [] } };
  }

  function feed(chunk: Uint8Array): GuardOutput {
    const out: Uint8Array[] = [];
    let pos = 0;
    // bytes from `passFrom` up to `pos` go out as one slice of the chunk, uncopied
    let passFrom = -1;
    const flushPass = () => {
      if (passFrom >= 0 && pos > passFrom) out.push(chunk.subarray(passFrom, pos));
      passFrom = -1;
    };
    while (pos < chunk.length) {
      const s = state;
      switch (s.k) {
        case 'fixed': {
          if (s.header.length === 0) {
            // the common case: the whole fixed header is in this chunk, and goes on uncopied
            const v = pos + 1 < chunk.length ? readVarint(chunk, pos + 1, chunk.length) : null;
            if (v === -1) return { ok: false, error: 'malformed MQTT remaining length' };
            if (v !== null) {
              const first = chunk[pos];
              const next = begin(first, v.value);
              if (next.k === 'error') return { ok: false, error: next.error };
              if (next.k === 'cut') flushPass();
              else if (passFrom < 0) passFrom = pos;
              pos += 1 + v.length;
              state = next.state;
              break;
            }
          }
          // a header cut by the chunk's end: collected byte by byte
          flushPass();
          s.header.push(chunk[pos++]);
          if (s.header.length < 2) break;
          const hdr = Uint8Array.from(s.header);
          const v = readVarint(hdr, 1, hdr.length);
          if (v === -1) return { ok: false, error: 'malformed MQTT remaining length' };
          if (v === null) break;
          const next = begin(s.header[0], v.value);
          if (next.k === 'error') return { ok: false, error: next.error };
          if (next.k !== 'cut') out.push(hdr);
          state = next.state;
          break;
        }
        case 'pass': {
          const take = Math.min(s.left, chunk.length - pos);
          if (passFrom < 0) passFrom = pos;
          pos += take;
          s.left -= take;
          if (s.left === 0) state = { k: 'fixed', header: [] };
          break;
        }
        case 'cut': {
          // collect what the replacement needs, a byte range at a time
          const l0 = layout(s.first, s.prefix, s.remaining);
          if (l0 === -1) return { ok: false, error: 'malformed MQTT PUBLISH header' };
          const target = l0 === null ? Math.max(s.need, s.prefix.length + 1) : needed(l0, s.remaining);
          const take = Math.min(target - s.prefix.length, chunk.length - pos);
          for (let i = 0; i < take; i++) s.prefix.push(chunk[pos + i]);
          pos += take;
          const l = layout(s.first, s.prefix, s.remaining);
          if (l === -1) return { ok: false, error: 'malformed MQTT PUBLISH header' };
          if (l === null) break;
          if (l.propsLen <= MAX_KEPT_PROPERTIES && s.remaining - l.varLen <= opts.maxPayloadBytes) {
            // small after all (a long topic): the bytes held go on as they were, the rest passes
            out.push(Uint8Array.from([s.first, ...varint(s.remaining), ...s.prefix]));
            const left = s.remaining - s.prefix.length;
            state = left > 0 ? { k: 'pass', left } : { k: 'fixed', header: [] };
            break;
          }
          if (s.prefix.length < needed(l, s.remaining)) break;
          out.push(replacement(s.first, s.prefix, s.remaining, l));
          stats.cut++;
          const left = s.remaining - s.prefix.length;
          stats.skippedBytes += left;
          state = left > 0 ? { k: 'skip', left } : { k: 'fixed', header: [] };
          break;
        }
        case 'skip': {
          const take = Math.min(s.left, chunk.length - pos);
          pos += take;
          s.left -= take;
          if (s.left === 0) state = { k: 'fixed', header: [] };
          break;
        }
      }
    }
    flushPass();
    return { ok: true, chunks: out };
  }

  return { feed, stats };
}

// Raw MQTT message → one situation input. Size, encoding and JSON are checked here once,
// so adapters only ever see parsed values. Never throws.
import type { AdaptContext, Adapter } from '../adapters/common.js';
import type { RejectReason } from '../domain.js';
import type { SituationInput } from '../inputs.js';
import { readOversizeMarker } from './packet-guard.js';

export interface PipelineOptions {
  maxPayloadBytes: number;
  /** characters of the raw payload kept with a rejection for the operator panel */
  excerptChars?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

export function excerptOf(payload: Uint8Array, chars: number): string {
  const head = lenientDecoder.decode(payload.subarray(0, chars * 4));
  return head.length > chars ? `${head.slice(0, chars)}…` : head;
}

/** What one raw message becomes: accepted events or one rejection. */
export type IngestResult = Extract<SituationInput, { t: 'events' | 'reject' }>;
/** `retained`: the broker's stored last message, sent on subscribing (see the situation's retained policy). */
export type Ingest = (topic: string, payload: Uint8Array, receivedAt: number, retained?: boolean) => IngestResult;

export function createIngest(adapters: readonly Adapter[], ctx: Omit<AdaptContext, 'receivedAt'>, opts: PipelineOptions): Ingest {
  const excerptChars = opts.excerptChars ?? 200;
  // One mutable context object: the hot path allocates no closure per message.
  const adaptCtx: AdaptContext = { ...ctx, receivedAt: 0 };

  const fail = (topic: string, payload: Uint8Array, at: number, reason: RejectReason, message: string): IngestResult => ({
    t: 'reject',
    at,
    topic: topic.slice(0, 256),
    reason,
    message,
    excerpt: excerptOf(payload, excerptChars),
  });

  return (topic, payload, receivedAt, retained = false) => {
    // cut on arrival (packet-guard.ts): only its size and first bytes came
    const cut = readOversizeMarker(payload);
    if (cut) return fail(topic, cut.head, receivedAt, 'oversized', `payload of ${cut.bytes} bytes exceeds the ${opts.maxPayloadBytes}-byte limit (cut on arrival)`);
    if (payload.byteLength > opts.maxPayloadBytes) {
      return fail(topic, payload, receivedAt, 'oversized', `payload of ${payload.byteLength} bytes exceeds the ${opts.maxPayloadBytes}-byte limit`);
    }
    let adapter: Adapter | undefined;
    for (let i = 0; i < adapters.length; i++) {
      if (adapters[i].matches(topic)) {
        adapter = adapters[i];
        break;
      }
    }
    if (!adapter) return fail(topic, payload, receivedAt, 'unknown_topic', `no adapter for topic ${topic.slice(0, 120)}`);
    let text: string;
    try {
      text = decoder.decode(payload);
    } catch {
      return fail(topic, payload, receivedAt, 'invalid_encoding', 'payload is not valid UTF-8');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail(topic, payload, receivedAt, 'invalid_json', `invalid JSON: ${(e as Error).message.slice(0, 120)}`);
    }
    adaptCtx.receivedAt = receivedAt;
    let outcome;
    try {
      outcome = adapter.adapt(topic, json, adaptCtx);
    } catch (e) {
      // An adapter bug must not take ingest down; it shows up as a rejection instead.
      return fail(topic, payload, receivedAt, 'schema', `${adapter.name} adapter failed: ${(e as Error).message.slice(0, 120)}`);
    }
    if (!outcome.ok) return fail(topic, payload, receivedAt, outcome.reason, outcome.message);
    return retained ? { t: 'events', at: receivedAt, topic, events: outcome.events, retained } : { t: 'events', at: receivedAt, topic, events: outcome.events };
  };
}

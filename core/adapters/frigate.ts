// Frigate NVR: `<prefix>/reviews` (one message per review item: new / update / end) raises incidents;
// `<prefix>/events` (one message per tracked object, noisy) is only validated.
// Payload reference: Frigate docs/docs/integrations/mqtt.md. See docs/adapters.md for the mapping.
import { z } from 'zod';
import type { IncidentKind, IncidentReport, Priority } from '../domain.js';
import { accept, type AdaptContext, type AdaptOutcome, type Adapter, MAX_ID_LENGTH, readTimestamp, reject, schemaRejection } from './common.js';

export type FrigateSeverity = 'alert' | 'detection';

export interface FrigateAdapterOptions {
  /** Frigate's `mqtt.topic_prefix`; default `frigate` */
  topicPrefix?: string;
  /** lowest review severity that raises an incident; default `alert` */
  minSeverity?: FrigateSeverity;
  /** priority of the incidents raised; default 2 */
  priority?: Priority;
}

const SOURCE = 'frigate';

/** Unknown severities rank 0: below anything configurable, so they are ignored rather than rejected. */
const SEVERITY_RANK: Record<string, number> = { detection: 1, alert: 2 };

const FIRE_LABELS = new Set(['fire', 'smoke', 'fire_alarm', 'smoke_detector']);
const TRAFFIC_LABELS = new Set(['car', 'motorcycle', 'bus', 'truck', 'bicycle']);

const labels = z.array(z.string()).nullish();

// `genai` (Frigate 0.17): a generated summary of a review that has ended, the review again with
// `data.metadata` filled in (frigate/data_processing/post/review_descriptions.py)
const envelopeSchema = z.object({
  type: z.enum(['new', 'update', 'end', 'genai']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const reviewSchema = z.object({
  id: z.string().min(1),
  camera: z.string().min(1),
  start_time: z.unknown().optional(),
  end_time: z.number().nullish(),
  severity: z.string(),
  thumb_path: z.string().nullish(),
  data: z
    .object({
      objects: labels,
      zones: labels,
      audio: labels,
      // strings in current versions; anything else is skipped rather than rejected
      sub_labels: z.array(z.unknown()).nullish(),
      // the generated summary (genai); read field by field, never a reason to reject
      metadata: z.unknown().optional(),
    })
    .nullish(),
});

const eventSchema = z.object({
  id: z.string().min(1),
  camera: z.string().min(1),
});


/** `person-verified` (a confirmed sub label) counts as `person`. */
const baseLabel = (label: string): string => label.replace(/-verified$/, '');

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** fire/smoke (objects or audio) → fire; vehicles → traffic; anything else → other. */
export function frigateIncidentKind(labelsSeen: readonly string[]): IncidentKind {
  const base = labelsSeen.map(baseLabel);
  if (base.some((l) => FIRE_LABELS.has(l))) return 'fire';
  if (base.some((l) => TRAFFIC_LABELS.has(l))) return 'traffic';
  return 'other';
}

const text = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

/**
 * The generated summary's title, short summary and threat level (0 normal, 1 suspicious, 2
 * threat), as one line of the incident's detail; undefined when there is none.
 */
export function genaiSummary(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const m = metadata as Record<string, unknown>;
  const title = text(m.title, 120);
  const summary = text(m.shortSummary, 300) ?? text(m.scene, 300);
  const threat = typeof m.potential_threat_level === 'number' && Number.isInteger(m.potential_threat_level) ? m.potential_threat_level : undefined;
  if (!title && !summary) return undefined;
  return `AI 摘要: ${[title, summary].filter(Boolean).join(' — ')}${threat !== undefined ? ` (threat level ${threat})` : ''}`;
}

export function createFrigateAdapter(opts: FrigateAdapterOptions = {}): Adapter {
  const prefix = (opts.topicPrefix ?? 'frigate').replace(/\/+$/, '');
  const reviewsTopic = `${prefix}/reviews`;
  const eventsTopic = `${prefix}/events`;
  const minRank = SEVERITY_RANK[opts.minSeverity ?? 'alert'];
  const priority: Priority = opts.priority ?? 2;

  function adaptReview(json: unknown, ctx: AdaptContext): AdaptOutcome {
    const env = envelopeSchema.safeParse(json);
    if (!env.success) return schemaRejection(env.error, 'review message');
    const parsed = reviewSchema.safeParse(env.data.after);
    if (!parsed.success) return schemaRejection(parsed.error, 'review after');
    const r = parsed.data;

    const id = `${SOURCE}:${r.id}`;
    if (id.length > MAX_ID_LENGTH) return reject('schema', `review id too long for a ${MAX_ID_LENGTH}-char incident id`);
    const closed = env.data.type === 'end' || env.data.type === 'genai' || (r.end_time !== null && r.end_time !== undefined);

    // Below the threshold: a legitimate message we do not raise. (A review can be upgraded from
    // detection to alert by a later `update`; that update then opens the incident.) Frigate can also
    // downgrade one (a plate recognised: alert → detection) before it ends: its end still closes
    // what it opened, whatever its final severity.
    if ((SEVERITY_RANK[r.severity] ?? 0) < minRank) return closed ? accept({ type: 'incidentEnd', source: SOURCE, id }) : accept();

    const cameraId = ctx.cameraAlias(r.camera);
    if (cameraId === undefined) return reject('unknown_device', `Frigate camera "${r.camera.slice(0, 60)}" has no registry camera (add it or an alias)`);
    const pos = ctx.cameraPosition(cameraId);
    if (!pos || !Number.isFinite(pos.lat) || !Number.isFinite(pos.lon)) {
      return reject('unknown_device', `camera ${cameraId.slice(0, 60)} (Frigate "${r.camera.slice(0, 60)}") has no position in the registry`);
    }

    // ts is when the activity began, for new, update and end alike: the incident keeps one time and
    // the situation records when the close arrived (closedAt).
    const ts = readTimestamp(r.start_time, ctx, 's');
    if (!ts.ok) return ts;

    const objects = unique((r.data?.objects ?? []).map(baseLabel));
    const audio = unique(r.data?.audio ?? []);
    const zones = unique(r.data?.zones ?? []);
    const subLabels = unique((r.data?.sub_labels ?? []).filter((s): s is string => typeof s === 'string'));
    const what = [...objects, ...audio];

    const word = r.severity === 'alert' ? '告警' : '检测';
    const title = `Frigate ${word}: ${what.length ? what.join(', ') : '未知目标'} @ ${r.camera}${zones.length ? ` [${zones.join(', ')}]` : ''}`;
    const summary = genaiSummary(r.data?.metadata);
    const detail = [
      summary,
      `severity: ${r.severity}`,
      subLabels.length ? `sub labels: ${subLabels.join(', ')}` : undefined,
      audio.length ? `audio: ${audio.join(', ')}` : undefined,
      `review: ${r.id}`,
    ]
      .filter((x) => x !== undefined)
      .join('; ');

    const report: IncidentReport = {
      id,
      ts: Math.round(ts.ts), // start_time has microseconds
      kind: frigateIncidentKind(what),
      priority,
      lat: pos.lat,
      lon: pos.lon,
      title,
      detail,
      cameraIds: [cameraId],
      reporter: `frigate/${r.camera}`,
      status: closed ? 'closed' : 'open',
    };
    if (r.thumb_path) report.media = [{ url: r.thumb_path, type: 'image/webp' }];
    return accept({ type: 'incident', source: SOURCE, report });
  }

  function adaptEvent(json: unknown): AdaptOutcome {
    // One message per tracked object: the review is the trigger, so this only checks the shape.
    const env = envelopeSchema.safeParse(json);
    if (!env.success) return schemaRejection(env.error, 'event message');
    const parsed = eventSchema.safeParse(env.data.after);
    if (!parsed.success) return schemaRejection(parsed.error, 'event after');
    return accept();
  }

  function adapt(topic: string, json: unknown, ctx: AdaptContext): AdaptOutcome {
    if (topic === reviewsTopic) return adaptReview(json, ctx);
    if (topic === eventsTopic) return adaptEvent(json);
    return reject('unknown_topic', `not a Frigate topic this adapter reads (${reviewsTopic}, ${eventsTopic}): ${topic.slice(0, 120)}`);
  }

  return {
    name: SOURCE,
    filters: [reviewsTopic, eventsTopic],
    matches: (topic) => topic === reviewsTopic || topic === eventsTopic,
    adapt(topic, json, ctx) {
      try {
        return adapt(topic, json, ctx);
      } catch (e) {
        return reject('schema', `frigate adapter failed: ${String((e as Error)?.message ?? e).slice(0, 120)}`);
      }
    },
  };
}

// The public contract of Watchfloor's own topics, as zod schemas.
// docs/schemas/*.json are generated from these (npm run schemas) so docs and code cannot drift.
import { z } from 'zod';
import { DISPATCH_ANSWERS, INCIDENT_KINDS, INCIDENT_STATUSES, OPERATOR_ACTIONS, ROLES, UNIT_KINDS, UNIT_STATUSES } from '../domain.js';

const id = z.string().min(1).max(128);
const timestamp = z
  .union([z.string().max(64), z.number()])
  .describe('ISO-8601 with offset (e.g. 2026-11-26T08:00:00+08:00) or epoch milliseconds');
const crs = z.string().max(16).describe('datum of lat/lon: WGS84 | GCJ02 | BD09; overrides the source default from config');

export const alarmSchema = z
  .looseObject({
    id: id.describe('identifies the incident: later messages with the same id update or close it'),
    ts: timestamp,
    kind: z.enum(INCIDENT_KINDS),
    priority: z.number().int().min(1).max(4).optional().describe('1 = most urgent … 4; default 3'),
    lat: z.number(),
    lon: z.number(),
    title: z.string().min(1).max(200),
    detail: z.string().max(4000).optional(),
    kioskId: id.optional(),
    cameraIds: z.array(id).max(32).optional(),
    reporter: z.string().max(200).optional(),
    reporterId: id.regex(/^[^/+#\s\p{Cc}]+$/u, 'must not hold / + # or spaces: it names the topic its points are published on').optional().describe("citizen clues: the reporter's id in the citizen app; a verified clue credits it points"),
    category: z.string().min(1).max(50).optional().describe('citizen clues: the category as the citizen app names it (points per category)'),
    media: z
      .array(z.looseObject({ url: z.string().min(1).max(2048), type: z.string().max(100) }))
      .max(16)
      .optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    crs: crs.optional(),
  })
  .describe('watchfloor/v1/alarms/{source}');

export const unitLocationSchema = z
  .looseObject({
    id,
    ts: timestamp,
    lat: z.number(),
    lon: z.number(),
    kind: z.enum(UNIT_KINDS),
    name: z.string().max(200).optional(),
    heading: z.number().min(0).max(360).optional().describe('degrees clockwise from north'),
    speed: z.number().min(0).max(200).optional().describe('m/s'),
    accuracy: z.number().min(0).optional().describe('metres'),
    status: z.enum(UNIT_STATUSES).optional(),
    battery: z.number().min(0).max(100).optional().describe('percent'),
    crs: crs.optional(),
  })
  .describe('watchfloor/v1/units/{unitId}/location');

export const deviceStatusSchema = z
  .looseObject({
    online: z.boolean(),
    ts: timestamp,
    sos: z.boolean().optional().describe('kiosks: the SOS button is pressed; raises an sos incident'),
    lat: z.number().optional().describe('position, for devices missing from the registry'),
    lon: z.number().optional(),
    crs: crs.optional(),
  })
  .describe('watchfloor/v1/kiosks/{kioskId}/status and watchfloor/v1/cameras/{cameraId}/status');

export const unitReplySchema = z
  .looseObject({
    dispatchId: id.describe('the dispatch being answered, as the dispatch message named it'),
    incidentId: id,
    answer: z.enum(DISPATCH_ANSWERS).describe('accept | decline | enroute | arrived | done'),
    ts: timestamp,
    note: z.string().max(2000).optional(),
  })
  .describe('watchfloor/v1/units/{unitId}/reply');

export const dispatchMessageSchema = z
  .object({
    dispatchId: id,
    incidentId: id,
    kind: z.enum(INCIDENT_KINDS),
    priority: z.number().int().min(1).max(4),
    title: z.string().max(1000),
    detail: z.string().max(4000).optional(),
    lat: z.number(),
    lon: z.number(),
    media: z.array(z.object({ url: z.string().min(1).max(2048), type: z.string().max(100) })).max(16).optional(),
    radiusM: z.number().optional().describe('broadcast: the radius it reached'),
    ts: z.number().describe('epoch ms'),
  })
  .describe('watchfloor/v1/dispatch/{unitId} (published by the wall, QoS 1)');

/** An operator action as walls share it: every wall on the broker applies it once (by its id). */
export const actionMessageSchema = z
  .object({
    action: z.object({
      id,
      incidentId: id,
      kind: z.enum(OPERATOR_ACTIONS),
      by: z.string().max(200).optional(),
      role: z.enum(ROLES).optional(),
      note: z.string().max(2000).optional(),
      into: id.optional(),
      order: z
        .object({ id, mode: z.enum(['broadcast', 'assign']), unitIds: z.array(id).min(1).max(200), radiusM: z.number().optional() })
        .optional(),
    }),
    at: timestamp.describe('when the wall that took it applied it'),
    origin: z.string().max(200).describe('the wall that took it (its MQTT client id)'),
  })
  .describe('watchfloor/v1/actions/{incidentId} (published by each wall, QoS 1)');

/** A citizen reporter's points after a verified clue: what the citizen app shows. */
export const reporterPointsSchema = z
  .object({
    reporterId: id,
    total: z.number().int().min(0).describe('all points credited to this reporter so far'),
    last: z
      .object({ incidentId: id, category: z.string().max(50), points: z.number().int().min(0), at: z.number().describe('epoch ms') })
      .describe('the credit that changed the total'),
    ts: z.number().describe('epoch ms'),
  })
  .describe('watchfloor/v1/reporters/{reporterId}/points (published by the wall, QoS 1, retained)');

export type ReporterPointsMessage = z.infer<typeof reporterPointsSchema>;
export type ActionMessage = z.infer<typeof actionMessageSchema>;
export type AlarmMessage = z.infer<typeof alarmSchema>;
export type DispatchMessage = z.infer<typeof dispatchMessageSchema>;
export type UnitLocationMessage = z.infer<typeof unitLocationSchema>;
export type DeviceStatusMessage = z.infer<typeof deviceStatusSchema>;

// The JSON Schema documents published in docs/schemas, generated from the zod schemas.
import { z } from 'zod';
import { actionMessageSchema, alarmSchema, deviceStatusSchema, dispatchMessageSchema, reporterPointsSchema, unitLocationSchema, unitReplySchema } from '../core/adapters/native-schemas.js';
import { configSchema } from '../core/config.js';

export function schemaDocuments(): Record<string, unknown> {
  const doc = (id: string, title: string, schema: z.ZodType) => ({
    $id: `https://watchfloor.dev/schemas/${id}`,
    title,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
  });
  return {
    'alarm.schema.json': doc('alarm.schema.json', 'Alarm (watchfloor/v1/alarms/{source})', alarmSchema),
    'unit-location.schema.json': doc('unit-location.schema.json', 'Unit location (watchfloor/v1/units/{unitId}/location)', unitLocationSchema),
    'device-status.schema.json': doc('device-status.schema.json', 'Kiosk or camera status (watchfloor/v1/{kiosks|cameras}/{id}/status)', deviceStatusSchema),
    'unit-reply.schema.json': doc('unit-reply.schema.json', 'A unit answers a dispatch (watchfloor/v1/units/{unitId}/reply)', unitReplySchema),
    'dispatch.schema.json': doc('dispatch.schema.json', 'A dispatch sent to a unit (watchfloor/v1/dispatch/{unitId}, published by the wall)', dispatchMessageSchema),
    'action.schema.json': doc('action.schema.json', 'An operator action shared between walls (watchfloor/v1/actions/{incidentId})', actionMessageSchema),
    'reporter-points.schema.json': doc('reporter-points.schema.json', "A citizen reporter's points (watchfloor/v1/reporters/{reporterId}/points, published by the wall, retained)", reporterPointsSchema),
    'config.schema.json': doc('config.schema.json', 'Watchfloor configuration file', configSchema),
  };
}

// The JSON Schema documents published in docs/schemas, generated from the zod schemas.
import { z } from 'zod';
import { alarmSchema, deviceStatusSchema, unitLocationSchema } from '../core/adapters/native-schemas.js';
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
    'config.schema.json': doc('config.schema.json', 'Watchfloor configuration file', configSchema),
  };
}

// What the journal records and how: one MCAP channel per family of situation inputs, each
// message a batch of that family's inputs in the order they were applied, with every input's
// place in the wall's one sequence (`n`), so inputs of all families merge back into the exact
// order the reducer saw them. Snapshots of the situation go on a channel of their own. Pure:
// no I/O; the files are main/journal's.
import type { SituationInput } from '../inputs.js';
import type { SituationCheckpoint } from '../situation/checkpoint.js';
import { FIX_BATCH_PROTO, fixBatchDescriptorSet } from './fix-codec.js';
import { UNIT_TABLE_PROTO, unitTableDescriptorSet } from './unit-table.js';

export type InputFamily = 'events' | 'rejects' | 'ticks' | 'actions';

export const FAMILIES: readonly InputFamily[] = ['events', 'rejects', 'ticks', 'actions'];

export const familyOf = (i: SituationInput): InputFamily => (i.t === 'events' ? 'events' : i.t === 'reject' ? 'rejects' : i.t === 'tick' ? 'ticks' : 'actions');

/** One message on an input channel: inputs of one family, `n[k]` the sequence number of `inputs[k]`. */
export interface InputBatch {
  n: number[];
  inputs: SituationInput[];
}

/**
 * One message on the snapshot channel: the situation after input `n` (reducer state, checkpoint
 * format, with trails). `units: "table"`: its units are not in `situation.units` but in the
 * UnitTable message with the same `n` on the unit-table channel (unit-table.ts), in the same
 * chunk; snapshots written before the table hold them in `situation.units`.
 */
export interface SnapshotMessage {
  n: number;
  at: number;
  units?: 'table';
  situation: SituationCheckpoint;
}

export const TOPIC_PREFIX = '/watchfloor';
export const SNAPSHOT_TOPIC = `${TOPIC_PREFIX}/snapshot`;
export const inputTopic = (f: InputFamily): string => `${TOPIC_PREFIX}/inputs/${f}`;

const batchSchema = (family: InputFamily, what: string, inputProps: object) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: `watchfloor.InputBatch.${family}`,
  description: `${what}, in the order the wall applied them. n[k] is inputs[k]'s place in the wall's one sequence of inputs (all channels).`,
  type: 'object',
  required: ['n', 'inputs'],
  properties: {
    n: { type: 'array', items: { type: 'integer', minimum: 0 } },
    inputs: { type: 'array', items: { type: 'object', required: ['t', 'at'], properties: { at: { type: 'number', description: 'receive time, ms since the epoch' }, ...inputProps } } },
  },
});

export interface JournalChannelSpec {
  topic: string;
  schemaName: string;
  /** a JSON Schema of the channel's JSON messages, or a protobuf FileDescriptorSet of its protobuf messages */
  schema: object | { protobuf: Uint8Array; proto: string };
}

/** Unit fixes, column by column (fix-codec.ts): the bulk of the traffic, read back ten times faster than JSON. */
export const FIX_TOPIC = `${TOPIC_PREFIX}/inputs/fixes`;
/** A snapshot's units, column by column (unit-table.ts). */
export const UNIT_TABLE_TOPIC = `${TOPIC_PREFIX}/snapshot/units`;

/** The channels, in channel-id order (ids 0…6; files written before fix batches have 0…4, before unit tables 0…5). */
export const JOURNAL_CHANNELS: readonly JournalChannelSpec[] = [
  {
    topic: inputTopic('events'),
    schemaName: 'watchfloor.InputBatch.events',
    schema: batchSchema('events', 'MQTT messages accepted: each with its topic and the normalised events an adapter made of it (incidents, unit fixes, device status, unit replies, operator actions heard from other walls)', {
      t: { const: 'events' },
      topic: { type: 'string' },
      retained: { type: 'boolean' },
      events: { type: 'array', items: { type: 'object', required: ['type', 'source'] } },
    }),
  },
  {
    topic: inputTopic('rejects'),
    schemaName: 'watchfloor.InputBatch.rejects',
    schema: batchSchema('rejects', 'MQTT messages refused, with the reason and an excerpt', { t: { const: 'reject' }, topic: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' }, excerpt: { type: 'string' } }),
  },
  {
    topic: inputTopic('ticks'),
    schemaName: 'watchfloor.InputBatch.ticks',
    schema: batchSchema('ticks', 'the clock (about once a second): staleness, rates, escalation', { t: { const: 'tick' } }),
  },
  {
    topic: inputTopic('actions'),
    schemaName: 'watchfloor.InputBatch.actions',
    schema: batchSchema('actions', 'operator actions taken on this wall (acknowledge, dispatch, broadcast, status, merge, note, clue verdicts), with operator, role and action id', {
      t: { enum: ['ack', 'close', 'action'] },
      action: { type: 'object', required: ['id', 'kind', 'incidentId'] },
    }),
  },
  {
    topic: SNAPSHOT_TOPIC,
    schemaName: 'watchfloor.Snapshot',
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'watchfloor.Snapshot',
      description: 'The situation after input n: the checkpoint format (format "watchfloor-situation", version 1) with unit trails. With units: "table", the units are in the watchfloor.UnitTable message with the same n on /watchfloor/snapshot/units. A replay seeks from the latest snapshot before the asked time.',
      type: 'object',
      required: ['n', 'at', 'situation'],
      properties: { n: { type: 'integer', minimum: -1 }, at: { type: 'number' }, units: { const: 'table' }, situation: { type: 'object', required: ['format', 'version', 'savedAt'] } },
    },
  },
  {
    topic: FIX_TOPIC,
    schemaName: 'watchfloor.FixBatch',
    schema: { protobuf: fixBatchDescriptorSet(), proto: FIX_BATCH_PROTO },
  },
  {
    topic: UNIT_TABLE_TOPIC,
    schemaName: 'watchfloor.UnitTable',
    schema: { protobuf: unitTableDescriptorSet(), proto: UNIT_TABLE_PROTO },
  },
];

export const channelIdOf = (f: InputFamily): number => FAMILIES.indexOf(f);
export const SNAPSHOT_CHANNEL = FAMILIES.length;
export const FIX_CHANNEL = SNAPSHOT_CHANNEL + 1;
export const UNIT_TABLE_CHANNEL = FIX_CHANNEL + 1;

/** The hour a time falls in (UTC), as the journal names its files: 2026-12-05T15. */
export function hourKey(at: number): string {
  return new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString().slice(0, 13);
}

/** watchfloor-2026-12-05T15Z.mcap; a second file in the same hour (after a restart) gets -2, -3… */
export function journalFileName(hour: string, part: number): string {
  return `watchfloor-${hour}Z${part > 1 ? `-${part}` : ''}.mcap`;
}

export function parseJournalFileName(name: string): { hour: string; part: number } | null {
  const m = /^watchfloor-(\d{4}-\d\d-\d\dT\d\d)Z(?:-(\d+))?\.mcap$/.exec(name);
  return m ? { hour: m[1], part: m[2] ? Number(m[2]) : 1 } : null;
}

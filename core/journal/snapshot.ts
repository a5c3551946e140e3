// A journal snapshot as its two messages: the situation as JSON (the checkpoint format, units left
// out) and its units as a UnitTable, both with the input number `n`. The journal and a case's slice
// write them together, into the same chunk, so a file never holds one without the other. Pure.
import { checkpointOf } from '../situation/checkpoint.js';
import type { SituationState } from '../situation/situation.js';
import { SNAPSHOT_CHANNEL, UNIT_TABLE_CHANNEL, type SnapshotMessage } from './channels.js';
import { encodeUnitTable } from './unit-table.js';

const enc = new TextEncoder();

export function snapshotMessages(state: SituationState, n: number, at: number): { channelId: number; data: Uint8Array }[] {
  const msg: SnapshotMessage = { n, at, units: 'table', situation: checkpointOf(state, { units: false }) };
  return [
    { channelId: SNAPSHOT_CHANNEL, data: enc.encode(JSON.stringify(msg)) },
    { channelId: UNIT_TABLE_CHANNEL, data: encodeUnitTable(state.units.values(), n, at) },
  ];
}

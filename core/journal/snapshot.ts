// A journal snapshot as its two messages: the situation as JSON (the checkpoint format, units left
// out) and its units as a UnitTable, both with the input number `n` (or, when a unit's string is
// one the table cannot hold, the one JSON message with the units in it). The journal and a case's slice
// write them together, into the same chunk, so a file never holds one without the other. Pure.
import { checkpointOf } from '../situation/checkpoint.js';
import type { SituationState } from '../situation/situation.js';
import { SNAPSHOT_CHANNEL, UNIT_TABLE_CHANNEL, type SnapshotMessage } from './channels.js';
import { encodeUnitTable } from './unit-table.js';

const enc = new TextEncoder();

export function snapshotMessages(state: SituationState, n: number, at: number): { channelId: number; data: Uint8Array }[] {
  const table = encodeUnitTable(state.units.values(), n, at);
  if (!table) {
    // a unit's string the table cannot hold exactly (a NUL, a lone surrogate): the units go in the
    // JSON, as before there was a table, and come back exactly (readers take both)
    const whole: SnapshotMessage = { n, at, situation: checkpointOf(state, { trails: true }) };
    return [{ channelId: SNAPSHOT_CHANNEL, data: enc.encode(JSON.stringify(whole)) }];
  }
  const msg: SnapshotMessage = { n, at, units: 'table', situation: checkpointOf(state, { units: false }) };
  return [
    { channelId: SNAPSHOT_CHANNEL, data: enc.encode(JSON.stringify(msg)) },
    { channelId: UNIT_TABLE_CHANNEL, data: table },
  ];
}

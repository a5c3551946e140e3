// What flows into the situation reducer. Everything the reducer knows arrives as one of these,
// with the time it was received, so a journal of inputs replays to the same situation.

import type { DeviceStatus, DispatchAnswer, IncidentReport, OperatorAction, RejectReason, UnitFix } from './domain.js';

/** An accepted, normalised fact produced by an adapter. Coordinates are in the map datum. */
export type IngestEvent =
  | { type: 'incident'; source: string; report: IncidentReport }
  | { type: 'unitFix'; source: string; fix: UnitFix }
  | { type: 'unitOffline'; source: string; id: string; ts: number }
  | { type: 'kioskStatus'; source: string; status: DeviceStatus }
  | { type: 'cameraStatus'; source: string; status: DeviceStatus }
  /** the source says this incident is over (a Frigate review ended, whatever its final severity); nothing if it was never raised */
  | { type: 'incidentEnd'; source: string; id: string }
  /** the alarms a device reports as active now: an episode (IncidentReport.episode) it no longer reports has ended */
  | { type: 'deviceAlarms'; source: string; device: string; alarms: string[] }
  /** a message from a unit that carries no new position (no GPS fix): alive, not moved */
  | { type: 'unitNoFix'; source: string; id: string }
  /** a unit answers a dispatch */
  | { type: 'unitReply'; source: string; reply: UnitReply }
  /** an operator action another wall (or this one) took, heard from the broker: applied once, by its id */
  | { type: 'operatorAction'; source: string; action: OperatorAction; at: number };

export interface UnitReply {
  unitId: string;
  dispatchId: string;
  incidentId: string;
  answer: DispatchAnswer;
  ts: number;
  note?: string;
}

export interface Rejection {
  reason: RejectReason;
  message: string;
}

export type SituationInput =
  /** One MQTT message turned into zero or more events (a Traccar alarm gives a fix and an incident). */
  | { t: 'events'; at: number; topic: string; events: IngestEvent[]; retained?: boolean }
  | { t: 'reject'; at: number; topic: string; reason: RejectReason; message: string; excerpt: string }
  /** The clock: drives staleness and rates. Emitted by the host about once a second. */
  | { t: 'tick'; at: number }
  /** Operator actions travel the same path so a replay shows what the operators did. */
  | { t: 'ack'; at: number; incidentId: string; by?: string }
  | { t: 'close'; at: number; incidentId: string; by?: string }
  /** any operator action, with its id (applied once), operator, role and note (lifecycle.ts) */
  | { t: 'action'; at: number; action: OperatorAction };

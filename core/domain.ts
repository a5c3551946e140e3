// Domain vocabulary shared by every layer. Pure types and constants: no Node, DOM or Electron.

export const INCIDENT_KINDS = ['theft', 'fight', 'drugs', 'mental', 'terror', 'urban', 'sos', 'fire', 'traffic', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const UNIT_KINDS = ['volunteer', 'patrol', 'police', 'vehicle'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_STATUSES = ['available', 'busy', 'offline'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** The three coordinate datums met in China: GPS, the national "Mars" offset, Baidu's offset on top of it. */
export const DATUMS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type Datum = (typeof DATUMS)[number];

export const GRID_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

/** 1 = most urgent. */
export type Priority = 1 | 2 | 3 | 4;

export interface MediaRef {
  url: string;
  type: string;
}

/** A grid cell an item falls in, with its ancestors (outermost first). */
export interface GridRef {
  id: string;
  /** Names from the city down to the grid, e.g. ["福州市", "仓山区", "金山街道", "…社区", "…网格"]. */
  names: string[];
  /** Ids matching `names`. */
  ids: string[];
}

/** An alarm as adapters hand it to the situation: coordinates already in the map datum, time in epoch ms. */
export interface IncidentReport {
  id: string;
  ts: number;
  kind: IncidentKind;
  priority: Priority;
  lat: number;
  lon: number;
  title: string;
  detail?: string;
  kioskId?: string;
  cameraIds?: string[];
  reporter?: string;
  /** the citizen app's id of the reporter (a clue's points are credited to it) */
  reporterId?: string;
  /** a clue's category as the citizen app names it (points per category); else its kind counts */
  category?: string;
  media?: MediaRef[];
  status: IncidentStatus;
  /**
   * when the position was fixed, where that is well before the alarm (a tracker with no GPS fix at
   * the time reports the last one it had): the map shows a last-known position, and how old it is
   */
  positionAt?: number;
  /**
   * the alarm episode this report belongs to: a device that keeps reporting the same alarm (a
   * tracker's SOS bit stays set on every position) raises one incident for it, not one per message
   */
  episode?: AlarmEpisode;
}

/** One device's one kind of alarm, from when it is first reported until the device stops reporting it. */
export interface AlarmEpisode {
  /** the device, as the unit id it reports positions under (e.g. `traccar:8613…`) */
  device: string;
  /** the alarm's name as the device reports it (e.g. `sos`) */
  alarm: string;
}

export interface UnitFix {
  id: string;
  ts: number;
  lat: number;
  lon: number;
  kind: UnitKind;
  name?: string;
  heading?: number;
  /** metres per second, whatever the source sent */
  speed?: number;
  accuracy?: number;
  status?: UnitStatus;
  battery?: number;
}

export interface DeviceStatus {
  id: string;
  ts: number;
  online: boolean;
  /** kiosks only: the SOS button is pressed */
  sos?: boolean;
  /** optional position, used when the registry does not know the device */
  lat?: number;
  lon?: number;
}

// ---- Situation (what the wall shows) ----

/**
 * Where an incident is in its life. `new → acknowledged → dispatched → on_scene → resolved`, or
 * closed as a `false_alarm`, or `merged` into another incident. The open ones have status `open`.
 */
export const INCIDENT_STATES = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'false_alarm', 'merged'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
export const CLOSED_STATES: readonly IncidentState[] = ['resolved', 'false_alarm', 'merged'];

/** What an operator may do to an incident (core/situation/lifecycle.ts says when). */
export const OPERATOR_ACTIONS = ['ack', 'dispatch', 'on_scene', 'resolve', 'false_alarm', 'merge', 'reopen', 'note', 'verify_clue', 'reject_clue'] as const;
export type OperatorActionKind = (typeof OPERATOR_ACTIONS)[number];

export const ROLES = ['commander', 'dispatcher', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a unit answers to a dispatch (watchfloor/v1/units/{unitId}/reply). */
export const DISPATCH_ANSWERS = ['accept', 'decline', 'enroute', 'arrived', 'done'] as const;
export type DispatchAnswer = (typeof DISPATCH_ANSWERS)[number];

/** Units sent to an incident by one dispatch: a broadcast to volunteers nearby, or chosen units. */
export interface DispatchOrder {
  /** unique: the units' replies name it */
  id: string;
  mode: 'broadcast' | 'assign';
  /** who was asked, decided by the services when the action was taken (so a replay asks the same) */
  unitIds: string[];
  /** broadcast: the radius it reached */
  radiusM?: number;
}

/** One unit asked to an incident, and where it is in answering. */
export interface Responder {
  unitId: string;
  name?: string;
  dispatchId: string;
  /** `asked` until the unit answers */
  answer: 'asked' | DispatchAnswer;
  askedAt: number;
  /** when the latest answer came (services' clock) */
  at: number;
  /** straight-line metres from the incident when asked */
  distanceM: number;
  note?: string;
}

/** One operator action, as the reducer takes it: the same from a button, a shortcut, the HTTP API or another wall. */
export interface OperatorAction {
  /** unique per action: applied once, however often it is sent (a retry, a second wall's copy) */
  id: string;
  incidentId: string;
  kind: OperatorActionKind;
  /** the operator's name and role, where the services know them (sign-in) */
  by?: string;
  role?: Role;
  note?: string;
  /** merge: the incident this one is merged into */
  into?: string;
  /** dispatch: the units asked, when the action sends any (a dispatch without is by radio) */
  order?: DispatchOrder;
}

export const TIMELINE_KINDS = [
  'reported',
  'updated',
  'acknowledged',
  'escalated',
  'dispatched',
  'on_scene',
  'resolved',
  'false_alarm',
  'merged',
  'absorbed',
  'reply',
  'note',
  'closed',
  'reopened',
  'clue_verified',
  'clue_rejected',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** What an update changed, as the timeline names it. */
export const TIMELINE_CHANGES = ['priority', 'kind', 'title', 'detail', 'position', 'media', 'reporter'] as const;
export type TimelineChange = (typeof TIMELINE_CHANGES)[number];

/** One moment in an incident's life: its reports that changed something, and what operators did. */
export interface TimelineEntry {
  /** the services' time it happened (receive time for reports), epoch ms */
  at: number;
  kind: TimelineKind;
  /** who did it, for operator actions, when the services know (sign-in comes with dispatch) */
  by?: string;
  role?: Role;
  /** the operator's note, for actions that carry one */
  note?: string;
  /** merged / absorbed: the other incident */
  other?: string;
  /** reply: which unit answered what */
  unit?: string;
  answer?: DispatchAnswer;
  /** dispatched: how many units were asked */
  asked?: number;
  /** for `updated`: what this report changed */
  changed?: TimelineChange[];
  /** the priority after this entry, where it changed (or on the first report) */
  priority?: Priority;
}

export interface Incident extends IncidentReport {
  cameraIds: string[];
  media: MediaRef[];
  /** where it came from: the topic's {source} segment or the adapter name */
  source: string;
  /**
   * when it started, epoch ms: the earliest time its reports gave (never after it was first
   * received). Its age and its recording window count from here, not from the latest update.
   */
  startedAt: number;
  /** receive time of the first and latest message, epoch ms */
  firstSeen: number;
  lastSeen: number;
  closedAt?: number;
  updates: number;
  /** where it is in its life; `status` is `closed` exactly when this is a closed state */
  state: IncidentState;
  /** merged: the incident it was merged into */
  mergedInto?: string;
  /** when it went unacknowledged past its priority's time (situation.escalation), services' clock */
  escalatedAt?: number;
  /** state !== 'new' */
  acknowledged: boolean;
  /** when it was acknowledged (services' clock), and by whom where known */
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  closedBy?: string;
  /** its reports that changed something and what operators did, oldest first (bounded: timeline.ts) */
  timeline: TimelineEntry[];
  /** units asked to it and their answers, in the order asked */
  responders: Responder[];
  /** a citizen clue (its source is one of clues.sources): whether an operator verified or rejected it */
  clue?: ClueCheck;
  grid?: GridRef;
}

export const CLUE_STATES = ['pending', 'verified', 'rejected'] as const;
export type ClueState = (typeof CLUE_STATES)[number];

export interface ClueCheck {
  state: ClueState;
  /** when it was verified or rejected, by whom, and a rejection's reason */
  at?: number;
  by?: string;
  reason?: string;
}

export type TrailPoint = [lon: number, lat: number, ts: number];

export interface Unit {
  id: string;
  kind: UnitKind;
  name?: string;
  lat: number;
  lon: number;
  heading?: number;
  speed?: number;
  accuracy?: number;
  battery?: number;
  status: UnitStatus;
  /** reported time of the fix held */
  ts: number;
  /** receive time of the latest message about this unit */
  lastSeen: number;
  stale: boolean;
  source: string;
  gridId?: string;
  /** recent fixes, oldest first */
  trail: TrailPoint[];
  outOfOrder: number;
}

export interface Kiosk {
  id: string;
  name: string;
  lat: number;
  lon: number;
  cameraId?: string;
  online: boolean | null;
  sos: boolean;
  lastSeen?: number;
  /** the incident raised by the current SOS press */
  sosIncidentId?: string;
  gridId?: string;
}

export interface Camera {
  id: string;
  name: string;
  lat: number;
  lon: number;
  bearing?: number;
  fov?: number;
  hls?: string;
  recording?: string;
  priority?: number;
  online: boolean | null;
  lastSeen?: number;
  gridId?: string;
}

export const REJECT_REASONS = [
  'oversized',
  'invalid_json',
  'invalid_encoding',
  'schema',
  'unknown_kind',
  'bad_coordinates',
  'bad_timestamp',
  'future_timestamp',
  'unknown_topic',
  'unknown_device',
  'conflict',
  /** a new incident beyond limits.maxIncidents (a flood) */
  'incident_limit',
  /** a unit's reply to a dispatch it was not asked in (or an answer that cannot follow its last) */
  'unknown_dispatch',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RejectRecord {
  at: number;
  topic: string;
  reason: RejectReason;
  message: string;
  excerpt: string;
}

export interface SituationStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  outOfOrder: number;
  /** messages the broker replayed because we subscribed (retained), counted apart from accepted and duplicates */
  retained: number;
  /** of those, alarms not raised: too old, or for incidents already closed */
  retainedIgnored: number;
  /** positions that carried no new fix (a tracker without GPS): the unit is alive, it did not move */
  noFix: number;
  /** accepted + rejected messages per second over the last few seconds of receive time */
  messagesPerSecond: number;
  lastMessageAt: number | null;
}

export const emptyStats = (): SituationStats => ({
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  rejectedByReason: {},
  outOfOrder: 0,
  retained: 0,
  retainedIgnored: 0,
  noFix: 0,
  messagesPerSecond: 0,
  lastMessageAt: null,
});

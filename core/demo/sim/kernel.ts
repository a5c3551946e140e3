// Types shared by the scenario engine and its scripted stories. Pure.
import type { UnitStatus } from '../../domain.js';
import type { Rng } from './rng.js';

/** Which public topic family a message belongs to. */
export type SimFamily = 'location' | 'alarm' | 'kiosk' | 'camera' | 'reply';

export interface SimMessage {
  topic: string;
  /** the JSON body (serialised by the I/O side) */
  payload: Record<string, unknown>;
  /** 0 for unit locations, 1 for alarms, device status and units' replies to dispatches */
  qos: 0 | 1;
  family: SimFamily;
}

export interface SimKiosk {
  id: string;
  name: string;
  lat: number;
  lon: number;
  cameraId?: string;
}

export interface SimCamera {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface SimPlace {
  name: string;
  lat: number;
  lon: number;
}

/** A moving unit as a story sees it. */
export interface SimMover {
  readonly id: string;
  readonly name: string;
  readonly kind: 'volunteer' | 'patrol';
  readonly status: UnitStatus;
}

export type SimAction = (t: number, out: SimMessage[]) => void;

/**
 * What a story asks of the wall's operator: the scenario only records it (`takeOperatorRequests`);
 * the demo hands it to an operator acting on the wall when it has one, and nothing happens without.
 */
export type OperatorRequest =
  /** call every available volunteer within `radiusM` of the incident (the wall's 召集附近志愿者) */
  | { kind: 'broadcast'; t: number; incidentId: string; radiusM: number; note?: string }
  /** close the incident (办结) */
  | { kind: 'resolve'; t: number; incidentId: string; note?: string };

/** A simulated unit that accepted a dispatch to an incident, and how far it has got. */
export interface SimResponder {
  readonly unit: SimMover;
  /** its latest answer */
  readonly answer: 'accept' | 'enroute' | 'arrived' | 'done';
  readonly acceptedAt: number;
  readonly arrivedAt?: number;
}

/** What a story may do inside a running scenario. All times are epoch ms. */
export interface SimKernel {
  readonly startAt: number;
  readonly topicPrefix: string;
  /** distinguishes this run's incident ids from earlier runs' */
  readonly runTag: string;
  readonly rng: Rng;
  readonly cameras: readonly SimCamera[];
  readonly places: Readonly<Record<string, SimPlace>>;
  /** runs `action` at time `t` (never earlier than the event being processed) */
  at(t: number, action: SimAction): void;
  /** appends an alarm message on `{prefix}/alarms/{source}` (adds `crs` when the scenario uses one) */
  alarm(out: SimMessage[], source: string, payload: Record<string, unknown>): void;
  volunteers(): readonly SimMover[];
  /** [lon, lat] of a unit at time t (t must not go back in time for that unit) */
  positionAt(m: SimMover, t: number): [number, number];
  /** holds a status: random busy/offline changes stop until `release` */
  hold(m: SimMover, status: UnitStatus): void;
  /** walks the unit in a straight line from where it is at `t` to the point, arriving at `arriveAt`, then it waits there */
  steer(m: SimMover, t: number, lon: number, lat: number, arriveAt: number): void;
  /** sets how often a unit reports (undefined: back to its normal interval) */
  reportEvery(m: SimMover, ms: number | undefined): void;
  /** hands the unit back to its random walk and random status */
  release(m: SimMover, t: number): void;
  /** asks the wall's operator to act (see OperatorRequest); `t` is when */
  operator(request: OperatorRequest): void;
  /** the simulated units that accepted a dispatch to the incident, in the order they accepted (core/demo/sim/responders.ts) */
  responders(incidentId: string): readonly SimResponder[];
}

export interface Story {
  name: string;
  /** volunteers the scenario should home near a point so the story has people to call on */
  volunteersNear?(places: Readonly<Record<string, SimPlace>>): { lon: number; lat: number; radiusM: number; count: number }[];
  /** schedules the story's events; `t0` is when the story starts */
  install(kernel: SimKernel, t0: number): void;
}

// Owns the live situation: applies inputs as they come, drives the clock, and cuts batched
// deltas at a fixed cadence so renderers never see one message per MQTT message. Alarms do not
// wait for the cadence: an input that changes an incident or a kiosk sends a delta of the alarms
// alone at the end of this turn of the event loop (the alarm lane; should the cadence's timer come
// first, the alarm simply goes with that delta), and a burst of alarms in one turn is one delta.
import type { OperatorAction } from '../../core/domain.js';
import type { SituationInput } from '../../core/inputs.js';
import { ok, type Result } from '../../core/result.js';
import { checkAction, type Refusal } from '../../core/situation/lifecycle.js';
import { apply, hasAlertChanges, hasChanges, type SituationDelta, type SituationSnapshot, type SituationState, snapshotOf, takeAlertDelta, takeDelta } from '../../core/situation/situation.js';

export interface SituationServiceOptions {
  deltaIntervalMs: number;
  tickMs?: number;
  now?: () => number;
}

export class SituationService {
  private readonly deltaListeners = new Set<(d: SituationDelta) => void>();
  private readonly inputListeners = new Set<(i: SituationInput) => void>();
  private readonly actionListeners = new Set<(a: OperatorAction, at: number) => void>();
  private timers: NodeJS.Timeout[] = [];
  private alertFlush: NodeJS.Immediate | null = null;
  private lastStatsKey = '';
  readonly now: () => number;
  /** deltas sent, for the benchmark's "batches per second" (the alarm lane's included) */
  deltasSent = 0;
  /** of those, deltas of the alarms alone */
  alertDeltasSent = 0;
  /** inputs applied so far: a checkpoint is due when this moved */
  inputsApplied = 0;

  constructor(
    readonly state: SituationState,
    private readonly options: SituationServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timers.length) return;
    this.timers.push(setInterval(() => this.apply({ t: 'tick', at: this.now() }), this.options.tickMs ?? 1000));
    this.timers.push(setInterval(() => this.flush(), this.options.deltaIntervalMs));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.alertFlush) clearImmediate(this.alertFlush);
    this.alertFlush = null;
  }

  apply(input: SituationInput): void {
    apply(this.state, input);
    this.inputsApplied++;
    for (const l of this.inputListeners) l(input);
    // only while running: a stopped service (tests, a replay being built) sends nothing by itself
    if (this.timers.length && !this.alertFlush && hasAlertChanges(this.state)) this.alertFlush = setImmediate(() => this.flushAlerts());
  }

  /**
   * An operator action: checked against the incident's state first, so a refusal is answered
   * with its reason; what is applied goes the same way as every input (listeners, journal).
   */
  act(action: OperatorAction, at = this.now()): Result<'applied' | 'duplicate', Refusal> {
    if (action.id && this.state.actionIds.has(action.id)) return ok('duplicate');
    const checked = checkAction(this.state.incidents.get(action.incidentId), action, action.into ? this.state.incidents.get(action.into) : undefined);
    if (!checked.ok) return checked;
    this.apply({ t: 'action', at, action });
    for (const l of this.actionListeners) l(action, at);
    return ok('applied');
  }

  /** Every operator action this wall took (not the ones heard from other walls): they are shared on the broker. */
  onAction(listener: (a: OperatorAction, at: number) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  snapshot(): SituationSnapshot {
    return snapshotOf(this.state);
  }

  /** Every input as applied: the journal (replay issue) listens here. */
  onInput(listener: (i: SituationInput) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onDelta(listener: (d: SituationDelta) => void): () => void {
    this.deltaListeners.add(listener);
    return () => this.deltaListeners.delete(listener);
  }

  /** The alarm lane: sends the alarms changed since the last delta, if any, ahead of the rest. */
  flushAlerts(): void {
    this.alertFlush = null;
    const delta = takeAlertDelta(this.state);
    if (!delta) return;
    this.deltasSent++;
    this.alertDeltasSent++;
    for (const l of this.deltaListeners) l(delta);
  }

  /** Sends what changed since the last flush, if anything did (stats count as a change). */
  flush(): void {
    const s = this.state.stats;
    const statsKey = `${s.accepted}|${s.duplicates}|${s.rejected}|${s.messagesPerSecond}|${s.outOfOrder}`;
    if (!hasChanges(this.state) && statsKey === this.lastStatsKey) return;
    this.lastStatsKey = statsKey;
    const delta = takeDelta(this.state);
    this.deltasSent++;
    for (const l of this.deltaListeners) l(delta);
  }
}

// The built-in Fuzhou demo both shells start: the scenario engine driven by the real clock,
// published to the wall's broker over its own MQTT client, so the demo takes exactly the path
// real feeds take (and shows up in the same stats and rejection panel). The same client hears the
// wall's dispatches to the simulated units, which answer them (core/demo/sim/responders.ts), and
// what a story asks of the duty officer is done on the wall by the demo's operator, when given one.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { WatchfloorConfig } from '../../core/config.js';
import { createScenario, type DispatchOutcome, type OperatorRequest, type Scenario, type ScenarioOptions } from '../../core/demo/sim/scenario.js';
import { getStory, storyNames } from '../../core/demo/sim/stories/index.js';
import { loadDemoAssets } from './assets.js';
import type { DemoOperator } from './operator.js';
import { type Publisher, startPublisher } from './publisher.js';

export type { DemoOperator } from './operator.js';

export interface DemoHandle {
  /** dispatches heard for the simulated units, by what became of them */
  readonly dispatches: Readonly<Record<DispatchOutcome, number>>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  config: WatchfloorConfig;
  appRoot: string;
  brokerUrl: string;
  /** the wall's own broker login (from the configuration or its broker URLs): the demo publishes with it */
  login?: { username?: string; password?: string };
  story?: string;
  /** acts on the wall for the story (its broadcast and its close); none: stories ask nobody */
  operator?: DemoOperator;
  /** test hooks: a faster clock, a smaller world, a shorter step, other scenario options */
  testing?: { now?: () => number; units?: number; patrols?: number; tickMs?: number; scenario?: Partial<ScenarioOptions> };
}

/** Volunteers and patrols the wall demo runs. */
export const DEMO_VOLUNTEERS = 2000;
export const DEMO_PATROLS = 100;
/** the scenario is stepped this often, ms */
const DEMO_TICK_MS = 200;
/** a dispatch larger than this is not one of the wall's */
const MAX_DISPATCH_BYTES = 64 * 1024;
/** operator actions heard on the broker that close an incident: its units stand down */
const CLOSING_ACTIONS = new Set(['resolve', 'false_alarm', 'merge']);

const DISPATCH_OUTCOMES: readonly DispatchOutcome[] = ['accept', 'decline', 'silent', 'busy', 'again', 'offline', 'duplicate', 'unknown_unit', 'malformed'];

/** Hands one story request to the operator; a failure is logged, never thrown into the publisher. */
function ask(operator: DemoOperator | undefined, r: OperatorRequest): void {
  if (!operator) return;
  try {
    if (r.kind === 'broadcast') operator.broadcast(r.incidentId, r.radiusM, r.note);
    else operator.resolve(r.incidentId, r.note);
  } catch (e) {
    console.warn(`watchfloor demo: the operator's ${r.kind} failed: ${(e as Error).message}`);
  }
}

/** The wall's dispatches to the simulated units, and operators' closes, heard on the broker and told to the scenario. */
function listen(client: MqttClient, prefix: string, scenario: () => Scenario | null, now: () => number, counts: Record<DispatchOutcome, number>): void {
  const dispatchTopic = `${prefix}/dispatch/`;
  const actionTopic = `${prefix}/actions/`;
  client.on('message', (topic, payload) => {
    const s = scenario();
    if (!s || payload.length > MAX_DISPATCH_BYTES) return;
    const isDispatch = topic.startsWith(dispatchTopic);
    if (!isDispatch && !topic.startsWith(actionTopic)) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      if (isDispatch) counts.malformed++;
      return;
    }
    if (isDispatch) {
      const unitId = topic.slice(dispatchTopic.length);
      counts[unitId && !unitId.includes('/') ? s.dispatch(unitId, json, now()) : 'unknown_unit']++;
      return;
    }
    const action = (json as { action?: { kind?: unknown; incidentId?: unknown } } | null)?.action;
    if (action && CLOSING_ACTIONS.has(String(action.kind)) && typeof action.incidentId === 'string') s.incidentClosed(action.incidentId, now());
  });
}

export async function startDemoIfEnabled(opts: DemoOptions): Promise<DemoHandle | null> {
  const { config } = opts;
  if (!config.demo) return null;
  const loaded = loadDemoAssets(opts.appRoot, config.mapDatum);
  if (!loaded.ok) {
    console.warn(`watchfloor demo: not started — ${loaded.error}`);
    return null;
  }
  let story = opts.story;
  if (story && !getStory(story)) {
    console.warn(`watchfloor demo: unknown story "${story}" (known: ${storyNames().join(', ')}); running the plain scenario`);
    story = undefined;
  }
  const { assets } = loaded;
  // The demo assets are in the map datum; say so when the wall would otherwise read our messages
  // in another datum (config.sources / defaultDatum).
  const sourceDatums = ['110', 'clue', 'analytics', 'grid', 'kiosk', 'units', 'kiosks', 'cameras'].map((s) => config.sources[s]?.datum ?? config.defaultDatum);
  const crs = sourceDatums.some((d) => d !== config.mapDatum) ? config.mapDatum : undefined;

  const client: MqttClient = mqtt.connect(opts.brokerUrl, {
    clientId: `watchfloor-demo-${randomBytes(4).toString('hex')}`,
    clean: true,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    queueQoSZero: false,
    username: opts.login ? opts.login.username : config.username,
    password: opts.login ? opts.login.password : config.password,
  });
  let lastError = '';
  client.on('error', (e) => {
    if (e.message !== lastError) console.warn(`watchfloor demo: broker error: ${e.message}`);
    lastError = e.message;
  });

  let publisher: Publisher | null = null;
  let scenario: Scenario | null = null;
  let stopped = false;
  const now = opts.testing?.now ?? Date.now;
  const prefix = config.topicPrefix.replace(/\/+$/, '');
  const dispatches = Object.fromEntries(DISPATCH_OUTCOMES.map((o) => [o, 0])) as Record<DispatchOutcome, number>;
  listen(client, prefix, () => scenario, now, dispatches);
  // The world starts when we first reach the broker, so the first alarm and first fixes
  // arrive within seconds of the wall coming up, whatever the connection took.
  client.once('connect', () => {
    if (stopped) return;
    // the units' own topics (mqtt.js subscribes again after a reconnect)
    client.subscribe([`${prefix}/dispatch/+`, `${prefix}/actions/+`], { qos: 1 }, (e) => {
      if (e) console.warn(`watchfloor demo: cannot hear the wall's dispatches: ${e.message}`);
    });
    const options: Partial<ScenarioOptions> = { ...opts.testing?.scenario, topicPrefix: config.topicPrefix, story, crs };
    const s = createScenario({
      seed: 20261126,
      units: opts.testing?.units ?? DEMO_VOLUNTEERS,
      patrols: opts.testing?.patrols ?? DEMO_PATROLS,
      kiosks: assets.kiosks,
      cameras: assets.cameras,
      grids: assets.grids,
      places: assets.places,
      startAt: now(),
      options,
    });
    scenario = s;
    publisher = startPublisher({
      client,
      scenario: s,
      tickMs: opts.testing?.tickMs ?? DEMO_TICK_MS,
      qosLocation: 0,
      qosOther: 1,
      maxInflight: 2000,
      now,
      // the story's requests go to the operator before the step's messages are published: a
      // resolve reaches the wall before the alarm's own close
      afterStep: () => {
        for (const r of s.takeOperatorRequests()) ask(opts.operator, r);
      },
    });
  });

  return {
    dispatches,
    async stop() {
      if (stopped) return;
      stopped = true;
      await publisher?.stop(2000);
      await client.endAsync().catch(() => client.end(true));
    },
  };
}

// The built-in Fuzhou demo both shells start: the scenario engine driven by the real clock,
// published to the wall's broker over its own MQTT client, so the demo takes exactly the path
// real feeds take (and shows up in the same stats and rejection panel).
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { WatchfloorConfig } from '../../core/config.js';
import { createScenario, type ScenarioOptions } from '../../core/demo/sim/scenario.js';
import { getStory, storyNames } from '../../core/demo/sim/stories/index.js';
import { loadDemoAssets } from './assets.js';
import { type Publisher, startPublisher } from './publisher.js';

export interface DemoHandle {
  stop(): Promise<void>;
}

export interface DemoOptions {
  config: WatchfloorConfig;
  appRoot: string;
  brokerUrl: string;
  /** the wall's own broker login (from the configuration or its broker URLs): the demo publishes with it */
  login?: { username?: string; password?: string };
  story?: string;
}

/** Volunteers and patrols the wall demo runs. */
export const DEMO_VOLUNTEERS = 2000;
export const DEMO_PATROLS = 100;
/** the scenario is stepped this often, ms */
const DEMO_TICK_MS = 200;

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
  let stopped = false;
  // The world starts when we first reach the broker, so the first alarm and first fixes
  // arrive within seconds of the wall coming up, whatever the connection took.
  client.once('connect', () => {
    if (stopped) return;
    const options: Partial<ScenarioOptions> = { topicPrefix: config.topicPrefix, story, crs };
    const scenario = createScenario({
      seed: 20261126,
      units: DEMO_VOLUNTEERS,
      patrols: DEMO_PATROLS,
      kiosks: assets.kiosks,
      cameras: assets.cameras,
      grids: assets.grids,
      places: assets.places,
      startAt: Date.now(),
      options,
    });
    publisher = startPublisher({ client, scenario, tickMs: DEMO_TICK_MS, qosLocation: 0, qosOther: 1, maxInflight: 2000 });
  });

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await publisher?.stop(2000);
      await client.endAsync().catch(() => client.end(true));
    },
  };
}

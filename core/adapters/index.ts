// Which adapters a configuration enables. The native one is always on; the rest are opt-in.
import type { WatchfloorConfig } from '../config.js';
import type { Priority } from '../domain.js';
import type { Adapter } from './common.js';
import { createFrigateAdapter } from './frigate.js';
import { createNativeAdapter } from './native.js';
import { createOwnTracksAdapter } from './owntracks.js';
import { createTraccarAdapter } from './traccar.js';

export function buildAdapters(config: Pick<WatchfloorConfig, 'topicPrefix' | 'adapters'>): Adapter[] {
  const adapters: Adapter[] = [createNativeAdapter({ topicPrefix: config.topicPrefix })];
  const { owntracks, frigate, traccar } = config.adapters;
  if (owntracks?.enabled) adapters.push(createOwnTracksAdapter({ topicPrefix: owntracks.topicPrefix }));
  if (frigate?.enabled) adapters.push(createFrigateAdapter({ topicPrefix: frigate.topicPrefix, minSeverity: frigate.minSeverity, priority: frigate.priority as Priority }));
  if (traccar?.enabled) adapters.push(createTraccarAdapter({ positionsTopic: traccar.positionsTopic, eventsTopic: traccar.eventsTopic }));
  return adapters;
}

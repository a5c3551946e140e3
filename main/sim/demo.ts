// Placeholder until the scenario lands: the demo hook both shells call.
import type { WatchfloorConfig } from '../../core/config.js';

export interface DemoHandle {
  stop(): Promise<void>;
}

export async function startDemoIfEnabled(_opts: { config: WatchfloorConfig; appRoot: string; brokerUrl: string; story?: string }): Promise<DemoHandle | null> {
  return null;
}

// Picks the transport: Electron's preload API when present, else the web shell's WebSocket.
import type { Bridge } from '../../../core/contract';
import { createIpcBridge } from './ipc';
import { createWebSocketBridge } from './websocket';

export { createIpcBridge, type PreloadApi } from './ipc';
export { createWebSocketBridge } from './websocket';

/** `acks=1`: this page acknowledges what it takes in (update-acks.ts), so the services hold its updates from its first snapshot on (flow control). */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/bridge?acks=1`;
}

export function pickBridge(win: Window = window): Bridge {
  if (win.watchfloor) return createIpcBridge(win.watchfloor);
  return createWebSocketBridge(bridgeUrl(win.location), { sessionUrl: '/api/session' });
}

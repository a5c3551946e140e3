// The only API the wall's page gets: three functions over fixed channels. No Electron objects,
// no Node, nothing that takes a channel name from the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type ClientMessage, type ServerMessage } from '../core/contract.js';
import { HEARTBEAT_MS } from '../main/electron/restart-policy.js';

contextBridge.exposeInMainWorld('watchfloor', {
  send: (message: ClientMessage) => ipcRenderer.send(IPC.fromRenderer, message),
  onMessage: (callback: (m: ServerMessage) => void) => {
    const listener = (_e: IpcRendererEvent, m: ServerMessage) => callback(m);
    ipcRenderer.on(IPC.toRenderer, listener);
    return () => {
      ipcRenderer.removeListener(IPC.toRenderer, listener);
    };
  },
  hello: () => ipcRenderer.send(IPC.hello),
});

// A timer on the page's main thread: a page stuck in a loop stops it, and the main process
// replaces the window after HUNG_AFTER_MS without one (main/electron/restart-policy.ts).
setInterval(() => ipcRenderer.send(IPC.heartbeat), HEARTBEAT_MS);

// The lock-down every wall window's contents get before they load anything: where they may
// navigate (main frame and subframes, redirects included), what they may open, no <webview>.
// The decisions are policy.ts's; this only hangs them on Electron's events.
import type { WebContents } from 'electron';
import { navigationAllowed, redirectAllowed, replayWindowPath } from './policy.js';

export function guardContents(contents: WebContents, openReplay: (path: string) => void): void {
  contents.on('will-navigate', (e) => {
    if (!navigationAllowed({ url: e.url, isMainFrame: true })) e.preventDefault();
  });
  contents.on('will-frame-navigate', (e) => {
    if (!navigationAllowed({ url: e.url, isMainFrame: e.isMainFrame })) e.preventDefault();
  });
  contents.on('will-redirect', (e) => {
    if (!redirectAllowed({ url: e.url, isMainFrame: e.isMainFrame })) e.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const replay = replayWindowPath(url);
    if (replay) openReplay(replay);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

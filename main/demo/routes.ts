// What the demo serves beside the wall: its generated camera streams under /video/ (live-hls.ts)
// and its clue photos under /media/. A deployment's cameras come from its own media server; the
// entry points mount these (both shells run the demo's cameras by default).
import { join } from 'node:path';
import { createLiveHlsServer, type LiveHlsServer } from './live-hls.js';

export function demoWebRoutes(generatedDir: string): { video: LiveHlsServer; mediaDir: string } {
  return { video: createLiveHlsServer({ root: join(generatedDir, 'video') }), mediaDir: join(generatedDir, 'media') };
}

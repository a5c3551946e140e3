// A page with bare hls.js on a server of its own, in front of the demo stream server: the
// baseline the wall's player is compared with, in tests and in bench:video.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LiveHlsServer } from '../../main/demo/live-hls.js';
import { APP_ROOT } from './host.js';

export async function startBareHlsPage(video: Pick<LiveHlsServer, 'handle'>, page: string): Promise<{ server: Server; url: string }> {
  const hlsJs = readFileSync(join(APP_ROOT, 'node_modules/hls.js/dist/hls.min.js'));
  const server = createServer((req, res) => {
    if (video.handle(req, res)) return;
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page);
    } else if (req.url === '/hls.min.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(hlsJs);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

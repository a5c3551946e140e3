// An in-process MQTT broker (Aedes), so the wall works with no broker of its own. It listens on
// loopback unless configured otherwise, asks for the wall's username and password when the
// configuration has them, and cuts oversized publishes on arrival like the wall's own client
// does: it runs in the wall's process, so what it buffers, the wall pays for (docs/security.md).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { guardIncoming } from './guarded-stream.js';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  port: number;
  /** listen address; default loopback */
  host?: string;
  /** when set, clients must log in with exactly these */
  username?: string;
  password?: string;
  /** publishes with larger payloads are cut to a marker on arrival (core/ingest/packet-guard.ts) */
  maxPayloadBytes: number;
}

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Listens on `host`:`port`; if that port is taken, on any free port (the URL says which). */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  if (opts.username !== undefined || opts.password !== undefined) {
    const user = Buffer.from(opts.username ?? '');
    const pass = Buffer.from(opts.password ?? '');
    broker.authenticate = (_client, username, password, done) => {
      const ok = same(Buffer.from(username ?? ''), user) && same(Buffer.isBuffer(password) ? password : Buffer.from(password ?? ''), pass);
      if (ok) return done(null, true);
      // MQTT 3.1.1 return code 4: bad user name or password
      done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }) as Parameters<typeof done>[0], false);
    };
  }
  const server: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    broker.handle(guardIncoming(socket, { maxPayloadBytes: opts.maxPayloadBytes, protocolVersion: 4 }));
  });
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (e: Error) => {
        server.off('listening', onListening);
        reject(e);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve((server.address() as { port: number }).port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p, host);
    });
  let actual: number;
  try {
    actual = await listen(opts.port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw e;
    actual = await listen(0);
  }
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `mqtt://${urlHost}:${actual}`,
    port: actual,
    close: () =>
      // The broker disconnects its clients first; then the listening socket can close.
      new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
  };
}

// An in-process MQTT broker (Aedes) on loopback, so the wall works with no broker of its own.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port`; if that port is taken, on any free port (the URL says which). */
export async function startEmbeddedBroker(port: number): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
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
      server.listen(p, '127.0.0.1');
    });
  let actual: number;
  try {
    actual = await listen(port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw e;
    actual = await listen(0);
  }
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      // The broker disconnects its clients first; then the listening socket can close.
      new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
  };
}

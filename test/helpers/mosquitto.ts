// Starts Debian's Mosquitto on a free loopback port for a test, with persistence on disk.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
}

export interface Mosquitto {
  url: string;
  port: number;
  /** its configuration and persistence, left in place by stop() (a restart reuses them): the soak removes it */
  dir: string;
  /** stop (SIGTERM: it writes its persistence file) */
  stop(): Promise<void>;
  /** start again on the same port with the same persistence */
  start(): Promise<void>;
}

export interface MosquittoOptions {
  /** TLS listener with these PEM files (server cert signed by `ca`) */
  tls?: { ca: string; cert: string; key: string };
  /** with `tls`: clients must show a certificate signed by `tls.ca` (mutual TLS) */
  requireClientCert?: boolean;
  /** username → password; anonymous access is then refused */
  users?: Record<string, string>;
  /**
   * its own process group, so that a Ctrl-C in the caller's terminal does not stop the broker under
   * the caller (the soak, which stops it last); it is still stopped when the caller's process exits
   */
  ownProcessGroup?: boolean;
  /**
   * keep sessions and messages on disk, saved every second (default), so a restart keeps them; a
   * benchmark that queues hundreds of thousands of messages turns it off: each save writes them all
   */
  persistence?: boolean;
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  if (!MOSQUITTO) throw new Error('Debian mosquitto is not installed (apt-get install mosquitto); .ci/run installs it');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wf-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  // `user root` keeps it from dropping to the mosquitto user, who could not write our temp dir.
  const auth: string[] = ['allow_anonymous true'];
  if (opts.users) {
    const pwfile = join(dir, 'passwd');
    writeFileSync(pwfile, '');
    for (const [user, password] of Object.entries(opts.users)) {
      const r = spawnSync(MOSQUITTO_PASSWD, ['-b', pwfile, user, password]);
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    }
    auth.splice(0, 1, 'allow_anonymous false', `password_file ${pwfile}`);
  }
  const tls = opts.tls ? [`cafile ${opts.tls.ca}`, `certfile ${opts.tls.cert}`, `keyfile ${opts.tls.key}`, ...(opts.requireClientCert ? ['require_certificate true'] : [])] : [];
  writeFileSync(
    conf,
    [`listener ${port} 127.0.0.1`, ...tls, ...auth, ...(opts.persistence === false ? ['persistence false'] : ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1']), 'max_queued_messages 2000000', 'max_inflight_messages 0', 'max_queued_bytes 0', 'user root', ''].join('\n'),
  );
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: !!opts.ownProcessGroup });
    let stderr = '';
    proc.stderr?.on('data', (d) => (stderr += d));
    const exited = new Promise<never>((_, reject) => proc!.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`))));
    await Promise.race([waitForPort(port, 10_000), exited]);
    exited.catch(() => {});
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  if (opts.ownProcessGroup) process.once('exit', () => proc?.kill('SIGTERM'));
  await start();
  return { url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`, port, dir, stop, start };
}

// A throwaway CA and a server certificate for 127.0.0.1 (and, asked for, a client certificate for
// mutual TLS), made with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certs {
  dir: string;
  ca: string;
  cert: string;
  key: string;
  /** a client certificate and its key, signed by the same CA */
  client?: { cert: string; key: string };
}

export function makeCerts(opts: { client?: boolean } = {}): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tls-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=watchfloor-test-ca');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  const certs: Certs = { dir, ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
  if (opts.client) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('client.key'), '-out', f('client.csr'), '-subj', '/CN=watchfloor-wall');
    ssl('x509', '-req', '-in', f('client.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('client.pem'), '-days', '2');
    certs.client = { cert: f('client.pem'), key: f('client.key') };
  }
  return certs;
}

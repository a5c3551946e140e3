import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anonymousRoleOf, authRequired, parseConfig } from '../../../core/config.js';
import { parseShellArgs } from '../../../main/services/cli-args.js';

/** a hash as `npm run passwd` prints it */
const HASH = 'scrypt$16384$8$1$n-shINvYpL2f0phjO20zDA$d9s-ZJBGGemxobekjfhuJ00zaff2psFn37NCGgcNO6I';

describe('configuration', () => {
  it('fills defaults', () => {
    const c = parseConfig({});
    expect(c.ok && c.value).toMatchObject({ topicPrefix: 'watchfloor/v1', mapDatum: 'WGS84', limits: { maxPayloadBytes: 65536 }, situation: { deltaIntervalMs: 50 }, web: { port: 5170 } });
  });

  it('reports every bad field with its path', () => {
    const c = parseConfig({ brokers: ['http://x'], mapDatum: 'EPSG', situation: { staleAfterMs: -1 }, typo: true });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error).toContain('brokers.0');
    expect(c.error).toContain('mapDatum');
    expect(c.error).toContain('situation.staleAfterMs');
    expect(c.error).toContain('typo');
  });

  it('merges flags over the file: repeatable --broker, --port, --no-demo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cfg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ brokers: ['mqtt://a:1883'], clientId: 'wall-7', web: { host: '0.0.0.0' }, auth: { users: [{ name: '张伟', role: 'dispatcher', passwordHash: HASH }] } }));
    const r = parseShellArgs(['--config', 'c.json', '--broker', 'mqtt://b:1883', '--broker', 'mqtts://c:8883', '--port', '0', '--no-demo'], dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.config).toMatchObject({ brokers: ['mqtt://b:1883', 'mqtts://c:8883'], clientId: 'wall-7', demo: false, web: { host: '0.0.0.0', port: 0 } });
    expect(r.value.configDir).toBe(dir);
  });

  it.each([
    [['--port', 'abc'], 'not a port'],
    [['--broker'], 'needs a value'],
    [['--frobnicate'], 'unknown flag'],
    [['--config', '/nonexistent/x.json'], 'cannot read config'],
  ])('refuses %j clearly', (argv, message) => {
    const r = parseShellArgs(argv as string[]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('the Electron shell skips Chromium switches it does not know, and still reads its own', () => {
    const r = parseShellArgs(['--remote-debugging-port=0', '--no-sandbox', '--port', '0', '--fullscreen'], '/tmp', { ignoreUnknown: true });
    expect(r.ok && r.value.config.web.port).toBe(0);
  });

  it('refuses a config file that is not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cfg-'));
    writeFileSync(join(dir, 'bad.json'), '[1,2]');
    const r = parseShellArgs(['--config', join(dir, 'bad.json')]);
    expect(!r.ok && r.error).toContain('JSON object');
  });

  describe('sign-in (safe defaults)', () => {
    it('lets a wall without users run anonymously as commander on loopback, as before', () => {
      const c = parseConfig({});
      expect(c.ok && anonymousRoleOf(c.value)).toBe('commander');
      expect(c.ok && authRequired(c.value)).toBe(false);
    });

    it.each(['0.0.0.0', '192.168.10.5', '::'])('refuses to listen on %s without sign-in, saying how to configure it', (host) => {
      const c = parseConfig({ web: { host } });
      expect(c.ok).toBe(false);
      if (!c.ok) {
        expect(c.error).toContain('web.host');
        expect(c.error).toContain('npm run passwd');
      }
    });

    it('listens beyond loopback with users, nobody anonymous by default; a viewer-only anonymous wall is allowed, an acting one is not', () => {
      const users = [{ name: '张伟', role: 'dispatcher', passwordHash: HASH }];
      const c = parseConfig({ web: { host: '0.0.0.0' }, auth: { users } });
      expect(c.ok && anonymousRoleOf(c.value)).toBe(null);
      const corridor = parseConfig({ web: { host: '0.0.0.0' }, auth: { users, anonymousRole: 'viewer' } });
      expect(corridor.ok && anonymousRoleOf(corridor.value)).toBe('viewer');
      const open = parseConfig({ web: { host: '0.0.0.0' }, auth: { users, anonymousRole: 'dispatcher' } });
      expect(!open.ok && open.error).toContain('auth.anonymousRole');
    });

    it('refuses a hash that is not one `npm run passwd` prints, an unknown role, and a name given twice', () => {
      expect(parseConfig({ auth: { users: [{ name: 'a', role: 'dispatcher', passwordHash: 'secret' }] } }).ok).toBe(false);
      expect(parseConfig({ auth: { users: [{ name: 'a', role: 'admin', passwordHash: HASH }] } }).ok).toBe(false);
      const twice = parseConfig({ auth: { users: [{ name: 'a', role: 'dispatcher', passwordHash: HASH }], tokens: [{ name: 'a', role: 'viewer', tokenHash: HASH }] } });
      expect(!twice.ok && twice.error).toContain('given twice');
    });
  });
});

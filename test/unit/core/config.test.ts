import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config.js';
import { parseShellArgs } from '../../../main/services/cli-args.js';

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
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ brokers: ['mqtt://a:1883'], clientId: 'wall-7', web: { host: '0.0.0.0' } }));
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
});

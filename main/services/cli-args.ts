// Flags shared by both shells. Errors come back as values so each shell reports them its own way.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseConfig, type WatchfloorConfig } from '../../core/config.js';
import type { Result } from '../../core/result.js';
import { brokerSecret } from './broker-secret.js';

export interface ShellArgs {
  config: WatchfloorConfig;
  configDir: string;
  dataDir: string;
  story?: string;
  /** what the person starting the wall should fix (a password file others can read) */
  warnings: string[];
}

export const USAGE = `flags:
  --broker URL     MQTT broker (repeat for a failover list); none = embedded broker on loopback
  --config FILE    JSON configuration file (see docs/configuration.md)
  --port N         web shell port (default 5170; 0 = any free port)
  --host ADDR      web shell address (default 127.0.0.1)
  --data DIR       folder for the wall's state: the situation checkpoint (default ./data)
  --no-demo        do not run the built-in Fuzhou demo scenario
  --story NAME     start a scripted demo story (e.g. wanda)
  --broker-password-file FILE
                   the broker password, one line, in a file only its owner reads (web shell; or
                   WATCHFLOOR_BROKER_PASSWORD in the environment)`;

/**
 * `ignoreUnknown`: Electron's argv also carries Chromium switches (`--remote-debugging-port=0`,
 * `--no-sandbox`, …) that are not ours; the Electron shell skips those, the web shell refuses them.
 */
export function parseShellArgs(argv: string[], cwd = process.cwd(), opts: { ignoreUnknown?: boolean; env?: NodeJS.ProcessEnv } = {}): Result<ShellArgs> {
  const brokers: string[] = [];
  let configPath: string | undefined;
  let port: number | undefined;
  let host: string | undefined;
  let dataDir = resolve(cwd, 'data');
  let noDemo = false;
  let story: string | undefined;
  let passwordFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case '--broker': brokers.push(value()); break;
        case '--config': configPath = resolve(cwd, value()); break;
        case '--port': {
          const v = value();
          port = Number(v);
          if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${v} is not a port number`);
          break;
        }
        case '--host': host = value(); break;
        case '--data': dataDir = resolve(cwd, value()); break;
        case '--no-demo': noDemo = true; break;
        case '--story': story = value(); break;
        case '--broker-password-file': passwordFile = resolve(cwd, value()); break;
        case '--help': case '-h': return { ok: false, error: USAGE };
        default:
          if (opts.ignoreUnknown) break;
          return { ok: false, error: `unknown flag ${flag}\n${USAGE}` };
      }
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
  let fileJson: Record<string, unknown> = {};
  if (configPath) {
    try {
      fileJson = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (e) {
      return { ok: false, error: `cannot read config ${configPath}: ${(e as Error).message}` };
    }
    if (typeof fileJson !== 'object' || fileJson === null || Array.isArray(fileJson)) return { ok: false, error: `config ${configPath} must hold a JSON object` };
  }
  const merged: Record<string, unknown> = { ...fileJson };
  if (brokers.length) merged.brokers = brokers;
  if (noDemo) merged.demo = false;
  if (port !== undefined || host !== undefined) {
    const web = (merged.web ?? {}) as Record<string, unknown>;
    merged.web = { ...web, ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}) };
  }
  // the password from the environment or its own file (the web shell; main/services/broker-secret.ts)
  const secret = brokerSecret({ env: opts.env ?? {}, passwordFile, configPath, configHasPassword: typeof fileJson.password === 'string' && fileJson.password !== '' });
  if (!secret.ok) return secret;
  if (secret.value.password !== undefined) merged.password = secret.value.password;
  const config = parseConfig(merged);
  if (!config.ok) return { ok: false, error: configPath ? `${configPath}: ${config.error}` : config.error };
  return { ok: true, value: { config: config.value, configDir: configPath ? dirname(configPath) : cwd, dataDir, story, warnings: secret.value.warnings } };
}

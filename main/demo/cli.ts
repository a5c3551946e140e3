// `npm run simulate -- --broker URL [...]`: the demo's actors as a load generator for any MQTT broker.
// Prints one JSON line (the report) and a human summary; exit code 0 when everything was sent.
import type { Result } from '../../core/result.js';
import { pathToFileURL } from 'node:url';
import { storyNames } from '../../core/demo/sim/stories/index.js';
import { formatReport, runSimulation, type SimulationOptions } from './run.js';

export { runSimulation, formatReport, type SimReport, type SimulationOptions } from './run.js';

export const SIM_USAGE = `usage: npm run simulate -- --broker URL [options]
  --broker URL        mqtt://host:port, ws://…, or "embedded" (an in-process Aedes broker)
  --units N           volunteers (default 2000)
  --patrols N         patrols (default 100)
  --rate MSG_PER_S    aggregate unit-location messages per second (default: natural 5 s / 2 s intervals)
  --duration S        seconds to run (default 60)
  --seed N            scenario seed (default 1)
  --story NAME        scripted story (${storyNames().join(', ')})
  --prefix P          topic prefix (default watchfloor/v1)
  --qos 0|1           QoS of unit-location messages (default 0; alarms and status always 1)
  --username U / --password P   broker credentials`;

export function parseSimArgs(argv: string[]): Result<SimulationOptions> {
  const o: Partial<SimulationOptions> = {};
  const int = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${v}: expected an integer ≥ ${min}`);
    return n;
  };
  const num = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} ${v}: expected a number ≥ ${min}`);
    return n;
  };
  try {
    for (let i = 0; i < argv.length; i++) {
      const flag = argv[i];
      const value = (): string => {
        const v = argv[++i];
        if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
        return v;
      };
      switch (flag) {
        case '--broker': o.broker = value(); break;
        case '--units': o.units = int(flag, value(), 0); break;
        case '--patrols': o.patrols = int(flag, value(), 0); break;
        case '--rate': o.rate = num(flag, value(), 0.001); break;
        case '--duration': o.durationS = num(flag, value(), 0.1); break;
        case '--seed': o.seed = int(flag, value(), 0); break;
        case '--story': {
          const s = value();
          if (!storyNames().includes(s)) throw new Error(`unknown story ${s} (known: ${storyNames().join(', ')})`);
          o.story = s;
          break;
        }
        case '--prefix': o.prefix = value(); break;
        case '--qos': {
          const q = value();
          if (q !== '0' && q !== '1') throw new Error(`--qos ${q}: expected 0 or 1`);
          o.qos = Number(q) as 0 | 1;
          break;
        }
        case '--username': o.username = value(); break;
        case '--password': o.password = value(); break;
        case '--help': case '-h': return { ok: false, error: SIM_USAGE };
        default: throw new Error(`unknown flag ${flag}`);
      }
    }
  } catch (e) {
    return { ok: false, error: `${(e as Error).message}\n${SIM_USAGE}` };
  }
  if (!o.broker) return { ok: false, error: `--broker is required\n${SIM_USAGE}` };
  return { ok: true, value: o as SimulationOptions };
}

async function main(): Promise<void> {
  const args = parseSimArgs(process.argv.slice(2));
  if (!args.ok) {
    console.error(args.error);
    process.exit(2);
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const report = await runSimulation({ ...args.value, signal: abort.signal, log: (l) => console.error(l) });
  console.log(JSON.stringify(report));
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`simulate: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
}

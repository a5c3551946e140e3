// `npm run soak`'s command line, apart from the soak itself so that a unit test can reach it
// without starting a browser.
import type { Result } from '../core/result.js';

export type SoakBroker = 'mosquitto' | 'embedded';
/**
 * How Chromium composites. Without a GPU it composites in software by default, and there (only
 * there) it keeps the processes of removed video frames alive; `gpu` composites through SwiftShader,
 * the code path of a display with a graphics card (docs/operations.md, "Displays without a GPU").
 */
export type SoakCompositing = 'gpu' | 'software';

export interface SoakOptions {
  /** print the usage and leave */
  help: boolean;
  durationS: number;
  /** aggregate unit-location messages per second from the simulator */
  rate: number;
  units: number;
  sampleS: number;
  tileEveryS: number;
  tileHoldS: number;
  warmupS: number;
  /** the asked warm-up was longer than a fifth of the run and was cut to that */
  warmupCapped: boolean;
  /** JSON lines; null: soak-<time>.json in the OS temp folder (the caller names it: this stays pure) */
  out: string | null;
  /** null: Mosquitto when installed, else the host's embedded broker */
  broker: SoakBroker | null;
  compositing: SoakCompositing;
}

export const SOAK_USAGE = `usage: npm run soak -- --hours H [options]
  --hours H          how long to run (decimals allowed: 0.05 = 3 minutes)
  --rate N           unit-location messages per second from the simulator (default 500)
  --units N          simulated volunteers (default 2000; plus 100 patrols)
  --sample-s S       seconds between samples (default 60, or a tenth of a run shorter than 10 minutes)
  --tile-every S     open one alarm at a kiosk with a camera every S seconds (default 10)
  --tile-hold S      close each such alarm after S seconds (default 40)
  --warmup-min M     minutes before the figures count as settled (default 10, at most a fifth of the run)
  --out FILE         samples and summary as JSON lines (default: soak-<time>.json in the temp folder)
  --broker B         mosquitto (default when installed) or embedded (the host's own broker)
  --compositing C    gpu (default: through SwiftShader, as on a display with a graphics card) or
                     software (Chromium's own choice on a machine without a GPU)
  --help             this text`;

const DEFAULTS = { rate: 500, units: 2000, sampleS: 60, tileEveryS: 10, tileHoldS: 40, warmupMin: 10 };
/** a short run still gets this many samples when --sample-s is not given */
const MIN_SAMPLES = 10;
/** the warm-up never takes more than this share of the run: what is left must show a trend */
const MAX_WARMUP_SHARE = 0.2;

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${v}: expected a number > 0`);
  return n;
}

function positiveInt(flag: string, v: string): number {
  const n = positive(flag, v);
  if (!Number.isInteger(n)) throw new Error(`${flag} ${v}: expected a whole number > 0`);
  return n;
}

function compositingOf(v: string): SoakCompositing {
  if (v !== 'gpu' && v !== 'software') throw new Error(`--compositing ${v}: expected gpu or software`);
  return v;
}

function brokerOf(v: string): SoakBroker {
  if (v !== 'mosquitto' && v !== 'embedded') throw new Error(`--broker ${v}: expected mosquitto or embedded`);
  return v;
}

/** Flags as given, before defaults and caps. */
type Given = Partial<{ hours: number; rate: number; units: number; sampleS: number; tileEveryS: number; tileHoldS: number; warmupMin: number; out: string; broker: SoakBroker; compositing: SoakCompositing }>;

function readFlags(argv: string[]): Given | 'help' {
  const g: Given = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--hours': g.hours = positive(flag, value()); break;
      case '--rate': g.rate = positive(flag, value()); break;
      case '--units': g.units = positiveInt(flag, value()); break;
      case '--sample-s': g.sampleS = positive(flag, value()); break;
      case '--tile-every': g.tileEveryS = positive(flag, value()); break;
      case '--tile-hold': g.tileHoldS = positive(flag, value()); break;
      case '--warmup-min': {
        // 0 is allowed: every sample counts from the start
        const v = value();
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} ${v}: expected a number ≥ 0`);
        g.warmupMin = n;
        break;
      }
      case '--out': g.out = value(); break;
      case '--broker': g.broker = brokerOf(value()); break;
      case '--compositing': g.compositing = compositingOf(value()); break;
      case '--help': case '-h': return 'help';
      default: throw new Error(`unknown flag ${flag}`);
    }
  }
  return g;
}

const HELP: SoakOptions = { help: true, durationS: 0, rate: 0, units: 0, sampleS: 0, tileEveryS: 0, tileHoldS: 0, warmupS: 0, warmupCapped: false, out: null, broker: null, compositing: 'gpu' };

export function parseSoakArgs(argv: string[]): Result<SoakOptions> {
  let g: Given | 'help';
  try {
    g = readFlags(argv);
  } catch (e) {
    return { ok: false, error: `${(e as Error).message}\n${SOAK_USAGE}` };
  }
  if (g === 'help') return { ok: true, value: HELP };
  if (g.hours === undefined) return { ok: false, error: `--hours is required\n${SOAK_USAGE}` };
  const durationS = g.hours * 3600;
  // under a minute there is no warm-up, no trend and barely a sample: not a soak
  if (durationS < 60) return { ok: false, error: `--hours ${g.hours}: the run must last at least a minute (--hours 0.017)\n${SOAK_USAGE}` };
  if (g.sampleS !== undefined && g.sampleS > durationS / 2) return { ok: false, error: `--sample-s ${g.sampleS}: more than half the run (${durationS} s) leaves no trend to see\n${SOAK_USAGE}` };
  const wantedWarmupS = (g.warmupMin ?? DEFAULTS.warmupMin) * 60;
  const warmupS = Math.min(wantedWarmupS, durationS * MAX_WARMUP_SHARE);
  return {
    ok: true,
    value: {
      help: false,
      durationS,
      rate: g.rate ?? DEFAULTS.rate,
      units: g.units ?? DEFAULTS.units,
      sampleS: g.sampleS ?? Math.min(DEFAULTS.sampleS, durationS / MIN_SAMPLES),
      tileEveryS: g.tileEveryS ?? DEFAULTS.tileEveryS,
      tileHoldS: g.tileHoldS ?? DEFAULTS.tileHoldS,
      warmupS,
      warmupCapped: warmupS < wantedWarmupS,
      out: g.out ?? null,
      broker: g.broker ?? null,
      compositing: g.compositing ?? 'gpu',
    },
  };
}

import { describe, expect, it } from 'vitest';
import { parseSoakArgs, SOAK_USAGE } from '../../../scripts/soak-args.js';

const parsed = (...argv: string[]) => {
  const r = parseSoakArgs(argv);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.value;
};
const refused = (...argv: string[]) => {
  const r = parseSoakArgs(argv);
  if (r.ok) throw new Error(`expected an error for ${argv.join(' ')}`);
  return r.error;
};

describe('npm run soak arguments', () => {
  it('fills the defaults for a long run', () => {
    expect(parsed('--hours', '2')).toEqual({
      help: false,
      durationS: 7200,
      rate: 500,
      units: 2000,
      sampleS: 60,
      tileEveryS: 10,
      tileHoldS: 40,
      warmupS: 600,
      warmupCapped: false,
      out: null,
      broker: null,
      compositing: 'gpu',
    });
  });

  it('takes every flag', () => {
    const o = parsed('--hours', '1.5', '--rate', '250.5', '--units', '300', '--sample-s', '30', '--tile-every', '5', '--tile-hold', '20', '--warmup-min', '0', '--out', '/tmp/s.json', '--broker', 'embedded');
    expect(o).toMatchObject({ durationS: 5400, rate: 250.5, units: 300, sampleS: 30, tileEveryS: 5, tileHoldS: 20, warmupS: 0, warmupCapped: false, out: '/tmp/s.json', broker: 'embedded' });
    expect(parsed('--hours', '1', '--broker', 'mosquitto').broker).toBe('mosquitto');
    expect(parsed('--hours', '1', '--compositing', 'software').compositing).toBe('software');
    expect(parsed('--hours', '1', '--compositing', 'gpu').compositing).toBe('gpu');
  });

  it('keeps ten samples and a fifth of warm-up in a short run', () => {
    const o = parsed('--hours', '0.05');
    expect(o.durationS).toBeCloseTo(180);
    expect(o.sampleS).toBeCloseTo(18);
    expect(o.warmupS).toBeCloseTo(36);
    expect(o.warmupCapped).toBe(true);
    // an explicit interval is the user's: not capped
    expect(parsed('--hours', '0.05', '--sample-s', '15').sampleS).toBe(15);
  });

  it('answers --help without needing --hours', () => {
    expect(parsed('--help').help).toBe(true);
    expect(parsed('-h').help).toBe(true);
    expect(parsed('--hours', '1', '--help').help).toBe(true);
  });

  it.each([
    [[], /--hours is required/],
    [['--hours'], /--hours needs a value/],
    [['--hours', '--rate', '5'], /--hours needs a value/],
    [['--hours', '0'], /--hours 0: expected a number > 0/],
    [['--hours', '-1'], /expected a number > 0/],
    [['--hours', 'two'], /--hours two: expected a number > 0/],
    [['--hours', '1', '--compositing', 'hardware'], /--compositing hardware: expected gpu or software/],
    [['--hours', '0.01'], /at least a minute/],
    [['--hours', '1', '--units', '2.5'], /--units 2.5: expected a whole number/],
    [['--hours', '1', '--rate', ''], /--rate : expected a number > 0/],
    [['--hours', '1', '--tile-every', '0'], /--tile-every 0/],
    [['--hours', '1', '--tile-hold', 'NaN'], /--tile-hold NaN/],
    [['--hours', '1', '--warmup-min', '-5'], /--warmup-min -5: expected a number ≥ 0/],
    [['--hours', '0.05', '--sample-s', '120'], /--sample-s 120: more than half the run/],
    [['--hours', '1', '--broker', 'nats'], /--broker nats: expected mosquitto or embedded/],
    [['--hours', '1', '--bogus'], /unknown flag --bogus/],
    [['1'], /unknown flag 1/],
  ])('refuses %j', (argv, why) => {
    const error = refused(...argv);
    expect(error).toMatch(why);
    // every refusal shows how to call it
    expect(error).toContain(SOAK_USAGE);
  });
});

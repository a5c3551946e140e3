// Traccar as it really behaves, through the real adapter, pipeline and reducer: a tracker keeps its
// SOS bit set on every position until the alarm clears (Traccar itself suppresses the repeats with
// event.ignoreDuplicateAlerts), and a tracker without a GPS fix sends the last fix's time and place.
import { describe, expect, it } from 'vitest';
import { createTraccarAdapter } from '../../../core/adapters/traccar.js';
import { createIngest } from '../../../core/ingest/pipeline.js';
import { checkpointOf, restoreCheckpoint } from '../../../core/situation/checkpoint.js';
import { apply, createSituation, type SituationState } from '../../../core/situation/situation.js';
import { makeContext } from '../adapters/context.js';

const T = Date.UTC(2026, 11, 2, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const { receivedAt: _unused, ...ctx } = makeContext();
const ingest = createIngest([createTraccarAdapter()], ctx, { maxPayloadBytes: 64 * 1024 });

/** A GT06-style position message at `at`, as Traccar forwards it. */
function position(at: number, opts: { alarm?: string; fixAt?: number; valid?: boolean; lat?: number } = {}) {
  return {
    position: {
      deviceId: 7,
      protocol: 'gt06',
      serverTime: iso(at),
      deviceTime: iso(at),
      fixTime: iso(opts.fixAt ?? at),
      valid: opts.valid ?? true,
      latitude: opts.lat ?? 26.0811,
      longitude: 119.3055,
      speed: 0,
      course: 0,
      attributes: opts.alarm ? { alarm: opts.alarm, batteryLevel: 60 } : { batteryLevel: 60 },
    },
    device: { id: 7, name: '巡逻 07', uniqueId: '868120001', category: 'person' },
  };
}

function feed(s: SituationState, at: number, msg: unknown, topic = 'positions'): void {
  apply(s, ingest(topic, new TextEncoder().encode(JSON.stringify(msg)), at + 300));
}

const sosIncidents = (s: SituationState) => [...s.incidents.values()].filter((i) => i.kind === 'sos');

describe('alarm episodes (Traccar SOS bit held on consecutive positions)', () => {
  it('is one incident while the device keeps reporting the alarm, updated with where it is', () => {
    const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    for (let i = 0; i < 10; i++) feed(s, T + i * 10_000, position(T + i * 10_000, { alarm: 'sos', lat: 26.0811 + i * 1e-4 }));
    const sos = sosIncidents(s);
    expect(sos).toHaveLength(1);
    // it started at the first press, and follows the device
    expect(sos[0]).toMatchObject({ ts: T, updates: 9, lat: 26.0811 + 9e-4, status: 'open', episode: { device: 'traccar:868120001', alarm: 'sos' } });
    expect(s.stats.rejected).toBe(0);
  });

  it('once closed, the same held alarm raises nothing; a new press after the bit cleared raises again', () => {
    const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    feed(s, T, position(T, { alarm: 'sos' }));
    const [first] = sosIncidents(s);
    apply(s, { t: 'close', at: T + 5000, incidentId: first.id });
    // the tracker still reports the bit: the same press
    for (let i = 1; i <= 5; i++) feed(s, T + i * 10_000, position(T + i * 10_000, { alarm: 'sos' }));
    expect(sosIncidents(s)).toHaveLength(1);
    expect(sosIncidents(s)[0].status).toBe('closed');
    // the bit clears, then a new press
    feed(s, T + 60_000, position(T + 60_000));
    feed(s, T + 70_000, position(T + 70_000, { alarm: 'sos' }));
    const after = sosIncidents(s);
    expect(after).toHaveLength(2);
    expect(after.find((i) => i.id !== first.id)).toMatchObject({ ts: T + 70_000, status: 'open' });
  });

  it('a new press without a GPS fix, after the first was closed, raises again even on the same stale fix', () => {
    const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    const lastFix = T - 40 * 60_000;
    feed(s, T, position(T, { alarm: 'sos', fixAt: lastFix, valid: false }));
    const [first] = sosIncidents(s);
    // dated by the press, not 40 minutes back, and marked as a last-known position
    expect(first).toMatchObject({ ts: T, positionAt: lastFix });
    apply(s, { t: 'close', at: T + 30_000, incidentId: first.id });
    feed(s, T + 60_000, position(T + 60_000, { fixAt: lastFix, valid: false }));
    feed(s, T + 90_000, position(T + 90_000, { alarm: 'sos', fixAt: lastFix, valid: false }));
    expect(sosIncidents(s)).toHaveLength(2);
    // no-fix positions are counted, never rejected
    expect(s.stats).toMatchObject({ rejected: 0, noFix: 3 });
  });

  it('the alarm event and the position for the same press are one incident', () => {
    const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    const msg = position(T, { alarm: 'sos' });
    feed(s, T, msg);
    feed(s, T, { event: { type: 'alarm', eventTime: iso(T), attributes: { alarm: 'sos' } }, ...msg }, 'events');
    feed(s, T + 10_000, position(T + 10_000, { alarm: 'sos' }));
    expect(sosIncidents(s)).toHaveLength(1);
  });

  it('survives a restart: the restored episode goes on updating its incident', () => {
    const s = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    feed(s, T, position(T, { alarm: 'sos' }));
    const restored = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    expect(restoreCheckpoint(restored, JSON.parse(JSON.stringify(checkpointOf(s)))).ok).toBe(true);
    feed(restored, T + 10_000, position(T + 10_000, { alarm: 'sos', lat: 26.09 }));
    expect(sosIncidents(restored)).toHaveLength(1);
    expect(sosIncidents(restored)[0].updates).toBe(1);
  });
});

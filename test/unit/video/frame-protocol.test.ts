// The wall page ↔ video frame messages: both sides take only well-formed messages of their own
// protocol; the frame's origin is the wall's other loopback name, or none.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_VIDEO_ORIGIN } from '../../../main/electron/policy.js';
import { envelope, frameOriginFor, frameOriginsFor, frameOrphaned, parentOriginsFor, parseFromFrame, parseToFrame } from '../../../renderer/src/video/frame-protocol';
import { loadingStats, type PlayerStats } from '../../../renderer/src/video/player';

const stats: PlayerStats = {
  ...loadingStats('/video/live/CAM-A.m3u8', true, 1_790_000_000_000),
  state: 'playing',
  playing: true,
  currentTime: 3.2,
  latencySec: 2.4,
  firstFrameMs: 180,
  firstFrameAt: 1_790_000_000_180,
  alignedReloads: 2,
  lowLatency: { parts: 5, partTargetSec: 0.4, canBlockReload: true, targetLatencySec: 1.2 },
};
/** a recording held to a replay clock */
const synced: PlayerStats = { ...stats, src: '/video/vod/CAM-A.m3u8?start=a&end=b', live: false, latencySec: null, lowLatency: null, sync: { mode: 'native', driftSec: 0.12, outside: null } };
const clock = { at: 1_790_000_000_000, playing: true, speed: 8, since: 1_790_000_100_000 };

describe('parseToFrame', () => {
  it('takes start, source, retry and stop', () => {
    expect(parseToFrame(envelope({ t: 'start', src: '/a.m3u8', live: true }))).toEqual({ ok: true, value: { t: 'start', src: '/a.m3u8', live: true } });
    expect(parseToFrame(envelope({ t: 'source', src: '/rec.m3u8', live: false, extra: 1 }))).toEqual({ ok: true, value: { t: 'source', src: '/rec.m3u8', live: false } });
    expect(parseToFrame(envelope({ t: 'retry' }))).toEqual({ ok: true, value: { t: 'retry' } });
    expect(parseToFrame(envelope({ t: 'stop' }))).toEqual({ ok: true, value: { t: 'stop' } });
    expect(parseToFrame(envelope({ t: 'alive', extra: 1 }))).toEqual({ ok: true, value: { t: 'alive' } });
  });
  it('takes a replay clock to follow, or none', () => {
    expect(parseToFrame(envelope({ t: 'follow', clock, origin: 1_789_999_880_000 }))).toEqual({ ok: true, value: { t: 'follow', clock, origin: 1_789_999_880_000 } });
    expect(parseToFrame(envelope({ t: 'follow', clock: { ...clock, speed: 0.25, playing: false, extra: 1 }, origin: null }))).toEqual({ ok: true, value: { t: 'follow', clock: { ...clock, speed: 0.25, playing: false }, origin: null } });
    expect(parseToFrame(envelope({ t: 'follow', clock: { ...clock, speed: 64 }, origin: null })).ok).toBe(true);
    expect(parseToFrame(envelope({ t: 'follow', clock: null, origin: null }))).toEqual({ ok: true, value: { t: 'follow', clock: null, origin: null } });
  });
  it('refuses a clock that is not whole, not finite, or at a speed the replay does not have', () => {
    const broken: unknown[] = [
      { clock, origin: undefined },
      { clock, origin: '0' },
      { clock, origin: Number.POSITIVE_INFINITY },
      { clock: undefined, origin: null },
      { clock: 'now', origin: null },
      { clock: { ...clock, at: Number.NaN }, origin: null },
      { clock: { ...clock, at: '1' }, origin: null },
      { clock: { ...clock, since: undefined }, origin: null },
      { clock: { ...clock, since: Number.NEGATIVE_INFINITY }, origin: null },
      { clock: { ...clock, playing: 1 }, origin: null },
      { clock: { ...clock, speed: 0.2 }, origin: null },
      { clock: { ...clock, speed: 65 }, origin: null },
      { clock: { ...clock, speed: Number.NaN }, origin: null },
    ];
    for (const m of broken) {
      const r = parseToFrame(envelope({ t: 'follow', ...(m as object) }));
      expect(r.ok, JSON.stringify(m)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^follow: /);
    }
  });
  it('refuses what is not ours or not whole, saying why', () => {
    for (const bad of [null, 'start', 42, [], { m: { t: 'start' } }, { p: 'other/1', m: { t: 'stop' } }, envelope(null), envelope({}), envelope({ t: 'start', src: '', live: true }), envelope({ t: 'start', src: '/a', live: 'yes' }), envelope({ t: 'source', src: 'x'.repeat(5000), live: true }), envelope({ t: 'explode' })]) {
      const r = parseToFrame(bad);
      expect(r.ok, JSON.stringify(bad)?.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
    }
  });
});

describe('parseFromFrame', () => {
  it('takes ready and whole player figures', () => {
    expect(parseFromFrame(envelope({ t: 'ready' }))).toEqual({ ok: true, value: { t: 'ready' } });
    expect(parseFromFrame(envelope({ t: 'stats', stats }))).toEqual({ ok: true, value: { t: 'stats', stats } });
    expect(parseFromFrame(envelope({ t: 'stats', stats: { ...stats, lowLatency: null, latencySec: null } })).ok).toBe(true);
  });
  it('takes the figures of a video held to a replay clock', () => {
    expect(parseFromFrame(envelope({ t: 'stats', stats: synced }))).toEqual({ ok: true, value: { t: 'stats', stats: synced } });
    for (const sync of [{ mode: 'outside', driftSec: null, outside: 'before' }, { mode: 'outside', driftSec: null, outside: 'after' }, { mode: 'stepping', driftSec: -0.03, outside: null }, { mode: 'paused', driftSec: 0, outside: null }, { mode: 'waiting', driftSec: null, outside: null }])
      expect(parseFromFrame(envelope({ t: 'stats', stats: { ...synced, sync } })).ok, JSON.stringify(sync)).toBe(true);
  });
  it('refuses replay figures that are not whole', () => {
    for (const sync of [undefined, 'native', {}, { mode: 'racing', driftSec: 0, outside: null }, { mode: 'native', driftSec: Number.NaN, outside: null }, { mode: 'native', driftSec: '0.1', outside: null }, { mode: 'native', driftSec: 0 }, { mode: 'outside', driftSec: null, outside: 'later' }]) {
      const r = parseFromFrame(envelope({ t: 'stats', stats: { ...synced, sync } }));
      expect(r.ok, JSON.stringify(sync)).toBe(false);
      if (!r.ok) expect(r.error).toBe('stats.sync malformed');
    }
  });
  it('refuses figures with a field missing or of the wrong kind', () => {
    const broken: Partial<Record<keyof PlayerStats, unknown>>[] = [
      { state: 'dancing' },
      { currentTime: Number.NaN },
      { latencySec: '2' },
      { errors: undefined },
      { recentErrors: [1] },
      { lastError: 5 },
      { lowLatency: { parts: 1 } },
      { src: 7 },
      { playing: 'yes' },
    ];
    for (const patch of broken) expect(parseFromFrame(envelope({ t: 'stats', stats: { ...stats, ...patch } })).ok, JSON.stringify(patch)).toBe(false);
    expect(parseFromFrame(envelope({ t: 'stats' })).ok).toBe(false);
    expect(parseFromFrame(envelope({ t: 'start', src: '/a', live: true })).ok).toBe(false);
  });
});

describe('frameOriginFor', () => {
  const at = (protocol: string, hostname: string, port = '5170') => ({ protocol, hostname, port });
  it('pairs the loopback names when asked (auto)', () => {
    expect(frameOriginFor(at('http:', '127.0.0.1'), 'auto')).toBe('http://localhost:5170');
    expect(frameOriginFor(at('http:', 'localhost'), 'auto')).toBe('http://127.0.0.1:5170');
    expect(frameOriginFor(at('http:', 'localhost', ''), 'auto')).toBe('http://127.0.0.1');
  });
  it('pairs them by default too', () => {
    expect(frameOriginFor(at('http:', '127.0.0.1'), null)).toBe('http://localhost:5170');
    expect(frameOriginFor(at('http:', '127.0.0.1'), 'nonsense')).toBe('http://localhost:5170');
  });
  it('pairs the Electron window with its video host, the one main/electron/policy.ts serves frames from', () => {
    expect(frameOriginFor(at('app:', 'wall', ''), null)).toBe(APP_VIDEO_ORIGIN);
    expect(frameOriginFor(at('app:', 'wall', ''), 'off')).toBeNull();
  });
  it('keeps players in the page elsewhere and when off', () => {
    expect(frameOriginFor(at('http:', 'wall.example'), 'auto')).toBeNull();
    expect(frameOriginFor(at('https:', '127.0.0.1'), 'auto')).toBeNull();
    expect(frameOriginFor(at('app:', 'evil'), 'auto')).toBeNull();
    expect(frameOriginFor(at('http:', '127.0.0.1'), 'off')).toBeNull();
    expect(frameOriginFor(at('http:', 'wall.example'), 'http://evil.example')).toBeNull();
  });
});

describe('frameOrphaned', () => {
  it('takes a frame for left behind once its wall has said nothing for the limit, not before', () => {
    expect(frameOrphaned(1000, 60_999, 60_000)).toBe(false);
    expect(frameOrphaned(1000, 61_000, 60_000)).toBe(true);
    expect(frameOrphaned(50_000, 61_000, 60_000)).toBe(false);
  });
});

describe('frameOriginsFor', () => {
  const at = (protocol: string, hostname: string, port = '5170') => ({ protocol, hostname, port });
  it('gives the other loopback name first, then frames.localhost, a site of its own for the second generation', () => {
    expect(frameOriginsFor(at('http:', '127.0.0.1'), null)).toEqual(['http://localhost:5170', 'http://frames.localhost:5170']);
    expect(frameOriginsFor(at('http:', 'localhost', ''), 'auto')).toEqual(['http://127.0.0.1', 'http://frames.localhost']);
    expect(frameOriginsFor(at('app:', 'wall', ''), null)).toEqual([APP_VIDEO_ORIGIN, 'app://video2']);
    expect(frameOriginsFor(at('http:', '127.0.0.1'), 'off')).toEqual([]);
    expect(frameOriginsFor(at('http:', 'wall.example'), 'auto')).toEqual([]);
  });
});

describe('parentOriginsFor', () => {
  const at = (protocol: string, hostname: string, port = '5170') => ({ protocol, hostname, port });
  it('trusts only the wall page that frames it: the other loopback name on its own port, either for frames.localhost, or app://wall', () => {
    expect(parentOriginsFor(at('http:', 'localhost'))).toEqual(['http://127.0.0.1:5170']);
    expect(parentOriginsFor(at('http:', '127.0.0.1'))).toEqual(['http://localhost:5170']);
    expect(parentOriginsFor(at('http:', 'frames.localhost'))).toEqual(['http://127.0.0.1:5170', 'http://localhost:5170']);
    expect(parentOriginsFor(at('app:', 'video', ''))).toEqual([APP_ORIGIN]);
    expect(parentOriginsFor(at('app:', 'video2', ''))).toEqual([APP_ORIGIN]);
    // every frame's parents include each wall that frames it, from every one of its origins
    for (const wall of [at('http:', '127.0.0.1'), at('http:', 'localhost', '8080'), at('app:', 'wall', '')]) {
      for (const o of frameOriginsFor(wall, 'auto')) {
        const frame = new URL(o);
        expect(parentOriginsFor({ protocol: frame.protocol, hostname: frame.hostname, port: frame.port })).toContain(wall.protocol === 'app:' ? APP_ORIGIN : `http://${wall.hostname}${wall.port ? `:${wall.port}` : ''}`);
      }
    }
  });
  it('trusts no one where it is not a frame of ours', () => {
    expect(parentOriginsFor(at('http:', 'wall.example'))).toEqual([]);
    expect(parentOriginsFor(at('http:', 'evil.localhost'))).toEqual([]);
    expect(parentOriginsFor(at('app:', 'wall', ''))).toEqual([]);
    expect(parentOriginsFor(at('app:', 'video3', ''))).toEqual([]);
    expect(parentOriginsFor(at('https:', 'localhost'))).toEqual([]);
    expect(parentOriginsFor(at('https:', 'frames.localhost'))).toEqual([]);
  });
});

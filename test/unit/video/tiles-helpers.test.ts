// Pure helpers of the video tiles: recording links, alarm numbers, badges, retry timing, error recovery, options.
import { describe, expect, it } from 'vitest';
import type { VideoTile } from '../../../core/video/policy';
import { videoConfigFromSearch } from '../../../renderer/src/video/config';
import { assignNumbers, backoffMs, countdownSec, latencyBadge, planSignature, recoveryFor, stallAction } from '../../../renderer/src/video/helpers';
import { recordingUrl, recordingWindow } from '../../../renderer/src/video/recording';
import { missedWatchMs, silenceAction } from '../../../renderer/src/video/remote-player';

const TS = Date.UTC(2026, 10, 26, 8, 30, 0);

describe('recordingUrl', () => {
  it('fills {start} = alarm − 2 min and {end} = alarm + 3 min as ISO-8601', () => {
    const url = recordingUrl('/video/vod/C001.m3u8?start={start}&end={end}', TS)!;
    const q = new URL(url, 'http://x').searchParams;
    expect(q.get('start')).toBe('2026-11-26T08:28:00.000Z');
    expect(q.get('end')).toBe('2026-11-26T08:33:00.000Z');
    expect(url).toBe('/video/vod/C001.m3u8?start=2026-11-26T08%3A28%3A00.000Z&end=2026-11-26T08%3A33%3A00.000Z');
    // what the demo server parses
    expect(Date.parse(q.get('start')!)).toBe(TS - 120_000);
  });

  it('replaces every occurrence and leaves templates without placeholders alone', () => {
    expect(recordingUrl('rtsp://x/{start}/{start}-{end}', TS)).toBe(
      `rtsp://x/${encodeURIComponent('2026-11-26T08:28:00.000Z')}/${encodeURIComponent('2026-11-26T08:28:00.000Z')}-${encodeURIComponent('2026-11-26T08:33:00.000Z')}`,
    );
    expect(recordingUrl('/fixed.m3u8', TS)).toBe('/fixed.m3u8');
  });

  it('is null without a template or with a bad time', () => {
    expect(recordingUrl(undefined, TS)).toBeNull();
    expect(recordingUrl('', TS)).toBeNull();
    expect(recordingUrl('/a?start={start}', Number.NaN)).toBeNull();
  });

  it('takes other windows', () => {
    expect(recordingWindow(TS, 10_000, 20_000)).toEqual({ start: TS - 10_000, end: TS + 20_000 });
  });
});

describe('assignNumbers', () => {
  const t = (incidentId: string) => ({ incidentId });
  it('numbers alarms 1, 2, 3 in tile order, one number per alarm', () => {
    expect([...assignNumbers(new Map(), [t('a'), t('a'), t('b'), t('c')])]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });
  it('gives no number to a camera opened by hand with no alarm', () => {
    expect([...assignNumbers(new Map(), [t('camera:C1'), t('a')])]).toEqual([['a', 1]]);
  });
  it('keeps an alarm\'s number while it holds tiles and reuses freed numbers', () => {
    const first = assignNumbers(new Map(), [t('a'), t('b'), t('c')]);
    const second = assignNumbers(first, [t('c'), t('a'), t('d')]);
    expect(second.get('a')).toBe(1);
    expect(second.get('c')).toBe(3);
    expect(second.get('d')).toBe(2);
    expect(second.has('b')).toBe(false);
  });
});

describe('planSignature', () => {
  const tile = (over: Partial<VideoTile> = {}): VideoTile => ({ cameraId: 'C1', incidentId: 'a', reason: 'kiosk', distanceM: 3, pinned: false, slot: 0, openedAt: 1, relevantAt: 1, ...over });
  it('ignores times, sees what the UI shows', () => {
    expect(planSignature([tile()])).toBe(planSignature([tile({ relevantAt: 99, openedAt: 5 })]));
    expect(planSignature([tile()])).not.toBe(planSignature([tile({ pinned: true })]));
    expect(planSignature([tile()])).not.toBe(planSignature([tile({ incidentId: 'b' })]));
  });
});

describe('badges and retry timing', () => {
  it('live within 4 s, delayed beyond', () => {
    expect(latencyBadge(null)).toBe('unknown');
    expect(latencyBadge(Number.NaN)).toBe('unknown');
    expect(latencyBadge(2.4)).toBe('live');
    expect(latencyBadge(4)).toBe('live');
    expect(latencyBadge(9.5)).toBe('delayed');
  });
  it('backs off 1, 2, 4, 8, 8 s', () => {
    expect([0, 1, 2, 3, 4, 30].map((a) => backoffMs(a))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
  it('counts down in whole seconds', () => {
    expect(countdownSec(10_500, 10_000)).toBe(1);
    expect(countdownSec(13_001, 10_000)).toBe(4);
    expect(countdownSec(9_000, 10_000)).toBe(0);
    expect(countdownSec(null, 10_000)).toBe(0);
  });
});

describe('recoveryFor', () => {
  const fresh = { recoveredAt: null, swappedAt: null };
  it('network errors wait and rebuild, other fatal errors rebuild', () => {
    expect(recoveryFor('network', fresh, 0)).toBe('retry-later');
    expect(recoveryFor('other', fresh, 0)).toBe('rebuild');
  });
  it('media errors: recover, then swap codec and recover, then rebuild', () => {
    expect(recoveryFor('media', fresh, 10_000)).toBe('recover');
    expect(recoveryFor('media', { recoveredAt: 9_000, swappedAt: null }, 10_000)).toBe('swap-and-recover');
    expect(recoveryFor('media', { recoveredAt: 9_000, swappedAt: 9_500 }, 10_000)).toBe('rebuild');
    // long after the last attempt it starts over
    expect(recoveryFor('media', { recoveredAt: 1_000, swappedAt: 1_500 }, 10_000)).toBe('recover');
  });
});

describe('videoConfigFromSearch', () => {
  it('reads the policy overrides from the query', () => {
    const c = videoConfigFromSearch('?videoGraceMs=3000&videoPerAlarm=1&videoMaxTiles=9&videoRadiusM=250&videoFloat=4&lang=en');
    expect(c.policy).toEqual({ closeGraceMs: 3000, perAlarm: 1, maxTiles: 9, radiusM: 250 });
    expect(c.maxFloating).toBe(4);
    expect(c.enabled).toBe(true);
  });
  it('ignores junk and out-of-range values; ?video=off turns it off', () => {
    const c = videoConfigFromSearch('?videoGraceMs=-5&videoPerAlarm=abc&videoMaxTiles=1e3&video=off');
    expect(c.policy).toEqual({});
    expect(c.maxFloating).toBe(8);
    expect(c.enabled).toBe(false);
  });
  it('keeps as many warm frames as the wall may show tiles (at most 16), or what ?videoFramePool says', () => {
    expect(videoConfigFromSearch('').framePool).toBe(16);
    expect(videoConfigFromSearch('?videoMaxTiles=6').framePool).toBe(6);
    expect(videoConfigFromSearch('?videoMaxTiles=40').framePool).toBe(16);
    expect(videoConfigFromSearch('?videoFramePool=0').framePool).toBe(0);
    expect(videoConfigFromSearch('?videoMaxTiles=6&videoFramePool=2').framePool).toBe(2);
    // junk and out-of-range values fall back to the default
    expect(videoConfigFromSearch('?videoFramePool=17').framePool).toBe(16);
    expect(videoConfigFromSearch('?videoFramePool=-1').framePool).toBe(16);
    expect(videoConfigFromSearch('?videoFramePool=x').framePool).toBe(16);
  });
});

describe('stallAction', () => {
  const limits = { stallMs: 6000, firstFrameMs: 12_000 };
  it('rebuilds a picture that stopped with nothing buffered ahead, after 6 s (12 s before the first frame)', () => {
    expect(stallAction(5_900, true, 0, limits)).toBe('wait');
    expect(stallAction(6_100, true, 0.5, limits)).toBe('rebuild');
    expect(stallAction(11_000, false, 0, limits)).toBe('wait');
    expect(stallAction(12_100, false, 0, limits)).toBe('rebuild');
  });
  it('lets a picture with video buffered ahead (a CPU that cannot keep up) wait 30 s before rebuilding', () => {
    expect(stallAction(6_100, true, 2, limits)).toBe('wait');
    expect(stallAction(12_100, false, 1, limits)).toBe('wait');
    expect(stallAction(29_000, true, 4, limits)).toBe('wait');
    expect(stallAction(30_100, true, 4, limits)).toBe('rebuild');
  });
});

describe('missedWatchMs', () => {
  it('is the time a late watchdog tick lost (the page could not run), 0 for a tick within twice its period', () => {
    expect(missedWatchMs(0, 5_000, 1000)).toBe(0);
    expect(missedWatchMs(10_000, 11_000, 1000)).toBe(0);
    expect(missedWatchMs(10_000, 11_900, 1000)).toBe(0);
    expect(missedWatchMs(10_000, 14_000, 1000)).toBe(3000);
  });
});

describe('silenceAction', () => {
  it('waits out the limit, then takes a silent frame and its process for dead when no frame of its origin speaks', () => {
    expect(silenceAction(2_999, 3_000, null)).toBe('wait');
    expect(silenceAction(3_000, 3_000, null)).toBe('rebuild+flush');
    expect(silenceAction(8_000, 8_000, 10_000)).toBe('rebuild+flush');
  });

  it('takes it for slow, not dead, while other frames of the same process are heard: it waits, then rebuilds it alone', () => {
    // a busy process answers late; dropping the warm frames would load more into it
    expect(silenceAction(3_000, 3_000, 400)).toBe('wait');
    expect(silenceAction(8_000, 8_000, 2_000)).toBe('wait');
    expect(silenceAction(19_999, 8_000, 100)).toBe('wait');
    expect(silenceAction(20_000, 8_000, 100)).toBe('rebuild');
    expect(silenceAction(20_000, 3_000, 100)).toBe('rebuild');
  });
});

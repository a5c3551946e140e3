// What a tile asks before taking a whole frames' process for dead: when any frame of it last spoke.
import { describe, expect, it } from 'vitest';
import { heardAgo, heardFrom } from '../../../renderer/src/video/frame-liveness';
import { silenceAction } from '../../../renderer/src/video/remote-player';

describe('frame liveness', () => {
  it('is per origin, and null for one never heard', () => {
    expect(heardAgo('http://never.localhost:1', 10)).toBeNull();
    heardFrom('http://a.localhost:1', 1000);
    heardFrom('http://b.localhost:1', 4000);
    expect(heardAgo('http://a.localhost:1', 5000)).toBe(4000);
    expect(heardAgo('http://b.localhost:1', 5000)).toBe(1000);
    heardFrom('http://a.localhost:1', 4900);
    expect(heardAgo('http://a.localhost:1', 5000)).toBe(100);
  });
  it('a process heard from a moment ago (a warm frame ready) keeps a silent tile waiting, not flushing', () => {
    heardFrom('http://c.localhost:1', 10_000);
    expect(silenceAction(3500, 3000, heardAgo('http://c.localhost:1', 10_500))).toBe('wait');
    expect(silenceAction(3500, 3000, heardAgo('http://never.localhost:1', 10_500))).toBe('rebuild+flush');
  });
});

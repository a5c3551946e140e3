// Media URLs come from the feeds: the detail panel shows and links only web addresses and the wall's own paths.
import { describe, expect, it } from 'vitest';
import { isSafeMediaUrl } from '../../../renderer/src/ui/IncidentPanel';

describe('isSafeMediaUrl', () => {
  it('takes http(s) and the wall’s own paths, refuses scripts, data and protocol-relative addresses', () => {
    for (const ok of ['/media/demo/clue-1.jpg', 'https://cdn.example.cn/a.jpg', 'HTTP://10.0.0.5/p.png']) expect(isSafeMediaUrl(ok), ok).toBe(true);
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'data:image/png;base64,AAAA', '//evil.example/x.jpg', 'file:///etc/passwd', 'vbscript:x', '']) expect(isSafeMediaUrl(bad), bad).toBe(false);
  });
});

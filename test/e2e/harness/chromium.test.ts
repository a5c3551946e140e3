// The tests' Chromium does not spend a new page's CPU on browser UI a headless test never shows:
// Chromium 156 loads its WebUI omnibox popup for every new window unless told not to
// (test/helpers/chromium.ts). Checked against a Chromium launched with Playwright's switches alone,
// side by side: once that one has created the popup's target, ours has none.
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../../helpers/chromium.js';

const browsers: Browser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
});

/** The URLs of the browser's targets that are Chromium's own UI (not pages, workers or frames). */
async function browserUi(b: Browser): Promise<string[]> {
  const s = await b.newBrowserCDPSession();
  const { targetInfos } = (await s.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
  await s.detach();
  return targetInfos.filter((t) => t.type === 'browser_ui' || t.url.startsWith('chrome://')).map((t) => t.url);
}

/** Resolves when `b` has an omnibox popup target (one it had already counts); rejects after `ms`. */
async function popupCreated(b: Browser, ms: number): Promise<void> {
  const s = await b.newBrowserCDPSession();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('a Chromium launched with our switches alone never loaded its omnibox popup: is this check still needed?')), ms);
      const seen = ({ targetInfo }: { targetInfo: { url: string } }) => {
        if (!targetInfo.url.startsWith('chrome://omnibox-popup')) return;
        clearTimeout(timer);
        resolve();
      };
      // a target may be created blank and given its URL after
      s.on('Target.targetCreated', seen);
      s.on('Target.targetInfoChanged', seen);
      // announces every target there is now, then each new one
      s.send('Target.setDiscoverTargets', { discover: true }).catch(reject);
    });
  } finally {
    await s.detach().catch(() => undefined);
  }
}

describe("the tests' Chromium", () => {
  it('opens pages without the omnibox popup a default launch loads for each', async () => {
    const plain = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    browsers.push(plain);
    const ours = await launchChromium();
    browsers.push(ours);
    const created = popupCreated(plain, 20_000);
    await Promise.all([plain.newPage(), ours.newPage()]);
    await created;
    expect(await browserUi(ours)).toEqual([]);
  });
});

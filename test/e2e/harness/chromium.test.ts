// The tests' Chromium does not spend a new page's CPU on browser UI a headless test never shows:
// Chromium 156 loads its WebUI omnibox popup for every new window unless told not to
// (test/helpers/chromium.ts). Checked against a Chromium launched with Playwright's switches alone,
// side by side: once that one shows the popup's targets, ours has none.
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

describe("the tests' Chromium", () => {
  it('opens pages without the omnibox popup a default launch loads for each', async () => {
    const plain = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    browsers.push(plain);
    const ours = await launchChromium();
    browsers.push(ours);
    await Promise.all([plain.newPage(), ours.newPage()]);
    // bounded: the default launch shows its popup within a second or two here
    const deadline = Date.now() + 20_000;
    while (!(await browserUi(plain)).some((u) => u.startsWith('chrome://omnibox-popup'))) {
      if (Date.now() > deadline) throw new Error('a Chromium launched with our switches alone never loaded its omnibox popup: is this check still needed?');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await browserUi(ours)).toEqual([]);
  });
});

// The tests' Chromium gets one --disable-features, ours, and Chromium reads only the last one it is
// given: if Playwright's own list (in its bundle) grows on an upgrade, ours must take the new names
// too, or the tests' Chromium quietly loses what Playwright turns off for them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAYWRIGHT_DISABLED_FEATURES } from '../../helpers/chromium.js';

/** The names in Playwright's `disabledFeatures = [ ... ]`, read from the installed bundle. */
function playwrightDisabledFeatures(): string[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('playwright-core/package.json'));
  const bundle = readFileSync(join(root, 'lib', 'coreBundle.js'), 'utf8');
  const list = /disabledFeatures = \[([\s\S]*?)\]/.exec(bundle)?.[1];
  if (!list) throw new Error("playwright-core's bundle no longer has `disabledFeatures = [...]`: read its chromiumSwitches and update test/helpers/chromium.ts");
  return [...list.matchAll(/^\s*"([A-Za-z0-9]+)"/gm)].map((m) => m[1]);
}

describe("the tests' Chromium switches", () => {
  it('repeat every feature Playwright itself disables', () => {
    const theirs = playwrightDisabledFeatures();
    expect(theirs.length).toBeGreaterThan(5);
    expect(theirs.filter((f) => !PLAYWRIGHT_DISABLED_FEATURES.includes(f))).toEqual([]);
  });
});

// Debian's Chromium through playwright-core, launched the way this machine needs it: as root
// without a sandbox, and with nothing that tries to reach the (closed) network.
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --optimization-guide-performance-class: a few minutes after start Chromium launches its on-device
// AI model service (~56 MB, a CPU benchmark) to rate the machine, unless told the rating; it showed
// up mid-soak in bench:video as memory the wall never asked for.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--optimization-guide-performance-class=2'];

/**
 * The features Playwright (1.65) turns off itself (its chromiumSwitches): Chromium reads only the
 * last --disable-features it is given, so ours must repeat them (a unit test compares the lists).
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];
/**
 * Chromium 156 loads its WebUI omnibox popup (chrome://omnibox-popup.top-chrome, a Lit app) in a
 * renderer of its own for every new headless window, i.e. for every page a test opens: ~6.8 s of
 * CPU in a 9 s wall page open, traced 2026-12-07, on a 2-core machine that the page needed.
 */
export const WEBUI_PRELOAD_FEATURES = ['PreloadTopChromeWebUI', 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];
const DISABLE_FEATURES = `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...WEBUI_PRELOAD_FEATURES].join(',')}`;

export function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, ...options, args: [...CHROMIUM_ARGS, DISABLE_FEATURES, ...extraArgs] });
}

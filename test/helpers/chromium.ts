// Debian's Chromium through playwright-core, launched the way this machine needs it: as root
// without a sandbox, and with nothing that tries to reach the (closed) network.
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --optimization-guide-performance-class: a few minutes after start Chromium launches its on-device
// AI model service (~56 MB, a CPU benchmark) to rate the machine, unless told the rating; it showed
// up mid-soak in bench:video as memory the wall never asked for.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--optimization-guide-performance-class=2'];

export function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, ...options, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

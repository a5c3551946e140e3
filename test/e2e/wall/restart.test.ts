// The operator acknowledges an alarm on the wall; the wall restarts; the board comes back as it
// was. And when the saved state cannot be read, the wall says so on screen instead of silently
// starting empty. Real host, real broker, real Chromium; the checkpoint in a temporary data folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { openWall, startWallHost } from '../../helpers/wall.js';

let browser: Browser;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wf-wall-data-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the wall across a restart', () => {
  it('comes back with the incidents and what the operator acknowledged', async () => {
    const dataDir = tempDir();
    const first = await startWallHost({}, { dataDir });
    const errors: string[] = [];
    try {
      const page = await openWall(browser, first.web.url, { width: 1920, height: 1080 }, errors);
      const client = await mqtt.connectAsync(first.host.brokerUrl, { reconnectPeriod: 0 });
      const ts = Date.now();
      await client.publishAsync('watchfloor/v1/alarms/110', JSON.stringify({ id: 'RS-1', ts, kind: 'theft', priority: 1, lat: 26.0425, lon: 119.2826, title: '万达广场手机被盗' }), { qos: 1 });
      await client.publishAsync('watchfloor/v1/alarms/110', JSON.stringify({ id: 'RS-2', ts, kind: 'traffic', priority: 3, lat: 26.07, lon: 119.3, title: '八一七路追尾' }), { qos: 1 });
      await client.endAsync();
      const row = page.locator('[data-testid="incident-row"][data-incident-id="RS-1"]');
      await row.locator('[data-testid="ack-button"]').click({ timeout: 10_000 });
      await row.locator('.acked').waitFor({ timeout: 5_000 });
      await page.close();
    } finally {
      await first.web.close();
      await first.host.close();
    }

    const second = await startWallHost({}, { dataDir });
    try {
      const page = await openWall(browser, second.web.url, { width: 1920, height: 1080 }, errors);
      const acked = page.locator('[data-testid="incident-row"][data-incident-id="RS-1"] .acked');
      await acked.waitFor({ timeout: 10_000 });
      // acknowledged, and when (the time survives the restart with the incident)
      await expect(acked.textContent()).resolves.toMatch(/^\d{2}:\d{2}:\d{2} 签收$/);
      const other = page.locator('[data-testid="incident-row"][data-incident-id="RS-2"]');
      await expect(other.locator('[data-testid="ack-button"]').count()).resolves.toBe(1);
      await expect(page.locator('[data-testid="checkpoint-error"]').count()).resolves.toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await second.web.close();
      await second.host.close();
    }
  });

  it('says on screen when the saved state could not be loaded', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'situation.json'), 'not json at all');
    const wall = await startWallHost({}, { dataDir });
    const errors: string[] = [];
    try {
      const page = await openWall(browser, wall.web.url, { width: 1920, height: 1080 }, errors);
      const banner = page.locator('[data-testid="checkpoint-error"]');
      await banner.waitFor({ timeout: 10_000 });
      await expect(banner.textContent()).resolves.toContain('态势保存异常');
      await expect(banner.getAttribute('title')).resolves.toMatch(/moved to .*situation\.json\.unreadable-\d+/);
      await page.screenshot({ path: join(APP_ROOT, 'test-results', 'wall', 'checkpoint-error.png') });
      await page.close();
    } finally {
      await wall.web.close();
      await wall.host.close();
    }
  });
});

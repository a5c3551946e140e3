// A case export draws its key moments one after another on one map (map-picture.ts,
// openMapPictures): made once, the camera fitted and the layers replaced for each moment, ~4× faster
// here than a map per moment. Each picture must still be what a map of its own draws for that
// moment: the camera on that moment's incident, that moment's units and no one else's. Checked
// pixel by pixel against pictures drawn alone, with moments far apart and one without units.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { launchChromium } from '../../helpers/chromium.js';
import { countNear, decodePng, encodePng, type Decoded } from '../../helpers/png.js';
import { APP_ROOT } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost, waitForIngest, type WallShell } from '../../helpers/wall.js';

const PREFIX = 'watchfloor/v1';
const SHOTS = join(APP_ROOT, 'test-results', 'case-pictures');
/** the volunteers' colour on the wall */
const VOLUNTEER = [38, 198, 180] as const;

let host: Host;
let web: WallShell;
let browser: Browser;
let client: MqttClient;
let page: Page;
const errors: string[] = [];

const publish = (topic: string, payload: unknown) => client.publishAsync(`${PREFIX}/${topic}`, JSON.stringify(payload), { qos: 1 });

beforeAll(async () => {
  ({ host, web } = await startWallHost());
  await waitForIngest(host);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  // two alarms ~4 km apart, volunteers around the first only
  await publish('alarms/110', { id: 'pic-a', ts: Date.now(), kind: 'theft', priority: 2, lat: 26.06, lon: 119.3, title: '万达广场 手机被抢' });
  await publish('alarms/110', { id: 'pic-b', ts: Date.now(), kind: 'fight', priority: 3, lat: 26.085, lon: 119.335, title: '五一广场 纠纷' });
  for (let i = 0; i < 6; i++) {
    await publish(`units/pic-v${i}/location`, { id: `pic-v${i}`, ts: Date.now(), kind: 'volunteer', lat: 26.06 + 0.0015 * Math.cos(i), lon: 119.3 + 0.0015 * Math.sin(i) });
  }
  browser = await launchChromium();
  page = await openWall(browser, web.url, { width: 1280, height: 800 }, errors);
  await page.waitForFunction(() => {
    const s = window.__watchfloor!.store();
    return s.incidents.size === 2 && s.units.count === 6;
  }, null, { timeout: 20_000 });
});

afterAll(async () => {
  await closeWallTest({ browser, client, web, host });
});

const pictures = async (moments: { incidentId: string; noUnits?: boolean }[], oneMap: boolean): Promise<Decoded[]> => {
  const urls = await page.evaluate(([moments, oneMap]) => window.__watchfloor!.mapPictureUrls(moments, oneMap), [moments, oneMap] as const);
  return urls.map((u) => decodePng(Buffer.from(u.slice(u.indexOf(',') + 1), 'base64')));
};

/** The share of pixels that differ by more than a faint shade in any channel. */
function differing(a: Decoded, b: Decoded): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let n = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    if (Math.abs(a.rgba[i] - b.rgba[i]) > 8 || Math.abs(a.rgba[i + 1] - b.rgba[i + 1]) > 8 || Math.abs(a.rgba[i + 2] - b.rgba[i + 2]) > 8) n++;
  }
  return n / (a.width * a.height);
}

describe('case pictures on one map', () => {
  it('draws each moment as a map of its own would: its incident in view, its units, nothing left from the moment before', async () => {
    const [aAlone, bAlone] = await pictures([{ incidentId: 'pic-a' }, { incidentId: 'pic-b', noUnits: true }], false);
    const [a1, b, a2] = await pictures([{ incidentId: 'pic-a' }, { incidentId: 'pic-b', noUnits: true }, { incidentId: 'pic-a' }], true);
    // to be looked at
    mkdirSync(SHOTS, { recursive: true });
    for (const [name, d] of Object.entries({ aAlone, bAlone, a1, b, a2 })) writeFileSync(join(SHOTS, `${name}.png`), encodePng(d.width, d.height, (x, y) => Array.from(d.rgba.subarray((y * d.width + x) * 4, (y * d.width + x) * 4 + 4))));
    // the comparison has teeth: the two moments' pictures are far apart, and only one has volunteers
    expect(differing(aAlone, bAlone)).toBeGreaterThan(0.05);
    expect(countNear(aAlone, VOLUNTEER, 30), 'volunteers drawn around the first alarm').toBeGreaterThan(20);
    expect(countNear(bAlone, VOLUNTEER, 30), 'no volunteers in the moment without units').toBeLessThan(5);
    // each picture on the shared map is the picture drawn alone
    expect(differing(a1, aAlone), 'the first moment').toBeLessThan(0.005);
    expect(differing(b, bAlone), 'the second moment: moved to its incident, the first moment\'s units gone').toBeLessThan(0.005);
    expect(differing(a2, aAlone), 'back to the first: its units again').toBeLessThan(0.005);
    expect(errors).toEqual([]);
  });
});

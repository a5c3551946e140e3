// What the video e2e tests share: the demo's generated streams and kiosks, an SOS alarm at a
// kiosk over MQTT, a tile's selector, and waiting until a tile's player reports it is playing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import type { Kiosk } from '../../core/domain.js';
import type { VideoDebug } from '../../renderer/src/video/debug';
import { GENERATED } from './wall.js';

const PREFIX = 'watchfloor/v1';

/** whether `npm run build:video` made the demo streams (it needs ffmpeg) */
export const DEMO_VIDEO_AVAILABLE = existsSync(join(GENERATED, 'video/manifest.json')) && JSON.parse(readFileSync(join(GENERATED, 'video/manifest.json'), 'utf8')).available === true;

/** the demo's kiosks, each with its dome camera */
export const DEMO_KIOSKS: (Kiosk & { cameraId: string })[] = existsSync(join(GENERATED, 'demo/kiosks.json')) ? JSON.parse(readFileSync(join(GENERATED, 'demo/kiosks.json'), 'utf8')) : [];

/** Publishes an SOS alarm at a kiosk (QoS 1); returns its `ts`. */
export async function publishKioskAlarm(client: MqttClient, id: string, k: Kiosk, status: 'open' | 'closed' = 'open', extra: Record<string, unknown> = {}): Promise<number> {
  const ts = Date.now();
  const alarm = { id, ts, kind: 'sos', priority: 1, lat: k.lat, lon: k.lon, title: `${k.name}一键报警`, kioskId: k.id, status, ...extra };
  await client.publishAsync(`${PREFIX}/alarms/e2e`, JSON.stringify(alarm), { qos: 1 });
  return ts;
}

export const tileSelector = (cameraId: string) => `[data-testid="video-tile"][data-camera-id="${cameraId}"]`;

type Hooked = Window & { __watchfloor: { video: VideoDebug } };

/** Waits until the camera's player (in the page or in its frame) reports a first frame and playing past 0.3 s. */
export async function waitTilePlaying(page: Page, cameraId: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (cam) => {
      const s = (window as unknown as Hooked).__watchfloor.video.stats(cam);
      return !!s && s.firstFrameAt !== null && s.state === 'playing' && s.currentTime > 0.3;
    },
    cameraId,
    { timeout, polling: 100 },
  );
}

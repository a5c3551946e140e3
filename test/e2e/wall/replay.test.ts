// Replay in real Chromium through the web shell (docs/replay.md): a short scene is recorded over the
// real broker — units, a P1, a P2 a few seconds later, the P1 acknowledged from the page — then
// `/?replay=<from>/<to>` shows it again: a band that says 回放 and the replay time, a timeline with
// both incidents, a seek before the second alarm (the board has only the first), 8× play (the
// second arrives, then the acknowledgement), ← / → between incidents, a bookmark, the one key back
// to live. Also: a malformed ?replay= said on a live wall, and an incident's 回放 opening a window.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../main/services/host.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT, waitFor } from '../../helpers/host.js';
import { closeWallTest, openWall, startWallHost, waitForIngest, type WallShell } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'wall');
const ALARMS = 'watchfloor/v1/alarms/110';
const A1 = 'RP-1';
const A2 = 'RP-2';

let host: Host;
let web: WallShell;
let browser: Browser;
let client: MqttClient;
let dataDir: string;
const errors: string[] = [];

/** The scene as recorded: when each thing happened (the services' clock, which is this process's). */
const scene = { start: 0, a1: 0, a2: 0, ack: 0, end: 0 };

const publish = (topic: string, payload: unknown) => client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
const unitFix = (id: string, lon: number, lat: number, heading: number) => publish(`watchfloor/v1/units/${id}/location`, { id, ts: Date.now(), lat, lon, kind: 'patrol', heading });
/** The scene needs time to pass between its events: waits on the clock, not for a fixed while. */
const clockPast = (page: Page, t: number) => page.waitForFunction((t) => Date.now() >= t, t, { timeout: 30_000, polling: 50 });
/** What the page's model holds. */
const model = <T,>(page: Page, fn: string): Promise<T> => page.evaluate(`(() => { const s = window.__watchfloor.store(); return (${fn})(s); })()`) as Promise<T>;
const player = (page: Page) => model<{ mode: string; at: number; playing: boolean; speed: number; loading: boolean; markers: { id: string; at: number }[]; bookmarks: { at: number; note: string }[] }>(page, '(s) => s.player');
/** Waits until the replay stands at `at` (± tolerance), read and shown. */
const replayAt = (page: Page, at: number, tolerance = 0) =>
  page.waitForFunction(
    ([at, tol]) => {
      const p = window.__watchfloor!.store().player;
      return p.mode === 'replay' && !p.loading && Math.abs(p.at - at) <= tol;
    },
    [at, tolerance] as const,
    { timeout: 20_000 },
  );
const boardIds = (page: Page) => page.locator('[data-testid="incident-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id')));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'wf-replay-'));
  ({ host, web } = await startWallHost({}, { dataDir }));
  await waitForIngest(host);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium();
});

afterAll(async () => {
  await closeWallTest({ browser, client, web, host });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('replay on the wall', () => {
  it('records a scene, then replays it: band, timeline, seek, 8×, steps, a bookmark, back to live', { timeout: 300_000 }, async () => {
    // ---- the scene, live ----
    const live = await openWall(browser, web.url, { width: 1920, height: 1080 }, errors);
    scene.start = Date.now();
    await unitFix('RP-U1', 119.296, 26.078, 90);
    await unitFix('RP-U2', 119.305, 26.082, 180);
    await clockPast(live, scene.start + 1500);
    await publish(ALARMS, { id: A1, ts: Date.now(), kind: 'fight', priority: 1, lat: 26.08, lon: 119.3, title: '五一广场有人打架', status: 'open' });
    await live.locator(`[data-testid="incident-row"][data-incident-id="${A1}"]`).waitFor({ timeout: 15_000 });
    scene.a1 = await model<number>(live, `(s) => s.incidents.get('${A1}').firstSeen`);
    await unitFix('RP-U1', 119.298, 26.079, 45);
    await clockPast(live, scene.a1 + 3000);
    await publish(ALARMS, { id: A2, ts: Date.now(), kind: 'traffic', priority: 2, lat: 26.07, lon: 119.31, title: '八一七路两车追尾', status: 'open' });
    await live.locator(`[data-testid="incident-row"][data-incident-id="${A2}"]`).waitFor({ timeout: 15_000 });
    scene.a2 = await model<number>(live, `(s) => s.incidents.get('${A2}').firstSeen`);
    await unitFix('RP-U2', 119.307, 26.078, 200);
    await clockPast(live, scene.a2 + 1500);
    const row1 = live.locator(`[data-testid="incident-row"][data-incident-id="${A1}"]`);
    await row1.locator('[data-testid="ack-button"]').click();
    await row1.locator('.acked').waitFor({ timeout: 10_000 });
    scene.ack = await model<number>(live, `(s) => s.incidents.get('${A1}').timeline.find((e) => e.kind === 'acknowledged').at`);
    // on disk: the journal has flushed past the acknowledgement
    await live.waitForFunction(async (ack) => {
      const h = (await (await fetch('/api/health')).json()) as { journal: { lastFlushAt: number | null } | null };
      return (h.journal?.lastFlushAt ?? 0) > ack + 200;
    }, scene.ack, { timeout: 15_000, polling: 200 });
    scene.end = Date.now();
    expect(scene.a1).toBeLessThan(scene.a2);
    expect(scene.a2).toBeLessThan(scene.ack);

    // ---- an incident's 回放 opens the replay in a new window ----
    await row1.click();
    const replayButton = live.locator('[data-testid="incident-panel"] [data-testid="detail-replay"]');
    await replayButton.waitFor({ timeout: 5000 });
    const [popup] = await Promise.all([live.context().waitForEvent('page'), replayButton.click()]);
    await popup.waitForLoadState('domcontentloaded');
    const asked = new URL(popup.url()).searchParams.get('replay')!.split('/').map((v) => Date.parse(v));
    const startedAt = await model<number>(live, `(s) => s.incidents.get('${A1}').startedAt`);
    expect(asked[0]).toBe(startedAt - 120_000);
    // to: now (the incident is younger than half an hour)
    expect(asked[1]).toBeGreaterThanOrEqual(scene.end - 1000);
    expect(asked[1]).toBeLessThanOrEqual(Date.now());
    await popup.locator('[data-testid="replay-band"]').waitFor({ timeout: 20_000 });
    // the replay's situation, or the veil (opening, reading, or why not): never the live wall under the band
    await popup.waitForFunction(() => {
      const s = window.__watchfloor?.store();
      return !!s && s.player.mode === 'replay' && !s.player.loading && (s.replaySituation || !!document.querySelector('[data-testid="replay-veil"]'));
    }, null, { timeout: 30_000 });
    await popup.screenshot({ path: join(SHOTS, 'replay-from-incident.png') });
    await popup.close();
    await live.close();

    // ---- the replay ----
    const from = scene.start - 500;
    const to = scene.end;
    const url = `${web.url}?replay=${new Date(from).toISOString()}/${new Date(to).toISOString()}`;
    // the numbered updates the page got (live ones until the replay opens, then the replay's), and
    // what it acknowledged (flow control: the services send the next only once the last is taken
    // in), as they crossed its bridge socket
    const flow = { got: [] as number[], acked: [] as number[] };
    const page = await openWall(browser, url, { width: 1920, height: 1080 }, errors, (p) =>
      p.on('websocket', (ws) => {
        if (!new URL(ws.url()).pathname.endsWith('/bridge')) return;
        ws.on('framereceived', (f) => {
          const m = /^\{"type":"(?:snapshot|delta)".*"seq":(\d+)\}$/s.exec(String(f.payload));
          if (m) flow.got.push(Number(m[1]));
        });
        ws.on('framesent', (f) => {
          const m = /"method":"updates\.ack","params":\{"seq":(\d+)\}/.exec(String(f.payload));
          if (m) flow.acked.push(Number(m[1]));
        });
      }),
    );
    const band = page.locator('[data-testid="replay-band"]');
    await band.waitFor({ timeout: 20_000 });
    await replayAt(page, from);
    await expect(page.locator('.wall').getAttribute('data-replay')).resolves.toBe('open');
    // the layer panel starts folded to its title: the timeline takes the bottom of the map
    await expect(page.locator('[data-testid="layer-panel"]').getAttribute('data-collapsed')).resolves.toBe('true');
    const text = await band.textContent();
    expect(text).toContain('回放');
    const shownTime = await page.evaluate((t) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(t).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    }, from);
    expect(text).toContain(shownTime);
    expect(text).toContain('1×');
    // the header's clock is the replay clock
    await expect(page.locator('[data-testid="header-clock"]').getAttribute('data-at')).resolves.toBe(String(from));

    // the timeline: both incidents, where they started
    const markers = page.locator('[data-testid="replay-marker"]');
    await page.locator(`[data-testid="replay-marker"][data-incident-id="${A2}"]`).waitFor({ timeout: 10_000 });
    expect((await markers.evaluateAll((ms) => ms.map((m) => m.getAttribute('data-incident-id')))).sort()).toEqual([A1, A2]);
    const m1 = Number(await page.locator(`[data-testid="replay-marker"][data-incident-id="${A1}"]`).getAttribute('data-at'));
    const m2 = Number(await page.locator(`[data-testid="replay-marker"][data-incident-id="${A2}"]`).getAttribute('data-at'));
    expect(Math.abs(m1 - scene.a1)).toBeLessThan(1000);
    expect(Math.abs(m2 - scene.a2)).toBeLessThan(1000);
    // in the priorities' colours, P1 left of P2
    await expect(page.locator(`[data-testid="replay-marker"][data-incident-id="${A1}"]`).getAttribute('data-priority')).resolves.toBe('1');
    const x1 = (await page.locator(`[data-testid="replay-marker"][data-incident-id="${A1}"]`).boundingBox())!.x;
    const x2 = (await page.locator(`[data-testid="replay-marker"][data-incident-id="${A2}"]`).boundingBox())!.x;
    expect(x1).toBeLessThan(x2);

    // ---- a click on the bar, between the two alarms: only the first, not yet acknowledged ----
    const bar = (await page.locator('[data-testid="replay-bar"]').boundingBox())!;
    const target = Math.round((scene.a1 + scene.a2) / 2);
    await page.mouse.click(bar.x + ((target - from) / (to - from)) * bar.width, bar.y + bar.height / 2);
    await replayAt(page, target, ((to - from) / bar.width) * 2);
    await page.waitForFunction(([a1, a2]) => {
      const ids = [...document.querySelectorAll('[data-testid="incident-row"]')].map((r) => r.getAttribute('data-incident-id'));
      return ids.includes(a1) && !ids.includes(a2);
    }, [A1, A2] as const, { timeout: 10_000 });
    expect(await boardIds(page)).toEqual([A1]);
    const row = page.locator(`[data-testid="incident-row"][data-incident-id="${A1}"]`);
    expect(await row.locator('.acked').count()).toBe(0);
    // read-only: no 签收 in a replay, and the key says why
    expect(await page.locator('[data-testid="ack-button"]').count()).toBe(0);
    await expect(page.locator('.wall').getAttribute('data-read-only')).resolves.toBe('true');
    await row.click();
    await page.keyboard.press('a');
    await expect(page.locator('[data-testid="status-line"]').textContent()).resolves.toContain('回放中：不能签收');
    await page.keyboard.press('Escape');

    // ---- Space plays and pauses (at a quarter speed, the period cannot run out meanwhile) ----
    const speedIs = (v: number) => page.waitForFunction((v) => (window.__watchfloor!.store().player as { speed?: number }).speed === v, v, { timeout: 10_000 });
    const playingIs = (v: boolean) => page.waitForFunction((v) => (window.__watchfloor!.store().player as { playing?: boolean }).playing === v, v, { timeout: 10_000 });
    await page.locator('[data-testid="replay-speed-button"][data-speed="0.25"]').click();
    await speedIs(0.25);
    await page.keyboard.press(' ');
    await playingIs(true);
    await expect(page.locator('[data-testid="replay-play"]').getAttribute('data-playing')).resolves.toBe('true');
    await page.keyboard.press(' ');
    await playingIs(false);
    // + and − step through the speeds
    await page.keyboard.press('+');
    await speedIs(0.5);
    await page.keyboard.press('-');
    await speedIs(0.25);

    // ---- 8×: the second alarm arrives, then the acknowledgement when its time comes ----
    await page.locator('[data-testid="replay-speed-button"][data-speed="8"]').click();
    await speedIs(8);
    await page.keyboard.press(' ');
    await page.locator(`[data-testid="incident-row"][data-incident-id="${A2}"]`).waitFor({ timeout: 15_000 });
    expect((await player(page)).at).toBeGreaterThanOrEqual(scene.a2);
    await row.locator('.acked').waitFor({ timeout: 15_000 });
    expect((await player(page)).at).toBeGreaterThanOrEqual(scene.ack);
    await expect(page.locator('[data-testid="replay-band"]').getAttribute('data-speed')).resolves.toBe('8');
    // it stops by itself at the period's end, and says so
    await playingIs(false);
    // every update was acknowledged, in order, each soon after it came (or the services would
    // have held the next for ACK_WAIT_MS, and 8× would not have kept its pace)
    await waitFor(() => flow.got.length > 0 && flow.acked.at(-1) === flow.got.at(-1), 10_000, 'the last update acknowledged').catch((e: Error) => {
      throw new Error(`${e.message} (got ${flow.got.join(',')}; acked ${flow.acked.join(',')})`);
    });
    expect(flow.got.length).toBeGreaterThanOrEqual(3);
    expect(flow.acked).toEqual([...flow.acked].sort((a, b) => a - b));
    await replayAt(page, to);
    await expect(band.getAttribute('data-state')).resolves.toBe('ended');

    // ---- ← / →: from incident to incident ----
    await page.keyboard.press('ArrowLeft');
    await replayAt(page, m2);
    await page.keyboard.press('ArrowLeft');
    await replayAt(page, m1);
    await expect(band.getAttribute('data-at')).resolves.toBe(String(m1));
    await page.keyboard.press('ArrowRight');
    await replayAt(page, m2);
    // a click on a marker goes to its start
    await page.locator(`[data-testid="replay-marker"][data-incident-id="${A1}"]`).click();
    await replayAt(page, m1);

    // ---- a bookmark at the playhead, with a note; a click on it goes back there ----
    await page.keyboard.press('ArrowRight');
    await replayAt(page, m2);
    await page.locator('[data-testid="replay-bookmark-add"]').click();
    await page.locator('[data-testid="replay-bookmark-note"]').fill('追尾报警到达');
    await page.keyboard.press('Enter');
    const flag = page.locator('[data-testid="replay-bookmark"]');
    await flag.waitFor({ timeout: 10_000 });
    await expect(flag.getAttribute('title')).resolves.toContain('追尾报警到达');
    await expect(flag.getAttribute('data-at')).resolves.toBe(String(m2));
    await page.keyboard.press('ArrowLeft');
    await replayAt(page, m1);
    await flag.click();
    await replayAt(page, m2);

    // ---- a drag along the bar: the playhead follows, and the replay goes where it is let go ----
    const bar2 = (await page.locator('[data-testid="replay-bar"]').boundingBox())!;
    const y = bar2.y + bar2.height / 2;
    await page.mouse.move(bar2.x + bar2.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(bar2.x + bar2.width * 0.5, y, { steps: 8 });
    await page.waitForFunction(() => {
      const head = document.querySelector<HTMLElement>('[data-testid="replay-playhead"]');
      return !!head && Math.abs(parseFloat(head.style.left) - 50) < 2;
    });
    await page.mouse.move(bar2.x + bar2.width * 0.7, y, { steps: 8 });
    await page.mouse.up();
    await replayAt(page, from + 0.7 * (to - from), ((to - from) / bar2.width) * 2);
    await flag.click();
    await replayAt(page, m2);

    // ---- the keys, listed ----
    await page.keyboard.press('?');
    const help = page.locator('[data-testid="key-help"]');
    await help.waitFor();
    for (const k of ['replayPlay', 'replayStep', 'replaySpeed', 'replayLeave']) expect(await help.locator(`[data-key="${k}"]`).count(), k).toBe(1);
    await expect(help.locator('[data-key="replayLeave"]').textContent()).resolves.toContain('Q');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // ---- what it looks like, at the second alarm's start: 1080p then 4K ----
    /** the replay as it stood then: open, at the second alarm, the first not yet acknowledged */
    const asAtSecondAlarm = async () => {
      await replayAt(page, m2);
      await page.waitForFunction(([a1, a2]) => {
        const row = (id: string) => document.querySelector(`[data-testid="incident-row"][data-incident-id="${id}"]`);
        return document.querySelector('.wall')?.getAttribute('data-replay') === 'open' && !!row(a2) && !!row(a1) && !row(a1)!.querySelector('.acked');
      }, [A1, A2] as const, { timeout: 30_000 });
    };
    /**
     * A screenshot of the replay as it stands: a 4K frame on a software renderer can hold the page
     * past its heartbeats, and the reconnect that follows shows the veil while the replay opens again
     * where it was (never live). Taken again when the link changed while it was taken.
     */
    const shot = async (file: string) => {
      for (let i = 0; ; i++) {
        await asAtSecondAlarm();
        const link = () => model<number | null>(page, '(s) => s.linkOpenedAt');
        const before = await link();
        await page.screenshot({ path: join(SHOTS, file) });
        if ((await link()) === before && (await page.locator('.wall').getAttribute('data-replay')) === 'open') return;
        if (i === 3) throw new Error(`${file}: the link kept changing while the screenshot was taken`);
      }
    };
    await page.locator(`[data-testid="incident-row"][data-incident-id="${A2}"]`).click();
    await page.locator('[data-testid="incident-panel"]').waitFor();
    await shot('replay-1920.png');
    // in English too (L), and back
    await page.keyboard.press('l');
    await expect(band.textContent()).resolves.toContain('REPLAY');
    await shot('replay-1920-en.png');
    await page.keyboard.press('l');
    await expect(band.textContent()).resolves.toContain('回放');
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 3840);
    await page.locator('[data-testid="map"][data-loaded="true"]').waitFor();
    await shot('replay-3840.png');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await asAtSecondAlarm();
    expect(await boardIds(page)).toEqual([A1, A2]);

    // ---- one key back to live ----
    await page.keyboard.press('q');
    await page.waitForURL((u) => !u.searchParams.has('replay'), { timeout: 15_000 });
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="incident-row"][data-incident-id="${A2}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="replay-band"]').count()).toBe(0);
    expect(await page.locator('[data-testid="replay-timeline"]').count()).toBe(0);
    await expect(page.locator('.wall').getAttribute('data-replay')).resolves.toBe('no');
    // live again: the acknowledged P1, and its 签收 time; the P2 can be acknowledged
    await page.locator(`[data-testid="incident-row"][data-incident-id="${A1}"] .acked`).waitFor();
    expect(await page.locator(`[data-testid="incident-row"][data-incident-id="${A2}"] [data-testid="ack-button"]`).count()).toBe(1);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('says plainly when ?replay= cannot be read, and stays live', async () => {
    const page = await openWall(browser, `${web.url}?replay=yesterday-morning`, { width: 1920, height: 1080 }, errors);
    const said = page.locator('[data-testid="replay-invalid"]');
    await said.waitFor({ timeout: 10_000 });
    await expect(said.textContent()).resolves.toContain('回放地址无效：“yesterday-morning”');
    await expect(said.textContent()).resolves.toContain('当前显示的是实时态势');
    await expect(page.locator('.wall').getAttribute('data-replay')).resolves.toBe('no');
    expect(await page.locator('[data-testid="replay-band"]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'replay-invalid.png') });
    await page.close();
    expect(errors).toEqual([]);
  });
});

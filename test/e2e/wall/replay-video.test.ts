// Video tiles in a replay, held to the replay clock (docs/video.md, "In a replay"), in real Chromium
// through a real host. Three alarms at three kiosks are recorded live: one kiosk's camera has a
// recording, one has none, and one's recording is a fixed minute that ends before the alarm. Then
// `?replay=` shows the period with one tile per alarm:
// - paused at an instant: the picture is that instant's (the video's time, mapped through the
//   recording playlist's programme date-time, within 0.5 s of the replay clock);
// - playing at 1×: it stays within 0.5 s; at 64×: the tile steps (data-sync-mode="stepping"), each
//   step aimed at the replay clock's instant (to within 60 ms of wall time: at 64× a moment's
//   scheduling of page, frame and services is seconds of replay); paused again (in the next 5-minute recording window):
//   the exact frame; 8×: the browser plays, or steps if it cannot keep up (figures printed);
// - the camera without a recording, and the one whose recording does not reach the instant, say
//   此时段无录像.
// The picture is read from the <video> itself (in the tile's frame, or in the page with
// ?videoFrame=off) and the replay clock from the page's store as it changes; the recording's time 0
// from the playlist the tile plays. The demo stream server runs 10 minutes ahead of the wall, so that
// the "recording" of a scene a few seconds old reaches as far ahead as a 64× replay goes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../core/geo/polygon.js';
import { createLiveHlsServer } from '../../../main/demo/live-hls.js';
import { PLAYER_LATE_MAX_MS } from '../../../renderer/src/model/replay.js';
import { startHost, type Host } from '../../../main/services/host.js';
import { startWebShell } from '../../../main/web/server.js';
import { missing } from '../../helpers/assets.js';
import { launchChromium } from '../../helpers/chromium.js';
import { APP_ROOT } from '../../helpers/host.js';
import { DEMO_KIOSKS, DEMO_VIDEO_AVAILABLE, publishKioskAlarm, tileSelector } from '../../helpers/video-tiles.js';
import { closeWallTest, GENERATED, openVideoWall, RENDERER_DIR, waitForIngest, wallTestConfig, type WallShell } from '../../helpers/wall.js';

const SHOTS = join(APP_ROOT, 'test-results', 'wall');
/** the demo stream server's clock runs this far ahead of everything else */
const AHEAD_MS = 10 * 60_000;
const WINDOW_MS = 5 * 60_000;
const BEFORE_MS = 2 * 60_000;
const A_REC = 'RV-REC';
const A_NONE = 'RV-NONE';
const A_SHORT = 'RV-SHORT';

let host: Host;
let web: WallShell;
let browser: Browser;
let client: MqttClient;
let dataDir: string;
const pageErrors: string[] = [];

/** three kiosks kilometres apart: their cameras are three tiles that have nothing to do with each other */
function threeKiosks() {
  const out = [DEMO_KIOSKS[0]];
  for (const k of DEMO_KIOSKS) if (out.length < 3 && out.every((o) => distanceMeters(o.lon, o.lat, k.lon, k.lat) > 2000)) out.push(k);
  return out;
}
const [kRec, kNone, kShort] = DEMO_KIOSKS.length >= 3 ? threeKiosks() : [];
/** the fixed minute kShort's camera keeps: ends four minutes before the test starts (so before its alarm) */
const shortEnd = Date.now() - 4 * 60_000;

const scene = { start: 0, alarm: 0, end: 0 };

/** Polls `fn` until it gives something (not null/false), or fails after `timeoutMs` saying what it waited for. */
async function until<T>(what: string, fn: () => Promise<T | null | false | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== false && v !== undefined) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

beforeAll(async () => {
  if (!kShort) return;
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'wf-replay-video-'));
  // the demo cameras, one without a recording and one whose recording is a fixed minute
  const iso = (t: number) => new Date(t).toISOString();
  const cameras = (JSON.parse(readFileSync(join(GENERATED, 'demo/cameras.json'), 'utf8')) as { id: string; recording?: string }[]).map((c) => {
    if (c.id === kNone.cameraId) return { ...c, recording: undefined };
    if (c.id === kShort.cameraId) return { ...c, recording: `/video/vod/${c.id}.m3u8?start=${encodeURIComponent(iso(shortEnd - 60_000))}&end=${encodeURIComponent(iso(shortEnd))}` };
    return c;
  });
  const camerasFile = join(dataDir, 'cameras.json');
  writeFileSync(camerasFile, JSON.stringify(cameras));
  const config = wallTestConfig({ reference: { grids: join(GENERATED, 'geo/fuzhou-grids.geojson'), kiosks: join(GENERATED, 'demo/kiosks.json'), cameras: camerasFile } });
  host = await startHost({ config, shell: 'web', appRoot: APP_ROOT, configDir: APP_ROOT, dataDir });
  const video = createLiveHlsServer({ root: join(GENERATED, 'video'), now: () => Date.now() + AHEAD_MS });
  web = (await startWebShell({ host, staticDir: RENDERER_DIR, video, mediaDir: join(GENERATED, 'media'), listenHost: '127.0.0.1', port: 0 })) as WallShell;
  await waitForIngest(host);
  client = await mqtt.connectAsync(host.brokerUrl, { reconnectPeriod: 200 });
  browser = await launchChromium();

  // ---- the scene, recorded ----
  scene.start = Date.now();
  for (const [id, k] of [[A_REC, kRec], [A_NONE, kNone], [A_SHORT, kShort]] as const) await publishKioskAlarm(client, id, k);
  const incident = (id: string) => host.situation.state.incidents.get(id);
  await until('the three alarms on the wall', async () => incident(A_REC) && incident(A_NONE) && incident(A_SHORT));
  scene.alarm = incident(A_REC)!.startedAt;
  const last = Math.max(...[A_REC, A_NONE, A_SHORT].map((id) => incident(id)!.firstSeen));
  await until('the journal on disk past the alarms', async () => (host.journal?.health().lastFlushAt ?? 0) > last + 200, 15_000);
  scene.end = Date.now();
});

afterAll(async () => {
  await closeWallTest({ browser, client, web, host });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type W = {
  __watchfloor: { store: () => { player: { mode: string; at: number; playing: boolean; speed: number; loading: boolean }; incidents: Map<string, { startedAt: number }> } };
  __clockLog?: { at: number; playing: boolean; speed: number; since: number }[];
  __clockAt?: (t: number) => number | null;
  __seeks?: { ct: number; now: number; first: boolean }[];
};

/**
 * The replay clock as the page hears it: every player state the services send (a `player` message,
 * or a replay request's answer), noted with the moment it arrived — by a listener on the page's
 * WebSocket that runs before the wall's own (installed before the page's scripts). A message may be
 * heard late, never early: while the replay plays on at one speed, the clock at `t` is the furthest
 * the last few messages put it, by at most 60 ms of running (model/replay.ts, playerHeardAt) — so
 * the yardstick does not jump back by a busy moment × 64.
 */
const logClock = async (page: Page): Promise<void> => {
  await page.addInitScript(() => {
    const w = window as unknown as W;
    const log: NonNullable<W['__clockLog']> = (w.__clockLog = []);
    const WS = window.WebSocket;
    window.WebSocket = class extends WS {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.addEventListener('message', (e: MessageEvent) => {
          if (typeof e.data !== 'string' || !e.data.includes('"replay"')) return;
          const m = JSON.parse(e.data) as { type: string; player?: unknown; result?: unknown };
          const p = (m.type === 'player' ? m.player : m.type === 'response' ? m.result : null) as { mode?: string; at: number; playing: boolean; loading: boolean; speed: number } | null;
          if (p?.mode !== 'replay' || typeof p.at !== 'number') return;
          log.push({ at: p.at, playing: p.playing && !p.loading, speed: p.speed, since: Date.now() });
          if (log.length > 4000) log.splice(0, 2000);
        });
      }
    };
    w.__clockAt = (t: number) => {
      let i = -1;
      for (let k = 0; k < log.length; k++) if (log[k].since <= t) i = k;
      if (i < 0) return log.length ? log[0].at : null;
      const e = log[i];
      if (!e.playing) return e.at;
      const run = (x: (typeof log)[number]) => x.at + (t - x.since) * x.speed;
      let best = run(e);
      // (one further ahead than that: a seek back, or the replay fell behind — not a late message)
      for (let k = i - 1; k >= Math.max(0, i - 3) && log[k].playing && log[k].speed === e.speed; k--) if (run(log[k]) <= run(e) + 60 * e.speed) best = Math.max(best, run(log[k]));
      return best;
    };
  });
};

/** Where the replay clock stood at epoch ms `t` (page and frame share the machine's clock). */
const clockAtTime = (page: Page, t: number) =>
  page.evaluate((t) => (window as unknown as W).__clockAt!(t), t);

/** The tile's recording window at replay instant `at` (5-minute windows from the alarm's own) and its URL. */
function windowSrc(cameraId: string, at: number): string {
  const first = scene.alarm - BEFORE_MS;
  const start = first + Math.floor((at - first) / WINDOW_MS) * WINDOW_MS;
  const iso = (t: number) => encodeURIComponent(new Date(t).toISOString());
  return `/video/vod/${cameraId}.m3u8?start=${iso(start)}&end=${iso(start + WINDOW_MS)}`;
}

const origins = new Map<string, number>();
/** Media time 0 of a recording, as epoch ms: its playlist's first programme date-time. */
async function originOf(src: string): Promise<number> {
  const known = origins.get(src);
  if (known !== undefined) return known;
  const text = await (await fetch(new URL(src, web.url))).text();
  const pdt = /#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(text);
  if (!pdt) throw new Error(`no programme date-time in ${src}: ${text.slice(0, 200)}`);
  origins.set(src, Date.parse(pdt[1]));
  return origins.get(src)!;
}

/** Runs `fn` on the camera's <video>: in its tile's frame, or in the page; null while there is none. */
async function inVideo<T>(page: Page, cameraId: string, frames: boolean, fn: (v: HTMLVideoElement) => T): Promise<T | null> {
  const tile = page.locator(tileSelector(cameraId));
  const video = frames ? tile.locator('iframe').contentFrame().locator('video') : tile.locator('video');
  return (video.evaluate(fn, undefined, { timeout: 2000 }) as Promise<T>).catch(() => null);
}

interface Sample {
  /** (picture's instant − replay clock) in seconds, measured here */
  drift: number;
  /** what the tile says */
  mode: string | null;
  reported: number | null;
  paused: boolean;
  at: number;
}

/** The picture's instant against the replay clock, now. */
async function sample(page: Page, cameraId: string, frames: boolean): Promise<Sample | null> {
  const v = await inVideo(page, cameraId, frames, (el) => ({ ct: el.currentTime, paused: el.paused, seeking: el.seeking, ready: el.readyState, now: Date.now() }));
  if (!v || v.seeking || v.ready < 2) return null;
  // the clock then, and what the tile says, in one go
  const { clock, mode, reported } = await page.evaluate(
    ([t, sel]) => {
      const tile = document.querySelector(sel);
      return { clock: (window as unknown as W).__clockAt!(t), mode: tile?.getAttribute('data-sync-mode') ?? null, reported: tile?.getAttribute('data-drift') ?? null };
    },
    [v.now, tileSelector(cameraId)] as const,
  );
  if (clock === null) return null;
  const origin = await originOf(windowSrc(cameraId, clock));
  return { drift: (origin + v.ct * 1000 - clock) / 1000, mode, reported: reported === null ? null : Number(reported), paused: v.paused, at: clock };
}

/** Samples for `realMs` of real time (every ~150 ms), each sample taken as it comes. */
async function sampleFor(page: Page, cameraId: string, frames: boolean, realMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const end = Date.now() + realMs;
  while (Date.now() < end) {
    const s = await sample(page, cameraId, frames);
    if (s) out.push(s);
    await new Promise((r) => setTimeout(r, 150));
  }
  return out;
}

/**
 * Samples a tile whose <video> is in the page itself (?videoFrame=off) for `realMs`, every ~100 ms,
 * inside the page: on a busy machine each round trip from here costs hundreds of ms, and a
 * short window at 64× would hold too few samples.
 */
async function sampleInPage(page: Page, cameraId: string, realMs: number): Promise<Sample[]> {
  const raw = await page.evaluate(
    ([sel, ms]) =>
      new Promise<{ ct: number; paused: boolean; clock: number | null; mode: string | null; reported: string | null }[]>((resolve) => {
        const out: { ct: number; paused: boolean; clock: number | null; mode: string | null; reported: string | null }[] = [];
        const end = Date.now() + ms;
        const id = setInterval(() => {
          const tile = document.querySelector(sel);
          const v = tile?.querySelector('video');
          if (v && !v.seeking && v.readyState >= 2) out.push({ ct: v.currentTime, paused: v.paused, clock: (window as unknown as W).__clockAt!(Date.now()), mode: tile!.getAttribute('data-sync-mode'), reported: tile!.getAttribute('data-drift') });
          if (Date.now() >= end) {
            clearInterval(id);
            resolve(out);
          }
        }, 100);
      }),
    [tileSelector(cameraId), realMs] as const,
  );
  const out: Sample[] = [];
  for (const r of raw) {
    if (r.clock === null) continue;
    const origin = await originOf(windowSrc(cameraId, r.clock));
    out.push({ drift: (origin + r.ct * 1000 - r.clock) / 1000, mode: r.mode, reported: r.reported === null ? null : Number(r.reported), paused: r.paused, at: r.clock });
  }
  return out;
}

const fmt = (xs: number[]) => {
  const a = xs.map(Math.abs).sort((x, y) => x - y);
  return a.length ? `n=${a.length} median ${a[Math.floor(a.length / 2)].toFixed(3)} s, max ${a[a.length - 1].toFixed(3)} s` : 'n=0';
};

/** The replay paused: the tile is on the exact frame of the replay instant. */
async function pausedOnInstant(page: Page, cameraId: string, frames: boolean, what: string): Promise<Sample> {
  return until(
    `${what}: the tile paused on the replay instant`,
    async () => {
      const s = await sample(page, cameraId, frames);
      return s && s.mode === 'paused' && s.paused && Math.abs(s.drift) <= 0.5 ? s : null;
    },
    20_000,
    150,
  );
}

async function openReplay(frames: boolean): Promise<Page> {
  const from = scene.start - 1000;
  const to = scene.alarm + 9 * 60_000;
  const url = `${web.url}?replay=${new Date(from).toISOString()}/${new Date(to).toISOString()}&videoPerAlarm=1${frames ? '' : '&videoFrame=off'}`;
  const page = await openVideoWall(browser, url, { width: 1920, height: 1080 }, pageErrors, { connect: 60_000, map: 90_000, prepare: logClock });
  await page.waitForFunction(() => {
    const p = (window as unknown as W).__watchfloor.store().player;
    return p.mode === 'replay' && !p.loading;
  }, null, { timeout: 30_000 });
  return page;
}

/** Seeks by a click on the timeline's bar, near `t`; returns where the replay stands once it has read. */
async function seekNear(page: Page, t: number): Promise<number> {
  const from = scene.start - 1000;
  const to = scene.alarm + 9 * 60_000;
  const bar = (await page.locator('[data-testid="replay-bar"]').boundingBox())!;
  await page.mouse.click(bar.x + ((t - from) / (to - from)) * bar.width, bar.y + bar.height / 2);
  const halfPx = (((to - from) / bar.width) * 2) | 0;
  return page
    .waitForFunction(
      ([t, tol]) => {
        const p = (window as unknown as W).__watchfloor.store().player;
        return p.mode === 'replay' && !p.loading && Math.abs(p.at - t) <= tol ? p.at : null;
      },
      [t, halfPx] as const,
      { timeout: 20_000 },
    )
    .then((h) => h.jsonValue() as Promise<number>);
}

const setSpeed = async (page: Page, speed: number) => {
  await page.locator(`[data-testid="replay-speed-button"][data-speed="${speed}"]`).click();
  await page.waitForFunction((v) => (window as unknown as W).__watchfloor.store().player.speed === v, speed, { timeout: 10_000 });
};
const setPlaying = async (page: Page, playing: boolean) => {
  if ((await page.evaluate(() => (window as unknown as W).__watchfloor.store().player.playing)) !== playing) await page.locator('[data-testid="replay-play"]').click();
  await page.waitForFunction((v) => (window as unknown as W).__watchfloor.store().player.playing === v, playing, { timeout: 10_000 });
};
const tileMode = (page: Page, cameraId: string, mode: string, timeout = 15_000) =>
  page.locator(`${tileSelector(cameraId)}[data-sync-mode="${mode}"]`).waitFor({ timeout });

describe.skipIf(missing(DEMO_VIDEO_AVAILABLE && DEMO_KIOSKS.length >= 3, 'demo video and kiosks (npm run build:video, build:data)'))('video in a replay', () => {
  it('in frames: paused on the instant, within 0.5 s at 1×, steps at 64×, the exact frame again; no recording said', { timeout: 240_000 }, async () => {
    const page = await openReplay(true);
    const cam = kRec.cameraId;

    // ---- paused, a little after the alarm: the picture is that instant's ----
    // (a seek goes no further than the journal holds: a few seconds after the alarm is recorded by now)
    await until('the journal past alarm + 6 s', async () => (host.journal?.health().lastFlushAt ?? 0) > scene.alarm + 6000, 15_000);
    const t1 = await seekNear(page, scene.alarm + 3000);
    await page.locator(tileSelector(cam)).waitFor({ timeout: 20_000 });
    await expect(page.locator(tileSelector(cam)).getAttribute('data-mode')).resolves.toBe('recording');
    const p1 = await pausedOnInstant(page, cam, true, 'paused after a seek');
    console.log(`[replay-video] paused at alarm+${((t1 - scene.alarm) / 1000).toFixed(1)} s: drift ${p1.drift.toFixed(3)} s (tile says ${p1.reported})`);
    // the tile plays the window its clock is in
    expect(await page.evaluate((c) => (window as unknown as { __watchfloor: { video: { stats: (c: string) => { src: string } | null } } }).__watchfloor.video.stats(c)?.src, cam)).toBe(windowSrc(cam, t1));

    // ---- the cameras without a recording for this time say so ----
    const none = page.locator(`${tileSelector(kNone.cameraId)} [data-testid="video-no-recording"]`);
    await none.waitFor({ timeout: 15_000 });
    await expect(none.textContent()).resolves.toBe('此时段无录像');
    await tileMode(page, kShort.cameraId, 'outside');
    await expect(page.locator(`${tileSelector(kShort.cameraId)} [data-testid="video-no-recording"]`).textContent()).resolves.toBe('此时段无录像');
    expect(await page.locator(`${tileSelector(cam)} [data-testid="video-no-recording"]`).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'replay-video-paused.png') });

    // ---- 1×: within half a second ----
    await setPlaying(page, true);
    await tileMode(page, cam, 'native');
    await until('the tile playing', async () => (await sample(page, cam, true))?.paused === false);
    const at1 = await sampleFor(page, cam, true, 4000);
    console.log(`[replay-video] 1×: ${fmt(at1.map((s) => s.drift))}; the tile's own figure ${fmt(at1.flatMap((s) => (s.reported === null ? [] : [s.reported])))}`);
    expect(at1.length).toBeGreaterThanOrEqual(8);
    for (const s of at1) expect(Math.abs(s.drift), `1× drift at replay ${new Date(s.at).toISOString()}`).toBeLessThanOrEqual(0.5);
    expect(at1.every((s) => s.mode === 'native' && !s.paused)).toBe(true);

    // ---- 64×: a step a second, each on the replay clock's instant ----
    // every seek of the frame's video as it is made (whichever <video> it is by then: a new window is
    // a new one), with the moment: the media time the sync aims at against the clock at that moment.
    // The first seek of a new <video> is hls.js's own start position, not a step.
    await inVideo(page, cam, true, () => {
      const w = window as unknown as W;
      w.__seeks = [];
      const seen = new WeakSet<HTMLMediaElement>();
      const own = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'currentTime')!;
      Object.defineProperty(HTMLMediaElement.prototype, 'currentTime', {
        configurable: true,
        get(this: HTMLMediaElement) {
          return own.get!.call(this) as number;
        },
        set(this: HTMLMediaElement, t: number) {
          w.__seeks!.push({ ct: t, now: Date.now(), first: !seen.has(this) });
          seen.add(this);
          own.set!.call(this, t);
        },
      });
    });
    await setSpeed(page, 64);
    await tileMode(page, cam, 'stepping', 5000);
    const steppingSince = Date.now();
    const at64 = await sampleFor(page, cam, true, 4000);
    const seeks = (await inVideo(page, cam, true, () => (window as unknown as W).__seeks ?? [])) ?? [];
    const stepDrift: number[] = [];
    for (const s of seeks.filter((x) => x.now >= steppingSince && !x.first)) {
      const clock = (await clockAtTime(page, s.now))!;
      const first = scene.alarm - BEFORE_MS;
      // just past a window's edge the old recording (its last segment straddles the edge) may still be the one stepped
      if ((clock - first) % WINDOW_MS < 3000) continue;
      stepDrift.push((await originOf(windowSrc(cam, clock))) / 1000 + s.ct - clock / 1000);
    }
    console.log(`[replay-video] 64×: steps ${seeks.length} in ~4 s; step aimed vs replay clock: ${fmt(stepDrift)}; the tile's own figure ${fmt(at64.flatMap((s) => (s.reported === null ? [] : [s.reported])))}; modes ${[...new Set(at64.map((s) => s.mode))].join(',')}`);
    // (a sample may fall on a change of recording window: the new player not yet reporting)
    expect(at64.filter((s) => s.mode === 'native' || s.mode === 'paused')).toEqual([]);
    expect(at64.filter((s) => s.mode === 'stepping').length).toBeGreaterThanOrEqual(at64.length * 0.6);
    expect(stepDrift.length).toBeGreaterThanOrEqual(2);
    // Each step within 60 ms of wall time of the clock (PLAYER_LATE_MAX_MS, how late a player
    // message is taken to be at most): at 64× that is 3.84 s of replay. The clock seen here and the
    // one the tile follows are read from the same messages by two processes, and a 2-core machine
    // busy drawing a wall in software delays either by tens of ms (CI saw one step 45 ms = 2.9 s
    // off, the others 10 ms). A tile that did not follow the clock would be many seconds off, and
    // more with every step.
    for (const d of stepDrift) expect(Math.abs(d)).toBeLessThanOrEqual(Math.max(1, 64 * (PLAYER_LATE_MAX_MS / 1000)));
    // the picture holds still between steps, on the frame it stepped to
    expect(at64.filter((s) => s.reported !== null).every((s) => Math.abs(s.reported!) <= 1)).toBe(true);
    expect(at64.every((s) => s.paused)).toBe(true);

    // ---- paused again (by now in the next recording window): the exact frame ----
    await setPlaying(page, false);
    const p2 = await pausedOnInstant(page, cam, true, 'paused after 64×');
    console.log(`[replay-video] paused after 64× at alarm+${((p2.at - scene.alarm) / 1000).toFixed(1)} s: drift ${p2.drift.toFixed(3)} s`);

    // ---- 8×: the browser plays at 8× (or steps, if it cannot keep up) ----
    await setSpeed(page, 8);
    await setPlaying(page, true);
    await until('the tile following at 8×', async () => {
      const m = await page.locator(tileSelector(cam)).getAttribute('data-sync-mode');
      return m === 'native' || m === 'stepping';
    });
    const at8 = await sampleFor(page, cam, true, 3000);
    const native8 = at8.filter((s) => s.mode === 'native');
    console.log(`[replay-video] 8×: modes ${[...new Set(at8.map((s) => s.mode))].join(',')}; native ${fmt(native8.map((s) => s.drift))}`);
    expect(at8.every((s) => s.mode === 'native' || s.mode === 'stepping')).toBe(true);
    await setPlaying(page, false);
    await pausedOnInstant(page, cam, true, 'paused after 8×');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('in the page (?videoFrame=off): paused on the instant, within 0.5 s at 1×, steps at 64×', { timeout: 180_000 }, async () => {
    const page = await openReplay(false);
    const cam = kRec.cameraId;
    await until('the journal past alarm + 33 s', async () => (host.journal?.health().lastFlushAt ?? 0) > scene.alarm + 33_000, 40_000);
    await seekNear(page, scene.alarm + 30_000);
    await page.locator(tileSelector(cam)).waitFor({ timeout: 20_000 });
    const p = await pausedOnInstant(page, cam, false, 'paused, in the page');
    console.log(`[replay-video] in the page, paused: drift ${p.drift.toFixed(3)} s`);
    await page.locator(`${tileSelector(kNone.cameraId)} [data-testid="video-no-recording"]`).waitFor({ timeout: 15_000 });
    await setPlaying(page, true);
    await tileMode(page, cam, 'native');
    await until('the tile playing', async () => (await sample(page, cam, false))?.paused === false);
    const at1 = await sampleInPage(page, cam, 3000);
    console.log(`[replay-video] in the page, 1×: ${fmt(at1.map((s) => s.drift))}`);
    expect(at1.length).toBeGreaterThanOrEqual(6);
    for (const s of at1) expect(Math.abs(s.drift)).toBeLessThanOrEqual(0.5);
    await setSpeed(page, 64);
    await tileMode(page, cam, 'stepping', 5000);
    // 1.5 s at 64× (still in the alarm's recording window): the picture moves on by steps, never more than a step behind
    const at64 = (await sampleInPage(page, cam, 1500)).filter((s) => s.mode === 'stepping');
    const shown = at64.map((s) => s.at + s.drift * 1000);
    console.log(`[replay-video] in the page, 64×: picture moved ${((Math.max(...shown) - Math.min(...shown)) / 1000).toFixed(1)} s of replay in ${at64.length} samples; behind the clock ${fmt(at64.map((s) => s.drift))}`);
    expect(at64.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...shown) - Math.min(...shown)).toBeGreaterThan(40_000);
    for (const s of at64) expect(Math.abs(s.drift)).toBeLessThanOrEqual(64 * 1.5);
    await setPlaying(page, false);
    await pausedOnInstant(page, cam, false, 'paused after 64×, in the page');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

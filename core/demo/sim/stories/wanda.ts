// Scripted story "wanda": a phone theft at a clothing shop in Cangshan Wanda Plaza (仓山万达广场),
// a citizen clue with suspect photos, a broadcast to nearby volunteers, two of them converging on
// the spot, and the incident closing about two minutes in. Deterministic: times are fixed offsets
// from the story start, people are chosen by distance (ties by id).
import { distanceM, offsetPoint, round6 } from '../geo.js';
import type { SimKernel, SimMover, SimPlace, Story } from '../kernel.js';

/** Used when places.json has no `wanda` entry. */
export const WANDA_FALLBACK: SimPlace = { name: '仓山万达广场', lat: 26.0425, lon: 119.2826 };

/** Offsets from the story start, ms. */
export const WANDA_TIMELINE = {
  alarm: 0,
  clue: 20_000,
  broadcast: 25_000,
  converge: 30_000,
  arrive: 115_000,
  progress: 95_000,
  close: 120_000,
  release: 180_000,
} as const;

export const WANDA_TITLE = '万达广场服装店手机被盗';
export const WANDA_BROADCAST_RADIUS_M = 500;
export const WANDA_CLOSING = '嫌疑人已被志愿者控制，移交民警';

const wandaOf = (places: Readonly<Record<string, SimPlace>>): SimPlace => places.wanda ?? WANDA_FALLBACK;

export const wandaStory: Story = {
  name: 'wanda',
  volunteersNear: (places) => {
    const w = wandaOf(places);
    return [{ lon: w.lon, lat: w.lat, radiusM: 350, count: 8 }];
  },
  install(k: SimKernel, t0: number) {
    const w = wandaOf(k.places);
    const id = `wanda-${k.runTag}`;
    const cameraIds = [...k.cameras]
      .map((c) => ({ id: c.id, d: distanceM(w.lon, w.lat, c.lon, c.lat) }))
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
      .slice(0, 3)
      .map((c) => c.id);
    const detail0 =
      `110接警：${w.name}一楼服装店店员报警，顾客试衣时放在柜台上的黑色苹果手机被盗。` +
      '店员称嫌疑人两名：嫌疑人甲，男，约25岁，身高约175cm，身穿黑色连帽卫衣、灰色运动裤、白色运动鞋；' +
      '嫌疑人乙，男，约30岁，身高约168cm，平头，身穿深蓝色夹克，背黑色双肩包。两人往万达广场北门方向离开。';
    const clueNote = '【线索】市民林女士通过随手拍上传两张照片：两名男子在万达广场北门外公交站附近停留，衣着与店员描述一致（见附图）。';
    const base = {
      id,
      kind: 'theft',
      priority: 2,
      lat: round6(w.lat),
      lon: round6(w.lon),
      title: WANDA_TITLE,
      ...(cameraIds.length ? { cameraIds } : {}),
    };
    let detail = detail0;
    let notified: SimMover[] = [];
    let walkers: SimMover[] = [];

    k.at(t0 + WANDA_TIMELINE.alarm, (t, out) =>
      k.alarm(out, '110', { ...base, ts: t, detail, reporter: '报警人服装店店员陈女士（138****2046）', status: 'open' }),
    );
    k.at(t0 + WANDA_TIMELINE.clue, (t, out) => {
      detail = `${detail}\n${clueNote}`;
      k.alarm(out, 'clue', {
        ...base,
        ts: t,
        detail,
        reporter: '市民林女士（159****3371）',
        media: [
          { url: '/media/demo/clue-1.jpg', type: 'image/jpeg' },
          { url: '/media/demo/clue-2.jpg', type: 'image/jpeg' },
        ],
        status: 'open',
      });
    });
    k.at(t0 + WANDA_TIMELINE.broadcast, (t, out) => {
      const near = k
        .volunteers()
        .filter((m) => m.status !== 'offline')
        .map((m) => {
          const [x, y] = k.positionAt(m, t);
          return { m, d: distanceM(w.lon, w.lat, x, y) };
        })
        .filter((e) => e.d <= WANDA_BROADCAST_RADIUS_M)
        .sort((a, b) => a.d - b.d || (a.m.id < b.m.id ? -1 : 1));
      notified = near.map((e) => e.m);
      for (const m of notified) k.hold(m, 'busy');
      // the two who walk in: the nearest at least 100 m away (so the walk shows on the wall), else the nearest
      const far = near.filter((e) => e.d >= 100);
      walkers = [...far, ...near.filter((e) => e.d < 100)].slice(0, 2).map((e) => e.m);
      detail =
        notified.length > 0
          ? `${detail}\n【协查】已向${w.name}周边${WANDA_BROADCAST_RADIUS_M}米内${notified.length}名平安志愿者推送协查通报（含嫌疑人照片）。`
          : `${detail}\n【协查】已向周边平安志愿者推送协查通报（含嫌疑人照片）。`;
      k.alarm(out, '110', { ...base, ts: t, detail, status: 'open' });
    });
    k.at(t0 + WANDA_TIMELINE.converge, (t) => {
      walkers.forEach((m, i) => {
        // two spots a few metres apart at the plaza's north side, so the markers do not overlap
        const [x, y] = offsetPoint(w.lon, w.lat, i === 0 ? 330 : 30, 8);
        k.steer(m, t, x, y, t0 + WANDA_TIMELINE.arrive);
        k.reportEvery(m, 2000);
      });
    });
    k.at(t0 + WANDA_TIMELINE.progress, (t, out) => {
      const names = walkers.map((m) => m.name).join('、');
      detail = walkers.length
        ? `${detail}\n【进展】志愿者${names}在万达广场北门发现与照片特征相符的两名男子，正在稳控，巡逻民警正赶往现场。`
        : `${detail}\n【进展】巡逻民警在万达广场北门发现与照片特征相符的两名男子。`;
      k.alarm(out, '110', { ...base, ts: t, detail, status: 'open' });
    });
    k.at(t0 + WANDA_TIMELINE.close, (t, out) => {
      detail = `${detail}\n【结果】${WANDA_CLOSING}。被盗手机已追回，归还失主。`;
      k.alarm(out, '110', { ...base, ts: t, detail, status: 'closed' });
    });
    k.at(t0 + WANDA_TIMELINE.release, (t) => {
      for (const m of notified) {
        k.reportEvery(m, undefined);
        k.release(m, t);
      }
    });
  },
};

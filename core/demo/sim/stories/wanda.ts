// Scripted story "wanda": a phone theft at a clothing shop in Cangshan Wanda Plaza (仓山万达广场),
// a citizen clue with suspect photos, the duty officer calling the volunteers nearby (a real
// broadcast by the demo's operator on the wall), those who accept walking in, and the incident
// closing once one of them is there. Deterministic: times are fixed offsets from the story start,
// or follow the simulated volunteers' answers, themselves decided from the seed and dispatch ids.
// With no operator (the load generator, tests) nobody is called: the story keeps its fixed times.
import { distanceM, round6 } from '../geo.js';
import type { SimKernel, SimMessage, SimPlace, Story } from '../kernel.js';

/** Used when places.json has no `wanda` entry. */
export const WANDA_FALLBACK: SimPlace = { name: '仓山万达广场', lat: 26.0425, lon: 119.2826 };

/** Offsets from the story start, ms. */
export const WANDA_TIMELINE = {
  alarm: 0,
  clue: 20_000,
  /** the operator's broadcast (a request to the demo's operator) */
  broadcast: 25_000,
  /** progress, when nobody who accepted is still on the way; else when the first of them arrives… */
  progress: 95_000,
  /** …but no later than this (500 m on foot, with the detour, is about 8 minutes) */
  progressBy: 540_000,
  /** 25 s after the progress update: closed, and the operator's resolve */
  close: 120_000,
} as const;

export const WANDA_TITLE = '万达广场服装店手机被盗';
export const WANDA_BROADCAST_RADIUS_M = 500;
export const WANDA_BROADCAST_NOTE = '协查：万达广场服装店手机被盗，嫌疑人两名往北门方向离开（见照片）';
/** the close when a volunteer got there; `WANDA_CLOSING_PATROL` when nobody did */
export const WANDA_CLOSING = '嫌疑人已被志愿者控制，移交民警';
export const WANDA_CLOSING_PATROL = '嫌疑人已被巡逻民警控制';

/** How many names a progress line spells out before "等N名". */
const NAMES_SHOWN = 3;
/** "志愿者A、B等5名": names like 志愿者-仓山-0003 already say what they are */
const nameList = (names: readonly string[]): string =>
  (names[0].startsWith('志愿者') ? '' : '志愿者') + (names.length <= NAMES_SHOWN ? names.join('、') : `${names.slice(0, NAMES_SHOWN).join('、')}等${names.length}名`);

/** The 【进展】 line: names the volunteers who took the call, where there are any. */
export function progressText(there: readonly string[], coming: readonly string[]): string {
  if (there.length > 0) {
    const also = coming.length > 0 ? `，${nameList(coming)}正在赶来` : '';
    return `【进展】${nameList(there)}在万达广场北门发现与照片特征相符的两名男子，正在稳控${also}，巡逻民警正赶往现场。`;
  }
  if (coming.length > 0) return `【进展】巡逻民警在万达广场北门发现与照片特征相符的两名男子，${nameList(coming)}正赶往协助。`;
  return '【进展】巡逻民警在万达广场北门发现与照片特征相符的两名男子。';
}

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
    // the close follows the progress update (and the operator's resolve goes with it)
    const close = (tProgress: number, byVolunteers: boolean): void =>
      k.at(tProgress + (WANDA_TIMELINE.close - WANDA_TIMELINE.progress), (t, out) => {
        const closing = byVolunteers ? WANDA_CLOSING : WANDA_CLOSING_PATROL;
        // the operator closes it on the wall (办结), and the 110 system closes the alarm
        k.operator({ kind: 'resolve', t, incidentId: id, note: closing });
        detail = `${detail}\n【结果】${closing}。被盗手机已追回，归还失主。`;
        k.alarm(out, '110', { ...base, ts: t, detail, status: 'closed' });
      });

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
    // the duty officer calls the volunteers around the plaza, the suspects' photos with it: the
    // wall sends the dispatches and the simulated volunteers answer them (core/demo/sim/responders.ts)
    k.at(t0 + WANDA_TIMELINE.broadcast, (t) => k.operator({ kind: 'broadcast', t, incidentId: id, radiusM: WANDA_BROADCAST_RADIUS_M, note: WANDA_BROADCAST_NOTE }));
    // progress once a volunteer who took the call reaches the plaza (or, with nobody on the way, at the usual time)
    const progress = (t: number, out: SimMessage[]): void => {
      const took = k.responders(id).filter((r) => r.unit.kind === 'volunteer');
      // the first there first
      const there = took.filter((r) => r.arrivedAt !== undefined).sort((a, b) => a.arrivedAt! - b.arrivedAt!);
      const coming = took.filter((r) => r.answer !== 'done' && r.arrivedAt === undefined);
      if (there.length === 0 && coming.length > 0 && t < t0 + WANDA_TIMELINE.progressBy) {
        k.at(t + 1000, progress);
        return;
      }
      detail = `${detail}\n${progressText(there.map((r) => r.unit.name), coming.map((r) => r.unit.name))}`;
      k.alarm(out, '110', { ...base, ts: t, detail, status: 'open' });
      close(t, there.length > 0);
    };
    k.at(t0 + WANDA_TIMELINE.progress, progress);
  },
};

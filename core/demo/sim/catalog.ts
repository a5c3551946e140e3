// The demo's vocabulary: alarm kinds and how often they happen, plausible Chinese titles and details,
// reporters, clue media. Pure; every choice goes through the caller's seeded Rng.
import type { IncidentKind, Priority } from '../../domain.js';
import type { Rng } from './rng.js';

export type AlarmSource = '110' | 'clue' | 'analytics' | 'grid';

/** Relative frequency of each kind among generated alarms (theft, urban, traffic, fight common; terror, drugs rare). */
export const KIND_WEIGHTS: Readonly<Record<IncidentKind, number>> = {
  theft: 22,
  urban: 18,
  traffic: 16,
  fight: 14,
  other: 9,
  mental: 5,
  fire: 5,
  sos: 3,
  drugs: 2,
  terror: 1,
};

/** Where each kind tends to be reported from: [source, weight][]. */
const SOURCE_MIX: Readonly<Record<IncidentKind, readonly (readonly [AlarmSource, number])[]>> = {
  theft: [['110', 6], ['clue', 3], ['analytics', 1]],
  urban: [['grid', 5], ['clue', 3], ['analytics', 2]],
  traffic: [['110', 5], ['analytics', 4], ['clue', 1]],
  fight: [['110', 5], ['analytics', 3], ['clue', 2]],
  other: [['110', 6], ['clue', 2], ['grid', 2]],
  mental: [['110', 7], ['grid', 2], ['clue', 1]],
  fire: [['110', 7], ['analytics', 2], ['clue', 1]],
  sos: [['110', 1]],
  drugs: [['clue', 6], ['110', 4]],
  terror: [['110', 6], ['analytics', 4]],
};

export function sourceFor(rng: Rng, kind: IncidentKind, analyticsPossible: boolean): AlarmSource {
  const mix = SOURCE_MIX[kind].filter(([s]) => analyticsPossible || s !== 'analytics');
  return rng.weighted(
    mix.map(([s]) => s),
    mix.map(([, w]) => w),
  );
}

export function priorityFor(rng: Rng, kind: IncidentKind): Priority {
  switch (kind) {
    case 'terror':
    case 'sos':
      return 1;
    case 'fight':
    case 'fire':
      return rng.chance(0.2) ? 1 : 2;
    case 'urban':
      return rng.chance(0.3) ? 4 : 3;
    case 'other':
      return 3;
    default:
      return rng.chance(0.45) ? 2 : 3;
  }
}

/**
 * [title, detail] templates per kind. `{p}` is the place; the detail may also use {desc} (a person),
 * {min} (minutes ago), {amount} (yuan), {dir} (direction), {n} (people). Named places (malls,
 * squares) may use `shopOnly` templates too.
 */
type Template = readonly [title: string, detail: string];
const TEMPLATES: Readonly<Record<IncidentKind, readonly Template[]>> = {
  theft: [
    ['{p}顾客手机被盗', '{min}分钟前{p}一名顾客手机被盗，损失约{amount}元。嫌疑人{desc}，已往{dir}方向离开。'],
    ['{p}电动车被盗', '{p}停放的一辆白色雅迪电动车被盗，损失约{amount}元。嫌疑人{desc}。'],
    ['{p}有人钱包被扒', '{p}一名市民钱包被扒，内有现金及身份证。嫌疑人{desc}，已往{dir}方向离开。'],
    ['{p}车窗被砸车内财物被盗', '{p}一辆轿车车窗被砸，车内背包被盗，损失约{amount}元。'],
    ['{p}快递包裹被盗', '{p}快递柜旁多个包裹被拿走，嫌疑人{desc}。'],
  ],
  urban: [
    ['{p}占道经营', '{p}多个摊点占用人行道经营，影响行人通行，请城管及社区协同处置。'],
    ['{p}井盖缺失', '{p}人行道一处井盖缺失，存在安全隐患，已设置临时警示。'],
    ['{p}建筑垃圾乱堆放', '{p}有建筑垃圾堆放约{n}立方米，影响市容，群众多次投诉。'],
    ['{p}共享单车堵塞人行道', '{p}大量共享单车乱停放，堵塞人行道及盲道。'],
    ['{p}夜间施工噪音扰民', '{p}工地夜间施工，噪音扰民，群众多次投诉。'],
    ['{p}路灯损坏', '{p}连续{n}盏路灯不亮，夜间存在安全隐患。'],
    ['{p}流动摊贩聚集', '{p}流动摊贩聚集约{n}处，影响交通秩序。'],
  ],
  traffic: [
    ['{p}两车追尾', '{p}两辆小轿车追尾，无人员受伤，造成一条车道拥堵，请交警到场。'],
    ['{p}电动车与行人相撞', '{p}一辆电动车与行人相撞，行人腿部擦伤，请交警及120到场。'],
    ['{p}车辆违停堵塞消防通道', '{p}多辆车辆违停，堵塞小区消防通道。'],
    ['{p}路口信号灯故障', '{p}路口信号灯故障，车辆通行缓慢，请交警到场疏导。'],
    ['{p}交通拥堵', '{p}车流缓慢，排队约{n}百米，请交警到场疏导。'],
  ],
  fight: [
    ['{p}有人打架', '{p}约{n}人发生冲突并互殴，其中一人{desc}，暂无人员受伤。'],
    ['{p}烧烤摊酒后斗殴', '{p}烧烤摊有{n}名男子酒后斗殴，一人头部流血，现场有人持酒瓶。'],
    ['{p}两名男子发生口角并动手', '{p}两名男子因琐事发生口角并动手，其中一人{desc}。'],
    ['{p}顾客与店员发生肢体冲突', '{p}一名顾客与店员因退货发生肢体冲突，顾客{desc}。'],
  ],
  other: [
    ['{p}老人走失', '{p}一名七旬老人与家属走失，穿灰色外套，有阿尔茨海默病史，请就近力量协助寻找。'],
    ['{p}儿童与家长走散', '{p}一名约6岁男童与家长走散，穿红色上衣、蓝色短裤，请就近力量协助。'],
    ['{p}有人晕倒', '{p}一名中年男子突然晕倒，已通知120，请就近力量协助。'],
    ['{p}电梯困人', '{p}一部电梯困住{n}人，已通知维保单位及119。'],
    ['{p}醉酒男子躺在路边', '{p}一名醉酒男子躺在路边，意识不清，请就近力量协助。'],
  ],
  mental: [
    ['{p}一男子情绪激动疑似精神异常', '{p}一人{desc}，言行异常，情绪激动，需民警及医护人员到场。'],
    ['{p}有人站在桥栏杆外', '{p}一人站在桥栏杆外情绪低落，疑有轻生念头，请立即派员处置。'],
  ],
  fire: [
    ['{p}居民楼冒烟', '{p}一栋居民楼三楼窗口冒出黑烟，已同步通知119。'],
    ['{p}电动车充电起火', '{p}楼道内电动车充电时起火，已有群众用灭火器扑救，已通知119。'],
    ['{p}垃圾桶起火', '{p}垃圾桶起火，火势较小，请就近力量处置。'],
  ],
  sos: [
    ['{p}有人呼救', '{p}有人呼救，称被陌生人跟随，请就近力量前往。'],
    ['{p}一女子称被人跟踪求助', '{p}一名女子称被人跟踪，跟踪者{desc}，请就近力量前往。'],
  ],
  drugs: [
    ['{p}疑似吸毒人员聚集', '{p}近期夜间常有可疑人员聚集，疑有锡纸、吸管等物品，请核查。'],
    ['{p}出租屋内疑似有人吸毒', '{p}一出租屋内常有异味，人员进出频繁，疑有人吸毒，请核查。'],
  ],
  terror: [
    ['{p}发现可疑包裹', '{p}发现一个无人看管的黑色行李箱，已放置约{min}分钟，请立即处置并疏散群众。'],
    ['{p}有人持刀挥舞', '{p}一名男子手持刀具在人群中挥舞，嫌疑人{desc}，请立即处置。'],
  ],
};

/** Extra templates that suit named commercial places (e.g. 万达广场服装店手机被盗). */
const SHOP_TEMPLATES: Partial<Readonly<Record<IncidentKind, readonly Template[]>>> = {
  theft: [['{p}服装店手机被盗', '{p}一家服装店内顾客手机被盗，损失约{amount}元。嫌疑人{desc}，已往{dir}方向离开。']],
  fight: [['{p}有人打架', '{p}约{n}人在广场上发生冲突并互殴，其中一人{desc}。']],
};

/** What video analytics says it saw, per kind. */
const ANALYTICS_EVENTS: Partial<Readonly<Record<IncidentKind, readonly string[]>>> = {
  theft: ['可疑人员尾随扒窃', '可疑人员拉车门'],
  urban: ['占道经营', '垃圾堆放', '人员聚集'],
  traffic: ['车辆违停', '疑似交通事故', '逆行车辆'],
  fight: ['打架斗殴行为', '多人推搡'],
  fire: ['烟雾', '明火'],
  terror: ['遗留可疑物品', '人员持械'],
};

export const LANDMARKS = ['菜市场', '小区门口', '公交站', '地铁站口', '沿街店面', '社区公园', '学校门口', '农贸市场', '夜市', '停车场', '商业街', '超市门口'];
const SURNAMES = ['林', '陈', '黄', '张', '王', '李', '郑', '吴', '刘', '杨', '何', '郭', '周', '徐', '蔡', '翁'];
const TOPS = ['黑色连帽卫衣', '白色短袖T恤', '灰色夹克', '深蓝色外套', '红色冲锋衣', '格子衬衫', '迷彩外套', '黑色羽绒服'];
const BOTTOMS = ['牛仔裤', '灰色运动裤', '黑色长裤', '卡其色短裤'];
const EXTRAS = ['戴黑色口罩', '戴鸭舌帽', '背黑色双肩包', '平头', '染黄发', '戴眼镜', '手持雨伞'];
const DIRECTIONS = ['东', '南', '西', '北', '东北', '西南'];
const MASKED_PHONE = (rng: Rng): string => `1${rng.pick(['38', '39', '58', '59', '86', '88', '37', '35'])}****${String(rng.int(0, 9999)).padStart(4, '0')}`;

export const fill = (template: string, place: string): string => template.replace('{p}', place);

export function personDescription(rng: Rng, sex: '男' | '女' = rng.chance(0.8) ? '男' : '女'): string {
  return `${sex}，约${rng.int(18, 55)}岁，身高约${rng.int(sex === '男' ? 165 : 155, sex === '男' ? 185 : 170)}cm，身穿${rng.pick(TOPS)}、${rng.pick(BOTTOMS)}，${rng.pick(EXTRAS)}`;
}

export function reporterFor(rng: Rng, source: AlarmSource): string | undefined {
  const name = `${rng.pick(SURNAMES)}${rng.chance(0.5) ? '先生' : '女士'}`;
  switch (source) {
    case '110':
      return `报警人${name}（${MASKED_PHONE(rng)}）`;
    case 'clue':
      return rng.chance(0.25) ? '匿名群众（随手拍）' : `市民${name}（${MASKED_PHONE(rng)}）`;
    case 'grid':
      return `网格员${rng.pick(SURNAMES)}${rng.pick(['建华', '丽萍', '志强', '秀英', '海燕', '明辉', '金凤', '国平'])}`;
    default:
      return undefined;
  }
}

/** Demo clue pictures: `count` image references. */
export function clueMedia(rng: Rng, count: number): { url: string; type: string }[] {
  const first = rng.int(1, 6);
  return Array.from({ length: count }, (_, i) => ({ url: `/media/demo/clue-${((first + i - 1) % 6) + 1}.jpg`, type: 'image/jpeg' }));
}

const LEADS: Readonly<Record<AlarmSource, string>> = {
  '110': '110接警：',
  clue: '群众随手拍线索：',
  grid: '网格员巡查上报：',
  analytics: '视频智能分析告警：',
};

/** A consistent title and detail for a kind at a place, with the lead of its source. */
export function composeAlarmText(rng: Rng, kind: IncidentKind, place: string, source: AlarmSource, namedPlace = false): { title: string; detail: string } {
  const pool = namedPlace && SHOP_TEMPLATES[kind] && rng.chance(0.4) ? SHOP_TEMPLATES[kind]! : TEMPLATES[kind];
  const [title, detail] = rng.pick(pool);
  const text = detail
    .replace('{p}', place)
    .replace('{desc}', () => personDescription(rng))
    .replace('{min}', () => String(rng.int(2, 20)))
    .replace('{amount}', () => String(rng.int(3, 80) * 100))
    .replace('{dir}', () => rng.pick(DIRECTIONS))
    .replace('{n}', () => String(rng.int(2, 6)));
  return { title: fill(title, place), detail: `${LEADS[source]}${text}` };
}

/** Title and detail for a video-analytics alarm from a camera; undefined when analytics does not see this kind. */
export function composeAnalyticsText(rng: Rng, kind: IncidentKind, cameraName: string): { title: string; detail: string } | undefined {
  const events = ANALYTICS_EVENTS[kind];
  if (!events) return undefined;
  const event = rng.pick(events);
  return {
    title: `${cameraName}检测到${event}`,
    detail: `${LEADS.analytics}${cameraName}画面中检测到${event}，置信度${(rng.range(0.72, 0.97)).toFixed(2)}，请值班员复核。`,
  };
}

export function progressNote(rng: Rng, kind: IncidentKind, source: AlarmSource): string {
  if (source === 'analytics') return `【研判】已调取周边视频复核，${rng.pick(['确认告警属实', '现场情况与告警一致', '已锁定相关人员轨迹'])}，已派警。`;
  const who = kind === 'urban' ? '城管队员' : kind === 'traffic' ? '交警' : kind === 'fire' ? '消防及民警' : rng.pick(['辖区派出所民警', '巡逻组', '就近平安志愿者']);
  return `【进展】${who}已到场处置。`;
}

export function closingNote(rng: Rng, kind: IncidentKind): string {
  const byKind: Partial<Record<IncidentKind, readonly string[]>> = {
    theft: ['嫌疑人已被抓获，带回派出所调查', '已调取监控，立案侦查', '失物已找回'],
    fight: ['双方已被带回派出所调解', '伤者已送医，涉事人员已控制'],
    urban: ['已协调城管处置完毕', '已清理完毕，恢复通行'],
    traffic: ['事故已处理，道路恢复通行', '已拖离违停车辆'],
    fire: ['明火已扑灭，无人员伤亡'],
    mental: ['已联系家属并送医'],
    drugs: ['已移交禁毒部门跟进'],
    terror: ['经排查系虚惊一场，已解除警戒', '涉事人员已被控制'],
    sos: ['求助人已安全，警情解除'],
  };
  const options = byKind[kind] ?? ['已妥善处置', '经核实已解决'];
  return `【结果】${rng.pick(options)}。`;
}

const DISTRICT_SHORT = (name: string): string => name.replace(/(区|县|市)$/, '');
export { DISTRICT_SHORT as districtShort };

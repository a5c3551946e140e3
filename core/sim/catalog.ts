// The demo's vocabulary: alarm kinds and how often they happen, plausible Chinese titles and details,
// reporters, clue media. Pure; every choice goes through the caller's seeded Rng.
import type { IncidentKind, Priority } from '../domain.js';
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

/** Title templates per kind; `{p}` is the place. */
const TITLES: Readonly<Record<IncidentKind, readonly string[]>> = {
  theft: ['{p}服装店手机被盗', '{p}电动车被盗', '{p}有人钱包被扒', '{p}车窗被砸车内财物被盗', '{p}快递柜包裹被盗', '{p}店铺收银台现金被盗', '{p}商场内背包被拎走'],
  urban: ['{p}占道经营', '{p}井盖缺失', '{p}建筑垃圾乱堆放', '{p}共享单车堵塞人行道', '{p}夜间施工噪音扰民', '{p}违规张贴小广告', '{p}路灯损坏', '{p}流动摊贩聚集'],
  traffic: ['{p}两车追尾', '{p}电动车与行人相撞', '{p}车辆违停堵塞消防通道', '{p}路口信号灯故障', '{p}交通拥堵', '{p}货车侧翻散落货物'],
  fight: ['{p}有人打架', '{p}烧烤摊酒后斗殴', '{p}两名男子发生口角并动手', '{p}多人聚众斗殴', '{p}顾客与店员发生肢体冲突'],
  other: ['{p}老人走失', '{p}儿童与家长走散', '{p}有人晕倒', '{p}电梯困人', '{p}醉酒男子躺在路边'],
  mental: ['{p}一男子情绪激动疑似精神异常', '{p}有人站在桥栏杆外', '{p}一女子在路中间徘徊'],
  fire: ['{p}居民楼冒烟', '{p}电动车充电起火', '{p}垃圾桶起火', '{p}餐馆厨房起火'],
  sos: ['{p}群众一键求助', '{p}有人呼救', '{p}一女子称被人跟踪求助'],
  drugs: ['{p}疑似吸毒人员聚集', '{p}出租屋内疑似有人吸毒'],
  terror: ['{p}发现可疑包裹', '{p}有人持刀挥舞', '{p}可疑人员携带管制刀具'],
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

export function composeTitle(rng: Rng, kind: IncidentKind, place: string): string {
  return fill(rng.pick(TITLES[kind]), place);
}

export function analyticsTitle(rng: Rng, kind: IncidentKind, cameraName: string): string | undefined {
  const events = ANALYTICS_EVENTS[kind];
  return events ? `${cameraName}检测到${rng.pick(events)}` : undefined;
}

export function composeDetail(rng: Rng, kind: IncidentKind, place: string, source: AlarmSource): string {
  const lead = source === '110' ? '110接警：' : source === 'clue' ? '群众随手拍线索：' : source === 'grid' ? '网格员巡查上报：' : '视频智能分析告警：';
  const minutes = rng.int(2, 20);
  switch (kind) {
    case 'theft':
      return `${lead}${minutes}分钟前在${place}发生盗窃，损失约${rng.int(3, 80) * 100}元。嫌疑人${personDescription(rng)}，已往${rng.pick(DIRECTIONS)}方向离开。`;
    case 'fight':
      return `${lead}${place}约${rng.int(2, 6)}人发生冲突，${rng.pick(['有人头部流血', '暂无人员受伤', '一人手臂受伤', '现场有人持酒瓶'])}。其中一人${personDescription(rng, '男')}。`;
    case 'urban':
      return `${lead}${place}${rng.pick(['影响行人通行', '群众多次投诉', '存在安全隐患', '影响市容'])}，请城管及社区协同处置。`;
    case 'traffic':
      return `${lead}${place}${rng.pick(['造成一条车道拥堵', '一人轻微受伤', '无人员受伤，双方有争执', '车流缓慢'])}，请交警到场。`;
    case 'mental':
      return `${lead}${place}一人${personDescription(rng)}，言行异常，情绪激动，需民警及医护人员到场。`;
    case 'fire':
      return `${lead}${place}${rng.pick(['三楼窗口冒出黑烟', '楼道内电动车起火', '有明火，已有群众用灭火器扑救'])}，已同步通知119。`;
    case 'sos':
      return `${lead}${place}有人求助，称${rng.pick(['被陌生人跟随', '与家人失散', '遭人言语威胁'])}，请就近力量前往。`;
    case 'drugs':
      return `${lead}${place}近期夜间常有可疑人员出入，${rng.pick(['有异味', '疑有锡纸、吸管等物品', '人员进出频繁'])}，请核查。`;
    case 'terror':
      return `${lead}${place}${rng.pick(['发现一无人看管的黑色行李箱', '一男子手持刀具在人群中挥舞', '有人携带疑似管制刀具'])}，请立即处置并疏散群众。`;
    default:
      return `${lead}${place}${rng.pick(['一名七旬老人与家属走失，穿灰色外套', '一名约6岁男童与家长走散', '有人倒地不起', '电梯困住2人', '一男子醉卧路边'])}，请就近力量协助。`;
  }
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

// Hand-written inputs for the generated Fuzhou demo geography (see fuzhou-build.ts). Pure data.
//
// Street lists use real street/town names of Fuzhou; the seed points are rough guesses of where
// each one lies (used only to group generated communities into streets by nearest seed), so the
// generated street shapes are plausible, not official boundaries. Coordinates are in the datum of
// the echarts district data (undocumented, most likely GCJ-02).

export const CITY = { code: '350100', name: '福州市' } as const;

/** Admin codes by current district name. The echarts data still says 长乐市 (code 350182). */
export const DISTRICT_CODES: Record<string, string> = {
  鼓楼区: '350102',
  台江区: '350103',
  仓山区: '350104',
  马尾区: '350105',
  晋安区: '350111',
  长乐区: '350112',
  闽侯县: '350121',
  连江县: '350122',
  罗源县: '350123',
  闽清县: '350124',
  永泰县: '350125',
  平潭县: '350128',
  福清市: '350181',
};

/** Renames applied to the echarts data (old name → current name). 长乐撤市设区, 2017. */
export const DISTRICT_RENAMES: Record<string, string> = { 长乐市: '长乐区' };

export interface StreetSeed {
  name: string;
  /** rough [lon, lat] of the street's centre */
  at: [number, number];
}

export interface UrbanDistrict {
  code: string;
  /** the urban part that gets streets/communities/grids: this disc ∩ the district polygon */
  urban: { center: [number, number]; radiusKm: number };
  streets: StreetSeed[];
}

export const URBAN_DISTRICTS: UrbanDistrict[] = [
  {
    code: '350102', // 鼓楼区
    urban: { center: [119.3, 26.09], radiusKm: 20 },
    streets: [
      { name: '鼓东街道', at: [119.309, 26.088] },
      { name: '鼓西街道', at: [119.287, 26.085] },
      { name: '温泉街道', at: [119.313, 26.099] },
      { name: '东街街道', at: [119.3, 26.091] },
      { name: '南街街道', at: [119.296, 26.08] },
      { name: '安泰街道', at: [119.304, 26.077] },
      { name: '华大街道', at: [119.281, 26.099] },
      { name: '水部街道', at: [119.319, 26.085] },
      { name: '五凤街道', at: [119.291, 26.111] },
      { name: '洪山镇', at: [119.262, 26.083] },
    ],
  },
  {
    code: '350103', // 台江区
    urban: { center: [119.31, 26.06], radiusKm: 20 },
    streets: [
      { name: '瀛洲街道', at: [119.322, 26.062] },
      { name: '后洲街道', at: [119.31, 26.054] },
      { name: '义洲街道', at: [119.296, 26.06] },
      { name: '新港街道', at: [119.318, 26.073] },
      { name: '上海街道', at: [119.305, 26.064] },
      { name: '苍霞街道', at: [119.3, 26.052] },
      { name: '茶亭街道', at: [119.303, 26.072] },
      { name: '洋中街道', at: [119.293, 26.07] },
      { name: '鳌峰街道', at: [119.34, 26.06] },
      { name: '宁化街道', at: [119.283, 26.063] },
    ],
  },
  {
    code: '350104', // 仓山区
    urban: { center: [119.295, 26.035], radiusKm: 7.5 },
    streets: [
      { name: '仓前街道', at: [119.311, 26.046] },
      { name: '东升街道', at: [119.302, 26.038] },
      { name: '对湖街道', at: [119.3, 26.046] },
      { name: '临江街道', at: [119.293, 26.052] },
      { name: '三叉街街道', at: [119.322, 26.037] },
      { name: '上渡街道', at: [119.285, 26.045] },
      { name: '下渡街道', at: [119.322, 26.047] },
      { name: '金山街道', at: [119.27, 26.048] },
      { name: '建新镇', at: [119.255, 26.065] },
      { name: '盖山镇', at: [119.322, 26.01] },
      { name: '城门镇', at: [119.355, 25.99] },
      { name: '仓山镇', at: [119.33, 26.03] },
      { name: '螺洲镇', at: [119.355, 26.02] },
    ],
  },
  {
    code: '350111', // 晋安区
    urban: { center: [119.33, 26.095], radiusKm: 5 },
    streets: [
      { name: '茶园街道', at: [119.332, 26.088] },
      { name: '王庄街道', at: [119.322, 26.079] },
      { name: '象园街道', at: [119.326, 26.068] },
      { name: '岳峰镇', at: [119.345, 26.098] },
      { name: '新店镇', at: [119.3, 26.135] },
      { name: '鼓山镇', at: [119.375, 26.07] },
    ],
  },
  {
    code: '350105', // 马尾区
    urban: { center: [119.447, 26.005], radiusKm: 4 },
    streets: [
      { name: '罗星街道', at: [119.44, 25.998] },
      { name: '马尾镇', at: [119.46, 26.02] },
      { name: '亭江镇', at: [119.48, 26.04] },
    ],
  },
  {
    code: '350112', // 长乐区
    urban: { center: [119.52, 25.965], radiusKm: 4 },
    streets: [
      { name: '吴航街道', at: [119.525, 25.962] },
      { name: '航城街道', at: [119.5, 25.95] },
      { name: '首占镇', at: [119.545, 25.99] },
      { name: '古槐镇', at: [119.56, 25.93] },
      { name: '湖南镇', at: [119.47, 25.99] },
    ],
  },
];

/**
 * Real-sounding community name stems (without 社区) per district code, mostly local place names;
 * used first (shuffled), then generated stems when a district needs more.
 */
export const COMMUNITY_STEMS: Record<string, string[]> = {
  '350102': [
    '三坊', '双抛桥', '澳门路', '虎节', '三牧坊', '光禄坊', '道山', '冶山', '丽文', '屏山', '湖东', '树兜', '华林', '井大',
    '文林', '杨桥', '西湖', '凤湖', '东浦', '铜盘', '梅峰', '北江', '乌山', '塔巷', '洗马桥', '南营', '官贤', '金汤',
    '三角井', '西洪', '河东', '汤边', '龙峰', '洪山',
  ],
  '350103': [
    '茶亭', '达江', '星光', '汇达', '后洲', '洋中', '白马', '苍霞', '义洲', '帮洲', '鳌峰', '排下', '瀛洲', '鳌江',
    '新港', '国货', '龙岭', '桂香', '清凉', '上海', '宁化', '双湖', '百花', '六一',
  ],
  '350104': [
    '上渡', '下渡', '对湖', '临江', '仓前', '观井', '麦园', '梅坞', '程埔', '烟台山', '师大', '金榕', '浦上', '金港',
    '湾边', '建新', '淮安', '橘园', '阳岐', '盖山', '齐安', '高湖', '盘屿', '城门', '胪雷', '螺洲', '吴山', '三叉街',
    '东升', '白湖', '霞镜', '积翠',
  ],
  '350111': [
    '象园', '茶园', '王庄', '鹤林', '福光', '五里亭', '秀峰', '战坂', '鼓岭', '岳峰', '鼓山', '新店', '福新', '前横',
    '东门', '竹屿', '浦东', '远洋', '赤桥', '溪源',
  ],
  '350105': ['罗星', '君竹', '儒江', '魁岐', '快安', '马限', '沿山', '江滨', '亭江', '闽安', '长安', '朏头'],
  '350112': ['吴航', '航城', '首占', '营前', '鹤上', '古槐', '东关', '西关', '南关', '北山', '郑和', '太平', '洞江', '湖南', '文武砂'],
};

/** Characters combined into further stems when the list above runs out. */
export const STEM_FIRST = ['金', '福', '凤', '龙', '华', '鳌', '榕', '梅', '樟', '竹', '桂', '兰', '锦', '秀', '瑞', '祥', '安', '乐', '和', '永', '兴', '光', '明', '新', '江', '湖', '青', '碧', '清', '丰', '嘉', '康', '泰', '宁', '荣', '盛', '怡', '悦'];
export const STEM_SECOND = ['山', '湖', '江', '洲', '桥', '坊', '园', '苑', '峰', '浦', '岭', '亭', '港', '溪', '塘', '城', '里', '庭', '湾', '岸', '林', '泉', '霞', '阳', '光', '兴', '安', '华'];

export interface NamedPoint {
  key: string;
  name: string;
  lat: number;
  lon: number;
  /** what it is, in the places registry's words (mall, station…) */
  kind: string;
  /** what people call it besides its name: the wall's search finds these too */
  aliases: string[];
}

/**
 * Named places (rough positions): the demo's places registry (the wall's search finds them) and
 * the spots scripted stories and named alarms use, by key.
 */
export const PLACES: NamedPoint[] = [
  { key: 'wanda', name: '仓山万达广场', lat: 26.0425, lon: 119.2826, kind: 'mall', aliases: ['万达', '万达广场', '仓山万达', 'Wanda Plaza'] },
  { key: 'wuyiSquare', name: '五一广场', lat: 26.077, lon: 119.3046, kind: 'square', aliases: ['五一', 'Wuyi Square'] },
  { key: 'dongjiekou', name: '东街口', lat: 26.087, lon: 119.299, kind: 'commercial', aliases: ['东街', 'Dongjiekou'] },
  { key: 'sanfangqixiang', name: '三坊七巷', lat: 26.085, lon: 119.2945, kind: 'scenic', aliases: ['南后街', 'Sanfang Qixiang'] },
  { key: 'westLake', name: '西湖公园', lat: 26.0945, lon: 119.2895, kind: 'park', aliases: ['西湖', 'West Lake Park'] },
  { key: 'fuzhouStation', name: '福州火车站', lat: 26.1135, lon: 119.3215, kind: 'station', aliases: ['福州站', '火车站', 'Fuzhou Railway Station'] },
  { key: 'fuzhouSouthStation', name: '福州南站', lat: 25.987, lon: 119.389, kind: 'station', aliases: ['南站', 'Fuzhou South Railway Station'] },
  { key: 'yantaiHill', name: '烟台山', lat: 26.045, lon: 119.312, kind: 'scenic', aliases: ['烟台山公园', 'Yantai Hill'] },
];

export interface PlazaCamera {
  name: string;
  lat: number;
  lon: number;
  bearing: number;
  fov: number;
}

/** Fixed cameras at plazas and crossings (the first three are the Wanda cluster used by the demo). */
export const PLAZA_CAMERAS: PlazaCamera[] = [
  { name: '万达广场北门', lat: 26.044, lon: 119.2826, bearing: 180, fov: 70 },
  { name: '万达广场中庭', lat: 26.0425, lon: 119.2826, bearing: 90, fov: 100 },
  { name: '浦上大道路口', lat: 26.0412, lon: 119.2848, bearing: 300, fov: 80 },
  { name: '五一广场北侧', lat: 26.0785, lon: 119.3046, bearing: 180, fov: 90 },
  { name: '东街口天桥', lat: 26.0872, lon: 119.2992, bearing: 225, fov: 75 },
  { name: '南后街北口', lat: 26.0868, lon: 119.2945, bearing: 180, fov: 60 },
  { name: '西湖公园正门', lat: 26.0935, lon: 119.2905, bearing: 315, fov: 70 },
  { name: '福州站北广场', lat: 26.1145, lon: 119.3215, bearing: 0, fov: 90 },
  { name: '福州南站东广场', lat: 25.987, lon: 119.3905, bearing: 90, fov: 90 },
  { name: '茶亭公园东门', lat: 26.0705, lon: 119.3025, bearing: 270, fov: 70 },
  { name: '中亭街步行街', lat: 26.056, lon: 119.306, bearing: 0, fov: 65 },
  { name: '解放大桥北桥头', lat: 26.051, lon: 119.3065, bearing: 180, fov: 60 },
  { name: '烟台山公园入口', lat: 26.0455, lon: 119.3125, bearing: 45, fov: 70 },
  { name: '五四路省府路口', lat: 26.093, lon: 119.306, bearing: 135, fov: 80 },
  { name: '屏山公园南门', lat: 26.0955, lon: 119.3, bearing: 0, fov: 70 },
  { name: '宝龙城市广场', lat: 26.065, lon: 119.296, bearing: 270, fov: 90 },
  { name: '福新路口', lat: 26.085, lon: 119.333, bearing: 90, fov: 80 },
  { name: '罗星塔公园', lat: 25.996, lon: 119.442, bearing: 45, fov: 75 },
  { name: '马尾万达广场', lat: 26.0, lon: 119.455, bearing: 180, fov: 90 },
  { name: '长乐吴航路口', lat: 25.963, lon: 119.527, bearing: 0, fov: 80 },
];

export const SCHOOL_KINDS = ['小学', '小学', '中学', '幼儿园'] as const;
export const GATES = ['南门', '北门', '东门', '西门', '正门'] as const;

/** How many kiosks each urban district gets (40 in all). */
export const KIOSKS_PER_DISTRICT: Record<string, number> = {
  '350102': 8,
  '350103': 6,
  '350104': 11,
  '350111': 6,
  '350105': 4,
  '350112': 5,
};

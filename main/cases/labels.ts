// The words of a case report (report.html), in the wall's two languages. The names of kinds,
// states, timeline lines and answers are the renderer's own (renderer/src/i18n/zh-CN.ts, en.ts):
// main/ may not import the renderer, so the few a report needs are repeated here. Keep them in step.
import type { DispatchAnswer, IncidentKind, IncidentState, Role, TimelineKind } from '../../core/domain.js';

export type CaseLocale = 'zh-CN' | 'en';

export interface CaseLabels {
  lang: string;
  title: string;
  caseId: string;
  createdAt: string;
  createdBy: string;
  period: string;
  timeZone: string;
  wall: string;
  summary: string;
  incidents: string;
  incidentTitle: string;
  incidentId: string;
  kind: string;
  priority: string;
  state: string;
  place: string;
  grid: string;
  position: string;
  datum: string;
  source: string;
  reporter: string;
  detail: string;
  times: string;
  step: string;
  time: string;
  sinceReport: string;
  reported: string;
  acknowledged: string;
  dispatched: string;
  onScene: string;
  resolved: string;
  notYet: string;
  timeline: string;
  event: string;
  by: string;
  note: string;
  incident: string;
  responders: string;
  unit: string;
  asked: string;
  accepted: string;
  enroute: string;
  arrived: string;
  done: string;
  declined: string;
  lastAnswer: string;
  distance: string;
  metres: (m: number) => string;
  noResponders: string;
  photos: string;
  noPhotos: string;
  externalMedia: string;
  mediaMissing: string;
  mediaNotInlined: string;
  map: string;
  mapNote: string;
  mapLegendIncident: string;
  mapLegendStart: string;
  mapLegendEnd: string;
  /** a trail's last point in a key moment's picture */
  mapLegendThen: string;
  moments: string;
  momentsNote: string;
  momentsNoteWall: string;
  renderedByWall: string;
  drawnAsSketch: string;
  noPositions: string;
  audit: string;
  auditNone: string;
  auditMore: (shown: number, all: number) => string;
  auditColumns: { seq: string; at: string; kind: string; actor: string; what: string; reason: string };
  files: string;
  filesNote: string;
  notes: string;
  kinds: Record<IncidentKind, string>;
  priorities: Record<string, string>;
  states: Record<IncidentState, string>;
  tl: Record<TimelineKind, string>;
  changed: Record<string, string>;
  answers: Record<'asked' | DispatchAnswer, string>;
  roles: Record<Role, string>;
  duration: (ms: number) => string;
}

const zhDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h ? `${h}小时` : ''}${h || m ? `${m}分` : ''}${r}秒`;
};

const enDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h} h` : '', h || m ? `${m} min` : '', `${r} s`].filter(Boolean).join(' ');
};

const ZH: CaseLabels = {
  lang: 'zh-CN',
  title: '案件报告',
  caseId: '案件编号',
  createdAt: '导出时间',
  createdBy: '导出人',
  period: '时段',
  timeZone: '时区',
  wall: '导出系统',
  summary: '警情概要',
  incidents: '时段内警情',
  incidentTitle: '标题',
  incidentId: '警情编号',
  kind: '类别',
  priority: '等级',
  state: '状态',
  place: '地点',
  grid: '网格编号',
  position: '坐标',
  datum: '坐标系',
  source: '来源',
  reporter: '报警人',
  detail: '详情',
  times: '处置时间',
  step: '环节',
  time: '时间',
  sinceReport: '距接报',
  reported: '接报',
  acknowledged: '签收',
  dispatched: '派警',
  onScene: '到场',
  resolved: '办结',
  notYet: '—',
  timeline: '处置经过',
  event: '事项',
  by: '操作人',
  note: '备注',
  incident: '警情',
  responders: '响应力量',
  unit: '力量',
  asked: '通知',
  accepted: '接受',
  enroute: '在途',
  arrived: '到场',
  done: '完成',
  declined: '拒绝',
  lastAnswer: '最后应答',
  distance: '通知时距离',
  metres: (m) => `${Math.round(m)} 米`,
  noResponders: '未调派力量',
  photos: '线索图片',
  noPhotos: '无图片',
  externalMedia: '外部链接（未下载）',
  mediaMissing: '文件不存在',
  mediaNotInlined: '未嵌入',
  map: '位置示意图',
  mapNote: '示意图由坐标绘制（警情位置与响应力量轨迹），不含底图。',
  mapLegendIncident: '警情位置',
  mapLegendStart: '轨迹起点',
  mapLegendEnd: '轨迹终点',
  mapLegendThen: '当时位置',
  moments: '关键时刻',
  momentsNote: '接报、派警、到场、办结时响应力量的位置与此前轨迹，与上图同一范围；同样由坐标绘制，不是大屏地图（经接口导出的案卷没有大屏页面来绘制地图）。',
  momentsNoteWall: '接报、派警、到场、办结时的大屏地图：由导出案卷的大屏按录像中当时的态势绘制，与回放所见相同（网格、单位及其轨迹、警情）；点击图片打开案卷中的原图。',
  renderedByWall: '大屏绘制',
  drawnAsSketch: '坐标示意图',
  noPositions: '无位置数据',
  audit: '审计记录',
  auditNone: '时段内无相关审计记录',
  auditMore: (shown, all) => `仅列出前 ${shown} 条，共 ${all} 条；全部见 audit.jsonl`,
  auditColumns: { seq: '序号', at: '时间', kind: '类型', actor: '操作人', what: '事项', reason: '原因' },
  files: '文件清单',
  filesNote: '各文件的 SHA-256 见 manifest.json；用 npm run case:verify -- <目录或 zip> 校验。本报告自身的校验值只在 manifest.json 中。',
  notes: '说明',
  kinds: { theft: '盗窃', fight: '打架斗殴', drugs: '涉毒', mental: '精神异常', terror: '涉恐', urban: '城市管理', sos: '一键报警', fire: '火情', traffic: '交通', other: '其他' },
  priorities: { '1': '一级', '2': '二级', '3': '三级', '4': '四级' },
  states: { new: '待签收', acknowledged: '已签收', dispatched: '已派警', on_scene: '已到场', resolved: '已办结', false_alarm: '误报', merged: '已合并' },
  tl: {
    reported: '接报',
    updated: '更新',
    acknowledged: '签收',
    escalated: '超时未签收，已升级提醒',
    dispatched: '派警',
    on_scene: '到场',
    resolved: '办结',
    false_alarm: '认定误报',
    merged: '并入警情',
    absorbed: '合并警情',
    reply: '力量应答',
    note: '备注',
    closed: '报警源已结束',
    reopened: '重新打开',
    clue_verified: '线索已核实',
    clue_rejected: '线索不采纳',
  },
  changed: { priority: '等级', kind: '类别', title: '标题', detail: '详情', position: '位置', media: '图片', reporter: '报警人' },
  answers: { asked: '已通知', accept: '已接受', decline: '已拒绝', enroute: '在途', arrived: '已到场', done: '已完成' },
  roles: { commander: '指挥长', dispatcher: '调度员', viewer: '观察员' },
  duration: zhDuration,
};

const EN: CaseLabels = {
  lang: 'en',
  title: 'Case report',
  caseId: 'Case',
  createdAt: 'Exported',
  createdBy: 'Exported by',
  period: 'Period',
  timeZone: 'Time zone',
  wall: 'Exported from',
  summary: 'Incident',
  incidents: 'Incidents in the period',
  incidentTitle: 'Title',
  incidentId: 'Incident id',
  kind: 'Kind',
  priority: 'Priority',
  state: 'State',
  place: 'Place',
  grid: 'Grid id',
  position: 'Position',
  datum: 'Datum',
  source: 'Source',
  reporter: 'Reporter',
  detail: 'Detail',
  times: 'Times',
  step: 'Step',
  time: 'Time',
  sinceReport: 'Since reported',
  reported: 'Reported',
  acknowledged: 'Acknowledged',
  dispatched: 'Dispatched',
  onScene: 'On scene',
  resolved: 'Resolved',
  notYet: '—',
  timeline: 'Timeline',
  event: 'Event',
  by: 'By',
  note: 'Note',
  incident: 'Incident',
  responders: 'Responders',
  unit: 'Unit',
  asked: 'Asked',
  accepted: 'Accepted',
  enroute: 'On the way',
  arrived: 'Arrived',
  done: 'Done',
  declined: 'Declined',
  lastAnswer: 'Last answer',
  distance: 'Distance when asked',
  metres: (m) => `${Math.round(m)} m`,
  noResponders: 'No unit was asked',
  photos: 'Clue photos',
  noPhotos: 'No photos',
  externalMedia: 'External links (not downloaded)',
  mediaMissing: 'file not found',
  mediaNotInlined: 'not embedded',
  map: 'Sketch map',
  mapNote: 'Drawn from coordinates (the incident and the responders’ trails), without a base map.',
  mapLegendIncident: 'incident',
  mapLegendStart: 'trail start',
  mapLegendEnd: 'trail end',
  mapLegendThen: 'position then',
  moments: 'Key moments',
  momentsNote: 'Where the responders were, and their trails so far, when the incident was reported, dispatched, reached and closed; same extent as the map above. Also drawn from coordinates, not the wall’s map (a case exported through the API has no wall page to render it).',
  momentsNoteWall: 'The wall’s map when the incident was reported, dispatched, reached and closed: rendered by the wall that exported the case from the situation recorded at that moment, as its replay shows it (grids, units and their trails, incidents). Click a picture to open the full-size file in the case.',
  renderedByWall: 'rendered by the wall',
  drawnAsSketch: 'sketch from coordinates',
  noPositions: 'No positions',
  audit: 'Audit entries',
  auditNone: 'No related audit entries in the period',
  auditMore: (shown, all) => `The first ${shown} of ${all}; all of them are in audit.jsonl`,
  auditColumns: { seq: 'Seq', at: 'Time', kind: 'Kind', actor: 'Actor', what: 'What', reason: 'Reason' },
  files: 'Files',
  filesNote: 'Every file’s SHA-256 is in manifest.json; check them with npm run case:verify -- <folder or zip>. This report’s own hash is only in manifest.json.',
  notes: 'Notes',
  kinds: { theft: 'Theft', fight: 'Fight', drugs: 'Drugs', mental: 'Mental health', terror: 'Terrorism', urban: 'Urban management', sos: 'SOS call', fire: 'Fire', traffic: 'Traffic', other: 'Other' },
  priorities: { '1': 'Priority 1', '2': 'Priority 2', '3': 'Priority 3', '4': 'Priority 4' },
  states: { new: 'New', acknowledged: 'Acknowledged', dispatched: 'Dispatched', on_scene: 'On scene', resolved: 'Resolved', false_alarm: 'False alarm', merged: 'Merged' },
  tl: {
    reported: 'Reported',
    updated: 'Updated',
    acknowledged: 'Acknowledged',
    escalated: 'Not acknowledged in time: escalated',
    dispatched: 'Dispatched',
    on_scene: 'On scene',
    resolved: 'Resolved',
    false_alarm: 'False alarm',
    merged: 'Merged into',
    absorbed: 'Took in',
    reply: 'Unit answered',
    note: 'Note',
    closed: 'Ended by its source',
    reopened: 'Reopened',
    clue_verified: 'Clue verified',
    clue_rejected: 'Clue rejected',
  },
  changed: { priority: 'priority', kind: 'type', title: 'title', detail: 'detail', position: 'position', media: 'photos', reporter: 'reporter' },
  answers: { asked: 'Notified', accept: 'Accepted', decline: 'Declined', enroute: 'On the way', arrived: 'Arrived', done: 'Done' },
  roles: { commander: 'Commander', dispatcher: 'Dispatcher', viewer: 'Viewer' },
  duration: enDuration,
};

export const caseLabels = (locale: string): CaseLabels => (locale === 'en' ? EN : ZH);

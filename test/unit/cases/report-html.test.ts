// report.html: every text from the situation is escaped (an alarm's title, an operator's note, a
// unit's name, a photo's URL), the page loads nothing from anywhere (a policy that allows only
// inline styles and data: images; no script, no external src), photos are inlined or listed as
// links (http(s) only), the summary's times and durations, the sketch map, Chinese by default.
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../core/audit/chain.js';
import type { Incident } from '../../../core/domain.js';
import { escapeHtml, safeHref } from '../../../main/cases/escape.js';
import { caseLabels } from '../../../main/cases/labels.js';
import { localClock } from '../../../main/cases/local-time.js';
import { mapSketchSvg } from '../../../main/cases/map-sketch.js';
import { keyMoments } from '../../../main/cases/key-moments.js';
import { keyTimes, REPORT_CSP, reportHtml, type ReportData } from '../../../main/cases/report-html.js';

const T = Date.UTC(2026, 11, 5, 8, 30, 0);
const EVIL = `<img src=x onerror="alert(1)">'&"`;

function incident(o: Partial<Incident> = {}): Incident {
  return {
    id: 'a1',
    ts: T,
    kind: 'theft',
    priority: 1,
    lat: 26.0425,
    lon: 119.2826,
    title: `盗窃 ${EVIL}`,
    detail: `详情 ${EVIL}`,
    reporter: `报警人 ${EVIL}`,
    cameraIds: [],
    media: [],
    status: 'closed',
    source: '110',
    startedAt: T,
    firstSeen: T,
    lastSeen: T,
    closedAt: T + 600_000,
    updates: 1,
    state: 'resolved',
    acknowledged: true,
    acknowledgedAt: T + 30_000,
    acknowledgedBy: '张伟',
    timeline: [
      { at: T, kind: 'reported', priority: 1 },
      { at: T + 30_000, kind: 'acknowledged', by: '张伟', role: 'dispatcher', note: `已接警 ${EVIL}` },
      { at: T + 60_000, kind: 'dispatched', by: '张伟', role: 'dispatcher', asked: 1 },
      { at: T + 90_000, kind: 'reply', unit: `老陈 ${EVIL}`, answer: 'accept' },
      { at: T + 300_000, kind: 'reply', unit: `老陈 ${EVIL}`, answer: 'arrived' },
      { at: T + 300_000, kind: 'on_scene', by: `老陈 ${EVIL}` },
      { at: T + 600_000, kind: 'resolved', by: '张伟', role: 'dispatcher' },
    ],
    responders: [{ unitId: 'u1', name: `老陈 ${EVIL}`, dispatchId: 'd1', answer: 'arrived', askedAt: T + 60_000, at: T + 300_000, distanceM: 412.4 }],
    grid: { id: 'G-1', ids: ['city', 'G-1'], names: ['福州市', `仓山区 ${EVIL}`] },
    ...o,
  };
}

function data(o: Partial<ReportData> = {}): ReportData {
  return {
    labels: caseLabels('zh-CN'),
    localTime: localClock('Asia/Shanghai').format,
    timeZone: 'Asia/Shanghai',
    mapDatum: 'GCJ02',
    caseId: 'case-a1-20261205T084000Z',
    createdAt: T + 700_000,
    createdBy: { name: `王芳 ${EVIL}`, role: 'viewer' },
    period: { from: T - 120_000, to: T + 720_000 },
    incidentId: 'a1',
    incidents: [incident()],
    unitNames: new Map([['u1', `老陈 ${EVIL}`]]),
    trails: [{ id: 'u1', label: `老陈 ${EVIL}`, points: [[119.284, 26.044, T], [119.283, 26.043, T + 100_000], [119.2827, 26.0426, T + 300_000]] }],
    media: new Map([
      [
        'a1',
        [
          { url: '/media/demo/clue-1.jpg', type: 'image/jpeg', dataUrl: 'data:image/jpeg;base64,/9j/AAE=' },
          { url: `https://media.example.org/x.jpg?a=1&b="2"`, type: 'image/jpeg' },
          { url: 'javascript:alert(1)', type: 'image/jpeg' },
          { url: '/media/demo/gone.jpg', type: 'image/jpeg', problem: 'not embedded: file not found' },
        ],
      ],
    ]),
    audit: [{ seq: 7, at: T + 30_000, kind: 'action', actor: '张伟', role: 'dispatcher', incidentId: 'a1', what: 'ack', reason: EVIL, prev: '0'.repeat(64) } as AuditRecord],
    auditTotal: 1,
    files: [{ name: 'recording.mcap', bytes: 1234, sha256: 'ab'.repeat(32) }],
    notes: [`说明 ${EVIL}`],
    wall: 'Watchfloor 0.1.0',
    ...o,
  };
}

describe('escapeHtml and safeHref', () => {
  it('turns every character that could end a text or an attribute into an entity', () => {
    expect(escapeHtml(EVIL)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;&quot;');
    expect(escapeHtml('a\u0000b\u001bc\td\ne')).toBe('abc\td\ne');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('makes links of http(s) URLs only', () => {
    expect(safeHref('https://a.example/x?y=1')).toBe('https://a.example/x?y=1');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>', 'file:///etc/passwd', '/media/x.jpg', 'vbscript:x']) expect(safeHref(bad), bad).toBeNull();
  });
});

describe('reportHtml', () => {
  const html = reportHtml(data());

  it('never lets a text from the situation become markup', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('onerror="');
    expect(html).not.toMatch(/<(script|iframe|object|embed|link|base|form)\b/i);
    // each place the hostile text was put shows it escaped
    const shown = escapeHtml(EVIL);
    for (const where of ['盗窃 ', '详情 ', '报警人 ', '已接警 ', '老陈 ', '仓山区 ', '王芳 ', '说明 ']) expect(html, where).toContain(`${where}${shown}`);
  });

  it('loads nothing: a policy that allows only inline styles and data: images, and every src a data: URL', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(REPORT_CSP).toMatch(/^default-src 'none'; img-src data:; style-src 'unsafe-inline'/);
    const srcs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(srcs).toEqual(['data:image/jpeg;base64,/9j/AAE=', 'https://media.example.org/x.jpg?a=1&amp;b=%222%22']);
    expect(html).toContain('<code>javascript:alert(1)</code>');
    expect(html).toContain('not embedded: file not found');
  });

  it('sums the incident up in Chinese: kind, priority, state, place, the key times and how long each took', () => {
    expect(html).toContain('<html lang="zh-CN">');
    for (const w of ['案件报告', '警情概要', '盗窃', '一级', '已办结', '福州市 / 仓山区', 'G-1', '26.042500, 119.282600', 'GCJ02', '处置时间', '响应力量', '线索图片', '位置示意图', '审计记录', '文件清单', '坐标示意图', '经接口导出的案卷没有大屏页面']) expect(html, w).toContain(w);
    expect(html).toMatch(/签收<\/td><td><span class="t">2026-12-05 16:30:30<\/span><\/td><td>30秒/);
    expect(html).toMatch(/派警<\/td><td><span class="t">2026-12-05 16:31:00<\/span><\/td><td>1分0秒/);
    expect(html).toMatch(/到场<\/td><td><span class="t">2026-12-05 16:35:00<\/span><\/td><td>5分0秒/);
    expect(html).toMatch(/已办结<\/td><td><span class="t">2026-12-05 16:40:00<\/span><\/td><td>10分0秒/);
    expect(keyTimes(incident())).toEqual({ reported: T, acknowledged: T + 30_000, dispatched: T + 60_000, onScene: T + 300_000, closed: T + 600_000 });
    expect(keyTimes(incident({ status: 'open', state: 'new', acknowledgedAt: undefined, timeline: [] }))).toEqual({ reported: T });
  });

  it("lists a responder's asked, accepted and arrived times, matched by its name in the timeline", () => {
    const row = html.slice(html.indexOf('<h2>响应力量</h2>'), html.indexOf('<h2>线索图片</h2>'));
    expect(row).toContain('16:31:00'); // asked
    expect(row).toContain('16:31:30'); // accepted
    expect(row).toContain('16:35:00'); // arrived
    expect(row).toContain('412 米');
  });

  it('speaks English when the wall does', () => {
    const en = reportHtml(data({ labels: caseLabels('en') }));
    expect(en).toContain('<html lang="en">');
    for (const w of ['Case report', 'Theft', 'Priority 1', 'Resolved', 'Responders', 'Sketch map', 'sketch from coordinates', 'has no wall page to render it', '10 min 0 s']) expect(en, w).toContain(w);
  });

  it("shows the wall's own map at the moments it rendered, linked to the file, and the sketch at the others, each saying which", () => {
    const moments = keyMoments([incident()]);
    expect(moments.map((m) => m.kinds)).toEqual([['reported'], ['dispatched'], ['onScene'], ['closed']]);
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const out = reportHtml(data({ moments, pictures: new Map([[0, { name: 'map-01-reported.png', dataUrl: png }], [2, { name: 'map-03-onScene.png', dataUrl: png }]]) }));
    const section = out.slice(out.indexOf('<h2>关键时刻</h2>'), out.indexOf('<h2>审计记录</h2>'));
    const figures = section.split('<figure').slice(1);
    expect(figures.map((f) => (f.startsWith(' class="wall"') ? 'wall' : f.startsWith(' class="sketch"') ? 'sketch' : '?'))).toEqual(['wall', 'sketch', 'wall', 'sketch']);
    expect(figures[0]).toContain(`<a href="map-01-reported.png"><img class="wall-map" src="${png}"`);
    expect(figures[0]).toContain('大屏绘制');
    expect(figures[1]).toMatch(/<svg/);
    expect(figures[1]).toContain('坐标示意图');
    expect(section).toContain('由导出案卷的大屏按录像中当时的态势绘制');
    // a picture's name or data never becomes markup
    const hostile = reportHtml(data({ moments, pictures: new Map([[0, { name: '"><script>x</script>', dataUrl: 'data:image/png;base64,"onerror="x' }]]) }));
    expect(hostile).not.toMatch(/<script>x/);
    expect(hostile).not.toContain('"onerror="');
  });

  it('lists every incident of a period, with their ids in the timeline', () => {
    const two = reportHtml(data({ incidentId: undefined, incidents: [incident(), incident({ id: 'b2', title: '火情', kind: 'fire', status: 'open', state: 'new', closedAt: undefined })] }));
    expect(two).toContain('<h2>时段内警情</h2>');
    expect(two).toContain('<code>b2</code>');
    expect(two).toContain('火情');
  });
});

describe('key moments', () => {
  it('are the report, the first dispatch, the arrival and the close, earliest first', () => {
    expect(keyMoments([incident()])).toEqual([
      { at: T, kinds: ['reported'], incidentId: 'a1' },
      { at: T + 60_000, kinds: ['dispatched'], incidentId: 'a1' },
      { at: T + 300_000, kinds: ['onScene'], incidentId: 'a1' },
      { at: T + 600_000, kinds: ['closed'], incidentId: 'a1' },
    ]);
    // an open incident that nobody was sent to yet has its report only
    expect(keyMoments([incident({ status: 'open', state: 'new', timeline: [{ at: T, kind: 'reported' }], closedAt: undefined })])).toEqual([{ at: T, kinds: ['reported'], incidentId: 'a1' }]);
  });

  it('make one picture of steps seconds apart, and keep the reports first when there are too many', () => {
    const quick = incident({ timeline: [{ at: T, kind: 'reported' }, { at: T + 2000, kind: 'dispatched', asked: 1 }], closedAt: T + 600_000 });
    expect(keyMoments([quick]).map((m) => [m.at - T, m.kinds])).toEqual([[2000, ['reported', 'dispatched']], [600_000, ['closed']]]);
    const many = [0, 1, 2, 3, 4].map((k) => incident({ id: `i${k}`, startedAt: T + k * 1000_000, closedAt: T + k * 1000_000 + 600_000, timeline: [{ at: T + k * 1000_000 + 60_000, kind: 'dispatched' }] }));
    const picked = keyMoments(many, 6);
    expect(picked).toHaveLength(6);
    expect(picked.filter((m) => m.kinds[0] === 'reported')).toHaveLength(5);
    expect(picked.map((m) => m.at)).toEqual([...picked.map((m) => m.at)].sort((a, b) => a - b));
  });

  it('are pictured in the report with what happened and when, the close as the incident ended', () => {
    const html = reportHtml(data());
    const part = html.slice(html.indexOf('<h2>关键时刻</h2>'), html.indexOf('<h2>审计记录</h2>'));
    expect(part.match(/<svg /g)).toHaveLength(4);
    for (const w of ['<b>接报</b> · <span class="t">2026-12-05 16:30:00', '<b>派警</b> · <span class="t">2026-12-05 16:31:00', '<b>到场</b>', '<b>已办结</b>', '当时位置']) expect(part, w).toContain(w);
    expect(reportHtml(data({ incidents: [incident({ state: 'false_alarm' })] }))).toContain('<b>误报</b>');
    // no responder moved: four identical pictures would say nothing
    expect(reportHtml(data({ trails: [] }))).not.toContain('<h2>关键时刻</h2>');
  });
});

describe('mapSketchSvg', () => {
  const labels = { incident: '警情位置', start: '起点', end: '终点', none: '无位置数据' };

  it('draws the incident and each trail inside the picture, names escaped, with a scale bar', () => {
    const svg = mapSketchSvg({ incidents: [{ id: 'a1', label: EVIL, lon: 119.2826, lat: 26.0425 }], trails: [{ id: 'u1', label: `<b>老陈</b>`, points: [[119.284, 26.044, 1], [119.283, 26.043, 2]] }], labels });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;老陈&lt;/b&gt;');
    const nums = [...svg.matchAll(/(?:cx|cy|x|y)="(-?[\d.]+)"/g)].map((m) => Number(m[1]));
    for (const n of nums) expect(n >= 0 && n <= 800).toBe(true);
    expect(svg).toMatch(/<polyline[^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
    expect(svg).toMatch(/<text x="20" y="\d+">(\d+ m|\d+ km)<\/text>/);
  });

  it('at a moment, draws the trails as far as they had come, on the whole period\'s extent', () => {
    const trails = [{ id: 'u1', label: 'u1', points: [[119.284, 26.044, 1], [119.283, 26.043, 2], [119.2827, 26.0426, 3]] as [number, number, number][] }];
    const incidents = [{ id: 'a1', label: 'a1', lon: 119.2826, lat: 26.0425, since: 2 }];
    const whole = mapSketchSvg({ incidents, trails, labels });
    const points = (svg: string) => svg.match(/<polyline[^>]*points="([^"]*)"/)?.[1].split(' ') ?? [];
    // the same extent: the points drawn at a moment are the whole trail's first points, where they were
    expect(points(mapSketchSvg({ incidents, trails, labels, at: 2 }))).toEqual(points(whole).slice(0, 2));
    expect(points(mapSketchSvg({ incidents, trails, labels, at: 3 }))).toEqual(points(whole));
    // before the incident was reported it is not on the picture; one point is no line
    const early = mapSketchSvg({ incidents, trails, labels, at: 1 });
    expect(early).not.toContain('<polyline');
    expect(early).not.toContain('fill="#d62728" fill-opacity');
    expect(mapSketchSvg({ incidents, trails, labels, at: 2 })).toContain('fill="#d62728" fill-opacity');
    // before any point, no trail at all
    expect(early).toContain('#1f77b4'); // the first responder's colour
    expect(mapSketchSvg({ incidents, trails, labels, at: 0 })).not.toContain('#1f77b4');
  });

  it('says so when there is nothing to draw, and skips positions that are not positions', () => {
    expect(mapSketchSvg({ incidents: [], trails: [], labels })).toContain('无位置数据');
    expect(mapSketchSvg({ incidents: [{ id: 'x', label: 'x', lon: Number.NaN, lat: 999 }], trails: [], labels })).toContain('无位置数据');
  });
});

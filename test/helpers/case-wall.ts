// A wall that recorded twelve minutes here (no web shell), for the case export's tests: a unit
// moving, ticks, incident a1 raised at +3, acknowledged, dispatched, answered, resolved at +8 (its
// photos: one under /media/, one that leaves the folder, one outside, one hostile), a2 raised at
// +10:40. Its journal, recording, audit log and data folder are real, in /dev/shm where there is one.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../core/audit/chain.js';
import type { Principal } from '../../core/auth/principal.js';
import { parseConfig } from '../../core/config.js';
import type { SituationInput } from '../../core/inputs.js';
import { createSituation } from '../../core/situation/situation.js';
import { Journal } from '../../main/journal/journal.js';
import { Recording } from '../../main/journal/recording.js';
import { AuditLog } from '../../main/services/audit-log.js';
import type { Host } from '../../main/services/host.js';
import { SituationService } from '../../main/services/situation-service.js';

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 11, 5, 7, 40, 0);
export const END = T0 + 12 * MIN;
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
export const fresh = () => createSituation({ cameras: [], kiosks: [] }, () => undefined, { trailLength: 5 });
export const viewer: Principal = { name: '王芳', role: 'viewer', via: 'session' };
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
export const SECRET = Buffer.from('not for the report: outside the media folder');

const alarm = (at: number, id: string, media: { url: string; type: string }[] = []): SituationInput => ({
  t: 'events',
  at,
  topic: `watchfloor/v1/alarms/110`,
  events: [{ type: 'incident', source: '110', report: { id, ts: at, kind: 'theft', priority: 1, lat: 26.0425, lon: 119.2826, title: `警情 ${id}`, cameraIds: [], media, status: 'open' } }],
});
const fix = (at: number, k: number): SituationInput => ({ t: 'events', at, topic: 'watchfloor/v1/units/u1/location', events: [{ type: 'unitFix', source: 'native', fix: { id: 'u1', kind: 'volunteer', name: '志愿者 老陈', lat: 26.04 + k * 1e-4, lon: 119.28 + k * 1e-4, ts: at } }] });
const act = (at: number, id: string, kind: 'ack' | 'dispatch' | 'resolve', extra: object = {}): SituationInput => ({ t: 'action', at, action: { id, incidentId: 'a1', kind, by: '张伟', role: 'dispatcher', ...extra } });
const reply = (at: number, answer: 'accept' | 'arrived'): SituationInput => ({ t: 'events', at, topic: 'watchfloor/v1/units/u1/reply', events: [{ type: 'unitReply', source: 'native', reply: { unitId: 'u1', dispatchId: 'disp-1', incidentId: 'a1', answer, ts: at } }] });

/** twelve minutes: a unit moving, ticks, a1 raised at +3, acknowledged, dispatched, answered, resolved at +8; a2 raised at +10:40 */
function history(): SituationInput[] {
  const out: SituationInput[] = [];
  for (let s = 0; s <= 12 * 60; s++) {
    const at = T0 + s * 1000;
    if (s % 5 === 0) out.push(fix(at, s));
    out.push({ t: 'tick', at });
    if (s === 180) out.push(alarm(at + 1, 'a1', [{ url: '/media/demo/p%201.jpg', type: 'image/jpeg' }, { url: '/media/%2e%2e/secret.jpg', type: 'image/jpeg' }, { url: 'https://media.example.org/x.jpg', type: 'image/jpeg' }, { url: 'javascript:alert(1)', type: 'image/jpeg' }]));
    if (s === 240) out.push(act(at + 1, 'x-ack', 'ack', { note: '已接警' }));
    if (s === 300) out.push(act(at + 1, 'x-disp', 'dispatch', { order: { id: 'disp-1', mode: 'assign', unitIds: ['u1'] } }));
    if (s === 330) out.push(reply(at + 1, 'accept'));
    if (s === 420) out.push(reply(at + 1, 'arrived'));
    if (s === 480) out.push(act(at + 1, 'x-res', 'resolve', { note: '已处置' }));
    if (s === 640) out.push(alarm(at + 1, 'a2'));
  }
  return out;
}

const made: string[] = [];
/** removes every data folder made so far (call after each test) */
export function removeRecordedWalls(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function recordedWall(o: { audit?: boolean } = {}) {
  const dataDir = mkdtempSync(join(scratch, 'wf-case-'));
  made.push(dataDir);
  const media = join(dataDir, 'media');
  mkdirSync(join(media, 'demo'), { recursive: true });
  writeFileSync(join(media, 'demo', 'p 1.jpg'), JPEG);
  writeFileSync(join(dataDir, 'secret.jpg'), SECRET);
  const live = new SituationService(fresh(), { deltaIntervalMs: 50 });
  const journal = await Journal.open({ dir: join(dataDir, 'journal'), flushEveryMs: 100_000, snapshotEveryMs: 30_000, level: 3, maxAgeMs: 0, maxBytes: 0, now: () => END });
  journal.start(live);
  let clock = T0;
  const auditLog = o.audit === false ? null : AuditLog.open(dataDir, { now: () => clock });
  const audited: AuditEntryInput[] = [];
  for (const i of history()) {
    clock = i.at;
    live.apply(i);
    if (i.t === 'action') auditLog?.append({ kind: 'action', actor: '张伟', role: 'dispatcher', incidentId: i.action.incidentId, what: i.action.kind });
  }
  clock = END + 1000;
  const config = parseConfig({ demo: false });
  if (!config.ok) throw new Error(config.error);
  const host = {
    journal,
    recording: new Recording(journal, join(dataDir, 'journal'), fresh),
    auditLog,
    audit: (e: AuditEntryInput) => {
      audited.push(e);
      auditLog?.append(e);
    },
    situation: live,
    config: config.value,
  } as unknown as Host;
  return { dataDir, host, journal, media, audited, close: () => (journal.close(), auditLog?.close()) };
}


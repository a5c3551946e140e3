// Hover text for map objects: plain text (never HTML), translated, times in the wall's zone.
import type { Camera, Incident, Kiosk, Unit } from '../../../core/domain';
import { formatAge, formatDuration } from '../i18n/format';
import type { Cluster } from '../model/cluster';
import type { GridFigures } from '../model/grids';

export interface TooltipDeps {
  t: (key: string, opts?: Record<string, unknown>) => string;
  language: string;
  now: number;
  unitAt: (index: number) => Unit | undefined;
  /** the three measures for one grid */
  gridFigures?: (id: string) => GridFigures;
  /** a grid's path without the city, for where a unit is */
  gridPath?: (id: string) => string | null;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** "12 km/h · 东北 · 电量 80% · ±15 m": what the unit reports of its motion and device, where it does. */
export function unitMotionText(u: Unit, d: Pick<TooltipDeps, 't' | 'language'>): string {
  const parts: string[] = [];
  if (typeof u.speed === 'number' && Number.isFinite(u.speed)) parts.push(d.t('unitInfo.speed', { speed: Math.round(u.speed * 3.6) }));
  if (typeof u.heading === 'number' && Number.isFinite(u.heading) && (u.speed ?? 1) > 0.3) parts.push(d.t(`unitInfo.heading.${COMPASS[Math.round((((u.heading % 360) + 360) % 360) / 45) % 8]}`));
  if (typeof u.battery === 'number' && Number.isFinite(u.battery)) parts.push(d.t('unitInfo.battery', { battery: Math.round(u.battery) }));
  if (typeof u.accuracy === 'number' && Number.isFinite(u.accuracy) && u.accuracy > 0) parts.push(d.t('unitInfo.accuracy', { accuracy: Math.round(u.accuracy) }));
  return parts.join(' · ');
}

/** "open 3 · last 24 h 5 · on duty 12" for a grid. */
export function gridFiguresText(f: GridFigures, d: Pick<TooltipDeps, 't'>): string {
  return [`${d.t('gridFill.open')} ${f.open}`, `${d.t('gridFill.day')} ${f.day}`, `${d.t('gridFill.units')} ${f.units}`].join(' · ');
}

export function tooltipText(layerId: string | undefined, object: unknown, index: number, d: TooltipDeps): string | null {
  switch (layerId) {
    case 'units': {
      const u = d.unitAt(index);
      if (!u) return null;
      const status = u.stale && u.status !== 'offline' ? d.t('unitStatus.stale') : d.t(`unitStatus.${u.status}`);
      const where = u.gridId ? d.gridPath?.(u.gridId) : null;
      const source = d.t('unitInfo.source', { source: d.t(`feeds.sources.${u.source}`, { defaultValue: u.source }) });
      return [
        `${d.t(`unitKinds.${u.kind}`)} · ${u.name ?? u.id}`,
        `${status} · ${d.t('unitInfo.fix', { age: formatAge(d.now - u.lastSeen, d.language) })}`,
        unitMotionText(u, d),
        [where, source].filter(Boolean).join(' · '),
      ]
        .filter(Boolean)
        .join('\n');
    }
    case 'incidents': {
      const i = object as Incident | undefined;
      if (!i) return null;
      const where = i.grid?.names.slice(1).join(' › ');
      const lastKnown = i.positionAt !== undefined ? d.t('board.lastKnown', { age: formatDuration(i.ts - i.positionAt, d.language) }) : '';
      return [`${d.t(`priorityShort.${i.priority}`)} ${d.t(`kinds.${i.kind}`)} · ${formatAge(d.now - i.ts, d.language)}`, i.title, where, lastKnown].filter(Boolean).join('\n');
    }
    case 'kiosks': {
      const k = object as Kiosk | undefined;
      if (!k) return null;
      const status = k.sos ? 'sos' : k.online === null ? 'unknown' : k.online ? 'online' : 'offline';
      return `${k.name}\n${d.t(`kioskStatus.${status}`)}`;
    }
    case 'grid-fill': {
      const p = (object as { properties?: { id: string; name: string; names?: string[] } } | undefined)?.properties;
      if (!p) return null;
      const path = (p.names ?? []).slice(1, -1).join(' › ');
      const figures = d.gridFigures?.(p.id);
      return [p.name, path, figures ? gridFiguresText(figures, d) : '', d.t('gridInfo.openHint')].filter(Boolean).join('\n');
    }
    case 'incident-clusters': {
      const c = object as Cluster | undefined;
      if (!c) return null;
      return `${d.t('cluster.count', { count: c.count })} · ${d.t(`priorityShort.${c.priority}`)}\n${d.t('cluster.zoom')}`;
    }
    case 'cameras': {
      const c = object as Camera | undefined;
      if (!c) return null;
      return c.name;
    }
  }
  return null;
}

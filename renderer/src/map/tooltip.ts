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
      return [`${d.t(`unitKinds.${u.kind}`)} · ${u.name ?? u.id}`, `${status} · ${formatAge(d.now - u.lastSeen, d.language)}`].join('\n');
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
      return [p.name, path, figures ? gridFiguresText(figures, d) : ''].filter(Boolean).join('\n');
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

// Hover text for map objects: plain text (never HTML), translated, times in the wall's zone.
import type { Camera, Incident, Kiosk, Unit } from '../../../core/domain';
import { formatAge } from '../i18n/format';

export interface TooltipDeps {
  t: (key: string, opts?: Record<string, unknown>) => string;
  language: string;
  now: number;
  unitAt: (index: number) => Unit | undefined;
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
      return [`${d.t(`priorityShort.${i.priority}`)} ${d.t(`kinds.${i.kind}`)} · ${formatAge(d.now - i.ts, d.language)}`, i.title, where].filter(Boolean).join('\n');
    }
    case 'kiosks': {
      const k = object as Kiosk | undefined;
      if (!k) return null;
      const status = k.sos ? 'sos' : k.online === null ? 'unknown' : k.online ? 'online' : 'offline';
      return `${k.name}\n${d.t(`kioskStatus.${status}`)}`;
    }
    case 'cameras': {
      const c = object as Camera | undefined;
      if (!c) return null;
      return c.name;
    }
  }
  return null;
}

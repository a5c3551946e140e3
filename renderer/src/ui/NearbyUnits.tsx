// Who can get there first: the dispatchable units nearest the selected incident, by ETA, asked of
// the services (their spatial index) every few seconds while the panel is open, so the list follows
// units as they move. A click on one rings it on the map.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NearbyUnit } from '../../../core/dispatch/nearest';
import type { Incident } from '../../../core/domain';
import { UNIT_CSS } from '../model/colors';
import { useDispatch, useRuntime } from './context';

/** how often the list is asked for again */
export const NEARBY_REFRESH_MS = 2000;
const SHOWN = 8;

function formatEta(s: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  return s < 60 ? t('nearby.etaSeconds', { s }) : t('nearby.etaMinutes', { m: Math.round(s / 60) });
}

export function NearbyUnits({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const dispatch = useDispatch();
  const [list, setList] = useState<NearbyUnit[] | null>(null);
  const open = incident.status === 'open';
  useEffect(() => {
    if (!open) return;
    let alive = true;
    const ask = async () => {
      const r = await runtime.bridge.request('dispatch.nearest', { id: incident.id, limit: SHOWN });
      if (alive && r.ok) setList(r.value);
    };
    void ask();
    const timer = setInterval(() => void ask(), NEARBY_REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [runtime, incident.id, open]);
  if (!open || list === null) return null;
  return (
    <section className="incident-nearby">
      <h3>{t('nearby.title')}</h3>
      {list.length === 0 ? (
        <div className="panel-empty">{t('nearby.none')}</div>
      ) : (
        <ul data-testid="nearby-units">
          {list.map((u) => (
            <li
              key={u.unitId}
              data-testid="nearby-unit"
              data-unit-id={u.unitId}
              data-eta={u.etaS}
              onClick={() => {
                const at = runtime.store.getState().units.get(u.unitId);
                if (at) dispatch({ type: 'searchChoice', choice: { kind: 'unit', id: u.unitId, lon: at.lon, lat: at.lat } });
              }}
            >
              <span className="unit-dot" style={{ background: UNIT_CSS[u.kind] }} />
              <span className="unit-name">{u.name ?? u.unitId}</span>
              <span className="unit-kind">{t(`unitKinds.${u.kind}`)}</span>
              <span className="unit-dist">{t('detail.metres', { distance: u.distanceM })}</span>
              <span className="unit-eta">{formatEta(u.etaS, t)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

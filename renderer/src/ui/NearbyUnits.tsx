// Who can get there first: the dispatchable units nearest the selected incident, by ETA, asked of
// the services (their spatial index) every few seconds while the panel is open, so the list follows
// units as they move. A click on one rings it on the map; 指派 sends it, 召集附近志愿者 sends every
// available volunteer nearby (the services decide who, and publish to each).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NearbyUnit } from '../../../core/dispatch/nearest';
import type { Incident } from '../../../core/domain';
import { UNIT_CSS } from '../model/colors';
import { useCanAct, useDispatch, useObservable, useRuntime } from './context';
import { broadcastNearby, explainError, newActionId } from './incident-actions';

/** as the services default it (main/services/dispatch-service.ts) */
const DEFAULT_BROADCAST_RADIUS_M = 500;

/** how often the list is asked for again */
export const NEARBY_REFRESH_MS = 2000;
const SHOWN = 8;

function formatEta(s: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  return s < 60 ? t('nearby.etaSeconds', { s }) : t('nearby.etaMinutes', { m: Math.round(s / 60) });
}

/** The nearest units, asked of the services every NEARBY_REFRESH_MS while the incident is open (null before the first answer). */
export function useNearbyUnits(incident: Incident): NearbyUnit[] | null {
  const runtime = useRuntime();
  const [list, setList] = useState<NearbyUnit[] | null>(null);
  // in a replay the services answer from the replayed situation: who was near then
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
  return open ? list : null;
}

/** 召集附近志愿者: every available volunteer within the radius gets the incident (with its photos). */
function Broadcast({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const [busy, setBusy] = useState(false);
  // what came of the last call for this incident, whether this button or `B` made it
  const last = useObservable(runtime.broadcastSaid);
  const said = last?.incidentId === incident.id ? last.text : null;
  const send = async () => {
    setBusy(true);
    await broadcastNearby(runtime, incident.id);
    setBusy(false);
  };
  return (
    <div className="broadcast">
      <button type="button" className="btn" data-testid="broadcast" disabled={busy} onClick={() => void send()}>
        {t('dispatchUi.broadcast', { radius: DEFAULT_BROADCAST_RADIUS_M })}
      </button>
      {said && (
        <span className="broadcast-said" data-testid="broadcast-said">
          {said}
        </span>
      )}
    </div>
  );
}

export function NearbyUnits({ incident, list }: { incident: Incident; list: NearbyUnit[] | null }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const dispatch = useDispatch();
  // a viewer sees who is near, and sends nobody
  const canAct = useCanAct();
  const asked = new Set(incident.responders.map((r) => r.unitId));
  if (list === null) return null;
  const assign = async (unitId: string) => {
    const r = await runtime.bridge.request('dispatch.assign', { id: incident.id, unitIds: [unitId], actionId: newActionId() });
    // a refusal is said on the status line, like any other action's
    const tt = t as (k: string, o?: Record<string, unknown>) => string;
    if (!r.ok) dispatch({ type: 'error', message: tt('board.failed', { action: tt('dispatchUi.assign'), title: incident.title, error: explainError(r.error, tt) }), at: Date.now() });
  };
  return (
    <section className="incident-nearby">
      <h3>{t('nearby.title')}</h3>
      {canAct && <Broadcast incident={incident} />}
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
              {asked.has(u.unitId) ? (
                <span className="unit-asked">{t('dispatchUi.asked')}</span>
              ) : !canAct ? null : (
                <button
                  type="button"
                  className="btn small"
                  data-testid="assign-unit"
                  onClick={(e) => {
                    e.stopPropagation();
                    void assign(u.unitId);
                  }}
                >
                  {t('dispatchUi.assign')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

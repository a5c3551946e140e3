// The dispatch console (a page's `dispatch` role, docs/wall.md "Displays"): the board to choose
// from, and the chosen incident whole beside it — the same IncidentPanel as over the map (actions,
// nearest units with dispatch, responders, cameras, timeline), here given the height of the screen.
import { useTranslation } from 'react-i18next';
import { IncidentBoard } from './IncidentBoard';
import { IncidentPanel } from './IncidentPanel';
import { useWall } from './context';

function ChooseIncident() {
  const { t } = useTranslation();
  return (
    <div className="dispatch-choose" data-testid="dispatch-choose" role="status">
      {t('displays.chooseIncident')}
    </div>
  );
}

export function DispatchConsole() {
  const selected = useWall((s) => (s.selectedId !== null && s.incidents.has(s.selectedId) ? s.selectedId : null));
  return (
    <div className="dispatch-console" data-testid="dispatch-console">
      <IncidentBoard />
      <div className="dispatch-detail">{selected ? <IncidentPanel /> : <ChooseIncident />}</div>
    </div>
  );
}

// The map's own buttons, top right: back to the whole city (also O or Home).
import { useTranslation } from 'react-i18next';
import { useDispatch } from './context';

export function MapControls() {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  return (
    <div className="map-controls">
      <button type="button" className="map-control" data-testid="overview-button" title={t('overview.title')} onClick={() => dispatch({ type: 'overview' })}>
        <span aria-hidden="true">⌂</span> {t('overview.label')} <kbd>O</kbd>
      </button>
    </div>
  );
}

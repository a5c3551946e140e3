// The grid clicked on the map (or found by search): name, hierarchy path and its figures,
// refreshed every two seconds. Top-right over the map; Esc or the button closes it.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { gridCatalog, GRID_MEASURES } from '../model/grids';
import { gridFigures } from '../model/selectors';
import { useDispatch, useRuntime, useWall, useWallNow } from './context';

export function GridPanel() {
  const { t, i18n } = useTranslation();
  const id = useWall((s) => s.selectedGridId);
  const grids = useWall((s) => s.reference?.grids ?? null);
  const { store } = useRuntime();
  const dispatch = useDispatch();
  const catalog = useMemo(() => gridCatalog(grids), [grids]);
  const now = useWallNow(2000);
  if (!id) return null;
  const entry = catalog.byId.get(id);
  if (!entry) return null;
  const figures = gridFigures(store.getState(), id, now);
  const path = entry.names.slice(1, -1).join(' › ');
  return (
    <section className="grid-panel" data-testid="grid-panel" data-grid-id={id}>
      <div className="grid-panel-head">
        <span className="grid-level">{t(`gridLevel.${entry.level}`)}</span>
        <h2>{entry.name}</h2>
        <button
          type="button"
          className="btn"
          onClick={() => {
            dispatch({ type: 'selectGrid', id: null });
            if (store.getState().highlight?.kind === 'grid') dispatch({ type: 'highlight', highlight: null });
          }}
        >
          {t('gridInfo.close')}
        </button>
      </div>
      {path && <div className="grid-path">{path}</div>}
      <dl className="grid-figures">
        {GRID_MEASURES.map((m) => (
          <div key={m} data-testid={`grid-figure-${m}`} data-value={figures[m]}>
            <dt>{t(`gridFill.${m}`)}</dt>
            <dd>{formatNumber(figures[m], i18n.language)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

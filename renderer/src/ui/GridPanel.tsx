// The grid clicked on the map (or found by search): name, hierarchy path and its figures,
// refreshed every two seconds. Top-right over the map; Esc or the button closes it.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { gridCatalog, GridMeasures, GRID_MEASURES } from '../map/gridStats';
import { useStore } from '../state/store';
import { useNow } from './context';

const measures = new GridMeasures();

export function GridPanel() {
  const { t, i18n } = useTranslation();
  const id = useStore((s) => s.selectedGridId);
  const grids = useStore((s) => s.reference?.grids ?? null);
  const selectGrid = useStore((s) => s.selectGrid);
  const setHighlight = useStore((s) => s.setHighlight);
  const catalog = useMemo(() => gridCatalog(grids), [grids]);
  const now = useNow(2000);
  if (!id) return null;
  const entry = catalog.byId.get(id);
  if (!entry) return null;
  const s = useStore.getState();
  const figures = measures.figures(id, { incidents: s.incidents, history: s.history, historyVersion: s.historyVersion, units: s.units, unitsVersion: s.unitsVersion, now }, catalog);
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
            selectGrid(null);
            if (useStore.getState().highlight?.kind === 'grid') setHighlight(null);
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

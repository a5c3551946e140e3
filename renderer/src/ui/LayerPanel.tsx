// Layer toggles (keys 1–5), the grid fill measure (M) with its classes, and the legend,
// bottom-left over the map.
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_KINDS, UNIT_KINDS, type Priority } from '../../../core/domain';
import { formatNumber } from '../i18n/format';
import { binLabels, GRID_FILLS, rampFor } from '../model/grids';
import { iconDataUrl, kindIcon, sharedIconAtlas } from '../map/icons';
import { KIOSK_COLORS, PRIORITY_CSS, UNIT_CSS } from '../model/colors';
import { gridFillOf } from '../model/selectors';
import { LAYER_KEYS, type LayerToggles } from '../model/wall';
import { useDispatch, useRuntime, useWall, useWallNow } from './context';
import { useUrgentUnder } from './useUrgentUnder';

const css = (c: readonly number[]) => `rgb(${c[0]},${c[1]},${c[2]})`;
const EXTRA: (keyof LayerToggles)[] = ['offlineUnits', 'grids'];

function GridFillChoice() {
  const { t, i18n } = useTranslation();
  const fill = useWall((s) => s.gridFill);
  const dispatch = useDispatch();
  const setFill = (f: (typeof GRID_FILLS)[number]) => dispatch({ type: 'gridFill', fill: f });
  // the legend follows the counts once a second, and the measure and zoom at once
  useWall((s) => s.zoom);
  const now = useWallNow(1000);
  const legend = gridFillOf(useRuntime().store.getState(), now);
  const colors = legend ? rampFor(legend.breaks.length) : [];
  const labels = legend ? binLabels(legend.breaks, legend.max) : [];
  return (
    <>
      <h3>
        {t('gridFill.title')} <kbd>M</kbd>
      </h3>
      <div className="fill-choice" role="radiogroup" aria-label={t('gridFill.title')}>
        {GRID_FILLS.map((f) => (
          <button key={f} type="button" role="radio" aria-checked={fill === f} className={fill === f ? 'on' : ''} data-testid={`grid-fill-${f}`} onClick={() => setFill(f)}>
            {t(`gridFill.${f}`)}
          </button>
        ))}
      </div>
      {legend && legend.fill !== 'none' && fill !== 'none' && (
        <div className="grid-legend" data-testid="grid-legend" data-level={legend.level} data-bins={legend.breaks.length} data-max={legend.max}>
          <span className="legend-label">{t('gridFill.by', { level: t(`gridLevel.${legend.level}`) })}</span>
          <span className="bin">
            <span className="swatch zero" />
            {t('gridFill.zero')}
          </span>
          {labels.map((label, i) => (
            <span key={label} className="bin" data-testid="grid-legend-bin">
              <span className="swatch" style={{ background: `rgba(${colors[i][0]},${colors[i][1]},${colors[i][2]},${(colors[i][3] / 255).toFixed(2)})` }} />
              {label.replace(/\d+/g, (n) => formatNumber(Number(n), i18n.language))}
            </span>
          ))}
        </div>
      )}
    </>
  );
}

function KindLegend() {
  const { t } = useTranslation();
  const atlas = sharedIconAtlas();
  return (
    <div className="legend-group kinds" data-testid="kind-legend">
      <span className="legend-label">{t('legend.kinds')}</span>
      {INCIDENT_KINDS.map((k) => (
        <span key={k} className="legend-item" data-kind={k}>
          <span className="kind-badge">{atlas && <img alt="" src={iconDataUrl(atlas, kindIcon(k), '#0a0e14', 48)} />}</span>
          {t(`kinds.${k}`)}
        </span>
      ))}
    </div>
  );
}

function HeadingItem() {
  const { t } = useTranslation();
  const atlas = sharedIconAtlas();
  return (
    <span className="legend-item">
      {atlas && <img className="heading-icon" alt="" src={iconDataUrl(atlas, 'arrow', '#ffffff', 48)} />}
      {t('legend.heading')}
    </span>
  );
}

/**
 * Open, or collapsed to its title: by the operator's choice, or by itself while an urgent alarm
 * lies under it (until the operator opens it again; it collapses anew for the next one).
 */
function usePanelState(ref: RefObject<HTMLElement | null>) {
  const open = useWall((s) => s.layerPanelOpen);
  const openRect = useRef<DOMRect | null>(null);
  const under = useUrgentUnder(ref, openRect);
  const [keptOpen, setKeptOpen] = useState(false);
  useEffect(() => {
    if (!under) setKeptOpen(false);
  }, [under]);
  const collapsed = !open || (under && !keptOpen);
  useLayoutEffect(() => {
    if (!collapsed && ref.current) openRect.current = ref.current.getBoundingClientRect();
  });
  return { collapsed, auto: open && under && !keptOpen, keepOpen: () => setKeptOpen(true) };
}

export function LayerPanel() {
  const { t } = useTranslation();
  const layers = useWall((s) => s.layers);
  const dispatch = useDispatch();
  const toggle = (key: keyof LayerToggles) => dispatch({ type: 'toggleLayer', key });
  const ref = useRef<HTMLElement>(null);
  const panel = usePanelState(ref);
  if (panel.collapsed) {
    return (
      <section className={`layer-panel collapsed${panel.auto ? ' auto' : ''}`} data-testid="layer-panel" data-collapsed={panel.auto ? 'auto' : 'true'}>
        <button
          type="button"
          className="panel-toggle"
          data-testid="layer-panel-toggle"
          onClick={() => {
            if (panel.auto) panel.keepOpen();
            else dispatch({ type: 'layerPanel', open: true });
          }}
        >
          {t('layers.title')} ▸{panel.auto && <span className="panel-note">{t('layers.collapsedForUrgent')}</span>}
        </button>
      </section>
    );
  }
  return (
    <section ref={ref} className="layer-panel" data-testid="layer-panel" data-collapsed="false">
      <h3>
        {t('layers.title')}
        <button type="button" className="panel-toggle inline" data-testid="layer-panel-toggle" title={t('layers.collapse')} onClick={() => dispatch({ type: 'layerPanel', open: false })}>
          ▾
        </button>
      </h3>
      <ul className="toggles">
        {[...LAYER_KEYS, ...EXTRA].map((key, i) => (
          <li key={key}>
            <label>
              <input type="checkbox" checked={layers[key]} onChange={() => toggle(key)} data-testid={`layer-${key}`} />
              {i < LAYER_KEYS.length && <kbd>{i + 1}</kbd>}
              <span>{t(`layers.${key}`)}</span>
            </label>
          </li>
        ))}
      </ul>
      <GridFillChoice />
      <h3>{t('legend.title')}</h3>
      <div className="legend">
        <div className="legend-group">
          <span className="legend-label">{t('legend.priority')}</span>
          {([1, 2, 3, 4] as Priority[]).map((p) => (
            <span key={p} className="legend-item">
              <span className="dot" style={{ background: PRIORITY_CSS[p] }} />
              {t(`priorityShort.${p}`)}
            </span>
          ))}
          <span className="legend-item">
            <span className="ring" />
            {t('legend.newIncident')}
          </span>
          <span className="legend-item">
            <span className="ring escalated" />
            {t('legend.escalated')}
          </span>
          <span className="legend-item">
            <span className="cluster-badge">5</span>
            {t('legend.cluster')}
          </span>
          <span className="legend-item">
            <span className="leg-line" />
            {t('legend.coming')}
          </span>
        </div>
        <KindLegend />
        <div className="legend-group">
          <span className="legend-label">{t('legend.units')}</span>
          {UNIT_KINDS.map((k) => (
            <span key={k} className="legend-item">
              <span className={`dot unit-${k}`} style={{ background: UNIT_CSS[k] }} />
              {t(`unitKinds.${k}`)}
            </span>
          ))}
          <HeadingItem />
        </div>
        <div className="legend-group">
          <span className="legend-label">{t('legend.kiosk')}</span>
          <span className="legend-item">
            <span className="dot small" style={{ background: css(KIOSK_COLORS.online) }} />
            {t('kioskStatus.online')}
          </span>
          <span className="legend-item">
            <span className="dot small" style={{ background: css(KIOSK_COLORS.offline) }} />
            {t('kioskStatus.offline')}
          </span>
          <span className="legend-item">
            <span className="dot small flash" style={{ background: css(KIOSK_COLORS.sos) }} />
            {t('kioskStatus.sos')}
          </span>
        </div>
      </div>
    </section>
  );
}

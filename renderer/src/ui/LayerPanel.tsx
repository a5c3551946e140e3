// Layer toggles (keys 1–5) and the legend, bottom-left over the map.
import { useTranslation } from 'react-i18next';
import { UNIT_KINDS, type Priority } from '../../../core/domain';
import { KIOSK_COLORS, PRIORITY_CSS, UNIT_CSS } from '../state/colors';
import { LAYER_KEYS, type LayerToggles, useStore } from '../state/store';

const css = (c: readonly number[]) => `rgb(${c[0]},${c[1]},${c[2]})`;
const EXTRA: (keyof LayerToggles)[] = ['offlineUnits', 'grids'];

export function LayerPanel() {
  const { t } = useTranslation();
  const layers = useStore((s) => s.layers);
  const toggle = useStore((s) => s.toggleLayer);
  return (
    <section className="layer-panel" data-testid="layer-panel">
      <h3>{t('layers.title')}</h3>
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
        </div>
        <div className="legend-group">
          <span className="legend-label">{t('legend.units')}</span>
          {UNIT_KINDS.map((k) => (
            <span key={k} className="legend-item">
              <span className={`dot unit-${k}`} style={{ background: UNIT_CSS[k] }} />
              {t(`unitKinds.${k}`)}
            </span>
          ))}
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

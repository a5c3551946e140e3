// Small, quiet notices over the map's bottom-right corner: the offline basemap could not be opened
// (the map carries on with its grid outlines); the map is drawn without a GPU (it still works, but
// refreshes moving units less often and an operator should know why).
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

const stack: CSSProperties = {
  position: 'absolute',
  right: '1rem',
  bottom: '1rem',
  zIndex: 2,
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'flex-end',
  gap: '0.4rem',
  pointerEvents: 'none',
};
const notice: CSSProperties = {
  padding: '0.3rem 0.65rem',
  borderRadius: '0.3rem',
  border: '1px solid #6b5a2a',
  background: '#17140cdd',
  color: '#d9b96a',
  fontSize: '0.85rem',
};

export function MapNotices({ basemapError, softwareRenderer }: { basemapError: string | null; softwareRenderer: string | null }) {
  const { t } = useTranslation();
  if (!basemapError && !softwareRenderer) return null;
  return (
    <div style={stack}>
      {basemapError && (
        <div className="basemap-notice" role="status" data-testid="basemap-notice" title={basemapError} style={notice}>
          {t('basemap.failed')}
        </div>
      )}
      {softwareRenderer && (
        <div className="render-notice" role="status" data-testid="software-render-notice" title={softwareRenderer} style={notice}>
          {t('render.software')}
        </div>
      )}
    </div>
  );
}

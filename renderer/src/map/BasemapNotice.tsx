// A small, quiet notice over the map's bottom-right corner when the configured offline basemap
// could not be opened (the map carries on with its grid outlines).
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

const style: CSSProperties = {
  position: 'absolute',
  right: '1rem',
  bottom: '1rem',
  zIndex: 2,
  padding: '0.3rem 0.65rem',
  borderRadius: '0.3rem',
  border: '1px solid #6b5a2a',
  background: '#17140cdd',
  color: '#d9b96a',
  fontSize: '0.85rem',
  pointerEvents: 'none',
};

export function BasemapNotice({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="basemap-notice" role="status" data-testid="basemap-notice" title={error} style={style}>
      {t('basemap.failed')}
    </div>
  );
}

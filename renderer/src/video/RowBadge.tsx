// The alarm's video number on its incident board row (same number as beside the marker and on its tiles).
import { useTranslation } from 'react-i18next';
import { useWall } from '../ui/context';
import { CameraGlyph } from './CameraGlyph';

export function VideoRowBadge({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation();
  const n = useWall((s) => s.video.numbers.get(incidentId));
  if (n === undefined) return null;
  return (
    <span className="video-row-badge" data-testid="video-row-badge" title={t('video.alarmNumber', { n })}>
      <CameraGlyph />
      {n}
    </span>
  );
}
